package org.latent4j.compress.pca;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.TransformedCompressor;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.linalg.Orthogonal;
import org.latent4j.tensor.random.Rng;

/** {@link PcaTransform} against a data set whose covariance is known exactly, and its round trips and refusals. */
class PcaTransformTest {
    static final int D = 6;
    static final double[] SCALE = {5, 3, 2, 1, 0.5, 0.25};

    /**
     * The points mu +- c_k q_k for orthonormal q_k: mean mu exactly, covariance sum_k (2 c_k^2 / n) q_k q_k^T, so the
     * principal components are the q_k in the order of the c_k.
     */
    static double[] q = Orthogonal.random(D, new Rng(11));
    static float[] mu = {1, -2, 3, 0.5f, 0, 4};

    static Tensor knownCovariance() {
        float[] x = new float[2 * D * D];
        for (int k = 0; k < D; k++) {
            for (int sgn = 0; sgn < 2; sgn++) {
                for (int j = 0; j < D; j++) x[(2 * k + sgn) * D + j] = (float) (mu[j] + (sgn == 0 ? 1 : -1) * SCALE[k] * q[k * D + j]);
            }
        }
        return Tensor.wrap(x, 2 * D, D);
    }

    @Test
    void componentsAreTheKnownEigenvectorsLargestFirstAndTheMeanIsRemoved() {
        PcaTransform p = PcaTransform.fit(knownCovariance().toArray(), 2 * D, D, 4, false, new Rng(0));
        float[] c = p.components(), m = p.mean();
        for (int j = 0; j < D; j++) assertEquals(mu[j], m[j], 1e-5f);
        for (int k = 0; k < 4; k++) {
            double dot = 0;
            for (int j = 0; j < D; j++) dot += c[k * D + j] * q[k * D + j];
            assertEquals(1, Math.abs(dot), 1e-5, "component " + k);
        }
        // a point mu + 2 q_1 maps to (0, +-2, 0, 0)
        float[] x = new float[D], y = new float[4];
        for (int j = 0; j < D; j++) x[j] = (float) (mu[j] + 2 * q[D + j]);
        p.apply(x, 0, 1, y, 0);
        assertEquals(2, Math.abs(y[1]), 1e-5);
        assertEquals(0, y[0], 1e-5);
        assertEquals(0, y[2], 1e-5);
        assertEquals(0, y[3], 1e-5);
        // back-projection: x itself, as it lies in the kept subspace
        float[] back = new float[D];
        p.reverse(y, 0, 1, back, 0);
        assertArrayEquals(x, back, 1e-5f);
    }

    @Test
    void reverseIsTheLeastSquaresProjectionAndFullWidthIsExact() {
        Tensor x = new Rng(3).normal(0, 1, 50, D);
        float[] xd = x.toArray();
        PcaTransform full = PcaTransform.fit(xd, 50, D, D, false, new Rng(0));
        float[] y = new float[50 * D], back = new float[50 * D];
        full.apply(xd, 0, 50, y, 0);
        full.reverse(y, 0, 50, back, 0);
        assertArrayEquals(xd, back, 1e-5f);
        PcaTransform two = PcaTransform.fit(xd, 50, D, 2, false, new Rng(0));
        float[] y2 = new float[100], b2 = new float[50 * D], c = two.components(), m = two.mean();
        two.apply(xd, 0, 50, y2, 0);
        two.reverse(y2, 0, 50, b2, 0);
        // the residual x - back is orthogonal to the kept components
        for (int i = 0; i < 50; i++) {
            for (int k = 0; k < 2; k++) {
                double dot = 0;
                for (int j = 0; j < D; j++) dot += (xd[i * D + j] - b2[i * D + j]) * c[k * D + j];
                assertEquals(0, dot, 1e-4);
            }
        }
        assertEquals(D, m.length);
    }

    @Test
    void pcarSpansTheSameSubspaceWithOrthonormalRows() {
        float[] x = knownCovariance().toArray();
        float[] a = PcaTransform.fit(x, 2 * D, D, 3, false, new Rng(0)).components();
        PcaTransform r = PcaTransform.fit(x, 2 * D, D, 3, true, new Rng(0));
        assertEquals("PCAR3", r.token());
        float[] b = r.components();
        // the projectors A^T A and B^T B agree
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                double pa = 0, pb = 0;
                for (int k = 0; k < 3; k++) {
                    pa += a[k * D + i] * a[k * D + j];
                    pb += b[k * D + i] * b[k * D + j];
                }
                assertEquals(pa, pb, 1e-5);
            }
        }
        assertFalse(java.util.Arrays.equals(a, b), "the rotation mixes the components");
    }

    @Test
    void specsUseTheReducedWidthAndStatesRoundTrip() {
        Compressors.validate("PCA8,PQ4", 16);
        Compressors.validate("PCAR6,PQ3x4", 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate("PCA6,PQ4", 16));
        assertTrue(e.getMessage().contains("must divide the dimension 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate("PCA20,PQ4", 16));
        assertEquals("PCA20: cannot keep 20 dimensions of 16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate("PCA0,PQ4", 16));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());

        Tensor x = new Rng(5).normal(0, 1, 300, 16);
        FitOptions o = FitOptions.defaults().withKmeansIterations(4);
        Compressor c = Compressors.fit("PCA8,PQ4x4", x, o);
        assertEquals(8, ((TransformedCompressor) c).compressor().dimension());
        assertEquals(16, c.dimension());
        Compressor back = Compressors.load(Compressors.states(c));
        assertEquals("PCA8,PQ4x4", back.token());
        assertArrayEquals(c.encode(x), back.encode(x));
        assertArrayEquals(c.decode(c.encode(x), 300).toArray(), back.decode(back.encode(x), 300).toArray(), 0);
    }
}
