package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.vae.VaeConfig;

/** --estimator for the Gaussian kinds: trains, is saved with the model, and is refused by name when it does not apply. */
class GaussianEstimatorCommandsTest {
    @TempDir
    static Path tmp;

    @Test
    void iwaeTrainsWithDregAndRecordsItsEstimator() throws IOException {
        Path run = tmp.resolve("iwae-dreg");
        ModelCommandsTest.Result r = ModelCommandsTest.trainTiny(run, "--model", "iwae", "--k", "3", "--estimator", "dreg");
        Json.Cursor c = Json.at(Json.readFile(run.resolve("config.json")), "config.json").get("config");
        assertEquals("dreg", c.get("estimator").asString());
        assertEquals(3, c.get("samples").asInt());
        assertEquals("dreg", ((VaeConfig) ModelStore.load(run).model().config()).estimator(), "the saved model reloads with its estimator");
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertTrue(history.getFirst().contains("ess"), "the estimator's metric reaches history.csv: " + history.getFirst());
        assertTrue(r.out().contains("NLL"), r.out());
    }

    @Test
    void hvaeTrainsWithDregOnItsIwaeObjective() throws IOException {
        Path run = tmp.resolve("hvae-dreg");
        ModelCommandsTest.trainTiny(run, "--model", "hvae", "--objective", "iwae", "--k", "2", "--estimator", "dreg");
        Json.Cursor c = Json.at(Json.readFile(run.resolve("config.json")), "config.json").get("config");
        assertEquals("dreg", c.get("estimator").asString());
        assertEquals("IWAE", c.get("objective").asString());
    }

    @Test
    void vaeTrainsWithStl() throws IOException {
        Path run = tmp.resolve("vae-stl");
        ModelCommandsTest.trainTiny(run, "--model", "beta-vae", "--estimator", "stl", "--free-bits", "0.1");
        Json.Cursor c = Json.at(Json.readFile(run.resolve("config.json")), "config.json").get("config");
        assertEquals("stl", c.get("estimator").asString());
    }

    @Test
    void anEstimatorThatDoesNotApplyIsRefusedInOneLine() {
        assertUsageError("--estimator nope: unknown gradient estimator 'nope' (for gaussian latents: reparam, stl, dreg", "train", "--model", "iwae", "--estimator",
                "nope");
        assertUsageError("--estimator dreg: gradient estimator 'dreg' does not apply to the ELBO (for it: reparam, stl)", "train", "--model", "vae",
                "--estimator", "dreg");
        assertUsageError("--estimator dreg: gradient estimator 'dreg' does not apply to the ELBO (for it: reparam, stl)", "train", "--model", "hvae",
                "--estimator", "dreg");
        assertUsageError("--estimator does not apply to --model ae", "train", "--model", "ae", "--estimator", "stl");
    }

    @Test
    void trainHelpListsTheEstimators() {
        ModelCommandsTest.Result r = latent4j("train", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--estimator NAME"), r.out());
        for (String e : List.of("reparam", "stl", "dreg")) assertTrue(r.out().contains("  " + e + " "), e + " in " + r.out());
        assertTrue(r.out().contains("Tucker, Lawson, Gu and Maddison 2019"), r.out());
    }
}
