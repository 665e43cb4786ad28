package org.latent4j.tensor.ops;

import java.util.Arrays;
import org.latent4j.tensor.Autograd;
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
 * <p>Implementation: each image is lowered to matrix products on the engine's packed GEMM. With
 * K = C kh kw and P = Ho Wo, im2col copies the input patches of one image into a K x P column matrix
 * (row (c, i, j), column (oh, ow)), so the convolution is W [O, K] times it, written straight into the
 * image's NCHW output. The other directions are the adjoints: W^T [K, O] times a gradient [O, P] gives
 * columns that col2im adds back into image positions (the input gradient, and the forward of the
 * transposed convolution), and the weight gradient is the sum over images of G [O, P] times the columns
 * transposed. The transposes are GEMM flags on the stored weight and columns, never copies.
 * A direct Vector-API convolution was not chosen: on the VQ-VAE layers the middle ones (K = 512 or 576)
 * hold nearly all the multiply-adds and run at GEMM speed this way, and the 1-channel layers' share is
 * a few percent (see {@code latent4j bench conv}).
 *
 * <p>Work and determinism: the batch is cut into at most {@link #MAX_CHUNKS} fixed chunks of whole images
 * (a function of the shapes only), each with its own pooled column buffer, and the chunks run on the
 * pool; one image's GEMM, im2col and col2im happen on one thread in a fixed order. The weight gradient
 * sums its images in order within a chunk (chunk 0 directly into the gradient) and then adds the other
 * chunks' partial sums in chunk order, so every result is the same bits for any thread count. A batch
 * of one is a single chunk, whose GEMMs then use the pool themselves.
 *
 * <p>Memory: column buffers and partial sums are {@link Tensor#empty} tensors, so inside a
 * {@link org.latent4j.tensor.Workspace} scope they are pooled and a steady-state step allocates none.
 */
public final class ConvOps {
    private ConvOps() {}

    /** Most chunks the batch is cut into: enough to balance a few threads when a core runs slow. */
    static final int MAX_CHUNKS = 8;
    /** Floats of column buffers plus weight-gradient partials that more chunks may use (16 MB). */
    private static final long CHUNK_BUDGET = 1L << 22;
    /** Below this many multiply-adds the hand-off to the pool costs more than it saves (as in GEMM). */
    private static final long PARALLEL_MIN_WORK = 1L << 21;

    /** {@code conv2d(x, weight, bias, Conv2dGeometry.DEFAULT)}. */
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
        Tensor xc = x.contiguous(), wc = weight.contiguous();
        Lowering low = new Lowering(n, c, h, w, kh, kw, ho, wo, g, o);
        Tensor out = Tensor.empty(n, o, ho, wo);
        imageToColumns(low, wc, xc, out, bias == null ? Init.OVERWRITE : Init.BIAS, bias);
        return Autograd.record("conv2d", out, grad -> {
            Tensor gc = grad.contiguous();
            if (Autograd.wants(xc)) {
                Autograd.accumulateInto(xc, (dst, add) -> columnsToImage(low, wc, gc, dst, add ? Init.ACCUMULATE : Init.OVERWRITE, null));
            }
            if (Autograd.wants(wc)) Autograd.accumulateInto(wc, (dst, add) -> weightGradient(low, gc, xc, dst, add));
            if (Autograd.wants(bias)) Autograd.accumulateInto(bias, (dst, add) -> biasGradient(gc, n, o, ho * wo, dst, add));
        }, xc, wc, bias);
    }

    /** {@code convTranspose2d(x, weight, bias, Conv2dGeometry.DEFAULT)}. */
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
        Tensor xc = x.contiguous(), wc = weight.contiguous();
        // lowered as the convolution it transposes: the output is the image side, the input the column side
        Lowering low = new Lowering(n, o, ho, wo, kh, kw, h, w, g, c);
        Tensor out = Tensor.empty(n, o, ho, wo);
        columnsToImage(low, wc, xc, out, bias == null ? Init.OVERWRITE : Init.BIAS, bias);
        return Autograd.record(op, out, grad -> {
            Tensor gc = grad.contiguous();
            if (Autograd.wants(xc)) {
                Autograd.accumulateInto(xc, (dst, add) -> imageToColumns(low, wc, gc, dst, add ? Init.ACCUMULATE : Init.OVERWRITE, null));
            }
            if (Autograd.wants(wc)) Autograd.accumulateInto(wc, (dst, add) -> weightGradient(low, xc, gc, dst, add));
            if (Autograd.wants(bias)) Autograd.accumulateInto(bias, (dst, add) -> biasGradient(gc, n, o, ho * wo, dst, add));
        }, xc, wc, bias);
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
     * One convolution seen from its two sides: the image side ({@code channels} x h x w per image, what
     * im2col reads and col2im writes) and the column side ({@code m} channels of P = ho x wo positions
     * per image, what the GEMMs produce or read). For conv2d the image side is the input; for
     * convTranspose2d it is the output. The chunking is fixed here, from the shapes alone.
     */
    private static final class Lowering {
        final int n, channels, h, w, kh, kw, ho, wo, sh, sw, ph, pw, dh, dw, m;
        /** K (rows of a column matrix) and P (its columns). */
        final int k, p;
        /** A 1x1 kernel with stride 1 and no padding: the image is its own column matrix. */
        final boolean identity;
        final int perChunk, chunks;
        /** Multiply-adds of one pass over the batch. */
        final long work;

        Lowering(int n, int channels, int h, int w, int kh, int kw, int ho, int wo, Conv2dGeometry g, int m) {
            this.n = n;
            this.channels = channels;
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
            this.k = Math.multiplyExact(channels, Math.multiplyExact(kh, kw));
            this.p = Math.multiplyExact(ho, wo);
            this.identity = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && h == ho && w == wo;
            long perChunkFloats = (identity ? 0L : (long) k * p) + (long) m * k;
            int c = (int) Math.min(Math.min(n, MAX_CHUNKS), Math.max(1, CHUNK_BUDGET / Math.max(1, perChunkFloats)));
            c = Math.max(1, c);
            this.perChunk = Math.max(1, (n + c - 1) / c);
            this.chunks = Math.max(1, (n + perChunk - 1) / perChunk);
            this.work = (long) n * m * k * p;
        }

        int imageSize() {
            return channels * h * w;
        }

        int columnSideSize() {
            return m * p;
        }

        /** One column buffer per chunk, pooled (null when the image is its own column matrix). */
        Tensor columnBuffers() {
            return identity ? null : Tensor.empty(chunks, k * p);
        }

        /** Runs body(chunk, firstImage, endImage) for every chunk, on the pool when the work is worth it. */
        void forChunks(ChunkBody body) {
            if (n == 0) return;
            if (chunks > 1 && work >= PARALLEL_MIN_WORK) {
                Parallel.forEach(chunks, c -> body.run(c, c * perChunk, Math.min(n, (c + 1) * perChunk)));
            } else {
                for (int c = 0; c < chunks; c++) body.run(c, c * perChunk, Math.min(n, (c + 1) * perChunk));
            }
        }
    }

    @FunctionalInterface
    private interface ChunkBody {
        void run(int chunk, int from, int to);
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

    /**
     * dst_i [m, P] (init) += a [m, K] times im2col(image_i) [K, P] for every image i: the forward of
     * conv2d (a = weight, image = x) and the input gradient of convTranspose2d (a = its weight seen as
     * [C, O kh kw], image = the output gradient).
     */
    private static void imageToColumns(Lowering low, Tensor a, Tensor image, Tensor dst, Init init, Tensor bias) {
        Tensor cols = low.columnBuffers();
        float[] ad = a.data(), id = image.data(), dd = dst.data();
        Tensor bc = bias == null ? null : bias.contiguous();
        float[] bd = bc == null ? null : bc.data();
        int bo = bc == null ? 0 : bc.offset();
        int ao = a.offset(), io = image.offset(), doff = dst.offset();
        int m = low.m, k = low.k, p = low.p, imageSize = low.imageSize(), outSize = low.columnSideSize();
        Gemm gemm = Kernels.gemm();
        low.forChunks((chunk, from, to) -> {
            for (int i = from; i < to; i++) {
                float[] colData;
                int colOff;
                if (low.identity) {
                    colData = id;
                    colOff = io + i * imageSize;
                } else {
                    colData = cols.data();
                    colOff = cols.offset() + chunk * k * p;
                    im2col(low, id, io + i * imageSize, colData, colOff);
                }
                int d = doff + i * outSize;
                float beta = init == Init.OVERWRITE ? 0f : 1f;
                if (init == Init.BIAS) {
                    for (int r = 0; r < m; r++) Arrays.fill(dd, d + r * p, d + (r + 1) * p, bd[bo + r]);
                }
                gemm.sgemm(false, false, m, p, k, 1f, ad, ao, k, colData, colOff, p, beta, dd, d, p);
            }
        });
    }

    /**
     * image_i (init) += col2im(a^T [K, m] times src_i [m, P]) for every image i: the input gradient of
     * conv2d (a = weight, src = the output gradient) and the forward of convTranspose2d (a = its weight
     * seen as [C, O kh kw], src = x).
     */
    private static void columnsToImage(Lowering low, Tensor a, Tensor src, Tensor image, Init init, Tensor bias) {
        Tensor cols = low.columnBuffers();
        float[] ad = a.data(), sd = src.data(), id = image.data();
        Tensor bc = bias == null ? null : bias.contiguous();
        float[] bd = bc == null ? null : bc.data();
        int bo = bc == null ? 0 : bc.offset();
        int ao = a.offset(), so = src.offset(), io = image.offset();
        int m = low.m, k = low.k, p = low.p, imageSize = low.imageSize(), srcSize = low.columnSideSize(), plane = low.h * low.w;
        Gemm gemm = Kernels.gemm();
        low.forChunks((chunk, from, to) -> {
            for (int i = from; i < to; i++) {
                int dst = io + i * imageSize;
                if (init == Init.BIAS) {
                    for (int ch = 0; ch < low.channels; ch++) Arrays.fill(id, dst + ch * plane, dst + (ch + 1) * plane, bd[bo + ch]);
                }
                if (low.identity) {
                    gemm.sgemm(true, false, k, p, m, 1f, ad, ao, k, sd, so + i * srcSize, p,
                            init == Init.OVERWRITE ? 0f : 1f, id, dst, p);
                    continue;
                }
                if (init == Init.OVERWRITE) Arrays.fill(id, dst, dst + imageSize, 0f);
                float[] colData = cols.data();
                int colOff = cols.offset() + chunk * k * p;
                gemm.sgemm(true, false, k, p, m, 1f, ad, ao, k, sd, so + i * srcSize, p, 0f, colData, colOff, p);
                col2imAdd(low, colData, colOff, id, dst);
            }
        });
    }

    /**
     * dst [m, K] (= or +=) the sum over images of src_i [m, P] times im2col(image_i)^T [P, K]: the weight
     * gradient of conv2d (src = output gradient, image = x) and of convTranspose2d (src = x, image = the
     * output gradient). Chunk 0 sums into dst; the others into partials that are added in chunk order.
     */
    private static void weightGradient(Lowering low, Tensor src, Tensor image, Tensor dst, boolean accumulate) {
        int m = low.m, k = low.k, p = low.p, imageSize = low.imageSize(), srcSize = low.columnSideSize();
        float[] dd = dst.data();
        int dOff = dst.offset(), size = m * k;
        if (low.n == 0) {
            if (!accumulate) Arrays.fill(dd, dOff, dOff + size, 0f);
            return;
        }
        Tensor cols = low.columnBuffers();
        Tensor partials = low.chunks > 1 ? Tensor.empty(low.chunks - 1, size) : null;
        float[] sd = src.data(), id = image.data();
        int so = src.offset(), io = image.offset();
        Gemm gemm = Kernels.gemm();
        low.forChunks((chunk, from, to) -> {
            float[] target = chunk == 0 ? dd : partials.data();
            int tOff = chunk == 0 ? dOff : partials.offset() + (chunk - 1) * size;
            for (int i = from; i < to; i++) {
                float[] colData;
                int colOff;
                if (low.identity) {
                    colData = id;
                    colOff = io + i * imageSize;
                } else {
                    colData = cols.data();
                    colOff = cols.offset() + chunk * k * p;
                    im2col(low, id, io + i * imageSize, colData, colOff);
                }
                float beta = i > from || (chunk == 0 && accumulate) ? 1f : 0f;
                gemm.sgemm(false, true, m, k, p, 1f, sd, so + i * srcSize, p, colData, colOff, p, beta, target, tOff, k);
            }
        });
        if (partials != null) {
            float[] pd = partials.data();
            int po = partials.offset(), chunks = low.chunks;
            VectorKernels vk = Kernels.vector();
            // every element adds the chunks in the same order whatever the range split
            Parallel.range(size, ElementwiseOps.GRAIN, (lo, hi) -> {
                for (int c = 1; c < chunks; c++) vk.add(dd, dOff + lo, pd, po + (c - 1) * size + lo, dd, dOff + lo, hi - lo);
            });
        }
    }

    /** dst[o] (= or +=) the sum over images i and positions q of g[i, o, q]: the bias gradient. */
    private static void biasGradient(Tensor g, int n, int channels, int pixels, Tensor dst, boolean accumulate) {
        float[] gd = g.data(), dd = dst.data();
        int go = g.offset(), dOff = dst.offset();
        VectorKernels vk = Kernels.vector();
        int grain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, n * pixels));
        Parallel.range(channels, grain, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                float s = 0f;
                for (int i = 0; i < n; i++) s += vk.sum(gd, go + (i * channels + o) * pixels, pixels);
                dd[dOff + o] = accumulate ? dd[dOff + o] + s : s;
            }
        });
    }

    // ------------------------------------------------------------------ im2col and col2im

    /** First output column whose input column (ow sw + off) is at least 0. */
    private static int firstInside(int off, int stride) {
        return off >= 0 ? 0 : (-off + stride - 1) / stride;
    }

    /** One past the last output column whose input column (ow sw + off) is below size, at most out. */
    private static int endInside(int off, int stride, int size, int out) {
        int last = size - 1 - off;
        return last < 0 ? 0 : Math.min(out, last / stride + 1);
    }

    /**
     * Writes the K x P column matrix of one image: row (c, a, b), column (oh, ow) holds
     * image[c, oh sh - ph + a dh, ow sw - pw + b dw], or 0 outside the image.
     */
    private static void im2col(Lowering low, float[] src, int so, float[] dst, int d) {
        int h = low.h, w = low.w, ho = low.ho, wo = low.wo, sh = low.sh, sw = low.sw;
        for (int c = 0; c < low.channels; c++) {
            int plane = so + c * h * w;
            for (int a = 0; a < low.kh; a++) {
                int offH = a * low.dh - low.ph;
                int ohLo = Math.min(ho, firstInside(offH, sh)), ohHi = Math.max(ohLo, endInside(offH, sh, h, ho));
                for (int b = 0; b < low.kw; b++, d += ho * wo) {
                    int offW = b * low.dw - low.pw;
                    int owLo = Math.min(wo, firstInside(offW, sw)), owHi = Math.max(owLo, endInside(offW, sw, w, wo));
                    if (ohLo > 0) Arrays.fill(dst, d, d + ohLo * wo, 0f);
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int row = d + oh * wo;
                        int s = plane + (oh * sh + offH) * w + offW;
                        if (owLo > 0) Arrays.fill(dst, row, row + owLo, 0f);
                        if (sw == 1) {
                            System.arraycopy(src, s + owLo, dst, row + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) dst[row + ow] = src[s + ow * sw];
                        }
                        if (owHi < wo) Arrays.fill(dst, row + owHi, row + wo, 0f);
                    }
                    if (ohHi < ho) Arrays.fill(dst, d + ohHi * wo, d + ho * wo, 0f);
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds every column entry to the image position it was read from. */
    private static void col2imAdd(Lowering low, float[] src, int s0, float[] dst, int d0) {
        int h = low.h, w = low.w, ho = low.ho, wo = low.wo, sh = low.sh, sw = low.sw;
        VectorKernels vk = Kernels.vector();
        int s = s0;
        for (int c = 0; c < low.channels; c++) {
            int plane = d0 + c * h * w;
            for (int a = 0; a < low.kh; a++) {
                int offH = a * low.dh - low.ph;
                int ohLo = Math.min(ho, firstInside(offH, sh)), ohHi = Math.max(ohLo, endInside(offH, sh, h, ho));
                for (int b = 0; b < low.kw; b++, s += ho * wo) {
                    int offW = b * low.dw - low.pw;
                    int owLo = Math.min(wo, firstInside(offW, sw)), owHi = Math.max(owLo, endInside(offW, sw, w, wo));
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int row = s + oh * wo;
                        int t = plane + (oh * sh + offH) * w + offW;
                        if (sw == 1) {
                            vk.add(dst, t + owLo, src, row + owLo, dst, t + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) dst[t + ow * sw] += src[row + ow];
                        }
                    }
                }
            }
        }
    }
}
