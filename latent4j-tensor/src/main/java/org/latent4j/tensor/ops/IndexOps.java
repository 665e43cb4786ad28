package org.latent4j.tensor.ops;

import org.latent4j.tensor.Tensor;

/** Indexing: index-select, gather, where/mask, one-hot, top-k and row-wise argmin. */
public final class IndexOps {
    private IndexOps() {}

    public static Tensor indexSelect(Tensor a, int axis, int[] index) { throw new UnsupportedOperationException("indexSelect: not implemented yet"); }
}
