package org.latent4j.core.data;

import java.util.Arrays;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * Rows of float32 features [n, d], with optional integer labels (one per row) and an optional image shape
 * (e.g. {28, 28}, whose product is d) for data that are pictures.
 *
 * <p>A dataset is immutable by convention: {@link #features()} exposes the storage itself to avoid copying
 * hundreds of megabytes, and nothing here writes to it. Subsets ({@link #rows}, {@link #split}) copy. The
 * features are never workspace-pooled, so a dataset outlives any training step.
 */
public final class Dataset {
    private final String name;
    private final Tensor features;
    private final int[] labels;
    private final int[] imageShape;

    /**
     * The features should be made outside any workspace scope (a pooled buffer dies with its scope); a
     * non-contiguous view is copied.
     *
     * @param name   names the data in messages and provenance
     * @param features the rows [n, d]
     * @param labels one per row, or null
     * @param imageShape the shape each row is a flattening of (product d), or null
     */
    public Dataset(String name, Tensor features, int[] labels, int[] imageShape) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("dataset name is blank");
        if (features.rank() != 2) throw new ShapeException("dataset " + name + ": features must be [n, d], got " + Shape.str(features.shape()));
        int n = features.dim(0);
        if (labels != null && labels.length != n) {
            throw new ShapeException("dataset " + name + ": " + labels.length + " labels for " + n + " rows");
        }
        if (imageShape != null && Shape.size(imageShape) != features.dim(1)) {
            throw new ShapeException("dataset " + name + ": image shape " + Shape.str(imageShape) + " does not hold the " + features.dim(1) + " features of a row");
        }
        this.name = name;
        // A copy through toArray rather than contiguous(): the latter may take a workspace buffer that dies with its scope.
        this.features = features.isContiguous() && features.offset() == 0 && features.data().length == features.size()
                ? features
                : Tensor.wrap(features.toArray(), features.shape());
        this.labels = labels == null ? null : labels.clone();
        this.imageShape = imageShape == null ? null : imageShape.clone();
    }

    /**
     * {@return a dataset without labels, whose rows are not images}
     *
     * @param name     names the data in messages and provenance
     * @param features the rows [n, d]
     */
    public static Dataset unlabeled(String name, Tensor features) {
        return new Dataset(name, features, null, null);
    }

    /** {@return the name of the data, for messages and provenance} */
    public String name() {
        return name;
    }

    /** {@return the number of rows} */
    public int size() {
        return features.dim(0);
    }

    /** {@return the features per row} */
    public int dim() {
        return features.dim(1);
    }

    /** {@return the [n, d] features themselves (not a copy): read, do not write} */
    public Tensor features() {
        return features;
    }

    /** {@return whether every row has a class label} */
    public boolean hasLabels() {
        return labels != null;
    }

    /** {@return a copy of the labels; throws when the dataset has none} */
    public int[] labels() {
        return requireLabels().clone();
    }

    /**
     * {@return the label of a row; throws when the dataset has none}
     *
     * @param row the row
     */
    public int label(int row) {
        return requireLabels()[row];
    }

    /** {@return how many rows carry each label 0..max; labels must be non-negative} */
    public int[] labelCounts() {
        int max = -1;
        for (int l : requireLabels()) {
            if (l < 0) throw new IllegalStateException("dataset " + name + " has a negative label " + l);
            max = Math.max(max, l);
        }
        int[] counts = new int[max + 1];
        for (int l : labels) counts[l]++;
        return counts;
    }

    /** {@return the shape each row is a flattening of (a copy), or null when the rows are not images} */
    public int[] imageShape() {
        return imageShape == null ? null : imageShape.clone();
    }

    private int[] requireLabels() {
        if (labels == null) throw new IllegalStateException("dataset " + name + " has no labels");
        return labels;
    }

    /**
     * {@return the same rows with other features of the same [n, d] (e.g. after preprocessing)}
     *
     * @param newFeatures the new features
     */
    public Dataset withFeatures(Tensor newFeatures) {
        if (!Arrays.equals(newFeatures.shape(), features.shape())) {
            throw new ShapeException("dataset " + name + ": new features " + Shape.str(newFeatures.shape()) + " differ from " + Shape.str(features.shape()));
        }
        return new Dataset(name, newFeatures, labels, imageShape);
    }

    /**
     * {@return a copy of the given rows, in the given order, with their labels}
     *
     * @param indices the rows to take (repeats allowed)
     * @param newName the new dataset's name
     */
    public Dataset rows(int[] indices, String newName) {
        int d = dim();
        int n = size();
        float[] src = features.data();
        float[] out = new float[Math.multiplyExact(indices.length, d)];
        int[] outLabels = labels == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= n) throw new IndexOutOfBoundsException("dataset " + name + ": row " + r + " is outside 0.." + (n - 1));
            System.arraycopy(src, r * d, out, i * d, d);
            if (outLabels != null) outLabels[i] = labels[r];
        }
        return new Dataset(newName, Tensor.wrap(out, indices.length, d), outLabels, imageShape);
    }

    /**
     * A train part and a validation part, disjoint, together all rows; each keeps the original row order.
     *
     * @param train      the rows kept for training
     * @param validation the rows held out
     */
    public record Split(Dataset train, Dataset validation) {}

    /**
     * Splits off {@code validationSize} rows chosen by {@link Permutation#of} (stream
     * {@link Permutation#SPLIT_STREAM}): the first {@code validationSize} entries of the permutation are the
     * validation rows. The same seed always gives the same split.
     *
     * @param validationSize how many rows to hold out
     * @param seed           chooses the rows
     * @return the two parts
     */
    public Split split(int validationSize, long seed) {
        int n = size();
        if (validationSize <= 0 || validationSize >= n) {
            throw new IllegalArgumentException("dataset " + name + ": a validation size of " + validationSize + " leaves no rows for one side of a split of " + n + " rows");
        }
        int[] p = Permutation.of(n, seed, Permutation.SPLIT_STREAM);
        int[] validation = Arrays.copyOfRange(p, 0, validationSize);
        int[] train = Arrays.copyOfRange(p, validationSize, n);
        // Sorted, so each part reads its rows in file order: copies stream through memory, and order is set per epoch anyway.
        Arrays.sort(validation);
        Arrays.sort(train);
        return new Split(rows(train, name + "/train"), rows(validation, name + "/validation"));
    }

    /**
     * As {@link #split(int, long)} with {@code round(fraction * n)} validation rows.
     *
     * @param validationFraction the share of rows to hold out, in [0, 1)
     * @param seed               chooses the rows
     * @return the two parts
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("dataset " + name + ": validation fraction " + validationFraction + " is not strictly between 0 and 1");
        }
        return split((int) Math.round(validationFraction * size()), seed);
    }

    /**
     * {@return mini-batches of {@code batchSize} rows copied into reusable buffers; see {@link Batches}}
     *
     * @param batchSize rows a batch
     * @param dropLast  whether a last, smaller batch is left out
     */
    public Batches batches(int batchSize, boolean dropLast) {
        return new Batches(this, batchSize, dropLast);
    }

    @Override
    public String toString() {
        return name + ": " + size() + " rows of " + dim() + " features"
                + (imageShape != null ? " (images " + Shape.str(imageShape) + ")" : "")
                + (labels != null ? ", labelled" : "");
    }
}
