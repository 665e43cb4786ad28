package org.latent4j.cli.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.cli.Main;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.ModelKinds;

/** A kind registered by another jar (this test module) is found, listed, trained, saved, loaded and evaluated. */
class PluginKindCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void aKindFromAnotherJarWorksEverywhereWithoutAnEdit() throws IOException {
        assertTrue(ModelKinds.names().contains(TiedLinearAutoencoderKind.NAME), ModelKinds.names().toString());
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            assertEquals(0, Main.run(new String[] {"train", "--help"}));
        } finally {
            System.setOut(old);
        }
        String help = out.toString();
        assertTrue(help.contains(TiedLinearAutoencoderKind.NAME) && help.contains("--tied-width N"), help);

        Path run = tmp.resolve("run");
        assertEquals(0, Main.run(new String[] {"train", "--model", TiedLinearAutoencoderKind.NAME, "--tied-width", "4", "--limit", "200", "--epochs", "2",
                "--out", run.toString()}));
        assertEquals(TiedLinearAutoencoderKind.NAME, ModelStore.load(run).model().kind());
        assertEquals(4, ModelStore.load(run).model().latentDim());
        assertTrue(Files.readAllLines(run.resolve("history.csv")).getFirst().endsWith(",weight_norm"), "its metric reaches history.csv");
        assertEquals(0, Main.run(new String[] {"eval", run.toString()}));
        Json.Cursor eval = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation");
        assertEquals(4, eval.get("latent").get("activeUnits").get("activity").size(), "a deterministic code's diagnostics");
        // a model option of another kind is refused for it
        assertEquals(2, Main.run(new String[] {"train", "--model", TiedLinearAutoencoderKind.NAME, "--beta", "2", "--out", tmp.resolve("x").toString()}));
    }
}
