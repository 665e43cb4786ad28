package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.optim.Sgd;
import org.latent4j.tensor.optim.SgdOptions;
import org.latent4j.tensor.random.Rng;

class KeyValueBottleneckTest {
    /** n points around each of 4 centres in 2 dimensions: (±5, ±5), standard deviation 0.3. */
    private static Tensor blobs(int n, long seed) {
        float[] noise = new Rng(seed).normal(0f, 0.3f, 4 * n, 2).toArray();
        float[] x = new float[4 * n * 2];
        for (int i = 0; i < 4 * n; i++) {
            int c = i % 4;
            x[2 * i] = (c % 2 == 0 ? -5 : 5) + noise[2 * i];
            x[2 * i + 1] = (c / 2 == 0 ? -5 : 5) + noise[2 * i + 1];
        }
        return Tensor.of(x, 4 * n, 2);
    }

    @Test
    void kMeansKeysFindTheClustersOfTheData() {
        KeyValueBottleneck kv = new KeyValueBottleneck(2, 1, 4, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        kv.initialise(blobs(50, 2), new Rng(3));
        float[] k = kv.keys().toArray();
        boolean[] found = new boolean[4];
        for (int j = 0; j < 4; j++) {
            int c = (k[2 * j] < 0 ? 0 : 1) + (k[2 * j + 1] < 0 ? 0 : 2);
            found[c] = true;
            assertEquals(5, Math.abs(k[2 * j]), 0.2, "key " + j);
            assertEquals(5, Math.abs(k[2 * j + 1]), 0.2, "key " + j);
        }
        for (boolean f : found) assertTrue(f, "one key per cluster");
        // each point's code is its cluster's key
        int[] codes = kv.assign(blobs(5, 4));
        for (int i = 0; i < codes.length; i++) assertEquals(codes[i % 4], codes[i]);
    }

    @Test
    void randomKeysAreDataRows() {
        Tensor x = blobs(10, 5);
        KeyValueBottleneck kv = new KeyValueBottleneck(2, 1, 6, 0, KeyValueBottleneck.KeyInit.RANDOM, new Rng(1));
        kv.initialise(x, new Rng(6));
        float[] k = kv.keys().toArray(), xs = x.toArray();
        java.util.Set<Integer> rows = new java.util.HashSet<>();
        for (int j = 0; j < 6; j++) {
            int row = -1;
            for (int i = 0; i < 40; i++) if (xs[2 * i] == k[2 * j] && xs[2 * i + 1] == k[2 * j + 1]) row = i;
            assertTrue(row >= 0, "key " + j + " is a data row");
            rows.add(row);
        }
        assertEquals(6, rows.size(), "distinct rows");
    }

    @Test
    void headsCutTheInputAndEachPicksItsNearestKey() {
        // 2 heads over 4 features: head 0 sees features 0-1, head 1 features 2-3
        KeyValueBottleneck kv = new KeyValueBottleneck(4, 2, 3, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        float[] keys = {0, 0, 10, 0, 0, 10, /* head 1 */ 0, 0, -10, 0, 0, -10};
        kv.keys().copyFrom(Tensor.of(keys, 2, 3, 2));
        int[] codes = kv.assign(Tensor.of(new float[] {9, 1, -1, -8, 0.5f, 0, 0, 0, 1, 9, -9, 1}, 3, 4));
        assertArrayEquals(new int[] {1, 2, 0, 0, 2, 1}, codes);
        assertArrayEquals(new int[] {3, 3}, kv.codebookSizes());
        Quantized q = kv.quantize(Tensor.of(new float[] {9, 1, -1, -8}, 1, 4), true);
        float[] v = kv.values().toArray();
        // head 0 code 1 -> values[0, 1, :], head 1 code 2 -> values[1, 2, :]
        assertArrayEquals(new float[] {v[2], v[3], v[3 * 2 + 4], v[3 * 2 + 5]}, q.output().toArray());
        assertArrayEquals(q.output().toArray(), kv.decode(q.indices(), 1).toArray());
        assertEquals(0f, q.loss().item());
    }

    @Test
    void randomProjectionsGiveEachHeadItsOwnView() {
        KeyValueBottleneck kv = new KeyValueBottleneck(6, 3, 5, 4, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        assertEquals(Set.of("projections", "keys"), kv.namedBuffers().keySet());
        assertArrayEquals(new int[] {3, 6, 4}, kv.namedBuffers().get("projections").shape());
        assertArrayEquals(new int[] {3, 5, 4}, kv.keys().shape());
        assertArrayEquals(new int[] {3, 5, 2}, kv.values().shape());
        kv.initialise(new Rng(2).normal(0f, 1f, 40, 6), new Rng(3));
        Tensor z = new Rng(4).normal(0f, 1f, 8, 6);
        int[] codes = kv.assign(z);
        // head h's code is the nearest of its keys to z P_h, computed here directly
        float[] p = kv.namedBuffers().get("projections").toArray(), k = kv.keys().toArray(), zs = z.toArray();
        for (int i = 0; i < 8; i++) {
            for (int h = 0; h < 3; h++) {
                double[] y = new double[4];
                for (int a = 0; a < 4; a++) for (int f = 0; f < 6; f++) y[a] += zs[i * 6 + f] * p[(h * 6 + f) * 4 + a];
                int best = -1;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < 5; j++) {
                    double dd = 0;
                    for (int a = 0; a < 4; a++) dd += Math.pow(y[a] - k[(h * 5 + j) * 4 + a], 2);
                    if (dd < bestD) {
                        bestD = dd;
                        best = j;
                    }
                }
                assertEquals(best, codes[i * 3 + h], "row " + i + " head " + h);
            }
        }
    }

    @Test
    void onlyTheSelectedValuesGetGradientsAndNothingFlowsBack() {
        KeyValueBottleneck kv = new KeyValueBottleneck(4, 2, 16, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        kv.initialise(new Rng(2).normal(0f, 1f, 200, 4), new Rng(3));
        Tensor z = new Rng(4).normal(0f, 1f, 5, 4).requiresGrad(true);
        Quantized q = kv.quantize(z, true);
        q.output().mul(new Rng(5).normal(0f, 1f, 5, 4)).sum().backward();
        boolean[][] selected = new boolean[2][16];
        int[] idx = q.indices();
        for (int i = 0; i < idx.length; i++) selected[i % 2][idx[i]] = true;
        float[] g = kv.values().grad().toArray();
        int withGradient = 0;
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 16; j++) {
                boolean nonzero = g[(h * 16 + j) * 2] != 0 || g[(h * 16 + j) * 2 + 1] != 0;
                assertEquals(selected[h][j], nonzero, "head " + h + " value " + j);
                if (nonzero) withGradient++;
            }
        }
        assertTrue(withGradient >= 2 && withGradient <= 10, "5 rows select at most 10 of 32 values: " + withGradient);
        assertNull(z.grad(), "the bottleneck passes no gradient to its input");
        assertEquals(List.of(kv.values()), kv.parameters(), "the values are the only parameters");
    }

    @Test
    void keysNeverChangeInTrainingAndSgdMovesOnlySelectedValues() {
        KeyValueBottleneck kv = new KeyValueBottleneck(4, 2, 32, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        kv.initialise(new Rng(2).normal(0f, 1f, 300, 4), new Rng(3));
        float[] keys = kv.keys().toArray();
        Tensor z = new Rng(4).normal(0f, 1f, 6, 4), target = new Rng(5).normal(0f, 1f, 6, 4);
        int[] codes = kv.assign(z);
        Sgd sgd = new Sgd(kv.parameters(), SgdOptions.of(0.1));
        float[] before = kv.values().toArray();
        for (int step = 0; step < 20; step++) {
            sgd.zeroGrad();
            kv.quantize(z, true).output().sub(target).square().sum().backward();
            sgd.step();
            kv.afterOptimizerStep(null, new Rng(step));
        }
        assertArrayEquals(keys, kv.keys().toArray(), "the keys are frozen");
        float[] after = kv.values().toArray();
        boolean[][] selected = new boolean[2][32];
        for (int i = 0; i < codes.length; i++) selected[i % 2][codes[i]] = true;
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 32; j++) {
                int at = (h * 32 + j) * 2;
                boolean moved = before[at] != after[at] || before[at + 1] != after[at + 1];
                assertEquals(selected[h][j], moved, "head " + h + " value " + j);
            }
        }
        // the selected values learned the targets (each was chosen by one row here, or their mean)
        Adam adam = new Adam(kv.parameters(), AdamOptions.DEFAULTS.withLearningRate(0.05));
        for (int step = 0; step < 300; step++) {
            adam.zeroGrad();
            kv.quantize(z, true).output().sub(target).square().sum().backward();
            adam.step();
        }
        assertArrayEquals(keys, kv.keys().toArray(), "still frozen under Adam");
        double loss;
        try (var noGrad = GradMode.disabled()) {
            loss = kv.quantize(z, false).output().sub(target).square().sum().item();
        }
        // the best a value per (head, code) can do is its rows' mean target
        float[] t = target.toArray();
        double best = 0;
        for (int h = 0; h < 2; h++) {
            for (int f = 0; f < 2; f++) {
                for (int i = 0; i < 6; i++) {
                    double mean = 0;
                    int count = 0;
                    for (int r = 0; r < 6; r++) if (codes[r * 2 + h] == codes[i * 2 + h]) {
                        mean += t[r * 4 + h * 2 + f];
                        count++;
                    }
                    best += Math.pow(t[i * 4 + h * 2 + f] - mean / count, 2);
                }
            }
        }
        assertEquals(best, loss, 0.01, "the selected values learned their rows' targets");
    }

    @Test
    void badShapesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new KeyValueBottleneck(5, 2, 4, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1)));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
        KeyValueBottleneck kv = new KeyValueBottleneck(4, 2, 4, 0, KeyValueBottleneck.KeyInit.KMEANS, new Rng(1));
        assertThrows(org.latent4j.tensor.ShapeException.class, () -> kv.quantize(Tensor.zeros(3, 5), true));
        assertThrows(IllegalArgumentException.class, () -> kv.decode(new int[] {0, 4}, 1));
    }
}
