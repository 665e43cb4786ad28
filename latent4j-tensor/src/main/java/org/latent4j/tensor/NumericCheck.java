package org.latent4j.tensor;

/**
 * Check mode: every op scans its output (and, in backward, the gradients it produces) for NaN and Inf,
 * and the first one to produce such a value throws {@link NonFiniteException} naming itself. Off by
 * default because it costs a pass over every tensor; on with {@code -Dlatent4j.check=true} or
 * {@link #setEnabled(boolean)}.
 */
public final class NumericCheck {
    private static volatile boolean enabled = Boolean.getBoolean("latent4j.check");

    private NumericCheck() {}

    /** {@return whether check mode is on} */
    public static boolean isEnabled() {
        return enabled;
    }

    /**
     * Turns check mode on or off for every thread.
     *
     * @param on true to check every op's output
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    static void check(String op, String phase, Tensor t) {
        float[] d = t.data();
        int off = t.offset();
        int n = t.size();
        if (!t.isContiguous()) {
            t = t.contiguous();
            d = t.data();
            off = t.offset();
        }
        for (int i = 0; i < n; i++) {
            float v = d[off + i];
            if (!Float.isFinite(v)) {
                throw new NonFiniteException(op, op + " produced " + (Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf")
                        + " in its " + phase + " (element " + i + " of shape " + Shape.str(t.shape()) + ")");
            }
        }
    }
}
