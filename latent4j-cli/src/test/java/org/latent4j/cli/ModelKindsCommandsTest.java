package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertPng;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;

/**
 * {@code train --model ae|beta-vae|iwae|hvae} end to end on tiny data: the run directory, the model options
 * the saved config records, and eval on the result.
 */
class ModelKindsCommandsTest {
    @TempDir
    Path tmp;

    /** A tiny run with {@code extra}; checks the files every run writes and returns what train printed. */
    private static ModelCommandsTest.Result train(Path run, String... extra) {
        ModelCommandsTest.Result r = ModelCommandsTest.trainTiny(run, extra);
        for (String f : new String[] {"model.safetensors", "config.json", "metrics.json", "history.csv", "reconstructions.png",
                TrainCommand.ARGUMENTS_FILE}) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        return r;
    }

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    private static ModelCommandsTest.Result evalOk(Path run) {
        ModelCommandsTest.Result r = latent4j("eval", run.toString(), "--nll-k", "2", "--limit", "10");
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void aeWritesNoSamplesAndSaysSo() throws IOException {
        Path run = tmp.resolve("ae");
        ModelCommandsTest.Result r = train(run, "--model", "ae");
        assertFalse(Files.exists(run.resolve("samples.png")), "a deterministic autoencoder has no prior to sample");
        String wrote = r.out().lines().filter(l -> l.startsWith("wrote ")).findFirst().orElseThrow();
        assertFalse(wrote.contains("samples.png"), wrote);
        assertTrue(wrote.contains("reconstructions.png"), wrote);
        Json.Cursor c = config(run);
        assertEquals("ae", c.get("kind").asString());
        assertEquals("RELU", c.get("config").get("activation").asString(), "the command's default activation");
        assertEquals(4, c.get("config").get("latentDim").asInt());
        assertTrue(evalOk(run).out().contains("Recon"));
    }

    @Test
    void betaVaeRecordsItsBetaAndSamples() throws IOException {
        Path run = tmp.resolve("beta-vae");
        train(run, "--model", "beta-vae", "--beta", "2.5", "--k", "2");
        Json.Cursor c = config(run).get("config");
        assertEquals("beta-vae", config(run).get("kind").asString());
        assertEquals(2.5, c.get("beta").asDouble());
        assertEquals(2, c.get("samples").asInt());
        assertPng(run.resolve("samples.png"), 8, 8);
        assertEquals("beta-vae", ModelStore.load(run).model().kind());
        assertTrue(evalOk(run).out().contains("NLL"));
    }

    @Test
    void iwaeRecordsItsK() throws IOException {
        Path run = tmp.resolve("iwae");
        train(run, "--model", "iwae", "--k", "3", "--activation", "tanh");
        Json.Cursor c = config(run).get("config");
        assertEquals("iwae", config(run).get("kind").asString());
        assertEquals(3, c.get("samples").asInt());
        assertEquals(1.0, c.get("beta").asDouble(), "the bound has no KL weight");
        assertEquals("TANH", c.get("activation").asString());
        assertTrue(evalOk(run).out().contains("NLL"));
    }

    /** hvae used to drop --activation (its library default, tanh, was kept): gelu is neither that nor the command's default. */
    @Test
    void hvaeTakesActivationPosteriorAndK() throws IOException {
        Path run = tmp.resolve("hvae");
        train(run, "--model", "hvae", "--activation", "gelu", "--posterior", "log-std", "--k", "2");
        Json.Cursor c = config(run).get("config");
        assertEquals("hvae", config(run).get("kind").asString());
        assertEquals("GELU", c.get("activation").asString());
        assertEquals("LOG_STD", c.get("posterior").asString());
        assertEquals("ELBO", c.get("objective").asString(), "the default objective");
        assertEquals(2, c.get("samples").asInt());
        assertEquals(4, c.get("latent1Dim").asInt());
        assertEquals(2, c.get("latent2Dim").asInt());
        assertEquals("hvae", ModelStore.load(run).model().kind());
        assertPng(run.resolve("samples.png"), 8, 8);
        assertTrue(evalOk(run).out().contains("NLL"));
    }
}
