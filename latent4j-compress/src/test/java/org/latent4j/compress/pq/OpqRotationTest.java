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
}
