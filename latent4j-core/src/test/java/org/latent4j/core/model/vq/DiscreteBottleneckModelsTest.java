package org.latent4j.core.model.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.quantize.FiniteScalarQuantizer;
import org.latent4j.core.quantize.KeyValueBottleneck;
import org.latent4j.core.quantize.Quantizer;
import org.latent4j.core.quantize.ResidualVectorQuantizer;
import org.latent4j.core.quantize.VectorQuantizer;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/** The three kinds built on {@link QuantizedAutoencoder} with a residual, a finite scalar and a key-value bottleneck, as models. */
class DiscreteBottleneckModelsTest {
    private static final int D = 20;
    private static final DataShape SHAPE = new DataShape(D, null, 0, false);

    /** Rows near a 3-dimensional subspace of 20 features (a low-rank Gaussian plus a little noise). */
    private static Tensor data(int n, long seed) {
        Tensor basis = new Rng(99).normal(0f, 1f, 3, D);
        return new Rng(seed).normal(0f, 1f, n, 3).matmul(basis).add(new Rng(seed + 1).normal(0f, 0.05f, n, D));
    }

    private static QuantizedAutoencoder model(String kind, long seed, String... options) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < options.length; i += 2) o.put(options[i], options[i + 1]);
        var k = ModelKinds.get(kind);
        return (QuantizedAutoencoder) k.createFrom(k.configure(new OptionValues("test", o), SHAPE), new Rng(seed));
    }

    private static double meanSquare(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += (double) v * v;
        return s / t.dim(0);
    }

    /** Adam steps on minibatches of x, with the model's hooks, as the trainer runs them. */
    private static void train(QuantizedAutoencoder m, Tensor x, int steps, long seed) {
        Adam adam = new Adam(m.parameters(), AdamOptions.DEFAULTS.withLearningRate(3e-3));
        int b = 50, perEpoch = x.dim(0) / b;
        for (int s = 0; s < steps; s++) {
            int from = (s % perEpoch) * b;
            Rng stream = new Rng(seed).fork(s);
            TrainingProgress p = new TrainingProgress(s / perEpoch, s, perEpoch);
            adam.zeroGrad();
            LossResult r = m.loss(new Batch(x.slice(0, from, from + b).contiguous(), null), p, stream);
            r.loss().backward();
            StepContext context = new StepContext(r, p, stream.fork(7), 3e-3);
            m.beforeOptimizerStep(context);
            adam.step();
            m.afterOptimizerStep(context);
        }
    }

    @Test
    void rvqStagesAreVectorQuantizersInitialisedOnTheirResidualsAndTheResidualsShrink() {
        QuantizedAutoencoder m = model("rvq-vae", 1, "code-dim", "6", "codebook-size", "16", "stages", "4", "hidden", "32");
        ResidualVectorQuantizer q = (ResidualVectorQuantizer) m.quantizer();
        assertEquals(4, q.stageQuantizers().size());
        for (Quantizer s : q.stageQuantizers()) assertTrue(s instanceof VectorQuantizer);
        assertTrue(m.namedParameters().containsKey("quantizer.stages.3.codebook"), m.namedParameters().keySet().toString());
        Tensor x = data(600, 2);
        m.initialise(TrainingData.of(x), new Rng(3));
        Tensor z;
        try (var noGrad = GradMode.disabled()) {
            z = m.encodeContinuous(data(300, 4)).contiguous();
            int[] idx = q.quantize(z, false).indices();
            double left = meanSquare(z);
            for (int s = 1; s <= 4; s++) {
                double now = meanSquare(z.sub(q.decodePrefix(idx, 300, s)));
                assertTrue(now < 0.8 * left, "stage " + s + " leaves " + now + " of " + left);
                left = now;
            }
            // decode is the sum of the stages, and encode reports every stage's codes
            LatentCode.Discrete code = m.encode(data(5, 6), null);
            assertEquals(4, code.stages());
            assertArrayEquals(new int[] {16, 16, 16, 16}, code.codebookSizes());
            assertArrayEquals(code.vector().toArray(), q.decode(code.indices(), 5).toArray(), 1e-5f);
        }
    }

    @Test
    void rvqVaeWithQuantizerDropoutTrainsEveryPrefixAndReportsEachStage() {
        QuantizedAutoencoder m = model("rvq-vae", 1, "code-dim", "6", "codebook-size", "16", "stages", "3", "hidden", "32", "quantizer-dropout", "1");
        Tensor x = data(400, 2);
        m.initialise(TrainingData.of(x), new Rng(3));
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (long step = 0; step < 30; step++) {
            LossResult r = m.loss(new Batch(x.slice(0, 0, 50).contiguous(), null), new TrainingProgress(0, (int) step, 8), new Rng(5).fork(step));
            LossResult again = m.loss(new Batch(x.slice(0, 0, 50).contiguous(), null), new TrainingProgress(0, (int) step, 8), new Rng(5).fork(step));
            assertEquals(r.metrics(), again.metrics(), "a step's draw is a function of its generator");
            int q = r.metrics().get("stages_used").intValue();
            used.add(q);
            for (int s = 1; s <= 3; s++) assertEquals(s <= q, r.metrics().get("stage" + s + "_codes_used") > 0, "step " + step + " stage " + s);
        }
        assertEquals(java.util.Set.of(1, 2, 3), used);
        double before = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).reconstruction().item();
        train(m, x, 80, 11);
        double after = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).reconstruction().item();
        assertTrue(after < before, before + " -> " + after);
    }

    @Test
    void fsqVaeHasNoAuxiliaryLossAndItsCodebookIsTheGrid() {
        QuantizedAutoencoder m = model("fsq-vae", 1, "levels", "8,5,5,5", "hidden", "32");
        assertTrue(m.quantizer() instanceof FiniteScalarQuantizer);
        assertEquals(0, m.quantizer().parameterCount(), "the code width is the number of levels: no projection");
        Tensor x = data(400, 2);
        m.initialise(TrainingData.of(x), new Rng(3));
        LossResult r = m.loss(new Batch(x.slice(0, 0, 50).contiguous(), null), new TrainingProgress(0, 0, 8), new Rng(4));
        assertEquals(0f, r.regularization().item());
        assertEquals(r.loss().item(), r.reconstruction().item());
        try (var noGrad = GradMode.disabled()) {
            LatentCode.Discrete code = m.encode(x.slice(0, 0, 10).contiguous(), null);
            assertArrayEquals(new int[] {1000}, code.codebookSizes());
            assertArrayEquals(new int[] {10, 4}, code.vector().shape());
            assertArrayEquals(code.vector().toArray(), m.quantizer().decode(code.indices(), 10).toArray());
        }
        double before = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).loss().item();
        train(m, x, 80, 11);
        double after = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).loss().item();
        assertTrue(after < 0.5 * before, before + " -> " + after);
    }

    @Test
    void kvAeKeepsItsKeysAndEncoderAndTrainsOnlyValuesAndDecoder() {
        QuantizedAutoencoder m = model("kv-ae", 1, "code-dim", "8", "codebook-size", "32", "heads", "4", "hidden", "32");
        KeyValueBottleneck kv = (KeyValueBottleneck) m.quantizer();
        Tensor x = data(400, 2);
        m.initialise(TrainingData.of(x), new Rng(3));
        // the values start at the keys (k-means keys of the heads' own pieces)
        assertArrayEquals(kv.keys().toArray(), kv.values().toArray(), 1e-5f);
        Map<String, float[]> before = new HashMap<>();
        m.namedState().forEach((name, t) -> before.put(name, t.toArray()));
        // one step: the encoder gets no gradient, and only the values a batch selects do
        Batch batch = new Batch(x.slice(0, 0, 50).contiguous(), null);
        m.loss(batch, new TrainingProgress(0, 0, 8), new Rng(4)).loss().backward();
        m.namedParameters().forEach((name, t) -> {
            if (name.startsWith("encoder.")) assertNull(t.grad(), name + " gets no gradient through the keys");
        });
        int[] codes;
        try (var noGrad = GradMode.disabled()) {
            codes = m.encode(batch.x(), null).indices();
        }
        float[] g = kv.values().grad().toArray();
        boolean[] selected = new boolean[4 * 32];
        for (int i = 0; i < codes.length; i++) selected[(i % 4) * 32 + codes[i]] = true;
        for (int v = 0; v < 4 * 32; v++) assertEquals(selected[v], g[2 * v] != 0 || g[2 * v + 1] != 0, "value " + v);
        m.parameters().forEach(Tensor::clearGrad);

        double lossBefore = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).loss().item();
        train(m, x, 80, 11);
        double lossAfter = m.loss(new Batch(x, null), TrainingProgress.EVALUATION, new Rng(1)).loss().item();
        assertTrue(lossAfter < lossBefore, lossBefore + " -> " + lossAfter);
        Map<String, Tensor> after = m.namedState();
        for (String name : List.of("quantizer.keys")) assertArrayEquals(before.get(name), after.get(name).toArray(), name + " is frozen");
        after.forEach((name, t) -> {
            if (name.startsWith("encoder.")) assertArrayEquals(before.get(name), t.toArray(), name + " is never updated");
        });
        assertFalse(java.util.Arrays.equals(before.get("quantizer.values"), after.get("quantizer.values").toArray()), "the values learn");
        assertFalse(java.util.Arrays.equals(before.get("decoder.0.weight"), after.get("decoder.0.weight").toArray()), "the decoder learns");
    }
}
