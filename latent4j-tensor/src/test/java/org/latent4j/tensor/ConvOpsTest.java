package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.ops.Conv2dGeometry;
import org.latent4j.tensor.ops.ConvOps;
import org.latent4j.tensor.parallel.Parallel;

/**
 * conv2d and convTranspose2d: forward against direct double-precision loops and against PyTorch's values,
 * gradients against finite differences, the transposed op as the adjoint of the other, bit-identical
 * results for 1, 2 and 3 threads, pooled temporaries, scalar against Vector-API kernels, and the errors.
 */
class ConvOpsTest {

    /** One problem: batch n, channels c in and o out, an h x w input, a kh x kw kernel. */
    record Case(String name, int n, int c, int h, int w, int o, int kh, int kw, Conv2dGeometry g, boolean bias) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Conv2dGeometry geo(int sh, int sw, int ph, int pw, int dh, int dw) {
        return new Conv2dGeometry(sh, sw, ph, pw, dh, dw, 0, 0);
    }

    /** Covers stride 1 and 2, padding 0/1/2, dilation 1 and 2, non-square kernels and inputs, C/O of 1 and more, batch 1 and 3. */
    static Stream<Case> convCases() {
        return Stream.of(
                new Case("1ch 3x3 plain", 1, 1, 5, 5, 1, 3, 3, Conv2dGeometry.DEFAULT, true),
                new Case("3x2 kernel s2 p1", 3, 2, 7, 6, 3, 3, 2, geo(2, 2, 1, 1, 1, 1), true),
                new Case("2x3 kernel p2 d2", 2, 3, 8, 9, 2, 2, 3, geo(1, 1, 2, 2, 2, 2), true),
                new Case("mixed per axis", 1, 2, 9, 7, 4, 3, 3, geo(2, 1, 0, 2, 2, 1), false),
                new Case("pointwise", 3, 4, 6, 5, 2, 1, 1, Conv2dGeometry.DEFAULT, true),
                new Case("pointwise strided padded", 1, 3, 5, 4, 2, 1, 1, geo(2, 2, 1, 1, 1, 1), true),
                new Case("k4 s2 p1 (VQ-VAE encoder)", 3, 2, 10, 10, 3, 4, 4, Conv2dGeometry.of(2, 1), true),
                new Case("1 output channel", 3, 3, 6, 7, 1, 2, 2, geo(1, 2, 0, 1, 1, 1), true),
                new Case("kernel as large as the padded input", 2, 2, 3, 4, 2, 5, 6, geo(1, 1, 1, 1, 1, 1), true),
                // 4 channels and more: im2col copies runs of channels instead of going column by column
                new Case("5 channels s2 p1 d(1,2) 3x2", 2, 5, 9, 8, 3, 3, 2, geo(2, 2, 1, 1, 1, 2), true),
                new Case("6 channels p2 d2", 1, 6, 7, 7, 2, 3, 3, geo(1, 1, 2, 2, 2, 2), false));
    }

    /** Transposed cases; output padding below the stride, and below the dilation with stride 1. */
    static Stream<Case> transposedCases() {
        return Stream.of(
                new Case("1ch 3x3 plain", 1, 1, 3, 3, 1, 3, 3, Conv2dGeometry.DEFAULT, true),
                new Case("3x2 kernel s2 p1 op1", 3, 2, 4, 5, 3, 3, 2, geo(2, 2, 1, 1, 1, 1).withOutputPadding(1), true),
                new Case("2x3 kernel p1 d2", 2, 3, 3, 4, 2, 2, 3, geo(1, 1, 1, 1, 2, 2), true),
                new Case("s2 d2 op(1,0)", 1, 2, 4, 3, 4, 3, 3, geo(2, 2, 2, 0, 2, 1).withOutputPadding(1, 0), false),
                new Case("stride 1 op below dilation", 2, 2, 3, 4, 3, 3, 3, geo(1, 1, 1, 1, 2, 2).withOutputPadding(1), true),
                new Case("pointwise", 3, 4, 4, 5, 2, 1, 1, Conv2dGeometry.DEFAULT, true),
                new Case("k4 s2 p1 (VQ-VAE decoder)", 3, 3, 5, 5, 2, 4, 4, Conv2dGeometry.of(2, 1), true),
                new Case("1 output channel s2", 3, 3, 3, 4, 1, 4, 4, Conv2dGeometry.of(2, 1).withOutputPadding(1), true),
                new Case("5 output channels s2 d(1,2) op1", 2, 3, 4, 4, 5, 3, 3, geo(2, 2, 1, 1, 1, 2).withOutputPadding(1), true),
                new Case("6 output channels p2 d2", 1, 2, 3, 4, 6, 3, 2, geo(1, 1, 2, 2, 2, 2), false));
    }

    static int convOut(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    static int transposedOut(int in, int k, int s, int p, int d, int op) {
        return (in - 1) * s - 2 * p + d * (k - 1) + op + 1;
    }

    // ------------------------------------------------------------------ independent references (double, direct loops)

    /** out[n,o,i,j] = b[o] + sum x[n,c,i s - p + a d, j s - p + b d] w[o,c,a,b], straight from the definition. */
    static double[] conv2dReference(float[] x, int[] xs, float[] w, int[] ws, float[] b, Conv2dGeometry g) {
        int n = xs[0], c = xs[1], h = xs[2], wi = xs[3], o = ws[0], kh = ws[2], kw = ws[3];
        int ho = convOut(h, kh, g.strideH(), g.paddingH(), g.dilationH());
        int wo = convOut(wi, kw, g.strideW(), g.paddingW(), g.dilationW());
        double[] out = new double[n * o * ho * wo];
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = b == null ? 0 : b[oc];
                        for (int ic = 0; ic < c; ic++) {
                            for (int a = 0; a < kh; a++) {
                                int y = i * g.strideH() - g.paddingH() + a * g.dilationH();
                                if (y < 0 || y >= h) continue;
                                for (int bb = 0; bb < kw; bb++) {
                                    int xx = j * g.strideW() - g.paddingW() + bb * g.dilationW();
                                    if (xx < 0 || xx >= wi) continue;
                                    s += (double) x[((in * c + ic) * h + y) * wi + xx] * w[((oc * c + ic) * kh + a) * kw + bb];
                                }
                            }
                        }
                        out[((in * o + oc) * ho + i) * wo + j] = s;
                    }
                }
            }
        }
        return out;
    }

    /** Scatter form: every input pixel spreads x w[c, o] over the output positions it reaches. */
    static double[] transposedReference(float[] x, int[] xs, float[] w, int[] ws, float[] b, Conv2dGeometry g) {
        int n = xs[0], c = xs[1], h = xs[2], wi = xs[3], o = ws[1], kh = ws[2], kw = ws[3];
        int ho = transposedOut(h, kh, g.strideH(), g.paddingH(), g.dilationH(), g.outputPaddingH());
        int wo = transposedOut(wi, kw, g.strideW(), g.paddingW(), g.dilationW(), g.outputPaddingW());
        double[] out = new double[n * o * ho * wo];
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                for (int q = 0; q < ho * wo; q++) out[(in * o + oc) * ho * wo + q] = b == null ? 0 : b[oc];
            }
            for (int ic = 0; ic < c; ic++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wi; j++) {
                        double v = x[((in * c + ic) * h + i) * wi + j];
                        for (int oc = 0; oc < o; oc++) {
                            for (int a = 0; a < kh; a++) {
                                int y = i * g.strideH() - g.paddingH() + a * g.dilationH();
                                if (y < 0 || y >= ho) continue;
                                for (int bb = 0; bb < kw; bb++) {
                                    int xx = j * g.strideW() - g.paddingW() + bb * g.dilationW();
                                    if (xx < 0 || xx >= wo) continue;
                                    out[((in * o + oc) * ho + y) * wo + xx] += v * w[((ic * o + oc) * kh + a) * kw + bb];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Each element within 1e-5 of the largest |reference| (the sums are a few hundred terms at most) plus 1e-6. */
    static void assertMatches(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= 1e-5 * scale + 1e-6)) fail(what + ": element " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }

    static Tensor[] inputs(Case k, boolean transposed, long seed) {
        Tensor x = randn(seed, k.n, k.c, k.h, k.w);
        Tensor w = transposed ? randn(seed + 1, k.c, k.o, k.kh, k.kw) : randn(seed + 1, k.o, k.c, k.kh, k.kw);
        Tensor b = k.bias ? randn(seed + 2, k.o) : null;
        return b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
    }

    static Tensor bias(Tensor[] t) {
        return t.length > 2 ? t[2] : null;
    }

    // ------------------------------------------------------------------ forward against the direct loops

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void conv2dForwardMatchesDirectLoops(Case k) {
        Tensor[] t = inputs(k, false, 11);
        Tensor out = ConvOps.conv2d(t[0], t[1], bias(t), k.g);
        int ho = convOut(k.h, k.kh, k.g.strideH(), k.g.paddingH(), k.g.dilationH());
        int wo = convOut(k.w, k.kw, k.g.strideW(), k.g.paddingW(), k.g.dilationW());
        assertArrayEquals(new int[] {k.n, k.o, ho, wo}, out.shape());
        float[] b = bias(t) == null ? null : bias(t).toArray();
        assertMatches(conv2dReference(t[0].toArray(), t[0].shape(), t[1].toArray(), t[1].shape(), b, k.g), out.toArray(), k.name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposedCases")
    void convTranspose2dForwardMatchesDirectLoops(Case k) {
        Tensor[] t = inputs(k, true, 21);
        Tensor out = ConvOps.convTranspose2d(t[0], t[1], bias(t), k.g);
        int ho = transposedOut(k.h, k.kh, k.g.strideH(), k.g.paddingH(), k.g.dilationH(), k.g.outputPaddingH());
        int wo = transposedOut(k.w, k.kw, k.g.strideW(), k.g.paddingW(), k.g.dilationW(), k.g.outputPaddingW());
        assertArrayEquals(new int[] {k.n, k.o, ho, wo}, out.shape());
        float[] b = bias(t) == null ? null : bias(t).toArray();
        assertMatches(transposedReference(t[0].toArray(), t[0].shape(), t[1].toArray(), t[1].shape(), b, k.g), out.toArray(), k.name);
    }

    // ------------------------------------------------------------------ gradients against finite differences

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void conv2dGradientsMatchFiniteDifferences(Case k) {
        assertGradients(a -> ConvOps.conv2d(a[0], a[1], bias(a), k.g), inputs(k, false, 31));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transposedCases")
    void convTranspose2dGradientsMatchFiniteDifferences(Case k) {
        assertGradients(a -> ConvOps.convTranspose2d(a[0], a[1], bias(a), k.g), inputs(k, true, 41));
    }

    @Test
    void gradientsAccumulateWhenTensorsAreUsedTwice() {
        // x, weight and bias each feed two convolutions directly: the second backward adds to the gradient
        // the first one wrote (accumulateInto's add path, for x through the transposing copies that add)
        Conv2dGeometry g = Conv2dGeometry.of(2, 1);
        assertGradients(a -> ConvOps.conv2d(a[0], a[1], a[2], g).add(ConvOps.conv2d(a[0], a[1], null, g).square())
                        .add(ConvOps.conv2d(a[0].mul(0.5f), a[1], a[2], g)),
                randn(1, 2, 3, 6, 6), randn(2, 4, 3, 3, 3), randn(3, 4));
        // 6 input channels: the same with im2col's runs of channels
        assertGradients(a -> ConvOps.conv2d(a[0], a[1], a[2], g).add(ConvOps.conv2d(a[0], a[1], null, g).square()),
                randn(7, 2, 6, 5, 6), randn(8, 3, 6, 3, 3), randn(9, 3));
        Conv2dGeometry t = Conv2dGeometry.of(2, 1).withOutputPadding(1);
        assertGradients(a -> ConvOps.convTranspose2d(a[0], a[1], a[2], t).add(ConvOps.convTranspose2d(a[0], a[1], null, t).square())
                        .add(ConvOps.convTranspose2d(a[0].square(), a[1], a[2], t)),
                randn(4, 2, 3, 3, 4), randn(5, 3, 2, 3, 3), randn(6, 2));
        assertGradients(a -> ConvOps.convTranspose2d(a[0], a[1], a[2], t).add(ConvOps.convTranspose2d(a[0], a[1], null, t).square()),
                randn(10, 2, 3, 3, 4), randn(11, 3, 5, 3, 3), randn(12, 5));
    }

    @Test
    void nonContiguousInputsAndWeightsGetTheirGradients() {
        // x and the weight as transposed views: the op reads contiguous copies and passes gradients back through them
        Tensor xt = randn(7, 2, 3, 6, 5), wt = randn(8, 3, 4, 3, 3);
        assertGradients(a -> ConvOps.conv2d(a[0].transpose(2, 3), a[1].transpose(0, 1), null, Conv2dGeometry.of(1, 1)), xt, wt);
        Tensor x = xt.detach().transpose(2, 3).contiguous();
        Tensor w = wt.detach().transpose(0, 1).contiguous();
        float[] expected = ConvOps.conv2d(x, w, null, Conv2dGeometry.of(1, 1)).toArray();
        float[] viaViews = ConvOps.conv2d(xt.transpose(2, 3), wt.transpose(0, 1), null, Conv2dGeometry.of(1, 1)).toArray();
        assertArrayEquals(expected, viaViews);
    }

    // ------------------------------------------------------------------ the transposed op is the adjoint

    /** <conv2d(x, w), y> = <x, convTranspose2d(y, w)> with the geometry's output padding restoring x's size. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void convTranspose2dIsTheAdjointOfConv2d(Case k) {
        Tensor x = uniform(51, -1f, 1f, k.n, k.c, k.h, k.w), w = uniform(52, -1f, 1f, k.o, k.c, k.kh, k.kw);
        Conv2dGeometry g = k.g;
        int ho = convOut(k.h, k.kh, g.strideH(), g.paddingH(), g.dilationH());
        int wo = convOut(k.w, k.kw, g.strideW(), g.paddingW(), g.dilationW());
        // the rows and columns a strided convolution never reaches come back as output padding
        int remH = (k.h + 2 * g.paddingH() - g.dilationH() * (k.kh - 1) - 1) % g.strideH();
        int remW = (k.w + 2 * g.paddingW() - g.dilationW() * (k.kw - 1) - 1) % g.strideW();
        Conv2dGeometry gt = g.withOutputPadding(remH, remW);
        Tensor y = uniform(53, -1f, 1f, k.n, k.o, ho, wo);
        float[] ax = ConvOps.conv2d(x, w, null, g).toArray(), yv = y.toArray();
        Tensor back = ConvOps.convTranspose2d(y, w, null, gt);
        assertArrayEquals(x.shape(), back.shape(), "the transposed op maps back to x's shape");
        float[] aty = back.toArray(), xv = x.toArray();
        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < ax.length; i++) {
            lhs += (double) ax[i] * yv[i];
            scale += Math.abs((double) ax[i] * yv[i]);
        }
        for (int i = 0; i < xv.length; i++) rhs += (double) xv[i] * aty[i];
        assertTrue(scale > 0);
        assertEquals(lhs, rhs, 1e-6 * scale + 1e-6, k.name + ": <Ax, y> = " + lhs + ", <x, A^T y> = " + rhs);
    }

    // ------------------------------------------------------------------ PyTorch's values

    record TorchCase(String op, String name, Conv2dGeometry g, Map<String, Tensor> tensors) {}

    static List<TorchCase> torchCases() throws IOException {
        List<TorchCase> cases = new ArrayList<>();
        var in = ConvOpsTest.class.getResourceAsStream("/org/latent4j/tensor/conv/conv_reference.txt");
        assertNotNull(in, "conv_reference.txt is missing from the test resources");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String op = null, name = null;
            int[] geo = new int[8];
            Map<String, Tensor> tensors = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "case" -> {
                        op = f[1];
                        name = f[2];
                        tensors = new LinkedHashMap<>();
                    }
                    case "stride" -> { geo[0] = Integer.parseInt(f[1]); geo[1] = Integer.parseInt(f[2]); }
                    case "padding" -> { geo[2] = Integer.parseInt(f[1]); geo[3] = Integer.parseInt(f[2]); }
                    case "dilation" -> { geo[4] = Integer.parseInt(f[1]); geo[5] = Integer.parseInt(f[2]); }
                    case "output_padding" -> { geo[6] = Integer.parseInt(f[1]); geo[7] = Integer.parseInt(f[2]); }
                    case "tensor" -> {
                        int[] shape = new int[f.length - 2];
                        for (int i = 0; i < shape.length; i++) shape[i] = Integer.parseInt(f[i + 2]);
                        String[] v = r.readLine().trim().split(" ");
                        float[] values = new float[v.length];
                        for (int i = 0; i < v.length; i++) values[i] = Float.parseFloat(v[i]);
                        tensors.put(f[1], Tensor.of(values, shape));
                    }
                    case "end" -> cases.add(new TorchCase(op, name,
                            new Conv2dGeometry(geo[0], geo[1], geo[2], geo[3], geo[4], geo[5], geo[6], geo[7]), tensors));
                    default -> fail("conv_reference.txt: unexpected line " + line);
                }
            }
        }
        return cases;
    }

    @Test
    void forwardAndGradientsMatchPyTorch() throws IOException {
        List<TorchCase> cases = torchCases();
        assertEquals(10, cases.size(), "cases in conv_reference.txt");
        int transposed = 0;
        for (TorchCase tc : cases) {
            Map<String, Tensor> t = tc.tensors();
            Tensor x = t.get("x").requiresGrad(true), w = t.get("weight").requiresGrad(true);
            Tensor b = t.get("bias") == null ? null : t.get("bias").requiresGrad(true);
            Tensor out = switch (tc.op()) {
                case "conv2d" -> ConvOps.conv2d(x, w, b, tc.g());
                case "conv_transpose2d" -> {
                    transposed++;
                    yield ConvOps.convTranspose2d(x, w, b, tc.g());
                }
                default -> throw new AssertionError("unknown op " + tc.op());
            };
            String what = tc.op() + " " + tc.name();
            assertArrayEquals(t.get("out").shape(), out.shape(), what + ": output shape");
            assertClose(t.get("out").toArray(), out.toArray(), 2e-6);
            out.backward(t.get("grad_out"));
            assertClose(t.get("grad_x").toArray(), x.grad().toArray(), 2e-6);
            assertClose(t.get("grad_weight").toArray(), w.grad().toArray(), 2e-6);
            if (b != null) assertClose(t.get("grad_bias").toArray(), b.grad().toArray(), 2e-6);
        }
        assertEquals(5, transposed);
    }

    // ------------------------------------------------------------------ determinism, pooling, kernels

    /** Output and the three gradients of one forward and backward, with a loss whose gradient is not uniform. */
    static float[][] run(boolean transposed, Tensor x, Tensor w, Tensor b, Conv2dGeometry g) {
        x.clearGrad();
        w.clearGrad();
        b.clearGrad();
        Tensor out = transposed ? ConvOps.convTranspose2d(x, w, b, g) : ConvOps.conv2d(x, w, b, g);
        float[] values = out.toArray();
        out.square().sum().backward();
        return new float[][] {values, x.grad().toArray(), w.grad().toArray(), b.grad().toArray()};
    }

    static float[][] withThreads(int threads, java.util.function.Supplier<float[][]> f) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return f.get();
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void resultsAreBitIdenticalForOneTwoAndThreeThreads() {
        // each problem is large enough to run on the pool: batches cut into 5 chunks (of 1 and of 2 images),
        // and a batch of one whose GEMMs split themselves
        record Problem(String name, boolean transposed, int[] xs, int[] ws, Conv2dGeometry g) {}
        List<Problem> problems = List.of(
                new Problem("conv2d batch 5", false, new int[] {5, 16, 20, 18}, new int[] {24, 16, 3, 3}, Conv2dGeometry.of(1, 1)),
                new Problem("conv2d batch 9 strided", false, new int[] {9, 12, 21, 21}, new int[] {20, 12, 4, 4}, Conv2dGeometry.of(2, 1)),
                new Problem("conv2d batch 1", false, new int[] {1, 32, 40, 40}, new int[] {32, 32, 3, 3}, Conv2dGeometry.of(1, 1)),
                new Problem("convTranspose2d batch 9", true, new int[] {9, 24, 10, 10}, new int[] {24, 16, 4, 4}, Conv2dGeometry.of(2, 1)),
                // 8 tasks of 3 images, each task's weight gradient summed over groups of 2 and 1 images
                new Problem("conv2d batch 24", false, new int[] {24, 16, 20, 20}, new int[] {8, 16, 3, 3}, Conv2dGeometry.of(1, 1)),
                new Problem("convTranspose2d batch 24", true, new int[] {24, 8, 20, 20}, new int[] {8, 16, 4, 4}, Conv2dGeometry.of(2, 1)),
                new Problem("convTranspose2d batch 1", true, new int[] {1, 32, 20, 20}, new int[] {32, 24, 3, 3}, Conv2dGeometry.of(2, 1).withOutputPadding(1)));
        for (Problem p : problems) {
            Tensor x = uniform(61, -1f, 1f, p.xs), w = uniform(62, -0.2f, 0.2f, p.ws);
            Tensor b = uniform(63, -1f, 1f, p.transposed ? p.ws[1] : p.ws[0]);
            float[][] one = withThreads(1, () -> run(p.transposed, x, w, b, p.g));
            float[][] two = withThreads(2, () -> run(p.transposed, x, w, b, p.g));
            float[][] three = withThreads(3, () -> run(p.transposed, x, w, b, p.g));
            String[] names = {"output", "x gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], two[i], p.name + " " + names[i] + ": 1 vs 2 threads");
                assertArrayEquals(one[i], three[i], p.name + " " + names[i] + ": 1 vs 3 threads");
            }
        }
    }

    /** dW[o, c, a, b] = sum over n, i, j of g[n, o, i, j] x[n, c, i s - p + a d, j s - p + b d]: the weight gradient of conv2d. */
    static double[] weightGradientReference(float[] x, int[] xs, float[] g, int[] gs, int kh, int kw, Conv2dGeometry geo) {
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3], o = gs[1], ho = gs[2], wo = gs[3];
        double[] dw = new double[o * c * kh * kw];
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                for (int ic = 0; ic < c; ic++) {
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            double s = 0;
                            for (int i = 0; i < ho; i++) {
                                int y = i * geo.strideH() - geo.paddingH() + a * geo.dilationH();
                                if (y < 0 || y >= h) continue;
                                for (int j = 0; j < wo; j++) {
                                    int xx = j * geo.strideW() - geo.paddingW() + b * geo.dilationW();
                                    if (xx < 0 || xx >= w) continue;
                                    s += (double) g[((in * o + oc) * ho + i) * wo + j] * x[((in * c + ic) * h + y) * w + xx];
                                }
                            }
                            dw[((oc * c + ic) * kh + a) * kw + b] += s;
                        }
                    }
                }
            }
        }
        return dw;
    }

    @Test
    void largeBatchesSplitIntoTasksAndGroupsMatchTheDirectLoops() {
        // 24 images: 8 tasks of 3, products over groups of 2 and 1 images; every result against the
        // double-precision loops (the gradients through the adjoint: dx of conv2d is the transposed
        // convolution of the output gradient, and the other way round)
        Conv2dGeometry g = Conv2dGeometry.of(1, 1);
        Tensor x = uniform(101, -1f, 1f, 24, 16, 20, 20), w = uniform(102, -0.3f, 0.3f, 8, 16, 3, 3), b = uniform(103, -1f, 1f, 8);
        Tensor y = ConvOps.conv2d(x, w, b, g);
        assertMatches(conv2dReference(x.toArray(), x.shape(), w.toArray(), w.shape(), b.toArray(), g), y.toArray(), "conv2d forward");
        Tensor grad = uniform(104, -1f, 1f, y.shape());
        y.backward(grad);
        float[] gv = grad.toArray();
        assertMatches(transposedReference(gv, grad.shape(), w.toArray(), w.shape(), null, g), x.grad().toArray(), "conv2d input gradient");
        assertMatches(weightGradientReference(x.toArray(), x.shape(), gv, grad.shape(), 3, 3, g), w.grad().toArray(), "conv2d weight gradient");

        Conv2dGeometry t = Conv2dGeometry.of(2, 1);
        Tensor xt = uniform(105, -1f, 1f, 24, 8, 20, 20), wt = uniform(106, -0.3f, 0.3f, 8, 16, 4, 4), bt = uniform(107, -1f, 1f, 16);
        Tensor yt = ConvOps.convTranspose2d(xt, wt, bt, t);
        assertArrayEquals(new int[] {24, 16, 40, 40}, yt.shape());
        assertMatches(transposedReference(xt.toArray(), xt.shape(), wt.toArray(), wt.shape(), bt.toArray(), t), yt.toArray(), "convTranspose2d forward");
        Tensor gradT = uniform(108, -1f, 1f, yt.shape());
        yt.backward(gradT);
        float[] gt = gradT.toArray();
        assertMatches(conv2dReference(gt, gradT.shape(), wt.toArray(), wt.shape(), null, t), xt.grad().toArray(), "convTranspose2d input gradient");
        // the weight [C, O, kh, kw] pairs x's channel c with the gradient's channel o, as conv2d's pairs output with input
        assertMatches(weightGradientReference(gt, gradT.shape(), xt.toArray(), xt.shape(), 4, 4, t), wt.grad().toArray(), "convTranspose2d weight gradient");
    }

    @Test
    void steadyStateStepsTakeEveryTemporaryFromTheWorkspace() {
        // a small conv stack with both ops, on the pool (several chunks, weight-gradient partials)
        Tensor x = uniform(71, 0f, 1f, 6, 1, 28, 28);
        Tensor w1 = uniform(72, -0.3f, 0.3f, 16, 1, 4, 4), b1 = uniform(73, -0.1f, 0.1f, 16);
        Tensor w2 = uniform(74, -0.1f, 0.1f, 32, 16, 4, 4), b2 = uniform(75, -0.1f, 0.1f, 32);
        Tensor w3 = uniform(76, -0.1f, 0.1f, 32, 16, 4, 4), b3 = uniform(77, -0.1f, 0.1f, 16);
        Tensor w4 = uniform(78, -0.1f, 0.1f, 16, 1, 4, 4), b4 = uniform(79, -0.1f, 0.1f, 1);
        Conv2dGeometry g = Conv2dGeometry.of(2, 1);
        Workspace ws = new Workspace();
        long[] fresh = new long[4];
        float[] losses = new float[4];
        for (int step = 0; step < 4; step++) {
            try (var s = ws.open()) {
                Tensor h = ConvOps.conv2d(x, w1, b1, g).relu();
                h = ConvOps.conv2d(h, w2, b2, g).relu();
                h = ConvOps.convTranspose2d(h, w3, b3, g).relu();
                Tensor y = ConvOps.convTranspose2d(h, w4, b4, g);
                Tensor loss = y.sub(x).square().sum();
                loss.backward();
                losses[step] = loss.item();
            }
            fresh[step] = ws.freshAllocations();
        }
        assertTrue(fresh[0] > 0);
        assertEquals(fresh[0], fresh[3], "later steps reuse the first step's buffers");
        assertEquals(losses[0], losses[3], "the same step gives the same loss");
        assertNotNull(w1.grad());
    }

    @Test
    void scalarAndVectorKernelsAgree() {
        Tensor x = uniform(81, -1f, 1f, 3, 5, 11, 9), w = uniform(82, -1f, 1f, 7, 5, 3, 4), b = uniform(83, -1f, 1f, 7);
        Tensor wt = uniform(84, -1f, 1f, 5, 7, 3, 4), bt = uniform(85, -1f, 1f, 7);
        Conv2dGeometry g = geo(2, 1, 1, 2, 1, 2);
        for (boolean transposed : new boolean[] {false, true}) {
            Tensor ww = transposed ? wt : w, bb = transposed ? bt : b;
            float[][] scalar, simd;
            try (var k = Kernels.useScalar()) {
                scalar = run(transposed, x, ww, bb, g);
            }
            try (var k = Kernels.useSimd()) {
                simd = run(transposed, x, ww, bb, g);
            }
            for (int i = 0; i < scalar.length; i++) {
                double scale = 0;
                for (float v : scalar[i]) scale = Math.max(scale, Math.abs(v));
                for (int j = 0; j < scalar[i].length; j++) {
                    assertEquals(scalar[i][j], simd[i][j], 1e-5 * scale, (transposed ? "transposed " : "") + "result " + i + " element " + j);
                }
            }
        }
    }

    @Test
    void emptyBatchGivesEmptyOutputAndZeroWeightGradient() {
        Tensor x = Tensor.zeros(0, 2, 5, 5).requiresGrad(true), w = randn(1, 3, 2, 3, 3), b = randn(2, 3);
        Tensor out = ConvOps.conv2d(x, w, b, Conv2dGeometry.DEFAULT);
        assertArrayEquals(new int[] {0, 3, 3, 3}, out.shape());
        out.sum().backward();
        assertArrayEquals(new float[w.size()], w.grad().toArray());
        assertArrayEquals(new float[3], b.grad().toArray());
    }

    // ------------------------------------------------------------------ errors and geometry

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    @Test
    void shapeErrorsNameTheOpAndEveryShape() {
        Tensor x = Tensor.zeros(2, 3, 8, 8), w = Tensor.zeros(4, 2, 3, 3), b = Tensor.zeros(4);
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.conv2d(x, w, b, Conv2dGeometry.DEFAULT)),
                "conv2d", "[2, 3, 8, 8]", "[4, 2, 3, 3]", "[4]", "channels 3");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5), Conv2dGeometry.DEFAULT)),
                "conv2d", "bias", "[5]", "[4, 3, 3, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.conv2d(Tensor.zeros(3, 8, 8), w, null, Conv2dGeometry.DEFAULT)),
                "conv2d", "[3, 8, 8]", "4-D", "bias none");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.conv2d(x, Tensor.zeros(4, 3, 9, 3), null, Conv2dGeometry.DEFAULT)),
                "conv2d", "larger than the padded input", "[4, 3, 9, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.conv2d(x, Tensor.zeros(4, 3, 5, 5), null, Conv2dGeometry.of(1, 0).withDilation(2))),
                "conv2d", "dilation 2x2");
        assertMessage(assertThrows(ShapeException.class,
                        () -> ConvOps.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, Conv2dGeometry.of(2, 0).withOutputPadding(1))),
                "conv2d", "output padding", "convTranspose2d");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.convTranspose2d(x, Tensor.zeros(4, 3, 3, 3), null, Conv2dGeometry.DEFAULT)),
                "convTranspose2d", "[2, 3, 8, 8]", "[4, 3, 3, 3]", "first dimension");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.convTranspose2d(Tensor.zeros(1, 3, 1, 1), Tensor.zeros(3, 2, 1, 1), null,
                        Conv2dGeometry.of(1, 1))),
                "convTranspose2d", "no output", "padding 1x1");
        assertMessage(assertThrows(ShapeException.class, () -> ConvOps.convTranspose2d(x, Tensor.zeros(3, 2, 3, 3), Tensor.zeros(3), Conv2dGeometry.DEFAULT)),
                "convTranspose2d", "bias", "[2]");
    }

    @Test
    void geometryIsValidated() {
        assertEquals(new Conv2dGeometry(1, 1, 0, 0, 1, 1, 0, 0), Conv2dGeometry.DEFAULT);
        assertEquals(new Conv2dGeometry(2, 2, 1, 1, 1, 1, 0, 0), Conv2dGeometry.of(2, 1));
        assertEquals(new Conv2dGeometry(3, 2, 1, 0, 2, 1, 1, 0),
                Conv2dGeometry.DEFAULT.withStride(3, 2).withPadding(1, 0).withDilation(2, 1).withOutputPadding(1, 0));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(0, 0)), "stride", "stride 0x0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(1, -1)), "padding", "padding -1x-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.DEFAULT.withDilation(0)), "dilation");
        // output padding below the stride or below the dilation (PyTorch's rule), not below neither
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.of(2, 0).withOutputPadding(2)), "output padding", "output padding 2x2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Conv2dGeometry.DEFAULT.withOutputPadding(1)), "output padding");
        assertEquals(1, Conv2dGeometry.DEFAULT.withDilation(2).withOutputPadding(1).outputPaddingH());
        assertEquals(1, Conv2dGeometry.of(2, 0).withOutputPadding(0, 1).outputPaddingW());
    }
}
