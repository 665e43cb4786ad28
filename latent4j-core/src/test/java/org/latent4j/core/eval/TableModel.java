package org.latent4j.core.eval;

import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.ops.ShapeOps;
import org.latent4j.tensor.random.Rng;

/**
 * A model whose encoder reads its posterior off the data: a row x = [mean (l values), logVar (l values)]
 * has q(z|x) = N(mean, exp(logVar)), so a test states the posteriors it wants directly. The decoder
 * returns [z, 0] as the mean of a unit-variance Gaussian over the 2l features.
 */
class TableModel extends LatentModel {
    record Config(int latent) {}

    private final int l;
    private final GaussianLikelihood likelihood = GaussianLikelihood.fixed(1.0);

    TableModel(int latent) {
        this.l = latent;
    }

    /** Rows [mean, logVar] from per-example arrays. */
    static Tensor rows(double[][] mean, double[][] logVar) {
        int n = mean.length, l = mean[0].length;
        float[] v = new float[n * 2 * l];
        for (int i = 0; i < n; i++) {
            for (int u = 0; u < l; u++) {
                v[i * 2 * l + u] = (float) mean[i][u];
                v[i * 2 * l + l + u] = (float) logVar[i][u];
            }
        }
        return Tensor.of(v, n, 2 * l);
    }

    @Override
    public DiagonalGaussian encode(Tensor x, Tensor condition) {
        return new DiagonalGaussian(x.slice(1, 0, l).contiguous(), x.slice(1, l, 2 * l).contiguous());
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        return ShapeOps.concat(z.rank() - 1, z, Tensor.zeros(z.shape()));
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        DiagonalGaussian q = encode(x, condition);
        Tensor z = q.rsample(rng, k);
        return likelihood.logProb(decode(z, condition), x).add(DiagonalGaussian.standard(l).logProb(z)).sub(q.logProb(z));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor loss = logImportanceWeights(batch.x(), null, 1, rng).mean().neg();
        Tensor z = encode(batch.x(), null).mean();
        return new LossResult(loss, loss, Tensor.scalar(0f), z, decode(z, null), Map.of());
    }

    @Override
    public Record config() {
        return new Config(l);
    }

    @Override
    public String kind() {
        return "table";
    }

    @Override
    public int dataDim() {
        return 2 * l;
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
