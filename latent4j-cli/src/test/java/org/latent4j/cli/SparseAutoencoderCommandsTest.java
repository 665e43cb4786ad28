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
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.random.Rng;

/**
 * {@code train --model topk-sae|ksparse-ae} end to end: on an .npy file and on Fashion-MNIST, with feature-density.png,
 * the sparse diagnostics in metrics.json, the model's metrics in history.csv, eval and resume on the run; and the
 * one-line refusals of bad options.
 */
class SparseAutoencoderCommandsTest {
    @TempDir
    static Path tmp;

    private static ModelCommandsTest.Result train(Path run, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--out", run.toString()));
        args.addAll(List.of(options));
        ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    /** The files and diagnostics every sparse run has. */
    private static void checkRun(Path run, String kind, int latents, List<String> metrics) throws IOException {
        Json.Cursor config = Json.at(Json.readFile(run.resolve("config.json")), "config.json");
        assertEquals(kind, config.get("kind").asString());
        assertEquals(latents, config.get("config").get("latents").asInt());
        BufferedImage chart = ImageIO.read(run.resolve("feature-density.png").toFile());
        assertTrue(chart.getWidth() >= 640 && chart.getHeight() > 300, "feature-density.png");
        Json.Cursor latent = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation").get("latent");
        assertEquals(latents, latent.get("latents").asInt());
        assertEquals(11, latent.get("densityHistogram").asIntArray().length);
        assertTrue(latent.get("l0").asDouble() > 0);
        String header = Files.readAllLines(run.resolve("history.csv")).getFirst();
        assertTrue(header.endsWith(String.join(",", metrics)), header);
        assertEquals(kind, ModelStore.load(run).model().kind());
        ModelCommandsTest.Result eval = latent4j("eval", run.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("L0") && eval.out().contains("dead"), eval.out());
    }

    @Test
    void bothKindsTrainOnAnNpyFile() throws IOException {
        Path npy = tmp.resolve("v.npy");
        NpyWriter.write(npy, new Rng(3).normal(1f, 3f, 300, 12));
        Path sae = tmp.resolve("npy-topk");
        ModelCommandsTest.Result r = train(sae, "--model", "topk-sae", "--data", npy.toString(), "--epochs", "2", "--batch", "32", "--latents", "48",
                "--sparsity-k", "4", "--dead-tokens", "64");
        assertTrue(r.out().contains("feature-density.png"), r.out());
        checkRun(sae, "topk-sae", 48, List.of("l0", "fvu", "dead_fraction", "auxk"));
        Json.Cursor c = Json.at(Json.readFile(sae.resolve("config.json")), "config.json").get("config");
        assertEquals(4, c.get("k").asInt());
        assertEquals(8, c.get("auxKK").asInt(), "the power of two nearest 12 / 2");
        assertEquals(64, c.get("deadTokens").asInt());
        assertTrue(Files.isRegularFile(sae.resolve("history.csv")) && !Files.exists(sae.resolve("reconstructions.png")), "vectors are not pictures");

        Path ks = tmp.resolve("npy-ksparse");
        train(ks, "--model", "ksparse-ae", "--data", npy.toString(), "--epochs", "2", "--batch", "32", "--sparsity-k", "3",
                "--sparsity-k-start", "12", "--sparsity-anneal-epochs", "1", "--encode-alpha", "2");
        checkRun(ks, "ksparse-ae", 96, List.of("l0", "fvu", "sparsity_k"));
        Json.Cursor k = Json.at(Json.readFile(ks.resolve("metrics.json")), "metrics");
        assertEquals(6.0, k.get("evaluation").get("latent").get("l0").asDouble(), 1e-9, "encoded with alpha k = 6 units");
        assertEquals(3.0, k.get("training").get("metrics").get("sparsity_k").asDouble(), "the second epoch trains at k");
    }

    @Test
    void bothKindsTrainOnFashionMnistAndResume() throws IOException {
        String data = Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY) ? "fashion-mnist" : "embedded";
        Path sae = tmp.resolve("fm-topk");
        ModelCommandsTest.Result r = train(sae, "--model", "topk-sae", "--data", data, "--limit", "600", "--epochs", "1", "--batch", "100",
                "--latents", "256", "--sparsity-k", "16", "--eval-limit", "200");
        assertTrue(r.out().contains("reconstructions.png") && r.out().contains("feature-density.png"), r.out());
        checkRun(sae, "topk-sae", 256, List.of("l0", "fvu", "dead_fraction", "auxk"));
        assertTrue(Files.isRegularFile(sae.resolve("reconstructions.png")));
        Json.Cursor prep = Json.at(Json.readFile(sae.resolve("config.json")), "config.json").get("preprocessing");
        assertEquals("NONE", prep.get("binarization").asString(), "a squared-error model trains on the intensities");
        // a resumed run (its saved options checked on a stand-in data shape first) ends as a straight one
        Path straight = tmp.resolve("fm-topk-straight");
        train(straight, "--model", "topk-sae", "--data", data, "--limit", "600", "--epochs", "2", "--batch", "100", "--latents", "256",
                "--sparsity-k", "16", "--eval-limit", "200");
        ModelCommandsTest.Result resumed = latent4j("train", "--resume", sae.toString(), "--epochs", "2");
        assertEquals(0, resumed.code(), resumed.err());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(sae.resolve("model.safetensors")));

        Path ks = tmp.resolve("fm-ksparse");
        train(ks, "--model", "ksparse-ae", "--data", data, "--limit", "600", "--epochs", "1", "--batch", "100", "--latents", "256",
                "--sparsity-k", "16", "--eval-limit", "200");
        checkRun(ks, "ksparse-ae", 256, List.of("l0", "fvu", "sparsity_k"));
    }

    @Test
    void badOptionsAreOneLine() {
        assertUsageError("--sparsity-k must be between 1 and", "train", "--model", "topk-sae", "--sparsity-k", "0");
        assertUsageError("--sparsity-k 20 exceeds --latents 10", "train", "--model", "topk-sae", "--latents", "10", "--sparsity-k", "20");
        assertUsageError("--auxk must be on or off, got 'maybe'", "train", "--model", "topk-sae", "--auxk", "maybe");
        assertUsageError("--auxk-alpha is the weight of the AuxK loss, which --auxk off turns off", "train", "--model", "topk-sae", "--auxk", "off",
                "--auxk-alpha", "0.1");
        assertUsageError("--dead-tokens must be between 1 and 16777216", "train", "--model", "topk-sae", "--dead-tokens", "-5");
        assertUsageError("--auxk-k must be a whole number", "train", "--model", "topk-sae", "--auxk-k", "many");
        assertUsageError("--encode-alpha must be between 1.0", "train", "--model", "ksparse-ae", "--encode-alpha", "0.5");
        assertUsageError("--sparsity-k-start 5 is below --sparsity-k 10", "train", "--model", "ksparse-ae", "--sparsity-k", "10",
                "--sparsity-k-start", "5");
        assertUsageError("--auxk does not apply to --model ksparse-ae (only to topk-sae)", "train", "--model", "ksparse-ae", "--auxk", "on");
        assertUsageError("--latent does not apply to --model topk-sae", "train", "--model", "topk-sae", "--latent", "8");
        assertUsageError("--latents does not apply to --model vae (only to topk-sae, ksparse-ae)", "train", "--model", "vae", "--latents", "8");
        assertUsageError("--latents 67108864 x 784 features is more weights than a matrix holds", "train", "--model", "topk-sae", "--latents",
                "67108864");
    }
}
