package org.latent4j.compress.flat;

import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/** Token {@code Flat}: no compression, the float32 vector itself (4d bytes); the exact baseline of an eval table. */
public final class FlatKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public FlatKind() {}

    @Override
    public String name() {
        return "Flat";
    }

    @Override
    public String syntax() {
        return "Flat";
    }

    @Override
    public String summary() {
        return "the float32 vector itself, 4 bytes a dimension: exact search, the baseline";
    }

    @Override
    public String example() {
        return "Flat";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.equals("Flat");
    }

    @Override
    public void validate(String token, int dimension) {
        if (!accepts(token)) throw new IllegalArgumentException("compressor '" + token + "' is not Flat");
        if (dimension < 1) throw new IllegalArgumentException("compressor 'Flat' needs vectors of at least one dimension, got " + dimension);
        if (dimension > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("compressor 'Flat': " + dimension + " dimensions are too many for one code");
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Compressors.requireRows(train, -1, "Flat fit");
        validate(token, train.dim(1));
        return new FlatCompressor(train.dim(1));
    }

    @Override
    public Stage load(StageState state) {
        validate(state.token(), 1);
        Tensor d = state.tensor("dimension");
        float v = d.size() == 1 ? d.contiguous().toArray()[0] : -1;
        if (!(v >= 1) || v != Math.rint(v) || v > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("stage Flat: array 'dimension' must hold one positive whole number, got shape "
                    + java.util.Arrays.toString(d.shape()));
        }
        return new FlatCompressor((int) v);
    }
}
