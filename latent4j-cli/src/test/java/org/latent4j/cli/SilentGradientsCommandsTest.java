package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;
import static org.latent4j.cli.ModelCommandsTest.trainTiny;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;

/**
 * {@code train --silent-gradients}: the settings reach the saved config, the linear decoder's weights the saved model,
 * its weight and exact term the history; a resumed run ends as a straight one; bad values are one line.
 */
class SilentGradientsCommandsTest {
    @TempDir
    Path tmp;

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    @Test
    void theSettingsReachTheConfigTheWeightsAndTheHistory() throws IOException {
        Path run = tmp.resolve("silent");
        // 178 training rows (the rest held out), batch 50: 4 steps an epoch; the weight is 0 from step 4, all of epoch 2
        trainTiny(run, "--epochs", "2", "--silent-gradients", "4", "--silent-likelihood", "gaussian-learned");
        Json.Cursor silent = config(run).get("config").get("silent");
        assertEquals(4, silent.get("annealSteps").asLong());
        assertEquals("GAUSSIAN_LEARNED", silent.get("likelihood").asString());
        String header = Files.readAllLines(run.resolve("history.csv")).getFirst();
        assertTrue(header.contains("silentWeight") && header.contains("silentRecon"), header);
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        List<String> columns = List.of(header.split(","));
        double first = Double.parseDouble(lines.get(1).split(",")[columns.indexOf("silentWeight")]);
        double second = Double.parseDouble(lines.get(2).split(",")[columns.indexOf("silentWeight")]);
        // epoch 1: w = 1, 0.75, 0.5, 0.25 over batches of 50, 50, 50 and 28 rows, averaged over the rows
        assertEquals((50 * 1 + 50 * 0.75 + 50 * 0.5 + 28 * 0.25) / 178, first, 1e-6);
        assertEquals(0.0, second);
        String weights = new String(Files.readAllBytes(run.resolve("model.safetensors")), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(weights.contains("\"silent.weight\"") && weights.contains("\"silent.log_var\""), "the linear decoder is saved with the model");
    }

    @Test
    void theDiscreteVaesTakeThemWithGumbelAndReinforce() throws IOException {
        List<List<String>> cases = List.of(List.of("categorical-vae", "gumbel", "--groups", "4", "--categories", "3"),
                List.of("categorical-vae", "reinforce", "--groups", "4", "--categories", "3"), List.of("bernoulli-vae", "reinforce", "--latent", "6"));
        for (List<String> kase : cases) {
            String model = kase.get(0), estimator = kase.get(1);
            Path run = tmp.resolve(model + "-" + estimator);
            String[] common = {"train", "--out", run.toString(), "--limit", "200", "--epochs", "1", "--hidden", "32", "--batch", "50", "--nll-k", "3",
                    "--eval-limit", "20", "--model", model, "--estimator", estimator, "--silent-gradients", "3"};
            ModelCommandsTest.Result r = latent4j(concat(common, kase.subList(2, kase.size()).toArray(String[]::new)));
            assertEquals(0, r.code(), r.err());
            Json.Cursor c = config(run).get("config");
            assertEquals(3, c.get("silent").get("annealSteps").asLong());
            assertEquals(estimator, c.get("estimator").asString());
            assertTrue(Files.readAllLines(run.resolve("history.csv")).getFirst().contains("silentRecon"));
        }
    }

    @Test
    void resumeEndsWithTheWeightsOfAStraightRun() throws IOException {
        String[] options = {"--silent-gradients", "5", "--checkpoint-every", "1"};
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        trainTiny(straight, concat(options, "--epochs", "2"));
        trainTiny(resumed, concat(options, "--epochs", "1"));
        ModelCommandsTest.Result r = latent4j("train", "--resume", resumed.toString(), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")));
    }

    @Test
    void badValuesAreOneLineNamingTheOption() {
        assertUsageError("--silent-gradients must be between 1 and", "train", "--silent-gradients", "0");
        assertUsageError("--silent-gradients must be a whole number, got 'soon'", "train", "--silent-gradients", "soon");
        assertUsageError("--silent-likelihood must be gaussian-shared, gaussian-learned or gaussian-fixed, got 'bernoulli'", "train",
                "--silent-gradients", "5", "--silent-likelihood", "bernoulli");
        assertUsageError("--silent-likelihood needs --silent-gradients STEPS", "train", "--silent-likelihood", "gaussian-fixed");
        assertUsageError("--silent-sigma applies only to --silent-likelihood gaussian-fixed", "train", "--silent-gradients", "5", "--silent-sigma", "2");
        assertUsageError("--silent-gradients does not apply to --model hvae", "train", "--model", "hvae", "--silent-gradients", "5");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
