package org.latent4j.core.eval;

import java.util.Map;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.GaussianLikelihood;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LikelihoodBound;
import org.latent4j.core.model.PriorSampling;
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
class TableModel extends LatentModel implements LikelihoodBound, PriorSampling {
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
    public LatentCode encode(Tensor x, Tensor condition) {
        return new LatentCode.Gaussian(posterior(x));
    }

    DiagonalGaussian posterior(Tensor x) {
        return new DiagonalGaussian(x.slice(1, 0, l).contiguous(), x.slice(1, l, 2 * l).contiguous());
    }

    @Override
    public Tensor decode(Tensor z, Tensor condition) {
        return ShapeOps.concat(z.rank() - 1, z, Tensor.zeros(z.shape()));
    }

    @Override
    public Tensor logImportanceWeights(Tensor x, Tensor condition, int k, Rng rng) {
        DiagonalGaussian q = posterior(x);
        Tensor z = q.rsample(rng, k);
        return likelihood.logProb(decode(z, condition), x).add(DiagonalGaussian.standard(l).logProb(z)).sub(q.logProb(z));
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        Tensor loss = logImportanceWeights(batch.x(), null, 1, rng).mean().neg();
        return new LossResult(loss, loss, Tensor.scalar(0f), Map.of());
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

    /** A model whose code is the first {@code latent} columns of x, deterministic. */
    static LatentModel deterministic(int latent) {
        return new Coded(latent, (x, b) -> new LatentCode.Deterministic(x.slice(1, 0, latent).contiguous()));
    }

    /** The code of a batch of b rows starting at row {@code first}, for {@link #withCode}. */
    interface CodeOfRows {
        LatentCode code(int b, int first);
    }

    /**
     * A model whose encoder gives the code a test states, for rows of {@link #rowNumbers} (column 0 holds the row's
     * number, so the encoder knows which rows a batch holds); code vectors are {@code latent} wide.
     */
    static LatentModel withCode(int latent, CodeOfRows code) {
        return new Coded(latent, (x, b) -> code.code(b, (int) x.get(0, 0)));
    }

    /** [n, d] zeros but for column 0, the row's number. */
    static Tensor rowNumbers(int n, int d) {
        Tensor x = Tensor.zeros(n, d);
        for (int i = 0; i < n; i++) x.set(i, i, 0);
        return x;
    }

    /** A model with no likelihood bound and no prior: its encoder is a function of the rows, its decoder TableModel's. */
    private static final class Coded extends LatentModel {
        private final int l;
        private final java.util.function.BiFunction<Tensor, Integer, LatentCode> encoder;
        private final GaussianLikelihood likelihood = GaussianLikelihood.fixed(1.0);

        Coded(int latent, java.util.function.BiFunction<Tensor, Integer, LatentCode> encoder) {
            this.l = latent;
            this.encoder = encoder;
        }

        @Override
        public LatentCode encode(Tensor x, Tensor condition) {
            return encoder.apply(x, x.dim(0));
        }

        @Override
        public Tensor decode(Tensor z, Tensor condition) {
            return ShapeOps.concat(z.rank() - 1, z, Tensor.zeros(z.shape()));
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            throw new AssertionError("not trained");
        }

        @Override
        public Record config() {
            return new Config(l);
        }

        @Override
        public String kind() {
            return "coded";
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
    }
}
