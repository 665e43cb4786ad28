package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.StepState;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vq.QuantizedAutoencoder;
import org.latent4j.core.model.vq.QuantizedAutoencoderConfig;
import org.latent4j.core.model.vq.VqVaeConfig;
import org.latent4j.core.quantize.Quantized;
import org.latent4j.core.quantize.VectorQuantizer;
import org.latent4j.core.quantize.VectorQuantizerConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel contract: the step states of two half-batches, merged, are the state of the whole batch, and so are the
 * hooks' results; the row-weighted mean of the halves' gradients is the whole batch's gradient up to float rounding.
 */
class StepStateMergeTest {
    private static final TrainingProgress START = new TrainingProgress(0, 0, 10);

    private static Tensor rows(int n, int d, long seed) {
        return new Rng(seed).uniform(0f, 1f, n, d);
    }

    private static VectorQuantizerConfig emaWithRestarts() {
        // EMA codebook, and restarts after 1 unused step from a pool of 8 rows, so that one hook call restarts codes
        return VectorQuantizerConfig.of(3, 16).withEma(0.9, 1e-5).withRestart(1, 8);
    }

    @Test
    void vectorQuantizerStatesOfTwoHalvesMergeIntoTheWholeBatchsStateAndHook() {
        Tensor z = rows(40, 3, 1);
        VectorQuantizer whole = new VectorQuantizer(emaWithRestarts(), new Rng(2));
        VectorQuantizer halves = new VectorQuantizer(emaWithRestarts(), new Rng(2));
        whole.initialise(z, new Rng(3));
        halves.initialise(z, new Rng(3));
        Quantized all = whole.quantize(z, true);
        StepState first = (StepState) halves.quantize(z.slice(0, 0, 17).contiguous(), true).state();
        StepState second = (StepState) halves.quantize(z.slice(0, 17, 40).contiguous(), true).state();
        StepState merged = StepState.concatAll(List.of(first, second));
        assertStepEquals(all.state(), merged);
        whole.afterOptimizerStep(all, new Rng(4));
        halves.afterOptimizerStep(Quantized.forHooks(merged), new Rng(4));
        assertStatesEqual(whole.namedState(), halves.namedState());
        for (float u : whole.unusedSteps()) assertEquals(0f, u, "the restarts ran: every code was used or restarted");
    }

    @Test
    void vqVaeStatesOfTwoHalvesMergeIntoTheWholeBatchs() {
        VqVaeConfig config = new VqVaeConfig(QuantizedAutoencoderConfig.of(12, 3).withHidden(List.of(8)), emaWithRestarts());
        LatentModel whole = ModelKinds.get("vq-vae").createFrom(config, new Rng(5));
        LatentModel halves = ModelKinds.get("vq-vae").createFrom(config, new Rng(5));
        Tensor x = rows(30, 12, 6);
        whole.initialise(TrainingData.of(x), new Rng(7));
        halves.initialise(TrainingData.of(x), new Rng(7));
        LossResult all = whole.loss(Batch.of(x), START, new Rng(8));
        StepState a = (StepState) halves.loss(Batch.of(x.slice(0, 0, 12).contiguous()), START, new Rng(8)).state();
        StepState b = (StepState) halves.loss(Batch.of(x.slice(0, 12, 30).contiguous()), START, new Rng(8)).state();
        StepState merged = StepState.concatAll(List.of(a, b));
        var expected = (QuantizedAutoencoder.QuantizedStep) all.state();
        var actual = (QuantizedAutoencoder.QuantizedStep) merged;
        assertArrayEquals(expected.indices(), actual.indices());
        assertStepEquals(expected.quantizer(), actual.quantizer());
        whole.afterOptimizerStep(new StepContext(all, START, new Rng(9), 1e-3));
        halves.afterOptimizerStep(new StepContext(new LossResult(all.loss(), all.reconstruction(), all.regularization(), all.metrics(), merged), START,
                new Rng(9), 1e-3));
        assertStatesEqual(whole.namedState(), halves.namedState());
    }

    @Test
    void topKSaeFiringStatesOfTwoHalvesMergeIntoTheWholeBatchsAndCountTheSame() {
        var config = org.latent4j.core.model.sae.TopKSaeConfig.of(12, 24, 3);
        LatentModel whole = ModelKinds.get("topk-sae").createFrom(config, new Rng(20));
        LatentModel halves = ModelKinds.get("topk-sae").createFrom(config, new Rng(20));
        Tensor x = rows(30, 12, 21);
        LossResult all = whole.loss(Batch.of(x), START, new Rng(22));
        StepState a = (StepState) halves.loss(Batch.of(x.slice(0, 0, 4).contiguous()), START, new Rng(22)).state();
        StepState b = (StepState) halves.loss(Batch.of(x.slice(0, 4, 30).contiguous()), START, new Rng(22)).state();
        StepState merged = StepState.concatAll(List.of(a, b));
        assertStepEquals(all.state(), merged);
        whole.afterOptimizerStep(new StepContext(all, START, new Rng(23), 1e-3));
        halves.afterOptimizerStep(new StepContext(new LossResult(all.loss(), all.reconstruction(), all.regularization(), all.metrics(), merged), START,
                new Rng(23), 1e-3));
        assertStatesEqual(whole.namedState(), halves.namedState());
    }

    /**
     * ARD-VAE's fitted prior variances: the row-weighted mean of two halves' second moments is the whole batch's to float
     * rounding (1e-6 relative: means of 30 float terms), and so is the running prior variance the hook leaves.
     */
    @Test
    void ardVaePriorFitsOfTwoHalvesMergeIntoTheWholeBatchs() {
        var config = org.latent4j.core.model.objective.ArdVaeConfig.of(org.latent4j.core.model.vae.VaeConfig.of(12, 4).withHidden(List.of(8)));
        LatentModel whole = ModelKinds.get("ard-vae").createFrom(config, new Rng(30));
        LatentModel halves = ModelKinds.get("ard-vae").createFrom(config, new Rng(30));
        Tensor x = rows(30, 12, 31);
        // the posterior's sample does not enter the moments: any generator gives the same state
        LossResult all = whole.loss(Batch.of(x), START, new Rng(32));
        StepState a = (StepState) halves.loss(Batch.of(x.slice(0, 0, 10).contiguous()), START, new Rng(33)).state();
        StepState b = (StepState) halves.loss(Batch.of(x.slice(0, 10, 30).contiguous()), START, new Rng(34)).state();
        StepState merged = StepState.concatAll(List.of(a, b));
        float[] expected = moments(all.state()), actual = moments(merged);
        for (int j = 0; j < expected.length; j++) assertEquals(expected[j], actual[j], 1e-6f * expected[j], "dimension " + j);
        whole.afterOptimizerStep(new StepContext(all, START, new Rng(35), 1e-3));
        halves.afterOptimizerStep(new StepContext(new LossResult(all.loss(), all.reconstruction(), all.regularization(), all.metrics(), merged), START,
                new Rng(35), 1e-3));
        Map<String, Tensor> w = whole.namedBuffers(), h = halves.namedBuffers();
        for (String name : w.keySet()) assertArrayEquals(w.get(name).toArray(), h.get(name).toArray(), 1e-6f, name);
    }

    private static float[] moments(Object state) {
        try {
            var accessor = state.getClass().getDeclaredMethod("moments");
            accessor.setAccessible(true);
            return (float[]) accessor.invoke(state);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A score-function estimator's learning signal: the pooled mean and variance of two shards' are those of all values. */
    @Test
    void learningSignalsPoolIntoTheMomentsOfAllValues() {
        float[] v = new Rng(40).normal(2f, 3f, 50).toArray();
        var first = signal(v, 0, 18);
        var second = signal(v, 18, 50);
        var merged = (org.latent4j.core.estimator.discrete.DiscreteEstimate.Signal) StepState.concatAll(List.of(first, second));
        var all = signal(v, 0, 50);
        assertEquals(50, merged.count());
        assertEquals(all.mean(), merged.mean(), 1e-12 * Math.abs(all.mean()));
        assertEquals(all.variance(), merged.variance(), 1e-12 * all.variance());
    }

    /** Mean and population variance of v[from, to), as the estimators compute a batch's signal. */
    private static org.latent4j.core.estimator.discrete.DiscreteEstimate.Signal signal(float[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) sum += v[i];
        double mean = sum / (to - from), ss = 0;
        for (int i = from; i < to; i++) ss += (v[i] - mean) * (v[i] - mean);
        return new org.latent4j.core.estimator.discrete.DiscreteEstimate.Signal(mean, ss / (to - from), to - from);
    }

    /**
     * A deterministic autoencoder's gradient over 40 rows against the row-weighted mean of its gradients over 15 and 25 of
     * them: the same sums in another grouping, so equal to float rounding (1e-5 of the largest component; float32 sums of
     * 40 terms round at about 1e-7 relative each).
     */
    @Test
    void rowWeightedMeanOfShardGradientsIsTheWholeBatchsGradient() {
        AutoencoderConfig config = AutoencoderConfig.of(12, 3).withHidden(List.of(8));
        LatentModel model = ModelKinds.get("ae").createFrom(config, new Rng(10));
        Tensor x = rows(40, 12, 11);
        ShardGradient all = ShardGradient.compute(model, Batch.of(x), START, new Rng(12));
        ShardGradient first = ShardGradient.compute(model, Batch.of(x.slice(0, 0, 15).contiguous()), START, new Rng(12));
        ShardGradient second = ShardGradient.compute(model, Batch.of(x.slice(0, 15, 40).contiguous()), START, new Rng(12));
        ShardGradient merged = ShardGradient.average(List.of(first, ShardGradient.empty(), second));
        assertEquals(40, merged.rows());
        float largest = 0;
        for (float g : all.gradient()) largest = Math.max(largest, Math.abs(g));
        assertTrue(largest > 0);
        for (int i = 0; i < all.gradient().length; i++) {
            assertEquals(all.gradient()[i], merged.gradient()[i], 1e-5f * largest, "component " + i);
        }
        assertEquals(all.loss(), merged.loss(), 1e-5 * all.loss());
        // loading the merged gradient and applying it is the optimizer step of the whole batch
        var optimizer = OptimizerSettings.adam().create(model.parameters());
        merged.loadInto(optimizer.parameters());
        int at = 0;
        for (Tensor p : optimizer.parameters()) {
            float[] g = p.grad().toArray();
            for (int i = 0; i < g.length; i++) assertEquals(merged.gradient()[at + i], g[i], 0f);
            at += g.length;
        }
    }

    @Test
    void averagingRefusesShardsWithoutRowsOrOfOtherModels() {
        assertThrows(IllegalArgumentException.class, () -> ShardGradient.average(List.of(ShardGradient.empty())));
        ShardGradient a = new ShardGradient(new float[3], 2, 1, 1, 0, null, null, 0);
        ShardGradient b = new ShardGradient(new float[4], 2, 1, 1, 0, null, null, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> ShardGradient.average(List.of(a, b)));
        assertEquals("ShardGradient.average: gradients of 3 and 4 values", e.getMessage());
    }

    private static void assertStepEquals(Object expected, Object actual) {
        // the step records hold arrays: compare them by content through their serialised form
        assertArrayEquals(serialise(expected), serialise(actual));
    }

    private static byte[] serialise(Object o) {
        try (var bytes = new java.io.ByteArrayOutputStream(); var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertStatesEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) assertArrayEquals(expected.get(name).toArray(), actual.get(name).toArray(), name);
    }
}
