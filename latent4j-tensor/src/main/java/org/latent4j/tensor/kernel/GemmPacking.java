package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies of op(A) and op(B) into the k-major panels {@link SimdGemm}'s micro-kernel reads: for each p,
 * the {@link SimdGemm#MR} values of A (or {@link SimdGemm#NR} values of B) side by side, zeros past the
 * matrix edge.
 *
 * <p>When the stored matrix already runs along the panel (transposed A, plain B) the copy is row by row.
 * Otherwise (plain A, transposed B) it is a transpose; with 16-lane vectors that is done 16 columns at a
 * time by lane permutes, because an element-by-element transposing copy costs about as much as the
 * multiply-adds on the skinny shapes, where each packed element of B is used only m times. Other widths
 * and the leftovers at the edges copy element by element.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = SimdGemm.MR, NR = SimdGemm.NR;
    /** A vector of exactly MR floats, for copying a group of a panel of A at once (null if there is none). */
    private static final VectorSpecies<Float> SMR = MR * 32 <= S.vectorBitSize()
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(MR * 32)) : null;
    /** Whether the permute transposes apply: 16 lanes, MR = 8, NR = 32. */
    private static final boolean PERMUTE = L == 16 && MR == 8 && NR == 32;

    /**
     * Index vectors for {@code lo.selectFrom(x, y)} / {@code hi.selectFrom(x, y)} that exchange bit b of the
     * lane index with the bit that tells x (0) from y (1): lo keeps the lanes of x with bit b clear and
     * brings in y's; hi the other way round (transpose8x16 uses b = 1, 2 and, rotated, 3).
     */
    private static final FloatVector[] SWAP_LO = new FloatVector[4], SWAP_HI = new FloatVector[4];
    /** The low and the high 8 lanes, for storing two columns' groups of 8 to separate panel groups. */
    private static final VectorMask<Float> LOW = PERMUTE ? VectorMask.fromLong(S, 0x00FFL) : null,
            HIGH = PERMUTE ? VectorMask.fromLong(S, 0xFF00L) : null;
    /** The b = 3 exchange followed by a lane rotation, for the 8-row transpose (see transpose8x16). */
    private static final FloatVector ROTATE_LO, ROTATE_HI;

    static {
        if (PERMUTE) {
            float[][] lo = new float[4][16], hi = new float[4][16];
            for (int b = 0; b < 4; b++) {
                int h = 1 << b;
                for (int c = 0; c < 16; c++) {
                    lo[b][c] = (c & h) == 0 ? c : 16 + (c & ~h);
                    hi[b][c] = (c & h) == 0 ? (c | h) : 16 + c;
                }
                SWAP_LO[b] = FloatVector.fromArray(S, lo[b], 0);
                SWAP_HI[b] = FloatVector.fromArray(S, hi[b], 0);
            }
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
            ROTATE_LO = ROTATE_HI = null;
        }
    }

    private GemmPacking() {}

    /**
     * Packs rows [i0, i0 + rows) of op(A), columns [p0, p1), into dst[d ...] as (p1 - p0) groups of MR.
     * a/aOff/lda describe A as stored.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int p1, float[] dst, int d) {
        if (transA) {
            // op(A)(i, p) = a[p * lda + i]: each p gives `rows` contiguous values
            if (rows == MR && SMR != null) {
                for (int p = p0, o = d; p < p1; p++, o += MR) FloatVector.fromArray(SMR, a, aOff + p * lda + i0).intoArray(dst, o);
                return;
            }
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
            // one call site, so the permutes are inlined once (see transpose8x16)
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
     * <p>Kept to 24 permutes and called from one site per loop: a larger body (a 16 x 16 transpose is 64
     * permutes) pushes C2 past its inlining node budget, and a permute that is not inlined is not
     * intrinsified but runs in Java on boxed vectors, allocating about a kilobyte each.
     */
    private static void transpose8x16(float[] src, int s, int ld, float[] dst, int d, int stride) {
        FloatVector r0 = FloatVector.fromArray(S, src, s); FloatVector r1 = FloatVector.fromArray(S, src, s + ld);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ld); FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ld); FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ld); FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ld);
        FloatVector lo, hi, t;
        lo = SWAP_LO[1];
        hi = SWAP_HI[1];
        t = lo.selectFrom(r0, r1); r1 = hi.selectFrom(r0, r1); r0 = t;
        t = lo.selectFrom(r2, r3); r3 = hi.selectFrom(r2, r3); r2 = t;
        t = lo.selectFrom(r4, r5); r5 = hi.selectFrom(r4, r5); r4 = t;
        t = lo.selectFrom(r6, r7); r7 = hi.selectFrom(r6, r7); r6 = t;
        lo = SWAP_LO[2];
        hi = SWAP_HI[2];
        t = lo.selectFrom(r0, r2); r2 = hi.selectFrom(r0, r2); r0 = t;
        t = lo.selectFrom(r1, r3); r3 = hi.selectFrom(r1, r3); r1 = t;
        t = lo.selectFrom(r4, r6); r6 = hi.selectFrom(r4, r6); r4 = t;
        t = lo.selectFrom(r5, r7); r7 = hi.selectFrom(r5, r7); r5 = t;
        lo = ROTATE_LO;
        hi = ROTATE_HI;
        t = lo.selectFrom(r0, r4); r4 = hi.selectFrom(r0, r4); r0 = t;
        t = lo.selectFrom(r1, r5); r5 = hi.selectFrom(r1, r5); r1 = t;
        t = lo.selectFrom(r2, r6); r6 = hi.selectFrom(r2, r6); r2 = t;
        t = lo.selectFrom(r3, r7); r7 = hi.selectFrom(r3, r7); r3 = t;
        if (stride == 8) {
            r0.intoArray(dst, d); r1.intoArray(dst, d + 16);
            r2.intoArray(dst, d + 32); r3.intoArray(dst, d + 48);
            r4.intoArray(dst, d + 64); r5.intoArray(dst, d + 80);
            r6.intoArray(dst, d + 96); r7.intoArray(dst, d + 112);
        } else {
            // column 2v from the low lanes of r_v, column 2v + 1 from the high lanes
            r0.intoArray(dst, d, LOW); r0.intoArray(dst, d + stride - 8, HIGH);
            r1.intoArray(dst, d + 2 * stride, LOW); r1.intoArray(dst, d + 3 * stride - 8, HIGH);
            r2.intoArray(dst, d + 4 * stride, LOW); r2.intoArray(dst, d + 5 * stride - 8, HIGH);
            r3.intoArray(dst, d + 6 * stride, LOW); r3.intoArray(dst, d + 7 * stride - 8, HIGH);
            r4.intoArray(dst, d + 8 * stride, LOW); r4.intoArray(dst, d + 9 * stride - 8, HIGH);
            r5.intoArray(dst, d + 10 * stride, LOW); r5.intoArray(dst, d + 11 * stride - 8, HIGH);
            r6.intoArray(dst, d + 12 * stride, LOW); r6.intoArray(dst, d + 13 * stride - 8, HIGH);
            r7.intoArray(dst, d + 14 * stride, LOW); r7.intoArray(dst, d + 15 * stride - 8, HIGH);
        }
    }
}
