package org.latent4j.tensor.kernel;

/**
 * The data layout of the 4-bit fast scan ({@link CodeScan#scan4}), the idea of FAISS's {@code pq4} fast scan:
 * vectors in blocks of 32, and within a block the nibbles of one sub-space for all 32 vectors side by side, so that
 * one 16-byte row of a register is one sub-space for 32 vectors and a byte shuffle looks up all of them at once.
 *
 * <p><b>Blocks.</b> Sub-spaces are padded to an even count (2 x {@code pairs}); a block is {@code pairs * 32} bytes;
 * sub-space j of block b starts at {@code b * blockBytes + j * 16}, and its byte t (0..15) holds vector t's index
 * in the low nibble and vector t + 16's in the high one. The pad sub-space and the vectors past the count have
 * index 0. Two sub-spaces are then 32 contiguous bytes: one 256-bit load. The array has {@link #SLACK} bytes more
 * after the last block, so that a 512-bit kernel may load two pairs at a time where only one is left.
 *
 * <p><b>Tables.</b> A query's float table {@code lut[j * 16 + c]} is quantized to bytes, FAISS's way: per
 * sub-space offset {@code min_j} (its smallest entry), one scale a for all, {@code q = round((lut - min_j) * a)}.
 * With a = 255 / (the widest sub-space's span) every entry fits a byte, and the sum of m entries (at most 255 m) a
 * 16-bit lane as long as m <= 255; beyond that a is lowered to (65535 - m) / (the sum of the spans), which
 * keeps the sum, rounding included, below 65536. The approximate score is {@code sum_j min_j + S / a} for the quantized sum S, off from the exact one by at
 * most {@code m / (2a)} (each entry by at most half a step). Row j of {@code qlut} holds sub-space j's 16 bytes; the
 * pad rows, up to a multiple of 4 sub-spaces (64 bytes), are zero, so a 512-bit kernel's lookups past the last
 * pair (whatever the slack bytes hold) add nothing.
 *
 * <p><b>Byte codes</b> ({@link CodeScan#scanBytes}, 8-bit PQ): the same idea with 256-entry tables, vectors in
 * blocks of {@link #BYTE_BLOCK} = 64; sub-space j of block b is the 64 bytes from {@code b * m * 64 + j * 64}, byte
 * t vector t's index ({@link #packBytes}); the table, quantized the same way ({@link #quantize(int, int, float[],
 * int, byte[])}), is 256 bytes per sub-space, four 512-bit registers.
 */
public final class FastScanLayout {
    /** Vectors per block. */
    public static final int BLOCK = 32;
    /** Entries per sub-space table: 4-bit indices. */
    public static final int KSUB = 16;
    /** Vectors per block of byte codes. */
    public static final int BYTE_BLOCK = 64;
    /** Bytes after the last block, readable by a kernel, never holding data. */
    public static final int SLACK = 32;

    private FastScanLayout() {}

    /** Sub-space pairs of m sub-spaces (the last one padded when m is odd). */
    public static int pairs(int m) {
        return (m + 1) / 2;
    }

    /** Bytes of one block. */
    public static int blockBytes(int m) {
        return pairs(m) * 2 * KSUB;
    }

    /** Blocks holding n vectors. */
    public static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    /** Bytes of a quantized table: 16 per sub-space, padded to a multiple of 64. */
    public static int tableBytes(int m) {
        return (pairs(m) + 1) / 2 * 4 * KSUB;
    }

    /**
     * Packs n codes of m 4-bit indices (code i from {@code codes[codesOff + i * codeSize]}, sub-space 2i in the low
     * nibble of its byte i, 2i + 1 in the high one) into blocks.
     */
    public static byte[] pack(int m, byte[] codes, int codesOff, int codeSize, int n) {
        if (m < 1) throw new IllegalArgumentException("sub-spaces must be at least 1, got " + m);
        if (codeSize < (m + 1) / 2) throw new IllegalArgumentException("a code of " + m + " 4-bit indices needs " + (m + 1) / 2 + " bytes, got " + codeSize);
        if (n < 0 || codesOff < 0 || (long) codesOff + (long) n * codeSize > codes.length) {
            throw new IllegalArgumentException(n + " codes of " + codeSize + " bytes from " + codesOff + " do not fit an array of " + codes.length);
        }
        int bb = blockBytes(m);
        byte[] out = new byte[Math.addExact(Math.multiplyExact(blocks(n), bb), SLACK)];
        for (int i = 0; i < n; i++) {
            int base = (i / BLOCK) * bb + (i % 16), shift = (i % BLOCK) < 16 ? 0 : 4, co = codesOff + i * codeSize;
            for (int j = 0; j < m; j++) {
                int nib = (codes[co + (j >> 1)] >> ((j & 1) * 4)) & 0xF;
                out[base + j * KSUB] |= (byte) (nib << shift);
            }
        }
        return out;
    }

    /** Blocks of byte codes holding n vectors. */
    public static int byteBlocks(int n) {
        return (n + BYTE_BLOCK - 1) / BYTE_BLOCK;
    }

    /**
     * Packs n byte codes (code i's index j at {@code codes[codesOff + i * codeSize + j]}, codeSize >= m) into
     * blocks of 64 vectors, sub-space-major (see the class comment); vectors past n have index 0.
     */
    public static byte[] packBytes(int m, byte[] codes, int codesOff, int codeSize, int n) {
        if (m < 1) throw new IllegalArgumentException("sub-spaces must be at least 1, got " + m);
        if (codeSize < m) throw new IllegalArgumentException("a code of " + m + " byte indices needs " + m + " bytes, got " + codeSize);
        if (n < 0 || codesOff < 0 || (long) codesOff + (long) n * codeSize > codes.length) {
            throw new IllegalArgumentException(n + " codes of " + codeSize + " bytes from " + codesOff + " do not fit an array of " + codes.length);
        }
        int bb = m * BYTE_BLOCK;
        byte[] out = new byte[Math.multiplyExact(byteBlocks(n), bb)];
        for (int i = 0; i < n; i++) {
            int base = (i / BYTE_BLOCK) * bb + (i % BYTE_BLOCK), co = codesOff + i * codeSize;
            for (int j = 0; j < m; j++) out[base + j * BYTE_BLOCK] = codes[co + j];
        }
        return out;
    }

    /** How quantized sums map back to scores: {@code score ~ offset + sum / scale}. */
    public record TableScale(double scale, double offset) {
        /** The approximate score of a quantized sum. */
        public float score(int sum) {
            return (float) (offset + sum / scale);
        }
    }

    /**
     * Quantizes the float table of m sub-spaces ({@code lut[lutOff + j * 16 + c]}) into {@code qlut} (at least
     * {@link #tableBytes} bytes; see the class comment) and returns its scale. Entries must be finite.
     */
    public static TableScale quantize(int m, float[] lut, int lutOff, byte[] qlut) {
        TableScale scale = quantize(m, KSUB, lut, lutOff, qlut);
        int bytes = tableBytes(m);
        for (int i = m * KSUB; i < bytes; i++) qlut[i] = 0;
        return scale;
    }

    /**
     * Quantizes a float table of m sub-spaces of {@code ksub} entries ({@code lut[lutOff + j * ksub + c]}) into
     * {@code qlut[j * ksub + c]}, as the class comment says, and returns its scale. Entries must be finite.
     */
    public static TableScale quantize(int m, int ksub, float[] lut, int lutOff, byte[] qlut) {
        double maxSpan = 0, sumSpans = 0, offset = 0;
        for (int j = 0; j < m; j++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < ksub; c++) {
                float v = lut[lutOff + j * ksub + c];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("lookup table entry " + c + " of sub-space " + j + " is " + v);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            double span = (double) hi - lo;
            maxSpan = Math.max(maxSpan, span);
            sumSpans += span;
            offset += lo;
        }
        double scale = maxSpan == 0 ? 1 : Math.min(255 / maxSpan, (65535 - m) / sumSpans);
        for (int j = 0; j < m; j++) {
            float lo = Float.POSITIVE_INFINITY;
            for (int c = 0; c < ksub; c++) lo = Math.min(lo, lut[lutOff + j * ksub + c]);
            for (int c = 0; c < ksub; c++) {
                // Math.round for a value >= 0, without its slower general path
                int q = (int) (((double) lut[lutOff + j * ksub + c] - lo) * scale + 0.5);
                qlut[j * ksub + c] = (byte) Math.min(255, q);
            }
        }
        return new TableScale(scale, offset);
    }
}
