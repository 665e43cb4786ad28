package org.latent4j.compress.scalar;

import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/**
 * Tokens {@code SQ8} and {@code SQ4}: per-dimension uniform scalar quantization between the training rows'
 * minimum and maximum of each dimension (see {@link ScalarQuantizer}).
 */
public final class ScalarQuantizerKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public ScalarQuantizerKind() {}

    @Override
    public String name() {
        return "SQ";
    }

    @Override
    public String syntax() {
        return "SQ<nbits>";
    }

    @Override
    public String summary() {
        return "scalar quantization, nbits 8 (a byte a dimension) or 4 (two dimensions a byte), uniform levels between each dimension's training min and max";
    }

    @Override
    public String example() {
        return "SQ8";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.matches("SQ[0-9]+");
    }

    static int bits(String token) {
        if (!token.matches("SQ[0-9]{1,3}")) throw new IllegalArgumentException("compressor '" + token + "' is not SQ<nbits> (SQ8 or SQ4)");
        int bits = Integer.parseInt(token.substring(2));
        if (bits != 8 && bits != 4) throw new IllegalArgumentException("compressor '" + token + "': SQ takes 8 or 4 bits a dimension, not " + bits);
        return bits;
    }

    @Override
    public void validate(String token, int dimension) {
        bits(token);
        if (dimension < 1) throw new IllegalArgumentException("compressor '" + token + "' needs vectors of at least one dimension, got " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Compressors.requireRows(train, -1, token + " fit");
        validate(token, train.dim(1));
        return ScalarQuantizer.fit(bits(token), train);
    }

    @Override
    public Stage load(StageState state) {
        return ScalarQuantizer.load(bits(state.token()), state);
    }
}
