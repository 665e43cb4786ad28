package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.Strided;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/** Element-wise arithmetic with NumPy broadcasting, and the element-wise math functions. */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    /** Elements per parallel task for element-wise work: large enough that a task outweighs its dispatch. */
    static final int GRAIN = 1 << 15;

    private enum Kind { ADD, SUB, MUL, DIV }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", Kind.ADD, a, b);
        return Autograd.record("add", out, g -> {
            Autograd.accumulate(a, g);
            Autograd.accumulate(b, g);
        }, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", Kind.SUB, a, b);
        return Autograd.record("sub", out, g -> {
            Autograd.accumulate(a, g);
            if (Autograd.wants(b)) Autograd.accumulate(b, neg(g));
        }, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", Kind.MUL, a, b);
        return Autograd.record("mul", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulate(a, mul(g, b));
            if (Autograd.wants(b)) Autograd.accumulate(b, mul(g, a));
        }, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", Kind.DIV, a, b);
        return Autograd.record("div", out, g -> {
            if (Autograd.wants(a)) Autograd.accumulate(a, div(g, b));
            // d(a/b)/db = -a/b^2 = -out/b
            if (Autograd.wants(b)) Autograd.accumulate(b, neg(mul(g, div(out, b))));
        }, a, b);
    }

    /** a + s */
    public static Tensor add(Tensor a, float s) {
        Tensor x = a.contiguous();
        Tensor out = Tensor.empty(x.shape());
        VectorKernels k = Kernels.vector();
        float[] xd = x.data(), od = out.data();
        int xo = x.offset();
        Parallel.range(x.size(), GRAIN, (lo, hi) -> k.addScalar(xd, xo + lo, s, od, lo, hi - lo));
        return Autograd.record("add_scalar", out, g -> Autograd.accumulate(x, g), x);
    }

    /** a * s */
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

    public static Tensor neg(Tensor a) {
        Tensor x = a.contiguous();
        Tensor out = scaled(x, -1f);
        return Autograd.record("neg", out, g -> Autograd.accumulate(x, scaled(g.contiguous(), -1f)), x);
    }

    private static Tensor binary(String op, Kind kind, Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        VectorKernels k = Kernels.vector();
        if (Arrays.equals(as, bs) && a.isContiguous() && b.isContiguous()) {
            Tensor out = Tensor.empty(as);
            float[] ad = a.data(), bd = b.data(), od = out.data();
            int ao = a.offset(), bo = b.offset();
            Parallel.range(out.size(), GRAIN, (lo, hi) -> {
                int n = hi - lo;
                switch (kind) {
                    case ADD -> k.add(ad, ao + lo, bd, bo + lo, od, lo, n);
                    case SUB -> k.sub(ad, ao + lo, bd, bo + lo, od, lo, n);
                    case MUL -> k.mul(ad, ao + lo, bd, bo + lo, od, lo, n);
                    case DIV -> k.div(ad, ao + lo, bd, bo + lo, od, lo, n);
                }
            });
            return out;
        }
        int[] os = Shape.broadcast(op, as, bs);
        Tensor out = Tensor.empty(os);
        // Fast path: b is a contiguous row broadcast over the leading dims of a contiguous a (bias add).
        int inner = b.size();
        if (a.isContiguous() && b.isContiguous() && Arrays.equals(as, os) && inner > 0
                && isTrailingRow(bs, os)) {
            float[] ad = a.data(), bd = b.data(), od = out.data();
            int ao = a.offset(), bo = b.offset();
            int rows = out.size() / inner;
            Parallel.range(rows, Math.max(1, GRAIN / inner), (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int p = r * inner;
                    switch (kind) {
                        case ADD -> k.add(ad, ao + p, bd, bo, od, p, inner);
                        case SUB -> k.sub(ad, ao + p, bd, bo, od, p, inner);
                        case MUL -> k.mul(ad, ao + p, bd, bo, od, p, inner);
                        case DIV -> k.div(ad, ao + p, bd, bo, od, p, inner);
                    }
                }
            });
            return out;
        }
        int[] aStr = new int[as.length], bStr = new int[bs.length];
        for (int i = 0; i < as.length; i++) aStr[i] = a.stride(i);
        for (int i = 0; i < bs.length; i++) bStr[i] = b.stride(i);
        Strided.FloatBinary f = switch (kind) {
            case ADD -> (x, y) -> x + y;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> x / y;
        };
        Strided.broadcastBinary(a.data(), a.offset(), Shape.broadcastStrides(as, aStr, os),
                b.data(), b.offset(), Shape.broadcastStrides(bs, bStr, os), out.data(), out.offset(), os, f);
        return out;
    }

    /** Whether {@code bs}, after dropping leading 1s, equals the trailing dims of {@code os}. */
    private static boolean isTrailingRow(int[] bs, int[] os) {
        int start = 0;
        while (start < bs.length && bs[start] == 1) start++;
        int len = bs.length - start;
        if (len > os.length) return false;
        for (int i = 0; i < len; i++) if (bs[start + i] != os[os.length - len + i]) return false;
        return true;
    }

    // ---- element-wise math: implemented in the ops issue work (each with forward and backward)

    public static Tensor exp(Tensor a) {
        throw new UnsupportedOperationException("exp: not implemented yet");
    }

    public static Tensor log(Tensor a) {
        throw new UnsupportedOperationException("log: not implemented yet");
    }

    public static Tensor log1p(Tensor a) {
        throw new UnsupportedOperationException("log1p: not implemented yet");
    }

    public static Tensor sqrt(Tensor a) {
        throw new UnsupportedOperationException("sqrt: not implemented yet");
    }

    public static Tensor square(Tensor a) {
        throw new UnsupportedOperationException("square: not implemented yet");
    }

    public static Tensor pow(Tensor a, float p) {
        throw new UnsupportedOperationException("pow: not implemented yet");
    }

    public static Tensor abs(Tensor a) {
        throw new UnsupportedOperationException("abs: not implemented yet");
    }

    public static Tensor clamp(Tensor a, float min, float max) {
        throw new UnsupportedOperationException("clamp: not implemented yet");
    }
}
