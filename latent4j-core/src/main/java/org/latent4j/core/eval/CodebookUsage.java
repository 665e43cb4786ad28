package org.latent4j.core.eval;

import org.latent4j.core.quantize.CodeFrequencies;

/**
 * How one codebook was used over an evaluation set (Latent4j counts over the whole set, not per batch): the share
 * of its codes chosen at least once, the perplexity exp(H) of the code frequencies (between 1 and the number of
 * codes; equal to it when every code is used equally often), and the dead codes.
 *
 * @param stage      the codebook's stage (0 for a single quantizer; residual stages in order)
 * @param codes      codes in the codebook
 * @param used       codes chosen at least once
 * @param usage      used / codes
 * @param perplexity exp of the entropy (nats) of the code frequencies
 * @param entropyBits the entropy of the code frequencies in bits: what an ideal entropy coder spends per position
 * @param deadCodes  codes chosen in at most the dead-code threshold's fraction of the positions
 * @param counts     how often each code was chosen
 */
public record CodebookUsage(int stage, int codes, int used, double usage, double perplexity, double entropyBits, int deadCodes, long[] counts) {
    /** Copies the counts. */
    public CodebookUsage {
        counts = counts.clone();
    }

    /** {@return how often each code was chosen, a copy} */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /**
     * The usage of a codebook of {@code counts.length} codes chosen {@code counts[c]} times each.
     *
     * @param stage the stage of the codebook, from 0
     * @param counts how often each code was chosen
     * @param deadFraction the fraction of positions at or below which a code is dead
     * @return the usage
     */
    public static CodebookUsage of(int stage, long[] counts, double deadFraction) {
        long total = 0;
        int used = 0;
        for (long c : counts) {
            total += c;
            if (c > 0) used++;
        }
        double entropy = CodeFrequencies.entropy(counts.length, i -> counts[i]);
        int dead = 0;
        for (long c : counts) if (c <= deadFraction * total) dead++;
        return new CodebookUsage(stage, counts.length, used, (double) used / counts.length, Math.exp(entropy), entropy / Math.log(2), dead, counts);
    }
}
