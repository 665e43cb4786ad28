package org.latent4j.core.quantize;

import java.util.function.IntToLongFunction;

/**
 * The entropy of how often codes are chosen, from which a batch's perplexity (during training) and an evaluation
 * set's codebook usage are both reported, so that the two always agree on one definition.
 */
public final class CodeFrequencies {
    private CodeFrequencies() {}

    /**
     * The entropy in nats of the frequencies count(i) / total over i in [0, n); codes never chosen contribute
     * nothing, and no choices at all give 0 (so the perplexity exp(H) is 1).
     *
     * @param n the number of codes
     * @param count how often code i was chosen
     * @return the entropy
     */
    public static double entropy(int n, IntToLongFunction count) {
        long total = 0;
        for (int i = 0; i < n; i++) total += count.applyAsLong(i);
        if (total == 0) return 0;
        double h = 0;
        for (int i = 0; i < n; i++) {
            long c = count.applyAsLong(i);
            if (c > 0) {
                double p = (double) c / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }
}
