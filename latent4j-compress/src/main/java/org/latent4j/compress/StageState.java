package org.latent4j.compress;

import java.util.Map;
import java.util.Objects;
import org.latent4j.tensor.Tensor;

/**
 * A fitted stage as stored: the name of its {@link CompressorKind}, its canonical token, a JSON object of
 * settings the token does not carry ({@code "{}"} when none), and its arrays by name (centroids, rotation,
 * ranges...). Integer-valued arrays are stored as float tensors holding whole numbers below 2^24.
 *
 * @param kind    the {@link CompressorKind#name()} that loads it
 * @param token   the stage's canonical token
 * @param config  a JSON object of the settings its token does not carry; null or blank reads as {@code "{}"}
 * @param tensors the stage's arrays by name (copied)
 */
public record StageState(String kind, String token, String config, Map<String, Tensor> tensors) {
    /** Requires the kind and the token; the map is copied. */
    public StageState {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(token, "token");
        config = config == null || config.isBlank() ? "{}" : config;
        tensors = Map.copyOf(tensors);
    }

    /**
     * One of the stage's arrays.
     *
     * @param name the array's name
     * @return the array; a missing one is an {@link IllegalArgumentException} naming the stage and the array
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("stage " + token + " has no array '" + name + "' (has " + tensors.keySet() + ")");
        return t;
    }
}
