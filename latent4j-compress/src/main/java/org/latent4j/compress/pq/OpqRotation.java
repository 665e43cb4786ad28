package org.latent4j.compress.pq;

import java.util.Map;
import org.latent4j.compress.FitProgress;
import org.latent4j.compress.StageState;
import org.latent4j.compress.VectorTransform;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.linalg.Orthogonal;
import org.latent4j.tensor.linalg.Svd;
import org.latent4j.tensor.random.Rng;

/**
 * The rotation of optimized product quantization (Ge, He, Ke and Sun 2013, the non-parametric method; FAISS's
 * {@code OPQMatrix}): an orthogonal d x d matrix R, applied as y = x R, chosen so that a product quantizer of m
 * sub-spaces loses less on the rotated vectors. Being orthogonal it preserves L2 distances and inner products, so
 * queries are searched through the same rotation; {@link #reverse} is y R^T, exact up to rounding.
 *
 * <p>Training alternates (1) a product quantizer of m sub-spaces and 256 centroids on the rotated sample X R, and
 * (2) R = argmin over orthogonal R of ||X R - Y||_F, Y the rotated sample encoded and decoded (orthogonal
 * Procrustes: R = U V^T from the SVD of X^T Y). The start is a random rotation, as in FAISS: Fashion-MNIST-like
 * data have many near-constant coordinates (image borders), so the identity would begin with sub-spaces of very
 * unequal variance; a random rotation spreads the variance over all sub-spaces before the first alternation. The
 * first alternation runs the full k-means; later ones continue from the previous centroids for
 * {@link #HOT_ITERATIONS} iterations (FAISS: 40 then 4).
 */
public final class OpqRotation implements VectorTransform {
    /** The kind name recorded in a {@link StageState}. */
    public static final String KIND = "OPQ";
    /** Lloyd iterations of each alternation after the first, which start from the previous centroids. */
    public static final int HOT_ITERATIONS = 4;
    /** Bits of the product quantizer trained inside the alternations. */
    public static final int INNER_BITS = 8;

    private final int d, m;
    /** d x d, row-major: y = x R. */
    private final float[] rotation;

    /** The rotation for m sub-spaces given as a d x d row-major matrix (copied; must be finite). */
    public OpqRotation(int d, int m, float[] rotation) {
        if (m < 1 || d < 1 || d % m != 0) throw new IllegalArgumentException("OPQ" + m + ": m = " + m + " must divide the dimension " + d);
        if (rotation.length != (long) d * d) throw new IllegalArgumentException("OPQ" + m + ": the rotation must hold d * d = " + (long) d * d + " values, got " + rotation.length);
        for (int i = 0; i < rotation.length; i++) {
            if (!Float.isFinite(rotation[i])) throw new IllegalArgumentException("OPQ" + m + ": rotation value " + i + " is " + rotation[i]);
        }
        this.d = d;
        this.m = m;
        this.rotation = rotation.clone();
    }

    /**
     * Trains the rotation on rows {@code x[0 .. n d)} (n >= 256): {@code alternations} rounds as the class comment
     * says, the first PQ with {@code kmeansIterations} Lloyd iterations.
     */
    public static OpqRotation train(float[] x, int n, int d, int m, int alternations, int kmeansIterations, Rng rng, FitProgress progress) {
        String token = "OPQ" + m;
        if (m < 1 || d % m != 0) throw new IllegalArgumentException(token + ": m = " + m + " must divide the dimension " + d);
        int ksub = 1 << INNER_BITS;
        if (n < ksub) throw new IllegalArgumentException(token + ": needs at least " + ksub + " training rows (its product quantizer has " + ksub + " centroids per sub-space), got " + n);
        float[] r = toFloat(Orthogonal.random(d, rng.fork(0)));
        float[] xr = new float[n * d], y = new float[n * d], xty = new float[d * d];
        byte[] codes = new byte[n * m];
        ProductQuantizer pq = null;
        for (int it = 0; it < alternations; it++) {
            Kernels.gemm().sgemm(false, false, n, d, d, 1f, x, 0, d, r, 0, d, 0f, xr, 0, d);
            pq = ProductQuantizer.train(xr, n, d, m, INNER_BITS, it == 0 ? kmeansIterations : HOT_ITERATIONS, rng.fork(1 + it), pq, null, token);
            pq.encode(xr, 0, n, codes, 0);
            pq.decode(codes, 0, n, y, 0);
            // M = X^T Y; the R maximising trace(R^T M) minimises ||X R - Y||
            Kernels.gemm().sgemm(true, false, d, d, n, 1f, x, 0, d, y, 0, d, 0f, xty, 0, d);
            double[] md = new double[d * d];
            for (int i = 0; i < md.length; i++) md[i] = xty[i];
            r = toFloat(Svd.orthogonalProcrustes(md, d));
            if (progress != null) progress.update(token, it + 1, alternations);
        }
        return new OpqRotation(d, m, r);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** The number of sub-spaces the rotation was trained for. */
    public int m() {
        return m;
    }

    /** A copy of R, d x d row-major (y = x R). */
    public float[] rotation() {
        return rotation.clone();
    }

    @Override
    public String token() {
        return "OPQ" + m;
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public int outputDimension() {
        return d;
    }

    @Override
    public StageState state() {
        return new StageState(KIND, token(), "{}", Map.of("rotation", Tensor.of(rotation, d, d)));
    }

    static OpqRotation load(StageState state, int m) {
        Tensor t = state.tensor("rotation");
        int[] s = t.shape();
        if (s.length != 2 || s[0] != s[1]) throw new IllegalArgumentException("stage " + state.token() + ": the rotation must be square, got shape " + java.util.Arrays.toString(s));
        return new OpqRotation(s[0], m, t.contiguous().toArray());
    }

    @Override
    public void apply(float[] in, int inOff, int rows, float[] out, int outOff) {
        check(in, inOff, rows, out, outOff, "apply");
        if (rows > 0) Kernels.gemm().sgemm(false, false, rows, d, d, 1f, in, inOff, d, rotation, 0, d, 0f, out, outOff, d);
    }

    @Override
    public void reverse(float[] in, int inOff, int rows, float[] out, int outOff) {
        check(in, inOff, rows, out, outOff, "reverse");
        if (rows > 0) Kernels.gemm().sgemm(false, true, rows, d, d, 1f, in, inOff, d, rotation, 0, d, 0f, out, outOff, d);
    }

    private void check(float[] in, int inOff, int rows, float[] out, int outOff, String op) {
        if (rows < 0 || inOff < 0 || inOff + (long) rows * d > in.length || outOff < 0 || outOff + (long) rows * d > out.length) {
            throw new IllegalArgumentException(token() + ": " + op + ": " + rows + " rows of " + d + " do not fit the arrays");
        }
    }

    @Override
    public String toString() {
        return token() + " (d=" + d + ")";
    }
}
