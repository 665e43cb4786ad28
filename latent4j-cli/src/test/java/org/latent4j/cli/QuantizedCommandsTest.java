package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** vq-vae from the command line: MLP and conv on Fashion-MNIST, vectors from an .npy file, the codes command and the usage chart. */
class QuantizedCommandsTest {
    @TempDir
    static Path tmp;
    static Path conv;

    private static final List<String> TINY = List.of("--model", "vq-vae", "--limit", "300", "--epochs", "2", "--batch", "50", "--eval-limit", "40",
            "--codebook-size", "32", "--code-dim", "8");

    private static ModelCommandsTest.Result train(Path run, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--out", run.toString()));
        args.addAll(TINY);
        args.addAll(List.of(extra));
        ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @BeforeAll
    static void trainConv() {
        conv = tmp.resolve("conv");
        train(conv, "--arch", "conv", "--channels", "8,16", "--codebook-update", "ema", "--restart-dead", "5");
    }

    private static Json.Cursor metrics(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("metrics.json")), "metrics.json");
    }

    @Test
    void aConvRunReportsItsCodebookEverywhere() throws IOException {
        Json.Cursor latent = metrics(conv).get("evaluation").get("latent");
        assertEquals(49, latent.get("positions").asInt(), "a 7x7 grid of codes");
        Json.Cursor stage = latent.get("stages").get(0);
        assertEquals(32, stage.get("codes").asInt());
        assertTrue(stage.get("used").asInt() >= 1 && stage.get("perplexity").asDouble() >= 1);
        Json.Cursor training = metrics(conv).get("training").get("metrics");
        for (String m : List.of("codebook_loss", "commitment_loss", "perplexity", "codes_used", "dead_codes")) {
            assertTrue(training.has(m), "metrics.json training." + m);
        }
        String header = Files.readAllLines(conv.resolve("history.csv")).getFirst();
        assertTrue(header.contains("commitment_loss") && header.contains("perplexity") && header.contains("dead_codes"), header);
        BufferedImage chart = ImageIO.read(conv.resolve("codebook-usage.png").toFile());
        assertTrue(chart.getWidth() > 600 && chart.getHeight() > 200, chart.getWidth() + "x" + chart.getHeight());
        assertTrue(Files.exists(conv.resolve("samples.png")) && Files.exists(conv.resolve("reconstructions.png")));
        ModelCommandsTest.Result e = latent4j("eval", conv.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("Codebook: ") && e.out().contains("perplexity") && e.out().contains("49 positions"), e.out());
    }

    @Test
    void theCodesCommandWritesInt32CodesOfEveryRowInOrder() throws IOException {
        Path file = tmp.resolve("codes.npy");
        ModelCommandsTest.Result r = latent4j("codes", conv.toString(), "--out", file.toString(), "--json", tmp.resolve("codes.json").toString());
        assertEquals(0, r.code(), r.err());
        // 300 training rows and their tenth held out
        assertTrue(r.out().contains("int32 [33, 49, 1]"), r.out());
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(new String(bytes, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1).contains("'descr': '<i4'"));
        Tensor codes = NpyReader.read(file);
        assertArrayEquals(new int[] {33, 49, 1}, codes.shape());
        // the same codes as the model gives the held-out rows
        ModelStore.Saved saved = ModelStore.load(conv);
        var data = Runs.evaluationData(saved, null, 0);
        LatentCode.Discrete d;
        try (var noGrad = GradMode.disabled()) {
            d = (LatentCode.Discrete) saved.model().encode(data.features(), null);
        }
        float[] read = codes.toArray();
        int[] expected = d.indices();
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], (int) read[i], "code " + i);

        Path train = tmp.resolve("train-codes.npy");
        r = latent4j("codes", conv.toString(), "--out", train.toString(), "--split", "train", "--limit", "25");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new int[] {25, 49, 1}, NpyReader.read(train).shape());
    }

    @Test
    void theCodesCommandRefusesWhatItCannotDoInOneLine() {
        assertUsageError("--out FILE.npy is required", "codes", conv.toString());
        assertUsageError("--split must be test, train or all", "codes", conv.toString(), "--out", tmp.resolve("x.npy").toString(), "--split", "some");
        assertUsageError("expects one run directory", "codes", "--out", tmp.resolve("x.npy").toString());
        assertUsageError("no-such-run", "codes", tmp.resolve("no-such-run").toString(), "--out", tmp.resolve("x.npy").toString());
        Path ae = tmp.resolve("ae");
        assertEquals(0, latent4j("train", "--model", "ae", "--limit", "100", "--epochs", "1", "--hidden", "8", "--latent", "2", "--eval-limit", "10",
                "--out", ae.toString()).code());
        assertUsageError("gives deterministic codes, not discrete ones", "codes", ae.toString(), "--out", tmp.resolve("x.npy").toString());
    }

    @Test
    void anMlpRunAndItsBadOptions() throws IOException {
        Path mlp = tmp.resolve("mlp");
        train(mlp, "--hidden", "32", "--groups", "4", "--gradient", "rotation", "--distance", "cosine");
        Json.Cursor latent = metrics(mlp).get("evaluation").get("latent");
        assertEquals(4, latent.get("positions").asInt());
        assertTrue(Files.exists(mlp.resolve("codebook-usage.png")));
        Json.Cursor q = Json.at(Json.readFile(mlp.resolve("config.json")), "config").get("config").get("quantizer");
        assertEquals("ROTATION", q.get("gradient").asString());
        assertEquals("COSINE", q.get("distance").asString());
        assertUsageError("--groups splits an MLP's code", "train", "--model", "vq-vae", "--arch", "conv", "--groups", "2");
        assertUsageError("--codebook-update must be gradient or ema", "train", "--model", "vq-vae", "--codebook-update", "momentum");
        assertUsageError("--codebook simvq learns its linear map by gradient", "train", "--model", "vq-vae", "--codebook", "simvq", "--codebook-update",
                "ema");
        assertUsageError("--restart-dead does not apply", "train", "--model", "vq-vae", "--codebook", "simvq", "--restart-dead", "10");
        assertUsageError("it takes no --codebook-init kmeans", "train", "--model", "vq-vae", "--codebook", "simvq", "--codebook-init", "kmeans");
        assertUsageError("--codebook-init moments sets --codebook simvq's linear map", "train", "--model", "vq-vae", "--codebook-init", "moments");
        assertUsageError("--ema-decay is the decay of --codebook-update ema", "train", "--model", "vq-vae", "--ema-decay", "0.9");
        assertUsageError("--codebook-size must be between 1", "train", "--model", "vq-vae", "--codebook-size", "0");
        assertUsageError("--codebook-size does not apply to --model vae", "train", "--codebook-size", "16");
    }

    @Test
    void vectorsFromAnNpyFileTrainAndGiveCodes() throws IOException {
        Path npy = tmp.resolve("v.npy");
        NpyWriter.write(npy, new Rng(5).normal(0f, 2f, 200, 10));
        Path run = tmp.resolve("npy-run");
        ModelCommandsTest.Result r = latent4j("train", "--data", npy.toString(), "--model", "vq-vae", "--epochs", "3", "--hidden", "16", "--code-dim", "4",
                "--codebook-size", "16", "--groups", "2", "--batch", "32", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Json.Cursor c = Json.at(Json.readFile(run.resolve("config.json")), "config.json");
        assertEquals("GAUSSIAN_FIXED", c.get("config").get("network").get("likelihood").asString());
        assertEquals(1.0, c.get("config").get("network").get("likelihoodSigma").asDouble(), "sigma 1 for standardized data");
        assertTrue(Files.exists(run.resolve("codebook-usage.png")), "the chart does not need images");
        Path out = tmp.resolve("npy-codes.npy");
        r = latent4j("codes", run.toString(), "--split", "all", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new int[] {200, 2, 1}, NpyReader.read(out).shape(), "every row of the file");
    }

    @Test
    void aConvRunResumesToTheSameWeights() throws IOException {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String[] o = {"--arch", "conv", "--channels", "4,8", "--codebook-update", "ema", "--restart-dead", "3", "--epochs", "2", "--limit", "150"};
        train(straight, o);
        List<String> first = new java.util.ArrayList<>(List.of(o));
        first.set(first.indexOf("--epochs") + 1, "1");
        train(resumed, first.toArray(String[]::new));
        ModelCommandsTest.Result r = latent4j("train", "--resume", resumed.toString(), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        var a = ModelStore.load(straight).model().namedState();
        var b = ModelStore.load(resumed).model().namedState();
        a.forEach((name, t) -> assertArrayEquals(t.toArray(), b.get(name).toArray(), name));
    }
}
