package org.latent4j.compress;

import java.util.Locale;

/**
 * How near two vectors are. Every search in this module ranks by a score where smaller is nearer: the squared
 * Euclidean distance for {@link #L2}, the negated inner product for {@link #INNER_PRODUCT} (so one top-k routine
 * serves both). Reported distances are those scores.
 */
public enum Metric {
    /** Squared Euclidean distance. */
    L2("l2"),
    /** The inner product, negated so that smaller scores are nearer. */
    INNER_PRODUCT("ip");

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    /** {@return the name used on the command line and in files: {@code l2} or {@code ip}} */
    public String label() {
        return label;
    }

    /**
     * Parses a metric's name, refusing anything else with the choices.
     *
     * @param text {@code l2} or {@code ip} (also {@code inner-product}), in any case
     * @return the metric
     */
    public static Metric parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "l2" -> L2;
            case "ip", "inner-product", "inner_product" -> INNER_PRODUCT;
            default -> throw new IllegalArgumentException("unknown metric '" + text + "' (one of l2, ip)");
        };
    }
}
