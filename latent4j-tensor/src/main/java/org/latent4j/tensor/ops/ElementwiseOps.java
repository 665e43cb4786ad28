package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/** Element-wise arithmetic with NumPy broadcasting, and the element-wise math functions. */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    /** Elements per parallel task for element-wise work: large enough that a task outweighs its dispatch. */
    static final int GRAIN = 1 << 15;

    private enum Kind { ADD, SUB, MUL, DIV, GREATER }

    /**
     * {@return a + b element by element, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand
     */
    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", Kind.ADD, a, b);
        return Autograd.record("add", out, g -> {
            Autograd.accumulate(a, g);
            Autograd.accumulate(b, g);
        }, a, b);
    }

    /**
     * {@return a - b element by element, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand
     */
    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", Kind.SUB, a, b);
        return Autograd.record("sub", out, g -> {
            Autograd.accumulate(a, g);
            if (Autograd.wants(b)) Autograd.accumulate(b, neg(g));
        }, a, b);
    }

    /**
     * {@return a * b element by element, with broadcasting}
     *
     * @param a the left operand
     * @param b the right operand
     */
    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", Kind.MUL, a, b);
        return Autograd.record("mul", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulate(a, mul(g, b));
            if (Autograd.wants(b)) Autograd.accumulate(b, mul(g, a));
        }, a, b);
    }

    /**
     * {@return a / b element by element, with broadcasting}
     *
     * @param a the dividend
     * @param b the divisor
     */
    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", Kind.DIV, a, b);
        return Autograd.record("div", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulate(a, div(g, b));
            // d(a/b)/db = -a/b^2 = -out/b
            if (Autograd.wants(b)) Autograd.accumulate(b, neg(mul(g, div(out, b))));
        }, a, b);
    }

    /**
     * a + s
     *
     * @param a the tensor
     * @param s the scalar added to every element
     * @return a tensor of a's shape
     */
    public static Tensor add(Tensor a, float s) {
        Tensor x = a.contiguous();
        Tensor out = Tensor.empty(x.shape());
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        Parallel.range(x.size(), GRAIN, (lo, hi) -> k.addScalar(xd, xo + lo, s, od, lo, hi - lo));
        return Autograd.record("add_scalar", out, g -> Autograd.accumulate(x, g), x);
    }

    /**
     * a * s
     *
     * @param a the tensor
     * @param s the factor
     * @return a tensor of a's shape
     */
    public static Tensor mul(Tensor a, float s) {
        Tensor x = a.contiguous();
        Tensor out = scaled(x, s);
        return Autograd.record("mul_scalar", out, g -> Autograd.accumulate(x, scaled(g.contiguous(), s)), x);
    }

    private static Tensor scaled(Tensor x, float s) {
        Tensor out = Tensor.empty(x.shape());
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        Parallel.range(x.size(), GRAIN, (lo, hi) -> k.mulScalar(xd, xo + lo, s, od, lo, hi - lo));
        return out;
    }

    /**
     * {@return -a element by element}
     *
     * @param a the input
     */
    public static Tensor neg(Tensor a) {
        Tensor x = a.contiguous();
        Tensor out = scaled(x, -1f);
        return Autograd.record("neg", out, g -> Autograd.accumulate(x, scaled(g.contiguous(), -1f)), x);
    }

    /** Computes a op b into a new tensor of the broadcast shape. */
    private static Tensor binary(String op, Kind kind, Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        VectorKernels k = Kernels.vector();
        float[] ad = a.data(), bd = b.data();
        if (Arrays.equals(as, bs) && a.isContiguous() && b.isContiguous()) {
            Tensor out = Tensor.empty(as);
            float[] od = out.data();
            int ao = a.offset(), bo = b.offset();
            Parallel.range(out.size(), GRAIN, (lo, hi) -> row(kind, k, ad, ao + lo, 1, bd, bo + lo, 1, od, lo, hi - lo));
            return out;
        }
        int[] os = Shape.broadcast(op, as, bs);
        Tensor out = Tensor.empty(os);
        if (out.size() == 0) return out;
        float[] od = out.data();
        BroadcastPlan plan = new BroadcastPlan(os, a, b);
        int inner = plan.inner();
        int[] sa = plan.strides[0], sb = plan.strides[1];
        int isa = sa[sa.length - 1], isb = sb[sb.length - 1];
        Parallel.range(out.size() / inner, Math.max(1, GRAIN / inner), (lo, hi) -> {
            int[] idx = plan.index(lo);
            int pa = a.offset() + plan.offset(0, idx), pb = b.offset() + plan.offset(1, idx);
            for (int r = lo; r < hi; r++) {
                row(kind, k, ad, pa, isa, bd, pb, isb, od, r * inner, inner);
                for (int d = idx.length - 2; d >= 0; d--) {
                    pa += sa[d];
                    pb += sb[d];
                    if (++idx[d] < plan.dims[d]) break;
                    pa -= sa[d] * plan.dims[d];
                    pb -= sb[d] * plan.dims[d];
                    idx[d] = 0;
                }
            }
        });
        return out;
    }

    /**
     * One row of a binary op: each operand steps by 1 (a row), by 0 (one value broadcast along the row)
     * or, for non-contiguous inputs, by its own stride. The first three cases go to the vector kernels.
     */
    private static void row(Kind kind, VectorKernels k, float[] a, int pa, int sa, float[] b, int pb, int sb, float[] out, int o, int n) {
        if (sa == 1 && sb == 1) {
            switch (kind) {
                case ADD -> k.add(a, pa, b, pb, out, o, n);
                case SUB -> k.sub(a, pa, b, pb, out, o, n);
                case MUL -> k.mul(a, pa, b, pb, out, o, n);
                case DIV -> k.div(a, pa, b, pb, out, o, n);
                case GREATER -> {
                    for (int j = 0; j < n; j++) out[o + j] = a[pa + j] > b[pb + j] ? 1f : 0f;
                }
            }
        } else if (sa == 1 && sb == 0) {
            float s = b[pb];
            switch (kind) {
                case ADD -> k.addScalar(a, pa, s, out, o, n);
                case SUB -> k.addScalar(a, pa, -s, out, o, n); // x - s and x + (-s) round identically
                case MUL -> k.mulScalar(a, pa, s, out, o, n);
                case DIV -> k.divScalar(a, pa, s, out, o, n);
                case GREATER -> {
                    for (int j = 0; j < n; j++) out[o + j] = a[pa + j] > s ? 1f : 0f;
                }
            }
        } else if (sa == 0 && sb == 1 && (kind == Kind.ADD || kind == Kind.MUL)) {
            float s = a[pa];
            if (kind == Kind.ADD) k.addScalar(b, pb, s, out, o, n);
            else k.mulScalar(b, pb, s, out, o, n);
        } else {
            for (int j = 0, qa = pa, qb = pb; j < n; j++, qa += sa, qb += sb) out[o + j] = apply(kind, a[qa], b[qb]);
        }
    }

    private static float apply(Kind kind, float x, float y) {
        return switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case GREATER -> x > y ? 1f : 0f;
        };
    }

    /**
     * How to walk operands broadcast to an output shape row by row: the output dimensions with size-1
     * dimensions dropped and neighbours merged wherever every operand steps through them as through one
     * dimension (so [n, c, d] + [c, d] becomes rows of c*d), and each operand's strides on them (0 where
     * it is broadcast).
     */
    static final class BroadcastPlan {
        final int[] dims;
        final int[][] strides;

        BroadcastPlan(int[] outShape, Tensor... operands) {
            int[][] full = new int[operands.length][];
            for (int i = 0; i < operands.length; i++) {
                Tensor t = operands[i];
                int[] st = new int[t.rank()];
                for (int d = 0; d < st.length; d++) st[d] = t.stride(d);
                full[i] = Shape.broadcastStrides(t.shape(), st, outShape);
            }
            int[] dimsBuf = new int[Math.max(1, outShape.length)];
            int[][] strideBuf = new int[operands.length][dimsBuf.length];
            int r = 0;
            for (int d = 0; d < outShape.length; d++) {
                if (outShape[d] == 1) continue;
                boolean merge = r > 0;
                for (int i = 0; i < operands.length && merge; i++) merge = strideBuf[i][r - 1] == outShape[d] * full[i][d];
                if (merge) {
                    dimsBuf[r - 1] *= outShape[d];
                    for (int i = 0; i < operands.length; i++) strideBuf[i][r - 1] = full[i][d];
                } else {
                    dimsBuf[r] = outShape[d];
                    for (int i = 0; i < operands.length; i++) strideBuf[i][r] = full[i][d];
                    r++;
                }
            }
            if (r == 0) { // every dimension is 1: a single element
                dimsBuf[0] = 1;
                r = 1;
            }
            dims = Arrays.copyOf(dimsBuf, r);
            strides = new int[operands.length][];
            for (int i = 0; i < operands.length; i++) strides[i] = Arrays.copyOf(strideBuf[i], r);
        }

        /** Length of a row (the innermost merged dimension). */
        int inner() {
            return dims[dims.length - 1];
        }

        /** Odometer position of the first element of row {@code row}. */
        int[] index(int row) {
            int[] idx = new int[dims.length];
            for (int d = dims.length - 2; d >= 0; d--) {
                idx[d] = row % dims[d];
                row /= dims[d];
            }
            return idx;
        }

        /** Offset, relative to the operand's own offset, of odometer position {@code idx}. */
        int offset(int operand, int[] idx) {
            int p = 0;
            for (int d = 0; d < idx.length; d++) p += idx[d] * strides[operand][d];
            return p;
        }
    }

    /**
     * 1 where a > b, else 0 (NaN compares false), with broadcasting; a mask for {@link #where}, so no gradient.
     *
     * @param a the left operand
     * @param b the right operand
     * @return a tensor of 0s and 1s in the broadcast shape
     */
    public static Tensor greater(Tensor a, Tensor b) {
        return Autograd.record("greater", binary("greater", Kind.GREATER, a, b), null, a, b);
    }

    /**
     * mask != 0 ? a : b element by element, all three broadcast together. The gradient goes to a where
     * the mask is non-zero and to b elsewhere; the mask gets none.
     *
     * @param mask where non-zero, a is taken
     * @param a the values taken where the mask is non-zero
     * @param b the values taken elsewhere
     * @return a tensor of the broadcast shape
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] os;
        try {
            os = Shape.broadcast("where", Shape.broadcast("where", mask.shape(), a.shape()), b.shape());
        } catch (ShapeException e) {
            throw new ShapeException("where: shapes " + Shape.str(mask.shape()) + " (mask), " + Shape.str(a.shape()) + " and "
                    + Shape.str(b.shape()) + " cannot be broadcast together");
        }
        Tensor out = Tensor.empty(os);
        if (out.size() > 0) {
            VectorKernels k = Kernels.vector();
            float[] md = mask.data(), ad = a.data(), bd = b.data(), od = out.data();
            BroadcastPlan plan = new BroadcastPlan(os, mask, a, b);
            int inner = plan.inner();
            int[] sm = plan.strides[0], sa = plan.strides[1], sb = plan.strides[2];
            int last = sm.length - 1;
            int ism = sm[last], isa = sa[last], isb = sb[last];
            Parallel.range(out.size() / inner, Math.max(1, GRAIN / inner), (lo, hi) -> {
                int[] idx = plan.index(lo);
                int pm = mask.offset() + plan.offset(0, idx), pa = a.offset() + plan.offset(1, idx), pb = b.offset() + plan.offset(2, idx);
                for (int r = lo; r < hi; r++) {
                    int o = r * inner;
                    if (ism == 1 && isa == 1 && isb == 1) {
                        k.select(md, pm, ad, pa, bd, pb, od, o, inner);
                    } else {
                        for (int j = 0, qm = pm, qa = pa, qb = pb; j < inner; j++, qm += ism, qa += isa, qb += isb) {
                            od[o + j] = md[qm] != 0f ? ad[qa] : bd[qb];
                        }
                    }
                    for (int d = idx.length - 2; d >= 0; d--) {
                        pm += sm[d];
                        pa += sa[d];
                        pb += sb[d];
                        if (++idx[d] < plan.dims[d]) break;
                        pm -= sm[d] * plan.dims[d];
                        pa -= sa[d] * plan.dims[d];
                        pb -= sb[d] * plan.dims[d];
                        idx[d] = 0;
                    }
                }
            });
        }
        return Autograd.record("where", out, g -> {
            Tensor zero = Tensor.scalar(0f);
            if (Autograd.wants(a)) Autograd.accumulate(a, where(mask, g, zero));
            if (Autograd.wants(b)) Autograd.accumulate(b, where(mask, zero, g));
        }, a, b);
    }

    // ---- element-wise math

    /** A kernel applied to one chunk: reads n elements of a at ao, writes n elements of out at oo. */
    @FunctionalInterface
    interface UnaryKernel {
        void apply(VectorKernels k, float[] a, int ao, float[] out, int oo, int n);
    }

    /** A kernel of two same-shaped sources applied to one chunk. */
    @FunctionalInterface
    interface BinaryKernel {
        void apply(VectorKernels k, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);
    }

    /** f over a contiguous x into a new tensor, in parallel chunks of GRAIN elements. */
    static Tensor map(Tensor x, UnaryKernel f) {
        return map(x, f, Tensor.empty(x.shape()));
    }

    /** f over a contiguous x into the contiguous {@code out} of the same size (which may be x). */
    static Tensor map(Tensor x, UnaryKernel f, Tensor out) {
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), od = out.data();
        int xo = x.offset(), oo = out.offset();
        Parallel.range(x.size(), GRAIN, (lo, hi) -> f.apply(k, xd, xo + lo, od, oo + lo, hi - lo));
        return out;
    }

    /** f over two tensors of the same shape (made contiguous) into a new tensor. */
    static Tensor zip(Tensor a, Tensor b, BinaryKernel f) {
        return zip(a, b, f, null);
    }

    /** f over two tensors of the same shape into {@code out}, which may be one of them (contiguous), or null for a new tensor. */
    static Tensor zip(Tensor a, Tensor b, BinaryKernel f, Tensor out) {
        Tensor x = a.contiguous(), y = b.contiguous();
        Tensor o = out == null ? Tensor.empty(x.shape()) : out;
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), yd = y.data(), od = o.data();
        int xo = x.offset(), yo = y.offset(), oo = o.offset();
        Parallel.range(x.size(), GRAIN, (lo, hi) -> f.apply(k, xd, xo + lo, yd, yo + lo, od, oo + lo, hi - lo));
        return o;
    }

    /**
     * {@return exp(a) element by element}
     *
     * @param a the input
     */
    public static Tensor exp(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::exp);
        return Autograd.record("exp", y, g -> Autograd.accumulate(x, zip(g, y, VectorKernels::mul)), x);
    }

    /**
     * {@return the natural logarithm of a, element by element}
     *
     * @param a the input
     */
    public static Tensor log(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::log);
        return Autograd.record("log", y, g -> Autograd.accumulate(x, zip(g, x, VectorKernels::div)), x);
    }

    /**
     * {@return ln(1 + a) element by element, accurate for small a}
     *
     * @param a the input
     */
    public static Tensor log1p(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::log1p);
        return Autograd.record("log1p", y, g -> {
            Tensor t = map(x, (k, s, so, o, oo, n) -> k.addScalar(s, so, 1f, o, oo, n));
            Autograd.accumulate(x, zip(g, t, VectorKernels::div, t));
        }, x);
    }

    /**
     * {@return the square root of a, element by element (NaN below 0)}
     *
     * @param a the input
     */
    public static Tensor sqrt(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::sqrt);
        return Autograd.record("sqrt", y, g -> {
            Tensor t = zip(g, y, VectorKernels::div);
            Autograd.accumulate(x, map(t, (k, s, so, o, oo, n) -> k.mulScalar(s, so, 0.5f, o, oo, n), t));
        }, x);
    }

    /**
     * {@return a^2 element by element}
     *
     * @param a the input
     */
    public static Tensor square(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = zip(x, x, VectorKernels::mul);
        return Autograd.record("square", y, g -> Autograd.accumulate(x, twice(zip(g, x, VectorKernels::mul))), x);
    }

    private static Tensor twice(Tensor t) {
        return map(t, (k, s, so, o, oo, n) -> k.mulScalar(s, so, 2f, o, oo, n), t);
    }

    /**
     * a^p element by element (Math.pow semantics: negative a with a non-integer p gives NaN).
     *
     * @param a the base
     * @param p the exponent
     * @return a tensor of a's shape
     */
    public static Tensor pow(Tensor a, float p) {
        Tensor x = a.contiguous();
        Tensor y = powValues(x, p);
        return Autograd.record("pow", y, g -> {
            // d/dx x^p = p x^(p-1), and 0 for p = 0 (even where x^(p-1) is infinite)
            if (p == 0f) return;
            Tensor t = zip(powValues(x, p - 1f), g, VectorKernels::mul);
            Autograd.accumulate(x, map(t, (k, s, so, o, oo, n) -> k.mulScalar(s, so, p, o, oo, n), t));
        }, x);
    }

    private static Tensor powValues(Tensor x, float p) {
        if (p == 1f) return map(x, (k, s, so, o, oo, n) -> System.arraycopy(s, so, o, oo, n));
        if (p == 2f) return zip(x, x, VectorKernels::mul);
        if (p == 0.5f) return map(x, VectorKernels::sqrt);
        // Math.pow costs tens of nanoseconds an element; the reciprocals (the IMQ kernel's x^-1 and its gradient's x^-2,
        // hundreds of thousands a WAE step) are one division, in double so that x^-2 cannot overflow or lose x*x
        if (p == -1f) return map(x, (k, s, so, o, oo, n) -> {
            for (int i = 0; i < n; i++) o[oo + i] = (float) (1.0 / s[so + i]);
        });
        if (p == -2f) return map(x, (k, s, so, o, oo, n) -> {
            for (int i = 0; i < n; i++) {
                double v = s[so + i];
                o[oo + i] = (float) (1.0 / (v * v));
            }
        });
        return map(x, (k, s, so, o, oo, n) -> {
            for (int i = 0; i < n; i++) o[oo + i] = (float) Math.pow(s[so + i], p);
        });
    }

    /**
     * {@return |a| element by element; the gradient at 0 is 0}
     *
     * @param a the input
     */
    public static Tensor abs(Tensor a) {
        Tensor x = a.contiguous();
        Tensor y = map(x, VectorKernels::abs);
        return Autograd.record("abs", y, g -> Autograd.accumulate(x, zip(x, g, VectorKernels::absBackward)), x);
    }

    /**
     * Clamps into [min, max]; the gradient is 1 inside (bounds included) and 0 outside.
     *
     * @param a the input
     * @param min the lower bound
     * @param max the upper bound
     * @return a tensor of a's shape
     */
    public static Tensor clamp(Tensor a, float min, float max) {
        if (!(min <= max)) throw new IllegalArgumentException("clamp: min " + min + " is not <= max " + max);
        Tensor x = a.contiguous();
        Tensor y = map(x, (k, s, so, o, oo, n) -> k.clamp(s, so, min, max, o, oo, n));
        return Autograd.record("clamp", y, g -> Autograd.accumulate(x,
                zip(x, g, (k, xs, xo, gs, go, o, oo, n) -> k.clampBackward(xs, xo, min, max, gs, go, o, oo, n))), x);
    }
}
