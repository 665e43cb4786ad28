package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {
    private static boolean[] flags(int... labels) {
        boolean[] b = new boolean[labels.length];
        for (int i = 0; i < b.length; i++) b[i] = labels[i] == 1;
        return b;
    }

    // anomalies score 0.9, 0.5, 0.5, 0.3; normal rows 0.5, 0.5, 0.2, 0.1
    private static final double[] SMALL_SCORES = {0.5, 0.5, 0.1, 0.9, 0.5, 0.2, 0.5, 0.3};
    private static final boolean[] SMALL_LABELS = flags(0, 1, 0, 1, 1, 0, 0, 1);

    @Test
    void aurocCountsTiesAsHalfByHand() {
        // pairs won by each anomaly: 0.9 -> 4; each 0.5 -> 2 wins + 2 ties = 3; 0.3 -> 2; (4 + 3 + 3 + 2) / 16
        assertEquals(12.0 / 16, RankingMetrics.auroc(SMALL_SCORES, SMALL_LABELS), 1e-15);
    }

    @Test
    void averagePrecisionByHand() {
        // distinct scores from the top: 0.9 (recall 1/4, precision 1), 0.5 (3/4, 3/5), 0.3 (1, 4/6), then recall stays 1
        double expected = 0.25 * 1 + 0.5 * 0.6 + 0.25 * (4.0 / 6);
        assertEquals(expected, RankingMetrics.averagePrecision(SMALL_SCORES, SMALL_LABELS), 1e-15);
    }

    @Test
    void rocCurveByHand() {
        RankingMetrics.RocCurve roc = RankingMetrics.rocCurve(SMALL_SCORES, SMALL_LABELS, 512);
        // thresholds +inf, 0.9, 0.5, 0.3, 0.2, 0.1
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 0.75, 1}, roc.fpr(), 1e-15);
        assertArrayEquals(new double[] {0, 0.25, 0.75, 1, 1, 1}, roc.tpr(), 1e-15);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.5, 0.3, 0.2, 0.1}, roc.thresholds(), 0);
        RankingMetrics.RocCurve thinned = RankingMetrics.rocCurve(SMALL_SCORES, SMALL_LABELS, 3);
        assertArrayEquals(new double[] {0, 0.5, 1}, thinned.fpr(), 1e-15);
        assertArrayEquals(new double[] {0, 1, 1}, thinned.tpr(), 1e-15); // points 0, 3 (round(2.5)) and 5
    }

    /** Expected values from scikit-learn 1.2.1 (roc_auc_score, average_precision_score), computed with /usr/bin/python3 on these arrays. */
    @Test
    void agreesWithScikitLearnOnFixedArraysWithTies() {
        boolean[] labels = flags(1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        double[] scores = {-0.9, -0.7, -1.2, 1.5, 1.8, -0.3, 0.8, 1.0, 1.8, -0.8, -1.7, -1.8, 0.4, 3.4, 1.5, -0.5, 3.1, 0.2, 0.1, 1.5, -0.1, -0.3,
                -0.2, 0.5, -0.1, 2.4, -0.4, -1.9, -0.1, 1.7, 0.8, -0.9, -1.2, -1.1, -0.3, -1.2, 1.5, -0.3, 0.1, 2.6};
        assertEquals(0.844827586206897, RankingMetrics.auroc(scores, labels), 1e-12);
        assertEquals(0.743972759783037, RankingMetrics.averagePrecision(scores, labels), 1e-12);
        assertEquals(0.75, RankingMetrics.auroc(SMALL_SCORES, SMALL_LABELS), 1e-12);
        assertEquals(0.716666666666667, RankingMetrics.averagePrecision(SMALL_SCORES, SMALL_LABELS), 1e-12);
        // the trapezoid area under the full curve is the AUROC
        RankingMetrics.RocCurve roc = RankingMetrics.rocCurve(scores, labels, 512);
        double area = 0;
        for (int i = 1; i < roc.points(); i++) area += (roc.fpr()[i] - roc.fpr()[i - 1]) * (roc.tpr()[i] + roc.tpr()[i - 1]) / 2;
        assertEquals(0.844827586206897, area, 1e-12);
    }

    @Test
    void perfectAndReversedRankings() {
        double[] scores = {1, 2, 3, 4};
        assertEquals(1, RankingMetrics.auroc(scores, flags(0, 0, 1, 1)), 0);
        assertEquals(0, RankingMetrics.auroc(scores, flags(1, 1, 0, 0)), 0);
        assertEquals(1, RankingMetrics.averagePrecision(scores, flags(0, 0, 1, 1)), 0);
        assertEquals(0.5, RankingMetrics.auroc(new double[] {3, 3, 3, 3}, flags(0, 1, 0, 1)), 0);
    }

    @Test
    void thresholdFlagsAtMostTheGivenFractionOfNormalRows() {
        double[] normal = {7, 3, 10, 1, 9, 2, 8, 5, 6, 4};
        RankingMetrics.Threshold t = RankingMetrics.thresholdAtFalsePositiveRate(normal, 0.2);
        assertEquals(8, t.value(), 0); // 9 and 10 are above it
        assertEquals(0.2, t.falsePositiveRate(), 0);
        assertEquals(10, t.normalRows());
        assertEquals(10, RankingMetrics.thresholdAtFalsePositiveRate(normal, 0).value(), 0);
        assertEquals(9, RankingMetrics.thresholdAtFalsePositiveRate(normal, 0.15).value(), 0); // 1.5 rows allowed: 1
        RankingMetrics.Threshold tied = RankingMetrics.thresholdAtFalsePositiveRate(new double[] {1, 2, 2, 2}, 0.5);
        assertEquals(2, tied.value(), 0);
        assertEquals(0, tied.falsePositiveRate(), 0); // the ties cannot be split: nothing is above 2
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.thresholdAtFalsePositiveRate(normal, 1));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.thresholdAtFalsePositiveRate(new double[0], 0.1));
    }

    @Test
    void refusesOneClassOnlyAndMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.auroc(new double[] {1, 2}, flags(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.averagePrecision(new double[] {1, 2}, flags(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.auroc(new double[] {1, 2, 3}, flags(0, 1)));
    }
}
