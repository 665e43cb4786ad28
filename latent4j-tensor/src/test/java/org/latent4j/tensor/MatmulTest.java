package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import org.junit.jupiter.api.Test;

class MatmulTest {

    private static float[] naive(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    @Test
    void everyTransposeCombinationMatchesNaiveProduct() {
        int m = 13, n = 17, k = 9;
        Tensor a = randn(1, m, k), b = randn(2, k, n);
        float[] expected = naive(a.toArray(), b.toArray(), m, n, k);
        Tensor at = Tensor.of(a.t().toArray(), k, m); // stored transposed
        Tensor bt = Tensor.of(b.t().toArray(), n, k);
        assertClose(expected, a.matmul(b).toArray(), 1e-5);
        assertClose(expected, at.t().matmul(b).toArray(), 1e-5);
        assertClose(expected, a.matmul(bt.t()).toArray(), 1e-5);
        assertClose(expected, at.t().matmul(bt.t()).toArray(), 1e-5);
    }

    @Test
    void matmulGradients() {
        assertGradients(x -> x[0].matmul(x[1]), randn(1, 4, 3), randn(2, 3, 5));
        assertGradients(x -> x[0].t().matmul(x[1]), randn(3, 3, 4), randn(4, 3, 5));
        assertGradients(x -> x[0].matmul(x[1].t()), randn(5, 4, 3), randn(6, 5, 3));
        assertGradients(x -> x[0].matmul(x[0].t()), randn(7, 4, 3));
    }

    @Test
    void batchedMatmulAndGradients() {
        Tensor a = randn(1, 2, 3, 4), b = randn(2, 2, 4, 5);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 3, 5}, c.shape());
        float[] ad = a.toArray(), bd = b.toArray(), cd = c.toArray();
        for (int bi = 0; bi < 2; bi++) {
            float[] expected = naive(java.util.Arrays.copyOfRange(ad, bi * 12, bi * 12 + 12),
                    java.util.Arrays.copyOfRange(bd, bi * 20, bi * 20 + 20), 3, 5, 4);
            assertClose(expected, java.util.Arrays.copyOfRange(cd, bi * 15, bi * 15 + 15), 1e-5);
        }
        assertGradients(x -> x[0].matmul(x[1]), randn(3, 2, 3, 4), randn(4, 2, 4, 5));
        assertGradients(x -> x[0].matmul(x[1]), randn(5, 2, 3, 4), randn(6, 4, 5));
        assertGradients(x -> x[0].transpose(1, 2).matmul(x[1]), randn(7, 2, 4, 3), randn(8, 2, 4, 5));
    }

    @Test
    void linearIsTheProductWithTheTransposedWeight() {
        Tensor x = randn(1, 6, 5), w = randn(2, 4, 5); // w [out, in]
        assertClose(naive(x.toArray(), w.t().toArray(), 6, 4, 5), org.latent4j.tensor.ops.LinearAlgebra.linear(x, w).toArray(), 1e-5);
        Tensor x3 = randn(3, 2, 6, 5);
        Tensor y3 = org.latent4j.tensor.ops.LinearAlgebra.linear(x3, w);
        assertArrayEquals(new int[] {2, 6, 4}, y3.shape());
        assertClose(x3.matmul(w.t()).toArray(), y3.toArray(), 1e-6);
        assertGradients(t -> org.latent4j.tensor.ops.LinearAlgebra.linear(t[0], t[1]), randn(4, 6, 5), randn(5, 4, 5));
        assertGradients(t -> org.latent4j.tensor.ops.LinearAlgebra.linear(t[0], t[1]), randn(6, 2, 3, 5), randn(7, 4, 5));
        // the weight gradient accumulates when the weight is used twice
        assertGradients(t -> org.latent4j.tensor.ops.LinearAlgebra.linear(t[0], t[1]).add(org.latent4j.tensor.ops.LinearAlgebra.linear(t[0].mul(2f), t[1])),
                randn(8, 3, 5), randn(9, 4, 5));
        ShapeException e = assertThrows(ShapeException.class, () -> org.latent4j.tensor.ops.LinearAlgebra.linear(x, randn(2, 5, 4)));
        assertTrue(e.getMessage().contains("[6, 5]") && e.getMessage().contains("[5, 4]"), e.getMessage());
    }
}
