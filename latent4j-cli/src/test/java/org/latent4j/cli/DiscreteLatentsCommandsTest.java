package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

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
 * {@code train --model categorical-vae|bernoulli-vae --estimator E} end to end on the embedded data: training, the
 * estimator's metrics in history.csv, eval's NLL, samples, codes; and the one-line refusals of an estimator that does
 * not apply.
 */
class DiscreteLatentsCommandsTest {
    @TempDir
    Path tmp;

    private static final List<String> TINY = List.of("--limit", "200", "--epochs", "1", "--batch", "50", "--eval-limit", "20", "--hidden", "32");

    private ModelCommandsTest.Result train(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--out", run.toString()));
        args.addAll(TINY);
        args.addAll(List.of(extra));
        ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void categoricalVaeTrainsWithStraightThroughGumbelAndEvaluates() throws IOException {
        Path run = tmp.resolve("cat");
        train(run, "--model", "categorical-vae", "--groups", "4", "--categories", "5", "--estimator", "gumbel-st", "--tau", "2");
        Json.Cursor config = Json.at(Json.readFile(run.resolve("config.json")), "config.json");
        assertEquals("categorical-vae", config.get("kind").asString());
        assertEquals("gumbel-st", config.get("config").get("estimator").asString());
        assertEquals(2.0, config.get("config").get("temperature").get("initial").asDouble());
        String header = Files.readAllLines(run.resolve("history.csv")).getFirst();
        for (String col : List.of("kl", "elbo", "temperature")) assertTrue(header.contains(col), header);
        ModelCommandsTest.Result eval = latent4j("eval", run.toString(), "--limit", "10", "--nll-k", "20");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().toLowerCase().contains("nll"), eval.out());
        ModelCommandsTest.Result sample = latent4j("sample", run.toString(), "--n", "4", "--out", tmp.resolve("s.png").toString());
        assertEquals(0, sample.code(), sample.err());
        assertTrue(Files.size(tmp.resolve("s.png")) > 0);
        ModelCommandsTest.Result codes = latent4j("codes", run.toString(), "--out", tmp.resolve("codes.npy").toString(), "--limit", "7");
        assertEquals(0, codes.code(), codes.err());
        assertTrue(Files.size(tmp.resolve("codes.npy")) > 0);
    }

    @Test
    void everyEstimatorTrainsBothFamilies() {
        for (String e : List.of("gumbel", "reinforce", "nvil", "vimco", "exact")) {
            train(tmp.resolve("cat-" + e), "--model", "categorical-vae", "--groups", "2", "--categories", "4", "--estimator", e, "--limit", "100");
            train(tmp.resolve("bin-" + e), "--model", "bernoulli-vae", "--latent", "6", "--estimator", e, "--limit", "100");
        }
    }

    /**
     * {@code gradvar} measures every discrete estimator on a categorical-vae run: the score function has more encoder
     * variance than the relaxation; exact enumeration has no noise at all, which gradvar refuses to measure; VIMCO
     * without its second sample is refused in one line.
     */
    @Test
    void gradvarMeasuresEveryDiscreteEstimator() throws IOException {
        Path run = tmp.resolve("gv");
        train(run, "--model", "categorical-vae", "--groups", "2", "--categories", "3", "--estimator", "reinforce", "--limit", "100");
        ModelCommandsTest.Result r = latent4j("gradvar", run.toString(), "--estimator", "gumbel,gumbel-st,reinforce,nvil", "--draws", "8", "--batch", "20");
        assertEquals(0, r.code(), r.err());
        Json.Cursor points = Json.at(Json.readFile(run.resolve("gradvar.json")), "gradvar.json").get("points");
        assertEquals(4, points.size());
        java.util.Map<String, Double> encoderVariance = new java.util.HashMap<>();
        for (int i = 0; i < points.size(); i++) {
            Json.Cursor p = points.get(i), groups = p.get("groups");
            for (int g = 0; g < groups.size(); g++) {
                if (groups.get(g).get("name").asString().equals("encoder")) encoderVariance.put(p.get("estimator").asString(), groups.get(g).get("mean_variance").asDouble());
            }
        }
        assertUsageError("is the same on every draw", "gradvar", run.toString(), "--estimator", "exact", "--draws", "4", "--batch", "20", "--out",
                tmp.resolve("gv-exact").toString());
        assertTrue(encoderVariance.get("reinforce") > encoderVariance.get("gumbel"), encoderVariance.toString());
        ModelCommandsTest.Result v = latent4j("gradvar", run.toString(), "--estimator", "vimco", "--k", "5", "--draws", "4", "--batch", "20", "--out",
                tmp.resolve("gv-vimco").toString());
        assertEquals(0, v.code(), v.err());
        assertUsageError("needs at least 2 samples", "gradvar", run.toString(), "--estimator", "vimco", "--k", "1", "--draws", "4", "--out",
                tmp.resolve("gv-bad").toString());
    }

    /**
     * Two epochs straight, and one then {@code --resume} to two, end with the same bytes for the score-function
     * estimators, whose running signal statistics live in a buffer (and NVIL's baseline network in the weights).
     */
    @Test
    void resumeKeepsTheRunningBaselineExact() throws IOException {
        for (String e : List.of("reinforce", "nvil")) {
            List<String> kind = List.of("--model", "categorical-vae", "--groups", "3", "--categories", "4", "--estimator", e, "--limit", "150");
            Path straight = tmp.resolve("straight-" + e), resumed = tmp.resolve("resumed-" + e);
            train(straight, concat(kind, "--epochs", "2"));
            train(resumed, concat(kind, "--epochs", "1"));
            byte[] afterOne = Files.readAllBytes(resumed.resolve("model.safetensors"));
            ModelCommandsTest.Result r = latent4j("train", "--resume", resumed.toString(), "--epochs", "2");
            assertEquals(0, r.code(), r.err());
            byte[] a = Files.readAllBytes(straight.resolve("model.safetensors")), b = Files.readAllBytes(resumed.resolve("model.safetensors"));
            assertArrayEquals(a, b, e);
            assertFalse(Arrays.equals(afterOne, a), e + ": the second epoch changed the model");
        }
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void anEstimatorThatDoesNotApplyIsRefusedInOneLine() {
        String out = tmp.resolve("x").toString();
        // reparam is unknown here or registered for Gaussian latents only: either way refused, naming those that apply
        assertUsageError("gradient estimator 'reparam'", "train", "--out", out, "--model", "categorical-vae",
                "--estimator", "reparam");
        assertUsageError("(for categorical latents: gumbel, gumbel-st, reinforce, nvil, vimco, exact)", "train", "--out", out, "--model",
                "categorical-vae", "--estimator", "reparam");
        assertUsageError("unknown gradient estimator 'gumble'", "train", "--out", out, "--model", "bernoulli-vae", "--estimator", "gumble");
        assertUsageError("more than the limit of 4096", "train", "--out", out, "--model", "categorical-vae", "--estimator", "exact");
        assertUsageError("--tau sets the temperature of gumbel and gumbel-st, not of reinforce", "train", "--out", out, "--model", "categorical-vae",
                "--estimator", "reinforce", "--tau", "2");
        assertUsageError("needs at least 2 samples", "train", "--out", out, "--model", "categorical-vae", "--estimator", "vimco", "--k", "1");
        assertUsageError("latent4j train: --tau must be a number, got 'nan'", "train", "--out", out, "--model", "categorical-vae", "--tau", "nan");
        assertUsageError("--tau-min must be at most --tau", "train", "--out", out, "--model", "categorical-vae", "--tau", "0.5", "--tau-min", "0.9");
    }
}
