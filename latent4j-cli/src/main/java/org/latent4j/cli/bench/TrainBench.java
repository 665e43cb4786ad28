package org.latent4j.cli.bench;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.core.data.Batches;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j bench train}: full training steps of the real {@link Vae} and {@link Iwae} models on
 * dynamically binarized Fashion-MNIST (the embedded 10k split, taken in order, batch after batch), timed
 * after a warm-up; reports training examples per second (median of rounds) and heap bytes per step.
 * bench/train_pytorch.py is the PyTorch twin, step for step.
 */
final class TrainBench {
    private TrainBench() {}

    static final String HELP = """
            usage: latent4j bench train [--cases vae16,vae128,iwae] [--threads N] [--steps N] [--repeat 5] [--json FILE]
              Cases (tanh hidden layers, Bernoulli likelihood, Glorot init, Adam lr 1e-3):
                vae16   VAE 784-512-256-32 (log-variance head), batch 16
                vae128  VAE 784-512-256-32 (log-variance head), batch 128
                iwae    IWAE 784-200-200-50 (std = exp(linear)), k = 50, batch 20
              One step, inside a workspace scope: binarize the batch (Bernoulli of the pixel intensities),
              the model's own loss (forward), backward, Adam update.
              Reports examples/s (median of --repeat rounds of --steps steps; default steps per case
              100, 30, 30) and heap bytes allocated per step. For IWAE an example is one image, whatever k.
            """;

    /** One benchmark configuration. */
    record Case(String name, String description, VaeConfig config, boolean importanceWeighted, int batch, int defaultSteps) {
        LatentModel create(Rng rng) {
            return importanceWeighted ? new Iwae(config, rng) : new Vae(config, rng);
        }
    }

    static final Map<String, Case> CASES = new LinkedHashMap<>();

    static {
        VaeConfig vae = VaeConfig.of(784, 32).withHidden(List.of(512, 256)).withActivation(Activation.TANH);
        VaeConfig iwae = VaeConfig.of(784, 50).withHidden(List.of(200, 200)).withActivation(Activation.TANH)
                .withPosterior(PosteriorParameterisation.LOG_STD).withSamples(50);
        CASES.put("vae16", new Case("vae16", "VAE 784-512-256-32 tanh, batch 16", vae, false, 16, 100));
        CASES.put("vae128", new Case("vae128", "VAE 784-512-256-32 tanh, batch 128", vae, false, 128, 30));
        CASES.put("iwae", new Case("iwae", "IWAE 784-200-200-50 tanh, k=50, batch 20", iwae, true, 20, 30));
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

        System.out.printf(Locale.ROOT, "latent4j bench train: %d thread(s), %s; data %s, dynamically binarized%n",
                threads, Kernels.describe(), data);
        Map<String, Object> json = BenchReport.results("benchmark", "train", "threads", threads, "kernels", Kernels.describe(), "data", data.name());
        for (String n : names) {
            Result r = measure(CASES.get(n), data, steps > 0 ? steps : CASES.get(n).defaultSteps(), repeat);
            System.out.printf(Locale.ROOT, "  %-7s %-42s %9.0f examples/s  %8.1f steps/s  (min %.1f, max %.1f)  %10.0f bytes/step%n",
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
                Tensor x = rng.bernoulli(pixels);
                Tensor loss = model.loss(Batch.of(x), progress, rng).loss();
                loss.backward();
                adam.step();
            }
        };
        BenchReport.StepTiming timing = BenchReport.timeSteps(step, Math.max(20, steps / 4), steps, repeat);
        return new Result(c, timing.median(), timing.rates(), timing.bytesPerStep(), steps);
    }
}
