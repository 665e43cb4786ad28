package org.latent4j.core.model.sae;

import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;

/** The options both sparse autoencoder kinds take (one declaration each, so {@code train --help} lists them once). */
final class SparseOptions {
    private SparseOptions() {}

    /** Latents a model gets per input feature when --latents is not given: an 8x overcomplete dictionary. */
    static final int EXPANSION = 8;
    /** The k of top-k when --sparsity-k is not given (Gao et al. train most of their models at k = 32). */
    static final int DEFAULT_K = 32;

    static final ModelOption LATENTS = new ModelOption("latents", "N",
            "dictionary size of topk-sae and ksparse-ae: how many latents (default " + EXPANSION
                    + " x the input features, and at least --sparsity-k)");
    static final ModelOption SPARSITY_K = new ModelOption("sparsity-k", "K",
            "latents kept per example by topk-sae and ksparse-ae, the k of their top-k (default " + DEFAULT_K
                    + ", or --latents when that is smaller)");

    /**
     * The dictionary size and k: --latents and --sparsity-k as given; a missing --latents is 8 x the features (at least k),
     * a missing --sparsity-k is 32 (at most the latents). Defaults of one never contradict the other, so a stand-in data
     * shape (the command line checks saved options against one) accepts whatever real data accept.
     */
    static int[] latentsAndK(OptionValues o, DataShape data) {
        int max = 1 << 26;
        int latents, k;
        if (o.has(LATENTS.name())) {
            latents = o.integer(LATENTS.name(), 0, 1, max);
            k = o.integer(SPARSITY_K.name(), Math.min(DEFAULT_K, latents), 1, max);
            o.require(k <= latents, "--sparsity-k " + k + " exceeds --latents " + latents + ": a row cannot keep more latents than there are");
        } else {
            k = o.integer(SPARSITY_K.name(), DEFAULT_K, 1, max);
            long l = Math.max((long) EXPANSION * data.features(), k);
            o.require(l <= max, "the default --latents, " + EXPANSION + " x " + data.features() + " features, is too large: give --latents");
            latents = (int) l;
        }
        o.require(fits(latents, data.features()), "--latents " + latents + " x " + data.features() + " features is more weights than a matrix holds ("
                + MAX_WEIGHTS + ")");
        return new int[] {latents, k};
    }

    /** The most elements a tensor holds: a dictionary's [latents, features] must fit. */
    static final long MAX_WEIGHTS = Integer.MAX_VALUE;

    static boolean fits(int latents, int features) {
        return (long) latents * features <= MAX_WEIGHTS;
    }
}
