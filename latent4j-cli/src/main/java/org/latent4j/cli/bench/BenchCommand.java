package org.latent4j.cli.bench;

import org.latent4j.cli.Command;
import org.latent4j.cli.UsageException;

/** {@code latent4j bench gemm|nearest-code|adc|mlp|conv|train|iwae-protocol|compress}: the engine's and the models' benchmarks. */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: gemm (GFLOPS), nearest-code (vectors/s), adc (queries/s over codes), mlp, conv and train (training samples/s, bytes/step), iwae-protocol (VAE vs IWAE), compress (vector compressors: fit, encode, search, recall)";
    }

    @Override
    public String help() {
        return """
                usage: latent4j bench gemm [--sizes 256,512,1024,2048] [--shapes square,skinny,iwae] [--threads N] [--repeat R] [--json FILE]
                       latent4j bench gemm --serve [--threads N]   (answers each "OP m n k" line on stdin with the GFLOPS of one timed run)
                       latent4j bench nearest-code [--d 64] [--codes 256,1024,4096,16384,65536] [--threads N] [--repeat R] [--json FILE]
                       latent4j bench nearest-code --serve [--d 64] [--codes ...] [--threads N]   (answers each "d K n" line with vectors/s)
                       latent4j bench adc [--n 60000] [--m 8,16,32,64] [--queries 1000] [--k 10] [--threads N] [--repeat R] [--json FILE]
                       latent4j bench conv [--batch 64] [--dim 64] [--head-kernel 3] [--threads N] [--steps N] [--repeat R] [--warmup W] [--json FILE]
                       latent4j bench mlp  [--batch 128] [--layers 784,512,256,784] [--threads N] [--steps N] [--repeat R] [--warmup W] [--json FILE]
                       latent4j bench train [--cases vae16,vae128,iwae,sae,sae-auxk] [--threads N] [--steps N] [--repeat R] [--json FILE]
                       latent4j bench iwae-protocol [--epochs E] [--nll-k K] [--limit N] [--threads N] [--json FILE]
                       latent4j bench compress [--specs 'PQ16;OPQ16,PQ16'] [--base FILE --queries FILE] [--threads N] [--rounds R] [--json FILE]
                       latent4j bench compress --serve [--base FILE --queries FILE] [--threads N]   (answers each spec line with JSON)
                       latent4j bench latent-means RUN --out DIR   (a model's posterior means of Fashion-MNIST, compress's second data set)

                """ + NearestCodeBench.HELP.lines().skip(2).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench nearest-code:\n", "\n"))
                + AdcBench.HELP.lines().skip(1).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench adc:\n", "\n"))
                + ConvBench.HELP.lines().skip(2).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench conv:\n", "\n"))
                + TrainBench.HELP.lines().skip(1).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench train:\n", "\n"))
                + IwaeProtocolBench.HELP.lines().skip(2).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench iwae-protocol (also --eval N, --data, --seed):\n", "\n"))
                + CompressBench.HELP.lines().skip(2).map(l -> l + "\n").collect(java.util.stream.Collectors.joining("", "bench compress:\n", ""));
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UsageException("bench: name a benchmark: gemm, nearest-code, adc, mlp, conv, train, iwae-protocol or compress (see latent4j bench --help)");
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "gemm" -> GemmBench.run(rest);
            case "nearest-code" -> NearestCodeBench.run(rest);
            case "adc" -> AdcBench.run(rest);
            case "mlp" -> MlpBench.run(rest);
            case "conv" -> ConvBench.run(rest);
            case "train" -> TrainBench.run(rest);
            case "iwae-protocol" -> IwaeProtocolBench.run(rest);
            case "compress" -> CompressBench.run(rest);
            case "latent-means" -> LatentMeansExport.run(rest);
            default -> throw new UsageException("bench: unknown benchmark '" + args[0] + "' (gemm, nearest-code, adc, mlp, conv, train, iwae-protocol or compress)");
        };
    }
}
