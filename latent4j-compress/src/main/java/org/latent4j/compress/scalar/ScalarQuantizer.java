package org.latent4j.compress.scalar;

import java.util.Map;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Metric;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.Kernels;

/**
 * Uniform scalar quantization of each dimension j over [min_j, max_j] of the training rows, in 2^nbits levels of
 * width step_j = (max_j - min_j) / 2^nbits: code = clamp(floor((x - min_j) / step_j), 0, 2^nbits - 1), decoded to
 * the level's centre min_j + (code + 0.5) step_j. Values outside the training range clamp to the end levels; a
 * dimension constant in training (step 0) decodes to that constant.
 *
 * <p>Layout: nbits 8, byte j = dimension j; nbits 4, dimension 2i in the low nibble of byte i and 2i + 1 in its
 * high nibble (an odd last dimension leaves the high nibble 0). The asymmetric distance decodes each value on the
 * fly, so it is the exact distance from the query to the decoded vector (up to float rounding).
 */
public final class ScalarQuantizer implements Compressor {
    private final int bits;
    private final int d;
    private final float[] min;
    private final float[] step;
    /** 1 / step_j, or 0 for a constant dimension so that every value maps to level 0. */
    private final float[] inverseStep;

    private ScalarQuantizer(int bits, float[] min, float[] step) {
        this.bits = bits;
        this.d = min.length;
        this.min = min;
        this.step = step;
        this.inverseStep = new float[d];
        for (int j = 0; j < d; j++) inverseStep[j] = step[j] > 0 ? 1f / step[j] : 0f;
    }

    static ScalarQuantizer fit(int bits, Tensor train) {
        Tensor t = train.contiguous();
        int n = t.dim(0), d = t.dim(1);
        float[] x = t.data();
        int off = t.offset();
        float[] lo = new float[d], hi = new float[d];
        System.arraycopy(x, off, lo, 0, d);
        System.arraycopy(x, off, hi, 0, d);
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float v = x[off + i * d + j];
                if (v < lo[j]) lo[j] = v;
                if (v > hi[j]) hi[j] = v;
            }
        }
        float[] step = new float[d];
        int levels = 1 << bits;
        for (int j = 0; j < d; j++) {
            if (!Float.isFinite(lo[j]) || !Float.isFinite(hi[j])) {
                throw new IllegalArgumentException("SQ" + bits + " fit: dimension " + j + " of the training rows holds a value that is not finite");
            }
            step[j] = (float) (((double) hi[j] - lo[j]) / levels);
        }
        return new ScalarQuantizer(bits, lo, step);
    }

    static ScalarQuantizer load(int bits, StageState state) {
        Tensor min = state.tensor("min"), step = state.tensor("step");
        if (min.rank() != 1 || step.rank() != 1 || min.dim(0) != step.dim(0) || min.dim(0) < 1) {
            throw new IllegalArgumentException("stage " + state.token() + ": arrays 'min' and 'step' must be two vectors of one length, got shapes "
                    + java.util.Arrays.toString(min.shape()) + " and " + java.util.Arrays.toString(step.shape()));
        }
        float[] m = min.contiguous().toArray(), s = step.contiguous().toArray();
        for (int j = 0; j < s.length; j++) {
            if (!Float.isFinite(m[j]) || !(s[j] >= 0) || !Float.isFinite(s[j])) {
                throw new IllegalArgumentException("stage " + state.token() + ": dimension " + j + " has min " + m[j] + " and step " + s[j]
                        + "; a step must be finite and not negative");
            }
        }
        return new ScalarQuantizer(bits, m, s);
    }

    @Override
    public String token() {
        return "SQ" + bits;
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public StageState state() {
        return new StageState("SQ", token(), "{}", Map.of("min", Tensor.wrap(min.clone(), d), "step", Tensor.wrap(step.clone(), d)));
    }

    @Override
    public int codeSize() {
        return bits == 8 ? d : (d + 1) / 2;
    }

    private int level(float v, int j) {
        float f = (v - min[j]) * inverseStep[j];
        int top = (1 << bits) - 1;
        // NaN compares false both ways and lands on level 0
        if (!(f >= 0)) return 0;
        return f >= top ? top : (int) f;
    }

    @Override
    public void encode(float[] x, int xOff, int rows, byte[] codes, int codesOff) {
        int cs = codeSize();
        for (int i = 0; i < rows; i++) {
            int xo = xOff + i * d, co = codesOff + i * cs;
            if (bits == 8) {
                for (int j = 0; j < d; j++) codes[co + j] = (byte) level(x[xo + j], j);
            } else {
                for (int j = 0; j < d; j += 2) {
                    int lo = level(x[xo + j], j);
                    int hi = j + 1 < d ? level(x[xo + j + 1], j + 1) : 0;
                    codes[co + j / 2] = (byte) (lo | hi << 4);
                }
            }
        }
    }

    private int codeOf(byte[] codes, int co, int j) {
        return bits == 8 ? codes[co + j] & 0xff : (codes[co + (j >> 1)] >> ((j & 1) << 2)) & 0xf;
    }

    @Override
    public void decode(byte[] codes, int codesOff, int rows, float[] out, int outOff) {
        int cs = codeSize();
        for (int i = 0; i < rows; i++) {
            int co = codesOff + i * cs, oo = outOff + i * d;
            for (int j = 0; j < d; j++) out[oo + j] = min[j] + (codeOf(codes, co, j) + 0.5f) * step[j];
        }
    }

    @Override
    public CodeDistance distance(Metric metric) {
        return metric == Metric.L2 ? new L2Distance() : new InnerProductDistance();
    }

    /**
     * ||q - (min + (c + 0.5) step)||^2 = sum_j (a_j - c_j step_j)^2 with a_j = q_j - min_j - step_j / 2 prepared
     * once per query; the engine's {@link CodeScan#sqL2} sums it.
     */
    private final class L2Distance implements CodeDistance {
        private final float[] a = new float[d];

        @Override
        public void setQuery(float[] q, int off) {
            for (int j = 0; j < d; j++) a[j] = q[off + j] - (min[j] + 0.5f * step[j]);
        }

        @Override
        public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
            int cs = codeSize();
            Kernels.codeScan().sqL2(bits, d, a, step, codes, from * cs, cs, to - from, out, outOff);
        }
    }

    /**
     * -q . (min + (c + 0.5) step) = -(base + sum_j w_j c_j) with w_j = q_j step_j and base fixed per query; the
     * engine's {@link CodeScan#sqInnerProduct} sums it.
     */
    private final class InnerProductDistance implements CodeDistance {
        private final float[] w = new float[d];
        private float base;

        @Override
        public void setQuery(float[] q, int off) {
            double b = 0;
            for (int j = 0; j < d; j++) {
                w[j] = q[off + j] * step[j];
                b += (double) q[off + j] * (min[j] + 0.5f * step[j]);
            }
            base = (float) b;
        }

        @Override
        public void scores(byte[] codes, int from, int to, float[] out, int outOff) {
            int cs = codeSize();
            Kernels.codeScan().sqInnerProduct(bits, d, w, base, codes, from * cs, cs, to - from, out, outOff);
        }
    }
}
