package org.latent4j.core.quantize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.model.StepState;
import org.latent4j.core.nn.Module;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Residual vector quantization (RVQ; Zeghidour, Luebs, Omran, Skoglund and Tagliasacchi 2021, "SoundStream: An
 * End-to-End Neural Audio Codec", after Juang and Gray's multistage VQ): stage 1 quantizes the input, each following
 * stage quantizes what the stages before it left over, and the output is the sum of the stages' outputs:
 * <pre>
 *   r_0 = z;   q_s = Q_s(r_s);   r_(s+1) = r_s - q_s;   output = q_0 + ... + q_(S-1)
 * </pre>
 * Each stage is a {@link Quantizer} of its own with its own codebook (a vector quantizer, so EMA updates, k-means++
 * initialisation, dead-code restarts, the rotation trick and the rest come with it; any quantizer works). The residual
 * is taken from the stages' outputs with their gradients, so with straight-through stages the output's gradient
 * reaches z once (the identity), and each stage's auxiliary loss (codebook and commitment) is on its own residual; the
 * loss reported is the sum of the stages' losses.
 *
 * <p>Quantizer dropout (SoundStream, Section 3.2): in training, with probability {@code dropout} a batch uses only the
 * first q stages, q drawn uniformly from 1..S, so that every prefix of the stages is trained to decode on its own (a
 * codec with a bitrate chosen at inference). SoundStream draws q per example and applies it to every example
 * (dropout 1); here q is drawn per batch, from the step's generator ({@link #quantize(Tensor, boolean, Rng)}), so a
 * step's choice depends on the seed and the step only. (A model's validation loss, the same objective on held-out rows,
 * draws its prefixes the same way, from the validation batch's fixed generator.) Dropped stages are not run: their indices are -1 in the step's
 * {@link Quantized}, their after-step hooks are not called (an EMA codebook does not decay toward nothing), and their
 * metrics are 0 in the step's (so an epoch's mean of a late stage's perplexity under dropout counts the batches that
 * dropped it; evaluation runs every stage). Outside training (and without a generator) every stage is used.
 *
 * <p>Indices are [n, S] row-major, stage s in column s; {@link #decode} sums the stages' decodings. Metrics: each
 * stage's, prefixed "stageK_" (K from 1), plus "stages_used", the q of the batch. Initialisation ({@link #initialise})
 * runs stage by stage: stage s is initialised on the residuals that the initialised stages before it leave.
 * Parameters and buffers are named "stages.0.…", "stages.1.…", as PyTorch's ModuleList names them.
 */
public final class ResidualVectorQuantizer extends Quantizer {
    private final List<Quantizer> stages;
    private final int dim;
    private final double dropout;

    /**
     * What a step keeps for the after-step hook: the states of the stages that ran, in order (null for a stage that keeps
     * none). Shards of a data-parallel step merge stage by stage; they must have run the same stages.
     *
     * @param stages each stage's state, or null
     */
    record Steps(List<Object> stages) implements StepState {
        @Override
        public StepState concat(List<? extends StepState> following) {
            List<Object> merged = new ArrayList<>();
            for (int s = 0; s < stages.size(); s++) {
                List<StepState> rest = new ArrayList<>();
                for (StepState f : following) {
                    if (!(f instanceof Steps other) || other.stages.size() != stages.size()) {
                        throw new IllegalArgumentException("RVQ: the shards of a step ran different numbers of stages (quantizer dropout draws per"
                                + " shard), so their states cannot be merged: train data-parallel with dropout 0");
                    }
                    if (other.stages.get(s) instanceof StepState st) rest.add(st);
                }
                Object mine = stages.get(s);
                if (mine != null && !(mine instanceof StepState)) {
                    throw new IllegalArgumentException("RVQ: stage " + (s + 1) + " keeps a step state of type " + mine.getClass().getName()
                            + ", which cannot be merged across replicas");
                }
                merged.add(mine == null ? null : ((StepState) mine).concat(rest));
            }
            return new Steps(java.util.Collections.unmodifiableList(merged));
        }
    }

    /**
     * Creates the quantizer from its stages.
     *
     * @param stages  the stages' quantizers, in order, all of one width
     * @param dropout the probability, in [0, 1], that a training batch uses a random prefix of the stages (0: never)
     */
    public ResidualVectorQuantizer(List<? extends Quantizer> stages, double dropout) {
        if (stages == null || stages.isEmpty()) throw new IllegalArgumentException("ResidualVectorQuantizer: at least one stage is needed");
        if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("ResidualVectorQuantizer: dropout must be in [0, 1], got " + dropout);
        this.dim = stages.getFirst().dim();
        for (Quantizer q : stages) {
            if (q.dim() != dim) throw new IllegalArgumentException("ResidualVectorQuantizer: stages of widths " + dim + " and " + q.dim());
            if (q.stages() != 1) throw new IllegalArgumentException("ResidualVectorQuantizer: each stage must have one codebook, got " + q.stages());
        }
        this.stages = List.copyOf(stages);
        this.dropout = dropout;
        StageList holder = child("stages", new StageList());
        for (int s = 0; s < this.stages.size(); s++) holder.add(String.valueOf(s), this.stages.get(s));
    }

    /** The stages as children "0", "1", ... of one module, as PyTorch's ModuleList names them. */
    private static final class StageList extends Module {
        void add(String name, Module m) {
            child(name, m);
        }
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int[] codebookSizes() {
        int[] sizes = new int[stages.size()];
        for (int s = 0; s < sizes.length; s++) sizes[s] = stages.get(s).codebookSizes()[0];
        return sizes;
    }

    /**
     * The stages' quantizers, in order.
     *
     * @return the quantizers
     */
    public List<Quantizer> stageQuantizers() {
        return stages;
    }

    /**
     * The probability that a training batch uses a random prefix of the stages.
     *
     * @return the probability
     */
    public double dropout() {
        return dropout;
    }

    /**
     * How many stages a training batch uses: S, or with probability {@code dropout} a q drawn uniformly from 1..S; two
     * uniform draws from {@code rng} either way (so the generator advances the same whatever is drawn).
     *
     * @param rng the generator
     * @return the number of stages
     */
    public int stagesFor(Rng rng) {
        int n = stages.size();
        if (dropout == 0 || n == 1) return n;
        float[] u = rng.uniform(0f, 1f, 2).toArray();
        if (u[0] >= dropout) return n;
        return 1 + Math.min(n - 1, (int) (u[1] * n));
    }

    @Override
    public Quantized quantize(Tensor z, boolean training) {
        return run(z, training, stages.size(), null);
    }

    @Override
    public Quantized quantize(Tensor z, boolean training, Rng rng) {
        return run(z, training, training && rng != null ? stagesFor(rng) : stages.size(), rng);
    }

    private Quantized run(Tensor z, boolean training, int used, Rng rng) {
        if (z.rank() != 2 || z.dim(1) != dim) throw new ShapeException("RVQ: input " + Shape.str(z.shape()) + " must be [n, " + dim + "]");
        int n = z.dim(0), total = stages.size();
        int[] indices = new int[n * total];
        Arrays.fill(indices, -1);
        Tensor residual = z, out = null, loss = null;
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<Quantized> results = new ArrayList<>();
        for (int s = 0; s < used; s++) {
            Quantized q = rng == null ? stages.get(s).quantize(residual, training) : stages.get(s).quantize(residual, training, rng.fork(s));
            results.add(q);
            int[] stageIndices = q.indices();
            for (int i = 0; i < n; i++) indices[i * total + s] = stageIndices[i];
            out = out == null ? q.output() : out.add(q.output());
            loss = loss == null ? q.loss() : loss.add(q.loss());
            if (s + 1 < used) residual = residual.sub(q.output());
            for (var e : q.metrics().entrySet()) metrics.put("stage" + (s + 1) + "_" + e.getKey(), e.getValue());
        }
        // a dropped stage reports 0 for each metric its kind reports (no loss, no codes), so that every batch has the same
        // columns and an epoch's mean counts the batches that dropped it
        for (int s = used; s < total; s++) for (String name : results.getFirst().metrics().keySet()) metrics.put("stage" + (s + 1) + "_" + name, 0.0);
        metrics.put("stages_used", (double) used);
        List<Object> states = new ArrayList<>();
        for (Quantized q : results) states.add(q.state());
        return new Quantized(out, indices, loss, metrics, new Steps(java.util.Collections.unmodifiableList(states)));
    }

    @Override
    public Tensor decode(int[] indices, int n) {
        int total = stages.size();
        if (indices.length != n * total) throw new ShapeException("RVQ.decode: " + indices.length + " indices for " + n + " rows of " + total + " stages");
        Tensor sum = null;
        int[] column = new int[n];
        for (int s = 0; s < total; s++) {
            for (int i = 0; i < n; i++) column[i] = indices[i * total + s];
            Tensor d = stages.get(s).decode(column, n);
            sum = sum == null ? d : sum.add(d);
        }
        return sum;
    }

    /**
     * The output of the first {@code q} stages for codes [n, S] (the later columns are ignored): what a decoder given
     * a q-stage prefix of the code sees.
     *
     * @param indices the codes
     * @param n the number of rows
     * @param q the stages used
     * @return the vectors, [n, dim]
     */
    public Tensor decodePrefix(int[] indices, int n, int q) {
        int total = stages.size();
        if (q < 1 || q > total) throw new IllegalArgumentException("RVQ.decodePrefix: q must be in 1.." + total + ", got " + q);
        Tensor sum = null;
        int[] column = new int[n];
        for (int s = 0; s < q; s++) {
            for (int i = 0; i < n; i++) column[i] = indices[i * total + s];
            Tensor d = stages.get(s).decode(column, n);
            sum = sum == null ? d : sum.add(d);
        }
        return sum;
    }

    /** Stage by stage: each stage is initialised on the residuals the stages before it (initialised) leave. */
    @Override
    public void initialise(Tensor vectors, Rng rng) {
        Tensor residual = vectors;
        for (int s = 0; s < stages.size(); s++) {
            Quantizer stage = stages.get(s);
            stage.initialise(residual, rng.fork(s));
            if (s + 1 < stages.size()) {
                try (var noGrad = GradMode.disabled()) {
                    residual = residual.sub(stage.quantize(residual, false).output());
                }
            }
        }
    }

    /** Each stage that ran this step gets its own result (dropped stages are left alone). */
    @Override
    public void afterOptimizerStep(Quantized step, Rng rng) {
        if (!(step.state() instanceof Steps steps)) return;
        for (int s = 0; s < steps.stages().size(); s++) stages.get(s).afterOptimizerStep(Quantized.forHooks(steps.stages().get(s)), rng.fork(s));
    }
}
