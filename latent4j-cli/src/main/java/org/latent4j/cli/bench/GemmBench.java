package org.latent4j.cli.bench;

/** GEMM throughput benchmark (placeholder until the GEMM work lands). */
final class GemmBench {
    private GemmBench() {}

    static int run(String[] args) {
        throw new org.latent4j.cli.UsageException("bench gemm: not implemented yet");
    }
}
