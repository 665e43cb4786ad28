package org.latent4j.compress.binary;

import java.util.Arrays;
import java.util.Map;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/**
 * One bit a dimension: bit j is 1 when x_j > t_j, with t_j = 0 ({@code BIN}) or the training mean of dimension j
 * ({@code BINC}, which splits every dimension near its middle even for data such as pixels that are never
 * negative). Bits are packed LSB-first: dimension j is bit (j mod 8) of byte j / 8, ceil(d / 8) bytes a vector.
 *
 * <p>Decoding gives each dimension two levels, the means of the training values on either side of its threshold
 * (the least-squares reconstruction for a fixed threshold); a side no training value fell on decodes to the
 * threshold itself.
 *
 * <p>Search is asymmetric, not Hamming: the query stays exact and is scored against the decoded vector, which for
 * eight dimensions at a time is one of 256 values, so a query's lookup table holds 256 partial scores per code
 * byte and a code costs ceil(d / 8) table reads. Scores are therefore the true squared L2 distance (or negated
 * inner product) to the decoded vector, comparable with every other compressor's; the Hamming distance between
 * the query's own bits and the codes ranks worse because it throws away the query's magnitudes.
 */
public final class BinaryQuantizer implements Compressor {
    private final boolean centred;
    private final int d;
    private final float[] threshold;
    private final float[] low;
    private final float[] high;

    private BinaryQuantizer(boolean centred, float[] threshold, float[] low, float[] high) {
        this.centred = centred;
        this.d = threshold.length;
        this.threshold = threshold;
        this.low = low;
        this.high = high;
    }

    static BinaryQuantizer fit(boolean centred, Tensor train) {
        Tensor t = train.contiguous();
        int n = t.dim(0), d = t.dim(1);
        float[] x = t.data();
        int off = t.offset();
        float[] threshold = new float[d];
        if (centred) {
            double[] sum = new double[d];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sum[j] += x[off + i * d + j];
            for (int j = 0; j < d; j++) threshold[j] = (float) (sum[j] / n);
        }
        double[] lowSum = new double[d], highSum = new double[d];
        int[] highCount = new int[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = x[off + i * d + j];
                if (!Float.isFinite(v)) throw new IllegalArgumentException((centred ? "BINC" : "BIN") + " fit: row " + i + ", dimension " + j + " is " + v);
                if (v > threshold[j]) {
                    highSum[j] += v;
                    highCount[j]++;
                } else {
                    lowSum[j] += v;
                }
            }
        }
        float[] low = new float[d], high = new float[d];
        for (int j = 0; j < d; j++) {
            int lowCount = n - highCount[j];
            low[j] = lowCount > 0 ? (float) (lowSum[j] / lowCount) : threshold[j];
            high[j] = highCount[j] > 0 ? (float) (highSum[j] / highCount[j]) : threshold[j];
        }
        return new BinaryQuantizer(centred, threshold, low, high);
    }

    static BinaryQuantizer load(boolean centred, StageState state) {
        Tensor t = state.tensor("threshold"), lo = state.tensor("low"), hi = state.tensor("high");
        if (t.rank() != 1 || lo.rank() != 1 || hi.rank() != 1 || t.dim(0) < 1 || lo.dim(0) != t.dim(0) || hi.dim(0) != t.dim(0)) {
            throw new IllegalArgumentException("stage " + state.token() + ": arrays 'threshold', 'low' and 'high' must be three vectors of one length, got shapes "
                    + Arrays.toString(t.shape()) + ", " + Arrays.toString(lo.shape()) + " and " + Arrays.toString(hi.shape()));
        }
        return new BinaryQuantizer(centred, t.contiguous().toArray(), lo.contiguous().toArray(), hi.contiguous().toArray());
    }

    @Override
    public String token() {
        return centred ? "BINC" : "BIN";
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public StageState state() {
        return new StageState("BIN", token(), "{}", Map.of("threshold", Tensor.wrap(threshold.clone(), d), "low", Tensor.wrap(low.clone(), d),
                "high", Tensor.wrap(high.clone(), d)));
    }

    @Override
    public int codeSize() {
        return (d + 7) >> 3;
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        int cs = codeSize();
        for (int i = 0; i < rows; i++) {
            int xo = xOff + i * d, co = codesOff + i * cs;
            Arrays.fill(codes, co, co + cs, (byte) 0);
            for (int j = 0; j < d; j++) if (x[xo + j] > threshold[j]) codes[co + (j >> 3)] |= (byte) (1 << (j & 7));
        }
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        int cs = codeSize();
        for (int i = 0; i < rows; i++) {
            int co = codesOff + i * cs, oo = outOff + i * d;
            for (int j = 0; j < d; j++) out[oo + j] = ((codes[co + (j >> 3)] >> (j & 7)) & 1) != 0 ? high[j] : low[j];
        }
    }

    @Override
    public CodeDistance distance(Metric metric) {
        return new TableDistance(metric);
    }

    /** Partial scores of every byte value, per code byte: lut[b * 256 + v]. */
    private final class TableDistance implements CodeDistance {
        private final Metric metric;
        private final float[] lut = new float[codeSize() * 256];

        TableDistance(Metric metric) {
            this.metric = metric;
        }

        @Override
        public void setQuery(float[] q, int off) {
            float[] e0 = new float[8], e1 = new float[8];
            for (int b = 0; b < codeSize(); b++) {
                float base = 0;
                for (int k = 0; k < 8; k++) {
                    int j = 8 * b + k;
                    if (j >= d) {
                        e0[k] = e1[k] = 0;
                    } else if (metric == Metric.L2) {
                        float a = q[off + j] - low[j], c = q[off + j] - high[j];
                        e0[k] = a * a;
                        e1[k] = c * c;
                    } else {
                        e0[k] = -q[off + j] * low[j];
                        e1[k] = -q[off + j] * high[j];
                    }
                    base += e0[k];
                }
                int t = b * 256;
                lut[t] = base;
                // each value is a smaller one plus its lowest set bit switched from the low to the high level
                for (int v = 1; v < 256; v++) {
                    int k = Integer.numberOfTrailingZeros(v);
                    lut[t + v] = lut[t + (v & (v - 1))] + (e1[k] - e0[k]);
                }
            }
        }

        @Override
        public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
            int cs = codeSize();
            for (int i = from; i < to; i++) {
                int co = i * cs;
                float s0 = 0, s1 = 0;
                int b = 0;
                for (; b + 1 < cs; b += 2) {
                    s0 += lut[(b << 8) + (codes[co + b] & 0xff)];
                    s1 += lut[((b + 1) << 8) + (codes[co + b + 1] & 0xff)];
                }
                if (b < cs) s0 += lut[(b << 8) + (codes[co + b] & 0xff)];
                out[outOff + i - from] = s0 + s1;
            }
        }
    }
}
