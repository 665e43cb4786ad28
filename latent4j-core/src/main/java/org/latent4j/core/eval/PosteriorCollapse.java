package org.latent4j.core.eval;

import java.util.Arrays;

/**
 * Latent dimensions whose posterior has collapsed onto the prior: average KL(q(z_u|x) || N(0, 1)) below
 * {@code klThreshold} nats and activity A_u (variance over the data of the encoder mean) below
 * {@code activityThreshold}. Such a dimension carries no information about x; the decoder learns to ignore it.
 *
 * @param collapsedDimensions the collapsed dimensions, ascending
 * @param inactiveDimensions  dimensions with activity below the threshold that are not collapsed: their
 *                            encoder means hardly move with x, yet they pay KL (a shrunk or shifted variance)
 * @param latentDimensions    the number of latent dimensions
 * @param klThreshold         the average KL in nats below which a dimension counts as collapsed
 * @param activityThreshold   the activity below which a dimension is inactive
 * @param summary             a paragraph for a person
 */
public record PosteriorCollapse(int[] collapsedDimensions, int[] inactiveDimensions, int latentDimensions,
                                double klThreshold, double activityThreshold, String summary) {
    /** Copies the arrays. */
    public PosteriorCollapse {
        collapsedDimensions = collapsedDimensions.clone();
        inactiveDimensions = inactiveDimensions.clone();
    }

    /** {@return the collapsed dimensions, ascending; a copy} */
    @Override
    public int[] collapsedDimensions() {
        return collapsedDimensions.clone();
    }

    /** {@return the inactive dimensions, ascending; a copy} */
    @Override
    public int[] inactiveDimensions() {
        return inactiveDimensions.clone();
    }

    /**
     * Classifies each dimension from its average KL and its activity, and writes the summary.
     *
     * @param klPerDimension the average KL of each dimension
     * @param activity A_u of each dimension
     * @param klThreshold the KL threshold
     * @param activityThreshold the activity threshold
     * @return the classification
     */
    public static PosteriorCollapse of(double[] klPerDimension, double[] activity, double klThreshold, double activityThreshold) {
        int l = klPerDimension.length;
        if (activity.length != l) {
            throw new IllegalArgumentException("PosteriorCollapse: " + l + " KL values but " + activity.length + " activities");
        }
        int[] collapsed = new int[l], inactive = new int[l];
        int nc = 0, ni = 0;
        double total = 0, collapsedKl = 0;
        for (int u = 0; u < l; u++) {
            total += klPerDimension[u];
            boolean quiet = activity[u] < activityThreshold;
            if (quiet && klPerDimension[u] < klThreshold) {
                collapsed[nc++] = u;
                collapsedKl += klPerDimension[u];
            } else if (quiet) {
                inactive[ni++] = u;
            }
        }
        collapsed = Arrays.copyOf(collapsed, nc);
        inactive = Arrays.copyOf(inactive, ni);
        return new PosteriorCollapse(collapsed, inactive, l, klThreshold, activityThreshold,
                summary(collapsed, inactive, l, total, total - collapsedKl, klThreshold, activityThreshold));
    }

    private static String summary(int[] collapsed, int[] inactive, int l, double totalKl, double liveKl,
                                  double klThreshold, double activityThreshold) {
        StringBuilder s = new StringBuilder();
        if (collapsed.length == 0) {
            s.append("No posterior collapse: every one of the ").append(l).append(" latent dimensions has an average KL of at least ")
                    .append(klThreshold).append(" nats or an encoder-mean variance of at least ").append(activityThreshold).append('.');
        } else if (collapsed.length == l) {
            s.append("Full posterior collapse: all ").append(l).append(" latent dimensions match the prior (average KL below ")
                    .append(klThreshold).append(" nats, encoder-mean variance below ").append(activityThreshold)
                    .append("), so the code carries no information about x and the decoder models the data on its own.");
        } else {
            s.append(collapsed.length).append(" of ").append(l).append(" latent dimensions have collapsed to the prior (average KL below ")
                    .append(klThreshold).append(" nats and encoder-mean variance below ").append(activityThreshold).append("): ")
                    .append(list(collapsed)).append(". They carry no information about x; the other ").append(l - collapsed.length)
                    .append(" carry ").append(String.format(java.util.Locale.ROOT, "%.2f", liveKl)).append(" of the ")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", totalKl)).append(" nats of KL.");
        }
        if (inactive.length > 0) {
            s.append(' ').append(inactive.length == 1 ? "Dimension " : "Dimensions ").append(list(inactive))
                    .append(inactive.length == 1 ? " is" : " are")
                    .append(" inactive without having collapsed: the encoder mean hardly moves with x, yet the posterior differs from the prior and pays KL.");
        }
        return s.toString();
    }

    static String list(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) s.append(i == 0 ? "" : ", ").append(dims[i]);
        return s.toString();
    }
}
