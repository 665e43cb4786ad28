package org.latent4j.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.ops.Conv2dGeometry;
import org.latent4j.tensor.ops.ConvOps;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j bench conv}: forward and backward of the conv VQ-VAE's encoder and decoder layers
 * (without the quantizer) on 28 x 28 images, as {@code bench/conv_pytorch.py} runs them in PyTorch;
 * reports steps per second and heap bytes allocated per step.
 */
final class ConvBench {
    private ConvBench() {}

    static final String HELP = """
            usage: latent4j bench conv [--batch 64] [--dim 64] [--head-kernel 3] [--threads N]
                                       [--steps 50] [--repeat 5] [--warmup 20] [--json FILE]
              One step = zero the gradients, forward, squared-error loss against the input (summed, divided
              by the batch), backward; no optimizer update. The layers (ReLU between them, none after the
              encoder head and the output):
                Conv(1->32, k4 s2 p1) 28->14, Conv(32->64, k4 s2 p1) 14->7, Conv(64->D, k p=k/2) 7x7,
                Conv(D->64, k p=k/2) 7x7, ConvTranspose(64->32, k4 s2 p1) 7->14, ConvTranspose(32->1, k4 s2 p1) 14->28
              with D = --dim and k = --head-kernel (1 or 3). Reports steps/s (median of --repeat rounds of
              --steps steps, after at least 5 s of warm-up) and heap bytes allocated per step.
            """;

    /** One layer: its weight in PyTorch's layout, its bias, geometry, and whether it is transposed. */
    private record Layer(Tensor weight, Tensor bias, Conv2dGeometry g, boolean transposed, boolean relu) {
        Tensor apply(Tensor x) {
            Tensor y = transposed ? ConvOps.convTranspose2d(x, weight, bias, g) : ConvOps.conv2d(x, weight, bias, g);
            return relu ? y.relu() : y;
        }

        /** Multiply-adds of the forward for a batch of images of the given input size. */
        long forwardMacs(int batch, int inH, int inW) {
            int kk = weight.dim(2) * weight.dim(3);
            // a convolution does (out pixels) x O x C x kk, its transpose (in pixels) x C x O x kk
            if (transposed) return (long) batch * inH * inW * weight.dim(0) * weight.dim(1) * kk;
            int oh = (inH + 2 * g.paddingH() - weight.dim(2)) / g.strideH() + 1;
            int ow = (inW + 2 * g.paddingW() - weight.dim(3)) / g.strideW() + 1;
            return (long) batch * oh * ow * weight.dim(0) * weight.dim(1) * kk;
        }
    }

    static int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("bench conv", args, Set.of(),
                Set.of("batch", "dim", "head-kernel", "threads", "steps", "repeat", "warmup", "json"));
        int batch = o.integer("batch", 64, 1, 1 << 14);
        int dim = o.integer("dim", 64, 1, 4096);
        int head = o.integer("head-kernel", 3, 1, 3);
        if (head == 2) throw new UsageException("bench conv: --head-kernel must be 1 or 3, got 2");
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int steps = o.integer("steps", 50, 1, 1_000_000);
        int repeat = o.integer("repeat", 5, 1, 1000);
        int warmup = o.integer("warmup", 20, 0, 1_000_000);
        Parallel.setThreads(threads);

        Rng rng = new Rng(42);
        Conv2dGeometry down = Conv2dGeometry.of(2, 1), same = Conv2dGeometry.of(1, head / 2);
        List<Layer> layers = List.of(
                layer(rng, false, 1, 32, 4, down, true),
                layer(rng, false, 32, 64, 4, down, true),
                layer(rng, false, 64, dim, head, same, false),
                layer(rng, false, dim, 64, head, same, true),
                layer(rng, true, 64, 32, 4, down, true),
                layer(rng, true, 32, 1, 4, down, false));
        List<Tensor> params = new ArrayList<>();
        for (Layer l : layers) {
            params.add(l.weight);
            params.add(l.bias);
        }
        Tensor x = rng.uniform(0f, 1f, batch, 1, 28, 28);
        Workspace ws = new Workspace();

        Runnable step = () -> {
            try (var s = ws.open()) {
                for (Tensor p : params) p.zeroGrad();
                Tensor h = x;
                for (Layer l : layers) h = l.apply(h);
                Tensor loss = h.sub(x).square().sum().mul(1f / batch);
                loss.backward();
            }
        };
        BenchReport.StepTiming timing = BenchReport.timeSteps(step, warmup, steps, repeat);
        double[] rates = timing.rates();
        double median = timing.median();
        long macs = 0;
        int[] sizes = {28, 14, 7, 7, 7, 14};
        for (int i = 0; i < layers.size(); i++) macs += layers.get(i).forwardMacs(batch, sizes[i], sizes[i]);
        // forward, and in the backward the input gradient (but not of the first layer) and the weight gradient
        long stepFlops = 2 * (3 * macs - layers.get(0).forwardMacs(batch, 28, 28));

        System.out.printf(Locale.ROOT, "latent4j bench conv: batch %d, D %d, head kernel %d, %d thread(s), %s%n",
                batch, dim, head, threads, Kernels.describe());
        System.out.printf(Locale.ROOT, "  steps/s          %10.2f   (median of %d rounds of %d steps; min %.2f, max %.2f)%n",
                median, repeat, steps, Arrays.stream(rates).min().orElse(0), Arrays.stream(rates).max().orElse(0));
        System.out.printf(Locale.ROOT, "  samples/s        %10.0f%n", median * batch);
        System.out.printf(Locale.ROOT, "  GFLOPS (conv)    %10.1f   (%.2f GFLOP a step)%n", median * stepFlops / 1e9, stepFlops / 1e9);
        System.out.printf(Locale.ROOT, "  bytes/step       %10.0f   (heap allocated per step, all engine threads)%n", timing.bytesPerStep());
        if (o.has("json")) {
            BenchReport.write(java.nio.file.Path.of(o.string("json", null)), BenchReport.results("benchmark", "conv", "batch", batch, "dim", dim,
                    "head_kernel", head, "threads", threads, "kernels", Kernels.describe(), "steps_per_second", median,
                    "samples_per_second", median * batch, "bytes_per_step", timing.bytesPerStep(), "rates", rates));
        }
        return 0;
    }

    /** Weights uniform in +-1/sqrt(fan in), as PyTorch initializes them by default; biases likewise. */
    private static Layer layer(Rng rng, boolean transposed, int in, int out, int k, Conv2dGeometry g, boolean relu) {
        int[] shape = transposed ? new int[] {in, out, k, k} : new int[] {out, in, k, k};
        int fanIn = (transposed ? out : in) * k * k;
        float bound = (float) (1 / Math.sqrt(fanIn));
        Tensor w = rng.uniform(-bound, bound, shape);
        Tensor b = rng.uniform(-bound, bound, out);
        return new Layer(w.requiresGrad(true), b.requiresGrad(true), g, transposed, relu);
    }
}
