package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Gemm;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.VectorKernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * 2-D convolution and transposed convolution on NCHW tensors (groups = 1), with their backward passes.
 *
 * <p>Layouts are PyTorch's: {@link #conv2d} takes x [N, C, H, W] and weight [O, C, kh, kw];
 * {@link #convTranspose2d} takes x [N, C, H, W] and weight [C, O, kh, kw] (ConvTranspose2d's layout, in
 * which the same tensor serves the convolution that maps O channels to C and its transpose). Bias [O] or
 * null. {@link Conv2dGeometry} gives stride, padding, dilation and output padding per axis.
 *
 * <p>Implementation: im2col and col2im around the engine's packed GEMM, channels-last. The images of
 * the image side (the input of conv2d, the output of convTranspose2d) are copied to channels-last order
 * with their zero padding ([H + 2 ph, W + 2 pw, C]); a column matrix has one row per output position and
 * K = kh kw C columns ordered (tap, channel), so im2col copies runs of C (with dilation 1, kw C)
 * contiguous floats with no bounds tests, and one product covers a group of G images: [G P, K] x [K, O]
 * for the convolution (P = Ho Wo), [G P, O] x [O, K] for its adjoint (then col2im adds the columns back
 * into image positions: the input gradient of conv2d, the forward of convTranspose2d), and
 * [K, G P] x [G P, O] (the columns read through a GEMM transpose flag, not copied) for the weight
 * gradient. Values go between NCHW and channels-last in one transposing copy per image; the backward
 * computes both gradients in one pass that shares those copies, and the forward keeps its
 * channels-last input for the weight gradient.
 *
 * <p>Why this and not the first version, which lowered image by image in NCHW order ([O, K] x [K, P]):
 * on the VQ-VAE's layers (batch 64, 28 x 28 down to 7 x 7) its im2col gathered single pixels along rows
 * of 7 to 14 and took as long as the products, and its products (n = 49 on the 7 x 7 layers, a third of
 * the last 32-column panel wasted) ran at 105 GFLOPS on one core where the grouped shapes run at 155-190
 * ({@code latent4j bench gemm --serve}); a training step of those layers went from 18-30 to 50-56
 * steps/s. Phase timers on the 7 x 7 and 14 x 14 layers then put 70-78% of their time in GEMM and the
 * rest in the copies, which bounds what a direct Vector-API convolution could gain there (it would have
 * to match the GEMM micro-kernel's speed first), so none was written. Nor was a Vector-API transposing
 * copy kept: 8 x 8 blocks transposed in registers copied 15-25% faster than the blocked scalar loop on
 * its own (0.28 against 0.35 ns a float) and made no difference measurable in the layers.
 *
 * <p>Work and determinism: the batch is cut into at most {@link #MAX_TASKS} tasks, fixed ranges of whole
 * images (a function of the shapes only), each with its own pooled buffers, and the tasks run on the
 * pool; a task processes its images in fixed groups. The weight gradient sums its groups in order within
 * a task into the task's partial, and the partials are added in task order, so every result is the same
 * bits for any thread count. A batch of one is a single task, whose GEMMs then use the pool themselves.
 *
 * <p>Memory: every temporary (channels-last copies, column matrices, reordered weights, partial sums) is
 * a {@link Tensor#empty} tensor, so inside a {@link org.latent4j.tensor.Workspace} scope they are pooled
 * and a steady-state step allocates no buffer (what remains is small objects: the tensors' headers and
 * each GEMM call's bookkeeping).
 */
public final class ConvOps {
    private ConvOps() {}

    /** Most tasks the batch is cut into: enough to balance a few threads when a core runs slow. */
    static final int MAX_TASKS = 8;
    /**
     * Floats of the column matrix of one product (512 KB): images are grouped up to this, so that a
     * product has a few hundred rows (the 7 x 7 layers: 4 images, 196 rows) and stays in L2.
     */
    private static final long COLUMN_TARGET = 1L << 17;
    /** Floats of all the tasks' buffers together (16 MB): fewer tasks for very large images. */
    private static final long TASK_BUDGET = 1L << 22;
    /** Images with fewer channels go through im2col and col2im column by column rather than in runs of channels. */
    private static final int SHORT_RUN = 4;
    /** Below this many multiply-adds the hand-off to the pool costs more than it saves (as in GEMM). */
    private static final long PARALLEL_MIN_WORK = 1L << 21;

    /**
     * {@code conv2d(x, weight, bias, Conv2dGeometry.DEFAULT)}.
     *
     * @param x the input, [batch, inChannels, h, w]
     * @param weight the kernels, [outChannels, inChannels, kh, kw]
     * @param bias [outChannels], or null for none
     * @return the output, [batch, outChannels, h', w']
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dGeometry.DEFAULT);
    }

    /**
     * Cross-correlation, as in deep-learning frameworks: out[n, o, i, j] = bias[o] + sum over c, a, b of
     * x[n, c, i sh - ph + a dh, j sw - pw + b dw] weight[o, c, a, b], reading zeros outside x.
     *
     * @param x      [N, C, H, W]
     * @param weight [O, C, kh, kw]
     * @param bias   [O], or null for none
     * @param g      stride, padding and dilation (output padding must be 0)
     * @return [N, O, Ho, Wo] with Ho = floor((H + 2 ph - dh (kh - 1) - 1) / sh) + 1, likewise Wo
     * @throws ShapeException naming the op, every shape and the geometry when they do not fit
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dGeometry g) {
        if (x.rank() != 4 || weight.rank() != 4) throw shapeError("conv2d", x, weight, bias, g, "input and weight must be 4-D (NCHW and [O, C, kh, kw])");
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        if (weight.dim(1) != c) throw shapeError("conv2d", x, weight, bias, g, "the weight's second dimension must equal the input's channels " + c);
        checkBias("conv2d", x, weight, bias, g, o);
        if (g.outputPaddingH() != 0 || g.outputPaddingW() != 0) {
            throw shapeError("conv2d", x, weight, bias, g, "output padding applies to convTranspose2d only");
        }
        if (kh == 0 || kw == 0) throw shapeError("conv2d", x, weight, bias, g, "the kernel is empty");
        int ho = Conv2dGeometry.convOut(h, kh, g.strideH(), g.paddingH(), g.dilationH());
        int wo = Conv2dGeometry.convOut(w, kw, g.strideW(), g.paddingW(), g.dilationW());
        if (ho < 1 || wo < 1) {
            throw shapeError("conv2d", x, weight, bias, g, "the dilated kernel is larger than the padded input (output would be "
                    + ho + "x" + wo + ")");
        }
        Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        Lowering low = new Lowering(n, c, h, w, kh, kw, ho, wo, g, o);
        Tensor out = Tensor.empty(n, o, ho, wo);
        // the weight gradient reads x channels-last: the forward's copy is kept for it
        Tensor kept = keepsInput(wc) ? Tensor.empty(n, low.paddedSize()) : null;
        imageToColumns(low, wc, xc, out, bc == null ? Init.OVERWRITE : Init.BIAS, bc, kept);
        return Autograd.record("conv2d", out, grad -> {
            Tensor gc = grad.contiguous();
            backward(low, false, wc, xc, gc, kept);
            if (Autograd.wants(bc)) Autograd.accumulateInto(bc, (dst, add) -> biasGradient(gc, n, o, ho * wo, dst, add));
        }, xc, wc, bc);
    }

    /**
     * {@code convTranspose2d(x, weight, bias, Conv2dGeometry.DEFAULT)}.
     *
     * @param x the input, [batch, inChannels, h, w]
     * @param weight the kernels, [inChannels, outChannels, kh, kw] as torch stores them
     * @param bias [outChannels], or null for none
     * @return the output, [batch, outChannels, h', w']
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias) {
        return convTranspose2d(x, weight, bias, Conv2dGeometry.DEFAULT);
    }

    /**
     * Transposed convolution (the adjoint of {@link #conv2d} with the same weight tensor, plus a bias):
     * every input pixel x[n, c, i, j] adds x[n, c, i, j] weight[c, o, a, b] to
     * out[n, o, i sh - ph + a dh, j sw - pw + b dw] (positions outside the output are dropped).
     *
     * @param x      [N, C, H, W]
     * @param weight [C, O, kh, kw] (PyTorch's ConvTranspose2d layout)
     * @param bias   [O], or null for none
     * @param g      stride, padding, dilation and output padding of each axis
     * @return [N, O, Ho, Wo] with Ho = (H - 1) sh - 2 ph + dh (kh - 1) + oph + 1, likewise Wo
     * @throws ShapeException naming the op, every shape and the geometry when they do not fit
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, Conv2dGeometry g) {
        String op = "convTranspose2d";
        if (x.rank() != 4 || weight.rank() != 4) throw shapeError(op, x, weight, bias, g, "input and weight must be 4-D (NCHW and [C, O, kh, kw])");
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (weight.dim(0) != c) throw shapeError(op, x, weight, bias, g, "the weight's first dimension must equal the input's channels " + c);
        checkBias(op, x, weight, bias, g, o);
        if (kh == 0 || kw == 0) throw shapeError(op, x, weight, bias, g, "the kernel is empty");
        if (h == 0 || w == 0) throw shapeError(op, x, weight, bias, g, "the input has no pixels");
        long hoL = Conv2dGeometry.transposedOut(h, kh, g.strideH(), g.paddingH(), g.dilationH(), g.outputPaddingH());
        long woL = Conv2dGeometry.transposedOut(w, kw, g.strideW(), g.paddingW(), g.dilationW(), g.outputPaddingW());
        if (hoL < 1 || woL < 1) throw shapeError(op, x, weight, bias, g, "the padding leaves no output (output would be " + hoL + "x" + woL + ")");
        if (hoL * woL > Integer.MAX_VALUE) throw shapeError(op, x, weight, bias, g, "the output has more than 2^31-1 pixels");
        int ho = (int) hoL, wo = (int) woL;
        Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        // lowered as the convolution it transposes: the output is the image side, the input the column side
        Lowering low = new Lowering(n, o, ho, wo, kh, kw, h, w, g, c);
        Tensor out = Tensor.empty(n, o, ho, wo);
        Tensor kept = keepsInput(wc) ? Tensor.empty(n, low.sideSize()) : null;
        columnsToImage(low, wc, xc, out, bc == null ? Init.OVERWRITE : Init.BIAS, bc, kept);
        return Autograd.record(op, out, grad -> {
            Tensor gc = grad.contiguous();
            backward(low, true, wc, xc, gc, kept);
            if (Autograd.wants(bc)) Autograd.accumulateInto(bc, (dst, add) -> biasGradient(gc, n, o, ho * wo, dst, add));
        }, xc, wc, bc);
    }

    // ------------------------------------------------------------------ shapes and errors

    private static void checkBias(String op, Tensor x, Tensor weight, Tensor bias, Conv2dGeometry g, int o) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != o)) {
            throw shapeError(op, x, weight, bias, g, "the bias must be [" + o + "] (one value per output channel)");
        }
    }

    private static ShapeException shapeError(String op, Tensor x, Tensor weight, Tensor bias, Conv2dGeometry g, String what) {
        return new ShapeException(op + ": " + what + "; input " + Shape.str(x.shape()) + ", weight " + Shape.str(weight.shape())
                + ", bias " + (bias == null ? "none" : Shape.str(bias.shape())) + ", " + g.describe());
    }

    // ------------------------------------------------------------------ lowering to GEMM

    /**
     * One convolution seen from its two sides: the image side ({@code ch} x h x w per image, what im2col
     * reads and col2im writes) and the column side ({@code m} channels of P = ho x wo positions per image,
     * what the products produce or read). For conv2d the image side is the input, for convTranspose2d the
     * output. The weight is [m, ch, kh, kw] in both cases. The work split is fixed here, from the shapes.
     */
    private static final class Lowering {
        final int n, ch, h, w, kh, kw, ho, wo, sh, sw, ph, pw, dh, dw, m;
        /** The image side with its zero padding: every tap of every output position falls inside. */
        final int hp, wp;
        /** K = kh kw ch (a row of the column matrix, ordered tap by tap, channels innermost) and P. */
        final int k, p;
        /** A 1x1 kernel with stride 1 and no padding: the channels-last image is its own column matrix. */
        final boolean identity;
        /** Tasks (fixed ranges of whole images), images per task, and images per product within a task. */
        final int tasks, perTask, group;
        /** Multiply-adds of one pass over the batch. */
        final long work;

        Lowering(int n, int ch, int h, int w, int kh, int kw, int ho, int wo, Conv2dGeometry g, int m) {
            this.n = n;
            this.ch = ch;
            this.h = h;
            this.w = w;
            this.kh = kh;
            this.kw = kw;
            this.ho = ho;
            this.wo = wo;
            this.sh = g.strideH();
            this.sw = g.strideW();
            this.ph = g.paddingH();
            this.pw = g.paddingW();
            this.dh = g.dilationH();
            this.dw = g.dilationW();
            this.m = m;
            this.hp = Math.addExact(h, 2 * ph);
            this.wp = Math.addExact(w, 2 * pw);
            this.k = Math.multiplyExact(ch, Math.multiplyExact(kh, kw));
            this.p = Math.multiplyExact(ho, wo);
            this.identity = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && h == ho && w == wo;
            long perImage = (long) p * k;
            this.group = (int) Math.max(1, Math.min(Math.max(1, n), COLUMN_TARGET / Math.max(1, perImage)));
            int t = Math.max(1, Math.min(n, MAX_TASKS));
            // every task holds a group's buffers and a weight-gradient partial: bound them together
            long perTaskFloats = (long) group * ((identity ? 0 : perImage) + (long) hp * wp * ch + (long) p * m) + (long) m * k;
            t = (int) Math.max(1, Math.min(t, TASK_BUDGET / Math.max(1, perTaskFloats)));
            this.perTask = Math.max(1, (n + t - 1) / t);
            this.tasks = Math.max(1, (n + perTask - 1) / perTask);
            this.work = (long) n * m * k * p;
        }

        /** One image of the image side in NCHW. */
        int imageSize() {
            return ch * h * w;
        }

        /** One image of the image side channels-last with its padding: [hp, wp, ch]. */
        int paddedSize() {
            return Math.multiplyExact(hp, Math.multiplyExact(wp, ch));
        }

        int sideSize() {
            return m * p;
        }

        /** Images per product: a task's last group may be short. */
        int groupSize() {
            return Math.min(group, perTask);
        }

        /** Runs body(task, firstImage, endImage) for every task, on the pool when the work is worth it. */
        void forTasks(TaskBody body) {
            if (n == 0) return;
            if (tasks > 1 && work >= PARALLEL_MIN_WORK) {
                Parallel.forEach(tasks, t -> body.run(t, t * perTask, Math.min(n, (t + 1) * perTask)));
            } else {
                for (int t = 0; t < tasks; t++) body.run(t, t * perTask, Math.min(n, (t + 1) * perTask));
            }
        }
    }

    @FunctionalInterface
    private interface TaskBody {
        void run(int task, int from, int to);
    }

    /** What a pass does with its destination's previous contents. */
    private enum Init {
        /** Overwrite (the destination may hold garbage). */
        OVERWRITE,
        /** Add to it. */
        ACCUMULATE,
        /** Overwrite with bias[channel] plus the result. */
        BIAS
    }

    /** A task's pooled buffers (views into one tensor per kind, so a call makes a fixed number of tensors). */
    private static final class Buffers {
        final Tensor image, columns, side;
        final int imageStride, columnStride, sideStride;

        Buffers(Lowering low) {
            int g = low.groupSize();
            imageStride = Math.multiplyExact(g, low.paddedSize());
            columnStride = low.identity ? 0 : Math.multiplyExact(g, Math.multiplyExact(low.p, low.k));
            sideStride = Math.multiplyExact(g, low.sideSize());
            image = Tensor.empty(low.tasks, imageStride);
            columns = low.identity ? image : Tensor.empty(low.tasks, columnStride);
            side = Tensor.empty(low.tasks, sideStride);
        }

        int image(int task) {
            return image.offset() + task * imageStride;
        }

        /** The column matrix of a task: its channels-last images themselves when the lowering is the identity (no padding). */
        int columns(int task) {
            return columns.offset() + task * (columnStride == 0 ? imageStride : columnStride);
        }

        int side(int task) {
            return side.offset() + task * sideStride;
        }
    }

    /** Whether a forward keeps its input channels-last for the weight gradient (an op whose weight will get one). */
    private static boolean keepsInput(Tensor weight) {
        return GradMode.isEnabled() && weight.requiresGrad();
    }

    /**
     * The weight [m, ch, kh, kw] as the matrix the products read, with K ordered (tap, channel) like the
     * channels-last columns: [K, m] when {@code kMajor}, else [m, K]. A permuting copy of the weight per call.
     */
    private static Tensor weightMatrix(Lowering low, Tensor weight, boolean kMajor) {
        Tensor out = Tensor.empty(kMajor ? new int[] {low.k, low.m} : new int[] {low.m, low.k});
        float[] src = weight.data(), dst = out.data();
        int so = weight.offset(), d = out.offset(), taps = low.kh * low.kw, ch = low.ch, m = low.m, k = low.k;
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < ch; c++) {
                int s = so + (r * ch + c) * taps;
                for (int t = 0; t < taps; t++) {
                    int col = t * ch + c;
                    dst[kMajor ? d + col * m + r : d + r * k + col] = src[s + t];
                }
            }
        }
        return out;
    }

    /**
     * dst_i [m, P] (init) = im2col(image_i) times the weight, for every image i: the forward of conv2d
     * (image = x). Per group of images: the images channels-last (into {@code kept} when the backward
     * will want them), their column matrix [G P, K], one product [G P, K] x [K, m] into channels-last
     * results, written back to NCHW.
     */
    private static void imageToColumns(Lowering low, Tensor weight, Tensor image, Tensor dst, Init init, Tensor bias, Tensor kept) {
        Tensor wk = weightMatrix(low, weight, true);
        Buffers buf = new Buffers(low);
        float[] wd = wk.data(), id = image.data(), dd = dst.data(), kd = kept == null ? null : kept.data();
        float[] bd = bias == null ? null : bias.data();
        int wo = wk.offset(), io = image.offset(), doff = dst.offset(), bo = bias == null ? 0 : bias.offset();
        int ko = kept == null ? 0 : kept.offset();
        int m = low.m, k = low.k, p = low.p, imageSize = low.imageSize(), padded = low.paddedSize(), sideSize = low.sideSize();
        Gemm gemm = Kernels.gemm();
        low.forTasks((task, from, to) -> {
            float[] cols = buf.columns.data(), side = buf.side.data();
            int sc = buf.side(task);
            for (int i0 = from; i0 < to; i0 += low.group) {
                int g = Math.min(low.group, to - i0);
                float[] cl = kd != null ? kd : buf.image.data();
                int clo = kd != null ? ko + i0 * padded : buf.image(task);
                for (int i = 0; i < g; i++) toPadded(low, id, io + (i0 + i) * imageSize, cl, clo + i * padded);
                float[] a = cl;
                int ao = clo;
                if (!low.identity) {
                    a = cols;
                    ao = buf.columns(task);
                    for (int i = 0; i < g; i++) im2col(low, cl, clo + i * padded, cols, ao + i * p * k);
                }
                gemm.sgemm(false, false, g * p, m, k, 1f, a, ao, k, wd, wo, m, 0f, side, sc, m);
                for (int i = 0; i < g; i++) toNchw(side, sc + i * sideSize, p, m, dd, doff + (i0 + i) * sideSize, init, bd, bo);
            }
        });
    }

    /**
     * image_i (init) = col2im(src_i^T times the weight), for every image i: the forward of
     * convTranspose2d (src = x). Per group: the sources channels-last [G P, m] (into {@code kept} when the
     * backward will want them), one product with the weight [m, K] into columns [G P, K], col2im into
     * zeroed channels-last images, written back to NCHW.
     */
    private static void columnsToImage(Lowering low, Tensor weight, Tensor src, Tensor image, Init init, Tensor bias, Tensor kept) {
        Tensor wm = weightMatrix(low, weight, false);
        Buffers buf = new Buffers(low);
        float[] wd = wm.data(), sd = src.data(), id = image.data(), kd = kept == null ? null : kept.data();
        float[] bd = bias == null ? null : bias.data();
        int wo = wm.offset(), so = src.offset(), io = image.offset(), bo = bias == null ? 0 : bias.offset();
        int ko = kept == null ? 0 : kept.offset();
        int m = low.m, p = low.p, sideSize = low.sideSize();
        Gemm gemm = Kernels.gemm();
        low.forTasks((task, from, to) -> {
            for (int i0 = from; i0 < to; i0 += low.group) {
                int g = Math.min(low.group, to - i0);
                float[] side = kd != null ? kd : buf.side.data();
                int sc = kd != null ? ko + i0 * sideSize : buf.side(task);
                for (int i = 0; i < g; i++) transpose(sd, so + (i0 + i) * sideSize, p, m, p, side, sc + i * sideSize, m, false);
                imageFromColumns(low, buf, task, g, gemm, side, sc, wd, wo, id, io + i0 * low.imageSize(), init, bd, bo);
            }
        });
    }

    /**
     * The tail both col2im directions share, for the g images of a group whose channels-last column-side
     * values [g P, m] are at side[sc]: columns = side times the weight matrix [m, K], col2im into the task's
     * zeroed channels-last images, written to NCHW at dst[d] (init).
     */
    private static void imageFromColumns(Lowering low, Buffers buf, int task, int g, Gemm gemm, float[] side, int sc,
                                         float[] wd, int wo, float[] dst, int d, Init init, float[] bd, int bo) {
        int p = low.p, k = low.k, imageSize = low.imageSize(), padded = low.paddedSize();
        float[] cols = buf.columns.data(), imageCl = buf.image.data();
        int cc = buf.columns(task), ic = buf.image(task);
        // the identity lowering's columns are the channels-last images themselves (the same buffer)
        gemm.sgemm(false, false, g * p, k, low.m, 1f, side, sc, low.m, wd, wo, k, 0f, cols, cc, k);
        if (!low.identity) {
            Arrays.fill(imageCl, ic, ic + g * padded, 0f);
            for (int i = 0; i < g; i++) col2im(low, cols, cc + i * p * k, imageCl, ic + i * padded);
        }
        for (int i = 0; i < g; i++) fromPadded(low, imageCl, ic + i * padded, dst, d + i * imageSize, init, bd, bo);
    }

    /**
     * The backward of one op, input and weight gradients in one pass over the batch (they share the
     * output gradient's channels-last copy, and for the transposed op its column matrix), each written
     * straight into its gradient buffer. {@code kept}: the forward's channels-last input, or null.
     */
    private static void backward(Lowering low, boolean transposed, Tensor weight, Tensor x, Tensor grad, Tensor kept) {
        boolean wantX = Autograd.wants(x), wantW = Autograd.wants(weight);
        if (wantX && wantW) {
            Autograd.accumulateInto(x, (dx, addX) -> Autograd.accumulateInto(weight, (dw, addW) ->
                    backwardPass(low, transposed, weight, x, grad, kept, dx, addX, dw, addW)));
        } else if (wantX) {
            Autograd.accumulateInto(x, (dx, addX) -> backwardPass(low, transposed, weight, x, grad, kept, dx, addX, null, false));
        } else if (wantW) {
            Autograd.accumulateInto(weight, (dw, addW) -> backwardPass(low, transposed, weight, x, grad, kept, null, false, dw, addW));
        }
    }

    /**
     * For conv2d (image side x, column side the output gradient G), per group: G channels-last; the input
     * gradient as col2im(G times the weight matrix); the weight gradient as im2col(x)^T times G. For
     * convTranspose2d (image side G, column side x): im2col(G); the input gradient as im2col(G) times the
     * weight matrix; the weight gradient as im2col(G)^T times x channels-last. Each task sums its weight
     * gradient [K, m] into its own partial, in group order; the partials are added in task order and
     * permuted into dw's layout.
     */
    private static void backwardPass(Lowering low, boolean transposed, Tensor weight, Tensor x, Tensor grad, Tensor kept,
                                     Tensor dx, boolean addX, Tensor dw, boolean addW) {
        int m = low.m, k = low.k, p = low.p, imageSize = low.imageSize(), padded = low.paddedSize(), sideSize = low.sideSize();
        if (dw != null && !addW && low.n == 0) Arrays.fill(dw.data(), dw.offset(), dw.offset() + m * k, 0f);
        if (low.n == 0) return;
        // the input gradient's product reads the weight matrix the forward of the other direction reads
        Tensor wmat = dx == null ? null : weightMatrix(low, weight, transposed);
        Buffers buf = new Buffers(low);
        Tensor partials = dw == null ? null : Tensor.empty(low.tasks, k * m);
        float[] gd = grad.data(), xd = x.data(), kd = kept == null ? null : kept.data();
        float[] wd = wmat == null ? null : wmat.data(), dxd = dx == null ? null : dx.data(), pd = partials == null ? null : partials.data();
        int go = grad.offset(), xo = x.offset(), ko = kept == null ? 0 : kept.offset(), wo = wmat == null ? 0 : wmat.offset();
        int dxo = dx == null ? 0 : dx.offset(), po = partials == null ? 0 : partials.offset();
        Init init = addX ? Init.ACCUMULATE : Init.OVERWRITE;
        Gemm gemm = Kernels.gemm();
        low.forTasks((task, from, to) -> {
            float[] cols = buf.columns.data(), side = buf.side.data(), imageCl = buf.image.data();
            int cc = buf.columns(task), sc = buf.side(task), ic = buf.image(task);
            for (int i0 = from; i0 < to; i0 += low.group) {
                int g = Math.min(low.group, to - i0);
                float beta = i0 == from ? 0f : 1f;
                if (!transposed) {
                    for (int i = 0; i < g; i++) transpose(gd, go + (i0 + i) * sideSize, p, m, p, side, sc + i * sideSize, m, false);
                    if (dxd != null) imageFromColumns(low, buf, task, g, gemm, side, sc, wd, wo, dxd, dxo + i0 * imageSize, init, null, 0);
                    if (pd != null) {
                        float[] cl = kd != null ? kd : imageCl;
                        int clo = kd != null ? ko + i0 * padded : ic;
                        if (kd == null) {
                            for (int i = 0; i < g; i++) toPadded(low, xd, xo + (i0 + i) * imageSize, cl, clo + i * padded);
                        }
                        float[] a = cl;
                        int ao = clo;
                        if (!low.identity) {
                            a = cols;
                            ao = cc;
                            for (int i = 0; i < g; i++) im2col(low, cl, clo + i * padded, cols, cc + i * p * k);
                        }
                        gemm.sgemm(true, false, k, m, g * p, 1f, a, ao, k, side, sc, m, beta, pd, po + task * k * m, m);
                    }
                } else {
                    for (int i = 0; i < g; i++) toPadded(low, gd, go + (i0 + i) * imageSize, imageCl, ic + i * padded);
                    float[] a = imageCl;
                    int ao = ic;
                    if (!low.identity) {
                        a = cols;
                        ao = cc;
                        for (int i = 0; i < g; i++) im2col(low, imageCl, ic + i * padded, cols, cc + i * p * k);
                    }
                    if (dxd != null) {
                        gemm.sgemm(false, false, g * p, m, k, 1f, a, ao, k, wd, wo, m, 0f, side, sc, m);
                        for (int i = 0; i < g; i++) toNchw(side, sc + i * sideSize, p, m, dxd, dxo + (i0 + i) * sideSize, init, null, 0);
                    }
                    if (pd != null) {
                        float[] xs = kd != null ? kd : side;
                        int xso = kd != null ? ko + i0 * sideSize : sc;
                        if (kd == null) {
                            for (int i = 0; i < g; i++) transpose(xd, xo + (i0 + i) * sideSize, p, m, p, side, sc + i * sideSize, m, false);
                        }
                        gemm.sgemm(true, false, k, m, g * p, 1f, a, ao, k, xs, xso, m, beta, pd, po + task * k * m, m);
                    }
                }
            }
        });
        if (partials != null) finishWeightGradient(low, partials, dw, addW);
    }

    /** Adds the tasks' [K, m] partials in task order and writes (or adds) the sum into dw [m, ch, kh, kw]. */
    private static void finishWeightGradient(Lowering low, Tensor partials, Tensor dw, boolean accumulate) {
        int m = low.m, k = low.k, size = k * m, tasks = low.tasks;
        float[] pd = partials.data(), dd = dw.data();
        int po = partials.offset(), dOff = dw.offset();
        VectorKernels vk = Kernels.vector();
        // every element adds the partials in task order whatever the range split
        Parallel.range(size, ElementwiseOps.GRAIN, (lo, hi) -> {
            for (int t = 1; t < tasks; t++) vk.add(pd, po + lo, pd, po + t * size + lo, pd, po + lo, hi - lo);
        });
        // the sum is [(tap, channel), m]; the weight is [m, (channel, tap)]
        int taps = low.kh * low.kw, ch = low.ch;
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < ch; c++) {
                int d = dOff + (r * ch + c) * taps, s = po + c * m + r;
                for (int t = 0; t < taps; t++, s += ch * m) dd[d + t] = accumulate ? dd[d + t] + pd[s] : pd[s];
            }
        }
    }

    /**
     * dst[o] (= or +=) the sum over images i and positions q of g[i, o, q]: the bias gradient. Per channel
     * the images' rows are added element-wise in image order into a pooled row, which is then summed once.
     */
    private static void biasGradient(Tensor g, int n, int channels, int pixels, Tensor dst, boolean accumulate) {
        float[] gd = g.data(), dd = dst.data();
        int go = g.offset(), dOff = dst.offset();
        if (n == 0) {
            if (!accumulate) Arrays.fill(dd, dOff, dOff + channels, 0f);
            return;
        }
        Tensor rows = Tensor.empty(channels, pixels);
        float[] rd = rows.data();
        int ro = rows.offset();
        VectorKernels vk = Kernels.vector();
        int grain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, n * pixels));
        Parallel.range(channels, grain, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int r = ro + o * pixels;
                System.arraycopy(gd, go + o * pixels, rd, r, pixels);
                for (int i = 1; i < n; i++) vk.add(rd, r, gd, go + (i * channels + o) * pixels, rd, r, pixels);
                float s = vk.sum(rd, r, pixels);
                dd[dOff + o] = accumulate ? dd[dOff + o] + s : s;
            }
        });
    }

    // ------------------------------------------------------------------ layout copies, im2col and col2im

    /**
     * dst[d + c dstStride + r] = src[so + r srcStride + c] for r < rows, c < cols (or += when {@code add}):
     * the copies between NCHW and channels-last. Eight source rows at a time, so that each destination
     * row gets runs of eight; a plain copy when one side is a single contiguous row (one channel).
     */
    private static void transpose(float[] src, int so, int srcStride, int rows, int cols, float[] dst, int d, int dstStride, boolean add) {
        if ((rows == 1 && dstStride == 1) || (cols == 1 && srcStride == 1)) {
            int n = rows * cols;
            if (add) {
                for (int j = 0; j < n; j++) dst[d + j] += src[so + j];
            } else {
                System.arraycopy(src, so, dst, d, n);
            }
            return;
        }
        int r0 = 0;
        for (; r0 + 8 <= rows; r0 += 8) {
            int s = so + r0 * srcStride;
            for (int c = 0; c < cols; c++) {
                int o = d + c * dstStride + r0, t = s + c;
                if (add) {
                    dst[o] += src[t];
                    dst[o + 1] += src[t + srcStride];
                    dst[o + 2] += src[t + 2 * srcStride];
                    dst[o + 3] += src[t + 3 * srcStride];
                    dst[o + 4] += src[t + 4 * srcStride];
                    dst[o + 5] += src[t + 5 * srcStride];
                    dst[o + 6] += src[t + 6 * srcStride];
                    dst[o + 7] += src[t + 7 * srcStride];
                } else {
                    dst[o] = src[t];
                    dst[o + 1] = src[t + srcStride];
                    dst[o + 2] = src[t + 2 * srcStride];
                    dst[o + 3] = src[t + 3 * srcStride];
                    dst[o + 4] = src[t + 4 * srcStride];
                    dst[o + 5] = src[t + 5 * srcStride];
                    dst[o + 6] = src[t + 6 * srcStride];
                    dst[o + 7] = src[t + 7 * srcStride];
                }
            }
        }
        for (int r = r0; r < rows; r++) {
            int s = so + r * srcStride;
            if (add) {
                for (int c = 0, o = d + r; c < cols; c++, o += dstStride) dst[o] += src[s + c];
            } else {
                for (int c = 0, o = d + r; c < cols; c++, o += dstStride) dst[o] = src[s + c];
            }
        }
    }

    /** dst [channels, pixels] (init) = src [pixels, channels]^T: column-side values from channels-last to NCHW. */
    private static void toNchw(float[] src, int so, int pixels, int channels, float[] dst, int d, Init init, float[] bias, int bo) {
        transpose(src, so, channels, pixels, channels, dst, d, pixels, init == Init.ACCUMULATE);
        if (init == Init.BIAS) {
            VectorKernels vk = Kernels.vector();
            for (int c = 0; c < channels; c++) vk.addScalar(dst, d + c * pixels, bias[bo + c], dst, d + c * pixels, pixels);
        }
    }

    /**
     * One image-side image from NCHW [ch, h, w] to channels-last with zero padding [hp, wp, ch] (the
     * interior at (ph, pw)), so that im2col reads every tap without a bounds test.
     */
    private static void toPadded(Lowering low, float[] src, int so, float[] dst, int d) {
        int ch = low.ch, h = low.h, w = low.w, wp = low.wp, row = wp * ch, left = low.pw * ch;
        int end = d + low.paddedSize();
        Arrays.fill(dst, d, d + low.ph * row, 0f);
        for (int ih = 0; ih < h; ih++) {
            int r = d + (ih + low.ph) * row;
            if (left > 0) {
                Arrays.fill(dst, r, r + left, 0f);
                Arrays.fill(dst, r + left + w * ch, r + row, 0f);
            }
            transpose(src, so + ih * w, h * w, ch, w, dst, r + left, ch, false);
        }
        Arrays.fill(dst, d + (h + low.ph) * row, end, 0f);
    }

    /** The interior of a padded channels-last image back to NCHW (init), with the bias when asked; the padding is dropped. */
    private static void fromPadded(Lowering low, float[] src, int s, float[] dst, int d, Init init, float[] bias, int bo) {
        int ch = low.ch, h = low.h, w = low.w, row = low.wp * ch, plane = h * w;
        for (int ih = 0; ih < h; ih++) {
            transpose(src, s + (ih + low.ph) * row + low.pw * ch, ch, w, ch, dst, d + ih * w, plane, init == Init.ACCUMULATE);
        }
        if (init == Init.BIAS) {
            VectorKernels vk = Kernels.vector();
            for (int c = 0; c < ch; c++) vk.addScalar(dst, d + c * plane, bias[bo + c], dst, d + c * plane, plane);
        }
    }

    /**
     * The column matrix of one padded channels-last image: row (oh, ow), column (a, b, c) holds
     * padded[oh sh + a dh, ow sw + b dw, c]. A tap's ch values are contiguous on both sides, and with
     * dilation 1 so are a kernel row's kw ch values: the copies run that long.
     */
    private static void im2col(Lowering low, float[] src, int so, float[] dst, int d) {
        int ch = low.ch, kw = low.kw, k = low.k, run = kw * ch, row = low.wp * ch;
        int tapRow = low.dh * row, tapCol = low.dw * ch, stepH = low.sh * row, stepW = low.sw * ch;
        if (ch < SHORT_RUN) {
            // few channels: one column (a, b, c) of the matrix at a time along an output row, a loop of wo
            // iterations instead of wo kh kw runs of ch floats each (a 1-channel image: 3 times faster)
            for (int oh = 0; oh < low.ho; oh++, d += low.wo * k) {
                for (int a = 0, col = 0; a < low.kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        for (int c = 0; c < ch; c++, col++) {
                            int s = so + oh * stepH + a * tapRow + b * tapCol + c;
                            for (int ow = 0, t = d + col; ow < low.wo; ow++, t += k, s += stepW) dst[t] = src[s];
                        }
                    }
                }
            }
            return;
        }
        for (int oh = 0; oh < low.ho; oh++) {
            int base = so + oh * stepH;
            for (int ow = 0; ow < low.wo; ow++, d += k, base += stepW) {
                for (int a = 0, s = base, t = d; a < low.kh; a++, s += tapRow, t += run) {
                    if (low.dw == 1) {
                        copyRun(src, s, dst, t, run);
                    } else {
                        for (int b = 0; b < kw; b++) copyRun(src, s + b * tapCol, dst, t + b * ch, ch);
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds every column entry to the padded image position it was read from. */
    private static void col2im(Lowering low, float[] src, int s0, float[] dst, int d0) {
        int ch = low.ch, kw = low.kw, k = low.k, run = kw * ch, row = low.wp * ch;
        int tapRow = low.dh * row, tapCol = low.dw * ch, stepH = low.sh * row, stepW = low.sw * ch;
        if (ch < SHORT_RUN) {
            // as in im2col; positions along one column are distinct, so the additions do not interfere
            for (int oh = 0, s = s0; oh < low.ho; oh++, s += low.wo * k) {
                for (int a = 0, col = 0; a < low.kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        for (int c = 0; c < ch; c++, col++) {
                            int t = d0 + oh * stepH + a * tapRow + b * tapCol + c;
                            for (int ow = 0, q = s + col; ow < low.wo; ow++, q += k, t += stepW) dst[t] += src[q];
                        }
                    }
                }
            }
            return;
        }
        VectorKernels vk = Kernels.vector();
        int s = s0;
        for (int oh = 0; oh < low.ho; oh++) {
            int base = d0 + oh * stepH;
            for (int ow = 0; ow < low.wo; ow++, s += k, base += stepW) {
                for (int a = 0, c = s, t = base; a < low.kh; a++, c += run, t += tapRow) {
                    if (low.dw == 1) {
                        addRun(vk, src, c, dst, t, run);
                    } else {
                        for (int b = 0; b < kw; b++) addRun(vk, src, c + b * ch, dst, t + b * tapCol, ch);
                    }
                }
            }
        }
    }

    /**
     * dst = src over n elements: System.arraycopy for long runs; the short runs of one or two channels
     * (a 4-tap kernel row of a 1-channel image is 4 floats) four at a time, which C2 turns into one vector
     * move, where its loop for an unknown count spent most of its time entering and leaving (1.5 ns a float).
     */
    private static void copyRun(float[] src, int s, float[] dst, int d, int n) {
        if (n >= 16) {
            System.arraycopy(src, s, dst, d, n);
            return;
        }
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            dst[d + j] = src[s + j];
            dst[d + j + 1] = src[s + j + 1];
            dst[d + j + 2] = src[s + j + 2];
            dst[d + j + 3] = src[s + j + 3];
        }
        for (; j < n; j++) dst[d + j] = src[s + j];
    }

    /** dst += src over n elements: the vector kernel for long runs, a plain loop for the short runs of few channels. */
    private static void addRun(VectorKernels vk, float[] src, int s, float[] dst, int d, int n) {
        if (n >= 16) {
            vk.add(dst, d, src, s, dst, d, n);
            return;
        }
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            dst[d + j] += src[s + j];
            dst[d + j + 1] += src[s + j + 1];
            dst[d + j + 2] += src[s + j + 2];
            dst[d + j + 3] += src[s + j + 3];
        }
        for (; j < n; j++) dst[d + j] += src[s + j];
    }
}
