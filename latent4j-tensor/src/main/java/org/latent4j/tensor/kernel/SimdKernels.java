package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API implementation of {@link VectorKernels}. Only this package touches
 * {@code jdk.incubator.vector}, and only after {@link Kernels} has checked that the module is readable,
 * the way Lucene and jvector keep their Panama code behind an interface.
 */
public final class SimdKernels implements VectorKernels {
    private final VectorSpecies<Float> species;
    private final int lanes;

    public SimdKernels(VectorSpecies<Float> species) {
        this.species = species;
        this.lanes = species.length();
    }

    /** The preferred species of this CPU. */
    public static SimdKernels preferred() {
        return new SimdKernels(FloatVector.SPECIES_PREFERRED);
    }

    public int lanes() {
        return lanes;
    }

    @Override
    public String name() {
        return "simd-" + species.vectorBitSize();
    }

    private int bound(int n) {
        return species.loopBound(n);
    }

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).add(FloatVector.fromArray(species, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).sub(FloatVector.fromArray(species, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).mul(FloatVector.fromArray(species, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i];
    }

    @Override
    public void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).div(FloatVector.fromArray(species, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i];
    }

    @Override
    public void addScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(species, s);
        for (int e = bound(n); i < e; i += lanes) FloatVector.fromArray(species, a, ao + i).add(vs).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] + s;
    }

    @Override
    public void mulScalar(float[] a, int ao, float s, float[] out, int oo, int n) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(species, s);
        for (int e = bound(n); i < e; i += lanes) FloatVector.fromArray(species, a, ao + i).mul(vs).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] * s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(species, alpha);
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, x, xo + i).fma(va, FloatVector.fromArray(species, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public float sum(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(species);
        for (int e = bound(n); i < e; i += lanes) acc = acc.add(FloatVector.fromArray(species, a, ao + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] a, int ao, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(species);
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector v = FloatVector.fromArray(species, a, ao + i);
            acc = v.fma(v, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * a[ao + i];
        return s;
    }

    @Override
    public float max(float[] a, int ao, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= lanes) {
            FloatVector acc = FloatVector.broadcast(species, Float.NEGATIVE_INFINITY);
            for (int e = bound(n); i < e; i += lanes) acc = acc.max(FloatVector.fromArray(species, a, ao + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[ao + i]);
        return m;
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(species);
        for (int e = bound(n); i < e; i += lanes) {
            acc = FloatVector.fromArray(species, a, ao + i).fma(FloatVector.fromArray(species, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Override
    public float squaredDistance(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(species);
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector d = FloatVector.fromArray(species, a, ao + i).sub(FloatVector.fromArray(species, b, bo + i));
            acc = d.fma(d, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = a[ao + i] - b[bo + i];
            s += d * d;
        }
        return s;
    }

    @Override
    public void exp(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).lanewise(VectorOperators.EXP).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = species.indexInRange(i, n);
            FloatVector.fromArray(species, a, ao + i, m).lanewise(VectorOperators.EXP).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void tanh(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int e = bound(n); i < e; i += lanes) {
            FloatVector.fromArray(species, a, ao + i).lanewise(VectorOperators.TANH).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = species.indexInRange(i, n);
            FloatVector.fromArray(species, a, ao + i, m).lanewise(VectorOperators.TANH).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void relu(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(species);
        for (int e = bound(n); i < e; i += lanes) FloatVector.fromArray(species, a, ao + i).max(zero).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = Math.max(a[ao + i], 0f);
    }
}
