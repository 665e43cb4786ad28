package org.latent4j.core.model.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.ConvEncoder;
import org.latent4j.core.nn.Mlp;
import org.latent4j.core.quantize.VectorQuantizer;
import org.latent4j.core.train.StepInfo;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The VQ-VAE model: its two forms, the code layout, the loss's parts, sampling, and a resumed run. */
class QuantizedAutoencoderTest {
    private static final DataShape IMAGES = new DataShape(64, new int[] {8, 8}, 0, true);

    private static QuantizedAutoencoder model(DataShape shape, long seed, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < options.length; i += 2) o.put(options[i], options[i + 1]);
        var kind = ModelKinds.get(VqVaeKind.NAME);
        return (QuantizedAutoencoder) kind.createFrom(kind.configure(new OptionValues("test", o), shape), new Rng(seed));
    }

    private static Tensor images(int n, long seed) {
        return new Rng(seed).uniform(0f, 1f, n, 64);
    }

    @Test
    void theConvFormQuantizesEveryPlaceOfTheGridPositionMajor() {
        // 8x8 -> 4x4 -> 2x2: 4 places of 5-wide codes
        QuantizedAutoencoder m = model(IMAGES, 1, "arch", "conv", "channels", "3,4", "code-dim", "5", "codebook-size", "16");
        assertEquals(4, m.positions());
        assertEquals(20, m.latentDim());
        assertArrayEquals(new int[] {5, 4}, m.namedParameters().get("encoder.0.weight").shape(), "the 1x1 convolution, [code, channels]");
        assertTrue(m.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("decoder.")), "no per-place layers in the decoder by default");
        Tensor x = images(3, 2);
        LatentCode.Discrete code;
        Tensor grid;
        float[] codebook = m.namedState().get("quantizer.codebook").toArray();
        try (var noGrad = GradMode.disabled()) {
            code = m.encode(x, null);
            grid = ((ConvEncoder) m.namedModules().get("encoder_conv")).forwardGrid(x);
        }
        assertArrayEquals(new int[] {3, 20}, code.vector().shape());
        assertEquals(4, code.positions());
        assertEquals(1, code.stages());
        assertArrayEquals(new int[] {4, 4, 3, 2}, new int[] {grid.dim(1), grid.dim(1), grid.dim(0), grid.dim(2)});
        Mlp perPlace = (Mlp) m.namedModules().get("encoder");
        VectorQuantizer q = (VectorQuantizer) m.quantizer();
        float[] v = code.vector().toArray();
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int place = i * 2 + j;
                    float[] features = new float[4];
                    for (int c = 0; c < 4; c++) features[c] = grid.get(b, c, i, j);
                    int chosen;
                    try (var noGrad = GradMode.disabled()) {
                        chosen = q.assign(perPlace.forward(Tensor.of(features, 1, 4)))[0];
                    }
                    assertEquals(chosen, code.index(b, place, 0), "row " + b + ", place (" + i + ", " + j + ")");
                    for (int k = 0; k < 5; k++) assertEquals(codebook[chosen * 5 + k], v[b * 20 + place * 5 + k], "the vector of place " + place);
                }
            }
        }
        try (var noGrad = GradMode.disabled()) {
            assertArrayEquals(m.reconstruct(x, null).toArray(), m.decode(code.vector(), null).toArray(), "reconstruct = decode(encode)");
            assertArrayEquals(new int[] {3, 64}, m.reconstruct(x, null).shape());
        }
    }

    @Test
    void perPlaceHiddenLayersAndMlpGroups() {
        QuantizedAutoencoder conv = model(IMAGES, 1, "arch", "conv", "channels", "3,4", "code-dim", "5", "hidden", "7");
        assertArrayEquals(new int[] {7, 4}, conv.namedParameters().get("encoder.0.weight").shape());
        assertArrayEquals(new int[] {7, 5}, conv.namedParameters().get("decoder.0.weight").shape());
        assertArrayEquals(new int[] {7, 3, 4, 4}, conv.namedParameters().get("decoder_conv.0.weight").shape());
        QuantizedAutoencoder mlp = model(IMAGES, 1, "groups", "3", "code-dim", "4", "hidden", "10");
        assertEquals(3, mlp.positions());
        LatentCode.Discrete code;
        try (var noGrad = GradMode.disabled()) {
            code = mlp.encode(images(2, 3), null);
        }
        assertArrayEquals(new int[] {2, 12}, code.vector().shape());
        assertEquals(6, code.indices().length);
        var e = assertThrows(OptionValues.OptionException.class, () -> model(IMAGES, 1, "arch", "conv", "groups", "2"));
        assertTrue(e.getMessage().contains("--groups"), e.getMessage());
    }

    @Test
    void theLossIsReconstructionPlusPositionsTimesTheQuantizerLoss() {
        QuantizedAutoencoder m = model(IMAGES, 4, "arch", "conv", "channels", "3,4", "code-dim", "5", "codebook-size", "16");
        Tensor x = images(6, 5);
        LossResult r = m.loss(Batch.of(x), new TrainingProgress(0, 0, 1), new Rng(1));
        Tensor z;
        try (var noGrad = GradMode.disabled()) {
            z = m.encodeContinuous(x);
        }
        var q = m.quantizer().quantize(z, true);
        assertEquals(4 * q.loss().item(), r.regularization().item(), 1e-4 * r.regularization().item());
        assertEquals(r.loss().item(), r.reconstruction().item() + r.regularization().item(), 1e-3);
        assertEquals(r.regularization().item(), r.metrics().get("codebook_loss") + r.metrics().get("commitment_loss"), 1e-3,
                "the *_loss metrics add up to the regularization: " + r.metrics());
        assertEquals(List.of("codebook_loss", "commitment_loss", "perplexity", "codes_used", "dead_codes"), List.copyOf(r.metrics().keySet()));
        // reconstruction: -log N(x; mean, 0.1^2) summed over pixels
        Tensor mean;
        try (var noGrad = GradMode.disabled()) {
            mean = m.reconstruct(x, null);
        }
        float[] xv = x.toArray(), mv = mean.toArray();
        double nll = 0;
        for (int i = 0; i < xv.length; i++) nll += 0.5 * Math.log(2 * Math.PI * 0.01) + (xv[i] - mv[i]) * (xv[i] - mv[i]) / (2 * 0.01);
        assertEquals(nll / 6, r.reconstruction().item(), 1e-3 * Math.abs(nll / 6));
    }

    @Test
    void samplesDrawCodesUniformlyOrAsTrainingUsedThem() {
        QuantizedAutoencoder m = model(IMAGES, 6, "groups", "2", "code-dim", "3", "codebook-size", "8", "hidden", "10");
        Tensor usage = m.namedBuffers().get("code_usage");
        assertArrayEquals(new int[] {2, 8}, usage.shape());
        // before any step the counts are empty: uniform draws
        Tensor uniform;
        try (var noGrad = GradMode.disabled()) {
            uniform = m.samplePrior(64, null, new Rng(1));
        }
        assertArrayEquals(new int[] {64, 64}, uniform.shape());
        // place 0 only ever used code 5, place 1 code 2: every sample is the decoding of that code pair
        usage.data()[5] = 3f;
        usage.data()[8 + 2] = 1f;
        Tensor samples, expected;
        try (var noGrad = GradMode.disabled()) {
            samples = m.samplePrior(5, null, new Rng(2));
            Tensor codes = m.quantizer().decode(new int[] {5, 2}, 2).reshape(1, 6);
            expected = m.decode(codes, null);
        }
        for (int i = 0; i < 5; i++) {
            float[] row = java.util.Arrays.copyOfRange(samples.toArray(), i * 64, i * 64 + 64);
            assertArrayEquals(expected.toArray(), row, 1e-6f);
        }
        // the after-step hook counts each place's codes
        Tensor x = images(4, 7);
        LossResult r = m.loss(Batch.of(x), new TrainingProgress(0, 0, 1), new Rng(1));
        float before = usage.data()[5];
        m.afterOptimizerStep(new org.latent4j.core.model.StepContext(r, new TrainingProgress(0, 0, 1), new Rng(3), 1e-3));
        int[] idx = ((QuantizedAutoencoder.QuantizedStep) r.state()).indices();
        float[] after = usage.toArray();
        float[] counted = new float[16];
        for (int i = 0; i < idx.length; i++) counted[(i % 2) * 8 + idx[i]]++;
        for (int c = 0; c < 16; c++) {
            float old = c == 5 ? before : c == 10 ? 1f : 0f;
            assertEquals(old * (float) QuantizedAutoencoder.USAGE_DECAY + counted[c], after[c], 1e-6f, "count " + c);
        }
        // uniform sampling ignores the counts
        QuantizedAutoencoder u = model(IMAGES, 6, "groups", "2", "code-dim", "3", "codebook-size", "8", "hidden", "10", "sampling", "uniform");
        try (var noGrad = GradMode.disabled()) {
            float[] a = u.samplePrior(40, null, new Rng(4)).toArray();
            u.namedBuffers().get("code_usage").data()[5] = 1e6f;
            assertArrayEquals(a, u.samplePrior(40, null, new Rng(4)).toArray());
            m.namedBuffers().get("code_usage").fill(0f);
            assertArrayEquals(uniform.toArray(), m.samplePrior(64, null, new Rng(1)).toArray(), "empirical without counts is uniform");
        }
    }

    @Test
    void initialisationFitsTheCodebookToEncoderOutputs() {
        QuantizedAutoencoder m = model(IMAGES, 8, "arch", "conv", "channels", "3,4", "code-dim", "2", "codebook-size", "16");
        float[] before = m.namedState().get("quantizer.codebook").toArray();
        Tensor x = images(200, 9);
        m.initialise(TrainingData.of(x), new Rng(10));
        float[] after = m.namedState().get("quantizer.codebook").toArray();
        assertNotEquals(before[0], after[0]);
        LatentCode.Discrete code;
        try (var noGrad = GradMode.disabled()) {
            code = m.encode(x, null);
        }
        long used = java.util.Arrays.stream(code.indices()).distinct().count();
        assertEquals(16, used, "k-means codes are all some encoder output's nearest");
        float[] bias = m.namedParameters().get("decoder_conv.output_bias").toArray();
        assertEquals(TrainingData.columnMeans(x)[3], bias[3], 1e-6f, "the output bias starts at the data mean");
    }

    @TempDir
    Path tmp;

    private static final class Killed extends RuntimeException {}

    @Test
    void aResumedRunWithEmaBuffersAndRestartsEndsWithTheSameBits() {
        Tensor x = new Rng(99).uniform(0f, 1f, 90, 64);
        Dataset data = Dataset.unlabeled("toy", Tensor.wrap(x.toArray(), 90, 64));
        String[] options = {"hidden", "16", "groups", "2", "code-dim", "4", "codebook-size", "32", "codebook-update", "ema", "restart-dead", "2"};
        TrainerOptions o = TrainerOptions.defaults().withEpochs(3).withBatchSize(16).withSeed(7).withValidationFraction(0.2)
                .withBinarization(Binarization.NONE).withLearningRate(0.01);
        QuantizedAutoencoder straight = model(IMAGES, 3, options);
        TrainingResult full = Trainer.fit(straight, data, null, o, tmp.resolve("a"), TrainingListener.NONE);

        Path run = tmp.resolve("b");
        TrainerOptions often = o.withCheckpointEveryMinutes(1e-12);
        assertThrows(Killed.class, () -> Trainer.fit(model(IMAGES, 3, options), data, null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 7) throw new Killed();
            }
        }));
        QuantizedAutoencoder resumed = model(IMAGES, 12345, options);
        Trainer.resume(resumed, data, null, often, run, TrainingListener.NONE);
        for (String buffer : List.of("quantizer.codebook", "quantizer.cluster_size", "quantizer.embed_sum", "quantizer.unused_steps", "quantizer.restart_pool",
                "quantizer.restart_pool_state", "code_usage")) {
            assertTrue(straight.namedBuffers().containsKey(buffer), buffer);
        }
        straight.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.namedState().get(name).toArray(), name));
        Map<String, Double> metrics = full.history().getLast().metrics();
        assertEquals(List.of("codebook_loss", "commitment_loss", "perplexity", "codes_used", "dead_codes"), List.copyOf(metrics.keySet()));
        assertTrue(full.history().stream().anyMatch(r -> r.metrics().get("dead_codes") > 0), "restarts happened: " + full.history());
        assertTrue(java.nio.file.Files.isDirectory(run.resolve("checkpoint")));
    }
}
