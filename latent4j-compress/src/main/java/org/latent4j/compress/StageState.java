package org.latent4j.compress;

import java.util.Map;
import java.util.Objects;
import org.latent4j.tensor.Tensor;

/**
 * A fitted stage as stored: the name of its {@link CompressorKind}, its canonical token, a JSON object of
 * settings the token does not carry ({@code "{}"} when none), and its arrays by name (centroids, rotation,
 * ranges...). Integer-valued arrays are stored as float tensors holding whole numbers below 2^24.
 */
public record StageState(String kind, String token, String config, Map<String, Tensor> tensors) {
    public StageState {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(token, "token");
        config = config == null || config.isBlank() ? "{}" : config;
        tensors = Map.copyOf(tensors);
    }

    /** The array of that name, or a {@link IllegalArgumentException} naming the stage and the missing array. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("stage " + token + " has no array '" + name + "' (has " + tensors.keySet() + ")");
        return t;
    }
}
