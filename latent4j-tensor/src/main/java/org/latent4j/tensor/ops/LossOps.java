package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * Fused, numerically stable losses and log-densities used by the models. Each op computes its value and its
 * gradients in closed form, element by element in double precision, and rounds once to float: composing
 * them from exp/log ops would overflow or cancel at the extremes a training run reaches (logits of +-100,
 * log-variances of -30 or +20), and would keep several intermediate tensors alive for the backward.
 */
public final class LossOps {
    private LossOps() {}

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /**
     * Elements per parallel task: each element costs an exp or a log in double, an order of magnitude more
     * than the element-wise arithmetic that {@link ElementwiseOps#GRAIN} is sized for.
     */
    private static final int GRAIN = 1 << 12;

    /**
     * Binary cross-entropy of {@code targets} under Bernoulli(sigmoid(logits)), element-wise, same shape as
     * the logits: {@code max(x,0) - x t + log1p(exp(-|x|))}, evaluated as {@code x(1-t)} or {@code -x t} by
     * the sign of x so that confident correct predictions do not cancel. Targets may be soft (any value in
     * [0, 1]; values outside are not rejected, the formula simply extends). Gradients: {@code sigmoid(x) - t}
     * to the logits, {@code -x} to the targets.
     *
     * @param logits the logits x
     * @param targets the targets t, in [0, 1], of the logits' shape
     * @return the losses, one per element
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets) {
        int[] shape = logits.shape();
        if (!Arrays.equals(shape, targets.shape())) {
            throw new ShapeException("bceWithLogits: logits shape " + Shape.str(shape) + " and targets shape "
                    + Shape.str(targets.shape()) + " differ");
        }
        Tensor x = logits.contiguous(), t = targets.contiguous();
        Tensor out = Tensor.empty(shape);
        float[] xd = x.data(), td = t.data(), od = out.data();
        int xo = x.offset(), to = t.offset();
        VectorKernels k = Kernels.vector();
        Parallel.range(out.size(), GRAIN, (lo, hi) -> k.bceWithLogits(xd, xo + lo, td, to + lo, od, lo, hi - lo));
        return Autograd.record("bceWithLogits", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            boolean wantX = Autograd.wants(x), wantT = Autograd.wants(t);
            Tensor gx = wantX ? Tensor.empty(shape) : null, gt = wantT ? Tensor.empty(shape) : null;
            float[] gxd = wantX ? gx.data() : null, gtd = wantT ? gt.data() : null;
            Parallel.range(out.size(), GRAIN, (lo, hi) -> {
                if (wantX) k.bceWithLogitsBackward(xd, xo + lo, td, to + lo, gd, go + lo, gxd, lo, hi - lo);
                if (wantT) for (int i = lo; i < hi; i++) gtd[i] = -gd[go + i] * xd[xo + i];
            });
            if (wantX) Autograd.accumulate(x, gx);
            if (wantT) Autograd.accumulate(t, gt);
        }, x, t);
    }

    /**
     * {@link #bceWithLogits} summed over the last axis, in one op: the result has the logits' shape without
     * its last axis. The targets may have fewer leading axes than the logits (the trailing axes must match)
     * and then serve every leading index, as when k samples of a batch are scored against the batch: no
     * broadcast copy is made, and neither the element-wise losses nor the broadcast gradient of the sum
     * exist as tensors (for an IWAE step with k = 50 those were three copies of 3 MB). Gradients go to the
     * logits only; targets are data here.
     *
     * @param logits the logits, [..., d]
     * @param targets the targets in [0, 1]
     * @return the losses, the logits' shape without the last axis
     */
    public static Tensor bceWithLogitsSum(Tensor logits, Tensor targets) {
        int[] shape = logits.shape(), tShape = targets.shape();
        int rank = shape.length, tRank = tShape.length;
        if (rank == 0 || tRank == 0 || tRank > rank
                || !Arrays.equals(tShape, Arrays.copyOfRange(shape, rank - tRank, rank))) {
            throw new ShapeException("bceWithLogitsSum: targets shape " + Shape.str(tShape) + " is not a trailing part of logits shape "
                    + Shape.str(shape));
        }
        if (Autograd.wants(targets)) {
            throw new IllegalArgumentException("bceWithLogitsSum: gives no gradient to the targets; use bceWithLogits(...).sum(-1, false)");
        }
        Tensor x = logits.contiguous(), t = targets.contiguous();
        int d = shape[rank - 1], rows = x.size() / d, tRows = t.size() / d;
        Tensor out = Tensor.empty(Arrays.copyOf(shape, rank - 1));
        float[] xd = x.data(), td = t.data(), od = out.data();
        int xo = x.offset(), to = t.offset();
        VectorKernels k = Kernels.vector();
        // rows per task: about GRAIN elements, whole rows so that each row's sum stays in one task
        int rowGrain = Math.max(1, GRAIN / d);
        Parallel.range(rows, rowGrain, (lo, hi) -> {
            float[] row = row(d);
            for (int r = lo; r < hi; r++) {
                k.bceWithLogits(xd, xo + r * d, td, to + (r % tRows) * d, row, 0, d);
                od[r] = k.sum(row, 0, d);
            }
        });
        return Autograd.record("bceWithLogitsSum", out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            Tensor gx = Tensor.empty(shape);
            float[] gxd = gx.data();
            Parallel.range(rows, rowGrain, (lo, hi) -> {
                float[] row = row(d);
                for (int r = lo; r < hi; r++) {
                    Arrays.fill(row, 0, d, gd[go + r]);
                    k.bceWithLogitsBackward(xd, xo + r * d, td, to + (r % tRows) * d, row, 0, gxd, r * d, d);
                }
            });
            Autograd.accumulate(x, gx);
        }, x);
    }

    /** A row of scratch per thread for {@link #bceWithLogitsSum}. */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] row(int d) {
        float[] row = ROW.get();
        if (row.length < d) ROW.set(row = new float[d]);
        return row;
    }

    /**
     * Log-density of x under the diagonal Gaussian N(mu, exp(logVar)), summed over the last axis:
     * {@code -0.5 * sum(log(2 pi) + logVar + (x - mu)^2 exp(-logVar))}. The three inputs broadcast together
     * (e.g. logVar of shape [d] for a learned global variance, or [1]); the result has the broadcast shape
     * without its last axis. Gradients go to all three.
     *
     * @param x the points
     * @param mu the means
     * @param logVar the log-variances
     * @return the log-densities, the broadcast shape without the last axis
     */
    public static Tensor gaussianLogDensity(Tensor x, Tensor mu, Tensor logVar) {
        return gaussian("gaussianLogDensity", x, mu, logVar, true);
    }

    /**
     * The terms of {@link #gaussianLogDensity} before the sum over the last axis, in the broadcast shape:
     * for masking out missing dimensions, or per-pixel diagnostics.
     *
     * @param x the points
     * @param mu the means
     * @param logVar the log-variances
     * @return the per-dimension terms, in the broadcast shape
     */
    public static Tensor gaussianLogDensityPerElement(Tensor x, Tensor mu, Tensor logVar) {
        return gaussian("gaussianLogDensityPerElement", x, mu, logVar, false);
    }

    private static Tensor gaussian(String op, Tensor x, Tensor mu, Tensor logVar, boolean summed) {
        Rows r = Rows.of(op, summed, x, mu, logVar);
        Tensor out = Tensor.empty(summed ? r.reducedShape() : r.shape);
        float[] od = out.data();
        float[] xd = x.data(), md = mu.data(), vd = logVar.data();
        int[] xs = r.starts[0], ms = r.starts[1], vs = r.starts[2];
        int xi = r.innerStrides[0], mi = r.innerStrides[1], vi = r.innerStrides[2];
        int last = r.last;
        int vOff = logVar.offset();
        double[] iv = inverseVariances(logVar);
        Parallel.range(r.rows, Math.max(1, GRAIN / Math.max(1, last)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                double acc = 0;
                for (int j = 0, px = xs[row], pm = ms[row], pv = vs[row]; j < last; j++, px += xi, pm += mi, pv += vi) {
                    double d = (double) xd[px] - md[pm], lv = vd[pv];
                    double term = LOG_2PI + lv + d * d * iv[pv - vOff];
                    if (summed) acc += term;
                    else od[row * last + j] = (float) (-0.5 * term);
                }
                if (summed) od[row] = (float) (-0.5 * acc);
            }
        });
        return Autograd.record(op, out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            boolean wantX = Autograd.wants(x), wantM = Autograd.wants(mu), wantV = Autograd.wants(logVar);
            Tensor tx = wantX ? Tensor.empty(r.shape) : null, tm = wantM ? Tensor.empty(r.shape) : null;
            Tensor tv = wantV ? Tensor.empty(r.shape) : null;
            float[] gxd = wantX ? tx.data() : null, gmd = wantM ? tm.data() : null, gvd = wantV ? tv.data() : null;
            double[] ivb = inverseVariances(logVar);
            Parallel.range(r.rows, Math.max(1, GRAIN / Math.max(1, last)), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    int base = row * last;
                    for (int j = 0, px = xs[row], pm = ms[row], pv = vs[row]; j < last; j++, px += xi, pm += mi, pv += vi) {
                        double gv = gd[go + (summed ? row : base + j)];
                        double d = (double) xd[px] - md[pm];
                        double scaled = d * ivb[pv - vOff]; // (x - mu) / variance
                        if (wantX) gxd[base + j] = (float) (-gv * scaled);
                        if (wantM) gmd[base + j] = (float) (gv * scaled);
                        if (wantV) gvd[base + j] = (float) (-0.5 * gv * (1 - d * scaled));
                    }
                }
            });
            if (wantX) Autograd.accumulate(x, tx);
            if (wantM) Autograd.accumulate(mu, tm);
            if (wantV) Autograd.accumulate(logVar, tv);
        }, x, mu, logVar);
    }

    private static final ThreadLocal<double[]> INVERSE_VARIANCES = ThreadLocal.withInitial(() -> new double[0]);

    /**
     * exp(-logVar) in double for each element of the storage logVar spans, in a per-thread scratch (valid
     * until the next call on this thread): once per variance rather than once per broadcast use of it, and
     * an IWAE posterior variance serves k = 50 samples (the exponentials were 5% of a training step).
     */
    private static double[] inverseVariances(Tensor logVar) {
        int span = 1;
        for (int d = 0; d < logVar.rank(); d++) {
            if (logVar.dim(d) == 0) return new double[0];
            span += (logVar.dim(d) - 1) * logVar.stride(d);
        }
        double[] iv = INVERSE_VARIANCES.get();
        if (iv.length < span) {
            iv = new double[span];
            INVERSE_VARIANCES.set(iv);
        }
        float[] vd = logVar.data();
        int off = logVar.offset();
        for (int i = 0; i < span; i++) iv[i] = Math.exp(-(double) vd[off + i]);
        return iv;
    }

    /**
     * KL(N(mu, exp(logVar)) || N(0, I)) summed over the last axis: {@code 0.5 * sum(mu^2 + exp(logVar) -
     * logVar - 1)}, with {@code exp(logVar) - 1} taken as expm1 so a near-standard posterior keeps its small
     * KL instead of rounding it away. mu and logVar broadcast together; the result has the broadcast shape
     * without its last axis. Gradients: {@code mu}, and {@code 0.5 * (exp(logVar) - 1)}.
     *
     * @param mu the means
     * @param logVar the log-variances
     * @return the divergences, the shape without the last axis
     */
    public static Tensor klStandardNormal(Tensor mu, Tensor logVar) {
        return kl("klStandardNormal", mu, logVar, true);
    }

    /**
     * The per-dimension terms of {@link #klStandardNormal}, in the broadcast shape (for diagnostics such as active units).
     *
     * @param mu the means
     * @param logVar the log-variances
     * @return the per-dimension divergences
     */
    public static Tensor klStandardNormalPerDim(Tensor mu, Tensor logVar) {
        return kl("klStandardNormalPerDim", mu, logVar, false);
    }

    private static Tensor kl(String op, Tensor mu, Tensor logVar, boolean summed) {
        Rows r = Rows.of(op, summed, mu, logVar);
        Tensor out = Tensor.empty(summed ? r.reducedShape() : r.shape);
        float[] od = out.data();
        float[] md = mu.data(), vd = logVar.data();
        int[] ms = r.starts[0], vs = r.starts[1];
        int mi = r.innerStrides[0], vi = r.innerStrides[1];
        int last = r.last;
        Parallel.range(r.rows, Math.max(1, GRAIN / Math.max(1, last)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                double acc = 0;
                for (int j = 0, pm = ms[row], pv = vs[row]; j < last; j++, pm += mi, pv += vi) {
                    double m = md[pm], lv = vd[pv];
                    double term = m * m + (Math.expm1(lv) - lv);
                    if (summed) acc += term;
                    else od[row * last + j] = (float) (0.5 * term);
                }
                if (summed) od[row] = (float) (0.5 * acc);
            }
        });
        return Autograd.record(op, out, g -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.data();
            int go = gc.offset();
            boolean wantM = Autograd.wants(mu), wantV = Autograd.wants(logVar);
            Tensor tm = wantM ? Tensor.empty(r.shape) : null, tv = wantV ? Tensor.empty(r.shape) : null;
            float[] gmd = wantM ? tm.data() : null, gvd = wantV ? tv.data() : null;
            Parallel.range(r.rows, Math.max(1, GRAIN / Math.max(1, last)), (lo, hi) -> {
                for (int row = lo; row < hi; row++) {
                    int base = row * last;
                    for (int j = 0, pm = ms[row], pv = vs[row]; j < last; j++, pm += mi, pv += vi) {
                        double gv = gd[go + (summed ? row : base + j)];
                        if (wantM) gmd[base + j] = (float) (gv * md[pm]);
                        if (wantV) gvd[base + j] = (float) (0.5 * gv * Math.expm1(vd[pv]));
                    }
                }
            });
            if (wantM) Autograd.accumulate(mu, tm);
            if (wantV) Autograd.accumulate(logVar, tv);
        }, mu, logVar);
    }

    /**
     * Inputs broadcast to a common shape, walked as rows along its last axis: for each input, the storage
     * position where each row starts and the step along the row (0 where the input is broadcast). Reads
     * strided inputs in place, so no input is copied or expanded.
     */
    private record Rows(int[] shape, int last, int rows, int[][] starts, int[] innerStrides) {
        static Rows of(String op, boolean summed, Tensor... inputs) {
            int[] shape = inputs[0].shape();
            for (int i = 1; i < inputs.length; i++) shape = Shape.broadcast(op, shape, inputs[i].shape());
            if (summed && shape.length == 0) {
                throw new ShapeException(op + ": needs at least one axis to sum over, got scalar inputs");
            }
            int rank = shape.length;
            int last = rank == 0 ? 1 : shape[rank - 1];
            int rows = rank == 0 ? 1 : Shape.prod(shape, 0, rank - 1);
            int[][] bStrides = new int[inputs.length][];
            int[][] starts = new int[inputs.length][rows];
            int[] inner = new int[inputs.length];
            int[] pos = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                int[] st = new int[t.rank()];
                for (int d = 0; d < st.length; d++) st[d] = t.stride(d);
                bStrides[i] = Shape.broadcastStrides(t.shape(), st, shape);
                inner[i] = rank == 0 ? 0 : bStrides[i][rank - 1];
                pos[i] = t.offset();
            }
            int[] idx = new int[Math.max(0, rank - 1)];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < inputs.length; i++) starts[i][r] = pos[i];
                for (int d = rank - 2; d >= 0; d--) {
                    for (int i = 0; i < inputs.length; i++) pos[i] += bStrides[i][d];
                    if (++idx[d] < shape[d]) break;
                    for (int i = 0; i < inputs.length; i++) pos[i] -= bStrides[i][d] * shape[d];
                    idx[d] = 0;
                }
            }
            return new Rows(shape, last, rows, starts, inner);
        }

        int[] reducedShape() {
            return Arrays.copyOf(shape, shape.length - 1);
        }
    }
}
