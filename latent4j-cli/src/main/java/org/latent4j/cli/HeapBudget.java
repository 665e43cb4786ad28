package org.latent4j.cli;

import java.util.List;
import java.util.Locale;

/**
 * What a training run will hold, estimated before anything large is allocated and checked against the Java heap, so
 * that sizes that cannot fit are one line naming the options instead of an OutOfMemoryError minutes later.
 *
 * <p>Parameters cost {@value #BYTES_PER_PARAMETER} bytes: the float32 weight, its gradient and Adam's two moments.
 * A step's activations are estimated for an MLP of the given widths: each of the batch's rows (times the samples per
 * row, k) keeps about three values per data feature (input, likelihood parameters), two per hidden unit (encoder and
 * decoder) and three per latent (mean, variance, sample), each held {@value #ACTIVATION_COPIES} times (forward value,
 * gradient, and the temporaries of the kernels). The estimate is a lower bound for convolutions and wide kinds, which
 * may still run out; Main turns what remains into one line.
 */
final class HeapBudget {
    private HeapBudget() {}

    static final long BYTES_PER_PARAMETER = 16;
    static final int ACTIVATION_COPIES = 4;

    /** Parameters of an MLP encoder data -> hidden... -> latent (mean and variance heads) and its mirror decoder, with biases. */
    static long mlpParameters(int dataDim, List<Integer> hidden, int latent) {
        long total = 0;
        long previous = dataDim;
        for (int h : hidden) {
            total += previous * h + h;
            previous = h;
        }
        total += 2 * (previous * latent + latent);
        // the decoder mirrors it, with up to two outputs per feature (a learned variance)
        previous = latent;
        for (int i = hidden.size() - 1; i >= 0; i--) {
            total += previous * hidden.get(i) + hidden.get(i);
            previous = hidden.get(i);
        }
        return total + 2 * (previous * dataDim + dataDim);
    }

    /** Floats a training step's activations hold: rows = batch x k, per row three per feature, two per hidden unit, three per latent. */
    static long activationFloats(long rows, int dataDim, List<Integer> hidden, int latent) {
        long perRow = 3L * dataDim + 3L * latent;
        for (int h : hidden) perRow += 2L * h;
        return rows * perRow * ACTIVATION_COPIES;
    }

    /** Refuses a run whose estimate exceeds the heap left; {@code sizes} names the options that set it. */
    static void check(String who, long parameters, long activationFloats, String sizes) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        double parameterBytes = (double) parameters * BYTES_PER_PARAMETER, activationBytes = activationFloats * 4.0;
        if (parameterBytes + activationBytes <= available) return;
        throw new UsageException(String.format(Locale.ROOT, "%s needs about %s (%,d parameters x %d bytes for weights, gradients and Adam's moments, "
                        + "plus %s of activations per step) but the Java heap has %s left; use smaller %s, or a larger heap (LATENT4J_JAVA_OPTS=-Xmx8g)",
                who, bytes(parameterBytes + activationBytes), parameters, BYTES_PER_PARAMETER, bytes(activationBytes), bytes(available), sizes));
    }

    static String bytes(double b) {
        if (b >= 1e12) return String.format(Locale.ROOT, "%.1f TB", b / 1e12);
        if (b >= 1e9) return String.format(Locale.ROOT, "%.1f GB", b / 1e9);
        return String.format(Locale.ROOT, "%.0f MB", Math.ceil(b / 1e6));
    }
}
