package org.latent4j.cli.bench;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.core.data.Batches;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j bench train}: full training steps of real models of the registry on Fashion-MNIST (the embedded
 * 10k split, taken in order, batch after batch), timed after a warm-up; reports training examples per second
 * (median of rounds) and heap bytes per step. A step is the trainer's: the model's loss, backward, the model's
 * hooks around the optimizer's step. bench/train_pytorch.py is the PyTorch twin, step for step.
 */
final class TrainBench {
    private TrainBench() {}

    static final String HELP = """
            usage: latent4j bench train [--cases vae16,vae128,iwae,iwae-dreg,vae-stl,cat-gumbel,...,wae,...,sae,sae-auxk,vqvae-mlp,vqvae-conv] [--threads N] [--steps N]
                                        [--repeat 5] [--json FILE]
              Cases (Adam lr 1e-3; all of them by default):
                vae16       VAE 784-512-256-32 tanh (log-variance head), Bernoulli, batch 16 (Glorot init)
                vae128      VAE 784-512-256-32 tanh (log-variance head), Bernoulli, batch 128
                iwae        IWAE 784-200-200-50 tanh (std = exp(linear)), Bernoulli, k = 50, batch 20
                iwae-dreg   the same trained with DReG (--estimator dreg)
                vae-stl     vae128 trained with sticking the landing (--estimator stl)
                cat-gumbel, cat-gumbel-st, cat-reinforce, cat-nvil, cat-vimco
                            categorical-vae of the discrete bench: 20 groups of 10 categories, 784-256-200 relu encoder,
                            200-256-784 decoder, Bernoulli, batch 100, --estimator gumbel, gumbel-st, reinforce, nvil
                            (its baseline network 784-100-1 tanh trains too) or vimco (k = 5); the temperature stays
                            at its initial 1 (the benchmark's step counter does not advance)
                wae, swae, info-vae, unscented-ae, ard-vae, ae-vicreg
                            the objectives beyond the KL on the networks of bench/objectives.sh: 784-512-256-16 relu
                            (a Gaussian encoder's head 2 x 16: mean, log-variance), decoder its mirror, Bernoulli,
                            batch 128, each kind's defaults: wae the MMD (IMQ over 7 scales of 2 d) to as many N(0, I)
                            draws, lambda 10; swae 50 random directions, lambda 10; info-vae k = 1, alpha 1, lambda 1000
                            (the MMD of the draws z ~ q, no KL term); unscented-ae one of the 2d + 1 sigma points per
                            row, weight 1; ard-vae the prior's variances fitted per batch; ae-vicreg the plain
                            autoencoder with VICReg's variance (25) and covariance (1) terms, the paper's weights
                sae         top-k sparse autoencoder (topk-sae) 784 -> 4096 latents, k = 32, batch 256, on the pixel
                            intensities; dead window 10M rows, so no latent dies within the benchmark (AuxK idle)
                sae-auxk    the same with a dead window of 1 row: every latent not firing in the batch is dead, and
                            AuxK decodes the error from 512 of them a row at every step (its most expensive case)
                vqvae-mlp   VQ-VAE 784-512-256-64 relu, one code of 64 from K = 512 (L2, straight-through, codebook and
                            commitment losses), Gaussian sigma 0.1 on the intensities, batch 64
                vqvae-conv  VQ-VAE conv 1-32-64 (4x4 stride 2) -> 1x1 to 64, a 7x7 grid of codes from K = 512, transposed
                            convolutions back, Gaussian sigma 0.1, batch 64
              One step, inside a workspace scope: binarize the batch for a Bernoulli model (a Bernoulli sample of
              the pixel intensities), the model's own loss (forward), backward, the model's hooks around the
              Adam update. Reports examples/s (median of --repeat rounds of --steps steps; default steps per
              case 100, 30, 30, 30, 30, 100 for each categorical case but 50 for cat-vimco, 50 for each objective case, 50, 50, 100, 30) and heap bytes allocated per step. For IWAE an example is one image,
              whatever k. The models are initialised (initialise: output bias, SAE pre-bias, k-means codebook) on the
              first 2,048 images, as training does.
            """;

    /** The data every case trains on: Fashion-MNIST's 28x28 images, 10 classes, intensities in [0, 1]. */
    static final DataShape SHAPE = new DataShape(784, new int[] {28, 28}, 10, true);

    /**
     * One benchmark configuration: a registered model kind and its command-line options.
     *
     * @param binarize whether batches are Bernoulli samples of the intensities (for a Bernoulli likelihood)
     */
    record Case(String name, String description, String kind, Map<String, String> options, boolean binarize, int batch, int defaultSteps) {
        LatentModel create(Rng rng) {
            ModelKind<?> k = ModelKinds.get(kind);
            return k.createFrom(k.configure(new OptionValues("bench train " + name, options), SHAPE), rng);
        }
    }

    static final Map<String, Case> CASES = new LinkedHashMap<>();

    /** The estimators of the categorical cases, "cat-" + name: those the discrete bench (bench/discrete-estimators.sh) trains. */
    static final String[] DISCRETE_ESTIMATORS = {"gumbel", "gumbel-st", "reinforce", "nvil", "vimco"};

    /** The networks of the objective cases: bench/objectives.sh's (its kinds' defaults for data in [0, 1]). */
    static final String[] NETWORK = {"latent", "16", "hidden", "512,256", "activation", "relu", "likelihood", "bernoulli"};

    /** The objective cases: name (the kind's, but ae-vicreg), description, and the options beyond {@link #NETWORK}. */
    static final String[][] OBJECTIVES = {
            {"wae", "WAE-MMD 784-512-256-16 relu, IMQ, lambda 10, b128"},
            {"swae", "SWAE 784-512-256-16 relu, L=50, lambda 10, b128"},
            {"info-vae", "InfoVAE (MMD-VAE) 784-512-256-16, lambda 1000, b128"},
            {"unscented-ae", "UAE 784-512-256-16 relu, 1 sigma point, b128"},
            {"ard-vae", "ARD-VAE 784-512-256-16 relu, b128"},
            {"ae-vicreg", "AE 784-512-256-16 relu, VICReg 25/1, b128", "vicreg-variance", "25", "vicreg-covariance", "1"}};

    private static void register(String name, String description, String kind, boolean binarize, int batch, int defaultSteps, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < options.length; i += 2) o.put(options[i], options[i + 1]);
        CASES.put(name, new Case(name, description, kind, o, binarize, batch, defaultSteps));
    }

    static {
        register("vae16", "VAE 784-512-256-32 tanh, batch 16", "vae", true, 16, 100, "latent", "32", "hidden", "512,256", "activation", "tanh");
        register("vae128", "VAE 784-512-256-32 tanh, batch 128", "vae", true, 128, 30, "latent", "32", "hidden", "512,256", "activation", "tanh");
        register("iwae", "IWAE 784-200-200-50 tanh, k=50, batch 20", "iwae", true, 20, 30, "latent", "50", "hidden", "200,200", "activation", "tanh",
                "posterior", "log-std", "k", "50");
        register("iwae-dreg", "IWAE 784-200-200-50 tanh, k=50, batch 20, DReG", "iwae", true, 20, 30, "latent", "50", "hidden", "200,200", "activation",
                "tanh", "posterior", "log-std", "k", "50", "estimator", "dreg");
        register("vae-stl", "VAE 784-512-256-32 tanh, batch 128, STL", "vae", true, 128, 30, "latent", "32", "hidden", "512,256", "activation", "tanh",
                "estimator", "stl");
        for (String e : DISCRETE_ESTIMATORS) {
            int k = e.equals("vimco") ? 5 : 1;
            register("cat-" + e, "categorical 20x10 784-256-200 b100 " + e + (k > 1 ? " k=" + k : ""), "categorical-vae", true, 100,
                    k > 1 ? 50 : 100, "groups", "20", "categories", "10", "hidden", "256", "activation", "relu", "likelihood", "bernoulli", "estimator", e,
                    "k", Integer.toString(k));
        }
        // the objectives beyond the KL on the networks of bench/objectives.sh, each kind with its documented defaults
        for (String[] o : OBJECTIVES) {
            String[] options = new String[NETWORK.length + o.length - 2];
            System.arraycopy(NETWORK, 0, options, 0, NETWORK.length);
            System.arraycopy(o, 2, options, NETWORK.length, o.length - 2);
            register(o[0], o[1], o[0].equals("ae-vicreg") ? "ae" : o[0], true, 128, 50, options);
        }
        register("sae", "top-k SAE 784-4096, k=32, batch 256", "topk-sae", false, 256, 50, "latents", "4096", "sparsity-k", "32", "dead-tokens",
                "10000000");
        register("sae-auxk", "top-k SAE 784-4096, k=32, AuxK 512, batch 256", "topk-sae", false, 256, 50, "latents", "4096", "sparsity-k", "32",
                "dead-tokens", "1");
        register("vqvae-mlp", "VQ-VAE 784-512-256-64 relu, K=512, batch 64", "vq-vae", false, 64, 100, "hidden", "512,256", "code-dim", "64",
                "codebook-size", "512");
        register("vqvae-conv", "VQ-VAE conv 32,64, 7x7x64, K=512, batch 64", "vq-vae", false, 64, 30, "arch", "conv", "code-dim", "64",
                "codebook-size", "512");
    }

    /** What one case measured. */
    record Result(Case c, double stepsPerSecond, double[] rates, double bytesPerStep, int steps) {
        double examplesPerSecond() {
            return stepsPerSecond * c.batch();
        }
    }

    static int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("bench train", args, Set.of(), Set.of("cases", "threads", "steps", "repeat", "json"));
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int steps = o.has("steps") ? o.integer("steps", 100, 1, 1_000_000) : -1;
        int repeat = o.integer("repeat", 5, 1, 1000);
        String[] names = o.string("cases", String.join(",", CASES.keySet())).split(",");
        for (String n : names) {
            if (!CASES.containsKey(n)) throw new UsageException("bench train: unknown case '" + n + "' (one of " + String.join(", ", CASES.keySet()) + ")");
        }
        Parallel.setThreads(threads);
        Dataset data = FashionMnist.embedded();

        System.out.printf(Locale.ROOT, "latent4j bench train: %d thread(s), %s; data %s (dynamically binarized for the Bernoulli cases)%n",
                threads, Kernels.describe(), data);
        Map<String, Object> json = BenchReport.results("benchmark", "train", "threads", threads, "kernels", Kernels.describe(), "data", data.name());
        for (String n : names) {
            Result r = measure(CASES.get(n), data, steps > 0 ? steps : CASES.get(n).defaultSteps(), repeat);
            System.out.printf(Locale.ROOT, "  %-13s %-46s %9.0f examples/s  %8.1f steps/s  (min %.1f, max %.1f)  %10.0f bytes/step%n",
                    n, r.c().description(), r.examplesPerSecond(), r.stepsPerSecond(),
                    Arrays.stream(r.rates()).min().orElse(0), Arrays.stream(r.rates()).max().orElse(0), r.bytesPerStep());
            json.put(n, BenchReport.results("description", r.c().description(), "batch", r.c().batch(), "steps_per_round", r.steps(),
                    "rounds", repeat, "steps_per_second", r.stepsPerSecond(), "samples_per_second", r.examplesPerSecond(),
                    "bytes_per_step", r.bytesPerStep(), "rates", r.rates()));
        }
        System.out.println("  (examples/s: median of " + repeat + " rounds after a warm-up; bytes/step: heap allocated per step, all engine threads)");
        if (o.has("json")) BenchReport.write(java.nio.file.Path.of(o.string("json", null)), json);
        return 0;
    }

    static Result measure(Case c, Dataset data, int steps, int repeat) {
        Rng rng = new Rng(42);
        LatentModel model = c.create(rng);
        model.initialise(TrainingData.of(data.features().slice(0, 0, Math.min(data.size(), 2048)).contiguous()), rng.fork(1));
        Adam adam = new Adam(model.parameters(), AdamOptions.DEFAULTS);
        Batches batches = data.batches(c.batch(), true);
        Workspace ws = new Workspace();
        TrainingProgress progress = new TrainingProgress(0, 0, batches.count());
        Iterator<Batches.Minibatch>[] it = new Iterator[] {batches.sequential().iterator()};
        Runnable step = () -> {
            if (!it[0].hasNext()) it[0] = batches.sequential().iterator();
            Tensor pixels = it[0].next().features();
            try (var s = ws.open()) {
                adam.zeroGrad();
                Tensor x = c.binarize() ? rng.bernoulli(pixels) : pixels;
                LossResult r = model.loss(Batch.of(x), progress, rng);
                r.loss().backward();
                StepContext context = new StepContext(r, progress, rng, adam.learningRate());
                model.beforeOptimizerStep(context);
                adam.step();
                model.afterOptimizerStep(context);
            }
        };
        BenchReport.StepTiming timing = BenchReport.timeSteps(step, Math.max(20, steps / 4), steps, repeat);
        return new Result(c, timing.median(), timing.rates(), timing.bytesPerStep(), steps);
    }
}
