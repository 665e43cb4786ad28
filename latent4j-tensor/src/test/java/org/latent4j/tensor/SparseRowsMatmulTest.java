package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.LinearAlgebra;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@link LinearAlgebra#sparseRowsMatmul}: forward and both gradients against the dense product with the
 * scattered [b, L] matrix (in double), repeated indices, finite differences, and bit-identical results
 * for 1, 2 and 3 threads; the same for its adjoint {@link LinearAlgebra#sparseRowsDot}, against the dense
 * product x W^T read at the chosen columns.
 */
class SparseRowsMatmulTest {

    private static int[] randomIndices(long seed, int b, int k, int rows, boolean repeats) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] idx = new int[b * k];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(rows);
        if (repeats && k >= 3) {
            for (int i = 0; i < b; i += 2) idx[i * k + 2] = idx[i * k]; // the same latent twice in a row
        }
        return idx;
    }

    /** The [b, L] matrix whose row i holds values[i, j] at column idx[i*k + j] (repeats add up), in double. */
    private static double[] scattered(int[] idx, Tensor values, int rows) {
        int b = values.dim(0), k = values.dim(1);
        double[] m = new double[b * rows];
        for (int i = 0; i < b; i++) for (int j = 0; j < k; j++) m[i * rows + idx[i * k + j]] += values.get(i, j);
        return m;
    }

    @Test
    void forwardAndGradientsMatchTheDenseProduct() {
        int b = 13, k = 5, rows = 40, d = 37;
        int[] idx = randomIndices(1, b, k, rows, true);
        Tensor v = randn(2, b, k), w = randn(3, rows, d);
        Tensor out = LinearAlgebra.sparseRowsMatmul(idx, v, w);
        assertArrayEquals(new int[] {b, d}, out.shape());
        double[] dense = scattered(idx, v, rows);
        float[] wv = w.toArray(), got = out.toArray();
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < d; c++) {
                double s = 0, abs = 0;
                for (int r = 0; r < rows; r++) {
                    s += dense[i * rows + r] * wv[r * d + c];
                    abs += Math.abs(dense[i * rows + r] * wv[r * d + c]);
                }
                assertEquals(s, got[i * d + c], (k + 1) * 0x1p-24 * abs + 1e-12, "out " + i + "," + c);
            }
        }
        // gradients of sum(g * out): dW = D^T g, dV[i, j] = (g W^T)[i, idx[i*k+j]]
        Tensor g = randn(4, b, d);
        out.backward(g);
        float[] gv = g.toArray(), dw = w.grad().toArray(), dv = v.grad().toArray();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                double s = 0, abs = 0;
                for (int i = 0; i < b; i++) {
                    s += dense[i * rows + r] * gv[i * d + c];
                    abs += Math.abs(dense[i * rows + r] * gv[i * d + c]);
                }
                assertEquals(s, dw[r * d + c], (b * k + 1) * 0x1p-24 * abs + 1e-12, "dW " + r + "," + c);
            }
        }
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0, abs = 0;
                for (int c = 0; c < d; c++) {
                    s += (double) gv[i * d + c] * wv[idx[i * k + j] * d + c];
                    abs += Math.abs((double) gv[i * d + c] * wv[idx[i * k + j] * d + c]);
                }
                assertEquals(s, dv[i * k + j], (d + 1) * 0x1p-24 * abs, "dV " + i + "," + j);
            }
        }
        // the same through the engine's dense matmul of the scattered matrix
        float[] dd = new float[dense.length];
        for (int i = 0; i < dd.length; i++) dd[i] = (float) dense[i];
        Tensor w2 = Tensor.of(wv, rows, d).requiresGrad(true);
        Tensor viaDense = Tensor.of(dd, b, rows).matmul(w2);
        assertClose(viaDense.toArray(), got, 1e-5);
        viaDense.backward(g);
        assertClose(w2.grad().toArray(), dw, 1e-5);
    }

    @Test
    void finiteDifferences() {
        int[] idx = randomIndices(5, 6, 4, 9, true);
        assertGradients(x -> LinearAlgebra.sparseRowsMatmul(idx, x[0], x[1]), randn(6, 6, 4), randn(7, 9, 11));
        // the weight used twice and a transposed view of the values
        int[] idx2 = randomIndices(8, 3, 5, 9, false);
        assertGradients(x -> LinearAlgebra.sparseRowsMatmul(idx, x[0], x[1]).sum(0, false)
                .add(LinearAlgebra.sparseRowsMatmul(idx2, x[2].t(), x[1]).sum(0, false)), randn(9, 6, 4), randn(10, 9, 11), randn(11, 5, 3));
    }

    @Test
    void weightRowsNoIndexNamesGetZeroAndARowCanRepeatAnIndex() {
        Tensor w = Tensor.of(new float[] {1, 2, 10, 20, 100, 200}, 3, 2).requiresGrad(true);
        Tensor v = Tensor.of(new float[] {1, 2, 3, 0.5f}, 2, 2).requiresGrad(true);
        int[] idx = {2, 2, 0, 2};
        Tensor out = LinearAlgebra.sparseRowsMatmul(idx, v, w);
        assertArrayEquals(new float[] {300, 600, 53, 106}, out.toArray());
        out.backward(Tensor.of(new float[] {1, 0, 0, 1}, 2, 2));
        // row 2: 1 * [1, 0] + 2 * [1, 0] + 0.5 * [0, 1]; row 0: 3 * [0, 1]; row 1: untouched
        assertArrayEquals(new float[] {0, 3, 0, 0, 3, 0.5f}, w.grad().toArray());
        assertArrayEquals(new float[] {100, 100, 2, 200}, v.grad().toArray());
        // k = 0: zeros, and a gradient of zeros for the weight
        Tensor empty = LinearAlgebra.sparseRowsMatmul(new int[0], Tensor.zeros(2, 0).requiresGrad(true), w);
        assertArrayEquals(new float[4], empty.toArray());
    }

    @Test
    void sameBitsForOneTwoAndThreeThreads() {
        int b = 256, k = 32, rows = 4096, d = 96;
        int[] idx = randomIndices(12, b, k, rows, true);
        Tensor v = randn(13, b, k), w = randn(14, rows, d), g = randn(15, b, d);
        int saved = Parallel.threads();
        float[][] first = null;
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                v.clearGrad();
                w.clearGrad();
                Tensor out = LinearAlgebra.sparseRowsMatmul(idx, v, w);
                out.backward(g);
                float[][] got = {out.toArray(), v.grad().toArray(), w.grad().toArray()};
                if (first == null) first = got;
                for (int t = 0; t < 3; t++) {
                    for (int i = 0; i < got[t].length; i++) {
                        assertEquals(Float.floatToIntBits(first[t][i]), Float.floatToIntBits(got[t][i]),
                                new String[] {"out", "dValues", "dWeight"}[t] + " element " + i + " with " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void badArgumentsNameTheOp() {
        ShapeException e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsMatmul(new int[] {0, 5}, Tensor.zeros(1, 2), Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("sparseRowsMatmul") && e.getMessage().contains("index 5") && e.getMessage().contains("position 1"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsMatmul(new int[] {0}, Tensor.zeros(1, 2), Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("1 indices") && e.getMessage().contains("[1, 2]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsMatmul(new int[] {0}, Tensor.zeros(1), Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("[b, k]"), e.getMessage());
        assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsMatmul(new int[] {-1}, Tensor.zeros(1, 1), Tensor.zeros(5, 3)));
    }

    @Test
    void sparseRowsDotIsTheDenseProductAtTheChosenColumns() {
        int b = 11, k = 6, rows = 30, d = 29;
        int[] idx = randomIndices(21, b, k, rows, true);
        Tensor x = randn(22, b, d), w = randn(23, rows, d);
        Tensor out = LinearAlgebra.sparseRowsDot(idx, x, w);
        assertArrayEquals(new int[] {b, k}, out.shape());
        float[] xv = x.toArray(), wv = w.toArray(), got = out.toArray();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0, abs = 0;
                for (int c = 0; c < d; c++) {
                    s += (double) xv[i * d + c] * wv[idx[i * k + j] * d + c];
                    abs += Math.abs((double) xv[i * d + c] * wv[idx[i * k + j] * d + c]);
                }
                assertEquals(s, got[i * k + j], (d + 1) * 0x1p-24 * abs, "out " + i + "," + j);
            }
        }
        // gradients against the dense product x W^T gathered at the same columns, through the engine's own ops
        Tensor g = randn(24, b, k);
        out.backward(g);
        Tensor x2 = Tensor.of(xv, b, d).requiresGrad(true), w2 = Tensor.of(wv, rows, d).requiresGrad(true);
        int[] flat = new int[b * k];
        for (int i = 0; i < b; i++) for (int j = 0; j < k; j++) flat[i * k + j] = i * rows + idx[i * k + j];
        Tensor dense = LinearAlgebra.linear(x2, w2).reshape(b * rows).indexSelect(0, flat).reshape(b, k);
        assertClose(dense.toArray(), got, 1e-5);
        dense.backward(g);
        assertClose(x2.grad().toArray(), x.grad().toArray(), 1e-5);
        assertClose(w2.grad().toArray(), w.grad().toArray(), 1e-5);
    }

    @Test
    void sparseRowsDotFiniteDifferencesAndThreads() {
        int[] idx = randomIndices(31, 5, 3, 8, true);
        assertGradients(x -> LinearAlgebra.sparseRowsDot(idx, x[0], x[1]), randn(32, 5, 7), randn(33, 8, 7));
        // a transposed view of x, and the weight also used by the decoder (tied weights)
        assertGradients(x -> LinearAlgebra.sparseRowsMatmul(idx, LinearAlgebra.sparseRowsDot(idx, x[0].t(), x[1]), x[1]), randn(34, 7, 5),
                randn(35, 8, 7));
        int b = 256, k = 32, rows = 4096, d = 80;
        int[] big = randomIndices(36, b, k, rows, true);
        Tensor x = randn(37, b, d), w = randn(38, rows, d), g = randn(39, b, k);
        int saved = Parallel.threads();
        float[][] first = null;
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                x.clearGrad();
                w.clearGrad();
                Tensor out = LinearAlgebra.sparseRowsDot(big, x, w);
                out.backward(g);
                float[][] got = {out.toArray(), x.grad().toArray(), w.grad().toArray()};
                if (first == null) first = got;
                for (int t = 0; t < 3; t++) {
                    for (int i = 0; i < got[t].length; i++) {
                        assertEquals(Float.floatToIntBits(first[t][i]), Float.floatToIntBits(got[t][i]),
                                new String[] {"out", "dX", "dWeight"}[t] + " element " + i + " with " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        ShapeException e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsDot(new int[] {0, 1, 2}, Tensor.zeros(2, 3), Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("sparseRowsDot") && e.getMessage().contains("3 indices"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsDot(new int[] {0, 7}, Tensor.zeros(2, 3), Tensor.zeros(5, 3)));
        assertTrue(e.getMessage().contains("index 7") && e.getMessage().contains("position 1"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> LinearAlgebra.sparseRowsDot(new int[] {0}, Tensor.zeros(1, 3), Tensor.zeros(5, 4)));
        assertTrue(e.getMessage().contains("[L, d]"), e.getMessage());
    }
}
