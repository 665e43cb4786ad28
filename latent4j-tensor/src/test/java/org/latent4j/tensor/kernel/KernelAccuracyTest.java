package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.DoubleMath;

/**
 * Accuracy of the float polynomial approximations in {@link SimdKernels} (and of ScalarKernels' erf,
 * which has no Math counterpart) against double-precision references, over the whole range where each
 * function is finite and non-zero, on a dense grid and at special values. Measured maxima of the vector
 * kernels on JDK 25 (the bounds asserted leave a small margin): exp 1.03 ulp, expm1 1.0, log 0.9,
 * log1p 2.2, tanh 2.5, sigmoid 2.0, softplus 1.9, erf 2.3, gelu 5.4, gelu gradient 2.5.
 */
class KernelAccuracyTest {

    interface Kernel {
        void run(VectorKernels k, float[] a, float[] out, int n);
    }

    static List<VectorKernels> all() {
        return List.of(ScalarKernels.INSTANCE, SimdKernels.preferred());
    }

    /** n points spread uniformly on [lo, hi]. */
    static float[] grid(double lo, double hi, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * i / (n - 1));
        return a;
    }

    /** Positive points spread log-uniformly over [2^lo, 2^hi], with both signs when {@code signed}. */
    static float[] logGrid(int lo, int hi, int n, boolean signed) {
        float[] a = new float[signed ? 2 * n : n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.pow(2, lo + (hi - lo) * (double) i / (n - 1));
            if (signed) a[n + i] = -a[i];
        }
        return a;
    }

    /** Largest error in ulps of k's kernel over the inputs; asserts it is at most maxUlps. */
    static double check(String name, Kernel kernel, DoubleUnaryOperator reference, double maxUlps, float[]... inputs) {
        return check(name, kernel, reference, maxUlps, 0f, inputs);
    }

    /**
     * As above, with errors counted in ulps of max(|reference|, floor): for results near a zero crossing or
     * deep in the subnormal range, where only an error relative to the size of the intermediate terms means
     * anything.
     */
    static double check(String name, Kernel kernel, DoubleUnaryOperator reference, double maxUlps, float floor, float[]... inputs) {
        double[][] refs = new double[inputs.length][];
        for (int j = 0; j < inputs.length; j++) {
            refs[j] = new double[inputs[j].length];
            for (int i = 0; i < inputs[j].length; i++) refs[j][i] = reference.applyAsDouble(inputs[j][i]);
        }
        double worstAll = 0;
        for (VectorKernels k : all()) {
            double worst = 0;
            float worstX = 0;
            for (int j = 0; j < inputs.length; j++) {
                float[] in = inputs[j];
                float[] out = new float[in.length];
                kernel.run(k, in, out, in.length);
                for (int i = 0; i < in.length; i++) {
                    double ref = refs[j][i];
                    double e = Math.abs(ref) < floor
                            ? Math.abs(out[i] - ref) / Math.ulp(floor)
                            : DoubleMath.ulpError(out[i], ref);
                    if (e > worst) {
                        worst = e;
                        worstX = in[i];
                    }
                }
            }
            System.out.printf("accuracy %-12s %-9s max %.2f ulp (at x = %s)%n", name, k.name(), worst, worstX);
            assertTrue(worst <= maxUlps, name + " on " + k.name() + ": " + worst + " ulp at x = " + worstX + ", allowed " + maxUlps);
            worstAll = Math.max(worstAll, worst);
        }
        return worstAll;
    }

    static final float[] SPECIALS = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};

    @Test
    void exp() {
        check("exp", (k, a, o, n) -> k.exp(a, 0, o, 0, n), Math::exp, 1.5,
                grid(-104, 89, 60_001), logGrid(-149, 6, 20_000, true), SPECIALS);
    }

    @Test
    void expm1ThroughElu() {
        // elu with alpha = scale = 1 is expm1 for x <= 0: checks accuracy for tiny |x| too
        check("expm1", (k, a, o, n) -> k.elu(a, 0, 1f, 1f, o, 0, n), x -> x > 0 ? x : Math.expm1(x), 2,
                grid(-110, 0, 40_001), logGrid(-149, 3, 20_000, true), SPECIALS);
    }

    @Test
    void log() {
        check("log", (k, a, o, n) -> k.log(a, 0, o, 0, n), Math::log, 1.5,
                logGrid(-149, 128, 60_001, false), grid(0.5, 2, 40_001), SPECIALS);
    }

    @Test
    void log1p() {
        check("log1p", (k, a, o, n) -> k.log1p(a, 0, o, 0, n), Math::log1p, 3,
                logGrid(-149, 128, 40_001, false), logGrid(-149, -1, 50_000, true), grid(-1, 2, 40_001), SPECIALS);
    }

    @Test
    void tanh() {
        check("tanh", (k, a, o, n) -> k.tanh(a, 0, o, 0, n), Math::tanh, 3,
                grid(-12, 12, 60_001), logGrid(-149, 7, 20_000, true), SPECIALS);
    }

    @Test
    void sigmoid() {
        check("sigmoid", (k, a, o, n) -> k.sigmoid(a, 0, o, 0, n), DoubleMath::sigmoid, 2.5,
                grid(-104, 30, 60_001), logGrid(-149, 7, 20_000, true), SPECIALS);
    }

    @Test
    void softplus() {
        check("softplus", (k, a, o, n) -> k.softplus(a, 0, o, 0, n), DoubleMath::softplus, 2.0,
                grid(-104, 104, 60_001), logGrid(-149, 20, 20_000, true), SPECIALS);
    }

    @Test
    void erf() {
        check("erf", (k, a, o, n) -> k.erf(a, 0, o, 0, n), DoubleMath::erf, 3,
                grid(-6, 6, 60_001), logGrid(-149, 4, 20_000, true), SPECIALS);
        // the tail, where erf rounds to +-1, is checked through erfc via the normal CDF in gelu
    }

    @Test
    void gelu() {
        // x Phi(x): for x << 0 this is x erfc(|x|/sqrt 2)/2, a tiny number that must keep its relative accuracy.
        // Below 1e-37 (x < -13) Phi itself is subnormal and has lost bits before the multiplication by x, so
        // there errors are counted in ulps of 1e-37 (8 times the smallest subnormal).
        check("gelu", (k, a, o, n) -> k.gelu(a, 0, o, 0, n), DoubleMath::gelu, 6, 1e-37f,
                grid(-15, 14, 60_001), logGrid(-149, 4, 20_000, true), SPECIALS);
    }

    @Test
    void geluBackward() {
        float[] ones = new float[300_000];
        java.util.Arrays.fill(ones, 1f);
        // measured in ulps of max(|result|, 0.25): Phi(x) + x phi(x) crosses zero near x = -0.75, where only an
        // absolute error relative to the size of the terms is meaningful
        check("geluGrad", (k, a, o, n) -> k.geluBackward(a, 0, ones, 0, o, 0, n),
                x -> DoubleMath.geluGrad(x), 4, 0.25f, grid(-0.7, 14, 40_001), grid(-14, -0.8, 40_001), logGrid(-149, 0, 20_000, true));
    }

    @Test
    void knownValues() {
        float[] x = {1f, 0.5f, 2f, -1f, 3f, 0f};
        double[] erf = {0.8427007929497149, 0.5204998778130465, 0.9953222650189527, -0.8427007929497149, 0.9999779095030014, 0};
        for (VectorKernels k : all()) {
            float[] o = new float[x.length];
            k.erf(x, 0, o, 0, x.length);
            for (int i = 0; i < x.length; i++) assertEquals(erf[i], o[i], Math.ulp((float) erf[i]) * 2 + 1e-45, "erf(" + x[i] + ") " + k.name());
        }
        // the references themselves against published values
        assertEquals(0.8427007929497149, DoubleMath.erf(1), 1e-15);
        assertEquals(2.209049699858544e-05, DoubleMath.erfc(3), 1e-18);
        assertEquals(1.5374597944280349e-12, DoubleMath.erfc(5), 1e-25);
        assertEquals(0.9953222650189527, DoubleMath.erf(2), 1e-15);
    }

    /**
     * The pieces of the normal kernels against double precision: the angle's cosine and sine over every
     * 2^-32 turn near the quarter-turn seams and at random, within 2.5e-7 (a few float ulps of 1); the
     * radius sqrt(-2 ln u) within 2 ulps, down to u = 2^-32 (radius 6.66) and up to u = 1 (radius 0).
     */
    @Test
    void normalAnglesAndRadii() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        double worstTrig = 0, worstRadius = 0;
        for (int i = 0; i < 2_000_000; i++) {
            int w = i < 4096 ? (i & 7) * (1 << 29) + (i >> 3) - 256 : r.nextInt();
            double angle = 2 * Math.PI * (w & 0xFFFF_FFFFL) * 0x1p-32;
            worstTrig = Math.max(worstTrig, Math.abs(ScalarKernels.cosOfTurn(w) - Math.cos(angle)));
            worstTrig = Math.max(worstTrig, Math.abs(ScalarKernels.sinOfTurn(w) - Math.sin(angle)));
            float u = ((float) (w >>> 1) + 0.5f) * 0x1p-31f;
            double exact = Math.sqrt(-2 * Math.log(u));
            float radius = ScalarKernels.normalRadius(w);
            if (exact > 0) worstRadius = Math.max(worstRadius, Math.abs(radius - exact) / Math.ulp((float) exact));
            else assertEquals(0f, Math.abs(radius), "radius at u = 1 (its sign is irrelevant: z = mean + std r cos)");
        }
        assertTrue(worstTrig < 2.5e-7, "cos/sin of the turn off by " + worstTrig);
        assertTrue(worstRadius <= 2, "radius off by " + worstRadius + " ulp");
        assertEquals((float) Math.sqrt(64 * Math.log(2)), ScalarKernels.normalRadius(0), 2e-6f, "the largest radius, u = 2^-32");
        assertEquals(0f, Math.abs(ScalarKernels.normalRadius(-1)), "u rounds to 1 at the top word");
    }
}
