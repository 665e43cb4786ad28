package org.latent4j.cli;

import java.util.List;
import java.util.Locale;
import org.latent4j.core.model.ModelOptions;
import org.latent4j.core.model.OptionValues;

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
record HeapBudget(String who, int dataDim, List<Integer> hidden, int latent, long rowsPerStep, String sizeOptions) {
    static final long BYTES_PER_PARAMETER = 16;
    static final int ACTIVATION_COPIES = 4;

    /**
     * The sizes the options give for data of {@code dataDim} features; options not given count at their smallest (no
     * hidden layer, one latent) for the parameters, so the estimate never refuses what the kind's defaults build.
     */
    static HeapBudget of(OptionValues o, int dataDim, String who) {
        List<Integer> hidden = o.has(ModelOptions.HIDDEN.name()) ? ModelOptions.hidden(o) : List.of();
        int latent = o.has(ModelOptions.LATENT.name()) ? ModelOptions.latent(o) : 1;
        boolean k = o.has(ModelOptions.SAMPLES.name());
        long rows = (long) o.integer("batch", 128, 1, 1_000_000) * (k ? o.integer(ModelOptions.SAMPLES.name(), 1, 1, Integer.MAX_VALUE) : 1);
        return new HeapBudget(who, dataDim, hidden, latent, rows, "--hidden, --latent, --batch" + (k ? " or --k" : ""));
    }

    long mlpParameters() {
        return mlpParameters(dataDim, hidden, latent);
    }

    /** Refuses a model of {@code parameters} whose state and step's activations exceed the heap left. */
    void check(long parameters) {
        check(who, parameters, activationFloats(rowsPerStep, dataDim, hidden, latent), sizeOptions);
    }

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
