package org.latent4j.tensor.ops;

import org.latent4j.tensor.Tensor;

/** Joining and cutting tensors: concat, slice, split. */
public final class ShapeOps {
    private ShapeOps() {}

    public static Tensor concat(int axis, Tensor... parts) { throw new UnsupportedOperationException("concat: not implemented yet"); }
    public static Tensor slice(Tensor a, int axis, int start, int end) { throw new UnsupportedOperationException("slice: not implemented yet"); }
    public static Tensor[] split(Tensor a, int axis, int... sizes) { throw new UnsupportedOperationException("split: not implemented yet"); }
}
