package org.latent4j.core.eval;

import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.IterativeInference;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * p(z) = N(0, I), p(x|z) = N(W z + mu, s^2 I), where everything is known in closed form. W has orthogonal
 * columns, so the exact posterior is diagonal: var_j = 1 / (1 + |w_j|^2 / s^2) and
 * mean_j = var_j w_j . (x - mu) / s^2. The encoder returns it, optionally spoiled by a shift of the mean
 * and a factor on the variance, to make the importance weights non-constant (and the ELBO gap, which iterative
 * inference closes, a known KL).
 */
final class LinearGaussianModel extends LatentModel implements IterativeInference, PriorSampling {
    record Config(double[][] w, double[] mu, double s, double meanShift, double varianceFactor) {}

    private final Config config;
    private final int d;
    private final int l;
    private final Tensor wt;          // [l, d], decode(z) = z wt + mu
    private final Tensor mu;          // [d]
    private final Tensor encoderMap;  // [d, l]
    private final Tensor posteriorLogVar; // [l]
    private final GaussianLikelihood likelihood;

    /** w is [d][l] with orthogonal columns. */
    LinearGaussianModel(double[][] w, double[] mu, double s, double meanShift, double varianceFactor) {
        this.config = new Config(w, mu, s, meanShift, varianceFactor);
        this.d = w.length;
        this.l = w[0].length;
        float[] wtv = new float[l * d], map = new float[d * l], lv = new float[l];
        for (int j = 0; j < l; j++) {
            double norm2 = 0;
            for (int i = 0; i < d; i++) norm2 += w[i][j] * w[i][j];
            double var = 1 / (1 + norm2 / (s * s));
            lv[j] = (float) Math.log(var * varianceFactor);
            for (int i = 0; i < d; i++) {
                wtv[j * d + i] = (float) w[i][j];
                map[i * l + j] = (float) (w[i][j] * var / (s * s));
            }
        }
        this.wt = Tensor.of(wtv, l, d);
        float[] muv = new float[d];
        for (int i = 0; i < d; i++) muv[i] = (float) mu[i];
        this.mu = Tensor.of(muv, d);
        this.encoderMap = Tensor.of(map, d, l);
        this.posteriorLogVar = Tensor.of(lv, l);
        this.likelihood = GaussianLikelihood.fixed(s);
    }

    static LinearGaussianModel standard(double meanShift, double varianceFactor) {
        double[][] w = {{1.2, 0.5}, {1.2, -0.5}, {0.0, 0.5}};
        return new LinearGaussianModel(w, new double[] {0.3, -0.2, 0.5}, 0.7, meanShift, varianceFactor);
    }

    /** log N(x; mu, W W^T + s^2 I) in double, by a Cholesky factorisation (independent of the posterior formula). */
    double exactLogLikelihood(float[] x) {
        double[][] c = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double v = a == b ? config.s() * config.s() : 0;
                for (int j = 0; j < l; j++) v += config.w()[a][j] * config.w()[b][j];
                c[a][b] = v;
            }
        }
        double[][] chol = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                double v = c[a][b];
                for (int k = 0; k < b; k++) v -= chol[a][k] * chol[b][k];
                chol[a][b] = a == b ? Math.sqrt(v) : v / chol[b][b];
            }
        }
        double[] y = new double[d];
        double logDet = 0, quad = 0;
        for (int a = 0; a < d; a++) {
            double v = x[a] - config.mu()[a];
            for (int k = 0; k < a; k++) v -= chol[a][k] * y[k];
            y[a] = v / chol[a][a];
            quad += y[a] * y[a];
            logDet += 2 * Math.log(chol[a][a]);
        }
        return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
    }

    /** n draws from p(x), [n, d]. */
    Tensor sampleData(int n, long seed) {
        Rng rng = new Rng(seed);
        Tensor z = rng.normal(0f, 1f, n, l);
        Tensor noise = rng.normal(0f, (float) config.s(), n, d);
        return z.matmul(wt).add(mu).add(noise).contiguous();
    }

    @Override
    public LatentCode.Gaussian encode(Tensor x, Tensor condition) {
        return new LatentCode.Gaussian(posterior(x));
    }

    @Override
    public DiagonalGaussian posterior(Tensor x, Tensor condition) {
        return posterior(x);
    }

    DiagonalGaussian posterior(Tensor x) {
        Tensor mean = x.sub(mu).matmul(encoderMap).add((float) config.meanShift());
        return new DiagonalGaussian(mean, posteriorLogVar.expand(mean.shape()).contiguous());
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        return z.matmul(wt).add(mu);
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        DiagonalGaussian q = posterior(x);
        Tensor z = q.rsample(rng, k);
        Tensor logPxz = likelihood.logProb(decode(z, condition), x);
        Tensor logPz = DiagonalGaussian.standard(l).logProb(z);
        return logPxz.add(logPz).sub(q.logProb(z));
    }

    @Override
    public Tensor elboSamples(Tensor x, Tensor condition, DiagonalGaussian q, Tensor eps) {
        return likelihood.logProb(decode(q.rsample(eps), condition), x).sub(q.klToStandardNormal());
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor elbo = logImportanceWeights(batch.x(), batch.condition(), 1, rng).mean();
        return new LossResult(elbo.neg(), elbo.neg(), Tensor.scalar(0f), Map.of());
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return "linear-gaussian";
    }

    @Override
    public int dataDim() {
        return d;
    }

    @Override
    public int latentDim() {
        return l;
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }

    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        return decode(rng.normal(0f, 1f, n, l), condition);
    }
}
