package org.latent4j.tensor.random;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.random.StatChecks.*;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

class RngTest {
    private static final double EULER_GAMMA = 0.5772156649015329;
    private static final int N = 1 << 18;

    // ------------------------------------------------------------------ known answers and stream layout

    @Test
    void firstUniformsOfSeedZeroAreTheTopBitsOfTheZeroKnownAnswerBlock() {
        // Philox4x32-10 at counter 0, key 0 is 6627e8d5 e169c58d bc57ac4c 9b00dbd8 (Random123 kat_vectors).
        float[] expected = {0x6627e8 * 0x1p-24f, 0xe169c5 * 0x1p-24f, 0xbc57ac * 0x1p-24f, 0x9b00db * 0x1p-24f};
        assertArrayEquals(expected, new Rng(0).uniform(0f, 1f, 4).toArray());
    }

    @Test
    void restoredStateReadsTheBlockAtItsCounter() {
        // Counter 243f6a88 85a308d3 13198a2e 03707344, key a4093822 299f31d0 -> d16cfe09 94fdcceb 5001e420 24126ea1.
        Rng rng = Rng.restore(0x299f31d0a4093822L, 0x0370734413198a2eL, 0x85a308d3243f6a88L);
        float[] expected = {0xd16cfe * 0x1p-24f, 0x94fdcc * 0x1p-24f, 0x5001e4 * 0x1p-24f, 0x24126e * 0x1p-24f};
        assertArrayEquals(expected, rng.uniform(0f, 1f, 4).toArray());
        assertEquals(0x85a308d3243f6a88L + 1, rng.position());
    }

    @Test
    void elementIIsMadeFromWordIOfTheStreamWhateverTheThreadCount() {
        int n = 3 * Rng.GRAIN + 5;
        int[] words = new int[(n + 3) / 4 * 4];
        Philox4x32.blocks(42L, 0L, 0L, words.length / 4, words, 0);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = (words[i] >>> 8) * 0x1p-24f;
        for (int threads : new int[] {1, 2}) {
            float[] actual = withThreads(threads, () -> new Rng(42).uniform(0f, 1f, n).toArray());
            assertArrayEquals(expected, actual, "threads=" + threads);
        }
    }

    @Test
    void eachCallTakesWholeBlocksSoTheStreamIsTheSameHoweverItIsCut() {
        Rng a = new Rng(7);
        float[] first = a.uniform(0f, 1f, 8).toArray();
        float[] second = a.uniform(0f, 1f, 2, 4).toArray();
        float[] whole = new Rng(7).uniform(0f, 1f, 16).toArray();
        assertArrayEquals(Arrays.copyOfRange(whole, 0, 8), first);
        assertArrayEquals(Arrays.copyOfRange(whole, 8, 16), second);
        assertEquals(4, a.position());

        Rng b = new Rng(7);
        b.uniform(0f, 1f, 5); // 5 elements need 2 blocks; the rest of the second block is not reused
        assertEquals(2, b.position());
        assertArrayEquals(Arrays.copyOfRange(whole, 8, 12), b.uniform(0f, 1f, 4).toArray());
    }

    @Test
    void normalOfOddLengthIsThePrefixOfTheEvenOne() {
        float[] odd = new Rng(3).normal(0f, 1f, 5).toArray();
        float[] even = new Rng(3).normal(0f, 1f, 8).toArray();
        assertArrayEquals(Arrays.copyOf(even, 5), odd);
    }

    @Test
    void sameSeedSameTensorsWithOneAndTwoThreadsOnLargeTensors() {
        int n = 5 * Rng.GRAIN + 3; // six parallel tasks, the last one ragged
        Function<Rng, float[][]> draws = rng -> {
            Tensor p = rng.uniform(0f, 1f, n);
            return new float[][] {
                rng.uniform(-2f, 3f, n).toArray(),
                rng.normal(1f, 2f, n).toArray(),
                rng.gumbel(n).toArray(),
                rng.bernoulli(p).toArray(),
                toFloats(rng.permutation(1000)),
                rng.split().normal(0f, 1f, 7).toArray(),
                rng.fork(5).uniform(0f, 1f, n).toArray(),
            };
        };
        float[][] one = withThreads(1, () -> draws.apply(new Rng(2024)));
        float[][] two = withThreads(2, () -> draws.apply(new Rng(2024)));
        for (int i = 0; i < one.length; i++) assertArrayEquals(one[i], two[i], "draw " + i);
        float[][] other = withThreads(2, () -> draws.apply(new Rng(2025)));
        assertFalse(Arrays.equals(one[1], other[1]), "a different seed must give different numbers");
    }

    // ------------------------------------------------------------------ distributions

    @Test
    void uniformMomentsHistogramAndKolmogorovSmirnov() {
        float lo = -1f, hi = 3f;
        float[] x = new Rng(11).uniform(lo, hi, N).toArray();
        for (float v : x) assertTrue(v >= lo && v < hi, "out of [lo, hi): " + v);
        double w = hi - lo;
        assertMean("uniform", x, (lo + hi) / 2.0, w / Math.sqrt(12));
        assertVariance("uniform", x, w * w / 12, Math.pow(w, 4) / 80);
        assertKolmogorovSmirnov("uniform", x, v -> Math.min(1, Math.max(0, (v - lo) / w)));
        long[] bins = new long[64];
        for (float v : x) bins[(int) ((v - lo) / w * 64)]++;
        assertChiSquareUniform("uniform histogram", bins);
    }

    @Test
    void uniformNeverReachesHiEvenWhereFloatRoundingWould() {
        // In [1, 2) the ulp is 2^-23, so 1 + (1 - 2^-24) rounds up to 2 without the guard.
        assertEquals(Math.nextDown(2f), Rng.uniformOf(-1, 1f, 2f));
        assertEquals(1f, Rng.uniformOf(0, 1f, 2f));
        assertEquals(1f - 0x1p-24f, Rng.uniformOf(-1, 0f, 1f));
        assertEquals(0f, Rng.uniformOf(0, 0f, 1f));
        float lo = 1f, hi = Math.nextUp(1f);
        for (float v : new Rng(1).uniform(lo, hi, 1000).toArray()) assertEquals(lo, v);
    }

    @Test
    void normalMomentsAndKolmogorovSmirnov() {
        float mean = 0.5f, std = 2f;
        float[] x = new Rng(12).normal(mean, std, N).toArray();
        for (float v : x) assertTrue(Float.isFinite(v));
        assertMean("normal", x, mean, std);
        assertVariance("normal", x, std * std, 3 * Math.pow(std, 4));
        assertKolmogorovSmirnov("normal", x, v -> normalCdf((v - mean) / std));
        float[] standard = new Rng(13).normal(0f, 1f, N).toArray();
        long beyond3 = 0;
        for (float v : standard) if (Math.abs(v) > 3) beyond3++;
        double p3 = 2 * normalCdf(-3); // 0.0026998
        assertTrue(Math.abs(beyond3 - N * p3) <= K * Math.sqrt(N * p3 * (1 - p3)), "tail count " + beyond3);
    }

    @Test
    void kolmogorovSmirnovStatisticsOverManySeedsFollowTheKolmogorovDistribution() {
        // A second-level test: single fixed-seed KS checks each have a small false-alarm rate (key 5 is
        // such a case, at sqrt(n) D = 2.26 for 2e5 normals, reproduced by an independent Python Philox);
        // over many seeds the statistics themselves must follow Kolmogorov's law.
        int seeds = 200, n = 5000;
        float[] normalP = new float[seeds], uniformP = new float[seeds];
        for (int s = 0; s < seeds; s++) {
            Rng rng = new Rng(1000 + s);
            normalP[s] = (float) kolmogorovCdf(Math.sqrt(n) * ksStatistic(rng.normal(0f, 1f, n).toArray(), StatChecks::normalCdf));
            uniformP[s] = (float) kolmogorovCdf(Math.sqrt(n) * ksStatistic(rng.uniform(0f, 1f, n).toArray(), v -> v));
        }
        assertKolmogorovSmirnov("KS statistics of normals", normalP, v -> v);
        assertKolmogorovSmirnov("KS statistics of uniforms", uniformP, v -> v);
    }

    @Test
    void kolmogorovCdfHelperMatchesKnownQuantiles() {
        assertEquals(0.95, kolmogorovCdf(1.3581), 1e-4);
        assertEquals(0.999, kolmogorovCdf(1.9495), 1e-4);
    }

    @Test
    void normalCdfHelperMatchesKnownValues() {
        assertEquals(0.8413447460685429, normalCdf(1), 2e-7);
        assertEquals(0.022750131948179195, normalCdf(-2), 2e-7);
        assertEquals(0.5, normalCdf(0), 1e-9);
    }

    @Test
    void normalWithZeroStdIsTheMean() {
        for (float v : new Rng(1).normal(3f, 0f, 9).toArray()) assertEquals(3f, v);
    }

    @Test
    void gumbelMomentsKolmogorovSmirnovAndFiniteExtremes() {
        float[] x = new Rng(14).gumbel(N).toArray();
        for (float v : x) assertTrue(Float.isFinite(v));
        double sd = Math.PI / Math.sqrt(6);
        assertMean("gumbel", x, EULER_GAMMA, sd);
        assertVariance("gumbel", x, sd * sd, 5.4 * Math.pow(sd, 4)); // excess kurtosis 12/5
        assertKolmogorovSmirnov("gumbel", x, StatChecks::gumbelCdf);
        // The extreme words give the extreme values, which stay finite.
        float top = Rng.gumbelOf(-1), bottom = Rng.gumbelOf(0);
        assertTrue(Float.isFinite(top) && top > 22 && top < 23, "top " + top);
        assertTrue(Float.isFinite(bottom) && bottom < -3 && bottom > -3.2, "bottom " + bottom);
        assertTrue(Rng.unit32Open(0) > 0 && Rng.unit32Open(-1) < 1);
    }

    @Test
    void gumbelArgmaxIsTheArgmaxOfTheGumbelTensorBitForBit() {
        // awkward shapes: one category, rows of 10 (the categorical VAE's), a row longer than a batch of words, chunks
        // that start mid-block, an offset into the array; on one thread and on several
        int[][] shapes = {{37, 1, 3}, {500, 10, 5}, {3, 300, 4}, {2001, 3, 2}, {700, 7, 9}, {9, 2, 1}};
        Rng logitsRng = new Rng(40);
        for (int[] sh : shapes) {
            int rows = sh[0], k = sh[1], samples = sh[2], offset = 5;
            float[] logits = new float[offset + rows * k];
            float[] normal = logitsRng.normal(0f, 3f, rows * k).toArray();
            System.arraycopy(normal, 0, logits, offset, rows * k);
            for (int threads : new int[] {1, 3}) {
                Rng a = Rng.restore(7, 3, 11), b = Rng.restore(7, 3, 11);
                int[] got = withThreads(threads, () -> a.gumbelArgmax(logits, offset, rows, k, samples));
                assertArrayEquals(gumbelArgmaxReference(logits, offset, rows, k, samples, b), got, Arrays.toString(sh) + " on " + threads);
                assertEquals(b.position(), a.position(), "the stream moves as gumbel(...) moves it");
            }
        }
    }

    @Test
    void gumbelArgmaxTakesTheExactPathOnTiesNearTiesAndOddLogits() {
        int rows = 600, k = 10, samples = 3;
        // the noise sample 0 will see, read in advance from the same state
        float[] g = Rng.restore(8, 0, 0).gumbel(rows, k).toArray();
        float[] logits = new Rng(41).normal(0f, 2f, rows * k).toArray();
        for (int r = 0; r < 200; r++) {
            // rows 0-99: every sum exactly 0 in sample 0 (the first index must win, which no bound can tell);
            // rows 100-149: sums a float ulp or two apart, ordered by the float rounding alone; rows 150-199: sums 3e-4
            // apart, closer than the buckets' bounds can separate, so several candidates go to the exact values
            for (int c = 0; c < k; c++) {
                float t = -g[r * k + c];
                logits[r * k + c] = r < 100 ? t : r < 150 ? t + c % 3 * Math.ulp(g[r * k + c]) : t + (c * 7 % k) * 3e-4f;
            }
        }
        float[][] odd = {{Float.NaN, 0, 1}, {Float.POSITIVE_INFINITY, 0, 1}, {Float.NEGATIVE_INFINITY, -1, 1}, {1e30f, -1e30f, 0},
                {-1e4f, -1e4f + 0.5f, -2e4f}, {800f, 799f, 0}, {-800f, -801f, -799f}};
        for (int i = 0; i < odd.length; i++) {
            Arrays.fill(logits, (200 + i) * k, (201 + i) * k, Float.NEGATIVE_INFINITY);
            System.arraycopy(odd[i], 0, logits, (200 + i) * k, odd[i].length);
        }
        int[] got = Rng.restore(8, 0, 0).gumbelArgmax(logits, 0, rows, k, samples);
        int[] expected = gumbelArgmaxReference(logits, 0, rows, k, samples, Rng.restore(8, 0, 0));
        assertArrayEquals(expected, got);
        for (int r = 0; r < 100; r++) assertEquals(0, got[r], "an exact tie goes to the first index, row " + r);
    }

    @Test
    void theBucketsBoundEveryGumbelValueOfTheirWords() {
        // gumbelArgmax decides by these bounds alone for most variables: every word's value must lie inside its
        // bucket's, at the buckets' edges (where the bounds are taken) and anywhere between
        int shift = 32 - Rng.BUCKET_BITS;
        java.util.Random random = new java.util.Random(6);
        for (int i = 0; i < 1 << Rng.BUCKET_BITS; i++) {
            int start = i << shift;
            int[] words = {start, start + 1, start + (1 << shift) - 1, start + (1 << shift) - 2, start + random.nextInt(1 << shift)};
            for (int w : words) {
                float g = Rng.gumbelOf(w);
                assertEquals(i, w >>> shift);
                assertTrue(Rng.GUMBEL_LOW[i] <= g && g <= Rng.GUMBEL_HIGH[i], "word " + Integer.toUnsignedString(w) + ": " + g);
            }
        }
        for (int j = 0; j < 1_000_000; j++) {
            int w = random.nextInt();
            float g = Rng.gumbelOf(w);
            assertTrue(Rng.GUMBEL_LOW[w >>> shift] <= g && g <= Rng.GUMBEL_HIGH[w >>> shift], "word " + Integer.toUnsignedString(w) + ": " + g);
        }
        // and the bounds are tight enough to decide: about 3e-3 wide in the bulk
        int middle = 1 << (Rng.BUCKET_BITS - 1);
        assertTrue(Rng.GUMBEL_HIGH[middle] - Rng.GUMBEL_LOW[middle] < 5e-3, "width " + (Rng.GUMBEL_HIGH[middle] - Rng.GUMBEL_LOW[middle]));
    }

    /** argmax(logits + gumbel(samples, rows, k)) in float, the first index winning ties: what the Gumbel-max sampler did before. */
    private static int[] gumbelArgmaxReference(float[] logits, int offset, int rows, int k, int samples, Rng rng) {
        float[] g = rng.gumbel(samples, rows, k).toArray();
        int[] out = new int[samples * rows];
        for (int u = 0; u < samples * rows; u++) {
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float v = logits[offset + u % rows * k + c] + g[u * k + c];
                if (v > bestValue) {
                    bestValue = v;
                    out[u] = c;
                }
            }
        }
        return out;
    }

    @Test
    void bernoulliFrequenciesFollowTheProbabilities() {
        float[] ps = {0f, 0.3f, 0.75f, 1f};
        int per = 50_000;
        float[] pv = new float[ps.length * per];
        for (int r = 0; r < ps.length; r++) Arrays.fill(pv, r * per, (r + 1) * per, ps[r]);
        float[] x = new Rng(15).bernoulli(Tensor.of(pv, ps.length, per)).toArray();
        for (int r = 0; r < ps.length; r++) {
            long ones = 0;
            for (int i = r * per; i < (r + 1) * per; i++) {
                assertTrue(x[i] == 0f || x[i] == 1f);
                if (x[i] == 1f) ones++;
            }
            double p = ps[r];
            double sd = Math.sqrt(per * p * (1 - p));
            assertTrue(Math.abs(ones - per * p) <= K * sd, "p=" + p + ": " + ones + " ones of " + per);
        }
    }

    @Test
    void bernoulliReadsNonContiguousProbabilitiesInLogicalOrder() {
        Tensor p = Tensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3).t(); // [[1,1],[0,1],[0,0]] as a view
        assertArrayEquals(new float[] {1, 1, 0, 1, 0, 0}, new Rng(1).bernoulli(p).toArray());
    }

    @Test
    void badArgumentsAreRejectedWithTheOpNamed() {
        Rng rng = new Rng(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rng.uniform(1f, 1f, 3)).getMessage().contains("uniform"));
        assertThrows(IllegalArgumentException.class, () -> rng.uniform(0f, Float.POSITIVE_INFINITY, 3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rng.normal(0f, -1f, 3)).getMessage().contains("normal"));
        assertThrows(IllegalArgumentException.class, () -> rng.normal(Float.NaN, 1f, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> rng.bernoulli(Tensor.vector(0.5f, 1.5f)));
        assertTrue(e.getMessage().contains("bernoulli") && e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rng.bernoulli(Tensor.vector(Float.NaN)));
        assertThrows(ShapeException.class, () -> rng.fillBernoulli(Tensor.zeros(3), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> rng.permutation(-1));
        Tensor view = Tensor.zeros(3, 4).t();
        assertTrue(assertThrows(IllegalStateException.class, () -> rng.fillNormal(view, 0f, 1f)).getMessage().contains("contiguous"));
    }

    @Test
    void fillsWriteIntoTheGivenTensorInPlace() {
        Tensor t = Tensor.zeros(4, 6);
        Tensor same = new Rng(9).fillNormal(t, 0f, 1f);
        assertSame(t, same);
        assertArrayEquals(new Rng(9).normal(0f, 1f, 4, 6).toArray(), t.toArray());
    }

    // ------------------------------------------------------------------ permutations

    @Test
    void permutationIsAPermutation() {
        Rng rng = new Rng(16);
        for (int n : new int[] {0, 1, 2, 3, 1000, 4097}) {
            int[] p = rng.permutation(n);
            int[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "n=" + n);
        }
        assertFalse(Arrays.equals(new Rng(1).permutation(50), new Rng(2).permutation(50)));
    }

    @Test
    void allPermutationsOfFourAreEquallyLikely() {
        Rng rng = new Rng(17);
        HashMap<String, Integer> index = new HashMap<>();
        long[] counts = new long[24];
        for (int t = 0; t < 48_000; t++) {
            String key = Arrays.toString(rng.permutation(4));
            int k = index.computeIfAbsent(key, s -> index.size());
            counts[k]++;
        }
        assertEquals(24, index.size());
        assertChiSquareUniform("permutations of 4", counts);
    }

    @Test
    void everyElementIsEquallyLikelyAtEveryPosition() {
        int n = 10, trials = 20_000;
        long[][] at = new long[n][n];
        Rng rng = new Rng(18);
        for (int t = 0; t < trials; t++) {
            int[] p = rng.permutation(n);
            for (int pos = 0; pos < n; pos++) at[p[pos]][pos]++;
        }
        for (int e = 0; e < n; e++) assertChiSquareUniform("positions of element " + e, at[e]);
    }

    // ------------------------------------------------------------------ streams

    @Test
    void forkDependsOnTheIdNotOnThePosition() {
        Rng rng = new Rng(19);
        float[] before = rng.fork(3).uniform(0f, 1f, 8).toArray();
        rng.normal(0f, 1f, 100);
        float[] after = rng.fork(3).uniform(0f, 1f, 8).toArray();
        assertArrayEquals(before, after);
        assertFalse(Arrays.equals(before, rng.fork(4).uniform(0f, 1f, 8).toArray()));
        assertFalse(Arrays.equals(new Rng(19).uniform(0f, 1f, 8).toArray(), new Rng(19).fork(0).uniform(0f, 1f, 8).toArray()));
        assertFalse(Arrays.equals(before, new Rng(20).fork(3).uniform(0f, 1f, 8).toArray()), "forks of different seeds");
    }

    @Test
    void splitAdvancesTheParentAndGivesDistinctChildren() {
        Rng rng = new Rng(21);
        Rng a = rng.split();
        Rng b = rng.split();
        assertEquals(2, rng.position());
        assertFalse(Arrays.equals(a.uniform(0f, 1f, 8).toArray(), b.uniform(0f, 1f, 8).toArray()));
        Rng again = new Rng(21);
        assertArrayEquals(again.split().uniform(0f, 1f, 8).toArray(), new Rng(21).split().uniform(0f, 1f, 8).toArray());
    }

    @Test
    void forkedStreamsAreUncorrelated() {
        Rng rng = new Rng(22);
        float[] x = rng.fork(1).normal(0f, 1f, N).toArray();
        float[] y = rng.fork(2).normal(0f, 1f, N).toArray();
        float[] z = rng.split().normal(0f, 1f, N).toArray();
        for (float[][] pair : new float[][][] {{x, y}, {x, z}}) {
            double c = 0;
            for (int i = 0; i < N; i++) c += (double) pair[0][i] * pair[1][i];
            assertTrue(Math.abs(c / N) <= K / Math.sqrt(N), "correlation " + c / N);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static float[] toFloats(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = a[i];
        return f;
    }

    static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return body.get();
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
