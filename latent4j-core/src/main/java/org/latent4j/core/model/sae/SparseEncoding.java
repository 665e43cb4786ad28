package org.latent4j.core.model.sae;

import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.IndexOps;
import org.latent4j.tensor.ops.LinearAlgebra;

/**
 * What the top-k encoders share: the choice of each row's k latents from the dense pre-activations, made without
 * gradients, and the chosen pre-activations recomputed with them.
 *
 * <p>Why two passes: the top-k's gradient is zero outside the k chosen latents, but through the dense product it
 * would still cost a [b, L] gradient and two more b x L x d products (the weight's and the input's). Recomputing the
 * k chosen values a row as dot products ({@link LinearAlgebra#sparseRowsDot}, b k d multiply-adds) gives the same
 * values, up to the order of the float sums, with a backward of b k d: at b = 256, L = 4096, k = 32, d = 784 the
 * step keeps one dense product of three.
 */
final class SparseEncoding {
    private SparseEncoding() {}

    /**
     * The dense pre-activations x W^T + bias [b, L] of x [b, d], without gradients (for choosing latents only).
     */
    static Tensor preActivations(Tensor x, Tensor weight, Tensor bias) {
        try (var noGrad = GradMode.disabled()) {
            return LinearAlgebra.linear(x.detach(), weight).add(bias);
        }
    }

    /** The positions of the k largest entries of each row of {@code pre} [b, L], row-major [b * k]. */
    static int[] topK(Tensor pre, int k) {
        try (var noGrad = GradMode.disabled()) {
            return IndexOps.topK(pre, k, 1).indices();
        }
    }

    /**
     * x[i] . weight[indices[i*k + j]] + bias[indices[i*k + j]], [b, k], with gradients for x, the weight and the
     * bias: the chosen pre-activations.
     */
    static Tensor chosen(int[] indices, Tensor x, Tensor weight, Tensor bias) {
        int b = x.dim(0);
        int k = b == 0 ? 0 : indices.length / b;
        return LinearAlgebra.sparseRowsDot(indices, x, weight).add(IndexOps.indexSelect(bias, 0, indices).reshape(b, k));
    }

    static void checkRows(String kind, String op, Tensor x, int features) {
        if (x.rank() != 2 || x.dim(1) != features) {
            throw new ShapeException(kind + "." + op + ": data " + Shape.str(x.shape()) + " must be [batch, " + features + "]");
        }
    }

    static void noCondition(String kind, String op, Tensor condition) {
        if (condition != null) {
            throw new IllegalArgumentException(kind + "." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
        }
    }

    /**
     * The batch's fraction of variance unexplained: the squared error summed over the batch, over the squared
     * deviations of x from the batch's column means. A batch without variance (one row, or equal rows) has none to
     * explain: it reports 0 when reconstructed exactly and 1 otherwise, so the metric stays finite (one such batch
     * moves an epoch's row-weighted mean by at most its share of the rows).
     */
    static double batchFvu(Tensor x, double squaredErrorSum) {
        double total;
        try (var noGrad = GradMode.disabled()) {
            Tensor xd = x.detach();
            total = xd.sub(xd.mean(0, true)).square().sum().item();
        }
        if (total > 0) return squaredErrorSum / total;
        return squaredErrorSum > 0 ? 1.0 : 0.0;
    }

    /** The mean number of non-zero values per row of values [b, k]. */
    static double l0(Tensor values) {
        Tensor v = values.contiguous();
        float[] d = v.data();
        int o = v.offset(), n = v.size();
        long nonZero = 0;
        for (int i = 0; i < n; i++) if (d[o + i] != 0f) nonZero++;
        return v.dim(0) == 0 ? 0 : (double) nonZero / v.dim(0);
    }
}
