package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.latent4j;
import static org.latent4j.cli.ModelCommandsTest.trainTiny;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.cli.report.ReportCharts;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.eval.GradientVariance;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.random.Rng;

/** {@code latent4j gradvar} on tiny runs, and {@code train --gradvar-every}. */
class GradvarCommandTest {
    @TempDir
    static Path tmp;
    static Path iwae;
    static ModelCommandsTest.Result trained;

    @BeforeAll
    static void trainTinyRuns() {
        iwae = tmp.resolve("iwae");
        trained = trainTiny(iwae, "--model", "iwae", "--k", "2", "--gradvar-every", "2", "--gradvar-draws", "3");
    }

    @Test
    void trainLogsTheGradientVarianceIntoTheHistoryAndTheSnrsIntoTheProgressLine() throws IOException {
        List<String> history = Files.readAllLines(iwae.resolve("history.csv"));
        assertTrue(history.getFirst().endsWith(",gradvar_encoder_snr,gradvar_encoder_variance,gradvar_decoder_snr,gradvar_decoder_variance"),
                history.getFirst());
        String[] fields = history.get(1).split(",");
        for (int i = fields.length - 4; i < fields.length; i++) assertTrue(Double.parseDouble(fields[i]) > 0, history.get(1));
        assertTrue(trained.err().contains("snr encoder ") && trained.err().contains("snr decoder "), trained.err());
        assertFalse(trained.err().contains("gradvar_encoder_variance"), "the variances stay out of the progress line: " + trained.err());
        String report = Files.readString(iwae.resolve("report.html"));
        assertTrue(report.contains("signal-to-noise ratio (Rainforth et al. 2018") && report.contains("mean variance per element of each module"),
                "the report charts them, a chart per statistic");
        ModelCommandsTest.Result refused = latent4j("train", "--out", tmp.resolve("x").toString(), "--gradvar-draws", "1");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--gradvar-draws must be between 2"), refused.err());
    }

    @Test
    void aSweepOverKMeasuresTheRunsModelWithEachKOnItsHeldOutRowsAndWritesTheTableJsonAndPlot() throws IOException {
        Path out = tmp.resolve("sweep");
        ModelCommandsTest.Result r = latent4j("gradvar", iwae.toString(), "--k", "1,4", "--draws", "12", "--batch", "3", "--seed", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("estimator       k  group"), r.out());
        assertTrue(r.out().contains("reparam         4  decoder"), r.out());
        assertTrue(r.out().contains("    encoder.net.0"), "layers are indented under the modules: " + r.out());
        assertTrue(r.out().contains("slope of log(statistic) against log(k)"), r.out());

        Json.Value json = Json.readFile(out.resolve(GradvarCommand.JSON_FILE));
        Json.Cursor root = Json.at(json, "gradvar.json");
        assertEquals(3, root.get("rows").asInt());
        assertEquals(12, root.get("draws").asInt());
        assertEquals(2, root.get("points").size());

        // the same measurement made here: the run's weights under k = 4, the first 3 held-out rows, the seed's streams
        ModelStore.Saved saved = ModelStore.load(iwae);
        Iwae model = new Iwae(((VaeConfig) saved.model().config()).withSamples(4), new Rng(0));
        model.loadState(saved.model().namedState());
        Dataset rows = Runs.evaluationRows(saved, null, 3).data();
        GradientVariance.Measurement expected = GradientVariance.measure(model, Batch.of(rows.features()), TrainingProgress.EVALUATION, 12, new Rng(5),
                ProgressListener.NONE);
        Json.Cursor point = root.get("points").get(1);
        assertEquals("reparam", point.get("estimator").asString());
        assertEquals(4, point.get("k").asInt());
        assertEquals(expected.groups().size(), point.get("groups").size());
        for (int g = 0; g < expected.groups().size(); g++) {
            GradientVariance.GroupStatistics e = expected.groups().get(g);
            Json.Cursor measured = point.get("groups").get(g);
            assertEquals(e.name(), measured.get("name").asString());
            assertEquals(e.snr(), measured.get("snr").asDouble(), "group " + e.name());
            assertEquals(e.meanVariance(), measured.get("mean_variance").asDouble(), "group " + e.name());
        }
        // the slope over two points is the ratio of the logs
        double snr1 = root.get("points").get(0).get("groups").get(1).get("snr").asDouble(), snr4 = expected.group("encoder").snr();
        Json.Cursor slope = root.get("slopes").get(1);
        assertEquals("encoder", slope.get("group").asString());
        assertEquals(Math.log(snr4 / snr1) / Math.log(4), slope.get("snr").asDouble(), 1e-12);

        BufferedImage png = ImageIO.read(out.resolve(GradvarCommand.PNG_FILE).toFile());
        assertEquals(2 * ReportCharts.WIDTH, png.getWidth(), "two panels, SNR and variance");
        assertEquals(ReportCharts.HEIGHT, png.getHeight());
    }

    @Test
    void withoutOptionsItMeasuresTheRunsOwnEstimatorAndKIntoTheRunDirectory() throws IOException {
        Path run = tmp.resolve("own");
        trainTiny(run, "--model", "cvae", "--k", "2");
        ModelCommandsTest.Result r = latent4j("gradvar", run.toString(), "--draws", "4", "--batch", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reparam         2  model"), r.out());
        assertFalse(r.out().contains("slope"), "one k has no slope: " + r.out());
        assertTrue(Files.isRegularFile(run.resolve(GradvarCommand.PNG_FILE)));
        // the conditional VAE keeps its samples inside its VAE's config: --k finds them there
        ModelCommandsTest.Result swept = latent4j("gradvar", run.toString(), "--k", "1,3", "--draws", "4", "--batch", "2", "--out",
                tmp.resolve("own-sweep").toString());
        assertEquals(0, swept.code(), swept.err());
        assertTrue(swept.out().contains("reparam         3  model"), swept.out());
    }

    @Test
    void badRequestsAreRefusedWithOneLine() {
        Path ae = tmp.resolve("ae");
        trainTiny(ae, "--model", "ae");
        String[][] cases = {
            {"gradvar", iwae.toString(), "--k", "0,10"},
            {"gradvar", iwae.toString(), "--k", "2,2"},
            {"gradvar", iwae.toString(), "--estimator", "no-such"},
            {"gradvar", iwae.toString(), "--draws", "1"},
            {"gradvar", tmp.resolve("missing").toString()},
            {"gradvar", ae.toString(), "--draws", "3"},
            {"gradvar", ae.toString(), "--k", "3"},
            {"gradvar", ae.toString(), "--estimator", "reparam"},
        };
        String[] expected = {"--k values must be between 1", "--k lists a value twice", "unknown gradient estimator 'no-such'", "--draws must be between 2",
            "no such directory", "is the same on every draw (it has no stochastic latents): it has no variance to measure",
            "--k does not apply to the ae model", "--estimator does not apply to the ae model"};
        for (int i = 0; i < cases.length; i++) {
            ModelCommandsTest.Result r = latent4j(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        assertFalse(Files.exists(ae.resolve(GradvarCommand.JSON_FILE)), "nothing is written for a refused request");
    }
}
