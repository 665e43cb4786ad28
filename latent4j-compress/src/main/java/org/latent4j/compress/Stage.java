package org.latent4j.compress;

/**
 * One fitted element of a compression spec: a {@link VectorTransform} (PCA, OPQ's rotation) or the
 * {@link Compressor} that ends the spec and produces the codes. {@link CompressorKind#fit} makes stages;
 * {@link #state()} is what the codes file stores so that {@link CompressorKind#load} makes the same stage again.
 */
public sealed interface Stage permits VectorTransform, Compressor {
    /** {@return the canonical spec token of this stage, with every default spelled out ({@code PQ16x8}, not {@code PQ16})} */
    String token();

    /** {@return the dimension of the vectors this stage takes} */
    int dimension();

    /** {@return everything needed to rebuild this stage: its kind, token, a JSON config and its named arrays} */
    StageState state();
}
