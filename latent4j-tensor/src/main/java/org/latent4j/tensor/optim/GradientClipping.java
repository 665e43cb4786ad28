package org.latent4j.tensor.optim;

import java.util.List;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;

/** Rescaling of gradients before an optimizer step. */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Scales every gradient by maxNorm / norm when the global L2 norm of all gradients (taken together)
     * exceeds {@code maxNorm}, so that it becomes maxNorm; does nothing otherwise. Parameters without a
     * gradient are skipped. Returns the norm before clipping; when it is NaN or infinite the gradients
     * are left as they are, so the caller can see the value and skip the step.
     *
     * <p>Unlike PyTorch's {@code clip_grad_norm_}, which scales by maxNorm / (norm + 1e-6) and so also
     * touches gradients just below the limit, this is exact and leaves them alone.
     *
     * @param parameters the parameters whose gradients are scaled
     * @param maxNorm the largest global norm allowed
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(List<Tensor> parameters, double maxNorm) {
        if (!(Double.isFinite(maxNorm) && maxNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be finite and > 0, got " + maxNorm);
        }
        double norm = Math.sqrt(sumOfSquares(parameters));
        if (!(norm > maxNorm) || !Double.isFinite(norm)) return norm;
        float scale = (float) (maxNorm / norm);
        for (int i = 0, n = parameters.size(); i < n; i++) {
            Tensor g = parameters.get(i).grad();
            if (g == null) continue;
            requireContiguous(g, i);
            Kernels.vector().mulScalar(g.data(), g.offset(), scale, g.data(), g.offset(), g.size());
        }
        return norm;
    }

    /**
     * The global L2 norm of the gradients (parameters without one are skipped).
     *
     * @param parameters the parameters
     * @return the norm
     */
    public static double globalNorm(List<Tensor> parameters) {
        return Math.sqrt(sumOfSquares(parameters));
    }

    /** Accumulated in double, parameter by parameter in list order, so the result never depends on threads. */
    private static double sumOfSquares(List<Tensor> parameters) {
        double s = 0;
        for (int i = 0, n = parameters.size(); i < n; i++) {
            Tensor g = parameters.get(i).grad();
            if (g == null) continue;
            requireContiguous(g, i);
            float[] d = g.data();
            for (int k = g.offset(), end = g.offset() + g.size(); k < end; k++) s += (double) d[k] * d[k];
        }
        return s;
    }

    private static void requireContiguous(Tensor g, int index) {
        if (!g.isContiguous()) throw new IllegalStateException("clipByGlobalNorm: gradient of parameter " + index + " is not contiguous");
    }
}
