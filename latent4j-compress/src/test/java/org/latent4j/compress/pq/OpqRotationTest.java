package org.latent4j.compress.pq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.TransformedCompressor;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.linalg.Orthogonal;
import org.latent4j.tensor.random.Rng;

/** {@link OpqRotation}: orthogonal, exact to reverse, and better than plain PQ where dimensions are correlated. */
class OpqRotationTest {
    static final FitOptions FAST = FitOptions.defaults().withKmeansIterations(8).withOpqIterations(6);

    /**
     * A known case for OPQ: Gaussian data whose covariance has decaying eigenvalues along random directions, so
     * every coordinate mixes every direction and the sub-spaces of plain PQ see correlated dimensions.
     */
    static Tensor correlated(int n, int d, long seed) {
        double[] q = Orthogonal.random(d, new Rng(seed));
        float[] z = new Rng(seed + 1).normal(0, 1, n, d).toArray(), x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double s = Math.pow(0.75, k) * 3;
                for (int j = 0; j < d; j++) x[i * d + j] += (float) (s * z[i * d + k] * q[k * d + j]);
            }
        }
        return Tensor.wrap(x, n, d);
    }

    @Test
    void theRotationIsOrthogonalAndReversesExactly() {
        Tensor x = correlated(600, 16, 1);
        TransformedCompressor c = (TransformedCompressor) Compressors.fit("OPQ4,PQ4x4", x, FAST);
        OpqRotation r = (OpqRotation) c.transforms().getFirst();
        assertEquals("OPQ4", r.token());
        float[] rot = r.rotation();
        double[] rd = new double[rot.length];
        for (int i = 0; i < rot.length; i++) rd[i] = rot[i];
        assertTrue(Orthogonal.deviation(rd, 16) < 1e-5, "R R^T = I: " + Orthogonal.deviation(rd, 16));
        float[] y = new float[600 * 16], back = new float[600 * 16];
        r.apply(x.toArray(), 0, 600, y, 0);
        r.reverse(y, 0, 600, back, 0);
        assertArrayEquals(x.toArray(), back, 1e-4f);
        // distances are kept: ADC through the rotation equals the distance to the decoded (rotated back) vector
        byte[] codes = c.encode(x);
        float[] dec = c.decode(codes, 600).toArray(), xd = x.toArray(), scores = new float[600];
        CodeDistance dist = c.distance(Metric.L2);
        dist.setQuery(xd, 5 * 16);
        dist.scores(codes, 0, 600, scores, 0);
        for (int i = 0; i < 600; i++) {
            double want = 0;
            for (int p = 0; p < 16; p++) want += (xd[5 * 16 + p] - dec[i * 16 + p]) * (double) (xd[5 * 16 + p] - dec[i * 16 + p]);
            assertEquals(want, scores[i], 1e-4 * (1 + want));
        }
    }

    @Test
    void opqQuantizesCorrelatedDataBetterThanPq() {
        Tensor x = correlated(2000, 16, 2);
        double pq = ProductQuantizerTest.error(Compressors.fit("PQ4x4", x, FAST), x);
        double opq = ProductQuantizerTest.error(Compressors.fit("OPQ4,PQ4x4", x, FAST), x);
        assertTrue(opq < 0.9 * pq, "OPQ " + opq + " vs PQ " + pq);
    }

    @Test
    void fitIsDeterministicAndStateRoundTripsAndBadInputIsRefused() {
        Tensor x = correlated(400, 8, 3);
        Compressor a = Compressors.fit("OPQ2,PQ2x4", x, FAST), b = Compressors.fit("OPQ2,PQ2x4", x, FAST);
        assertArrayEquals(((OpqRotation) ((TransformedCompressor) a).transforms().getFirst()).rotation(),
                ((OpqRotation) ((TransformedCompressor) b).transforms().getFirst()).rotation(), 0);
        Compressor back = Compressors.load(Compressors.states(a));
        assertEquals("OPQ2,PQ2x4", back.token());
        assertArrayEquals(a.encode(x), back.encode(x));
        ProductQuantizerTest.assertRefused("OPQ3,PQ4", 8, "m = 3 must divide the dimension 8");
        ProductQuantizerTest.assertRefused("OPQ2", 8, "is a transform and must be followed by a compressor");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.fit("OPQ2,PQ2x4", correlated(100, 8, 4), FAST));
        assertTrue(e.getMessage().startsWith("OPQ2: needs at least 256 training rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpqRotation(8, 2, new float[63]));
        assertEquals(List.of("OPQ", "PQ"), Compressors.states(a).stream().map(s -> s.kind()).toList());
    }

    /** Searches every row against the codes and against brute force over the decoded vectors of the projected space. */
    private static void assertScoresAreDistancesInTheOutputSpace(TransformedCompressor c, OpqRotation r, Tensor x) {
        int n = x.dim(0), d = r.dimension(), e = r.outputDimension();
        byte[] codes = c.encode(x);
        float[] xd = x.toArray(), y = new float[n * e], yDec = new float[n * e], scores = new float[n];
        r.apply(xd, 0, n, y, 0);
        c.compressor().decode(codes, 0, n, yDec, 0);
        CodeDistance dist = c.distance(Metric.L2);
        for (int q : new int[] {0, 7, n - 1}) {
            dist.setQuery(xd, q * d);
            dist.scores(codes, 0, n, scores, 0);
            for (int i = 0; i < n; i++) {
                double want = 0;
                for (int p = 0; p < e; p++) want += (y[q * e + p] - yDec[i * e + p]) * (double) (y[q * e + p] - yDec[i * e + p]);
                assertEquals(want, scores[i], 1e-4 * (1 + want), "query " + q + ", code " + i);
            }
        }
    }

    @Test
    void aProjectionToFewerDimensionsHasOrthonormalColumnsAndKeepsWhatItCan() {
        // 18 values of which only 12 directions vary: OPQ4_12 can keep all the variance in 12 values
        int n = 600, d = 18, low = 12;
        Tensor z = correlated(n, low, 5);
        double[] q = Orthogonal.random(d, new Rng(6));
        float[] zd = z.toArray(), xd = new float[n * d];
        for (int i = 0; i < n; i++) for (int k = 0; k < low; k++) for (int j = 0; j < d; j++) xd[i * d + j] += (float) (zd[i * low + k] * q[k * d + j]);
        Tensor x = Tensor.wrap(xd, n, d);
        TransformedCompressor c = (TransformedCompressor) Compressors.fit("OPQ4_12,PQ4x4", x, FAST);
        OpqRotation r = (OpqRotation) c.transforms().getFirst();
        assertEquals("OPQ4_12", r.token());
        assertEquals(18, r.dimension());
        assertEquals(12, r.outputDimension());
        assertEquals("OPQ4_12,PQ4x4", c.token());
        float[] rot = r.rotation();
        for (int a = 0; a < low; a++) for (int b = 0; b < low; b++) {
            double dot = 0;
            for (int i = 0; i < d; i++) dot += (double) rot[i * low + a] * rot[i * low + b];
            assertEquals(a == b ? 1 : 0, dot, 1e-5, "R^T R at (" + a + ", " + b + ")");
        }
        // the data span 12 directions: projecting and reversing loses (almost) nothing once R has found them
        float[] y = new float[n * low], back = new float[n * d];
        r.apply(xd, 0, n, y, 0);
        r.reverse(y, 0, n, back, 0);
        double lost = 0, total = 0;
        for (int i = 0; i < n * d; i++) {
            lost += (xd[i] - back[i]) * (double) (xd[i] - back[i]);
            total += xd[i] * (double) xd[i];
        }
        assertTrue(lost < 1e-3 * total, "lost " + lost + " of " + total);
        assertScoresAreDistancesInTheOutputSpace(c, r, x);
        Compressor back2 = Compressors.load(Compressors.states(c));
        assertEquals("OPQ4_12,PQ4x4", back2.token());
        assertArrayEquals(c.encode(x), back2.encode(x));
    }

    @Test
    void aPaddedOutputKeepsNormsAndReversesExactly() {
        Tensor x = correlated(500, 10, 7);
        TransformedCompressor c = (TransformedCompressor) Compressors.fit("OPQ4_12,PQ4x4", x, FAST);
        OpqRotation r = (OpqRotation) c.transforms().getFirst();
        assertEquals(12, r.outputDimension());
        float[] xd = x.toArray(), y = new float[500 * 12], back = new float[500 * 10];
        r.apply(xd, 0, 500, y, 0);
        r.reverse(y, 0, 500, back, 0);
        assertArrayEquals(xd, back, 1e-4f);
        for (int i = 0; i < 500; i++) {
            double nx = 0, ny = 0;
            for (int j = 0; j < 10; j++) nx += xd[i * 10 + j] * (double) xd[i * 10 + j];
            for (int j = 0; j < 12; j++) ny += y[i * 12 + j] * (double) y[i * 12 + j];
            assertEquals(nx, ny, 1e-4 * (1 + nx));
        }
        assertScoresAreDistancesInTheOutputSpace(c, r, x);
    }

    @Test
    void outputWidthsAreCheckedAndOldSquareRotationsStillLoad() {
        ProductQuantizerTest.assertRefused("OPQ5_12,PQ5", 18, "m = 5 must divide the output dimension 12");
        ProductQuantizerTest.assertRefused("OPQ4_12,PQ5", 18, "PQ5");
        ProductQuantizerTest.assertRefused("OPQ4_0,PQ4", 18, "the output dimension must be 1 to");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate("OPQ32,PQ32", 784));
        assertTrue(e.getMessage().contains("OPQ32_768"), e.getMessage());
        Compressors.validate("OPQ32_768,PQ32", 784);
        Compressors.validate("OPQ64_768,PQ64", 784);
        Compressors.validate("PCA768,PQ32", 784);
        // a stage whose rotation is not [d, d'] is refused by name
        Tensor x = correlated(400, 8, 8);
        Compressor a = Compressors.fit("OPQ2,PQ2x4", x, FAST);
        var states = new java.util.ArrayList<>(Compressors.states(a));
        var s0 = states.getFirst();
        states.set(0, new org.latent4j.compress.StageState(s0.kind(), "OPQ2_6", s0.config(), s0.tensors()));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Compressors.load(states));
        assertTrue(bad.getMessage().contains("the rotation must be [d, 6]"), bad.getMessage());
    }
}
