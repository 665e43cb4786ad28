package org.latent4j.cli.bench;

/** MLP training-step benchmark (placeholder until the GEMM work lands). */
final class MlpBench {
    private MlpBench() {}

    static int run(String[] args) {
        throw new org.latent4j.cli.UsageException("bench mlp: not implemented yet");
    }
}
