package org.latent4j.core.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.latent4j.tensor.Tensor;

/**
 * Mini-batches of a dataset for training: each batch's rows are copied into a buffer that is reused for
 * the next batch, so an epoch allocates nothing per batch (one permutation per shuffled epoch).
 *
 * <p>Because of that reuse, a {@link Minibatch} (its tensor and arrays) is valid only until the iterator's
 * next {@code next()}: finish the step, backward included, before taking the next batch, and run one
 * iteration at a time. Orders: {@link #sequential()} takes rows 0..n-1; {@link #shuffled(long, int)} takes
 * them in the order of {@code Permutation.of(n, seed, epoch)}, a different order for each epoch and the
 * same one for the same seed and epoch. A batch size above the number of rows is reduced to it, so a small
 * dataset still gives one full batch.
 */
public final class Batches {
    private final Dataset data;
    private final int batchSize;
    private final boolean dropLast;
    private final Minibatch full;
    private final Minibatch tail;

    Batches(Dataset data, int batchSize, boolean dropLast) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size " + batchSize + " is not positive");
        this.data = data;
        this.batchSize = Math.min(batchSize, Math.max(1, data.size()));
        this.dropLast = dropLast;
        int rest = data.size() % this.batchSize;
        this.full = new Minibatch(this.batchSize, data.dim(), data.hasLabels());
        this.tail = rest == 0 || dropLast ? null : new Minibatch(rest, data.dim(), data.hasLabels());
    }

    /** {@return the rows of a full batch} */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Batches per epoch.
     *
     * @return the number of batches, the last one partial unless dropped
     */
    public int count() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** {@return the batches in the data set's own order} */
    public Iterable<Minibatch> sequential() {
        return () -> new BatchIterator(null);
    }

    /**
     * This epoch's order; {@code epoch} counts from 0.
     *
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @return the batches in this epoch's shuffled order
     */
    public Iterable<Minibatch> shuffled(long seed, int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch " + epoch + " is negative");
        return () -> new BatchIterator(Permutation.of(data.size(), seed, epoch));
    }

    /** One mini-batch: rows of the dataset copied into reused storage. */
    public static final class Minibatch {
        private final float[] buffer;
        private final Tensor features;
        private final int[] labels;
        private final int[] rows;
        private int index;

        private Minibatch(int size, int dim, boolean labelled) {
            buffer = new float[Math.multiplyExact(size, dim)];
            features = Tensor.wrap(buffer, size, dim);
            labels = labelled ? new int[size] : null;
            rows = new int[size];
        }

        /**
         * [size, d]; overwritten by the next batch.
         *
         * @return the features of the batch's rows
         */
        public Tensor features() {
            return features;
        }

        /**
         * The labels of the batch's rows (overwritten by the next batch), or null for an unlabelled dataset.
         *
         * @return the labels, or null
         */
        public int[] labels() {
            return labels;
        }

        /**
         * Which dataset rows the batch holds, in batch order (overwritten by the next batch).
         *
         * @return the row indices
         */
        public int[] rows() {
            return rows;
        }

        /** {@return the number of rows in this batch} */
        public int size() {
            return rows.length;
        }

        /**
         * Position of this batch within its epoch, from 0.
         *
         * @return the position
         */
        public int index() {
            return index;
        }
    }

    private final class BatchIterator implements Iterator<Minibatch> {
        private final int[] order;
        private int next;
        private int index;

        BatchIterator(int[] order) {
            this.order = order;
        }

        @Override
        public boolean hasNext() {
            return index < count();
        }

        @Override
        public Minibatch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch has " + count() + " batches");
            int m = Math.min(batchSize, data.size() - next);
            Minibatch b = m == batchSize ? full : tail;
            float[] src = data.features().data();
            int d = data.dim();
            int[] labels = b.labels;
            for (int i = 0; i < m; i++) {
                int r = order == null ? next + i : order[next + i];
                b.rows[i] = r;
                System.arraycopy(src, r * d, b.buffer, i * d, d);
                if (labels != null) labels[i] = data.label(r);
            }
            b.index = index++;
            next += m;
            return b;
        }
    }
}
