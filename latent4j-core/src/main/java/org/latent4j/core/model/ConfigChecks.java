package org.latent4j.core.model;

import java.util.ArrayList;
import java.util.List;

/** Validation shared by the model configs (of every kind): each failure names the record and the field. */
public final class ConfigChecks {
    private ConfigChecks() {}

    /**
     * Refuses a value below 1.
     *
     * @param record the record's name, for the message
     * @param field the field's name
     * @param value the value
     */
    public static void positive(String record, String field, long value) {
        if (value < 1) throw new IllegalArgumentException(record + "." + field + " must be >= 1, got " + value);
    }

    /**
     * Refuses a value that is negative, NaN or infinite.
     *
     * @param record the record's name, for the message
     * @param field the field's name
     * @param value the value
     */
    public static void nonNegativeFinite(String record, String field, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(record + "." + field + " must be finite and >= 0, got " + value);
        }
    }

    /**
     * Refuses a value that is not positive, or NaN, or infinite.
     *
     * @param record the record's name, for the message
     * @param field the field's name
     * @param value the value
     */
    public static void positiveFinite(String record, String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(record + "." + field + " must be finite and > 0, got " + value);
        }
    }

    /**
     * {@return {@code value}, refused when null}
     *
     * @param <T> the value's type
     * @param record the record's name, for the message
     * @param field the field's name
     * @param value the value
     */
    public static <T> T required(String record, String field, T value) {
        if (value == null) throw new IllegalArgumentException(record + "." + field + " must be set");
        return value;
    }

    /**
     * An immutable copy of hidden-layer sizes, each >= 1 (an empty list means an affine map).
     *
     * @param record the record's name, for the message
     * @param field the field's name
     * @param sizes the sizes
     * @return the copy
     */
    public static List<Integer> hidden(String record, String field, List<Integer> sizes) {
        required(record, field, sizes);
        for (int i = 0; i < sizes.size(); i++) {
            Integer s = sizes.get(i);
            if (s == null || s < 1) throw new IllegalArgumentException(record + "." + field + "[" + i + "] must be >= 1, got " + s + " (in " + sizes + ")");
        }
        return List.copyOf(sizes);
    }

    /**
     * The mirror of an encoder's hidden sizes, for a decoder left unspecified.
     *
     * @param encoderHidden the encoder's hidden sizes, from the input
     * @return the sizes in reverse order
     */
    public static List<Integer> mirror(List<Integer> encoderHidden) {
        List<Integer> m = new ArrayList<>(encoderHidden);
        java.util.Collections.reverse(m);
        return List.copyOf(m);
    }
}
