package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;
import static org.latent4j.cli.ModelCommandsTest.trainTiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;

/**
 * The training options of {@code train} (KL warm-up, free bits, posterior, objective, schedule, early stopping,
 * checkpoints): each reaches the saved config, a bad value or one the model does not take is one line, and
 * {@code --resume} restores them all.
 */
class TrainOptionsCommandsTest {
    @TempDir
    Path tmp;

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    /** The trainer's options as the run's provenance records them. */
    private static Json.Cursor trainerOptions(Path run) throws IOException {
        return config(run).get("training").get("result").get("provenance").get("options");
    }

    private static Json.Cursor history(Path run, int epoch) throws IOException {
        return config(run).get("training").get("result").get("history").get(epoch - 1);
    }

    @Test
    void vaeOptionsReachTheSavedConfig() throws IOException {
        Path run = tmp.resolve("vae");
        trainTiny(run, "--epochs", "2", "--kl-warmup", "2", "--free-bits", "0.25", "--posterior", "log-std", "--schedule", "cosine", "--lr", "0.002",
                "--patience", "3", "--checkpoint-every", "2", "--checkpoint-minutes", "30");
        Json.Cursor c = config(run).get("config");
        assertEquals(2.0, c.get("warmupEpochs").asDouble());
        assertEquals(0.25, c.get("freeBits").asDouble());
        assertEquals("LOG_STD", c.get("posterior").asString());
        Json.Cursor t = trainerOptions(run);
        assertEquals(3, t.get("earlyStoppingPatience").asInt());
        assertEquals(2, t.get("checkpointEveryEpochs").asInt());
        assertEquals(30.0, t.get("checkpointEveryMinutes").asDouble());
        Json.Cursor schedule = t.get("schedule");
        assertEquals("WarmupCosine", schedule.get("type").asString());
        assertEquals(0.002, schedule.get("peak").asDouble());
        assertEquals(0.0, schedule.get("floor").asDouble());
        // the cosine spans exactly the steps the trainer took: it reaches its floor at the run's last step
        assertEquals(history(run, 2).get("step").asLong(), schedule.get("totalSteps").asLong());
        assertTrue(history(run, 2).get("learningRate").asDouble() < history(run, 1).get("learningRate").asDouble() / 2,
                "the rate falls along the cosine");
    }

    @Test
    void hvaeDefaultsToTheIwaePapersArchitectureTwo() {
        var config = (org.latent4j.core.model.hvae.HierarchicalVaeConfig) org.latent4j.core.model.ModelKinds.get("hvae")
                .configure(new org.latent4j.core.model.OptionValues("test", java.util.Map.of()), new org.latent4j.core.model.DataShape(784, new int[] {28, 28}, 10, true));
        assertEquals(org.latent4j.core.model.hvae.HierarchicalVaeConfig.of(784).withLikelihood(config.likelihood(), config.likelihoodSigma()), config);
        assertEquals(100, config.latent1Dim());
        assertEquals(50, config.latent2Dim());
        assertEquals(java.util.List.of(200, 200), config.hidden1());
        assertEquals(java.util.List.of(100, 100), config.hidden2());
    }

    @Test
    void hvaeObjectiveAndTheIwaeScheduleReachTheSavedConfig() throws IOException {
        Path run = tmp.resolve("hvae");
        trainTiny(run, "--model", "hvae", "--objective", "iwae", "--schedule", "iwae", "--epochs", "2");
        Json.Cursor c = config(run).get("config");
        assertEquals("IWAE", c.get("objective").asString());
        assertEquals(5, c.get("samples").asInt(), "k defaults to 5 for the bound, as for --model iwae");
        assertEquals("TANH", c.get("activation").asString(), "the IWAE paper's architecture 2 by default");
        assertEquals("LOG_STD", c.get("posterior").asString(), "the paper's std = exp(linear)");
        assertEquals(4, c.get("latent1Dim").asInt(), "--latent 4 of the tiny options");
        assertEquals(2, c.get("latent2Dim").asInt());
        Json.Cursor t = trainerOptions(run);
        assertEquals("Staged", t.get("schedule").get("type").asString());
        assertEquals(1e-4, t.get("optimizer").get("eps").asDouble(), "the IWAE paper's Adam");
        assertEquals("ADAM", t.get("optimizer").get("algorithm").asString());
        // stage 0 is one epoch at 0.001, stage 1 three at 0.001 * 10^(-1/7)
        assertEquals(1e-3, history(run, 1).get("learningRate").asDouble(), 1e-12);
        assertEquals(1e-3 * Math.pow(10, -1 / 7.0), history(run, 2).get("learningRate").asDouble(), 1e-12);
    }

    @Test
    void badValuesAreOneLineNamingTheOption() {
        assertUsageError("--kl-warmup must be between", "train", "--kl-warmup", "-1");
        assertUsageError("--kl-warmup must be a number, got 'soon'", "train", "--kl-warmup", "soon");
        assertUsageError("--free-bits must be between", "train", "--free-bits", "-0.5");
        assertUsageError("--free-bits must be a number, got 'abc'", "train", "--free-bits", "abc");
        assertUsageError("--posterior must be log-variance or log-std, got 'log-sd'", "train", "--posterior", "log-sd");
        assertUsageError("--schedule must be constant, cosine or iwae, got 'linear'", "train", "--schedule", "linear");
        assertUsageError("--patience must be between 0 and", "train", "--patience", "-1");
        assertUsageError("--checkpoint-every must be a whole number, got 'often'", "train", "--checkpoint-every", "often");
        assertUsageError("--checkpoint-minutes must be between", "train", "--checkpoint-minutes", "-5");
        assertUsageError("--objective must be elbo or iwae, got 'best'", "train", "--model", "hvae", "--objective", "best");
        assertUsageError("--binarize must be none, dynamic or static, got 'maybe'", "train", "--binarize", "maybe");
    }

    @Test
    void optionsTheModelDoesNotTakeAreRefused() {
        assertUsageError("--k does not apply to --model ae", "train", "--model", "ae", "--k", "3");
        assertUsageError("--beta does not apply to --model ae", "train", "--model", "ae", "--beta", "2");
        assertUsageError("--posterior does not apply to --model ae", "train", "--model", "ae", "--posterior", "log-std");
        assertUsageError("--kl-warmup does not apply to --model ae", "train", "--model", "ae", "--kl-warmup", "2");
        assertUsageError("--beta does not apply to --model vae (only to beta-vae, cvae, vq-vae", "train", "--beta", "2");
        assertUsageError("--beta does not apply to --model iwae", "train", "--model", "iwae", "--beta", "2");
        assertUsageError("--free-bits does not apply to --model iwae", "train", "--model", "iwae", "--free-bits", "1");
        assertUsageError("--beta does not apply to --model hvae", "train", "--model", "hvae", "--beta", "2");
        assertUsageError("--kl-warmup does not apply to --model hvae", "train", "--model", "hvae", "--kl-warmup", "2");
        assertUsageError("--objective does not apply to --model iwae (only to hvae)", "train", "--model", "iwae", "--objective", "iwae");
        assertUsageError("--lr does not apply to --schedule iwae", "train", "--schedule", "iwae", "--lr", "0.01");
    }

    /**
     * Two epochs straight, and one epoch then {@code --resume} to two, end with the same bytes: the resumed run
     * rebuilt the same model and trainer from its saved options. The options chosen all change the weights of the
     * second epoch (the warm-up's KL weight, the free-bits floor, the posterior, the IWAE schedule's second stage).
     */
    @Test
    void resumeEndsWithTheWeightsOfAStraightRun() throws IOException {
        String[] options = {"--kl-warmup", "3", "--free-bits", "0.2", "--posterior", "log-std", "--schedule", "iwae", "--patience", "4",
                "--checkpoint-every", "1"};
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        trainTiny(straight, concat(options, "--epochs", "2"));
        trainTiny(resumed, concat(options, "--epochs", "1"));
        byte[] afterOneEpoch = Files.readAllBytes(resumed.resolve("model.safetensors"));
        ModelCommandsTest.Result r = latent4j("train", "--resume", resumed.toString(), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("resuming vae"), r.out());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")));
        assertEquals(trainerOptions(straight).value(), trainerOptions(resumed).value(), "the resumed run's trainer options");
        assertEquals(config(straight).get("config").value(), config(resumed).get("config").value(), "the resumed run's model config");
        assertEquals(3, Files.readAllLines(resumed.resolve("history.csv")).size(), "header and two epochs");
        // the second epoch changed the weights (else equal bytes would prove nothing about it)
        assertFalse(Arrays.equals(afterOneEpoch, Files.readAllBytes(straight.resolve("model.safetensors"))));
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
