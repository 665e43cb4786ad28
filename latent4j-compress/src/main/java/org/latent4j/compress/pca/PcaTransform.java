package org.latent4j.compress.pca;

import java.util.Map;
import org.latent4j.compress.StageState;
import org.latent4j.compress.VectorTransform;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.linalg.Orthogonal;
import org.latent4j.tensor.linalg.SymmetricEigen;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Principal component analysis: y = (x - mean) P^T, P the n x d matrix whose rows are the eigenvectors of the
 * training rows' covariance with the n largest eigenvalues, largest first. {@link #reverse} is the least-squares
 * back-projection y P + mean (P's rows are orthonormal). With {@code rotated} (token {@code PCAR<n>}), the rows of
 * P are then mixed by a random n x n rotation: the same subspace, but the variance spread evenly over the output
 * coordinates, which suits a product quantizer that follows (FAISS's {@code PCAR}).
 */
public final class PcaTransform implements VectorTransform {
    /** The kind's name in a compressor's description. */
    public static final String KIND = "PCA";
    /** Rows of centred data per block of the covariance: each block's float product is added into double. */
    private static final int COVARIANCE_BLOCK = 1024;

    private final int d, n;
    private final boolean rotated;
    private final float[] mean;
    /** n x d, row-major, orthonormal rows. */
    private final float[] components;

    /**
     * A PCA with the given mean (d values) and components (n x d, row-major, orthonormal rows); both copied.
     *
     * @param d the input dimension
     * @param n the output dimension, in [1, d]
     * @param rotated whether the components were mixed by a random rotation
     * @param mean the mean, d values
     * @param components the components, n x d
     */
    public PcaTransform(int d, int n, boolean rotated, float[] mean, float[] components) {
        String token = token(n, rotated);
        if (n < 1 || n > d) throw new IllegalArgumentException(token + ": the output dimension must be between 1 and the input dimension " + d);
        if (mean.length != d) throw new IllegalArgumentException(token + ": the mean must hold " + d + " values, got " + mean.length);
        if (components.length != (long) n * d) throw new IllegalArgumentException(token + ": the components must hold " + n + " x " + d + " values, got " + components.length);
        for (float v : mean) if (!Float.isFinite(v)) throw new IllegalArgumentException(token + ": the mean holds " + v);
        for (float v : components) if (!Float.isFinite(v)) throw new IllegalArgumentException(token + ": the components hold " + v);
        this.d = d;
        this.n = n;
        this.rotated = rotated;
        this.mean = mean.clone();
        this.components = components.clone();
    }

    static String token(int n, boolean rotated) {
        return (rotated ? "PCAR" : "PCA") + n;
    }

    /**
     * Fits on rows x [rows, d] (at least 1 row): the mean, then the covariance's top-n eigenvectors.
     *
     * @param x the training rows, row-major
     * @param rows the number of rows
     * @param d the input dimension
     * @param n the output dimension, in [1, d]
     * @param rotated whether to mix the components by a random rotation
     * @param rng draws the rotation
     * @return the transform
     */
    public static PcaTransform fit(float[] x, int rows, int d, int n, boolean rotated, Rng rng) {
        String token = token(n, rotated);
        if (n < 1 || n > d) throw new IllegalArgumentException(token + ": the output dimension must be between 1 and the input dimension " + d);
        if (rows < 1) throw new IllegalArgumentException(token + ": no training rows");
        double[] sum = new double[d];
        for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) sum[j] += x[i * d + j];
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / rows);
        // covariance: centred blocks multiplied in float by the GEMM kernel, the block products summed in double
        int blocks = (rows + COVARIANCE_BLOCK - 1) / COVARIANCE_BLOCK;
        double[] cov = new double[d * d];
        float[] centred = new float[Math.min(rows, COVARIANCE_BLOCK) * d], part = new float[d * d];
        for (int b = 0; b < blocks; b++) {
            int lo = b * COVARIANCE_BLOCK, count = Math.min(rows, lo + COVARIANCE_BLOCK) - lo;
            for (int i = 0; i < count; i++) for (int j = 0; j < d; j++) centred[i * d + j] = x[(lo + i) * d + j] - mean[j];
            Kernels.gemm().sgemm(true, false, d, d, count, 1f, centred, 0, d, centred, 0, d, 0f, part, 0, d);
            Parallel.range(d, Math.max(1, d / 8), (r0, r1) -> {
                for (int r = r0; r < r1; r++) for (int c = 0; c <= r; c++) cov[r * d + c] += part[r * d + c];
            });
        }
        for (int i = 0; i < cov.length; i++) cov[i] /= rows;
        SymmetricEigen eig = SymmetricEigen.of(cov, d);
        double[] top = java.util.Arrays.copyOf(eig.vectors(), n * d);
        if (rotated) {
            double[] q = Orthogonal.random(n, rng), mixed = new double[n * d];
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) {
                double w = q[i * n + k];
                for (int j = 0; j < d; j++) mixed[i * d + j] += w * top[k * d + j];
            }
            top = mixed;
        }
        float[] components = new float[n * d];
        for (int i = 0; i < components.length; i++) components[i] = (float) top[i];
        return new PcaTransform(d, n, rotated, mean, components);
    }

    /**
     * A copy of the mean.
     *
     * @return the mean
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * A copy of the components, n x d row-major (row i is output coordinate i's direction).
     *
     * @return the components
     */
    public float[] components() {
        return components.clone();
    }

    /**
     * Whether the components were mixed by a random rotation ({@code PCAR}).
     *
     * @return true for {@code PCAR}
     */
    public boolean rotated() {
        return rotated;
    }

    @Override
    public String token() {
        return token(n, rotated);
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public int outputDimension() {
        return n;
    }

    @Override
    public StageState state() {
        return new StageState(KIND, token(), "{}", Map.of("mean", Tensor.of(mean, d), "components", Tensor.of(components, n, d)));
    }

    static PcaTransform load(StageState state, int n, boolean rotated) {
        Tensor m = state.tensor("mean"), c = state.tensor("components");
        if (m.rank() != 1) throw new IllegalArgumentException("stage " + state.token() + ": the mean must be a vector, got shape " + java.util.Arrays.toString(m.shape()));
        int d = m.dim(0);
        if (c.rank() != 2 || c.dim(0) != n || c.dim(1) != d) {
            throw new IllegalArgumentException("stage " + state.token() + ": the components must have shape [" + n + ", " + d + "], got " + java.util.Arrays.toString(c.shape()));
        }
        return new PcaTransform(d, n, rotated, m.contiguous().toArray(), c.contiguous().toArray());
    }

    @Override
    public void apply(float[] in, int inOff, int rows, float[] out, int outOff) {
        if (rows < 0 || inOff < 0 || inOff + (long) rows * d > in.length || outOff < 0 || outOff + (long) rows * n > out.length) {
            throw new IllegalArgumentException(token() + ": apply: " + rows + " rows do not fit the arrays");
        }
        if (rows == 0) return;
        float[] centred = new float[rows * d];
        for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) centred[i * d + j] = in[inOff + i * d + j] - mean[j];
        Kernels.gemm().sgemm(false, true, rows, n, d, 1f, centred, 0, d, components, 0, d, 0f, out, outOff, n);
    }

    @Override
    public void reverse(float[] in, int inOff, int rows, float[] out, int outOff) {
        if (rows < 0 || inOff < 0 || inOff + (long) rows * n > in.length || outOff < 0 || outOff + (long) rows * d > out.length) {
            throw new IllegalArgumentException(token() + ": reverse: " + rows + " rows do not fit the arrays");
        }
        if (rows == 0) return;
        Kernels.gemm().sgemm(false, false, rows, d, n, 1f, in, inOff, n, components, 0, d, 0f, out, outOff, d);
        for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) out[outOff + i * d + j] += mean[j];
    }

    @Override
    public String toString() {
        return token() + " (" + d + " -> " + n + ")";
    }
}
