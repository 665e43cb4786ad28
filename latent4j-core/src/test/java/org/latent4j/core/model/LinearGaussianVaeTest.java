package org.latent4j.core.model;

import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The exact case: a VAE with affine encoder and decoder and a Gaussian likelihood is probabilistic PCA
 * (Tipping and Bishop 1999). At the PPCA maximum-likelihood solution, with the encoder set to the exact
 * posterior (which is diagonal there: W's columns are orthogonal), the ELBO equals the log-likelihood
 * (Lucas et al. 2019, "Don't blame the ELBO"), every importance weight equals log p(x), and the ELBO is
 * stationary in every parameter.
 */
class LinearGaussianVaeTest {
    static final int N = 300, D = 5, Q = 2;
    static final double LOG_2PI = Math.log(2 * Math.PI);

    static double[][] data;
    static double[] mu;
    static double sigma2;
    static double[][] w; // [D][Q]
    static double[] lambda; // the Q leading eigenvalues of the sample covariance
    static double[] logLik; // PPCA log p(x_i)
    static Tensor x;
    static Vae model;

    @BeforeAll
    static void fitPpcaAndSetTheVae() {
        SplittableRandom r = new SplittableRandom(2024);
        double[][] w0 = {{2, 0.5}, {-1, 1.5}, {0.5, -1}, {1, 1}, {-0.5, 0.3}};
        double[] mu0 = {1, -2, 0.5, 0, 3};
        data = new double[N][D];
        for (double[] row : data) {
            double z1 = r.nextGaussian(), z2 = r.nextGaussian();
            for (int j = 0; j < D; j++) row[j] = mu0[j] + w0[j][0] * z1 + w0[j][1] * z2 + 0.4 * r.nextGaussian();
        }
        mu = new double[D];
        for (double[] row : data) for (int j = 0; j < D; j++) mu[j] += row[j] / N;
        double[][] s = new double[D][D];
        for (double[] row : data) for (int a = 0; a < D; a++) for (int b = 0; b < D; b++) s[a][b] += (row[a] - mu[a]) * (row[b] - mu[b]) / N;
        var eig = SymmetricEigen.of(s);
        double[] ev = eig.values();
        double[][] u = eig.vectors();
        sigma2 = 0;
        for (int j = Q; j < D; j++) sigma2 += ev[j] / (D - Q);
        w = new double[D][Q];
        lambda = new double[Q];
        for (int j = 0; j < Q; j++) {
            lambda[j] = ev[j];
            for (int i = 0; i < D; i++) w[i][j] = u[i][j] * Math.sqrt(ev[j] - sigma2);
        }
        // log p(x) under N(mu, C), C = W W^T + sigma^2 I = U diag(lambda_1..q, sigma^2, ...) U^T
        double logDet = 0;
        for (int j = 0; j < D; j++) logDet += Math.log(j < Q ? ev[j] : sigma2);
        logLik = new double[N];
        for (int n = 0; n < N; n++) {
            double quad = 0;
            for (int j = 0; j < D; j++) {
                double proj = 0;
                for (int i = 0; i < D; i++) proj += u[i][j] * (data[n][i] - mu[i]);
                quad += proj * proj / (j < Q ? ev[j] : sigma2);
            }
            logLik[n] = -0.5 * (D * LOG_2PI + logDet + quad);
        }
        // at the ML solution tr(C^-1 S) = d, so the mean log-likelihood has this closed form too
        double mean = 0;
        for (double l : logLik) mean += l / N;
        assertEquals(-0.5 * (D * LOG_2PI + logDet + D), mean, 1e-9, "PPCA log-likelihood: per-point sum vs closed form");

        float[] xf = new float[N * D];
        for (int n = 0; n < N; n++) for (int j = 0; j < D; j++) xf[n * D + j] = (float) data[n][j];
        x = Tensor.of(xf, N, D);

        model = new Vae(VaeConfig.of(D, Q).withHidden(List.of()).withGaussianSigma(Math.sqrt(sigma2)), new Rng(1));
        var p = model.namedParameters();
        // encoder: mean = M^-1 W^T (x - mu) with M = W^T W + sigma^2 I = diag(lambda); variance sigma^2 / lambda
        float[] ew = new float[D * 2 * Q], eb = new float[2 * Q];
        for (int j = 0; j < Q; j++) {
            double bias = 0;
            for (int i = 0; i < D; i++) {
                ew[i * 2 * Q + j] = (float) (w[i][j] / lambda[j]);
                bias -= w[i][j] * mu[i] / lambda[j];
            }
            eb[j] = (float) bias;
            eb[Q + j] = (float) Math.log(sigma2 / lambda[j]);
        }
        p.get("encoder.net.0.weight").copyFrom(Tensor.of(ew, D, 2 * Q).t()); // written [in, out], the weight is [out, in]
        p.get("encoder.net.0.bias").copyFrom(Tensor.of(eb, 2 * Q));
        float[] dw = new float[Q * D], db = new float[D];
        for (int j = 0; j < Q; j++) for (int i = 0; i < D; i++) dw[j * D + i] = (float) w[i][j];
        for (int i = 0; i < D; i++) db[i] = (float) mu[i];
        p.get("decoder.0.weight").copyFrom(Tensor.of(dw, Q, D).t());
        p.get("decoder.0.bias").copyFrom(Tensor.of(db, D));
    }

    /**
     * The ELBO per example with the expectation over z in closed form, from the model's own tensors: with a
     * linear decoder, E_q[log N(x; W z + mu, s^2)] = log N(x; W m + mu, s^2) - sum_j |W_j|^2 var_j / (2 s^2).
     */
    static Tensor analyticElbo() {
        DiagonalGaussian q = model.posterior(x, null);
        GaussianLikelihood lik = (GaussianLikelihood) model.likelihood();
        Tensor w = model.decoder().outputLayer().weight(); // [D, Q]
        Tensor colNorms = w.square().sum(0, false); // |W_j|^2, [Q]
        Tensor spread = q.logVar().exp().mul(colNorms).sum(1, false).mul(0.5f * (float) Math.exp(-lik.fixedLogVariance()));
        return lik.logProb(model.decode(q.mean(), null), x).sub(spread).sub(q.klToStandardNormal());
    }

    @Test
    void eigenSolverReproducesTheCovariance() {
        double[][] s = {{4, 1, 0.5}, {1, 3, -0.2}, {0.5, -0.2, 1}};
        var e = SymmetricEigen.of(s);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double rebuilt = 0;
                for (int j = 0; j < 3; j++) rebuilt += e.vectors()[a][j] * e.values()[j] * e.vectors()[b][j];
                assertEquals(s[a][b], rebuilt, 1e-12);
            }
        }
        assertTrue(e.values()[0] >= e.values()[1] && e.values()[1] >= e.values()[2]);
    }

    @Test
    void exactPosteriorMakesTheElboThePpcaLogLikelihood() {
        float[] elbo = analyticElbo().toArray();
        double meanElbo = 0, meanLl = 0;
        for (int n = 0; n < N; n++) {
            assertEquals(logLik[n], elbo[n], 2e-4 * Math.max(1, Math.abs(logLik[n])), "example " + n);
            meanElbo += elbo[n] / N;
            meanLl += logLik[n] / N;
        }
        assertEquals(meanLl, meanElbo, 1e-4 * Math.abs(meanLl));
        // the model's own loss is -ELBO with the reconstruction term estimated by one sample per example
        // (the KL is in closed form, so unlike the importance weights it is not constant in z): average 10 draws
        double loss = 0;
        for (int s = 0; s < 10; s++) loss += model.loss(Batch.of(x), TrainingProgress.EVALUATION, new Rng(5 + s)).loss().item() / 10;
        assertEquals(-meanLl, loss, 1e-2 * Math.abs(meanLl));
    }

    @Test
    void everyImportanceWeightIsTheLogLikelihood() {
        int k = 1000;
        float[] lw = model.logImportanceWeights(x, null, k, new Rng(6)).toArray();
        for (int n = 0; n < N; n++) {
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (int s = 0; s < k; s++) {
                max = Math.max(max, lw[s * N + n]);
                min = Math.min(min, lw[s * N + n]);
            }
            double lk = ModelFixtures.logMeanExp(lw, N, n, 0, k);
            assertEquals(logLik[n], lk, 2e-3 * Math.max(1, Math.abs(logLik[n])), "L_1000 of example " + n);
            // with the exact posterior p(x, z) / q(z|x) = p(x) for every z: only float rounding spreads the weights
            assertTrue(max - min < 5e-3 * Math.max(1, Math.abs(logLik[n])), "weights of example " + n + " spread " + (max - min));
        }
    }

    @Test
    void thePpcaSolutionIsAStationaryPointOfTheElbo() {
        for (Tensor p : model.parameters()) p.clearGrad();
        analyticElbo().mean().backward();
        double worst = 0;
        for (var e : model.namedParameters().entrySet()) {
            for (float g : e.getValue().grad().toArray()) worst = Math.max(worst, Math.abs(g));
        }
        assertTrue(worst < 2e-3, "largest ELBO gradient at the PPCA optimum: " + worst);
        // and a step away from it in the encoder loses ELBO (the posterior is exact only there)
        double before = analyticElbo().mean().item();
        Tensor ew = model.namedParameters().get("encoder.net.0.weight");
        float[] saved = ew.toArray();
        ew.data()[ew.offset()] += 0.05f;
        double after = analyticElbo().mean().item();
        ew.copyFrom(Tensor.of(saved, ew.shape()));
        assertTrue(after < before - 1e-5, "ELBO " + before + " -> " + after);
    }
}
