package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.eval.RankingMetrics;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import java.util.Random;

/**
 * {@code latent4j score}: models trained on "normal" rows (8 features driven by 2 latent factors) score rows of a
 * test file, a quarter of which are anomalies (the same factors, with 4 features pushed off the normal rows' plane).
 */
class ScoreCommandTest {
    @TempDir
    static Path tmp;
    static Path vae, ae, test, labels;
    static final int NORMAL = 60, ANOMALIES = 20;

    /** n rows: x = z W + noise, with {@code shift} added to features 0..3 (0 for normal rows). */
    private static float[] rows(Random rng, int n, float shift) {
        float[][] w = {{1, 1, 0, 0, 1, -1, 0.5f, 0}, {0, 1, 1, -1, 0, 0, 0.5f, 1}};
        float[] out = new float[n * 8];
        for (int i = 0; i < n; i++) {
            float z0 = (float) rng.nextGaussian(), z1 = (float) rng.nextGaussian();
            for (int j = 0; j < 8; j++) {
                out[i * 8 + j] = z0 * w[0][j] + z1 * w[1][j] + 0.1f * (float) rng.nextGaussian() + (j < 4 ? shift * (j % 2 == 0 ? 1 : -1) : 0);
            }
        }
        return out;
    }

    @BeforeAll
    static void trainOnNormalRows() throws IOException {
        Random rng = new Random(3);
        Path normal = tmp.resolve("normal.npy");
        NpyWriter.write(normal, Tensor.of(rows(rng, 400, 0), 400, 8));
        float[] t = new float[(NORMAL + ANOMALIES) * 8];
        System.arraycopy(rows(rng, NORMAL, 0), 0, t, 0, NORMAL * 8);
        System.arraycopy(rows(rng, ANOMALIES, 3), 0, t, NORMAL * 8, ANOMALIES * 8);
        test = tmp.resolve("test.npy");
        NpyWriter.write(test, Tensor.of(t, NORMAL + ANOMALIES, 8));
        StringBuilder l = new StringBuilder("kind\n");
        for (int i = 0; i < NORMAL + ANOMALIES; i++) l.append(i < NORMAL ? "ok" : "fraud").append('\n');
        labels = tmp.resolve("labels.csv");
        Files.writeString(labels, l);
        vae = tmp.resolve("vae");
        ae = tmp.resolve("ae");
        for (Path run : List.of(vae, ae)) {
            ModelCommandsTest.Result r = latent4j("train", "--data", normal.toString(), "--model", run.getFileName().toString(), "--epochs", "30",
                    "--hidden", "32", "--latent", "2", "--batch", "32", "--nll-k", "2", "--out", run.toString());
            assertEquals(0, r.code(), r.err());
        }
    }

    private record Scores(List<String> header, double[] score, String[] label, int[] flagged) {}

    private static Scores readScores(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.getFirst().split(","));
        int n = lines.size() - 1;
        double[] s = new double[n];
        String[] label = new String[n];
        int[] flagged = new int[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(String.valueOf(i), f[0], "rows are numbered from 0");
            s[i] = Double.parseDouble(f[1]);
            if (header.contains("label")) label[i] = f[header.indexOf("label")];
            if (header.contains("flagged")) flagged[i] = Integer.parseInt(f[header.indexOf("flagged")]);
        }
        return new Scores(header, s, label, flagged);
    }

    private static boolean[] truth() {
        boolean[] a = new boolean[NORMAL + ANOMALIES];
        for (int i = NORMAL; i < a.length; i++) a[i] = true;
        return a;
    }

    @Test
    void labelledScoresGiveAurocAucprRocAndTheRunsAnomalyFile() throws IOException {
        Path out = tmp.resolve("labelled").resolve("scores.csv");
        Files.createDirectories(out.getParent());
        ModelCommandsTest.Result r = latent4j("score", vae.toString(), "--data", test.toString(), "--labels", labels.toString(), "--normal", "ok",
                "--k", "20", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Scores s = readScores(out);
        assertEquals(List.of("row", "score", "label"), s.header());
        assertEquals(NORMAL + ANOMALIES, s.score().length);
        assertEquals("ok", s.label()[0]);
        assertEquals("fraud", s.label()[NORMAL]);
        double auroc = RankingMetrics.auroc(s.score(), truth());
        assertTrue(auroc > 0.95, "the shifted rows are far off the normal plane: AUROC " + auroc);

        Json.Cursor a = Json.at(Json.readFile(vae.resolve("anomaly.json")), "anomaly.json");
        assertEquals(Set.of("score", "k", "data", "normal", "rows", "anomalies", "auroc", "auprc", "fpr", "tpr", "threshold", "thresholdFpr"), a.keys());
        assertEquals("nll", a.get("score").asString(), "nll is the default for a model with a likelihood");
        assertEquals(20, a.get("k").asInt());
        assertEquals(test.toAbsolutePath().toString(), a.get("data").asString());
        assertEquals("ok", a.get("normal").get(0).asString());
        assertEquals(NORMAL + ANOMALIES, a.get("rows").asInt());
        assertEquals(ANOMALIES, a.get("anomalies").asInt());
        // the printed and saved areas are those of the scores written (to the CSV's 17 significant digits)
        assertEquals(auroc, a.get("auroc").asDouble(), 1e-12);
        assertEquals(RankingMetrics.averagePrecision(s.score(), truth()), a.get("auprc").asDouble(), 1e-12);
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "AUROC %.4f", auroc)), r.out());
        double[] fpr = a.get("fpr").asDoubleArray(), tpr = a.get("tpr").asDoubleArray();
        assertEquals(fpr.length, tpr.length);
        assertTrue(fpr.length <= 512);
        assertArrayEquals(new double[] {0, 0, 1, 1}, new double[] {fpr[0], tpr[0], fpr[fpr.length - 1], tpr[tpr.length - 1]});
        assertTrue(a.get("threshold").isNull() && a.get("thresholdFpr").isNull(), "no --fpr, no threshold");

        assertEquals(out.toAbsolutePath().resolveSibling(out.getFileName().toString().replace(".csv", "-roc.png")), ScoreCommand.rocFile(out));
        BufferedImage png = ImageIO.read(ScoreCommand.rocFile(out).toFile());
        assertEquals(640, png.getWidth());
        assertEquals(560, png.getHeight());
    }

    @Test
    void everyScoreOfALikelihoodModelSeparatesTheAnomalies() throws IOException {
        for (String score : List.of("nll", "neg-elbo", "reconstruction", "reconstruction-probability", "likelihood-regret")) {
            Path out = tmp.resolve("each-" + score + ".csv");
            ModelCommandsTest.Result r = latent4j("score", vae.toString(), "--data", test.toString(), "--score", score, "--k", "10", "--samples", "10",
                    "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            Scores s = readScores(out);
            assertEquals(List.of("row", "score"), s.header(), "no labels, no label column");
            double auroc = RankingMetrics.auroc(s.score(), truth());
            // the regret measures how far the encoder's posterior is from each row's best one; on these near-linear data
            // that gap varies little (the linear case makes it constant, LikelihoodRegretTest), so it separates less
            assertTrue(auroc > (score.equals("likelihood-regret") ? 0.75 : 0.9), score + ": AUROC " + auroc);
        }
    }

    @Test
    void aDeterministicAutoencoderGivesItsReconstructionErrorAndRefusesTheLikelihoodScores() throws IOException {
        Path out = tmp.resolve("ae.csv");
        ModelCommandsTest.Result r = latent4j("score", ae.toString(), "--data", test.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reconstruction scores"), r.out());
        assertTrue(RankingMetrics.auroc(readScores(out).score(), truth()) > 0.9);
        assertUsageError("--score nll: the ae model has no prior and posterior", "score", ae.toString(), "--data", test.toString(), "--score", "nll",
                "--out", out.toString());
        assertUsageError("--score reconstruction-probability: the ae model has no posterior", "score", ae.toString(), "--data", test.toString(),
                "--score", "reconstruction-probability", "--out", out.toString());
        assertUsageError("--score likelihood-regret: the ae model has no single Gaussian posterior to refine; use --score reconstruction", "score",
                ae.toString(), "--data", test.toString(), "--score", "likelihood-regret", "--out", out.toString());
    }

    @Test
    void aThresholdChosenAtAFalsePositiveRateIsSavedAndFlagsNewData() throws IOException {
        Path out = tmp.resolve("fpr.csv");
        ModelCommandsTest.Result r = latent4j("score", vae.toString(), "--data", test.toString(), "--labels", labels.toString(), "--normal", "ok",
                "--score", "reconstruction", "--fpr", "0.1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // the run holds out a tenth of its 400 unlabelled rows: the threshold is chosen on them
        assertTrue(r.out().contains("of the run's 40 held-out rows (unlabelled"), r.out());
        Json.Cursor a = Json.at(Json.readFile(vae.resolve("anomaly.json")), "anomaly.json");
        double threshold = a.get("threshold").asDouble();
        assertTrue(a.get("thresholdFpr").asDouble() <= 0.1);
        Scores s = readScores(out);
        assertEquals(List.of("row", "score", "label", "flagged"), s.header());

        // new data: the test rows in reverse order, flagged by the saved threshold; score and k come from anomaly.json
        float[] t = org.latent4j.core.data.VectorFiles.read(test).features().toArray();
        float[] reversed = new float[t.length];
        for (int i = 0; i < NORMAL + ANOMALIES; i++) System.arraycopy(t, i * 8, reversed, (NORMAL + ANOMALIES - 1 - i) * 8, 8);
        Path fresh = tmp.resolve("fresh.npy");
        NpyWriter.write(fresh, Tensor.of(reversed, NORMAL + ANOMALIES, 8));
        Path flaggedOut = tmp.resolve("flagged.csv");
        r = latent4j("score", vae.toString(), "--data", fresh.toString(), "--threshold-from", vae.toString(), "--out", flaggedOut.toString());
        assertEquals(0, r.code(), r.err());
        Scores f = readScores(flaggedOut);
        assertEquals(List.of("row", "score", "flagged"), f.header());
        int flagged = 0;
        for (int i = 0; i < f.score().length; i++) {
            assertEquals(s.score()[NORMAL + ANOMALIES - 1 - i], f.score()[i], 1e-5, "the reconstruction score of a row does not depend on its place");
            assertEquals(f.score()[i] > threshold ? 1 : 0, f.flagged()[i]);
            flagged += f.flagged()[i];
        }
        assertTrue(flagged >= ANOMALIES * 0.9, "the anomalies are flagged: " + flagged);
        assertTrue(r.out().contains("flagged " + flagged + " of 80 rows"), r.out());
        assertUsageError("not comparable", "score", vae.toString(), "--data", fresh.toString(), "--threshold-from", vae.toString(), "--score", "nll",
                "--out", flaggedOut.toString());
    }

    /** 28x28 pictures: class 0 lights the left half, class 1 the right half, with noise. */
    private static byte[] pictures(Random rng, int[] classes) {
        byte[] b = new byte[classes.length * 784];
        for (int i = 0; i < classes.length; i++) {
            for (int p = 0; p < 784; p++) {
                boolean lit = (p % 28 < 14) == (classes[i] == 0);
                b[i * 784 + p] = (byte) Math.min(255, (lit ? 180 : 20) + rng.nextInt(60));
            }
        }
        return b;
    }

    private static void writeIdx(Path file, byte[] values, int... shape) throws IOException {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(4 + 4 * shape.length);
        h.putInt(0x0800 | shape.length);
        for (int s : shape) h.putInt(s);
        Files.write(file, h.array());
        Files.write(file, values, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void theLabelsOfIdxDataServeWhenNoLabelFileIsGiven() throws IOException {
        Random rng = new Random(8);
        int[] normal = new int[120];
        float[] train = new float[120 * 784];
        byte[] trainBytes = pictures(rng, normal);
        for (int i = 0; i < train.length; i++) train[i] = (trainBytes[i] & 0xff) / 255f;
        Path trainFile = tmp.resolve("left.npy");
        NpyWriter.write(trainFile, Tensor.of(train, 120, 784));
        Path run = tmp.resolve("pictures-ae");
        ModelCommandsTest.Result r = latent4j("train", "--data", trainFile.toString(), "--model", "ae", "--epochs", "5", "--hidden", "16", "--latent", "2",
                "--batch", "20", "--out", run.toString());
        assertEquals(0, r.code(), r.err());

        Path dir = Files.createDirectories(tmp.resolve("idx"));
        int[] testClasses = new int[40];
        for (int i = 30; i < 40; i++) testClasses[i] = 1;
        byte[] testLabels = new byte[40];
        for (int i = 0; i < 40; i++) testLabels[i] = (byte) testClasses[i];
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), pictures(rng, testClasses), 40, 28, 28);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), testLabels, 40);
        writeIdx(dir.resolve("train-images-idx3-ubyte"), pictures(rng, new int[2]), 2, 28, 28);
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), new byte[2], 2);
        Path out = tmp.resolve("idx-scores.csv");
        r = latent4j("score", run.toString(), "--data", dir.toString(), "--normal", "0", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Scores s = readScores(out);
        assertEquals(List.of("row", "score", "label"), s.header());
        boolean[] anomalous = new boolean[40];
        for (int i = 0; i < 40; i++) {
            assertEquals(String.valueOf(testClasses[i]), s.label()[i]);
            anomalous[i] = testClasses[i] == 1;
        }
        assertEquals(1.0, RankingMetrics.auroc(s.score(), anomalous), 0, "the right-half pictures are unlike every training picture");
        assertTrue(r.out().contains("40 rows, 10 anomalies: AUROC 1.0000"), r.out());
    }

    @Test
    void aCsvLabelColumnGivesTheLabels() throws IOException {
        float[] t = org.latent4j.core.data.VectorFiles.read(test).features().toArray();
        StringBuilder csv = new StringBuilder("a,b,c,kind,d,e,f,g,h\n");
        for (int i = 0; i < NORMAL + ANOMALIES; i++) {
            for (int j = 0; j < 8; j++) {
                if (j == 3) csv.append(i < NORMAL ? "ok," : "fraud,");
                csv.append(t[i * 8 + j]).append(j == 7 ? "\n" : ",");
            }
        }
        Path file = tmp.resolve("labelled.csv");
        Files.writeString(file, csv);
        Path out = tmp.resolve("column.csv");
        ModelCommandsTest.Result r = latent4j("score", ae.toString(), "--data", file.toString(), "--label-column", "kind", "--normal", "ok",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Scores s = readScores(out);
        assertEquals("ok", s.label()[0]);
        assertEquals("fraud", s.label()[NORMAL]);
        Path plain = tmp.resolve("plain.csv");
        assertEquals(0, latent4j("score", ae.toString(), "--data", test.toString(), "--out", plain.toString()).code());
        assertArrayEquals(readScores(plain).score(), s.score(), 1e-4, "the label column is not a feature");
        assertUsageError("--label-column names a column of a CSV file", "score", ae.toString(), "--data", test.toString(), "--label-column", "kind",
                "--out", out.toString());
    }

    @Test
    void badOptionsAreOneLineRefusals() throws IOException {
        Path out = tmp.resolve("bad.csv");
        String run = vae.toString(), data = test.toString();
        assertUsageError("--score must be nll, neg-elbo, reconstruction, reconstruction-probability or likelihood-regret, got 'mahalanobis'",
                "score", run, "--data", data, "--score", "mahalanobis", "--out", out.toString());
        Path short_ = tmp.resolve("short.csv");
        Files.writeString(short_, "ok\nok\nfraud\n");
        assertUsageError("holds 3 labels for 80 rows", "score", run, "--data", data, "--labels", short_.toString(), "--normal", "ok", "--out", out.toString());
        Path npyLabels = tmp.resolve("labels.npy");
        NpyWriter.write(npyLabels, Tensor.zeros(79));
        assertUsageError("holds 79 labels for 80 rows", "score", run, "--data", data, "--labels", npyLabels.toString(), "--out", out.toString());
        assertUsageError("--normal names class 'benign', which no row has (the labels are fraud, ok)", "score", run, "--data", data, "--labels",
                labels.toString(), "--normal", "benign", "--out", out.toString());
        assertUsageError("--normal needs labels", "score", run, "--data", data, "--normal", "ok", "--out", out.toString());
        assertUsageError("every row is of a --normal class", "score", run, "--data", data, "--labels", labels.toString(), "--normal", "ok,fraud",
                "--out", out.toString());
        assertUsageError("--fpr needs --normal", "score", run, "--data", data, "--fpr", "0.01", "--out", out.toString());
        assertUsageError("--fpr must be between", "score", run, "--data", data, "--labels", labels.toString(), "--normal", "ok", "--fpr", "1.5",
                "--out", out.toString());
        assertUsageError("--data SOURCE is required", "score", run, "--out", out.toString());
        assertUsageError("no anomaly.json there", "score", run, "--data", data, "--threshold-from", tmp.resolve("no-run").toString(), "--out",
                out.toString());
        Path wide = tmp.resolve("wide.npy");
        NpyWriter.write(wide, Tensor.zeros(5, 9));
        assertUsageError("has rows of 9 features; the vae model in " + run + " takes 8", "score", run, "--data", wide.toString(), "--out", out.toString());
        assertFalse(Files.exists(out), "nothing is written when the options are refused");
    }
}
