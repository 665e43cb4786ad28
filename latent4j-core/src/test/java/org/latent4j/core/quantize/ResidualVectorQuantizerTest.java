package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.random.Rng;

class ResidualVectorQuantizerTest {
    /**
     * A minimal vector quantizer for the residual machinery's tests: a k-means codebook (a buffer), the nearest code,
     * a straight-through output, no loss; it counts its after-step calls.
     */
    static final class KMeansStage extends Quantizer {
        final Tensor codebook;
        int afterSteps;

        KMeansStage(int dim, int codes) {
            codebook = buffer("codebook", Tensor.persistentZeros(codes, dim));
        }

        @Override
        public int dim() {
            return codebook.dim(1);
        }

        @Override
        public int[] codebookSizes() {
            return new int[] {codebook.dim(0)};
        }

        @Override
        public Quantized quantize(Tensor z, boolean training) {
            int[] idx = QuantOps.nearestCodes(z.detach(), codebook).indices();
            Tensor q = codebook.indexSelect(0, idx);
            return new Quantized(z.add(q.sub(z).detach()), idx, Tensor.scalar(0f), java.util.Map.of("perplexity", 1.0), null);
        }

        @Override
        public Tensor decode(int[] indices, int n) {
            return codebook.indexSelect(0, indices);
        }

        @Override
        public void initialise(Tensor vectors, Rng rng) {
            int m = vectors.dim(0), d = vectors.dim(1), k = codebook.dim(0);
            codebook.copyFrom(KMeans.fit(vectors, k, 10, false, rng));
        }

        @Override
        public void afterOptimizerStep(Quantized step, Rng rng) {
            afterSteps++;
        }
    }

    private static ResidualVectorQuantizer rvq(int stages, int dim, int codes, double dropout) {
        List<Quantizer> s = new ArrayList<>();
        for (int i = 0; i < stages; i++) s.add(new KMeansStage(dim, codes));
        return new ResidualVectorQuantizer(s, dropout);
    }

    private static double meanSquare(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += (double) v * v;
        return s / t.dim(0);
    }

    @Test
    void residualsShrinkStageByStage() {
        ResidualVectorQuantizer q = rvq(4, 6, 16, 0);
        Tensor data = new Rng(1).normal(0f, 1f, 600, 6);
        q.initialise(data, new Rng(2));
        Tensor test = new Rng(3).normal(0f, 1f, 300, 6);
        try (var noGrad = GradMode.disabled()) {
            double previous = meanSquare(test);
            int[] idx = q.quantize(test, false).indices();
            for (int s = 1; s <= 4; s++) {
                double left = meanSquare(test.sub(q.decodePrefix(idx, 300, s)));
                assertTrue(left < 0.85 * previous, "stage " + s + " leaves " + left + " of " + previous);
                previous = left;
            }
        }
    }

    @Test
    void theOutputAndTheDecodingAreTheSumOfTheStagesCodes() {
        ResidualVectorQuantizer q = rvq(3, 4, 8, 0);
        q.initialise(new Rng(1).normal(0f, 1f, 200, 4), new Rng(2));
        Tensor z = new Rng(3).normal(0f, 1f, 10, 4);
        try (var noGrad = GradMode.disabled()) {
            Quantized r = q.quantize(z, false);
            int[] idx = r.indices();
            assertEquals(30, idx.length);
            float[] sum = new float[40];
            for (int s = 0; s < 3; s++) {
                float[] book = ((KMeansStage) q.stageQuantizers().get(s)).codebook.toArray();
                for (int i = 0; i < 10; i++) for (int f = 0; f < 4; f++) sum[i * 4 + f] += book[idx[i * 3 + s] * 4 + f];
            }
            assertArrayEquals(sum, q.decode(idx, 10).toArray(), 1e-6f);
            assertArrayEquals(q.decode(idx, 10).toArray(), r.output().toArray(), 1e-5f);
            // each stage's code is the nearest to what the stages before it left
            Tensor residual = z;
            for (int s = 0; s < 3; s++) {
                int[] nearest = QuantOps.nearestCodes(residual, ((KMeansStage) q.stageQuantizers().get(s)).codebook).indices();
                for (int i = 0; i < 10; i++) assertEquals(nearest[i], idx[i * 3 + s], "stage " + s + " row " + i);
                int[] column = new int[10];
                for (int i = 0; i < 10; i++) column[i] = idx[i * 3 + s];
                residual = residual.sub(q.stageQuantizers().get(s).decode(column, 10));
            }
        }
        assertArrayEquals(new int[] {8, 8, 8}, q.codebookSizes());
        assertEquals(Set.of("stages.0.codebook", "stages.1.codebook", "stages.2.codebook"), q.namedBuffers().keySet());
    }

    @Test
    void theStraightThroughGradientReachesTheInputOnce() {
        ResidualVectorQuantizer q = rvq(3, 4, 8, 0);
        q.initialise(new Rng(1).normal(0f, 1f, 200, 4), new Rng(2));
        Tensor z = new Rng(3).normal(0f, 1f, 5, 4).requiresGrad(true);
        Tensor w = new Rng(4).normal(0f, 1f, 5, 4);
        q.quantize(z, true).output().mul(w).sum().backward();
        assertArrayEquals(w.toArray(), z.grad().toArray(), 1e-6f);
    }

    @Test
    void quantizerDropoutUsesAPrefixOfStagesDrawnFromTheStepsGenerator() {
        int stages = 5;
        ResidualVectorQuantizer q = rvq(stages, 4, 8, 1.0);
        q.initialise(new Rng(1).normal(0f, 1f, 200, 4), new Rng(2));
        Tensor z = new Rng(3).normal(0f, 1f, 12, 4);
        Set<Integer> seen = new HashSet<>();
        for (long step = 0; step < 60; step++) {
            Quantized a = q.quantize(z, true, new Rng(7).fork(step));
            Quantized b = q.quantize(z, true, new Rng(7).fork(step));
            int used = a.metrics().get("stages_used").intValue();
            assertEquals(used, b.metrics().get("stages_used").intValue(), "the same step draws the same q");
            assertArrayEquals(a.indices(), b.indices());
            assertArrayEquals(a.output().toArray(), b.output().toArray());
            seen.add(used);
            int[] idx = a.indices();
            for (int i = 0; i < 12; i++) {
                for (int s = 0; s < stages; s++) assertEquals(s >= used, idx[i * stages + s] == -1, "step " + step + ": stage " + s + " of " + used);
            }
            // the output is the first q stages' codes
            assertArrayEquals(q.decodePrefix(fill(idx, stages), 12, used).toArray(), a.output().toArray(), 1e-5f);
            for (int s = 1; s <= stages; s++) assertEquals(s <= used ? 1.0 : 0.0, a.metrics().get("stage" + s + "_perplexity"), "stage " + s);
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), seen, "every prefix length is drawn");
        // outside training, or without a generator, every stage
        assertEquals(stages, q.quantize(z, false, new Rng(8)).metrics().get("stages_used").intValue());
        assertEquals(stages, q.quantize(z, true).metrics().get("stages_used").intValue());
    }

    private static int[] fill(int[] idx, int stages) {
        int[] out = idx.clone();
        for (int i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
        return out;
    }

    @Test
    void dropoutProbabilityAndTheHooksOfDroppedStages() {
        ResidualVectorQuantizer never = rvq(4, 4, 8, 0);
        ResidualVectorQuantizer half = rvq(4, 4, 8, 0.5);
        Tensor z = new Rng(3).normal(0f, 1f, 6, 4);
        int full = 0;
        for (long step = 0; step < 400; step++) {
            assertEquals(4, never.stagesFor(new Rng(1).fork(step)));
            if (half.stagesFor(new Rng(1).fork(step)) == 4) full++;
        }
        // P(all 4) = 0.5 + 0.5 / 4 = 0.625
        assertEquals(0.625, full / 400.0, 0.08);
        ResidualVectorQuantizer q = rvq(4, 4, 8, 1.0);
        q.initialise(new Rng(1).normal(0f, 1f, 100, 4), new Rng(2));
        long step = 0;
        while (q.stagesFor(new Rng(9).fork(step)) == 4) step++;
        int used = q.stagesFor(new Rng(9).fork(step));
        Quantized r = q.quantize(z, true, new Rng(9).fork(step));
        assertEquals(used, r.metrics().get("stages_used").intValue());
        q.afterOptimizerStep(r, new Rng(10));
        for (int s = 0; s < 4; s++) assertEquals(s < used ? 1 : 0, ((KMeansStage) q.stageQuantizers().get(s)).afterSteps, "stage " + s);
        assertNotEquals(4, used);
    }

    @Test
    void emaStagesOfADroppedSuffixAreLeftAlone() {
        // the real stages: vector quantizers with EMA codebooks, k-means on their residuals
        ResidualVectorQuantizer q = new ResidualVectorQuantizerConfig(4, VectorQuantizerConfig.of(4, 8).withEma(0.9, 1e-5), 1.0).create(new Rng(1));
        q.initialise(new Rng(2).normal(0f, 1f, 300, 4), new Rng(3));
        Tensor z = new Rng(4).normal(0f, 1f, 40, 4);
        long step = 0;
        while (q.stagesFor(new Rng(5).fork(step)) != 2) step++;
        java.util.Map<String, float[]> before = new java.util.HashMap<>();
        q.namedBuffers().forEach((name, t) -> before.put(name, t.toArray()));
        Quantized r = q.quantize(z, true, new Rng(5).fork(step));
        assertEquals(2, r.metrics().get("stages_used").intValue());
        q.afterOptimizerStep(r, new Rng(6));
        for (int s = 0; s < 4; s++) {
            String name = "stages." + s + ".cluster_size";
            boolean changed = !java.util.Arrays.equals(before.get(name), q.namedBuffers().get(name).toArray());
            assertEquals(s < 2, changed, name);
            assertEquals(s < 2, !java.util.Arrays.equals(before.get("stages." + s + ".codebook"), q.namedBuffers().get("stages." + s + ".codebook").toArray()));
        }
    }

    @Test
    void badStagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ResidualVectorQuantizer(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new ResidualVectorQuantizer(List.of(new KMeansStage(3, 4), new KMeansStage(4, 4)), 0));
        assertThrows(IllegalArgumentException.class, () -> rvq(2, 3, 4, 1.5));
    }
}
