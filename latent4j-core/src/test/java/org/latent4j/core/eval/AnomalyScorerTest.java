package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.tensor.Tensor;

class AnomalyScorerTest {
    private static double[] score(LinearGaussianModel model, Tensor x, AnomalyScore s, int k, int l) {
        return AnomalyScorer.score(model, x, null, s, k, l, 11, null);
    }

    @Test
    void everyScoreRanksAnObviousOutlierFirst() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.2, 1.3);
        float[] typical = model.sampleData(50, 4).toArray();
        float[] rows = java.util.Arrays.copyOf(typical, typical.length + 3);
        rows[typical.length] = 6f;
        rows[typical.length + 1] = -6f;
        rows[typical.length + 2] = 6f;
        Tensor x = Tensor.of(rows, 51, 3);
        boolean[] anomalous = new boolean[51];
        anomalous[50] = true;
        for (AnomalyScore s : AnomalyScore.values()) {
            // the encoder is exact up to a shift and a factor the same for every row, so the gap the regret measures
            // is too (LikelihoodRegretTest): it has nothing to rank here
            if (s == AnomalyScore.LIKELIHOOD_REGRET) continue;
            double[] scores = score(model, x, s, 50, 50);
            for (int i = 0; i < 50; i++) assertTrue(scores[50] > scores[i], s.word() + ": outlier " + scores[50] + " vs row " + i + " " + scores[i]);
            assertEquals(1.0, RankingMetrics.auroc(scores, anomalous), 0, s.word());
        }
    }

    @Test
    void nllIsMinusTheExactLogLikelihoodWhenThePosteriorIsExact() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        Tensor x = model.sampleData(6, 2);
        double[] nll = score(model, x, AnomalyScore.NLL, 3, 1);
        double[] negElbo = score(model, x, AnomalyScore.NEG_ELBO, 3, 1);
        for (int i = 0; i < 6; i++) {
            double exact = model.exactLogLikelihood(x.slice(0, i, i + 1).toArray());
            assertEquals(-exact, nll[i], 2e-4);
            assertEquals(-exact, negElbo[i], 2e-4);
        }
    }

    /**
     * E_q[p(x|z)] for p(x|z) = N(W z + mu, s^2 I) and q = N(m, diag v) is N(x; W m + mu, s^2 I + W diag(v) W^T): the
     * Monte Carlo average of probabilities converges to it, whereas an average of log-probabilities would stay below
     * it by Jensen's gap.
     */
    @Test
    void reconstructionProbabilityAveragesProbabilitiesToTheClosedForm() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.3, 1.5);
        LinearGaussianModel.Config c = (LinearGaussianModel.Config) model.config();
        Tensor x = model.sampleData(4, 9);
        double[] scores = score(model, x, AnomalyScore.RECONSTRUCTION_PROBABILITY, 1, 20000);
        DiagonalGaussian q = model.encode(x, null).posterior();
        float[] m = q.mean().contiguous().toArray(), logVar = q.logVar().contiguous().toArray();
        int d = 3, l = 2;
        double gap = 0;
        for (int i = 0; i < 4; i++) {
            double[] mean = new double[d];
            double[][] cov = new double[d][d];
            for (int a = 0; a < d; a++) {
                mean[a] = c.mu()[a];
                for (int j = 0; j < l; j++) mean[a] += c.w()[a][j] * m[i * l + j];
                for (int b = 0; b < d; b++) {
                    cov[a][b] = a == b ? c.s() * c.s() : 0;
                    for (int j = 0; j < l; j++) cov[a][b] += c.w()[a][j] * c.w()[b][j] * Math.exp(logVar[i * l + j]);
                }
            }
            double expected = -gaussianLogDensity(x.slice(0, i, i + 1).toArray(), mean, cov);
            assertEquals(expected, scores[i], 0.02, "row " + i);
            // E_q[-log p(x|z)], what a mean of log-probabilities would estimate: |x - W m - mu|^2 / 2s^2 + tr(W V W^T) / 2s^2 + const
            float[] xi = x.slice(0, i, i + 1).toArray();
            double meanOfLogs = 1.5 * Math.log(2 * Math.PI * c.s() * c.s());
            for (int a = 0; a < d; a++) {
                meanOfLogs += Math.pow(xi[a] - mean[a], 2) / (2 * c.s() * c.s());
                meanOfLogs += (cov[a][a] - c.s() * c.s()) / (2 * c.s() * c.s());
            }
            gap += meanOfLogs - scores[i];
        }
        assertTrue(gap > 4 * 0.02, "the estimate should sit clearly below a mean of -log p(x|z); total gap " + gap);
    }

    @Test
    void reconstructionIsMinusLogLikelihoodOfTheDecodedPosteriorMean() {
        LinearGaussianModel model = LinearGaussianModel.standard(0, 1);
        LinearGaussianModel.Config c = (LinearGaussianModel.Config) model.config();
        Tensor x = model.sampleData(3, 5);
        double[] scores = score(model, x, AnomalyScore.RECONSTRUCTION, 1, 1);
        float[] recon = model.likelihood().mean(model.reconstruct(x, null)).toArray(), v = x.toArray();
        for (int i = 0; i < 3; i++) {
            double squared = 0;
            for (int a = 0; a < 3; a++) squared += Math.pow(v[i * 3 + a] - recon[i * 3 + a], 2);
            double expected = squared / (2 * c.s() * c.s()) + 1.5 * Math.log(2 * Math.PI * c.s() * c.s());
            assertEquals(expected, scores[i], 1e-4);
        }
    }

    @Test
    void scoresAreReproducibleFromTheSeed() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.3, 1.5);
        Tensor x = model.sampleData(300, 1);
        for (AnomalyScore s : new AnomalyScore[] {AnomalyScore.NLL, AnomalyScore.RECONSTRUCTION_PROBABILITY}) {
            assertEquals(java.util.Arrays.toString(score(model, x, s, 5, 5)), java.util.Arrays.toString(score(model, x, s, 5, 5)));
        }
    }

    @Test
    void wordsRoundTripAndUnknownWordsAreRefused() {
        for (AnomalyScore s : AnomalyScore.values()) assertEquals(s, AnomalyScore.fromWord(s.word()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnomalyScore.fromWord("mahalanobis"));
        assertTrue(e.getMessage().contains("reconstruction-probability"), e.getMessage());
        assertNull(AnomalyScore.RECONSTRUCTION_PROBABILITY.unsupportedReason(LinearGaussianModel.standard(0, 1)));
    }

    private static double gaussianLogDensity(float[] x, double[] mean, double[][] cov) {
        int d = mean.length;
        double[][] chol = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                double v = cov[a][b];
                for (int k = 0; k < b; k++) v -= chol[a][k] * chol[b][k];
                chol[a][b] = a == b ? Math.sqrt(v) : v / chol[b][b];
            }
        }
        double[] y = new double[d];
        double logDet = 0, quad = 0;
        for (int a = 0; a < d; a++) {
            double v = x[a] - mean[a];
            for (int k = 0; k < a; k++) v -= chol[a][k] * y[k];
            y[a] = v / chol[a][a];
            quad += y[a] * y[a];
            logDet += 2 * Math.log(chol[a][a]);
        }
        return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
    }
}
