package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies of op(A) and op(B) into the k-major panels {@link SimdGemm}'s micro-kernel reads: for each p,
 * the {@link SimdGemm#MR} values of A (or {@link SimdGemm#NR} values of B) side by side, zeros past the
 * matrix edge.
 *
 * <p>When the stored matrix already runs along the panel (transposed A, plain B) the copy is row by row.
 * Otherwise (plain A, transposed B) it is a transpose; with 16-lane vectors that is done 16 columns at a
 * time by lane permutes (see transpose8x16), because an element-by-element transposing copy costs about as much as the
 * multiply-adds on the skinny shapes, where each packed element of B is used only m times. Other widths
 * and the leftovers at the edges copy element by element.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = SimdGemm.MR, NR = SimdGemm.NR;
    /** Whether the permute transposes apply: 16 lanes, MR = 8, NR = 32. */
    private static final boolean PERMUTE = L == 16 && MR == 8 && NR == 32;

    /**
     * Index vectors for {@code lo.selectFrom(x, y)} / {@code hi.selectFrom(x, y)} that exchange bit b of the
     * lane index with the bit that tells x (0) from y (1): lo keeps the lanes of x with bit b clear and
     * brings in y's; hi the other way round. transpose8x16 uses b = 1, 2 and, rotated, 3. Constants in
     * fields, not array elements, so that C2 knows their exact class and binds selectFrom statically.
     */
    private static final FloatVector SWAP1_LO, SWAP1_HI, SWAP2_LO, SWAP2_HI;
    /** The low and the high 8 lanes, for storing two columns' groups of 8 to separate panel groups. */
    private static final VectorMask<Float> LOW = PERMUTE ? VectorMask.fromLong(S, 0x00FFL) : null,
            HIGH = PERMUTE ? VectorMask.fromLong(S, 0xFF00L) : null;
    /** The b = 3 exchange followed by a lane rotation, for the 8-row transpose (see transpose8x16). */
    private static final FloatVector ROTATE_LO, ROTATE_HI;

    static {
        if (PERMUTE) {
            // b = 0 is not used: the 8-row transpose starts with the exchange of lane bit 1
            float[][] lo = new float[4][16], hi = new float[4][16];
            for (int b = 1; b < 4; b++) {
                int h = 1 << b;
                for (int c = 0; c < 16; c++) {
                    lo[b][c] = (c & h) == 0 ? c : 16 + (c & ~h);
                    hi[b][c] = (c & h) == 0 ? (c | h) : 16 + c;
                }
            }
            SWAP1_LO = FloatVector.fromArray(S, lo[1], 0);
            SWAP1_HI = FloatVector.fromArray(S, hi[1], 0);
            SWAP2_LO = FloatVector.fromArray(S, lo[2], 0);
            SWAP2_HI = FloatVector.fromArray(S, hi[2], 0);
            // after the exchanges (row bit 0, lane bit 1), (1, 2), (2, 3), lane l holds column bit 0 in
            // bit 0 and the row in bits 1..3; the panel wants row + 8 * column bit 0: a one-bit rotation
            float[] rlo = new float[16], rhi = new float[16];
            for (int lane = 0; lane < 16; lane++) {
                int from = ((lane << 1) | (lane >> 3)) & 15;
                rlo[lane] = lo[3][from];
                rhi[lane] = hi[3][from];
            }
            ROTATE_LO = FloatVector.fromArray(S, rlo, 0);
            ROTATE_HI = FloatVector.fromArray(S, rhi, 0);
        } else {
            ROTATE_LO = ROTATE_HI = SWAP1_LO = SWAP1_HI = SWAP2_LO = SWAP2_HI = null;
        }
    }

    private GemmPacking() {}

    /**
     * Packs rows [i0, i0 + rows) of op(A), columns [p0, p1), into dst[d ...] as (p1 - p0) groups of MR.
     * a/aOff/lda describe A as stored.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int p1, float[] dst, int d) {
        if (transA) {
            // op(A)(i, p) = a[p * lda + i]: each p gives `rows` contiguous values (only an edge panel of
            // fewer than MR rows is packed; SimdGemm reads full ones in place)
            for (int p = p0, o = d; p < p1; p++, o += MR) {
                int s = aOff + p * lda + i0;
                for (int r = 0; r < rows; r++) dst[o + r] = a[s + r];
                for (int r = rows; r < MR; r++) dst[o + r] = 0f;
            }
            return;
        }
        // op(A)(i, p) = a[i * lda + p]
        int s = aOff + i0 * lda, p = p0;
        if (PERMUTE && rows == MR) {
            for (; p + 16 <= p1; p += 16) transpose8x16(a, s + p, lda, dst, d + (p - p0) * MR, MR);
        }
        int q0 = p;
        for (int r = 0; r < rows; r++) {
            for (int q = q0, o = d + (q0 - p0) * MR + r, sr = s + r * lda; q < p1; q++, o += MR) dst[o] = a[sr + q];
        }
        for (int r = rows; r < MR; r++) {
            for (int q = q0, o = d + (q0 - p0) * MR + r; q < p1; q++, o += MR) dst[o] = 0f;
        }
    }

    /**
     * Packs columns [j0, j0 + cols) of op(B), rows [p0, p1), into dst[d ...] as (p1 - p0) groups of NR.
     * b/bOff/ldb describe B as stored.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int j0, int cols, int p0, int p1, float[] dst, int d) {
        if (!transB) {
            // op(B)(p, j) = b[p * ldb + j]: each p gives `cols` contiguous values
            for (int p = p0, o = d; p < p1; p++, o += NR) {
                int s = bOff + p * ldb + j0;
                if (cols == NR) {
                    FloatVector.fromArray(S, b, s).intoArray(dst, o);
                    FloatVector.fromArray(S, b, s + L).intoArray(dst, o + L);
                } else {
                    for (int j = 0; j < cols; j++) dst[o + j] = b[s + j];
                    for (int j = cols; j < NR; j++) dst[o + j] = 0f;
                }
            }
            return;
        }
        // op(B)(p, j) = b[j * ldb + p]
        int s = bOff + j0 * ldb, p = p0;
        if (PERMUTE && cols == NR) {
            for (; p + 16 <= p1; p += 16) {
                for (int r = 0; r < NR; r += 8) transpose8x16(b, s + r * ldb + p, ldb, dst, d + (p - p0) * NR + r, NR);
            }
        }
        int q0 = p;
        for (int j = 0; j < cols; j++) {
            for (int q = q0, o = d + (q0 - p0) * NR + j, sj = s + j * ldb; q < p1; q++, o += NR) dst[o] = b[sj + q];
        }
        for (int j = cols; j < NR; j++) {
            for (int q = q0, o = d + (q0 - p0) * NR + j; q < p1; q++, o += NR) dst[o] = 0f;
        }
    }

    /**
     * Writes the transpose of the 8 x 16 block src[s + r * ld + c] to dst[d + c * stride + r], stride 8 (a
     * panel of A) or NR (a panel of B, one group of 8 rows at a time): exchanging row bits 0, 1, 2 with
     * lane bits 1, 2, 3 leaves column bits 1..3 as the vector index, and the last round also rotates the
     * lanes into row + 8 * (column bit 0), so each vector holds two columns' groups of 8.
     *
     * <p>In two methods with the middle result in a per-thread stage, not one: with all 24 permutes in one
     * method C1's profiling tier gave up ("out of virtual registers"), and under a busy C2 queue the
     * method then stayed in C1's non-profiling tier for good, running every permute boxed, in Java
     * (18 MB per VAE training step, a third of the speed). Each half compiles in every tier.
     */
    private static final ThreadLocal<float[]> STAGE = ThreadLocal.withInitial(() -> new float[128]);

    private static void transpose8x16(float[] src, int s, int ld, float[] dst, int d, int stride) {
        float[] st = STAGE.get();
        exchangeRowBits01(src, s, ld, st);
        exchangeRowBit2(st, dst, d, stride);
    }

    private static void exchangeRowBits01(float[] src, int s, int ld, float[] st) {
        VectorSpecies<Float> sp = S;
        FloatVector r0 = FloatVector.fromArray(sp, src, s), r1 = FloatVector.fromArray(sp, src, s += ld);
        FloatVector r2 = FloatVector.fromArray(sp, src, s += ld), r3 = FloatVector.fromArray(sp, src, s += ld);
        FloatVector r4 = FloatVector.fromArray(sp, src, s += ld), r5 = FloatVector.fromArray(sp, src, s += ld);
        FloatVector r6 = FloatVector.fromArray(sp, src, s += ld), r7 = FloatVector.fromArray(sp, src, s + ld);
        FloatVector lo = SWAP1_LO, hi = SWAP1_HI, t;
        t = lo.selectFrom(r0, r1); r1 = hi.selectFrom(r0, r1); r0 = t;
        t = lo.selectFrom(r2, r3); r3 = hi.selectFrom(r2, r3); r2 = t;
        t = lo.selectFrom(r4, r5); r5 = hi.selectFrom(r4, r5); r4 = t;
        t = lo.selectFrom(r6, r7); r7 = hi.selectFrom(r6, r7); r6 = t;
        lo = SWAP2_LO; hi = SWAP2_HI;
        lo.selectFrom(r0, r2).intoArray(st, 0); hi.selectFrom(r0, r2).intoArray(st, 32);
        lo.selectFrom(r1, r3).intoArray(st, 16); hi.selectFrom(r1, r3).intoArray(st, 48);
        lo.selectFrom(r4, r6).intoArray(st, 64); hi.selectFrom(r4, r6).intoArray(st, 96);
        lo.selectFrom(r5, r7).intoArray(st, 80); hi.selectFrom(r5, r7).intoArray(st, 112);
    }

    private static void exchangeRowBit2(float[] st, float[] dst, int d, int stride) {
        VectorSpecies<Float> sp = S;
        FloatVector lo = ROTATE_LO, hi = ROTATE_HI;
        if (stride == 8) {
            // a panel of A: the two columns of a vector are adjacent groups, one whole store (a third faster)
            for (int r = 0; r < 64; r += 16, d += 16) {
                FloatVector x = FloatVector.fromArray(sp, st, r), y = FloatVector.fromArray(sp, st, r + 64);
                lo.selectFrom(x, y).intoArray(dst, d);
                hi.selectFrom(x, y).intoArray(dst, d + 64);
            }
            return;
        }
        VectorMask<Float> l = LOW, h = HIGH;
        int e = stride - 8, two = 2 * stride;
        for (int r = 0; r < 64; r += 16, d += two) {
            FloatVector x = FloatVector.fromArray(sp, st, r), y = FloatVector.fromArray(sp, st, r + 64);
            FloatVector a = lo.selectFrom(x, y), b = hi.selectFrom(x, y);
            a.intoArray(dst, d, l); a.intoArray(dst, d + e, h);
            b.intoArray(dst, d + 8 * stride, l); b.intoArray(dst, d + 8 * stride + e, h);
        }
    }
}
