package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.parallel.Parallel;

class SquaredDistancesTest {

    private static double[] reference(float[] a, float[] b, int n, int m, int d) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double diff = (double) a[i * d + k] - b[j * d + k];
                    s += diff * diff;
                }
                out[i * m + j] = s;
            }
        }
        return out;
    }

    private static Tensor randomAround(long seed, float centre, float spread, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (centre + spread * (2 * r.nextDouble() - 1));
        return Tensor.of(v, shape);
    }

    @Test
    void matchesDoubleReference() {
        int n = 7, m = 4, d = 19;
        Tensor a = randn(1, n, d), b = randn(2, m, d);
        double[] ref = reference(a.toArray(), b.toArray(), n, m, d);
        Tensor out = LinearAlgebra.squaredDistances(a, b);
        assertArrayEquals(new int[] {n, m}, out.shape());
        float[] got = out.toArray();
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], got[i], 1e-5 * ref[i]);
        // a transposed view is read through its strides
        Tensor bt = Tensor.of(b.t().toArray(), d, m);
        assertArrayEquals(got, LinearAlgebra.squaredDistances(a, bt.t()).toArray());
        assertEquals(0f, LinearAlgebra.squaredDistances(a, a).get(3, 3));
    }

    @Test
    void nearbyPointsFarFromTheOriginKeepTheirDistance() {
        // |a|^2 - 2ab + |b|^2 would lose every digit here: |a|^2 is ~1e7 and a float keeps ~7 digits
        int n = 5, m = 6, d = 8;
        Tensor a = randomAround(1, 1000f, 0.01f, n, d), b = randomAround(2, 1000f, 0.01f, m, d);
        double[] ref = reference(a.toArray(), b.toArray(), n, m, d);
        float[] got = LinearAlgebra.squaredDistances(a, b).toArray();
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], got[i], 1e-5 * ref[i], "pair " + i);

        // and so does the gradient, 2 (a_i - b_j) for a single selected pair
        Tensor x = randomAround(3, 1000f, 0.01f, 3, d).requiresGrad(true), y = randomAround(4, 1000f, 0.01f, 2, d).requiresGrad(true);
        Tensor w = Tensor.zeros(3, 2);
        w.set(1f, 2, 1);
        LinearAlgebra.squaredDistances(x, y).backward(w);
        for (int k = 0; k < d; k++) {
            double diff = (double) x.get(2, k) - y.get(1, k);
            assertEquals(2 * diff, x.grad().get(2, k), 1e-6 * Math.abs(2 * diff));
            assertEquals(-2 * diff, y.grad().get(1, k), 1e-6 * Math.abs(2 * diff));
            assertEquals(0f, x.grad().get(0, k));
            assertEquals(0f, y.grad().get(0, k));
        }
    }

    @Test
    void gradients() {
        assertGradients(x -> LinearAlgebra.squaredDistances(x[0], x[1]), randn(1, 4, 3), randn(2, 5, 3));
        assertGradients(x -> LinearAlgebra.squaredDistances(x[0].t(), x[1]), randn(3, 6, 2), randn(4, 3, 6));
        // one tensor on both sides: both gradients add up in it
        assertGradients(x -> LinearAlgebra.squaredDistances(x[0], x[0]), randn(5, 4, 5));
    }

    @Test
    void sameBitsForOneAndTwoThreadsAndNearestRowsMatch() {
        int n = 200, m = 96, d = 48;
        Tensor a = randn(1, n, d), b = randn(2, m, d);
        Tensor w = randn(3, n, m);
        int before = Parallel.threads();
        float[][] results = new float[2][];
        float[][] ga = new float[2][], gb = new float[2][];
        // Scalar kernels: the SIMD squaredDistance ends in reduceLanes(ADD), whose summation order the
        // Vector API leaves unspecified, and it does differ between the interpreted and compiled kernel;
        // this test is about how the op splits its work, not about that.
        try (var scalar = org.latent4j.tensor.kernel.Kernels.useScalar()) {
            for (int t = 0; t < 2; t++) {
                Parallel.setThreads(t + 1);
                a.clearGrad();
                b.clearGrad();
                Tensor out = LinearAlgebra.squaredDistances(a, b);
                results[t] = out.toArray();
                out.backward(w);
                ga[t] = a.grad().toArray();
                gb[t] = b.grad().toArray();
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(ga[0], ga[1]);
        assertArrayEquals(gb[0], gb[1]);
        // vector quantization use: the nearest codebook row by distance is the nearest by the reference
        double[] ref = reference(a.toArray(), b.toArray(), n, m, d);
        int[] nearest = IndexOps.argminRows(LinearAlgebra.squaredDistances(a, b));
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < m; j++) if (ref[i * m + j] < ref[i * m + best]) best = j;
            assertTrue(nearest[i] == best || Math.abs(ref[i * m + nearest[i]] - ref[i * m + best]) <= 1e-5 * ref[i * m + best], "row " + i);
        }
    }

    @Test
    void badShapesNameTheOp() {
        ShapeException e = assertThrows(ShapeException.class, () -> LinearAlgebra.squaredDistances(Tensor.zeros(2, 3), Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("squaredDistances") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertThrows(ShapeException.class, () -> LinearAlgebra.squaredDistances(Tensor.zeros(3), Tensor.zeros(4, 3)));
    }
}
