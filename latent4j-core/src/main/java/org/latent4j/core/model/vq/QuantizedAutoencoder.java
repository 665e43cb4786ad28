package org.latent4j.core.model.vq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.StepState;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.nn.ConvArchitecture;
import org.latent4j.core.nn.ConvDecoder;
import org.latent4j.core.nn.ConvEncoder;
import org.latent4j.core.nn.Mlp;
import org.latent4j.core.quantize.Quantized;
import org.latent4j.core.quantize.Quantizer;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * An autoencoder with a discrete bottleneck: any {@link Quantizer} between an encoder and a decoder
 * ({@link QuantizedAutoencoderConfig}: MLPs with one or more code vectors per example, or convolutions with a grid of
 * codes). VQ-VAE (van den Oord et al. 2017) is this model with a {@link org.latent4j.core.quantize.VectorQuantizer};
 * other discrete bottlenecks (residual VQ, FSQ, ...) plug in the same way, as their own kinds.
 *
 * <p><b>Objective</b> for a batch, summed over an example and averaged over the batch as everywhere in Latent4j:
 * <pre>
 *   loss = mean_batch -log p(x | decoder(quantized codes)) + positions * quantizer loss
 * </pre>
 * where the quantizer's loss is its auxiliary loss per code vector (codebook and commitment terms for VQ), so the
 * regularization sums over an example's {@code positions} code vectors. Under VQ-VAE's uniform prior over codes the
 * KL term is the constant positions * log K, left out as in the paper.
 *
 * <p><b>Metrics</b>: the quantizer's, with those named {@code *_loss} (per code vector, like its loss) multiplied by
 * the positions, so that they add up to the regularization.
 *
 * <p><b>Hooks</b>: {@link #initialise} sets the decoder's output bias to the data's mean and hands the quantizer the
 * encoder outputs of a sample of the training rows (at least 32 per code, at least 4,096 vectors; k-means
 * initialisation); {@link #afterOptimizerStep} hands it the step's quantization (EMA updates, dead-code restarts) and
 * counts the step's codes for {@link CodeSampling#EMPIRICAL} sampling ("code_usage", [positions, sum of the codebook
 * sizes], decayed by {@value #USAGE_DECAY} per step).
 *
 * <p><b>Layout</b>: the code vector of {@link LatentCode.Discrete} is position-major, [batch, positions * codeDim]
 * with place p at columns [p * codeDim, (p + 1) * codeDim); a grid's places run row by row (p = row * w + column).
 * Names: "encoder" and "decoder", the MLPs (for the conv form, the per-place layers: "encoder.0.weight" [codeDim,
 * channels] is the 1x1 convolution's weight of torch.nn.Conv2d without its two trailing 1s; a conv decoder without
 * hidden layers has none), "encoder_conv" and "decoder_conv" (conv); "quantizer"; "likelihood".
 */
public final class QuantizedAutoencoder extends LatentModel implements PriorSampling {
    /** Decay per training step of the code counts that empirical sampling draws from. */
    public static final double USAGE_DECAY = 0.999;

    private final String kind;
    private final Record config;
    private final QuantizedAutoencoderConfig network;
    private final int positions;
    private final int codeDim;
    private final ConvEncoder encoderConv;
    private final Mlp encoder;
    private final Quantizer quantizer;
    private final Mlp decoder;
    private final ConvDecoder decoderConv;
    private final Likelihood likelihood;
    private final int[] gridShape;
    private final int[] stageOffsets;
    private final Tensor usage;

    /**
     * Creates the model with fresh network weights around a quantizer.
     *
     * @param kind      the kind's registered name (what {@link #kind()} reports and saved models record)
     * @param config    the kind's config record (saved beside the weights)
     * @param network   the networks' part of it
     * @param quantizer the bottleneck, of width {@code network.codeDim()}
     * @param rng       draws the networks' weights
     */
    public QuantizedAutoencoder(String kind, Record config, QuantizedAutoencoderConfig network, Quantizer quantizer, Rng rng) {
        if (quantizer.dim() != network.codeDim()) {
            throw new IllegalArgumentException(kind + ": the quantizer takes vectors of " + quantizer.dim() + " features but the codes have " + network.codeDim());
        }
        this.kind = kind;
        this.config = config;
        this.network = network;
        this.positions = network.positions();
        this.codeDim = network.codeDim();
        ConvArchitecture conv = network.conv();
        Likelihood lik = network.likelihood().create(network.dataDim(), network.likelihoodSigma());
        int p = lik.parametersPerFeature();
        if (conv == null) {
            this.encoderConv = null;
            this.gridShape = null;
            this.encoder = child("encoder", new Mlp(network.dataDim(), ints(network.encoderHidden()), positions * codeDim, network.activation(), rng));
            this.quantizer = child("quantizer", quantizer);
            this.decoder = child("decoder", new Mlp(positions * codeDim, ints(network.decoderHidden()), network.dataDim() * p, network.activation(), rng));
            this.decoderConv = null;
        } else {
            this.encoderConv = child("encoder_conv", new ConvEncoder(conv, network.activation(), rng));
            int[] f = conv.featureShape();
            this.gridShape = new int[] {f[1], f[2]};
            // per place from the channels to the code: a 1x1 convolution, or an MLP of them with hidden layers
            this.encoder = child("encoder", new Mlp(f[0], ints(network.encoderHidden()), codeDim, network.activation(), rng));
            this.quantizer = child("quantizer", quantizer);
            List<Integer> dh = network.decoderHidden();
            // without hidden layers the codes go into the first transposed convolution as they are (no activation on them);
            // with some, per place from the code to the last hidden size, activated by the decoder's first step
            this.decoder = dh.isEmpty() ? null
                    : child("decoder", new Mlp(codeDim, ints(dh.subList(0, dh.size() - 1)), dh.getLast(), network.activation(), rng));
            this.decoderConv = child("decoder_conv", new ConvDecoder(conv, dh.isEmpty() ? codeDim : dh.getLast(), conv.image().get(0) * p,
                    network.activation(), !dh.isEmpty(), rng));
        }
        this.likelihood = child("likelihood", lik);
        int[] sizes = quantizer.codebookSizes();
        this.stageOffsets = new int[sizes.length + 1];
        for (int s = 0; s < sizes.length; s++) stageOffsets[s + 1] = stageOffsets[s] + sizes[s];
        this.usage = buffer("code_usage", Tensor.persistentZeros(positions, stageOffsets[sizes.length]));
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The networks' configuration.
     *
     * @return the configuration
     */
    public QuantizedAutoencoderConfig network() {
        return network;
    }

    /** {@return the quantizer between the encoder and the decoder} */
    public Quantizer quantizer() {
        return quantizer;
    }

    /**
     * Code vectors per example.
     *
     * @return the number of code vectors
     */
    public int positions() {
        return positions;
    }

    /**
     * The encoder's code vectors of x [b, dataDim], before quantization: [b * positions, codeDim], position-major per example.
     *
     * @param x the rows
     * @return the code vectors
     */
    public Tensor encodeContinuous(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != network.dataDim()) {
            throw new ShapeException(kind + ": data " + Shape.str(x.shape()) + " must be [batch, " + network.dataDim() + "]");
        }
        int b = x.dim(0);
        if (encoderConv == null) return encoder.forward(x).reshape(b * positions, codeDim);
        Tensor grid = encoderConv.forwardGrid(x); // [b, C, h, w]
        int c = grid.dim(1);
        // channels last, [b, h, w, C]: one row per place, for the per-place layers and the quantizer
        return encoder.forward(grid.transpose(1, 2).transpose(2, 3).contiguous().reshape(b * positions, c));
    }

    /** The decoder's output for position-major code vectors [rows, positions * codeDim]. */
    private Tensor decodeCode(Tensor codes) {
        if (decoderConv == null) return decoder.forward(codes);
        int b = codes.dim(0);
        Tensor rows = codes.contiguous().reshape(b * positions, codeDim);
        if (decoder != null) rows = decoder.forward(rows);
        int c = rows.dim(1);
        Tensor grid = rows.reshape(b, gridShape[0], gridShape[1], c).transpose(2, 3).transpose(1, 2).contiguous();
        return decoderConv.fromGrid(grid);
    }

    @Override
    public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
        noCondition(batch.condition(), "loss");
        Tensor x = batch.x();
        int b = x.dim(0);
        Quantized q = quantizer.quantize(encodeContinuous(x), true, rng.fork(1));
        Tensor params = decodeCode(q.output().reshape(b, positions * codeDim));
        Tensor recon = likelihood.logProb(params, x).mean().neg();
        Tensor reg = positions == 1 ? q.loss() : q.loss().mul((float) positions);
        Map<String, Double> metrics = new LinkedHashMap<>();
        q.metrics().forEach((name, v) -> metrics.put(name, name.endsWith("_loss") ? v * positions : v));
        return new LossResult(recon.add(reg), recon, reg, metrics, new QuantizedStep(q.indices(), q.state()));
    }

    /**
     * What the after-step hook reads from a training batch ({@link LossResult#state()}): the chosen codes ([rows * places,
     * stages] row-major, -1 for a stage the step did not run) and the quantizer's own state. Shards of a data-parallel step
     * concatenate both, which is the state of one batch of their rows together.
     *
     * @param indices   the codes
     * @param quantizer the quantizer's step state ({@link org.latent4j.core.quantize.Quantized#state()}), or null when it
     *                  keeps none; merging needs a {@link StepState}, as the library's quantizers keep
     */
    public record QuantizedStep(int[] indices, Object quantizer) implements StepState {
        @Override
        public StepState concat(java.util.List<? extends StepState> following) {
            java.util.List<int[]> codes = new java.util.ArrayList<>(java.util.List.of(indices));
            java.util.List<StepState> states = new java.util.ArrayList<>();
            for (StepState f : following) {
                if (!(f instanceof QuantizedStep q)) throw new IllegalArgumentException("QuantizedAutoencoder: cannot merge a step state with " + f);
                codes.add(q.indices());
                if (q.quantizer() instanceof StepState st) states.add(st);
            }
            if (quantizer == null) return new QuantizedStep(StepState.concatInts(codes), null);
            if (!(quantizer instanceof StepState mine)) {
                throw new IllegalArgumentException("QuantizedAutoencoder: the quantizer keeps a step state of type " + quantizer.getClass().getName()
                        + ", which cannot be merged across replicas");
            }
            return new QuantizedStep(StepState.concatInts(codes), mine.concat(states));
        }
    }

    @Override
    public LatentCode.Discrete encode(Tensor x, Tensor condition) {
        noCondition(condition, "encode");
        int b = x.dim(0);
        Quantized q = quantizer.quantize(encodeContinuous(x), false);
        return new LatentCode.Discrete(q.output().reshape(b, positions * codeDim), q.indices(), positions, quantizer.stages(), quantizer.codebookSizes());
    }

    @Override
    public Tensor decode(Tensor latents, Tensor condition) {
        noCondition(condition, "decode");
        int r = latents.rank();
        if (r < 2 || latents.dim(r - 1) != positions * codeDim) {
            throw new ShapeException(kind + ".decode: codes " + Shape.str(latents.shape()) + " must be [..., " + positions * codeDim + "]");
        }
        if (r == 2) return decodeCode(latents);
        int rows = latents.size() / (positions * codeDim);
        Tensor out = decodeCode(latents.contiguous().reshape(rows, positions * codeDim));
        int[] shape = latents.shape();
        shape[r - 1] = out.dim(1);
        return out.reshape(shape);
    }

    /**
     * Codes drawn for every place and stage independently, by the config's {@link CodeSampling}, decoded: [n, dataDim
     * * parameters per feature].
     */
    @Override
    public Tensor samplePrior(int n, Tensor condition, Rng rng) {
        noCondition(condition, "samplePrior");
        int stages = quantizer.stages();
        int[] sizes = quantizer.codebookSizes();
        float[] u = rng.uniform(0f, 1f, n * positions * stages).toArray();
        float[] counts = usage.toArray();
        int width = stageOffsets[stages];
        int[] idx = new int[n * positions * stages];
        boolean empirical = network.sampling() == CodeSampling.EMPIRICAL;
        for (int i = 0; i < idx.length; i++) {
            int s = i % stages, place = (i / stages) % positions;
            int from = place * width + stageOffsets[s];
            double total = 0;
            if (empirical) for (int c = 0; c < sizes[s]; c++) total += counts[from + c];
            idx[i] = total > 0 ? drawFrom(counts, from, sizes[s], u[i] * total) : Math.min(sizes[s] - 1, (int) (u[i] * sizes[s]));
        }
        Tensor codes = quantizer.decode(idx, n * positions);
        return decodeCode(codes.reshape(n, positions * codeDim));
    }

    private static int drawFrom(float[] counts, int from, int size, double target) {
        double acc = 0;
        int last = 0;
        for (int c = 0; c < size; c++) {
            if (counts[from + c] <= 0) continue;
            acc += counts[from + c];
            last = c;
            if (acc > target) return c;
        }
        return last;
    }

    private void noCondition(Tensor condition, String op) {
        if (condition != null) throw new IllegalArgumentException(kind + "." + op + ": this model takes no condition, got " + Shape.str(condition.shape()));
    }

    /** The output bias at the data's mean, then the quantizer's initialisation from encoder outputs of a sample of the training rows. */
    @Override
    public void initialise(TrainingData data, Rng rng) {
        likelihood.initialiseOutputBias(decoderConv != null ? decoderConv.outputBias() : decoder.outputLayer().bias(), data.featureMeans());
        int largest = 1;
        for (int s : quantizer.codebookSizes()) largest = Math.max(largest, s);
        int vectors = Math.max(4096, 32 * largest);
        Tensor sample = data.sample(Math.max(1, Math.ceilDiv(vectors, positions)));
        Tensor z;
        try (var noGrad = GradMode.disabled()) {
            z = encodeContinuous(sample).contiguous();
        }
        quantizer.initialise(z, rng.fork(1));
    }

    /** The quantizer's after-step work, then this step's codes counted for empirical sampling. */
    @Override
    public void afterOptimizerStep(StepContext step) {
        if (!(step.result().state() instanceof QuantizedStep q)) return;
        quantizer.afterOptimizerStep(Quantized.forHooks(q.quantizer()), step.rng().fork(1));
        float[] u = usage.data();
        float decay = (float) USAGE_DECAY;
        for (int i = 0; i < u.length; i++) u[i] *= decay;
        int[] idx = q.indices();
        int stages = quantizer.stages(), width = stageOffsets[stages];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0) continue; // a stage the step did not run (quantizer dropout)
            int s = i % stages, place = (i / stages) % positions;
            u[place * width + stageOffsets[s] + idx[i]] += 1f;
        }
    }

    @Override
    public Record config() {
        return config;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int dataDim() {
        return network.dataDim();
    }

    @Override
    public int latentDim() {
        return positions * codeDim;
    }

    @Override
    public Likelihood likelihood() {
        return likelihood;
    }
}
