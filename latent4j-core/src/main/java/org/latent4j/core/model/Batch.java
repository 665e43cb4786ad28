package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;

/**
 * One minibatch: features x [b, d] (already preprocessed, e.g. binarized) and, for conditional models,
 * a condition c [b, c] (e.g. a one-hot label), else null.
 *
 * @param x the features, [batch, d]
 * @param condition the condition, [batch, c], or null for unconditional models
 */
public record Batch(Tensor x, Tensor condition) {
    /** Checks that x is [batch, d] and that a condition, if any, has one row per row of x. */
    public Batch {
        if (x == null || x.rank() != 2) throw new IllegalArgumentException("Batch: x must be a [batch, features] tensor");
        if (condition != null && (condition.rank() != 2 || condition.dim(0) != x.dim(0))) {
            throw new IllegalArgumentException("Batch: condition must be [batch, c] with the same batch size as x");
        }
    }

    /**
     * {@return a batch without a condition}
     *
     * @param x the features, [batch, d]
     */
    public static Batch of(Tensor x) {
        return new Batch(x, null);
    }

    /** {@return the number of rows in the batch} */
    public int size() {
        return x.dim(0);
    }
}
