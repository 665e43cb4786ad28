package org.latent4j.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j bench mlp}: one training step of an MLP (forward, backward, Adam) repeated; reports
 * steps per second (median of several timed rounds) and bytes allocated on the heap per step. The step
 * runs inside a {@link Workspace} scope, as a trainer does, so buffers are reused from the second step on.
 */
final class MlpBench {
    private MlpBench() {}

    static final String HELP = """
            usage: latent4j bench mlp [--batch 128] [--layers 784,512,256,784] [--threads N]
                                      [--steps 100] [--repeat 5] [--warmup 200] [--json FILE]
              One step = forward (affine + ReLU layers, Bernoulli logits), binary cross-entropy summed
              over features and averaged over the batch, backward, and an Adam update.
              Reports steps/s (median of --repeat rounds of --steps steps) and heap bytes allocated per step.
            """;

    static int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("bench mlp", args, Set.of(), Set.of("batch", "layers", "threads", "steps", "repeat", "warmup", "json"));
        int batch = o.integer("batch", 128, 1, 1 << 16);
        int[] layers = o.integers("layers", new int[] {784, 512, 256, 784}, 1, 1 << 16);
        if (layers.length < 2) throw new org.latent4j.cli.UsageException("bench mlp: --layers needs at least two sizes (input and output)");
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int steps = o.integer("steps", 100, 1, 1_000_000);
        int repeat = o.integer("repeat", 5, 1, 1000);
        // Long enough for C2 to compile the vector kernels: before that the Vector API boxes vectors on
        // the heap, which would be counted as the step's allocation.
        int warmup = o.integer("warmup", 200, 0, 1_000_000);
        Parallel.setThreads(threads);

        Rng rng = new Rng(42);
        List<Tensor> params = new ArrayList<>();
        Tensor[] w = new Tensor[layers.length - 1];
        Tensor[] b = new Tensor[layers.length - 1];
        for (int i = 0; i < w.length; i++) {
            w[i] = Initializer.heUniform().fill(Tensor.persistentZeros(layers[i], layers[i + 1]), layers[i], layers[i + 1], rng).requiresGrad(true);
            b[i] = Tensor.persistentZeros(layers[i + 1]).requiresGrad(true);
            params.add(w[i]);
            params.add(b[i]);
        }
        Tensor x = rng.uniform(0f, 1f, batch, layers[0]);
        Tensor target = rng.bernoulli(Tensor.full(0.5f, batch, layers[layers.length - 1]));
        Adam adam = new Adam(params, AdamOptions.DEFAULTS);
        Workspace ws = new Workspace();

        Runnable step = () -> {
            try (var s = ws.open()) {
                adam.zeroGrad();
                Tensor h = x;
                for (int i = 0; i < w.length; i++) {
                    h = h.matmul(w[i]).add(b[i]);
                    if (i < w.length - 1) h = h.relu();
                }
                Tensor loss = h.bceWithLogits(target).sum().mul(1f / batch);
                loss.backward();
                adam.step();
            }
        };
        BenchReport.StepTiming timing = BenchReport.timeSteps(step, warmup, steps, repeat);
        double[] rates = timing.rates();
        double median = timing.median();
        double bytesPerStep = timing.bytesPerStep();
        double flops = 0;
        for (int i = 0; i < w.length; i++) flops += 2.0 * batch * layers[i] * layers[i + 1];
        flops *= 3; // forward, and the two products of the backward
        long bufferBytes = 0;
        for (Tensor p : params) bufferBytes += 4L * p.size();

        System.out.printf(Locale.ROOT, "latent4j bench mlp: layers %s, batch %d, %d thread(s), %s%n",
                Arrays.toString(layers), batch, threads, Kernels.describe());
        System.out.printf(Locale.ROOT, "  steps/s          %10.1f   (median of %d rounds of %d steps; min %.1f, max %.1f)%n",
                median, repeat, steps, Arrays.stream(rates).min().orElse(0), Arrays.stream(rates).max().orElse(0));
        System.out.printf(Locale.ROOT, "  samples/s        %10.0f%n", median * batch);
        System.out.printf(Locale.ROOT, "  GFLOPS (matmul)  %10.1f%n", median * flops / 1e9);
        System.out.printf(Locale.ROOT, "  bytes/step       %10.0f   (heap allocated per step, all engine threads; parameters hold %d bytes)%n",
                bytesPerStep, bufferBytes);
        if (o.has("json")) {
            BenchReport.write(java.nio.file.Path.of(o.string("json", null)), BenchReport.results("benchmark", "mlp", "layers", Arrays.toString(layers),
                    "batch", batch, "threads", threads, "kernels", Kernels.describe(), "steps_per_second", median,
                    "samples_per_second", median * batch, "bytes_per_step", bytesPerStep, "rates", rates));
        }
        return 0;
    }
}
