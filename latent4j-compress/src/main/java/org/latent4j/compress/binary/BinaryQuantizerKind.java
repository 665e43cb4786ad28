package org.latent4j.compress.binary;

import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/**
 * Tokens {@code BIN} (one bit a dimension: x_j > 0) and {@code BINC} (centred: x_j > the training mean of
 * dimension j). See {@link BinaryQuantizer} for the decoding and the asymmetric search.
 */
public final class BinaryQuantizerKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public BinaryQuantizerKind() {}

    @Override
    public String name() {
        return "BIN";
    }

    @Override
    public String syntax() {
        return "BIN | BINC";
    }

    @Override
    public String summary() {
        return "binary quantization, one bit a dimension (ceil(d/8) bytes): BIN thresholds at 0, BINC at the training mean; "
                + "searched asymmetrically (exact query against the decoded two-level vector)";
    }

    @Override
    public String example() {
        return "BINC";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.equals("BIN") || token.equals("BINC");
    }

    @Override
    public void validate(String token, int dimension) {
        if (!accepts(token)) throw new IllegalArgumentException("compressor '" + token + "' is not BIN or BINC");
        if (dimension < 1) throw new IllegalArgumentException("compressor '" + token + "' needs vectors of at least one dimension, got " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Compressors.requireRows(train, -1, token + " fit");
        validate(token, train.dim(1));
        return BinaryQuantizer.fit(token.equals("BINC"), train);
    }

    @Override
    public Stage load(StageState state) {
        validate(state.token(), 1);
        return BinaryQuantizer.load(state.token().equals("BINC"), state);
    }
}
