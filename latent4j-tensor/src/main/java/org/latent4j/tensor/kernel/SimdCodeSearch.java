package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API {@link CodeSearch}: a register-blocked product with the argmin fused into its epilogue.
 *
 * <p>Layout: the lanes run over rows of x, not over codes. Rows are packed (a transposing copy, the one
 * {@link GemmPacking#packB} makes for a transposed B when the widths match) into panels of {@link #NR} =
 * two vectors of rows, d-major; the codes are read where they lie, {@link #MR} = 8 at a time, one
 * broadcast value each per p, like A in {@link SimdGemm}. The micro-kernel keeps the 8 x NR tile of inner
 * products in 16 registers and, after the d loop, turns each into a score (one fused multiply-add with the
 * code's bias) and keeps, per lane, the smaller of it and the row's best so far, with the code index
 * beside it (a compare and two blends). With lanes over rows, a row's running best is one lane of four
 * vectors (best score and code, two row vectors) that the kernel loads before its epilogue and stores after
 * it (8 memory operations per 1024 multiply-adds at d = 64): nothing of the n x k scores is stored
 * anywhere, and no lane has to be reduced against another at the end. Code indices ride in float lanes as
 * raw int bits (a blend moves bits without looking at them).
 *
 * <p>One call per step of 8 codes, not one per block of codes with the best kept in registers across the
 * block: that kernel was entered a few dozen times per search, and HotSpot could go on running it, for
 * good, through an on-stack-replacement compilation of its code loop whose loop-carried vectors were boxed
 * on every step (3 MB of garbage per 512-row search against 4096 codes, and a third of the speed, in one
 * JVM of two, depending on which shapes came first). Entered once per step, it gets its normal
 * compilation within milliseconds.
 *
 * <p>Blocking: a task packs its rows a group at a time (about 128 KB, L2) and runs each group against the
 * codes a block at a time (about 256 KB, so a block read from memory once serves every panel of the
 * group from L2); one panel (NR x d floats, 8 KB at d = 64) stays in L1 while the codes stream past it.
 * A panel of at most one vector of rows (the last one) runs half-width kernels.
 *
 * <p>Every score is the fma chain the interface specifies, in p order from +0, so the edges (fewer than
 * eight codes, run one code at a time) and the scalar twin produce the very same bits.
 *
 * <p>The vectors are those of {@link SimdKernels}. At 512 bits the 8-code kernel holds 16 accumulators, 2
 * row vectors and a broadcast in its loop: 19 of AVX-512's 32 registers (AVX2's 16 would spill).
 */
final class SimdCodeSearch extends BlockedCodeSearch {
    /**
     * The vector kernels' shape (the CPU's preferred one unless {@code -Dlatent4j.simd.bits} asks for
     * another), so that the tests' 256-bit run checks this kernel at that width too.
     */
    private static final VectorSpecies<Float> S = SimdKernels.species();
    private static final int L = S.length();
    /** Codes per micro-kernel step; the kernels are written out for exactly 8. */
    static final int MR = 8;
    /** Rows per panel: two vectors. */
    static final int NR = 2 * L;
    /** Whether {@link GemmPacking#packB}, whose panels are {@link SimdGemm#NR} wide, packs these panels. */
    private static final boolean GEMM_PACKING = NR == SimdGemm.NR;
    /** Floats of codes per block (256 KB). */
    private static final int BLOCK_FLOATS = 1 << 16;

    private static final ThreadLocal<float[][]> PACK = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize() + " fused " + MR + "x" + NR;
    }

    @Override
    void searchTask(int rows, int k0, int k1, int d, float[] x, int xOff, int ldx, float[] c, int cOff, int ldc,
                    float[] bias, int biasOff, float scale, float[] val, float[] idx, int so) {
        int panelFloats = NR * d;
        int groupPanels = Math.max(1, groupRows(d) / NR);
        int block = Math.max(MR, BLOCK_FLOATS / Math.max(1, d) / MR * MR);
        float[][] holder = PACK.get();
        int need = Math.min(groupPanels, ceilDiv(rows, NR)) * panelFloats;
        if (holder[0].length < need) holder[0] = new float[need];
        float[] pack = holder[0];
        for (int g0 = 0; g0 < rows; g0 += groupPanels * NR) {
            int gRows = Math.min(groupPanels * NR, rows - g0);
            int panels = ceilDiv(gRows, NR);
            for (int q = 0; q < panels; q++) {
                int pr = Math.min(NR, gRows - q * NR);
                if (GEMM_PACKING) {
                    GemmPacking.packB(true, x, xOff + g0 * ldx, ldx, q * NR, pr, 0, d, pack, q * panelFloats);
                } else {
                    pack(x, xOff + (g0 + q * NR) * ldx, ldx, pr, d, pack, q * panelFloats);
                }
            }
            for (int b0 = k0; b0 < k1; b0 += block) {
                int b1 = Math.min(k1, b0 + block);
                for (int q = 0; q < panels; q++) {
                    int pRows = Math.min(NR, gRows - q * NR), s = so + g0 + q * NR, xo = q * panelFloats;
                    int j = b0;
                    // one call per step of 8 codes: see the class comment on on-stack replacement
                    if (pRows > L) {
                        for (; j + MR <= b1; j += MR) kernel8x2(d, pack, xo, c, cOff + j * ldc, ldc, j, bias, biasOff + j, scale, val, idx, s);
                        for (; j < b1; j++) kernel1x2(d, pack, xo, c, cOff + j * ldc, j, bias, biasOff + j, scale, val, idx, s);
                    } else {
                        for (; j + MR <= b1; j += MR) kernel8x1(d, pack, xo, c, cOff + j * ldc, ldc, j, bias, biasOff + j, scale, val, idx, s);
                        for (; j < b1; j++) kernel1x1(d, pack, xo, c, cOff + j * ldc, j, bias, biasOff + j, scale, val, idx, s);
                    }
                }
            }
        }
    }

    /** Rows [0, rows) of x (from xo) into a d-major panel of NR lanes at dst[o ...], zeros past the last row. */
    private static void pack(float[] x, int xo, int ldx, int rows, int d, float[] dst, int o) {
        for (int r = 0; r < NR; r++) {
            if (r < rows) {
                for (int p = 0, s = xo + r * ldx; p < d; p++) dst[o + p * NR + r] = x[s + p];
            } else {
                for (int p = 0; p < d; p++) dst[o + p * NR + r] = 0f;
            }
        }
    }

    /**
     * Codes j .. j+7 (code r at co + r * ldc, bias at bo + r) against one full panel (rows in lanes: NR per
     * p, from xo), updating the state of its NR rows at s. Written out in full rather than through helpers:
     * a helper C2 declines to inline would box its vector arguments.
     */
    private static void kernel8x2(int d, float[] xp, int xo, float[] c, int co, int ldc, int j,
                                  float[] bias, int bo, float scale, float[] val, float[] idx, int s) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S), a50 = FloatVector.zero(S), a51 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S), a61 = FloatVector.zero(S), a70 = FloatVector.zero(S), a71 = FloatVector.zero(S);
        int c0 = co, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        for (int p = 0, o = xo; p < d; p++, o += NR) {
            FloatVector r0 = FloatVector.fromArray(S, xp, o), r1 = FloatVector.fromArray(S, xp, o + L);
            FloatVector v;
            v = FloatVector.broadcast(S, c[c0 + p]); a00 = v.fma(r0, a00); a01 = v.fma(r1, a01);
            v = FloatVector.broadcast(S, c[c1 + p]); a10 = v.fma(r0, a10); a11 = v.fma(r1, a11);
            v = FloatVector.broadcast(S, c[c2 + p]); a20 = v.fma(r0, a20); a21 = v.fma(r1, a21);
            v = FloatVector.broadcast(S, c[c3 + p]); a30 = v.fma(r0, a30); a31 = v.fma(r1, a31);
            v = FloatVector.broadcast(S, c[c4 + p]); a40 = v.fma(r0, a40); a41 = v.fma(r1, a41);
            v = FloatVector.broadcast(S, c[c5 + p]); a50 = v.fma(r0, a50); a51 = v.fma(r1, a51);
            v = FloatVector.broadcast(S, c[c6 + p]); a60 = v.fma(r0, a60); a61 = v.fma(r1, a61);
            v = FloatVector.broadcast(S, c[c7 + p]); a70 = v.fma(r0, a70); a71 = v.fma(r1, a71);
        }
        FloatVector best0 = FloatVector.fromArray(S, val, s), best1 = FloatVector.fromArray(S, val, s + L);
        FloatVector code0 = FloatVector.fromArray(S, idx, s), code1 = FloatVector.fromArray(S, idx, s + L);
        FloatVector sc = FloatVector.broadcast(S, scale);
        // codes in ascending order, strict comparisons: the lowest index wins among equal scores
        FloatVector t, s0, s1;
        VectorMask<Float> m;
        float id;
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo]);
        id = Float.intBitsToFloat(j);
        s0 = a00.fma(sc, t); s1 = a01.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 1]);
        id = Float.intBitsToFloat(j + 1);
        s0 = a10.fma(sc, t); s1 = a11.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 2]);
        id = Float.intBitsToFloat(j + 2);
        s0 = a20.fma(sc, t); s1 = a21.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 3]);
        id = Float.intBitsToFloat(j + 3);
        s0 = a30.fma(sc, t); s1 = a31.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 4]);
        id = Float.intBitsToFloat(j + 4);
        s0 = a40.fma(sc, t); s1 = a41.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 5]);
        id = Float.intBitsToFloat(j + 5);
        s0 = a50.fma(sc, t); s1 = a51.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 6]);
        id = Float.intBitsToFloat(j + 6);
        s0 = a60.fma(sc, t); s1 = a61.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 7]);
        id = Float.intBitsToFloat(j + 7);
        s0 = a70.fma(sc, t); s1 = a71.fma(sc, t);
        m = s0.compare(VectorOperators.LT, best0); best0 = best0.blend(s0, m); code0 = code0.blend(id, m);
        m = s1.compare(VectorOperators.LT, best1); best1 = best1.blend(s1, m); code1 = code1.blend(id, m);
        best0.intoArray(val, s);
        best1.intoArray(val, s + L);
        code0.intoArray(idx, s);
        code1.intoArray(idx, s + L);
    }

    /** Code j alone (at co, bias at bo) against a full panel: the codes past the last step of 8. */
    private static void kernel1x2(int d, float[] xp, int xo, float[] c, int co, int j,
                                  float[] bias, int bo, float scale, float[] val, float[] idx, int s) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (int p = 0, o = xo; p < d; p++, o += NR) {
            FloatVector v = FloatVector.broadcast(S, c[co + p]);
            a0 = v.fma(FloatVector.fromArray(S, xp, o), a0);
            a1 = v.fma(FloatVector.fromArray(S, xp, o + L), a1);
        }
        FloatVector t = FloatVector.broadcast(S, bias == null ? 0f : bias[bo]), sc = FloatVector.broadcast(S, scale);
        FloatVector s0 = a0.fma(sc, t), s1 = a1.fma(sc, t);
        FloatVector best0 = FloatVector.fromArray(S, val, s), best1 = FloatVector.fromArray(S, val, s + L);
        VectorMask<Float> m0 = s0.compare(VectorOperators.LT, best0), m1 = s1.compare(VectorOperators.LT, best1);
        best0.blend(s0, m0).intoArray(val, s);
        best1.blend(s1, m1).intoArray(val, s + L);
        FloatVector.fromArray(S, idx, s).blend(Float.intBitsToFloat(j), m0).intoArray(idx, s);
        FloatVector.fromArray(S, idx, s + L).blend(Float.intBitsToFloat(j), m1).intoArray(idx, s + L);
    }

    /** {@link #kernel8x2} for a panel whose rows fit one vector: the second half would be padding. */
    private static void kernel8x1(int d, float[] xp, int xo, float[] c, int co, int ldc, int j,
                                  float[] bias, int bo, float scale, float[] val, float[] idx, int s) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
        int c0 = co, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        for (int p = 0, o = xo; p < d; p++, o += NR) {
            FloatVector r = FloatVector.fromArray(S, xp, o);
            a0 = FloatVector.broadcast(S, c[c0 + p]).fma(r, a0);
            a1 = FloatVector.broadcast(S, c[c1 + p]).fma(r, a1);
            a2 = FloatVector.broadcast(S, c[c2 + p]).fma(r, a2);
            a3 = FloatVector.broadcast(S, c[c3 + p]).fma(r, a3);
            a4 = FloatVector.broadcast(S, c[c4 + p]).fma(r, a4);
            a5 = FloatVector.broadcast(S, c[c5 + p]).fma(r, a5);
            a6 = FloatVector.broadcast(S, c[c6 + p]).fma(r, a6);
            a7 = FloatVector.broadcast(S, c[c7 + p]).fma(r, a7);
        }
        FloatVector best = FloatVector.fromArray(S, val, s), code = FloatVector.fromArray(S, idx, s);
        FloatVector sc = FloatVector.broadcast(S, scale), sv;
        VectorMask<Float> m;
        sv = a0.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j), m);
        sv = a1.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 1]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 1), m);
        sv = a2.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 2]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 2), m);
        sv = a3.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 3]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 3), m);
        sv = a4.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 4]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 4), m);
        sv = a5.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 5]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 5), m);
        sv = a6.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 6]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 6), m);
        sv = a7.fma(sc, FloatVector.broadcast(S, bias == null ? 0f : bias[bo + 7]));
        m = sv.compare(VectorOperators.LT, best); best = best.blend(sv, m); code = code.blend(Float.intBitsToFloat(j + 7), m);
        best.intoArray(val, s);
        code.intoArray(idx, s);
    }

    /** Code j alone against a panel whose rows fit one vector. */
    private static void kernel1x1(int d, float[] xp, int xo, float[] c, int co, int j,
                                  float[] bias, int bo, float scale, float[] val, float[] idx, int s) {
        FloatVector a = FloatVector.zero(S);
        for (int p = 0, o = xo; p < d; p++, o += NR) a = FloatVector.broadcast(S, c[co + p]).fma(FloatVector.fromArray(S, xp, o), a);
        FloatVector sv = a.fma(FloatVector.broadcast(S, scale), FloatVector.broadcast(S, bias == null ? 0f : bias[bo]));
        FloatVector best = FloatVector.fromArray(S, val, s);
        VectorMask<Float> m = sv.compare(VectorOperators.LT, best);
        best.blend(sv, m).intoArray(val, s);
        FloatVector.fromArray(S, idx, s).blend(Float.intBitsToFloat(j), m).intoArray(idx, s);
    }
}
