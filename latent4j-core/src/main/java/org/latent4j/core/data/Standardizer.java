package org.latent4j.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * Per-feature standardization {@code (x - mean) / scale}, fitted on a training split and re-applied
 * unchanged to validation, test and new data (so it is saved with a model).
 *
 * <p>{@code mean} and {@code scale} are the population mean and standard deviation (divisor n, as
 * scikit-learn's StandardScaler) computed in double precision with two passes in row order, so the
 * result does not depend on threads. A feature whose standard deviation is below {@link #MIN_STD} (e.g.
 * an always-black border pixel) gets scale 1: it is only centred, instead of being divided by almost zero.
 * Both are kept in float32, so what is saved is exactly what is applied; the price is that the rounded
 * mean shifts a feature by up to {@code ulp(mean) / 2 / std}, negligible unless |mean| is over about 10^4
 * standard deviations (pixels in [0, 1] are far from that).
 *
 * @param mean  each feature's mean (copied)
 * @param scale each feature's standard deviation, or 1 where it is below {@link #MIN_STD} (copied)
 */
public record Standardizer(float[] mean, float[] scale) {
    /** A feature whose standard deviation is below this is centred only. */
    public static final double MIN_STD = 1e-6;

    /** Requires as many means as scales, finite, every scale positive; both arrays are copied. */
    public Standardizer {
        if (mean.length != scale.length) throw new IllegalArgumentException("standardizer: " + mean.length + " means but " + scale.length + " scales");
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] > 0) || !Float.isFinite(scale[j]) || !Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("standardizer: feature " + j + " has mean " + mean[j] + " and scale " + scale[j]);
            }
        }
        mean = mean.clone();
        scale = scale.clone();
    }

    /** {@return a copy of the means} */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** {@return a copy of the scales} */
    @Override
    public float[] scale() {
        return scale.clone();
    }

    /** {@return the number of features} */
    public int dim() {
        return mean.length;
    }

    /**
     * Fits on the rows of {@code x} [n, d], n at least 1.
     *
     * @param x the training rows
     * @return each column's mean and standard deviation
     */
    public static Standardizer fit(Tensor x) {
        if (x.rank() != 2 || x.dim(0) == 0) throw new ShapeException("standardizer fit: needs [n, d] with n > 0, got " + Shape.str(x.shape()));
        int n = x.dim(0);
        int d = x.dim(1);
        float[] v = x.isContiguous() ? x.data() : x.toArray();
        int off = x.isContiguous() ? x.offset() : 0;
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sum[j] += v[off + i * d + j];
        double[] mu = new double[d];
        for (int j = 0; j < d; j++) mu[j] = sum[j] / n;
        double[] sq = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = v[off + i * d + j] - mu[j];
                sq[j] += c * c;
            }
        }
        float[] mean = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(mu[j]) || !Double.isFinite(sq[j])) {
                throw new IllegalArgumentException("standardizer fit: feature " + j + " has a non-finite mean or variance (NaN or infinite input)");
            }
            double std = Math.sqrt(sq[j] / n);
            mean[j] = (float) mu[j];
            scale[j] = std < MIN_STD ? 1f : (float) std;
        }
        return new Standardizer(mean, scale);
    }

    /**
     * {@return the standardizer fitted on a dataset's features}
     *
     * @param train the training rows
     */
    public static Standardizer fit(Dataset train) {
        return fit(train.features());
    }

    /**
     * {@return {@code (x - mean) / scale} per column of x, as a new tensor}
     *
     * @param x rows [n, d]
     */
    public Tensor apply(Tensor x) {
        checkShape("apply", x);
        float[] v = x.toArray();
        int d = mean.length;
        for (int row = 0; row < v.length; row += d) {
            for (int j = 0; j < d; j++) v[row + j] = (v[row + j] - mean[j]) / scale[j];
        }
        return Tensor.wrap(v, x.shape());
    }

    /**
     * {@return the dataset with its features standardized; names, labels and image shape kept}
     *
     * @param data rows of d features
     */
    public Dataset apply(Dataset data) {
        return data.withFeatures(apply(data.features()));
    }

    /**
     * {@return {@code z * scale + mean}: back to the original units (e.g. to show reconstructions)}
     *
     * @param z standardized rows [n, d]
     */
    public Tensor invert(Tensor z) {
        checkShape("invert", z);
        float[] v = z.toArray();
        int d = mean.length;
        for (int row = 0; row < v.length; row += d) {
            for (int j = 0; j < d; j++) v[row + j] = v[row + j] * scale[j] + mean[j];
        }
        return Tensor.wrap(v, z.shape());
    }

    private void checkShape(String op, Tensor x) {
        if (x.rank() != 2 || x.dim(1) != mean.length) {
            throw new ShapeException("standardizer " + op + ": needs [n, " + mean.length + "], got " + Shape.str(x.shape()));
        }
    }

    /**
     * Saves as a [2, d] float32 NPY array: row 0 the means, row 1 the scales.
     *
     * @param out where the array goes
     * @throws IOException if writing fails
     */
    public void write(OutputStream out) throws IOException {
        int d = mean.length;
        float[] both = Arrays.copyOf(mean, 2 * d);
        System.arraycopy(scale, 0, both, d, d);
        NpyWriter.write(out, Tensor.wrap(both, 2, d));
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param in   the NPY bytes
     * @param name names the source in messages
     * @return the standardizer
     * @throws DataFileException if the array is not a valid [2, d] standardizer
     */
    public static Standardizer read(InputStream in, String name) throws DataFileException {
        Tensor t = NpyReader.read(in, name);
        if (t.rank() != 2 || t.dim(0) != 2) {
            throw new DataFileException(name, "holds an array of shape " + Shape.str(t.shape()) + ", not a standardizer's [2, d] means and scales");
        }
        int d = t.dim(1);
        float[] v = t.data();
        try {
            return new Standardizer(Arrays.copyOfRange(v, 0, d), Arrays.copyOfRange(v, d, 2 * d));
        } catch (IllegalArgumentException e) {
            throw new DataFileException(name, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardizer[" + mean.length + " features]";
    }
}
