package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.IndexOps;

class IndexOpsTest {

    private static Tensor iota(int... shape) {
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    /** Distinct values at least 0.1 apart in random order: finite differences never reorder them. */
    private static Tensor separated(long seed, int... shape) {
        int n = Shape.size(shape);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (perm[i] - n / 2f) * 0.1f + 0.0123f;
        return Tensor.of(v, shape).requiresGrad(true);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void indexSelectPicksSlicesInIndexOrder() {
        Tensor a = iota(3, 4);
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, IndexOps.indexSelect(a, 0, new int[] {2, 0, 2}).toArray());
        assertArrayEquals(new float[] {3, 1, 7, 5, 11, 9}, a.indexSelect(-1, new int[] {3, 1}).toArray());
        Tensor b = iota(2, 3, 2);
        Tensor s = b.indexSelect(1, new int[] {1, 1, 0, 2});
        assertArrayEquals(new int[] {2, 4, 2}, s.shape());
        for (int i = 0; i < 2; i++) {
            int[] idx = {1, 1, 0, 2};
            for (int j = 0; j < 4; j++) for (int k = 0; k < 2; k++) assertEquals(b.get(i, idx[j], k), s.get(i, j, k));
        }
        assertArrayEquals(new int[] {3, 0}, a.indexSelect(1, new int[0]).shape());
        // a transposed view
        assertArrayEquals(new float[] {1, 5, 9}, a.t().indexSelect(0, new int[] {1}).toArray());
    }

    @Test
    void indexSelectGradientsAccumulateOverRepeats() {
        Tensor a = iota(3, 2).requiresGrad(true);
        a.indexSelect(0, new int[] {2, 0, 2, 2}).sum().backward();
        assertArrayEquals(new float[] {1, 1, 0, 0, 3, 3}, a.grad().toArray());
        assertGradients(x -> x[0].indexSelect(0, new int[] {1, 1, 3, 0}), randn(1, 4, 3));
        assertGradients(x -> x[0].indexSelect(1, new int[] {2, 0, 2}), randn(2, 2, 3, 4));
        assertGradients(x -> x[0].indexSelect(-1, new int[] {0, 0, 0}).mul(x[1]), randn(3, 2, 2), randn(4, 2, 3));
        assertGradients(x -> x[0].t().indexSelect(0, new int[] {2, 1, 2}), randn(5, 2, 3));
    }

    /** PyTorch's definition, written out for rank 3. */
    private static float[] gatherReference(Tensor a, int axis, int[] index, int[] is) {
        float[] out = new float[index.length];
        int f = 0;
        for (int i = 0; i < is[0]; i++) {
            for (int j = 0; j < is[1]; j++) {
                for (int k = 0; k < is[2]; k++, f++) {
                    int[] p = {i, j, k};
                    p[axis] = index[f];
                    out[f] = a.get(p);
                }
            }
        }
        return out;
    }

    @Test
    void gatherFollowsPyTorchSemantics() {
        Tensor a = randn(1, 4, 3, 5);
        SplittableRandom r = new SplittableRandom(3);
        for (int axis = 0; axis < 3; axis++) {
            int[] is = {3, 2, 4};
            is[axis] = 6; // longer than the input along the gathered axis: allowed, indices repeat
            int[] index = new int[Shape.size(is)];
            for (int i = 0; i < index.length; i++) index[i] = r.nextInt(a.dim(axis));
            Tensor g = IndexOps.gather(a, axis, index, is);
            assertArrayEquals(is, g.shape());
            assertArrayEquals(gatherReference(a, axis, index, is), g.toArray());
            int ax = axis;
            assertGradients(x -> IndexOps.gather(x[0], ax, index, is), randn(10 + axis, 4, 3, 5));
        }
        // the common case: one entry per row, e.g. the log-probability of each row's label
        Tensor logp = Tensor.of(new float[] {0.1f, 0.2f, 0.7f, 0.5f, 0.4f, 0.1f}, 2, 3);
        assertArrayEquals(new float[] {0.7f, 0.5f}, IndexOps.gather(logp, 1, new int[] {2, 0}, new int[] {2, 1}).toArray());
        Tensor p = iota(2, 3).requiresGrad(true);
        IndexOps.gather(p, 1, new int[] {1, 1, 0, 2}, new int[] {2, 2}).sum().backward();
        assertArrayEquals(new float[] {0, 2, 0, 1, 0, 1}, p.grad().toArray());
    }

    @Test
    void oneHotRowsHaveASingleOne() {
        Tensor h = IndexOps.oneHot(new int[] {2, 0, 1, 2}, 3);
        assertArrayEquals(new int[] {4, 3}, h.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, h.toArray());
        assertFalse(h.requiresGrad());
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.oneHot(new int[] {0, 3}, 3)), "oneHot", "label 3", "position 1", "3 classes");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.oneHot(new int[] {-1}, 3)), "oneHot", "label -1");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.oneHot(new int[] {0}, 0)), "oneHot", "0");
    }

    @Test
    void topKOrdersDescendingAndBreaksTiesByLowerIndex() {
        Tensor a = Tensor.of(new float[] {1, 5, 5, 2, -3, 0, 0, -0f}, 2, 4);
        IndexOps.TopK t = IndexOps.topK(a, 3, 1);
        assertArrayEquals(new int[] {2, 3}, t.values().shape());
        assertArrayEquals(new float[] {5, 5, 2, 0, 0, -0f}, t.values().toArray());
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3}, t.indices());
        // -0 and +0 tie, so the lower index wins
        assertArrayEquals(new int[] {0}, IndexOps.topK(Tensor.vector(-0f, 0f), 1, 0).indices());
        // NaN ranks above every number
        IndexOps.TopK n = IndexOps.topK(Tensor.vector(1f, Float.NaN, Float.POSITIVE_INFINITY, 3f), 3, 0);
        assertArrayEquals(new int[] {1, 2, 3}, n.indices());
        assertTrue(Float.isNaN(n.values().toArray()[0]));
        // along axis 0 of a matrix: per column
        IndexOps.TopK c = IndexOps.topK(Tensor.of(new float[] {1, 9, 4, 2, 7, 3}, 3, 2), 2, 0);
        assertArrayEquals(new float[] {7, 9, 4, 3}, c.values().toArray());
        assertArrayEquals(new int[] {2, 0, 1, 2}, c.indices());
    }

    @Test
    void topKMatchesASortedReferenceOnBothSelectionPaths() {
        SplittableRandom r = new SplittableRandom(5);
        int[] shape = {3, 40, 2};
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(12) - 6; // many ties
        Tensor a = Tensor.of(v, shape);
        for (int k : new int[] {1, 5, 16, 17, 40}) {
            IndexOps.TopK t = IndexOps.topK(a, k, 1);
            float[] tv = t.values().toArray();
            for (int o = 0; o < 3; o++) {
                for (int in = 0; in < 2; in++) {
                    int oo = o, ii = in;
                    Integer[] order = new Integer[40];
                    for (int j = 0; j < 40; j++) order[j] = j;
                    Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -a.get(oo, j, ii)).thenComparingInt(j -> j));
                    for (int j = 0; j < k; j++) {
                        int at = (o * k + j) * 2 + in;
                        assertEquals(order[j], t.indices()[at], "k=" + k + " row " + o + "," + in + " rank " + j);
                        assertEquals(a.get(o, order[j], in), tv[at]);
                    }
                }
            }
        }
    }

    /** The sorted reference: larger value first (NaN above every number, -0 equal to +0), then lower index. */
    private static int[] referenceOrder(float[] line) {
        Integer[] order = new Integer[line.length];
        for (int j = 0; j < line.length; j++) order[j] = j;
        Comparator<Integer> byValue = (p, q) -> {
            float a = line[p], b = line[q];
            boolean an = Float.isNaN(a), bn = Float.isNaN(b);
            if (an || bn) return an == bn ? 0 : an ? -1 : 1;
            return Float.compare(b == 0f ? 0f : b, a == 0f ? 0f : a);
        };
        Arrays.sort(order, byValue.thenComparingInt(j -> j));
        int[] out = new int[order.length];
        for (int j = 0; j < out.length; j++) out[j] = order[j];
        return out;
    }

    /**
     * Long lines go through the sampled threshold, its retry and the heap fallback: Gaussian values, few
     * distinct values (many ties at the threshold), constant lines, ascending and descending lines, lines
     * with a few NaNs and with many, along the last axis (vectorised filter) and along axis 0 (strided).
     */
    @Test
    void topKOnLongLinesMatchesTheSortedReferenceOnEveryPath() {
        for (int len : new int[] {1500, 4096}) topKOnLongLines(len);
        // only the sampled positions (multiples of 16) large: the sample's threshold and its retry both leave
        // fewer than k values, and the heap over the whole line gives the result
        float[] spiky = new float[4096];
        for (int j = 0; j < spiky.length; j++) spiky[j] = j % 16 == 0 ? 1e6f + j : -j;
        int[] ref = referenceOrder(spiky);
        assertArrayEquals(Arrays.copyOf(ref, 32), IndexOps.topK(Tensor.of(spiky, 1, 4096), 32, 1).indices());
        // values 0.1 apart up to |70|: a step of |x| / 4096 (at most 0.017) keeps x +- 2h in order
        assertGradients(GradCheck.Settings.DEFAULT.withStep(1.0 / 4096), x -> IndexOps.topK(x[0], 40, 1).values(), separated(4, 2, 700));
    }

    private void topKOnLongLines(int len) {
        SplittableRandom r = new SplittableRandom(17);
        String[] kinds = {"gaussian", "ties", "constant", "ascending", "descending", "fewNaN", "manyNaN", "zeros", "spikes"};
        float[] v = new float[kinds.length * len];
        for (int row = 0; row < kinds.length; row++) {
            for (int j = 0; j < len; j++) {
                v[row * len + j] = switch (kinds[row]) {
                    case "gaussian" -> (float) r.nextGaussian();
                    case "ties" -> r.nextInt(6);
                    case "constant" -> 2.5f;
                    case "ascending" -> j;
                    case "descending" -> -j;
                    case "fewNaN" -> j % 300 == 7 ? Float.NaN : (float) r.nextGaussian();
                    case "manyNaN" -> j % 5 == 0 ? Float.NaN : (float) r.nextGaussian();
                    case "zeros" -> r.nextBoolean() ? 0f : -0f;
                    // sampled positions (multiples of len / 256) small, the rest large: every value passes the threshold
                    default -> j % (len / 256) == 0 ? -1f : 1f + j;
                };
            }
        }
        Tensor rows = Tensor.of(v, kinds.length, len), cols = Tensor.of(rows.t().toArray(), len, kinds.length);
        for (int k : new int[] {1, 32, 100, 375}) {
            IndexOps.TopK a = IndexOps.topK(rows, k, 1), b = IndexOps.topK(cols, k, 0);
            float[] av = a.values().toArray(), bv = b.values().toArray();
            for (int row = 0; row < kinds.length; row++) {
                float[] line = Arrays.copyOfRange(v, row * len, (row + 1) * len);
                int[] ref = referenceOrder(line);
                for (int j = 0; j < k; j++) {
                    String at = kinds[row] + " k=" + k + " rank " + j;
                    assertEquals(ref[j], a.indices()[row * k + j], at);
                    assertEquals(ref[j], b.indices()[j * kinds.length + row], at + " (axis 0)");
                    assertEquals(Float.floatToIntBits(line[ref[j]]), Float.floatToIntBits(av[row * k + j]), at);
                    assertEquals(Float.floatToIntBits(line[ref[j]]), Float.floatToIntBits(bv[j * kinds.length + row]), at + " (axis 0)");
                }
            }
        }
        // the same indices from both kernels' filters and for one and two threads
        int[] simd = IndexOps.topK(rows, 32, 1).indices();
        int saved = org.latent4j.tensor.parallel.Parallel.threads();
        try (var s = org.latent4j.tensor.kernel.Kernels.useScalar()) {
            assertArrayEquals(simd, IndexOps.topK(rows, 32, 1).indices(), "scalar filter");
            org.latent4j.tensor.parallel.Parallel.setThreads(saved == 1 ? 2 : 1);
            assertArrayEquals(simd, IndexOps.topK(rows, 32, 1).indices(), "other thread count");
        } finally {
            org.latent4j.tensor.parallel.Parallel.setThreads(saved);
        }
    }

    @Test
    void topKGradientGoesToTheSelectedPositions() {
        Tensor a = Tensor.of(new float[] {1, 4, 2, 3}, 1, 4).requiresGrad(true);
        IndexOps.TopK t = IndexOps.topK(a, 2, -1);
        t.values().mul(Tensor.of(new float[] {10, 20}, 1, 2)).sum().backward();
        assertArrayEquals(new float[] {0, 10, 0, 20}, a.grad().toArray());
        assertGradients(x -> IndexOps.topK(x[0], 3, 1).values(), separated(1, 2, 6, 3));
        assertGradients(x -> IndexOps.topK(x[0], 20, 0).values(), separated(2, 24, 2));
        assertGradients(x -> IndexOps.topK(x[0].t(), 2, -1).values(), separated(3, 5, 4));
    }

    @Test
    void argminAndArgmaxRows() {
        Tensor a = Tensor.of(new float[] {3, 1, 1, 2, 0, 5, 5, -1, 7, 7, 7, 7}, 3, 4);
        assertArrayEquals(new int[] {1, 3, 0}, IndexOps.argminRows(a));
        assertArrayEquals(new int[] {0, 1, 0}, IndexOps.argmaxRows(a));
        assertArrayEquals(new int[] {1, 0, 0, 1}, IndexOps.argminRows(a.t()));
        Tensor nan = Tensor.of(new float[] {1, Float.NaN, 0, Float.NaN, 2, 2, Float.NaN, 5, 0}, 3, 3);
        assertArrayEquals(new int[] {1, 0, 0}, IndexOps.argminRows(nan));
        assertArrayEquals(new int[] {1, 0, 0}, IndexOps.argmaxRows(nan));

        SplittableRandom r = new SplittableRandom(9);
        int n = 300, d = 37;
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(50);
        int[] lo = IndexOps.argminRows(Tensor.of(v, n, d)), hi = IndexOps.argmaxRows(Tensor.of(v, n, d));
        for (int i = 0; i < n; i++) {
            int bestLo = 0, bestHi = 0;
            for (int j = 1; j < d; j++) {
                if (v[i * d + j] < v[i * d + bestLo]) bestLo = j;
                if (v[i * d + j] > v[i * d + bestHi]) bestHi = j;
            }
            assertEquals(bestLo, lo[i]);
            assertEquals(bestHi, hi[i]);
        }
    }

    @Test
    void badArgumentsNameTheOp() {
        Tensor a = Tensor.zeros(2, 3);
        assertMessage(assertThrows(ShapeException.class, () -> a.indexSelect(1, new int[] {0, 3})), "indexSelect", "index 3", "position 1", "[2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> a.indexSelect(1, new int[] {-1})), "indexSelect", "index -1");
        assertMessage(assertThrows(ShapeException.class, () -> a.indexSelect(2, new int[] {0})), "indexSelect", "axis 2");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.gather(a, 1, new int[] {0, 5}, new int[] {2, 1})), "gather", "index 5");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.gather(a, 1, new int[] {0, 1}, new int[] {2})), "gather", "rank");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.gather(a, 1, new int[] {0, 1, 0}, new int[] {3, 1})), "gather", "[3, 1]", "[2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.gather(a, 1, new int[] {0}, new int[] {2, 1})), "gather", "1 indices");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.topK(a, 4, 1)), "topK", "k = 4", "[2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.topK(a, 0, 1)), "topK", "k = 0");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.topK(a, 1, -3)), "topK", "axis -3");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.argminRows(Tensor.zeros(2, 2, 2))), "argminRows", "[2, 2, 2]");
        assertMessage(assertThrows(ShapeException.class, () -> IndexOps.argmaxRows(Tensor.zeros(2, 0))), "argmaxRows", "[2, 0]");
    }
}
