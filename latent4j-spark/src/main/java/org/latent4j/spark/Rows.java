package org.latent4j.spark;

import scala.collection.immutable.ArraySeq;

/** Outputs of a batch as the cells of Spark rows. */
final class Rows {
    private Rows() {}

    /** Rows [n, width] of a flat array, each an {@code array<float>} cell. */
    static Object[] floatRows(float[] flat, int n) {
        int width = flat.length / n;
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) out[i] = ArraySeq.unsafeWrapArray(java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width));
        return out;
    }

    /** Rows [n, width] of a flat array, each an {@code array<int>} cell. */
    static Object[] intRows(int[] flat, int n) {
        int width = flat.length / n;
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) out[i] = ArraySeq.unsafeWrapArray(java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width));
        return out;
    }
}
