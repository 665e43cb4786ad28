package org.latent4j.compress.flat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/** Codes that are the vectors' float32 values, little-endian: decode is exact, search is brute force. */
public final class FlatCompressor implements Compressor {
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private final int d;

    FlatCompressor(int d) {
        this.d = d;
    }

    @Override
    public String token() {
        return "Flat";
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public StageState state() {
        // the dimension is this stage's only parameter; stored as an array so the file needs no special case
        return new StageState("Flat", token(), "{}", Map.of("dimension", Tensor.wrap(new float[] {d}, 1)));
    }

    @Override
    public int codeSize() {
        return 4 * d;
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        for (int i = 0; i < rows * d; i++) F32.set(codes, codesOff + 4 * i, x[xOff + i]);
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        for (int i = 0; i < rows * d; i++) out[outOff + i] = (float) F32.get(codes, codesOff + 4 * i);
    }

    @Override
    public CodeDistance distance(Metric metric) {
        return new CodeDistance() {
            private final float[] q = new float[d];

            @Override
            public void setQuery(float[] query, int off) {
                System.arraycopy(query, off, q, 0, d);
            }

            @Override
            public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
                for (int i = from; i < to; i++) {
                    int co = i * 4 * d;
                    float s = 0;
                    if (metric == Metric.L2) {
                        for (int j = 0; j < d; j++) {
                            float e = q[j] - (float) F32.get(codes, co + 4 * j);
                            s += e * e;
                        }
                        out[outOff + i - from] = s;
                    } else {
                        for (int j = 0; j < d; j++) s += q[j] * (float) F32.get(codes, co + 4 * j);
                        out[outOff + i - from] = -s;
                    }
                }
            }
        };
    }
}
