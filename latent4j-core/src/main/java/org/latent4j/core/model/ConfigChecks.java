package org.latent4j.core.model;

import java.util.ArrayList;
import java.util.List;

/** Validation shared by the model configs (of every kind): each failure names the record and the field. */
public final class ConfigChecks {
    private ConfigChecks() {}

    public static void positive(String record, String field, long value) {
        if (value < 1) throw new IllegalArgumentException(record + "." + field + " must be >= 1, got " + value);
    }

    public static void nonNegativeFinite(String record, String field, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(record + "." + field + " must be finite and >= 0, got " + value);
        }
    }

    public static void positiveFinite(String record, String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(record + "." + field + " must be finite and > 0, got " + value);
        }
    }

    public static <T> T required(String record, String field, T value) {
        if (value == null) throw new IllegalArgumentException(record + "." + field + " must be set");
        return value;
    }

    /** An immutable copy of hidden-layer sizes, each >= 1 (an empty list means an affine map). */
    public static List<Integer> hidden(String record, String field, List<Integer> sizes) {
        required(record, field, sizes);
        for (int i = 0; i < sizes.size(); i++) {
            Integer s = sizes.get(i);
            if (s == null || s < 1) throw new IllegalArgumentException(record + "." + field + "[" + i + "] must be >= 1, got " + s + " (in " + sizes + ")");
        }
        return List.copyOf(sizes);
    }

    /** The mirror of an encoder's hidden sizes, for a decoder left unspecified. */
    public static List<Integer> mirror(List<Integer> encoderHidden) {
        List<Integer> m = new ArrayList<>(encoderHidden);
        java.util.Collections.reverse(m);
        return List.copyOf(m);
    }
}
