package org.latent4j.compress.search;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/** The parallel scan gives exactly the reference {@link ScanIndex}'s neighbours and scores, for any thread count. */
class ParallelScanIndexTest {
    /** A uniform scalar quantizer for the test: one byte per dimension over [-4, 4]; coarse, so scores tie often. */
    private record Uniform(int dimension) implements Compressor {
        static float value(int b) {
            return -4f + 8f * b / 15f;
        }

        @Override
        public String token() {
            return "U" + dimension;
        }

        @Override
        public StageState state() {
            throw new UnsupportedOperationException("the test compressor is never saved");
        }

        @Override
        public int codeSize() {
            return dimension;
        }

        @Override
        public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
            for (int i = 0; i < rows * dimension; i++) {
                codes[codesOff + i] = (byte) Math.max(0, Math.min(15, Math.round((x[xOff + i] + 4f) * 15f / 8f)));
            }
        }

        @Override
        public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
            for (int i = 0; i < rows * dimension; i++) out[outOff + i] = value(codes[codesOff + i]);
        }

        @Override
        public CodeDistance distance(Metric metric) {
            return new CodeDistance() {
                float[] q;
                int off;

                @Override
                public void setQuery(float[] q, int off) {
                    this.q = q;
                    this.off = off;
                }

                @Override
                public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
                    for (int i = from; i < to; i++) {
                        float s = 0;
                        for (int p = 0; p < dimension; p++) {
                            float v = value(codes[i * dimension + p]), x = q[off + p];
                            s += metric == Metric.L2 ? (x - v) * (x - v) : -x * v;
                        }
                        out[outOff + i - from] = s;
                    }
                }
            };
        }
    }

    @Test
    void sameNeighboursAndScoresAsTheReferenceForAnyThreadCount() {
        SplittableRandom r = new SplittableRandom(1);
        int d = 3, n = 2 * ExhaustiveSearch.CHUNK + 11, k = 9;
        Uniform u = new Uniform(d);
        float[] x = ToyPq.data(r, n + 7, d);
        byte[] codes = new byte[n * d];
        u.encode(x, 0, n, codes, 0);
        int saved = Parallel.threads();
        try {
            for (Metric metric : Metric.values()) {
                for (int nq : new int[] {1, 7}) {
                    Tensor q = Tensor.wrap(java.util.Arrays.copyOfRange(x, n * d, (n + nq) * d), nq, d);
                    Parallel.setThreads(1);
                    Neighbours want = new ScanIndex(u, codes, n, metric).search(q, k);
                    for (int threads : new int[] {1, 2, 3}) {
                        Parallel.setThreads(threads);
                        Neighbours got = new ParallelScanIndex(u, codes, n, metric).search(q, k);
                        String what = metric + ", " + nq + " queries, " + threads + " threads";
                        assertArrayEquals(want.ids(), got.ids(), what);
                        assertArrayEquals(want.scores(), got.scores(), what);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
