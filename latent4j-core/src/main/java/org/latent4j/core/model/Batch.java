package org.latent4j.core.model;

import org.latent4j.tensor.Tensor;

/**
 * One minibatch: features x [b, d] (already preprocessed, e.g. binarized) and, for conditional models,
 * a condition c [b, c] (e.g. a one-hot label), else null.
 */
public record Batch(Tensor x, Tensor condition) {
    public Batch {
        if (x == null || x.rank() != 2) throw new IllegalArgumentException("Batch: x must be a [batch, features] tensor");
        if (condition != null && (condition.rank() != 2 || condition.dim(0) != x.dim(0))) {
            throw new IllegalArgumentException("Batch: condition must be [batch, c] with the same batch size as x");
        }
    }

    public static Batch of(Tensor x) {
        return new Batch(x, null);
    }

    public int size() {
        return x.dim(0);
    }
}
