package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertPng;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code train --model cvae} end to end: class-conditional samples, and the other commands given the held-out labels. */
class ConditionalCommandsTest {
    @TempDir
    Path tmp;

    /** The grey levels (the raster's samples: getRGB would convert the grey to sRGB) of the pixels of grid cell (row, column) of a grid of 28x28 images enlarged twice with 2-pixel gaps. */
    private static int[] cell(BufferedImage img, int row, int column) {
        int[] out = new int[56 * 56];
        int x0 = 2 + column * 58, y0 = 2 + row * 58;
        for (int y = 0; y < 56; y++) for (int x = 0; x < 56; x++) out[y * 56 + x] = img.getRaster().getSample(x0 + x, y0 + y, 0);
        return out;
    }

    @Test
    void trainsACvaeAndSamplesOneRowPerClass() throws IOException {
        Path run = tmp.resolve("cvae");
        ModelCommandsTest.Result r = latent4j("train", "--model", "cvae", "--limit", "200", "--epochs", "2", "--hidden", "32", "--latent", "2",
                "--batch", "50", "--nll-k", "3", "--eval-limit", "20", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        ModelStore.Saved saved = ModelStore.load(run);
        assertEquals("cvae", saved.model().kind());
        assertEquals(10, saved.model().conditionClasses());
        assertTrue(Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation").get("logLikelihood").get("nll").asDouble() > 0);
        assertPng(run.resolve("samples.png"), 8, 10);

        Path samples = tmp.resolve("s.png");
        Path json = tmp.resolve("s.json");
        r = latent4j("sample", run.toString(), "--n", "3", "--out", samples.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("3 samples of each of 10 classes"), r.out());
        assertPng(samples, 3, 10);
        assertEquals(30, Json.at(Json.readFile(json), "s").get("samples").asInt());
        // row c of the grid is class c: each cell is the decoding of its prior draw under its row's class, and not under another
        BufferedImage img = ImageIO.read(samples.toFile());
        LatentModel m = saved.model();
        Tensor z = new Rng(0).normal(0f, 1f, 30, m.latentDim());
        int[] classes = new int[30], others = new int[30];
        for (int i = 0; i < 30; i++) {
            classes[i] = i / 3;
            others[i] = (i / 3 + 1) % 10;
        }
        float[] right, wrong;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            right = m.likelihood().mean(m.decode(z, m.labelCondition(classes))).toArray();
            wrong = m.likelihood().mean(m.decode(z, m.labelCondition(others))).toArray();
        }
        double offRight = 0, offWrong = 0;
        for (int i = 0; i < 30; i++) {
            int[] pixels = cell(img, i / 3, i % 3);
            for (int p = 0; p < 784; p++) {
                int shown = pixels[(p / 28) * 2 * 56 + (p % 28) * 2];
                offRight = Math.max(offRight, Math.abs(shown - 255 * right[i * 784 + p]));
                offWrong = Math.max(offWrong, Math.abs(shown - 255 * wrong[i * 784 + p]));
            }
        }
        assertTrue(offRight <= 1, "largest grey-level difference from the decoding under the row's class: " + offRight);
        assertTrue(offWrong > 5, "the next class would show other pictures: " + offWrong);

        for (String[] args : new String[][] {
                {"eval", run.toString(), "--nll-k", "2", "--limit", "10"},
                {"reconstruct", run.toString(), "--n", "4", "--out", tmp.resolve("r.png").toString()},
                {"interpolate", run.toString(), "--pairs", "2", "--steps", "3", "--out", tmp.resolve("i.png").toString()},
                {"traverse", run.toString(), "--dims", "2", "--steps", "3", "--out", tmp.resolve("t.png").toString()}}) {
            r = latent4j(args);
            assertEquals(0, r.code(), args[0] + ": " + r.err());
        }
        assertPng(tmp.resolve("t.png"), 3, 2);
    }
}
