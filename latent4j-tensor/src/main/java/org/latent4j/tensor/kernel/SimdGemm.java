package org.latent4j.tensor.kernel;

import java.util.concurrent.atomic.AtomicIntegerArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Packed, blocked Vector-API SGEMM in the manner of GotoBLAS/BLIS (Goto and van de Geijn, "Anatomy of
 * high-performance matrix multiplication", 2008; Van Zee and van de Geijn, BLIS, 2015).
 *
 * <p>op(B) is copied into panels of {@link #NR} columns laid out k-major (for each p, the NR values side
 * by side), with zeros past the matrix edge; the transpose of B is absorbed by this copy. The micro-kernel
 * keeps an MR x NR tile of C in 2*MR vector registers and, per p, broadcasts MR values of A against two
 * vectors of B. Those MR values are scalars, so the kernel reads them where they lie, from MR rows of A
 * (or, transposed, MR neighbours of a row), with two strides: packing A (a transposing copy of all of it)
 * cost more than it saved, 5% of an IWAE training step, and the kernels without it ran 5-25% faster on
 * the IWAE, MLP and square shapes. Only an edge panel of fewer than MR rows, and an untransposed A whose
 * rows are a multiple of 4 KB apart (whose MR rows would share cache sets), are packed into panels of
 * {@link #MR} rows. K is cut into blocks of at most {@link #KC} so that one B micro-panel
 * (KC x NR floats, 32 KB at 512 bits) stays in L1 while the A panels of a task stream from L2.
 *
 * <p>The vectors are the preferred species. On the AVX-512 CPU this was tuned on (AMD EPYC, family 1Ah)
 * the 512-bit 8 x 32 kernel ran 210-220 GFLOPS on one core with its operands in L1, the best 256-bit
 * one (6 x 16) 110; 12 x 32, 6 x 64 and 4 x 64 tiles were no faster than 8 x 32, 8 x 48 slower.
 *
 * <p>Determinism: the K blocks and the tile grid depend only on (m, n, k), every C element sums its
 * K block in p order inside one micro-kernel call and adds the blocks in ascending order, so the thread
 * count only decides which thread computes a tile, never the arithmetic.
 *
 * <p>Work per call: for each round of K blocks (a round packs as much of A and B as fits
 * {@link #PACK_BUDGET}, usually all of it), one parallel pass over chunks of tiles, each task packing the
 * panels it is the first to need. One hand-off to the pool per round matters: waking a parked worker
 * costs tens of microseconds, a tenth of a skinny training-shape product. Problems under
 * {@link #PARALLEL_MIN_WORK} run entirely on the caller, those under {@link #SMALL_FMAS} without packing.
 * Packing buffers are kept per thread, so a steady-state call allocates only a few small objects.
 */
public final class SimdGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of the micro-tile; the kernel below is written out for exactly 8. */
    static final int MR = 8;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Largest K block. */
    static final int KC = 256;
    /** Largest row and column blocks: bound the packed buffers when m or n is huge. */
    private static final int M_BLOCK = 4096, N_BLOCK = 4096;
    /**
     * Floats of packed A plus packed B per round (32 MB; the buffers grow to what a call needs and stay
     * with the calling thread). A 2048-cube product fits in one round: each round ends in a join where
     * one thread may idle for a task's length, and with 2M floats (four rounds) it ran 2-8% slower.
     */
    private static final int PACK_BUDGET = 1 << 23;
    /** Below this many multiply-adds packing costs more than it saves: rows of C are updated in place. */
    private static final long SMALL_FMAS = 1L << 15;
    /**
     * With at most this many row panels (32 rows) a plain B (not transposed) is read where it lies: each
     * of its elements is used only that many times, too few to repay copying it (1.5x faster at 20 rows),
     * and a B micro-panel read in place streams from L2 about as fast as a packed one from L1. At 128
     * rows the two measured the same, and the packed panel does not depend on how B's rows fall in cache.
     */
    private static final int DIRECT_B_MAX_PANELS = 4;
    /**
     * ...unless the rows of B are a multiple of 4 KB apart: the rows of a micro-panel then fall into a
     * few cache sets and evict each other.
     */
    private static final int ALIASING_STRIDE = 1024;
    /**
     * Below this much work (in multiply-adds, with the transposing copy of B counted in) the hand-off to
     * the pool costs more than it saves. With workers that spin between jobs, a 20 x 784 by 784 x 200
     * product (3.1M multiply-adds) ran 95-100 GFLOPS on two threads against 70 on one; 1M-FMA products
     * gained nothing.
     */
    private static final long PARALLEL_MIN_WORK = 1L << 21;
    private static final long TRANSPOSE_COST = 16;
    /** Tasks a parallel pass is cut into (when the problem has that many tiles): enough to balance a few cores. */
    private static final int TARGET_TASKS = 8;
    /** Most panels per task side: 16 x 8 rows of A (128 KB per K block) stay in L2. */
    private static final int MAX_TASK_PANELS = 16;
    private static final int FREE = 0, BUSY = 1, READY = 2, FAILED = 3;
    /** About the time to pack a panel; a wait longer than this means the packer is not running. */
    private static final int SPINS_BEFORE_YIELD = 1 << 10;

    /** Per-thread packing buffers: the caller's hold the shared panels, every thread's tile is its own. */
    private static final class Scratch {
        float[] packA = new float[0], packB = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize() + " packed " + MR + "x" + NR;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            GemmArgs.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        long fmas = (long) m * n * k;
        if (fmas < SMALL_FMAS) {
            small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // a transposing copy of B costs about as much per element as TRANSPOSE_COST multiply-adds (A is read in place)
        long work = fmas + (transB ? TRANSPOSE_COST * n * (long) k : 0L);
        boolean parallel = work >= PARALLEL_MIN_WORK;
        int nk = (k + KC - 1) / KC;
        Scratch own = SCRATCH.get();
        for (int i0 = 0; i0 < m; i0 += M_BLOCK) {
            int mb = Math.min(M_BLOCK, m - i0);
            for (int j0 = 0; j0 < n; j0 += N_BLOCK) {
                int nb = Math.min(N_BLOCK, n - j0);
                Block blk = new Block(transA, transB, mb, nb, k, nk, alpha, beta,
                        a, transA ? aOff + i0 : aOff + i0 * lda, lda,
                        b, transB ? bOff + j0 * ldb : bOff + j0, ldb,
                        c, cOff + i0 * ldc + j0, ldc, parallel, own);
                blk.run();
            }
        }
    }

    /** One mb x nb block of C over all of K. */
    private static final class Block {
        final boolean transA, transB, parallel;
        // B is read in place (full panels only) instead of packed: see DIRECT_B_MAX_PANELS
        final boolean directB;
        // full panels of A are read where they lie (see the class comment)
        final boolean directA;
        final int mb, nb, k, nk, mPanels, nPanels;
        // panels of A that are packed: all of them, or with directA only a last one of fewer than MR rows
        final int aPacked;
        final float alpha, beta;
        final float[] a, b, c;
        final int aOff, lda, bOff, ldb, cOff, ldc;
        final Scratch own;
        // tile grid of the compute pass: chunks of whole panels
        final int iPer, jPer, iChunks, jChunks;
        // the current round: K blocks [kb0, kb1), columns [p0, p1) of op(A)
        int kb0, kb1, p0, p1;
        // per panel of the round: FREE, BUSY (being packed) or READY
        AtomicIntegerArray aState, bState;

        Block(boolean transA, boolean transB, int mb, int nb, int k, int nk, float alpha, float beta,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
              boolean parallel, Scratch own) {
            this.transA = transA;
            this.transB = transB;
            this.mb = mb;
            this.nb = nb;
            this.k = k;
            this.nk = nk;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.parallel = parallel;
            this.directB = !transB && (mb + MR - 1) / MR <= DIRECT_B_MAX_PANELS && ldb % ALIASING_STRIDE != 0;
            // rows 4 KB apart share cache sets; transposed, the MR values of a p sit side by side and the
            // stride between p's measured harmless (2048 x 2048 TN a few percent faster in place)
            this.directA = transA || lda % ALIASING_STRIDE != 0;
            this.own = own;
            this.mPanels = (mb + MR - 1) / MR;
            this.nPanels = (nb + NR - 1) / NR;
            this.aPacked = !directA ? mPanels : mb % MR == 0 ? 0 : 1;
            int want = parallel ? TARGET_TASKS : 1;
            int ic = ceilDiv(mPanels, MAX_TASK_PANELS);
            int jc = Math.min(nPanels, Math.max(ceilDiv(nPanels, MAX_TASK_PANELS), ceilDiv(want, ic)));
            if (ic * jc < want) ic = Math.min(mPanels, Math.max(ic, ceilDiv(want, jc)));
            this.iPer = ceilDiv(mPanels, ic);
            this.jPer = ceilDiv(nPanels, jc);
            this.iChunks = ceilDiv(mPanels, iPer);
            this.jChunks = ceilDiv(nPanels, jPer);
        }

        void run() {
            int perRound = Math.max(1, PACK_BUDGET / ((aPacked * MR + nPanels * NR) * KC));
            aState = new AtomicIntegerArray(mPanels);
            bState = new AtomicIntegerArray(nPanels);
            for (kb0 = 0; kb0 < nk; kb0 = kb1) {
                kb1 = Math.min(nk, kb0 + perRound);
                p0 = kStart(kb0);
                p1 = kStart(kb1);
                int kr = p1 - p0;
                if (own.packA.length < aPacked * MR * kr) own.packA = new float[aPacked * MR * kr];
                if (own.packB.length < nPanels * NR * kr) own.packB = new float[nPanels * NR * kr];
                if (kb0 > 0) {
                    for (int i = 0; i < mPanels; i++) aState.set(i, FREE);
                    for (int j = 0; j < nPanels; j++) bState.set(j, FREE);
                }
                int tasks = iChunks * jChunks;
                if (parallel) {
                    Parallel.forEach(tasks, t -> compute(t / jChunks, t % jChunks));
                } else {
                    for (int t = 0; t < tasks; t++) compute(t / jChunks, t % jChunks);
                }
            }
        }

        /** Where panel i of A sits in the packed buffer, when it is packed. */
        int aSlot(int i) {
            return directA ? 0 : i;
        }

        /** Start of K block kb: the blocks split k as evenly as possible. */
        int kStart(int kb) {
            return (int) ((long) k * kb / nk);
        }

        /**
         * Makes panel i of packed A (or B) ready for this round: the first task to need it packs it, a task
         * that finds it being packed waits (a panel is a few microseconds of copying). The volatile write of
         * READY publishes the panel to the threads that read READY.
         */
        private void ensure(AtomicIntegerArray state, int i, boolean isA) {
            if (state.get(i) == READY) return;
            if (state.compareAndSet(i, FREE, BUSY)) {
                boolean done = false;
                try {
                    if (isA) {
                        GemmPacking.packA(transA, a, aOff, lda, i * MR, Math.min(MR, mb - i * MR), p0, p1, own.packA, aSlot(i) * MR * (p1 - p0));
                    } else {
                        GemmPacking.packB(transB, b, bOff, ldb, i * NR, Math.min(NR, nb - i * NR), p0, p1, own.packB, i * NR * (p1 - p0));
                    }
                    done = true;
                } finally {
                    state.set(i, done ? READY : FAILED); // a waiter must not spin forever on a failed copy
                }
            } else {
                int s;
                for (int spins = 0; (s = state.get(i)) != READY; spins++) {
                    if (s == FAILED) throw new IllegalStateException("sgemm: packing a panel failed on another thread");
                    // on an oversubscribed machine the packing thread may be off the CPU: let it back on
                    if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
                    else Thread.yield();
                }
            }
        }

        /**
         * Tiles of chunk (ci, cj) for every K block of the round. Chunks that share panels start their walk
         * over them at different places, so that two threads rarely wait for the same panel to be packed.
         */
        void compute(int ci, int cj) {
            int ip0 = ci * iPer, iCount = Math.min(mPanels, ip0 + iPer) - ip0;
            int jp0 = cj * jPer, jCount = Math.min(nPanels, jp0 + jPer) - jp0;
            int kr = p1 - p0;
            float[] tile = SCRATCH.get().tile;
            for (int kb = kb0; kb < kb1; kb++) {
                int ks = kStart(kb), kc = kStart(kb + 1) - ks;
                // the first K block brings in beta * C (or nothing when beta is 0), later ones add to C
                boolean overwrite = kb == 0 && beta == 0f;
                float cScale = kb == 0 ? beta : 1f;
                for (int jj = 0; jj < jCount; jj++) {
                    int jp = jp0 + (jj + ci) % jCount;
                    int cols = Math.min(NR, nb - jp * NR);
                    boolean inPlace = directB && cols == NR;
                    if (kb == kb0 && !inPlace) ensure(bState, jp, false);
                    float[] bp = inPlace ? b : own.packB;
                    int bo = inPlace ? bOff + ks * ldb + jp * NR : jp * NR * kr + (ks - p0) * NR;
                    int bs = inPlace ? ldb : NR;
                    for (int ii = 0; ii < iCount; ii++) {
                        int ip = ip0 + (ii + cj * iCount / jChunks) % iCount;
                        int rows = Math.min(MR, mb - ip * MR);
                        boolean aInPlace = directA && rows == MR;
                        if (kb == kb0 && !aInPlace) ensure(aState, ip, true);
                        float[] ap = aInPlace ? a : own.packA;
                        int ao = !aInPlace ? aSlot(ip) * MR * kr + (ks - p0) * MR
                                : transA ? aOff + ks * lda + ip * MR : aOff + ip * MR * lda + ks;
                        int as = !aInPlace ? 1 : transA ? 1 : lda, ps = !aInPlace ? MR : transA ? lda : 1;
                        int co = cOff + ip * MR * ldc + jp * NR;
                        if (rows == MR && cols == NR) {
                            kernel(kc, ap, ao, as, ps, bp, bo, bs, c, co, ldc, alpha, overwrite, cScale);
                        } else {
                            if (cols <= L) kernelHalf(kc, ap, ao, as, ps, bp, bo, bs, tile);
                            else kernel(kc, ap, ao, as, ps, bp, bo, bs, tile, 0, NR, 1f, true, 0f);
                            mergeEdge(tile, rows, cols, c, co, ldc, alpha, overwrite, cScale);
                        }
                    }
                }
            }
        }
    }

    /**
     * The 8 x NR micro-kernel: C tile = alpha * (A panel)(B panel), or that plus cScale * C when not
     * overwriting. ap holds kc groups of MR values, bp kc rows of NR values bs apart (NR when packed, ldb
     * when read in place; a variable stride measured as fast as the constant one). The store is written out
     * rather than calling a helper: a helper that C2 declines to inline boxes its vector arguments.
     */
    private static void kernel(int kc, float[] ap, int ao, int as, int ps, float[] bp, int bo, int bs, float[] c, int co, int ldc,
                               float alpha, boolean overwrite, float cScale) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a0 = ao, a1 = ao + as, a2 = ao + 2 * as, a3 = ao + 3 * as, a4 = ao + 4 * as, a5 = ao + 5 * as, a6 = ao + 6 * as, a7 = ao + 7 * as;
        for (int p = 0; p < kc; p++) {
            int pa = p * ps, pb = bo + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb), b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[a0 + pa]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a1 + pa]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a2 + pa]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a3 + pa]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a4 + pa]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a5 + pa]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[a6 + pa]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[a7 + pa]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (overwrite) {
            c00.mul(av).intoArray(c, co); c01.mul(av).intoArray(c, co + L);
            c10.mul(av).intoArray(c, co + ldc); c11.mul(av).intoArray(c, co + ldc + L);
            c20.mul(av).intoArray(c, co + 2 * ldc); c21.mul(av).intoArray(c, co + 2 * ldc + L);
            c30.mul(av).intoArray(c, co + 3 * ldc); c31.mul(av).intoArray(c, co + 3 * ldc + L);
            c40.mul(av).intoArray(c, co + 4 * ldc); c41.mul(av).intoArray(c, co + 4 * ldc + L);
            c50.mul(av).intoArray(c, co + 5 * ldc); c51.mul(av).intoArray(c, co + 5 * ldc + L);
            c60.mul(av).intoArray(c, co + 6 * ldc); c61.mul(av).intoArray(c, co + 6 * ldc + L);
            c70.mul(av).intoArray(c, co + 7 * ldc); c71.mul(av).intoArray(c, co + 7 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, cScale);
            int o0 = co;
            c00.fma(av, FloatVector.fromArray(S, c, o0).mul(bv)).intoArray(c, o0);
            c01.fma(av, FloatVector.fromArray(S, c, o0 + L).mul(bv)).intoArray(c, o0 + L);
            int o1 = co + ldc;
            c10.fma(av, FloatVector.fromArray(S, c, o1).mul(bv)).intoArray(c, o1);
            c11.fma(av, FloatVector.fromArray(S, c, o1 + L).mul(bv)).intoArray(c, o1 + L);
            int o2 = co + 2 * ldc;
            c20.fma(av, FloatVector.fromArray(S, c, o2).mul(bv)).intoArray(c, o2);
            c21.fma(av, FloatVector.fromArray(S, c, o2 + L).mul(bv)).intoArray(c, o2 + L);
            int o3 = co + 3 * ldc;
            c30.fma(av, FloatVector.fromArray(S, c, o3).mul(bv)).intoArray(c, o3);
            c31.fma(av, FloatVector.fromArray(S, c, o3 + L).mul(bv)).intoArray(c, o3 + L);
            int o4 = co + 4 * ldc;
            c40.fma(av, FloatVector.fromArray(S, c, o4).mul(bv)).intoArray(c, o4);
            c41.fma(av, FloatVector.fromArray(S, c, o4 + L).mul(bv)).intoArray(c, o4 + L);
            int o5 = co + 5 * ldc;
            c50.fma(av, FloatVector.fromArray(S, c, o5).mul(bv)).intoArray(c, o5);
            c51.fma(av, FloatVector.fromArray(S, c, o5 + L).mul(bv)).intoArray(c, o5 + L);
            int o6 = co + 6 * ldc;
            c60.fma(av, FloatVector.fromArray(S, c, o6).mul(bv)).intoArray(c, o6);
            c61.fma(av, FloatVector.fromArray(S, c, o6 + L).mul(bv)).intoArray(c, o6 + L);
            int o7 = co + 7 * ldc;
            c70.fma(av, FloatVector.fromArray(S, c, o7).mul(bv)).intoArray(c, o7);
            c71.fma(av, FloatVector.fromArray(S, c, o7 + L).mul(bv)).intoArray(c, o7 + L);
        }
    }


    /**
     * The 8 x L tile of an edge panel at most one vector wide (200 columns are six panels and 8 columns):
     * the full kernel would spend three quarters of its work on the zeros past the edge, which cost the
     * 1000 x 200 products of IWAE training 12% against 192 or 224 columns. Writes the plain sums into the
     * first L columns of each NR-wide row of tile.
     */
    private static void kernelHalf(int kc, float[] ap, int ao, int as, int ps, float[] bp, int bo, int bs, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        int a0 = ao, a1 = ao + as, a2 = ao + 2 * as, a3 = ao + 3 * as, a4 = ao + 4 * as, a5 = ao + 5 * as, a6 = ao + 6 * as, a7 = ao + 7 * as;
        for (int p = 0; p < kc; p++) {
            int pa = p * ps;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo + p * bs);
            c0 = FloatVector.broadcast(S, ap[a0 + pa]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[a1 + pa]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[a2 + pa]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[a3 + pa]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[a4 + pa]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[a5 + pa]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, ap[a6 + pa]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, ap[a7 + pa]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
    }

    /**
     * Small products without packing: C row i = beta * C row i, then for each p, += (alpha A(i, p)) op(B) row p,
     * a vector loop along the row when B is not transposed.
     */
    private static void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        int vn = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (transB) {
                    for (int j = 0, bj = bOff + p; j < n; j++, bj += ldb) c[ci + j] = Math.fma(av, b[bj], c[ci + j]);
                } else {
                    int bp = bOff + p * ldb, j = 0;
                    FloatVector va = FloatVector.broadcast(S, av);
                    for (; j < vn; j += L) {
                        va.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                    }
                    for (; j < n; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    /** The same arithmetic as the kernel's store, element by element, for tiles cut by the matrix edge. */
    private static void mergeEdge(float[] tile, int rows, int cols, float[] c, int co, int ldc,
                                  float alpha, boolean overwrite, float cScale) {
        for (int r = 0; r < rows; r++) {
            int o = co + r * ldc, t = r * NR;
            for (int j = 0; j < cols; j++) {
                c[o + j] = overwrite ? tile[t + j] * alpha : Math.fma(tile[t + j], alpha, c[o + j] * cScale);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
