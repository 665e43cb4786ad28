package org.latent4j.compress.vqae;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.StageState;
import org.latent4j.compress.rq.AdditiveCodebooks;
import org.latent4j.compress.rq.AdditiveCompressor;
import org.latent4j.compress.rq.BeamSearch;
import org.latent4j.compress.rq.CodeRefinement;
import org.latent4j.compress.rq.CodebookRefit;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.vq.QuantizedAutoencoder;
import org.latent4j.core.model.vq.QuantizedAutoencoderConfig;
import org.latent4j.core.model.vq.VqVaeConfig;
import org.latent4j.core.model.vq.VqVaeKind;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.quantize.VectorQuantizerConfig;
import org.latent4j.tensor.optim.LearningRateSchedule;
import org.latent4j.core.train.OptimizerSettings;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.EpochRecord;
import org.latent4j.core.data.Binarization;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Learned codes ({@code VQAE:<m>x<nbits>}): a VQ-VAE whose encoder (an MLP) maps a vector to m code vectors, each
 * replaced by the nearest of 2^nbits learned codes (one codebook shared by the m places, EMA updates and dead-code
 * restarts), and whose decoder is one linear layer over the m code vectors. A linear decoder makes the code
 * additive: the decoded vector is offset + sum_g W_g c_(i_g), so each place g has 2^nbits codewords W_g c_k in input
 * space, and the asymmetric search uses the same look-up tables as residual quantization
 * ({@link AdditiveCompressor}); the encoder, trained end to end, chooses the m codes together.
 *
 * <p>Standardization: the data are centred per feature and divided by one global scale (the root of the mean
 * feature variance), not per feature: a per-feature scale would weigh the reconstruction error unlike the L2
 * distance the codes are searched by. The decoder's offset and scale are folded into the codewords (the offset into
 * place 0's), so decoding needs nothing else.
 */
public final class LearnedCodes extends AdditiveCompressor {
    /**
     * How the model is trained (what the token does not say).
     *
     * @param codeDim      width of each code vector
     * @param hidden       the encoder's hidden sizes
     * @param batchSize    rows per step
     * @param learningRate Adam's rate, decayed by a cosine schedule
     * @param beta         the commitment weight
     * @param restartDead  steps without use after which a code is restarted from a recent encoder output
     * @param refineSweeps sweeps of {@link CodeRefinement} over the encoder's codes when encoding (0: the encoder's codes as they are)
     * @param refitRounds  after training, rounds of refitting the codewords by least squares to the training rows' (refined) codes
     *                     and refining the codes again ({@link CodebookRefit}); 0 keeps the decoder's codewords
     * @param searchBeam   when positive, each row's codes are also searched by a beam of this width over the codebooks in order
     *                     (refined the same way), and the better of the two codes is kept; 0 uses the encoder's alone
     */
    public record VqaeSettings(int codeDim, List<Integer> hidden, int batchSize, double learningRate, double beta, int restartDead, int refineSweeps,
                           int refitRounds, int searchBeam) {
        /** Checks each setting's range and copies the hidden sizes. */
        public VqaeSettings {
            if (codeDim < 1) throw new IllegalArgumentException("VQAE: codeDim must be at least 1, got " + codeDim);
            hidden = hidden == null ? List.of() : List.copyOf(hidden);
            if (batchSize < 1) throw new IllegalArgumentException("VQAE: batchSize must be at least 1, got " + batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("VQAE: learningRate must be positive, got " + learningRate);
            if (refineSweeps < 0) throw new IllegalArgumentException("VQAE: refineSweeps must be at least 0, got " + refineSweeps);
            if (refitRounds < 0) throw new IllegalArgumentException("VQAE: refitRounds must be at least 0, got " + refitRounds);
            if (searchBeam < 0) throw new IllegalArgumentException("VQAE: searchBeam must be at least 0, got " + searchBeam);
        }

        /** {@return the default settings} */
        public static VqaeSettings defaults() {
            return new VqaeSettings(64, List.of(1024, 512), 256, 1e-3, 0.25, 50, 3, 4, 5);
        }
    }

    private final String token;
    private final int groups;
    private final QuantizedAutoencoder model;
    private final VqVaeConfig modelConfig;
    private final VqaeSettings settings;
    private final float[] mean;
    private final float scale;

    private LearnedCodes(String token, int groups, AdditiveCodebooks codebooks, QuantizedAutoencoder model, VqVaeConfig modelConfig, VqaeSettings settings,
                         float[] mean, float scale) {
        super(codebooks, true);
        this.token = token;
        this.groups = groups;
        this.model = model;
        this.modelConfig = modelConfig;
        this.settings = settings;
        this.mean = mean;
        this.scale = scale;
    }

    /** The codewords of the linear decoder: place g's codeword k is scale * (decode(e_gk) - decode(0)), the offset in place 0's. */
    private static AdditiveCodebooks additive(QuantizedAutoencoder model, int groups, int nbits, float[] mean, float scale) {
        int k = 1 << nbits, d = model.dataDim(), cd = model.network().codeDim();
        float[] codes = model.quantizer().decode(range(k), k).contiguous().toArray(); // [K, cd]
        float[] latents = new float[(groups * k + 1) * groups * cd];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < k; j++) System.arraycopy(codes, j * cd, latents, (g * k + j) * groups * cd + g * cd, cd);
        }
        float[] out;
        try (var noGrad = GradMode.disabled()) {
            out = model.decode(Tensor.wrap(latents, groups * k + 1, groups * cd), null).contiguous().toArray();
        }
        int zero = groups * k * d;
        float[] words = new float[groups * k * d];
        for (int r = 0; r < groups * k; r++) {
            for (int p = 0; p < d; p++) {
                float w = scale * (out[r * d + p] - out[zero + p]);
                if (r < k) w += mean[p] + scale * out[zero + p];
                words[r * d + p] = w;
            }
        }
        return new AdditiveCodebooks(groups, nbits, d, words);
    }

    private static int[] range(int k) {
        int[] r = new int[k];
        for (int i = 0; i < k; i++) r[i] = i;
        return r;
    }

    static LearnedCodes fit(String token, int groups, int nbits, Tensor train, FitOptions options, VqaeSettings settings) {
        Tensor rows = train.contiguous();
        int n = rows.dim(0), d = rows.dim(1);
        float[] x = rows.toArray();
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sum[j] += x[i * d + j];
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / n);
        double var = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) var += Math.pow(x[i * d + j] - mean[j], 2);
        var /= (double) n * d;
        float scale = var > 0 ? (float) Math.sqrt(var) : 1f;
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i * d + j] = (x[i * d + j] - mean[j]) / scale;

        VqVaeConfig config = modelConfig(d, groups, nbits, settings);
        QuantizedAutoencoder model = (QuantizedAutoencoder) new VqVaeKind().create(config, new Rng(options.seed()).fork(0x5651L));
        int steps = options.epochs() * Math.ceilDiv(n, settings.batchSize());
        TrainerOptions t = new TrainerOptions(options.epochs(), settings.batchSize(), options.seed(), OptimizerSettings.adam(),
                LearningRateSchedule.warmupCosine(settings.learningRate(), settings.learningRate() / 20, Math.min(200, steps / 10), steps), 0, 0, 0, 0, 0, Binarization.NONE, 0,
                TrainerOptions.DEFAULT_GRADIENT_VARIANCE_DRAWS);
        String canonical = token;
        Trainer.fit(model, Dataset.unlabeled("VQAE training rows", Tensor.wrap(z, n, d)), null, t, null, new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord record) {
                options.progress().update(canonical, record.epoch(), options.epochs());
            }
        });
        LearnedCodes trained = new LearnedCodes(token, groups, additive(model, groups, nbits, mean, scale), model, config, settings, mean, scale);
        return trained.refit(x, n, settings.refitRounds());
    }

    /** Alternates least-squares codewords for the rows' codes and codes refined for those codewords, {@code rounds} times. */
    LearnedCodes refit(float[] x, int n, int rounds) {
        if (rounds == 0) return this;
        int[] idx = new int[Math.multiplyExact(n, groups)];
        chooseCodes(x, 0, n, idx);
        AdditiveCodebooks cb = codebooks;
        for (int r = 0; r < rounds; r++) {
            cb = new AdditiveCodebooks(groups, cb.nbits(), cb.dimension(), CodebookRefit.refit(cb, x, 0, n, idx, 2));
            CodeRefinement.refine(cb, x, 0, n, idx, Math.max(1, settings.refineSweeps()));
        }
        return new LearnedCodes(token, groups, cb, model, modelConfig, settings, mean, scale);
    }

    static VqVaeConfig modelConfig(int d, int groups, int nbits, VqaeSettings s) {
        // sigma 1 on data of unit mean variance: the squared error / 2 against the commitment term, as the VQ kinds weigh them
        QuantizedAutoencoderConfig network = new QuantizedAutoencoderConfig(d, s.codeDim(), groups, s.hidden(), List.of(), Activation.RELU,
                LikelihoodKind.GAUSSIAN_FIXED, 1.0, null, org.latent4j.core.model.vq.CodeSampling.EMPIRICAL);
        VectorQuantizerConfig vq = VectorQuantizerConfig.of(s.codeDim(), 1 << nbits).withBeta(s.beta()).withEma(0.99, 1e-5)
                .withRestart(s.restartDead(), 1024);
        return new VqVaeConfig(network, vq);
    }

    static LearnedCodes load(String token, int groups, int nbits, StageState state) {
        Json.Cursor root = Json.at(Json.parse(state.config(), token + " config"), token + " config");
        VqVaeConfig config = root.get("model").as(VqVaeConfig.class);
        VqaeSettings settings = root.get("training").as(VqaeSettings.class);
        if (config.network().groups() != groups || config.quantizer().codebookSize() != 1 << nbits) {
            throw new IllegalArgumentException("stage " + token + ": its model has " + config.network().groups() + " groups of " + config.quantizer().codebookSize()
                    + " codes, the token says " + groups + " of " + (1 << nbits));
        }
        QuantizedAutoencoder model = (QuantizedAutoencoder) new VqVaeKind().create(config, new Rng(0));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        state.tensors().forEach((name, t) -> {
            if (name.startsWith("model.")) weights.put(name.substring("model.".length()), t);
        });
        model.loadState(weights);
        Tensor m = state.tensor("mean"), s = state.tensor("scale");
        if (m.size() != model.dataDim() || s.size() != 1) {
            throw new IllegalArgumentException("stage " + token + ": mean must hold " + model.dataDim() + " values and scale 1, got " + m.size() + " and " + s.size());
        }
        float[] mean = m.contiguous().toArray();
        float scale = s.contiguous().toArray()[0];
        AdditiveCodebooks cb;
        if (state.tensors().containsKey("codewords")) {
            cb = AdditiveCodebooks.fromTensor(state.tensor("codewords"), groups, nbits, model.dataDim(), "stage " + token + ": codewords");
        } else {
            cb = additive(model, groups, nbits, mean, scale);
        }
        return new LearnedCodes(token, groups, cb, model, config, settings, mean, scale);
    }

    @Override
    protected void chooseCodes(float[] x, int xOff, int rows, int[] idx) {
        int d = dimension(), batch = 1024;
        for (int from = 0; from < rows; from += batch) {
            int r = Math.min(batch, rows - from);
            float[] z = new float[r * d];
            for (int i = 0; i < r; i++) for (int j = 0; j < d; j++) z[i * d + j] = (x[xOff + (from + i) * d + j] - mean[j]) / scale;
            LatentCode.Discrete code;
            try (var noGrad = GradMode.disabled()) {
                code = model.encode(Tensor.wrap(z, r, d), null);
            }
            // one stage: the indices are [rows, groups], place-major as the code layout wants
            System.arraycopy(code.indices(), 0, idx, from * groups, r * groups);
        }
        CodeRefinement.refine(codebooks, x, xOff, rows, idx, settings.refineSweeps());
        if (settings.searchBeam() == 0) return;
        int[] beam = new int[idx.length];
        BeamSearch.encode(codebooks, x, xOff, rows, settings.searchBeam(), beam);
        CodeRefinement.refine(codebooks, x, xOff, rows, beam, settings.refineSweeps());
        float[] a = new float[d], b = new float[d];
        for (int i = 0; i < rows; i++) {
            codebooks.decode(idx, i * groups, a, 0);
            codebooks.decode(beam, i * groups, b, 0);
            double ea = 0, eb = 0;
            for (int j = 0; j < d; j++) {
                float xv = x[xOff + i * d + j];
                ea += (xv - a[j]) * (xv - a[j]);
                eb += (xv - b[j]) * (xv - b[j]);
            }
            if (eb < ea) System.arraycopy(beam, i * groups, idx, i * groups, groups);
        }
    }

    /**
     * The same model encoding with another beam for the second candidate codes (0: the encoder's codes alone).
     *
     * @param width the beam width, 0 for none
     * @return the compressor
     */
    public LearnedCodes withSearchBeam(int width) {
        VqaeSettings s = new VqaeSettings(settings.codeDim(), settings.hidden(), settings.batchSize(), settings.learningRate(), settings.beta(), settings.restartDead(),
                settings.refineSweeps(), settings.refitRounds(), width);
        return new LearnedCodes(token, groups, codebooks, model, modelConfig, s, mean, scale);
    }

    /**
     * The same model encoding with another number of refinement sweeps.
     *
     * @param sweeps the sweeps
     * @return the compressor
     */
    public LearnedCodes withRefineSweeps(int sweeps) {
        VqaeSettings s = new VqaeSettings(settings.codeDim(), settings.hidden(), settings.batchSize(), settings.learningRate(), settings.beta(), settings.restartDead(),
                sweeps, settings.refitRounds(), settings.searchBeam());
        return new LearnedCodes(token, groups, codebooks, model, modelConfig, s, mean, scale);
    }

    /**
     * The trained model (in standardized units: x = mean + scale * its output).
     *
     * @return the model
     */
    public QuantizedAutoencoder model() {
        return model;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public StageState state() {
        Map<String, Json.Value> config = new LinkedHashMap<>();
        config.put("model", Json.toJson(modelConfig));
        config.put("training", Json.toJson(settings));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.namedState().forEach((name, t) -> tensors.put("model." + name, Tensor.of(t.contiguous().toArray(), t.shape())));
        tensors.put("mean", Tensor.of(mean.clone(), mean.length));
        tensors.put("scale", Tensor.of(new float[] {scale}, 1));
        // the codewords are the decoder's until refitted; stored either way, so that decoding needs no network
        tensors.put("codewords", codebooks.toTensor());
        return new StageState(VqaeKind.NAME, token, Json.writeCompact(new Json.Obj(config)), tensors);
    }
}
