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
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.vq.QuantizedAutoencoder;
import org.latent4j.tensor.random.Rng;

/**
 * {@code train --model rvq-vae|fsq-vae|kv-ae} end to end on tiny data: MLP and conv on Fashion-MNIST, an .npy file,
 * the per-stage diagnostics in metrics.json and history.csv, bit-exact resumes with the quantizers' buffers, and the
 * one-line refusals of bad options.
 */
class DiscreteBottleneckCommandsTest {
    @TempDir
    Path tmp;

    private static final List<String> TINY = List.of("--limit", "200", "--epochs", "1", "--batch", "50", "--eval-limit", "20", "--activation", "tanh");
    /** Small networks of each kind (fast enough for a test, every kind's own options given). */
    private static final List<String> RVQ = List.of("--model", "rvq-vae", "--code-dim", "8", "--codebook-size", "16", "--stages", "3");
    private static final List<String> FSQ = List.of("--model", "fsq-vae", "--levels", "5,4,3");
    private static final List<String> KV = List.of("--model", "kv-ae", "--code-dim", "8", "--codebook-size", "16", "--heads", "4");

    private static ModelCommandsTest.Result train(Path run, List<String> kind, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--out", run.toString()));
        args.addAll(TINY);
        args.addAll(kind);
        args.addAll(List.of(extra));
        ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private static Json.Cursor json(Path file) throws IOException {
        return Json.at(Json.readFile(file), file.getFileName().toString());
    }

    /** The per-stage codebook usage of the run's evaluation: codes per stage. */
    private static int[] stageCodes(Path run) throws IOException {
        Json.Cursor stages = json(run.resolve("metrics.json")).get("evaluation").get("latent").get("stages");
        int n = stages.size();
        int[] codes = new int[n];
        for (int s = 0; s < n; s++) codes[s] = stages.get(s).get("codes").asInt();
        return codes;
    }

    @Test
    void rvqVaeTrainsMlpAndConvWithItsStages() throws IOException {
        Path mlp = tmp.resolve("rvq-mlp");
        train(mlp, RVQ, "--hidden", "32", "--quantizer-dropout", "0.5");
        Json.Cursor c = json(mlp.resolve("config.json"));
        assertEquals("rvq-vae", c.get("kind").asString());
        assertEquals(3, c.get("config").get("quantizer").get("stages").asInt());
        assertEquals(0.5, c.get("config").get("quantizer").get("dropout").asDouble());
        assertEquals(16, c.get("config").get("quantizer").get("stage").get("codebookSize").asInt());
        assertArrayEquals(new int[] {16, 16, 16}, stageCodes(mlp));
        String header = Files.readAllLines(mlp.resolve("history.csv")).getFirst();
        for (String col : List.of("stage1_perplexity", "stage2_perplexity", "stage3_commitment_loss", "stages_used")) assertTrue(header.contains(col), header);
        ModelCommandsTest.Result eval = latent4j("eval", mlp.toString(), "--limit", "10");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("Codebook stage 2"), eval.out());

        Path conv = tmp.resolve("rvq-conv");
        train(conv, RVQ, "--arch", "conv", "--channels", "4,8", "--codebook-update", "ema");
        assertEquals("EMA", json(conv.resolve("config.json")).get("config").get("quantizer").get("stage").get("update").asString());
        assertEquals(49, json(conv.resolve("metrics.json")).get("evaluation").get("latent").get("positions").asInt());
        assertTrue(Files.isRegularFile(conv.resolve("reconstructions.png")) && Files.isRegularFile(conv.resolve("samples.png")));
    }

    @Test
    void fsqVaeTrainsMlpAndConvOnItsGrid() throws IOException {
        Path mlp = tmp.resolve("fsq-mlp");
        train(mlp, FSQ, "--hidden", "32");
        Json.Cursor c = json(mlp.resolve("config.json")).get("config");
        assertArrayEquals(new int[] {5, 4, 3}, c.get("quantizer").get("levels").asIntArray());
        assertEquals(3, c.get("network").get("codeDim").asInt(), "the code width is the number of levels");
        assertArrayEquals(new int[] {60}, stageCodes(mlp), "the codebook size is the product of the levels");
        List<String> history = Files.readAllLines(mlp.resolve("history.csv"));
        int reg = Arrays.asList(history.getFirst().split(",")).indexOf("regularization");
        assertEquals(0.0, Double.parseDouble(history.get(1).split(",")[reg]), "no auxiliary loss");

        Path conv = tmp.resolve("fsq-conv");
        train(conv, List.of("--model", "fsq-vae", "--levels", "8,8,8"), "--arch", "conv", "--channels", "4,8");
        assertArrayEquals(new int[] {512}, stageCodes(conv));
        LatentModel m = ModelStore.load(conv).model();
        assertEquals("fsq-vae", m.kind());
        assertEquals(49 * 3, m.latentDim());
    }

    @Test
    void kvAeTrainsMlpAndConvWithFrozenKeys() throws IOException {
        Path mlp = tmp.resolve("kv-mlp");
        train(mlp, KV, "--hidden", "32");
        assertArrayEquals(new int[] {16, 16, 16, 16}, stageCodes(mlp), "one codebook per head");
        Json.Cursor b = json(mlp.resolve("config.json")).get("config").get("bottleneck");
        assertEquals(4, b.get("heads").asInt());
        assertEquals("KMEANS", b.get("keyInit").asString());

        Path conv = tmp.resolve("kv-conv");
        train(conv, KV, "--arch", "conv", "--channels", "4,8", "--key-dim", "3", "--key-init", "random");
        QuantizedAutoencoder m = (QuantizedAutoencoder) ModelStore.load(conv).model();
        assertArrayEquals(new int[] {4, 8, 3}, m.namedBuffers().get("quantizer.projections").shape());
        assertTrue(m.namedBuffers().containsKey("quantizer.keys") && !m.namedParameters().containsKey("quantizer.keys"));
    }

    @Test
    void everyKindTrainsOnAnNpyFile() throws IOException {
        Path npy = tmp.resolve("v.npy");
        NpyWriter.write(npy, new Rng(5).normal(0f, 2f, 200, 12));
        for (List<String> kind : List.of(RVQ, FSQ, KV)) {
            Path run = tmp.resolve("npy-" + kind.get(1));
            List<String> args = new ArrayList<>(List.of("train", "--data", npy.toString(), "--epochs", "2", "--batch", "32", "--hidden", "16", "--out",
                    run.toString()));
            args.addAll(kind);
            ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            Json.Cursor eval = json(run.resolve("metrics.json")).get("evaluation");
            assertEquals(20, eval.get("examples").asInt(), "a tenth of the file is held out");
            assertTrue(eval.get("latent").get("stages").size() >= 1);
            assertFalse(Files.exists(run.resolve("reconstructions.png")), "vectors are not pictures");
            assertEquals(0, latent4j("eval", run.toString()).code());
        }
    }

    /**
     * Two epochs straight, and one then {@code --resume} to two, end with the same bytes, for each kind with its
     * stateful parts on: EMA codebooks, dead-code restarts and quantizer dropout (rvq-vae), frozen keys and random
     * projections (kv-ae).
     */
    @Test
    void resumeEndsWithTheWeightsAndBuffersOfAStraightRun() throws IOException {
        List<List<String>> kinds = List.of(concat(RVQ, "--codebook-update", "ema", "--restart-dead", "2", "--quantizer-dropout", "1", "--hidden", "32"),
                concat(FSQ, "--hidden", "32"), concat(KV, "--key-dim", "3", "--hidden", "32"));
        for (List<String> kind : kinds) {
            Path straight = tmp.resolve("straight-" + kind.get(1)), resumed = tmp.resolve("resumed-" + kind.get(1));
            train(straight, kind, "--epochs", "2");
            train(resumed, kind, "--epochs", "1");
            byte[] afterOne = Files.readAllBytes(resumed.resolve("model.safetensors"));
            ModelCommandsTest.Result r = latent4j("train", "--resume", resumed.toString(), "--epochs", "2");
            assertEquals(0, r.code(), r.err());
            byte[] a = Files.readAllBytes(straight.resolve("model.safetensors")), b = Files.readAllBytes(resumed.resolve("model.safetensors"));
            assertArrayEquals(a, b, kind.get(1));
            assertFalse(Arrays.equals(afterOne, a), kind.get(1) + ": the second epoch changed the model");
            assertEquals(Files.readAllLines(straight.resolve("history.csv")).get(2).split(",").length,
                    Files.readAllLines(resumed.resolve("history.csv")).get(2).split(",").length);
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    @Test
    void badOptionsAreOneLine() {
        assertUsageError("--levels", "train", "--model", "fsq-vae", "--levels", "8,1");
        assertUsageError("--levels", "train", "--model", "fsq-vae", "--levels", "8,x");
        assertUsageError("more than", "train", "--model", "fsq-vae", "--levels", "1000,1000,1000");
        assertUsageError("--code-dim", "train", "--model", "fsq-vae", "--code-dim", "4");
        assertUsageError("--levels", "train", "--model", "vq-vae", "--levels", "8,8,8");
        assertUsageError("--quantizer-dropout", "train", "--model", "rvq-vae", "--quantizer-dropout", "1.5");
        assertUsageError("--stages", "train", "--model", "rvq-vae", "--stages", "0");
        assertUsageError("--stages", "train", "--model", "fsq-vae", "--stages", "2");
        assertUsageError("multiple of --heads", "train", "--model", "kv-ae", "--code-dim", "10", "--heads", "4");
        assertUsageError("--key-init", "train", "--model", "kv-ae", "--key-init", "best");
        assertUsageError("--key-dim", "train", "--model", "kv-ae", "--key-dim", "-1");
    }
}
