package org.latent4j.cli.bench;

import org.latent4j.cli.Command;
import org.latent4j.cli.UsageException;

/** {@code latent4j bench gemm|mlp}: the engine's benchmarks. */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks of the engine: gemm (GFLOPS), mlp (training steps/s, bytes/step)";
    }

    @Override
    public String help() {
        return """
                usage: latent4j bench gemm [--sizes 256,512,1024,2048] [--shapes square,skinny] [--threads N] [--repeat R] [--json FILE]
                       latent4j bench mlp  [--batch 128] [--threads N] [--steps N] [--json FILE]
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UsageException("bench: name a benchmark: gemm or mlp (see latent4j bench --help)");
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "gemm" -> GemmBench.run(rest);
            case "mlp" -> MlpBench.run(rest);
            default -> throw new UsageException("bench: unknown benchmark '" + args[0] + "' (gemm or mlp)");
        };
    }
}
