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
 *
 * <p>With an output width d' other than d (token {@code OPQ<m>_<d'>}, FAISS's {@code OPQMatrix(d, M, d2)}), R is a
 * d x d' slice of an orthogonal matrix: for d' &lt; d it has orthonormal columns and projects onto the d'-dimensional
 * subspace the product quantizer loses least on (so that 784 = 16 x 49 values can feed m = 32 or 64 sub-spaces of
 * 24 or 12); for d' &gt; d it has orthonormal rows and pads (norms kept exactly). The Procrustes step is the same with
 * the thin SVD of the d x d' matrix X^T Y. {@link #reverse} is y R^T: exact when padding, the least-squares
 * reconstruction from the kept subspace when projecting. A projection keeps distances within the subspace only, as
 * a truncating PCA does.
 */
public final class OpqRotation implements VectorTransform {
    /** The kind name recorded in a {@link StageState}. */
    public static final String KIND = "OPQ";
    /** Lloyd iterations of each alternation after the first, which start from the previous centroids. */
    public static final int HOT_ITERATIONS = 4;
    /** Bits of the product quantizer trained inside the alternations. */
    public static final int INNER_BITS = 8;

    private final int d, dOut, m;
    /** d x dOut, row-major: y = x R. */
    private final float[] rotation;

    /**
     * The rotation for m sub-spaces given as a d x d row-major matrix (copied; must be finite).
     *
     * @param d the dimension
     * @param m the number of sub-spaces it was trained for
     * @param rotation R, d x d row-major
     */
    public OpqRotation(int d, int m, float[] rotation) {
        this(d, d, m, rotation);
    }

    /**
     * The map of d values to dOut for m sub-spaces, a d x dOut row-major matrix (copied; must be finite).
     *
     * @param d the input dimension
     * @param dOut the output dimension, a multiple of m
     * @param m the number of sub-spaces it was trained for
     * @param rotation R, d x dOut row-major
     */
    public OpqRotation(int d, int dOut, int m, float[] rotation) {
        String token = token(m, d, dOut);
        if (m < 1 || d < 1 || dOut < 1 || dOut % m != 0) throw new IllegalArgumentException(token + ": m = " + m + " must divide the output dimension " + dOut);
        if (rotation.length != (long) d * dOut) {
            throw new IllegalArgumentException(token + ": the rotation must hold " + d + " x " + dOut + " = " + (long) d * dOut + " values, got " + rotation.length);
        }
        for (int i = 0; i < rotation.length; i++) {
            if (!Float.isFinite(rotation[i])) throw new IllegalArgumentException(token + ": rotation value " + i + " is " + rotation[i]);
        }
        this.d = d;
        this.dOut = dOut;
        this.m = m;
        this.rotation = rotation.clone();
    }

    /** {@code OPQ<m>} when the width is kept, {@code OPQ<m>_<dOut>} otherwise. */
    static String token(int m, int d, int dOut) {
        return "OPQ" + m + (dOut == d ? "" : "_" + dOut);
    }

    /**
     * Trains the rotation on rows {@code x[0 .. n d)} (n >= 256): {@code alternations} rounds as the class comment
     * says, the first PQ with {@code kmeansIterations} Lloyd iterations.
     *
     * @param x the training rows, row-major
     * @param n the number of rows
     * @param d the dimension
     * @param m the number of sub-spaces
     * @param alternations the rounds of PQ training and Procrustes fits
     * @param kmeansIterations the first PQ's Lloyd iterations
     * @param rng draws the k-means seeds
     * @param progress told of each round
     * @return the rotation
     */
    public static OpqRotation train(float[] x, int n, int d, int m, int alternations, int kmeansIterations, Rng rng, FitProgress progress) {
        return train(x, n, d, d, m, alternations, kmeansIterations, rng, progress);
    }

    /**
     * {@link #train(float[], int, int, int, int, int, Rng, FitProgress)} to an output of dOut values (a multiple of m).
     *
     * @param x the training rows, row-major
     * @param n the number of rows
     * @param d the input dimension
     * @param dOut the output dimension
     * @param m the number of sub-spaces
     * @param alternations the rounds of PQ training and Procrustes fits
     * @param kmeansIterations the first PQ's Lloyd iterations
     * @param rng draws the k-means seeds
     * @param progress told of each round
     * @return the map
     */
    public static OpqRotation train(float[] x, int n, int d, int dOut, int m, int alternations, int kmeansIterations, Rng rng, FitProgress progress) {
        String token = token(m, d, dOut);
        if (m < 1 || dOut < 1 || dOut % m != 0) throw new IllegalArgumentException(token + ": m = " + m + " must divide the output dimension " + dOut);
        int ksub = 1 << INNER_BITS;
        if (n < ksub) throw new IllegalArgumentException(token + ": needs at least " + ksub + " training rows (its product quantizer has " + ksub + " centroids per sub-space), got " + n);
        float[] r = slice(Orthogonal.random(Math.max(d, dOut), rng.fork(0)), Math.max(d, dOut), d, dOut);
        float[] xr = new float[n * dOut], y = new float[n * dOut], xty = new float[d * dOut];
        byte[] codes = new byte[n * m];
        ProductQuantizer pq = null;
        for (int it = 0; it < alternations; it++) {
            Kernels.gemm().sgemm(false, false, n, dOut, d, 1f, x, 0, d, r, 0, dOut, 0f, xr, 0, dOut);
            pq = ProductQuantizer.train(xr, n, dOut, m, INNER_BITS, it == 0 ? kmeansIterations : HOT_ITERATIONS, rng.fork(1 + it), pq, null, token);
            pq.encode(xr, 0, n, codes, 0);
            pq.decode(codes, 0, n, y, 0);
            // M = X^T Y; the R maximising trace(R^T M) minimises ||X R - Y||
            Kernels.gemm().sgemm(true, false, d, dOut, n, 1f, x, 0, d, y, 0, dOut, 0f, xty, 0, dOut);
            double[] md = new double[d * dOut];
            for (int i = 0; i < md.length; i++) md[i] = xty[i];
            r = toFloat(dOut == d ? Svd.orthogonalProcrustes(md, d) : procrustes(md, d, dOut));
            if (progress != null) progress.update(token, it + 1, alternations);
        }
        return new OpqRotation(d, dOut, m, r);
    }

    /** The top-left rows x cols block of an n x n matrix: orthonormal columns (rows &gt;= cols) or rows (rows &lt; cols). */
    private static float[] slice(double[] q, int n, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[i * cols + j] = (float) q[i * n + j];
        return out;
    }

    /** R = U V^T from the thin SVD of the rows x cols matrix M: the R with orthonormal columns (or rows) maximising trace(R^T M). */
    static double[] procrustes(double[] mat, int rows, int cols) {
        Svd svd = Svd.of(mat, rows, cols);
        int r = svd.rank();
        double[] u = svd.u(), v = svd.v(), out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                double acc = 0;
                for (int j = 0; j < r; j++) acc += u[i * r + j] * v[k * r + j];
                out[i * cols + k] = acc;
            }
        }
        return out;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /**
     * The number of sub-spaces the rotation was trained for.
     *
     * @return m
     */
    public int m() {
        return m;
    }

    /**
     * A copy of R, d x outputDimension() row-major (y = x R).
     *
     * @return the matrix
     */
    public float[] rotation() {
        return rotation.clone();
    }

    @Override
    public String token() {
        return token(m, d, dOut);
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public int outputDimension() {
        return dOut;
    }

    @Override
    public StageState state() {
        return new StageState(KIND, token(), "{}", Map.of("rotation", Tensor.of(rotation, d, dOut)));
    }

    /** @param dOut the output width the token names, or -1 when it names none (the rotation must then be square) */
    static OpqRotation load(StageState state, int m, int dOut) {
        Tensor t = state.tensor("rotation");
        int[] s = t.shape();
        if (s.length != 2 || (dOut < 0 ? s[0] != s[1] : s[1] != dOut)) {
            throw new IllegalArgumentException("stage " + state.token() + ": the rotation must be " + (dOut < 0 ? "square" : "[d, " + dOut + "]") + ", got shape "
                    + java.util.Arrays.toString(s));
        }
        return new OpqRotation(s[0], s[1], m, t.contiguous().toArray());
    }

    @Override
    public void apply(float[] in, int inOff, int rows, float[] out, int outOff) {
        check(in, inOff, rows, out, outOff, "apply");
        if (rows > 0) Kernels.gemm().sgemm(false, false, rows, dOut, d, 1f, in, inOff, d, rotation, 0, dOut, 0f, out, outOff, dOut);
    }

    @Override
    public void reverse(float[] in, int inOff, int rows, float[] out, int outOff) {
        check(in, inOff, rows, out, outOff, "reverse");
        if (rows > 0) Kernels.gemm().sgemm(false, true, rows, d, dOut, 1f, in, inOff, dOut, rotation, 0, dOut, 0f, out, outOff, d);
    }

    private void check(float[] in, int inOff, int rows, float[] out, int outOff, String op) {
        int wi = op.equals("apply") ? d : dOut, wo = op.equals("apply") ? dOut : d;
        if (rows < 0 || inOff < 0 || inOff + (long) rows * wi > in.length || outOff < 0 || outOff + (long) rows * wo > out.length) {
            throw new IllegalArgumentException(token() + ": " + op + ": " + rows + " rows of " + wi + " -> " + wo + " do not fit the arrays");
        }
    }

    @Override
    public String toString() {
        return token() + " (d=" + d + (dOut == d ? "" : " -> " + dOut) + ")";
    }
}
