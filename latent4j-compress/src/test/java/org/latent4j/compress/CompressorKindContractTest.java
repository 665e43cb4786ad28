package org.latent4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * What every registered {@link CompressorKind} must do, whoever wrote it: fit its example token on small data,
 * give codes of its code size, decode them to something much nearer than the data's spread, survive state/load
 * bit for bit, score codes asymmetrically as the distance to the decoded vector, and refuse nonsense tokens with
 * one line. A transform's example is followed by SQ8 to make a spec.
 */
class CompressorKindContractTest {
    static final int ROWS = 600;

    static Stream<CompressorKind> kinds() {
        return CompressorKinds.all().stream();
    }

    static String spec(CompressorKind kind) {
        return kind.isTransform() ? kind.example() + ",SQ8" : kind.example();
    }

    /** The first of a few small widths the spec accepts (PCA64 needs at least 64, PQ16 a multiple of 16). */
    static int dimension(String spec) {
        for (int d : new int[] {32, 64, 128, 16, 8, 256}) {
            try {
                Compressors.validate(spec, d);
                return d;
            } catch (IllegalArgumentException e) {
                // try the next width
            }
        }
        throw new AssertionError(spec + " accepts none of the test widths");
    }

    /**
     * Rows that have structure to find, as real embeddings do: 6 latent factors mixed into d values (the same mixing
     * for every seed), plus a little noise, a mean away from 0 and unequal spreads, so that centring and
     * per-dimension ranges matter.
     */
    static Tensor data(int n, int d, long seed) {
        int f = 6;
        float[] mix = new Rng(77).normal(0f, 1f, f, d).toArray();
        float[] z = new Rng(seed).normal(0f, 1f, n, f).toArray();
        float[] noise = new Rng(seed + 1000).normal(0f, 0.1f, n, d).toArray();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = noise[i * d + j];
                for (int t = 0; t < f; t++) v += z[i * f + t] * mix[t * d + j];
                x[i * d + j] = 0.5f + (0.3f + 1.5f * j / d) * v;
            }
        }
        return Tensor.wrap(x, n, d);
    }

    static double meanVariance(Tensor x) {
        int n = x.dim(0), d = x.dim(1);
        float[] v = x.toArray();
        double total = 0;
        for (int j = 0; j < d; j++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) {
                s += v[i * d + j];
                s2 += (double) v[i * d + j] * v[i * d + j];
            }
            total += s2 / n - (s / n) * (s / n);
        }
        return total / d;
    }

    static double mse(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) (x[i] - y[i]) * (x[i] - y[i]);
        return s / x.length;
    }

    /** Each spec fitted once for the whole class: a learned kind's fit is the slow part. */
    private static final java.util.Map<String, Compressor> FITTED = new java.util.concurrent.ConcurrentHashMap<>();

    static Compressor fitted(String spec, int d) {
        return FITTED.computeIfAbsent(spec, s -> Compressors.fit(s, data(ROWS, d, 1), fast()));
    }

    static FitOptions fast() {
        return FitOptions.defaults().withKmeansIterations(4).withOpqIterations(2).withSeed(3);
    }

    @Test
    void theSimpleKindsAreRegistered() {
        List<String> names = CompressorKinds.all().stream().map(CompressorKind::name).toList();
        assertTrue(names.containsAll(List.of("Flat", "SQ", "BIN")), names.toString());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void fitsEncodesDecodesAndReloads(CompressorKind kind) {
        String spec = spec(kind);
        int d = dimension(spec);
        Tensor base = data(200, d, 2);
        Compressor c = fitted(spec, d);
        assertEquals(d, c.dimension());
        byte[] codes = c.encode(base);
        assertEquals(200L * c.codeSize(), codes.length, spec + ": code size");
        Tensor decoded = c.decode(codes, 200);
        assertArrayEquals(base.shape(), decoded.shape());
        double error = mse(base, decoded), variance = meanVariance(base);
        if (kind.name().equals("Flat")) assertEquals(0.0, error, 1e-12, "Flat is exact");
        else assertTrue(error < 0.5 * variance, spec + ": reconstruction MSE " + error + " is not well below the data's variance " + variance);

        Compressor again = Compressors.load(Compressors.states(c));
        assertEquals(c.token(), again.token());
        assertEquals(c.codeSize(), again.codeSize());
        assertArrayEquals(codes, again.encode(base), spec + ": reloaded codes");
        assertArrayEquals(decoded.toArray(), again.decode(codes, 200).toArray(), spec + ": reloaded decodes");
        // the canonical token refits to the same kind of stage (defaults spelled out)
        Compressors.validate(c.token(), d);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void asymmetricScoresAreDistancesToTheDecodedVectors(CompressorKind kind) {
        String spec = spec(kind);
        int d = dimension(spec);
        Compressor c = fitted(spec, d);
        int n = 150;
        byte[] codes = c.encode(data(n, d, 4));
        float[] dec = c.decode(codes, n).toArray();
        float[] q = data(5, d, 5).toArray();
        // A transform (PCA) may drop components: L2 scores then differ from the decoded distance by a constant per
        // query (the dropped part of the query), and centring changes inner products, so transforms are held to L2 up to that constant.
        List<Metric> metrics = kind.isTransform() ? List.of(Metric.L2) : List.of(Metric.L2, Metric.INNER_PRODUCT);
        for (Metric metric : metrics) {
            CodeDistance dist = c.distance(metric);
            float[] scores = new float[n + 3];
            for (int qi = 0; qi < 5; qi++) {
                dist.setQuery(q, qi * d);
                dist.scores(codes, 0, n, scores, 3);
                double offset = 0;
                double[] exact = new double[n];
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double a = q[qi * d + j], b = dec[i * d + j];
                        s += metric == Metric.L2 ? (a - b) * (a - b) : -a * b;
                    }
                    exact[i] = s;
                    offset += scores[3 + i] - s;
                }
                offset = kind.isTransform() ? offset / n : 0;
                for (int i = 0; i < n; i++) {
                    double tol = 1e-4 * (1 + Math.abs(exact[i]) + Math.abs(offset));
                    assertEquals(exact[i] + offset, scores[3 + i], tol, spec + " " + metric + ": query " + qi + ", code " + i);
                }
                // a range that does not start at 0 scores the same codes the same
                float[] part = new float[10];
                dist.scores(codes, 20, 30, part, 0);
                for (int i = 0; i < 10; i++) assertEquals(scores[3 + 20 + i], part[i], 0f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void searchFindsTheCodesOfTheBestScores(CompressorKind kind) {
        String spec = spec(kind);
        int d = dimension(spec);
        Compressor c = fitted(spec, d);
        int n = 300;
        byte[] codes = c.encode(data(n, d, 6));
        Tensor queries = data(4, d, 7);
        Neighbours found = c.index(codes, n, Metric.L2).search(queries, 5);
        Neighbours reference = new ScanIndex(c, codes, n, Metric.L2).search(queries, 5);
        // a faster index (4-bit fast scan) may rank near-ties differently, but the scores it reports must be the
        // codes' own scores, in order, and it must find nearly what the reference scan finds
        CodeDistance dist = c.distance(Metric.L2);
        float[] all = new float[n];
        int same = 0;
        for (int qi = 0; qi < 4; qi++) {
            dist.setQuery(queries.toArray(), qi * d);
            dist.scores(codes, 0, n, all, 0);
            for (int r = 0; r < 5; r++) {
                int id = found.id(qi, r);
                assertTrue(id >= 0 && id < n, spec + ": id " + id);
                assertEquals(all[id], found.score(qi, r), 1e-3 * (1 + Math.abs(all[id])), spec + ": the score reported for code " + id);
                if (r > 0) assertTrue(found.score(qi, r - 1) <= found.score(qi, r), spec + ": nearest first");
                for (int t = 0; t < 5; t++) if (reference.id(qi, t) == id) same++;
            }
        }
        assertTrue(same >= 16, spec + ": index() found " + same + " of the reference scan's 20 neighbours");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void nonsenseTokensAreRefusedWithOneLine(CompressorKind kind) {
        for (String bad : new String[] {kind.name() + "x", kind.name() + "-1", kind.name() + "999999999999"}) {
            if (!kind.accepts(bad)) continue;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kind.validate(bad, 32), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate("NoSuchKind7", 32));
        assertFalse(e.getMessage().contains("\n"));
    }
}
