package org.latent4j.tensor.optim;

/** Range checks shared by the option records; each message names the record, the field and the value. */
final class OptionChecks {
    private OptionChecks() {}

    static void nonNegative(String record, String field, double v) {
        if (!(Double.isFinite(v) && v >= 0)) throw bad(record, field, "finite and >= 0", v);
    }

    static void positive(String record, String field, double v) {
        if (!(Double.isFinite(v) && v > 0)) throw bad(record, field, "finite and > 0", v);
    }

    static void atLeastOne(String record, String field, long v) {
        if (v < 1) throw new IllegalArgumentException(record + ": " + field + " must be >= 1, got " + v);
    }

    static void inHalfOpenUnit(String record, String field, double v) {
        if (!(v >= 0 && v < 1)) throw bad(record, field, "in [0, 1)", v);
    }

    static void inClosedUnit(String record, String field, double v) {
        if (!(v >= 0 && v <= 1)) throw bad(record, field, "in [0, 1]", v);
    }

    private static IllegalArgumentException bad(String record, String field, String rule, double v) {
        return new IllegalArgumentException(record + ": " + field + " must be " + rule + ", got " + v);
    }
}
