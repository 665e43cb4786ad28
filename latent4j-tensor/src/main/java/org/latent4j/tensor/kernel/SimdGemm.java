package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Vector-API GEMM. First version: rows of C split over threads in fixed blocks, an axpy inner loop
 * over rows of B. (To be replaced by the packed, register- and cache-blocked kernel.)
 */
public final class SimdGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        final int rowsPerTask = 16;
        Parallel.range(m, rowsPerTask, (lo, hi) -> {
            float[] row = new float[n];
            int lanes = S.length();
            for (int i = lo; i < hi; i++) {
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                    } else {
                        int bp = bOff + p * ldb;
                        FloatVector va = FloatVector.broadcast(S, av);
                        int j = 0;
                        for (int e = S.loopBound(n); j < e; j += lanes) {
                            FloatVector.fromArray(S, b, bp + j).fma(va, FloatVector.fromArray(S, row, j)).intoArray(row, j);
                        }
                        for (; j < n; j++) row[j] += av * b[bp + j];
                    }
                }
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? alpha * row[j] : alpha * row[j] + beta * c[ci + j];
            }
        });
    }
}
