package org.latent4j.core.eval;

import java.util.Arrays;

/**
 * How well scores rank anomalies (the positives) above normal rows: the area under the ROC curve, average precision,
 * the ROC curve itself, and the threshold that keeps the false-positive rate on normal rows at a given level. Every
 * method takes the scores with higher = more anomalous and a flag per row saying which rows are anomalies.
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * The ROC curve at every distinct score, from (0, 0) (nothing flagged) to (1, 1) (everything flagged).
     *
     * @param fpr the false-positive rate of each point
     * @param tpr the true-positive rate of each point
     * @param thresholds per point, the score of the point: it counts the rows scoring
     *                   {@code >=} it; the first point's is +infinity
     */
    public record RocCurve(double[] fpr, double[] tpr, double[] thresholds) {
        /** {@return the number of points} */
        public int points() {
            return fpr.length;
        }
    }

    /**
     * A threshold on scores: rows scoring strictly above it are flagged.
     *
     * @param value             the threshold
     * @param falsePositiveRate the fraction of the normal rows it was chosen on that score above it
     * @param normalRows        how many normal rows it was chosen on
     */
    public record Threshold(double value, double falsePositiveRate, int normalRows) {}

    /**
     * The area under the ROC curve as the Mann-Whitney statistic: the probability that a random anomaly scores above a
     * random normal row, a tie counting one half (computed from mid-ranks, in O(n log n)).
     *
     * @param scores one score per row, higher for more anomalous
     * @param anomalous whether each row is an anomaly
     * @return the area, in [0, 1]
     */
    public static double auroc(double[] scores, boolean[] anomalous) {
        int[] counts = check(scores, anomalous);
        int positives = counts[0], negatives = counts[1];
        Integer[] order = ascending(scores);
        double rankSum = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) j++;
            double midRank = (i + j) / 2.0 + 1; // ranks are 1-based; tied rows share the mean of theirs
            for (int t = i; t <= j; t++) if (anomalous[order[t]]) rankSum += midRank;
            i = j + 1;
        }
        double u = rankSum - positives * (positives + 1.0) / 2;
        return u / ((double) positives * negatives);
    }

    /**
     * Average precision as scikit-learn's {@code average_precision_score} defines it: sum over the distinct scores,
     * from the highest, of (R_n - R_(n-1)) P_n, where P_n and R_n are the precision and recall of flagging every row
     * scoring at least the n-th distinct score (no interpolation).
     *
     * @param scores one score per row, higher for more anomalous
     * @param anomalous whether each row is an anomaly
     * @return the average precision, in [0, 1]
     */
    public static double averagePrecision(double[] scores, boolean[] anomalous) {
        int positives = check(scores, anomalous)[0];
        Integer[] order = ascending(scores);
        double ap = 0, previousRecall = 0;
        int tp = 0, flagged = 0;
        for (int i = order.length - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int t = j; t <= i; t++) {
                flagged++;
                if (anomalous[order[t]]) tp++;
            }
            double recall = (double) tp / positives, precision = (double) tp / flagged;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /**
     * The ROC curve with at most {@code maxPoints} points (at least 2): every distinct score is a point, and a longer
     * curve keeps evenly spaced ones of them, always the first (0, 0) and the last (1, 1).
     *
     * @param scores one score per row, higher for more anomalous
     * @param anomalous whether each row is an anomaly
     * @param maxPoints the most points kept
     * @return the curve
     */
    public static RocCurve rocCurve(double[] scores, boolean[] anomalous, int maxPoints) {
        if (maxPoints < 2) throw new IllegalArgumentException("RankingMetrics: a ROC curve needs at least 2 points, got " + maxPoints);
        int[] counts = check(scores, anomalous);
        int positives = counts[0], negatives = counts[1];
        Integer[] order = ascending(scores);
        double[] fpr = new double[scores.length + 1], tpr = new double[scores.length + 1], thresholds = new double[scores.length + 1];
        thresholds[0] = Double.POSITIVE_INFINITY;
        int points = 1, tp = 0, fp = 0;
        for (int i = order.length - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) j--;
            for (int t = j; t <= i; t++) {
                if (anomalous[order[t]]) tp++;
                else fp++;
            }
            fpr[points] = (double) fp / negatives;
            tpr[points] = (double) tp / positives;
            thresholds[points] = scores[order[i]];
            points++;
            i = j - 1;
        }
        int kept = Math.min(points, maxPoints);
        double[] f = new double[kept], t = new double[kept], th = new double[kept];
        for (int p = 0; p < kept; p++) {
            int from = kept == points ? p : (int) Math.round(p * (points - 1) / (double) (kept - 1));
            f[p] = fpr[from];
            t[p] = tpr[from];
            th[p] = thresholds[from];
        }
        return new RocCurve(f, t, th);
    }

    /**
     * The smallest threshold that flags at most a fraction {@code fpr} of {@code normalScores} (rows scoring strictly
     * above it are flagged): the (1 - fpr) empirical quantile of the normal scores. With ties the rate reached can be
     * below {@code fpr}; {@link Threshold#falsePositiveRate()} says what it is.
     *
     * @param normalScores the scores of normal rows
     * @param fpr the false-positive rate allowed, in [0, 1]
     * @return the threshold and the rate it reaches
     */
    public static Threshold thresholdAtFalsePositiveRate(double[] normalScores, double fpr) {
        if (normalScores.length == 0) throw new IllegalArgumentException("RankingMetrics: no normal rows to choose a threshold on");
        if (!(fpr >= 0 && fpr < 1)) throw new IllegalArgumentException("RankingMetrics: a false-positive rate " + fpr + " is outside [0, 1)");
        double[] sorted = normalScores.clone();
        for (double s : sorted) if (Double.isNaN(s)) throw new IllegalArgumentException("RankingMetrics: a normal row's score is NaN");
        Arrays.sort(sorted);
        int n = sorted.length;
        // the guard tolerates fpr * n landing a rounding error below an integer (0.07 * 100 = 7.000000000000001 is fine, 6.9999 is not)
        int allowed = (int) Math.floor(fpr * n + 1e-9);
        double value = sorted[n - 1 - allowed];
        int above = 0;
        for (double s : sorted) if (s > value) above++;
        return new Threshold(value, (double) above / n, n);
    }

    /** [anomalies, normal rows]; both must be present and every score a number. */
    private static int[] check(double[] scores, boolean[] anomalous) {
        if (scores.length != anomalous.length) {
            throw new IllegalArgumentException("RankingMetrics: " + scores.length + " scores for " + anomalous.length + " labels");
        }
        int positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) throw new IllegalArgumentException("RankingMetrics: the score of row " + i + " is NaN");
            if (anomalous[i]) positives++;
        }
        int negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("RankingMetrics: ranking needs both anomalies and normal rows, got " + positives + " anomalies and "
                    + negatives + " normal rows");
        }
        return new int[] {positives, negatives};
    }

    private static Integer[] ascending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }
}
