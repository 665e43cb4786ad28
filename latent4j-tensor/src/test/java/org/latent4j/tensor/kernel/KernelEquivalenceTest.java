package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link VectorKernels} method: the scalar reference against the Vector-API implementation at 256
 * bits and at this CPU's preferred width, on lengths around the vector widths (1, 7, 8, 9, 63, 64, 65,
 * 1000, 4097) with non-zero offsets, on inputs that include special values (0, -0, +-Inf, NaN,
 * subnormals, extremes). Also checks that nothing outside [offset, offset + n) of the output is written.
 */
class KernelEquivalenceTest {
    static final int[] LENGTHS = {1, 7, 8, 9, 63, 64, 65, 1000, 4097};
    static final float SENTINEL = -12345.678f;

    /** Input distributions. */
    enum Domain {
        /** Mostly moderate values, some large ones and special values. */
        GENERAL,
        /** Moderate finite values: for gradients fed to backward kernels. */
        UNIT,
        /** Positive values spread log-uniformly over the whole float range, plus 0, -0, negatives and specials. */
        POSITIVE,
        /** Values above -1 of every magnitude, and -1 itself, for log1p. */
        ABOVE_MINUS_ONE,
        /** [0, 1]: sigmoid outputs. */
        PROBABILITY,
        /** [-1, 1] including the ends: tanh outputs. */
        SIGNED_UNIT;

        float sample(SplittableRandom r) {
            return switch (this) {
                case GENERAL -> {
                    double u = r.nextDouble();
                    if (u < 0.05) yield SPECIAL[r.nextInt(SPECIAL.length)];
                    if (u < 0.2) yield (float) ((r.nextDouble() * 2 - 1) * 120);
                    yield (float) (r.nextGaussian() * 3);
                }
                case UNIT -> (float) (r.nextDouble() * 2 - 1);
                case POSITIVE -> {
                    if (r.nextDouble() < 0.05) yield SPECIAL[r.nextInt(SPECIAL.length)];
                    yield (float) Math.pow(2, -149 + r.nextDouble() * 277);
                }
                case ABOVE_MINUS_ONE -> {
                    double u = r.nextDouble();
                    if (u < 0.05) yield SPECIAL[r.nextInt(SPECIAL.length)];
                    if (u < 0.1) yield -1f;
                    if (u < 0.3) yield (float) (r.nextDouble() * 2 - 1);
                    float mag = (float) Math.pow(2, -149 + r.nextDouble() * 277);
                    yield r.nextBoolean() || mag >= 1 ? mag : -mag;
                }
                case PROBABILITY -> r.nextDouble() < 0.05 ? (r.nextBoolean() ? 0f : 1f) : (float) r.nextDouble();
                case SIGNED_UNIT -> r.nextDouble() < 0.05 ? (r.nextBoolean() ? -1f : 1f) : (float) (r.nextDouble() * 2 - 1);
            };
        }
    }

    static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f, -1e-40f,
            Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 50f, -50f, 100f, -100f, 88.7f, -87.5f, 1e-30f, 1f, -1f};

    /** An array-to-array kernel call: sources at their offsets, output at oo. */
    @FunctionalInterface
    interface Call {
        void run(VectorKernels k, float[][] src, int[] so, float[] out, int oo, int n);
    }

    /**
     * A kernel with its input domains and the tolerance between implementations:
     * |scalar - simd| <= ulps * ulp(max magnitude) + abs.
     */
    record Case(String name, Domain[] domains, double ulps, double abs, Call call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case exact(String name, Call call, Domain... domains) {
        return new Case(name, domains, 0, 0, call);
    }

    static Stream<Case> elementwiseCases() {
        Domain G = Domain.GENERAL, U = Domain.UNIT;
        List<Case> c = new ArrayList<>();
        // Pure IEEE operations in the same order on both sides: bit-identical.
        c.add(exact("add", (k, s, o, out, oo, n) -> k.add(s[0], o[0], s[1], o[1], out, oo, n), G, G));
        c.add(exact("sub", (k, s, o, out, oo, n) -> k.sub(s[0], o[0], s[1], o[1], out, oo, n), G, G));
        c.add(exact("mul", (k, s, o, out, oo, n) -> k.mul(s[0], o[0], s[1], o[1], out, oo, n), G, G));
        c.add(exact("div", (k, s, o, out, oo, n) -> k.div(s[0], o[0], s[1], o[1], out, oo, n), G, G));
        c.add(exact("addScalar", (k, s, o, out, oo, n) -> k.addScalar(s[0], o[0], 0.37f, out, oo, n), G));
        c.add(exact("mulScalar", (k, s, o, out, oo, n) -> k.mulScalar(s[0], o[0], -1.7f, out, oo, n), G));
        c.add(exact("divScalar", (k, s, o, out, oo, n) -> k.divScalar(s[0], o[0], 3.1f, out, oo, n), G));
        c.add(exact("abs", (k, s, o, out, oo, n) -> k.abs(s[0], o[0], out, oo, n), G));
        c.add(exact("absBackward", (k, s, o, out, oo, n) -> k.absBackward(s[0], o[0], s[1], o[1], out, oo, n), G, U));
        c.add(exact("sqrt", (k, s, o, out, oo, n) -> k.sqrt(s[0], o[0], out, oo, n), Domain.POSITIVE));
        c.add(exact("clamp", (k, s, o, out, oo, n) -> k.clamp(s[0], o[0], -2f, 3f, out, oo, n), G));
        c.add(exact("clampBackward", (k, s, o, out, oo, n) -> k.clampBackward(s[0], o[0], -2f, 3f, s[1], o[1], out, oo, n), G, U));
        c.add(exact("select", (k, s, o, out, oo, n) -> k.select(s[0], o[0], s[1], o[1], s[2], o[2], out, oo, n), Domain.PROBABILITY, G, G));
        c.add(exact("relu", (k, s, o, out, oo, n) -> k.relu(s[0], o[0], out, oo, n), G));
        c.add(exact("leakyRelu", (k, s, o, out, oo, n) -> k.leakyRelu(s[0], o[0], 0.01f, out, oo, n), G));
        c.add(exact("leakyReluBackward", (k, s, o, out, oo, n) -> k.leakyReluBackward(s[0], o[0], s[1], o[1], 0.2f, out, oo, n), G, U));
        c.add(exact("sigmoidBackward", (k, s, o, out, oo, n) -> k.sigmoidBackward(s[0], o[0], s[1], o[1], out, oo, n), Domain.PROBABILITY, U));
        c.add(exact("tanhBackward", (k, s, o, out, oo, n) -> k.tanhBackward(s[0], o[0], s[1], o[1], out, oo, n), Domain.SIGNED_UNIT, U));
        // axpy: the vector side fuses alpha*x + y into one rounding, the scalar side rounds the product
        // first, so they differ by at most half an ulp of the product (plus half an ulp of the result).
        c.add(new Case("axpy", new Domain[] {U, U}, 1, 0.5 * Math.ulp(2f), (k, s, o, out, oo, n) -> {
            System.arraycopy(s[1], o[1], out, oo, n);
            k.axpy(1.3f, s[0], o[0], out, oo, n);
        }));
        // Transcendental kernels: the scalar side rounds a double-precision Math result once (<= 0.5 ulp
        // from exact, <= 1 ulp for our float erf polynomials), the vector side uses float polynomials measured
        // within 1-2 ulp of exact (KernelAccuracyTest); 3-4 ulp covers both errors.
        c.add(new Case("exp", new Domain[] {G}, 2, 0, (k, s, o, out, oo, n) -> k.exp(s[0], o[0], out, oo, n)));
        c.add(new Case("log", new Domain[] {Domain.POSITIVE}, 3, 0, (k, s, o, out, oo, n) -> k.log(s[0], o[0], out, oo, n)));
        c.add(new Case("log1p", new Domain[] {Domain.ABOVE_MINUS_ONE}, 4, 0, (k, s, o, out, oo, n) -> k.log1p(s[0], o[0], out, oo, n)));
        c.add(new Case("tanh", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.tanh(s[0], o[0], out, oo, n)));
        c.add(new Case("sigmoid", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.sigmoid(s[0], o[0], out, oo, n)));
        c.add(new Case("softplus", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.softplus(s[0], o[0], out, oo, n)));
        c.add(new Case("elu", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.elu(s[0], o[0], 1.3f, 1f, out, oo, n)));
        c.add(new Case("selu", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.elu(s[0], o[0], 1.6732632f, 1.0507010f, out, oo, n)));
        c.add(new Case("eluBackward", new Domain[] {G, U}, 3, 0, (k, s, o, out, oo, n) -> k.eluBackward(s[0], o[0], s[1], o[1], 1.3f, 1.05f, out, oo, n)));
        c.add(new Case("erf", new Domain[] {G}, 3, 0, (k, s, o, out, oo, n) -> k.erf(s[0], o[0], out, oo, n)));
        c.add(new Case("gelu", new Domain[] {G}, 4, 0, (k, s, o, out, oo, n) -> k.gelu(s[0], o[0], out, oo, n)));
        // Phi(x) + x phi(x) cancels near x = -0.75; the absolute term is a few ulp of the terms (<= 1).
        c.add(new Case("geluBackward", new Domain[] {G, U}, 4, 4 * Math.ulp(1f), (k, s, o, out, oo, n) -> k.geluBackward(s[0], o[0], s[1], o[1], out, oo, n)));
        // BCE: two non-negative terms, so the float polynomials' few ulp carry over; its gradient
        // (1 - t) - sigmoid(-|x|) cancels when t is near sigmoid(x), hence an absolute term of a few ulp of 1.
        c.add(new Case("bceWithLogits", new Domain[] {G, Domain.PROBABILITY}, 4, 0,
                (k, s, o, out, oo, n) -> k.bceWithLogits(s[0], o[0], s[1], o[1], out, oo, n)));
        c.add(new Case("bceWithLogitsBackward", new Domain[] {G, Domain.PROBABILITY, U}, 4, 4 * Math.ulp(1f),
                (k, s, o, out, oo, n) -> k.bceWithLogitsBackward(s[0], o[0], s[1], o[1], s[2], o[2], out, oo, n)));
        c.add(new Case("expShifted", new Domain[] {G}, 2, 0, (k, s, o, out, oo, n) -> k.expShifted(s[0], o[0], 1.5f, out, oo, n)));
        return c.stream();
    }

    static List<VectorKernels> simdImplementations() {
        return List.of(SimdKernels.preferred());
    }

    static float[] filled(SplittableRandom r, Domain d, int off, int n) {
        float[] a = new float[off + n + 5];
        java.util.Arrays.fill(a, SENTINEL);
        for (int i = 0; i < n; i++) a[off + i] = d.sample(r);
        return a;
    }

    static boolean close(float expected, float actual, double ulps, double abs) {
        if (Float.floatToIntBits(expected) == Float.floatToIntBits(actual)) return true;
        if (Float.isNaN(expected) || Float.isNaN(actual)) return false;
        if (ulps == 0 && abs == 0) return false; // bit-identical required (so -0 and 0 differ too)
        if (Float.isInfinite(expected) || Float.isInfinite(actual)) return expected == actual;
        double m = Math.max(Math.abs(expected), Math.abs(actual));
        return Math.abs((double) expected - actual) <= ulps * Math.ulp((float) m) + abs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwiseCases")
    void simdMatchesScalar(Case c) {
        for (VectorKernels simd : simdImplementations()) {
            for (int n : LENGTHS) {
                SplittableRandom r = new SplittableRandom(n * 31L + c.name().hashCode());
                int k = c.domains().length;
                float[][] src = new float[k][];
                int[] so = new int[k];
                for (int i = 0; i < k; i++) {
                    so[i] = 3 + 2 * i;
                    src[i] = filled(r, c.domains()[i], so[i], n);
                }
                int oo = 5;
                float[] expected = new float[oo + n + 5], actual = new float[oo + n + 5];
                java.util.Arrays.fill(expected, SENTINEL);
                java.util.Arrays.fill(actual, SENTINEL);
                c.call().run(ScalarKernels.INSTANCE, src, so, expected, oo, n);
                c.call().run(simd, src, so, actual, oo, n);
                for (int i = 0; i < actual.length; i++) {
                    boolean inside = i >= oo && i < oo + n;
                    if (!inside) {
                        if (actual[i] != SENTINEL || expected[i] != SENTINEL) fail(c.name() + ": wrote outside the output range at " + i);
                        continue;
                    }
                    if (!close(expected[i], actual[i], c.ulps(), c.abs())) {
                        StringBuilder in = new StringBuilder();
                        for (int s = 0; s < k; s++) in.append(s == 0 ? "" : ", ").append(src[s][so[s] + i - oo]);
                        fail(c.name() + " " + simd.name() + " n=" + n + " element " + (i - oo) + " for input (" + in + "): scalar "
                                + expected[i] + " vs " + actual[i]);
                    }
                }
            }
        }
    }

    /** Writing over the first source gives the same result (the interface promises it; ops rely on it). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwiseCases")
    void inPlaceGivesTheSameResult(Case c) {
        // the axpy case copies its second source into out first, so aliasing the first source changes its meaning
        if (c.name().equals("axpy")) return;
        VectorKernels simd = SimdKernels.preferred();
        int n = 1000;
        SplittableRandom r = new SplittableRandom(99);
        int k = c.domains().length;
        float[][] src = new float[k][];
        int[] so = new int[k];
        for (int i = 0; i < k; i++) {
            so[i] = 4;
            src[i] = filled(r, c.domains()[i], 4, n);
        }
        float[] separate = new float[4 + n];
        c.call().run(simd, src, so, separate, 4, n);
        float[] alias = src[0].clone();
        float[][] src2 = src.clone();
        src2[0] = alias;
        c.call().run(simd, src2, so, alias, 4, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(separate[4 + i]), Float.floatToIntBits(alias[4 + i]), c.name() + " in place, element " + i);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("lengths")
    void reductionsMatchScalar(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] a = filled(r, Domain.UNIT, 3, n), b = filled(r, Domain.UNIT, 6, n);
        double absSum = 0, absDot = 0, absSq = 0, absDist = 0;
        for (int i = 0; i < n; i++) {
            float x = a[3 + i], y = b[6 + i];
            absSum += Math.abs(x);
            absSq += x * x;
            absDot += Math.abs(x * y);
            absDist += (x - y) * (x - y);
        }
        // Summation order differs (vector lanes, then lanes combined): each side is within n * 2^-24 * sum|terms|
        // of the exact sum (the a-priori bound of recursive summation), so they are within twice that apart.
        double u = Math.ulp(1f) / 2;
        for (VectorKernels simd : simdImplementations()) {
            VectorKernels s = ScalarKernels.INSTANCE;
            assertEquals(s.sum(a, 3, n), simd.sum(a, 3, n), 2 * n * u * absSum, "sum " + simd.name());
            assertEquals(s.sumOfSquares(a, 3, n), simd.sumOfSquares(a, 3, n), 2 * n * u * absSq, "sumOfSquares " + simd.name());
            assertEquals(s.dot(a, 3, b, 6, n), simd.dot(a, 3, b, 6, n), 2 * n * u * absDot, "dot " + simd.name());
            assertEquals(s.squaredDistance(a, 3, b, 6, n), simd.squaredDistance(a, 3, b, 6, n), 2 * (n + 1) * u * absDist, "squaredDistance " + simd.name());
            assertEquals(s.max(a, 3, n), simd.max(a, 3, n), 0, "max is exact " + simd.name());
            // expShifted returns the sum of what it writes: positive terms, so the same bound relative to the sum
            float[] o1 = new float[n], o2 = new float[n];
            float s1 = s.expShifted(a, 3, 0.25f, o1, 0, n), s2 = simd.expShifted(a, 3, 0.25f, o2, 0, n);
            assertEquals(s1, s2, 2 * (n + 2) * u * s1, "expShifted sum " + simd.name());
        }
        float[] withNaN = a.clone();
        withNaN[3 + n / 2] = Float.NaN;
        for (VectorKernels simd : simdImplementations()) {
            assertTrue(Float.isNaN(simd.max(withNaN, 3, n)), "max with a NaN is NaN");
        }
    }

    static Stream<Integer> lengths() {
        return java.util.Arrays.stream(LENGTHS).boxed();
    }

    /** A sum in the order the vector kernels promise: per-lane partial sums, lanes added in order, then the tail. */
    static float laneOrderSum(float[] a, float[] b, int off, int n, int lanes) {
        float[] acc = new float[lanes];
        int i = 0;
        for (; i + lanes <= n; i += lanes) {
            for (int l = 0; l < lanes; l++) acc[l] = b == null ? acc[l] + a[off + i + l] : Math.fma(a[off + i + l], b[off + i + l], acc[l]);
        }
        float s = 0f;
        for (float v : acc) s += v;
        for (; i < n; i++) s += b == null ? a[off + i] : a[off + i] * b[off + i];
        return s;
    }

    /**
     * Sums must not change as the JIT compiles the kernels: the vector intrinsic of reduceLanes(ADD) and its
     * interpreted fallback add the lanes in different orders, which made results drift by an ulp during
     * warm-up. Pinning the exact order (bit-for-bit against an emulation) across thousands of calls catches that.
     */
    @org.junit.jupiter.api.Test
    void sumsHaveAFixedOrderFromColdToHot() {
        SplittableRandom r = new SplittableRandom(5);
        float[] a = filled(r, Domain.UNIT, 2, 257), b = filled(r, Domain.UNIT, 2, 257);
        for (VectorKernels k : simdImplementations()) {
            int lanes = ((SimdKernels) k).lanes();
            float sum = laneOrderSum(a, null, 2, 257, lanes), dot = laneOrderSum(a, b, 2, 257, lanes);
            for (int it = 0; it < 20_000; it++) {
                assertEquals(sum, k.sum(a, 2, 257), 0f, "sum at call " + it + " on " + k.name());
                assertEquals(dot, k.dot(a, 2, b, 2, 257), 0f, "dot at call " + it + " on " + k.name());
            }
        }
    }

    /**
     * The Adam step updates three arrays in place; both implementations must give the same bits (the
     * optimizer tests pin the scalar form against torch.optim), cold and after the JIT has compiled them,
     * for plain Adam (L2 decay in the gradient) and AdamW (decoupled shrink), including special values.
     */
    @ParameterizedTest(name = "n={0}")
    @MethodSource("lengths")
    void adamStepIsBitIdentical(int n) {
        VectorKernels.AdamCoefficients[] coefficients = {
                new VectorKernels.AdamCoefficients().set(1f, 0.01f, 0.9f, 0.1f, 0.999f, 0.001f, 0.0031f, 0.0447f, 1e-8f),
                new VectorKernels.AdamCoefficients().set(0.99f, 0f, 0.8f, 0.2f, 0.99f, 0.01f, 0.5f, 0.7f, 1e-4f)};
        for (VectorKernels simd : simdImplementations()) {
            for (VectorKernels.AdamCoefficients c : coefficients) {
                SplittableRandom r = new SplittableRandom(n * 7L + 1);
                float[] p1 = filled(r, Domain.GENERAL, 3, n), g = filled(r, Domain.GENERAL, 1, n);
                float[] m1 = filled(r, Domain.UNIT, 2, n), v1 = filled(r, Domain.POSITIVE, 4, n);
                float[] p2 = p1.clone(), m2 = m1.clone(), v2 = v1.clone();
                for (int call = 0; call < 300; call++) {
                    ScalarKernels.INSTANCE.adamStep(p1, 3, g, 1, m1, 2, v1, 4, c, n);
                    simd.adamStep(p2, 3, g, 1, m2, 2, v2, 4, c, n);
                }
                for (int i = 0; i < p1.length; i++) {
                    assertEquals(Float.floatToIntBits(p1[i]), Float.floatToIntBits(p2[i]), simd.name() + " parameter " + i + " (n=" + n + ")");
                }
                for (int i = 0; i < m1.length; i++) {
                    assertEquals(Float.floatToIntBits(m1[i]), Float.floatToIntBits(m2[i]), simd.name() + " first moment " + i);
                    assertEquals(Float.floatToIntBits(v1[i]), Float.floatToIntBits(v2[i]), simd.name() + " second moment " + i);
                }
                assertEquals(SENTINEL, p2[p2.length - 1], "nothing written past the range");
            }
        }
    }

    /**
     * The top-k filter: the same positions from both implementations (a direct check that they are the
     * positions of the values not below t, NaN included), for thresholds below, inside and above the
     * values, at -0 (equal to +0) and at NaN (where every value passes: nothing is below NaN).
     */
    @ParameterizedTest(name = "n={0}")
    @MethodSource("lengths")
    void positionsNotBelowAgree(int n) {
        SplittableRandom r = new SplittableRandom(n * 5L + 3);
        float[] a = filled(r, Domain.GENERAL, 3, n);
        for (float t : new float[] {Float.NEGATIVE_INFINITY, -1f, -0f, 0.5f, 2f, 100f, Float.POSITIVE_INFINITY, Float.NaN}) {
            int[] expected = new int[n + 4], actual = new int[n + 4];
            java.util.Arrays.fill(expected, -7);
            java.util.Arrays.fill(actual, -7);
            int m = ScalarKernels.INSTANCE.positionsNotBelow(a, 3, n, t, expected, 2);
            int want = 0;
            for (int i = 0; i < n; i++) {
                if (!(a[3 + i] < t)) assertEquals(i, expected[2 + want++], "scalar position " + want + " at t=" + t);
            }
            assertEquals(want, m, "scalar count at t=" + t);
            for (VectorKernels simd : simdImplementations()) {
                assertEquals(m, simd.positionsNotBelow(a, 3, n, t, actual, 2), simd.name() + " count at t=" + t);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, simd.name() + " positions at t=" + t);
            }
        }
    }

    /** The vectorized Philox rounds give the reference's words, across 32-bit carries of the block counter. */
    @org.junit.jupiter.api.Test
    void philoxWordsMatchTheReference() {
        SplittableRandom r = new SplittableRandom(11);
        long[] firsts = {0, 1, 0xFFFF_FFF0L, 0xFFFF_FFFFL, 0x7FFF_FFFF_FFFF_FFF9L, -5, r.nextLong()};
        for (VectorKernels simd : simdImplementations()) {
            for (long first : firsts) {
                for (int blocks : new int[] {0, 1, 7, 8, 9, 16, 17, 40, 64}) {
                    long key = r.nextLong(), stream = r.nextLong();
                    int[] expected = new int[4 * blocks + 6], actual = new int[4 * blocks + 6];
                    java.util.Arrays.fill(expected, 0x5A5A5A5A);
                    java.util.Arrays.fill(actual, 0x5A5A5A5A);
                    org.latent4j.tensor.random.Philox4x32.blocks(key, stream, first, blocks, expected, 3);
                    for (int call = 0; call < 50; call++) simd.philox4x32(key, stream, first, blocks, actual, 3);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, simd.name() + " first block " + first + ", " + blocks + " blocks");
                }
            }
        }
    }

    /**
     * Normals: the same bits from both implementations (the Rng promises one stream per seed on every
     * machine), for lengths that end inside a group and inside a vector, at an offset, with nothing
     * written past n; and words chosen at the quarter-turn boundaries and the radius extremes.
     */
    @ParameterizedTest(name = "n={0}")
    @MethodSource("lengths")
    void normalsAreBitIdentical(int n) {
        int groups = (n + VectorKernels.NORMAL_GROUP - 1) / VectorKernels.NORMAL_GROUP;
        int[] words = new int[5 + groups * VectorKernels.NORMAL_GROUP];
        SplittableRandom r = new SplittableRandom(n * 13L + 5);
        int[] special = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 29, (1 << 29) - 1, 3 << 29, (3 << 29) + 1, 1 << 30, -(1 << 29)};
        for (int i = 0; i < words.length; i++) words[i] = i < special.length * 3 && r.nextBoolean() ? special[r.nextInt(special.length)] : r.nextInt();
        for (float[] ms : new float[][] {{0f, 1f}, {-3.5f, 0.25f}, {2f, 0f}}) {
            float[] expected = new float[n + 9], actual = new float[n + 9];
            java.util.Arrays.fill(expected, SENTINEL);
            java.util.Arrays.fill(actual, SENTINEL);
            ScalarKernels.INSTANCE.normals(words, 5, ms[0], ms[1], expected, 4, n);
            for (VectorKernels simd : simdImplementations()) {
                for (int call = 0; call < 200; call++) simd.normals(words, 5, ms[0], ms[1], actual, 4, n);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                            simd.name() + " element " + (i - 4) + " of " + n + " (mean " + ms[0] + ", std " + ms[1] + ")");
                }
            }
            assertEquals(SENTINEL, expected[3], "nothing written before the range");
            assertEquals(SENTINEL, expected[4 + n], "nothing written past the range");
        }
    }
}
