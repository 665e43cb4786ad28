package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API implementation of {@link VectorKernels}. Only this package touches
 * {@code jdk.incubator.vector}, and only after {@link Kernels} has checked that the module is readable,
 * the way Lucene and jvector keep their Panama code behind an interface.
 */
public final class SimdKernels implements VectorKernels {
    /**
     * The vector shape, a static final so that C2 can intrinsify every vector op: with the SPECIES in an
     * instance field the JIT boxes vectors on the heap (tens of MB per second of garbage, several times
     * slower). The CPU's preferred width unless {@code -Dlatent4j.simd.bits=128|256|512} asks for another.
     */
    private static final VectorSpecies<Float> SPECIES = chooseSpecies();
    private static final int LANES = SPECIES.length();
    private static final SimdKernels INSTANCE = new SimdKernels();

    private SimdKernels() {}

    private static VectorSpecies<Float> chooseSpecies() {
        String bits = System.getProperty("latent4j.simd.bits", "").trim();
        return switch (bits) {
            case "" -> FloatVector.SPECIES_PREFERRED;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> {
                System.err.println("latent4j: -Dlatent4j.simd.bits=" + bits + " is not one of 128, 256, 512; using the preferred width");
                yield FloatVector.SPECIES_PREFERRED;
            }
        };
    }

    /** The vector shape of these kernels, which the code search shares. */
    static VectorSpecies<Float> species() {
        return SPECIES;
    }

    /** The one instance (its vector width is fixed for the life of the JVM). */
    public static SimdKernels preferred() {
        return INSTANCE;
    }

    public int lanes() {
        return LANES;
    }

    @Override
    public String name() {
        return "simd-" + SPECIES.vectorBitSize();
    }

    private int bound(int n) {
        return SPECIES.loopBound(n);
    }

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector.fromArray(SPECIES, a, ao + i).add(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector.fromArray(SPECIES, a, ao + i).sub(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector.fromArray(SPECIES, a, ao + i).mul(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override
    public void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector.fromArray(SPECIES, a, ao + i).div(FloatVector.fromArray(SPECIES, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i];
    }

    @Override
    public void addScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(SPECIES, s);
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).add(vs).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] + s;
    }

    @Override
    public void mulScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(SPECIES, s);
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).mul(vs).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] * s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(SPECIES, alpha);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xo + i).fma(va, FloatVector.fromArray(SPECIES, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /**
     * The lanes of v added in lane order. Not reduceLanes(ADD): its order is unspecified, and on JDK 25 the
     * C2 intrinsic (a tree) and the interpreter's loop give different bits, so sums changed as code warmed up
     * and results were not reproducible from run to run, nor between 1 and N threads.
     */
    private static float sumLanes(FloatVector v) {
        // lane by lane rather than through an array: the array (one per dot product) was not scalar-replaced, and a
        // top-k autoencoder step of 260,000 dot products allocated 21 MB with it
        float s = v.lane(0);
        for (int l = 1; l < LANES; l++) s += v.lane(l);
        return s;
    }

    @Override
    public float sum(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) acc = acc.add(FloatVector.fromArray(SPECIES, a, ao + i));
        float s = sumLanes(acc);
        for (; i < n; i++) s += a[ao + i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, ao + i);
            acc = v.fma(v, acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * a[ao + i];
        return s;
    }

    @Override
    public int positionsNotBelow(float[] a, int ao, int n, float t, int[] out, int oo) {
        int m = 0, i = 0;
        // a filter that passes few values: one compare per vector, the passing lanes read off the mask's bits
        FloatVector tv = FloatVector.broadcast(SPECIES, t);
        long lanes = LANES == 64 ? -1L : (1L << LANES) - 1;
        for (int e = bound(n); i < e; i += LANES) {
            long pass = ~FloatVector.fromArray(SPECIES, a, ao + i).compare(VectorOperators.LT, tv).toLong() & lanes;
            while (pass != 0) {
                out[oo + m++] = i + Long.numberOfTrailingZeros(pass);
                pass &= pass - 1;
            }
        }
        for (; i < n; i++) {
            if (!(a[ao + i] < t)) out[oo + m++] = i;
        }
        return m;
    }

    @Override
    public float max(float[] a, int ao, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= LANES) {
            FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int e = bound(n); i < e; i += LANES) acc = acc.max(FloatVector.fromArray(SPECIES, a, ao + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[ao + i]);
        return m;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, a, ao + i).fma(FloatVector.fromArray(SPECIES, b, bo + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public float squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, ao + i).sub(FloatVector.fromArray(SPECIES, b, bo + i));
            acc = d.fma(d, acc);
        }
        float s = sumLanes(acc);
        for (; i < n; i++) {
            float d = a[ao + i] - b[bo + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void relu(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).max(zero).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.max(a[ao + i], 0f);
    }

    @Override
    public void divScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).div(s).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] / s;
    }

    @Override
    public void abs(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).abs().intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.abs(a[ao + i]);
    }

    @Override
    public void absBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xo + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, go + i);
            zero.blend(gv, v.compare(VectorOperators.GT, 0f)).blend(gv.neg(), v.compare(VectorOperators.LT, 0f)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v > 0 ? g[go + i] : v < 0 ? -g[go + i] : 0f;
        }
    }

    @Override
    public void sqrt(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).sqrt().intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = (float) Math.sqrt(a[ao + i]);
    }

    @Override
    public void clamp(float[] a, int ao, float lo, float hi, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, a, ao + i).max(lo).min(hi).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.min(Math.max(a[ao + i], lo), hi);
    }

    @Override
    public void clampBackward(float[] x, int xo, float lo, float hi, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xo + i);
            VectorMask<Float> inside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
            zero.blend(FloatVector.fromArray(SPECIES, g, go + i), inside).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v >= lo && v <= hi ? g[go + i] : 0f;
        }
    }

    @Override
    public void select(float[] mask, int mo, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            VectorMask<Float> m = FloatVector.fromArray(SPECIES, mask, mo + i).compare(VectorOperators.NE, 0f);
            FloatVector.fromArray(SPECIES, b, bo + i).blend(FloatVector.fromArray(SPECIES, a, ao + i), m).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = mask[mo + i] != 0f ? a[ao + i] : b[bo + i];
    }

    @Override
    public void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, yo + i);
            FloatVector.fromArray(SPECIES, g, go + i).mul(v.mul(v.neg().add(1f))).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * (v * (1f - v));
        }
    }

    @Override
    public void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, y, yo + i);
            FloatVector.fromArray(SPECIES, g, go + i).mul(v.neg().fma(v, one)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * Math.fma(-v, v, 1f);
        }
    }

    @Override
    public void leakyRelu(float[] a, int ao, float slope, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, a, ao + i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i];
            out[oo + i] = x > 0 ? x : slope * x;
        }
    }

    @Override
    public void leakyReluBackward(float[] x, int xo, float[] g, int go, float slope, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, go + i);
            VectorMask<Float> pos = FloatVector.fromArray(SPECIES, x, xo + i).compare(VectorOperators.GT, 0f);
            gv.mul(slope).blend(gv, pos).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0 ? g[go + i] : slope * g[go + i];
    }

    // ---- transcendental kernels. They use our own polynomials built from add/mul/fma and bit operations
    // rather than lanewise(EXP/LOG/TANH): those are as fast here (SVML) only once C2 has compiled the loop,
    // and before that the Java fallback gives different bits (1 ulp on about 1-4% of lanes on JDK 25), so
    // results would depend on JIT timing. Basic IEEE operations give the same bits in every tier. Tails
    // are masked vectors rather than scalar loops so every element goes through the same code.

    @Override
    public void exp(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) expLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            expLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void tanh(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) tanhLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            tanhLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void log(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) logLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            logLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void log1p(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) log1pLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            log1pLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public float expShifted(float[] a, int ao, float shift, float[] out, int oo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector v = expLanes(FloatVector.fromArray(SPECIES, a, ao + i).sub(shift));
            v.intoArray(out, oo + i);
            acc = acc.add(v);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector v = expLanes(FloatVector.fromArray(SPECIES, a, ao + i, m).sub(shift));
            v.intoArray(out, oo + i, m);
            acc = acc.add(v, m);
        }
        return sumLanes(acc);
    }

    @Override
    public void sigmoid(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) sigmoidLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            sigmoidLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void elu(float[] a, int ao, float alpha, float scale, float[] out, int oo, int n) {
        int i = 0;
        float sa = scale * alpha;
        for (int e = bound(n); i < e; i += LANES) eluLanes(FloatVector.fromArray(SPECIES, a, ao + i), sa, scale).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            eluLanes(FloatVector.fromArray(SPECIES, a, ao + i, m), sa, scale).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void eluBackward(float[] x, int xo, float[] g, int go, float alpha, float scale, float[] out, int oo, int n) {
        int i = 0;
        float sa = scale * alpha;
        for (int e = bound(n); i < e; i += LANES) {
            eluBackwardLanes(FloatVector.fromArray(SPECIES, x, xo + i), FloatVector.fromArray(SPECIES, g, go + i), sa, scale).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            eluBackwardLanes(FloatVector.fromArray(SPECIES, x, xo + i, m), FloatVector.fromArray(SPECIES, g, go + i, m), sa, scale)
                    .intoArray(out, oo + i, m);
        }
    }

    @Override
    public void softplus(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) softplusLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            softplusLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void erf(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) erfLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            erfLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void gelu(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) geluLanes(FloatVector.fromArray(SPECIES, a, ao + i)).intoArray(out, oo + i);
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            geluLanes(FloatVector.fromArray(SPECIES, a, ao + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) {
            geluGradLanes(FloatVector.fromArray(SPECIES, x, xo + i)).mul(FloatVector.fromArray(SPECIES, g, go + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            geluGradLanes(FloatVector.fromArray(SPECIES, x, xo + i, m)).mul(FloatVector.fromArray(SPECIES, g, go + i, m)).intoArray(out, oo + i, m);
        }
    }

    // ---- vector math. exp: x = n ln2 + r with |r| <= ln2/2 (Cody-Waite, ln2 split in two so n*LN2_HI
    // is exact), exp(r) - 1 by its Taylor polynomial through r^7 (truncation 5e-9 relative), and 2^n built
    // in the exponent bits. Measured against (float) Math.exp: at most 1 ulp apart.

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = ScalarKernels.LN2_HI;
    private static final float LN2_LO = ScalarKernels.LN2_LO;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUND_MAGIC = 12582912f;
    /** exp below this is under half the smallest subnormal; clamping keeps the exponent arithmetic in range. */
    private static final float EXP_LO = -104f;
    /** exp above ln(Float.MAX_VALUE) ~ 88.72 overflows; 89 still builds a finite 2^n in two halves. */
    private static final float EXP_HI = 89f;
    private static final float SQRT2 = ScalarKernels.SQRT2;

    /** exp(r) - 1 for |r| <= ln2/2: r + r^2 (1/2 + r/6 + ... + r^5/7!). */
    private static FloatVector expm1ReducedLanes(FloatVector r) {
        FloatVector q = r.fma(1f / 5040, 1f / 720);
        q = q.fma(r, r.broadcast(1f / 120));
        q = q.fma(r, r.broadcast(1f / 24));
        q = q.fma(r, r.broadcast(1f / 6));
        q = q.fma(r, r.broadcast(0.5f));
        return q.fma(r.mul(r), r);
    }

    /** 2^n as a float, for n in [-126, 127]. */
    private static FloatVector pow2Lanes(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    private static FloatVector expLanes(FloatVector x) {
        // max/min follow Math.max/min, so NaN passes through the clamp and the arithmetic
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector fn = xc.fma(LOG2E, ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = fn.fma(fn.broadcast(-LN2_HI), xc);
        r = fn.fma(fn.broadcast(-LN2_LO), r);
        FloatVector p = expm1ReducedLanes(r);
        IntVector n = (IntVector) fn.convert(VectorOperators.F2I, 0);
        // two factors so that results near overflow and in the subnormal range are built without overflowing 2^n
        IntVector half = n.lanewise(VectorOperators.ASHR, 1);
        return p.add(1f).mul(pow2Lanes(half)).mul(pow2Lanes(n.sub(half)));
    }

    /**
     * exp(x) - 1, accurate for tiny x: 2^n p + (2^n - 1) needs one rounding, computed as
     * 2 (p h + (h - 1/2)) with h = 2^(n-1) so that n = 128 (results just below overflow) still fits.
     */
    private static FloatVector expm1Lanes(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector fn = xc.fma(LOG2E, ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = fn.fma(fn.broadcast(-LN2_HI), xc);
        r = fn.fma(fn.broadcast(-LN2_LO), r);
        FloatVector p = expm1ReducedLanes(r);
        // below n = -100 the result is -1 in float; the floor keeps h a normal number
        IntVector n = ((IntVector) fn.convert(VectorOperators.F2I, 0)).max(-100);
        FloatVector h = pow2Lanes(n.sub(1));
        return p.fma(h, h.sub(0.5f)).mul(2f);
    }

    /** tanh|x| = -e / (e + 2) with e = expm1Lanes(-2|x|): no cancellation, no overflow; the sign copied from x. */
    private static FloatVector tanhLanes(FloatVector x) {
        FloatVector e = expm1Lanes(x.abs().mul(-2f));
        FloatVector t = e.neg().div(e.add(2f)).abs();
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /** 1 / (1 + e^-x) as (x >= 0 ? 1 : e) / (1 + e) with e = exp(-|x|), which never overflows. */
    private static FloatVector sigmoidLanes(FloatVector x) {
        FloatVector e = expLanes(x.abs().neg());
        FloatVector num = e.blend(x.broadcast(1f), x.compare(VectorOperators.GE, 0f));
        return num.div(e.add(1f));
    }

    /**
     * ln x for positive normal x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s),
     * s = (m - 1) / (m + 1), by its series 2s + s R, R = 2s^2/3 + 2s^4/5 + 2s^6/7 + 2s^8/9 (|s| <= 0.172,
     * truncation 2e-9).
     */
    private static FloatVector logNormalLanes(FloatVector x, FloatVector exponentAdjust) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector ef = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127).convert(VectorOperators.I2F, 0)).add(exponentAdjust);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), big);
        ef = ef.add(1f, big);
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector r = z.fma(2f / 9, 2f / 7);
        r = r.fma(z, z.broadcast(2f / 5));
        r = r.fma(z, z.broadcast(2f / 3)).mul(z);
        // 2s + s R with 2s = f - s f, arranged as f - s (f - R) so that the exact f carries the result and
        // the rounding of s only touches the correction (the arrangement of fdlibm's log)
        FloatVector lm = s.neg().fma(f.sub(r), f);
        return ef.fma(ef.broadcast(LN2_HI), ef.fma(ef.broadcast(LN2_LO), lm));
    }

    private static FloatVector logLanes(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector scaled = x.blend(x.mul(0x1p23f), subnormal);
        FloatVector r = logNormalLanes(scaled, x.broadcast(0f).blend(x.broadcast(-23f), subnormal));
        r = r.blend(x.broadcast(Float.NEGATIVE_INFINITY), x.compare(VectorOperators.EQ, 0f));
        r = r.blend(x.broadcast(Float.NaN), x.compare(VectorOperators.LT, 0f));
        // ln(+Inf) = +Inf and ln(NaN) = NaN: the input itself
        return r.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY).or(x.test(VectorOperators.IS_NAN)));
    }

    /**
     * ln(1 + x) = ln(w) x / (w - 1) with w = fl(1 + x): the factor x / (w - 1) cancels the rounding of w
     * (Goldberg, "What every computer scientist should know about floating-point arithmetic", thm. 4).
     */
    private static FloatVector log1pLanes(FloatVector x) {
        FloatVector w = x.add(1f);
        FloatVector l = logLanes(w);
        FloatVector r = l.mul(x.div(w.sub(1f)));
        r = r.blend(x, w.compare(VectorOperators.EQ, 1f));
        return r.blend(l, w.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /**
     * ln(1 + u) for u in [0, 1] as u q(u), q of degree 9 interpolating ln(1 + u) / u at the Chebyshev
     * nodes of [0, 1] (relative error 5e-9 before rounding): nine multiply-adds, where the general log
     * (exponent split, a division, the Goldberg correction's division) made softplus and BCE cost 19 ns a
     * 16-lane vector.
     */
    private static FloatVector log1pUnitLanes(FloatVector u) {
        FloatVector q = u.fma(-0.003176057019045763f, 0.019542527267457158f);
        q = q.fma(u, u.broadcast(-0.056373612848784976f));
        q = q.fma(u, u.broadcast(0.10543623797910345f));
        q = q.fma(u, u.broadcast(-0.15269667076113547f));
        q = q.fma(u, u.broadcast(0.1966327425786171f));
        q = q.fma(u, u.broadcast(-0.24951616262992193f));
        q = q.fma(u, u.broadcast(0.33329710498925047f));
        q = q.fma(u, u.broadcast(-0.49999892648063027f));
        q = q.fma(u, u.broadcast(0.9999999946562919f));
        return q.mul(u);
    }

    /** max(x, 0) + ln(1 + u), u = exp(-|x|) in [0, 1]. */
    private static FloatVector softplusLanes(FloatVector x) {
        return x.max(0f).add(log1pUnitLanes(expLanes(x.abs().neg())));
    }

    private static FloatVector eluLanes(FloatVector x, float scaleAlpha, float scale) {
        return expm1Lanes(x).mul(scaleAlpha).blend(x.mul(scale), x.compare(VectorOperators.GT, 0f));
    }

    private static FloatVector eluBackwardLanes(FloatVector x, FloatVector g, float scaleAlpha, float scale) {
        return g.mul(expLanes(x).mul(scaleAlpha)).blend(g.mul(scale), x.compare(VectorOperators.GT, 0f));
    }

    // ---- erf and the normal CDF, with the polynomials of ScalarKernels (see there for their origin)

    private static FloatVector erfSmallPolyLanes(FloatVector z) {
        FloatVector p = z.fma(ScalarKernels.ERF_P5, ScalarKernels.ERF_P4);
        p = p.fma(z, z.broadcast(ScalarKernels.ERF_P3));
        p = p.fma(z, z.broadcast(ScalarKernels.ERF_P2));
        p = p.fma(z, z.broadcast(ScalarKernels.ERF_P1));
        return p.fma(z, z.broadcast(ScalarKernels.ERF_P0));
    }

    private static FloatVector erfcScaledLanes(FloatVector x) {
        FloatVector t = x.broadcast(1f).div(x.fma(0.5f, 1f));
        FloatVector r = t.fma(ScalarKernels.ERFC_R8, ScalarKernels.ERFC_R7);
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R6));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R5));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R4));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R3));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R2));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R1));
        r = r.fma(t, t.broadcast(ScalarKernels.ERFC_R0));
        return t.mul(r);
    }

    /** exp(-k x^2) for k = 1 or 1/2, with the exact remainder of x^2 (by fma) applied as a first-order correction. */
    private static FloatVector squareExpLanes(FloatVector x, float k) {
        FloatVector sq = x.mul(x);
        FloatVector lo = x.fma(x, sq.neg());
        return expLanes(sq.mul(-k)).mul(lo.mul(-k).add(1f));
    }

    private static FloatVector withSignOfLanes(FloatVector magnitude, FloatVector sign) {
        return magnitude.reinterpretAsInts().or(sign.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    private static FloatVector erfLanes(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector small = x.mul(erfSmallPolyLanes(x.mul(x)));
        FloatVector c = ax.min(ScalarKernels.ERFC_CLAMP);
        FloatVector large = withSignOfLanes(squareExpLanes(c, 1f).mul(erfcScaledLanes(c)).neg().add(1f), x);
        return large.blend(small, ax.compare(VectorOperators.LT, ScalarKernels.ERF_SPLIT));
    }

    /** Phi(xc) for xc already clamped to +-GELU_CLAMP, given e = exp(-xc^2 / 2). */
    private static FloatVector normalCdfLanes(FloatVector xc, FloatVector e) {
        FloatVector z = xc.mul(ScalarKernels.INV_SQRT2);
        FloatVector az = z.abs();
        FloatVector small = z.mul(erfSmallPolyLanes(z.mul(z))).fma(0.5f, 0.5f);
        FloatVector half = e.mul(0.5f).mul(erfcScaledLanes(az));
        FloatVector large = half.neg().add(1f).blend(half, xc.compare(VectorOperators.LT, 0f));
        return large.blend(small, az.compare(VectorOperators.LT, ScalarKernels.ERF_SPLIT));
    }

    private static FloatVector geluLanes(FloatVector x) {
        FloatVector xc = x.max(-ScalarKernels.GELU_CLAMP).min(ScalarKernels.GELU_CLAMP);
        return x.mul(normalCdfLanes(xc, squareExpLanes(xc, 0.5f)));
    }

    /** Phi(x) + x phi(x). */
    private static FloatVector geluGradLanes(FloatVector x) {
        FloatVector xc = x.max(-ScalarKernels.GELU_CLAMP).min(ScalarKernels.GELU_CLAMP);
        FloatVector e = squareExpLanes(xc, 0.5f);
        return xc.fma(e.mul(ScalarKernels.INV_SQRT_2PI), normalCdfLanes(xc, e));
    }

    // The scalar BCE spent most of its time in StrictMath's log1p (Math.log1p has no intrinsic): a
    // sixth of a small-batch VAE training step.
    //
    // Both BCE kernels run in chunks of three passes (-|x|; softplus or exp of it through the array
    // kernels; the rest) rather than one loop calling a vector helper that calls softplus: under a busy
    // C2 queue those nested helpers were compiled without the profile that makes C2 inline them, and a
    // vector that crosses a call that is not inlined is boxed (1.8 MB per call at batch 16). Passes keep
    // every vector inside the loop that made it. The scratch chunk also makes aliasing of out with x or
    // t harmless: out is written last, element by element from x, t and the chunk.
    private static final int BCE_CHUNK = 1024;
    private static final ThreadLocal<float[]> BCE_SCRATCH = ThreadLocal.withInitial(() -> new float[BCE_CHUNK]);

    private void negAbs(float[] x, int xo, float[] out, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += LANES) FloatVector.fromArray(SPECIES, x, xo + i).abs().neg().intoArray(out, i);
        for (; i < n; i++) out[i] = -Math.abs(x[xo + i]);
    }

    @Override
    public void bceWithLogits(float[] x, int xo, float[] t, int to, float[] out, int oo, int n) {
        float[] sp = BCE_SCRATCH.get();
        for (int c = 0; c < n; c += BCE_CHUNK) {
            int len = Math.min(BCE_CHUNK, n - c);
            negAbs(x, xo + c, sp, len);
            softplus(sp, 0, sp, 0, len);
            // max(x, 0) - x t + softplus(-|x|), with the first two as x (1 - t) or -x t by the sign of x
            int i = 0, xc = xo + c, tc = to + c, oc = oo + c;
            for (int e = bound(len); i < e; i += LANES) {
                FloatVector xv = FloatVector.fromArray(SPECIES, x, xc + i), tv = FloatVector.fromArray(SPECIES, t, tc + i);
                FloatVector linear = xv.mul(tv.neg().add(1f)).blend(xv.neg().mul(tv), xv.compare(VectorOperators.LT, 0f));
                linear.add(FloatVector.fromArray(SPECIES, sp, i)).intoArray(out, oc + i);
            }
            ScalarKernels.bce(x, xc + i, t, tc + i, out, oc + i, len - i);
        }
    }

    @Override
    public void bceWithLogitsBackward(float[] x, int xo, float[] t, int to, float[] g, int go, float[] out, int oo, int n) {
        float[] ex = BCE_SCRATCH.get();
        for (int c = 0; c < n; c += BCE_CHUNK) {
            int len = Math.min(BCE_CHUNK, n - c);
            negAbs(x, xo + c, ex, len);
            exp(ex, 0, ex, 0, len);
            // g (sigmoid(x) - t), with sigmoid(x) = 1 - e / (1 + e) or e / (1 + e) by the sign of x, e = exp(-|x|)
            int i = 0, xc = xo + c, tc = to + c, gc = go + c, oc = oo + c;
            for (int e = bound(len); i < e; i += LANES) {
                FloatVector xv = FloatVector.fromArray(SPECIES, x, xc + i), tv = FloatVector.fromArray(SPECIES, t, tc + i);
                FloatVector ev = FloatVector.fromArray(SPECIES, ex, i);
                FloatVector tail = ev.div(ev.add(1f));
                FloatVector.fromArray(SPECIES, g, gc + i)
                        .mul(tv.neg().add(1f).sub(tail).blend(tail.sub(tv), xv.compare(VectorOperators.LT, 0f)))
                        .intoArray(out, oc + i);
            }
            ScalarKernels.bceBackward(x, xc + i, t, tc + i, g, gc + i, out, oc + i, len - i);
        }
    }

    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, SPECIES.vectorShape());
    private static final int LONG_LANES = LONGS.length();
    private static final long WORD = 0xFFFF_FFFFL;
    private static final ThreadLocal<long[]> PHILOX_LANES = ThreadLocal.withInitial(() -> new long[4 * LONG_LANES]);

    /**
     * LONG_LANES blocks at a time, one per 64-bit lane holding a 32-bit counter word, so that the
     * 32 x 32 -> 64-bit round products are plain lane multiplies. Binarizing a batch spent 15 ns per pixel in
     * the scalar rounds. The constants are those of Philox4x32 (M0, M1, W0, W1), which stays the reference.
     */
    @Override
    public void philox4x32(long key, long stream, long firstBlock, int blocks, int[] out, int at) {
        int whole = blocks - blocks % LONG_LANES;
        long[] lanes = PHILOX_LANES.get();
        LongVector index = LongVector.zero(LONGS).addIndex(1);
        LongVector c2 = LongVector.broadcast(LONGS, stream & WORD), c3 = LongVector.broadcast(LONGS, stream >>> 32);
        for (int b = 0; b < whole; b += LONG_LANES) {
            LongVector counter = index.add(firstBlock + b);
            LongVector x0 = counter.and(WORD), x1 = counter.lanewise(VectorOperators.LSHR, 32), x2 = c2, x3 = c3;
            int k0 = (int) key, k1 = (int) (key >>> 32);
            for (int r = 0; r < 10; r++) {
                LongVector p0 = x0.mul(0xD2511F53L), p1 = x2.mul(0xCD9E8D57L);
                x0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.XOR, k0 & WORD);
                x2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.XOR, k1 & WORD);
                x1 = p1.and(WORD);
                x3 = p0.and(WORD);
                k0 += 0x9E3779B9;
                k1 += 0xBB67AE85;
            }
            x0.intoArray(lanes, 0);
            x1.intoArray(lanes, LONG_LANES);
            x2.intoArray(lanes, 2 * LONG_LANES);
            x3.intoArray(lanes, 3 * LONG_LANES);
            for (int l = 0, o = at + 4 * b; l < LONG_LANES; l++, o += 4) {
                out[o] = (int) lanes[l];
                out[o + 1] = (int) lanes[LONG_LANES + l];
                out[o + 2] = (int) lanes[2 * LONG_LANES + l];
                out[o + 3] = (int) lanes[3 * LONG_LANES + l];
            }
        }
        if (whole < blocks) org.latent4j.tensor.random.Philox4x32.blocks(key, stream, firstBlock + whole, blocks - whole, out, at + 4 * whole);
    }

    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());

    /** Box-Muller, operation for operation as ScalarKernels.normals (see there and VectorKernels). */
    @Override
    public void normals(int[] words, int wo, float mean, float std, float[] out, int oo, int n) {
        int whole = n - n % NORMAL_GROUP;
        for (int g = 0; g < whole; g += NORMAL_GROUP) normalGroup(words, wo + g, mean, std, out, oo + g);
        if (whole < n) {
            float[] last = new float[NORMAL_GROUP];
            normalGroup(words, wo + whole, mean, std, last, 0);
            System.arraycopy(last, 0, out, oo + whole, n - whole);
        }
    }

    /**
     * One group of normals into out[oo, oo + NORMAL_GROUP). A method of its own, with no partial stores:
     * written inline in the loop with masked stores for the last group, it passed C2's node budget
     * (NodeCountInliningCutoff) and the vector arithmetic at its end was boxed, 6 bytes per value.
     */
    private static void normalGroup(int[] words, int wo, float mean, float std, float[] out, int oo) {
        int half = NORMAL_GROUP / 2;
        for (int i = 0; i < half; i += LANES) {
            IntVector a = IntVector.fromArray(INTS, words, wo + i);
            IntVector b = IntVector.fromArray(INTS, words, wo + half + i);
            FloatVector u = ((FloatVector) a.lanewise(VectorOperators.LSHR, 1).convert(VectorOperators.I2F, 0)).add(0.5f).mul(0x1p-31f);
            FloatVector radius = logNormalLanes(u, u.broadcast(0f)).mul(-2f).sqrt().mul(std);
            IntVector q = b.add(1 << 29).lanewise(VectorOperators.LSHR, 30);
            FloatVector x = ((FloatVector) b.sub(q.lanewise(VectorOperators.LSHL, 30)).convert(VectorOperators.I2F, 0))
                    .mul(ScalarKernels.TURN_PER_WORD);
            FloatVector z = x.mul(x);
            FloatVector ps = z.fma(ScalarKernels.SIN7, ScalarKernels.SIN5).fma(z, z.broadcast(ScalarKernels.SIN3));
            FloatVector sin = x.mul(z).fma(ps, x);
            FloatVector pc = z.fma(ScalarKernels.COS8, ScalarKernels.COS6).fma(z, z.broadcast(ScalarKernels.COS4));
            FloatVector cos = z.mul(z).fma(pc, z.fma(-0.5f, 1f));
            // odd quarters swap cosine and sine, and the quarter flips signs: both by bits
            IntVector ci = cos.reinterpretAsInts(), si = sin.reinterpretAsInts();
            IntVector swap = ci.lanewise(VectorOperators.XOR, si).and(q.and(1).neg());
            FloatVector c = ci.lanewise(VectorOperators.XOR, swap).lanewise(VectorOperators.XOR, q.add(1).and(2).lanewise(VectorOperators.LSHL, 30)).reinterpretAsFloats();
            FloatVector s = si.lanewise(VectorOperators.XOR, swap).lanewise(VectorOperators.XOR, q.and(2).lanewise(VectorOperators.LSHL, 30)).reinterpretAsFloats();
            FloatVector m = radius.broadcast(mean);
            radius.fma(c, m).intoArray(out, oo + i);
            radius.fma(s, m).intoArray(out, oo + half + i);
        }
    }

    @Override
    public void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, AdamCoefficients c, int n) {
        float shrink = c.shrink, l2 = c.l2, b1 = c.b1, c1 = c.c1, b2 = c.b2, c2 = c.c2;
        float stepSize = c.stepSize, correction2 = c.correction2, eps = c.eps;
        int i = 0;
        // the scalar loop ran 3 ns per parameter (sqrt and division do not auto-vectorize): with a million
        // parameters the optimizer step cost more than the forward and backward passes of a small batch
        for (int e = bound(n); i < e; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, p, po + i).mul(shrink);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i).add(w.mul(l2));
            FloatVector mi = FloatVector.fromArray(SPECIES, m, mo + i).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(SPECIES, v, vo + i).mul(b2).add(gi.mul(gi).mul(c2));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            w.sub(mi.div(vi.sqrt().div(correction2).add(eps)).mul(stepSize)).intoArray(p, po + i);
        }
        ScalarKernels.adam(p, po + i, g, go + i, m, mo + i, v, vo + i, c, n - i);
    }
}
