package org.latent4j.tensor.ops;

/**
 * How a 2-D convolution's kernel walks over its input, per axis (H then W), for {@link ConvOps#conv2d} and
 * {@link ConvOps#convTranspose2d}. Defaults ({@link #DEFAULT}): stride 1, padding 0, dilation 1, output
 * padding 0.
 *
 * <ul>
 *   <li>{@code stride}: the step between two kernel positions, in input pixels (at least 1). For the
 *       transposed convolution, the step between the places two neighbouring input pixels land in the
 *       output.</li>
 *   <li>{@code padding}: implicit zeros on both sides of the input (at least 0). For the transposed
 *       convolution this is the padding of the convolution it transposes: that many pixels are cut from
 *       both sides of the output.</li>
 *   <li>{@code dilation}: the spacing between kernel taps (at least 1; 1 = adjacent pixels).</li>
 *   <li>{@code outputPadding}: transposed convolution only (a convolution refuses a non-zero one): extra
 *       rows/columns added at the bottom/right of the output. A strided convolution maps several input
 *       sizes to the same output size; this picks which one the transposed convolution produces. It must
 *       be smaller than the stride or smaller than the dilation of its axis (otherwise it would add
 *       pixels that no input reaches).</li>
 * </ul>
 *
 * Output sizes: convolution {@code floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1};
 * transposed convolution {@code (in - 1) stride - 2 padding + dilation (kernel - 1) + outputPadding + 1}.
 *
 * @param strideH the step between kernel positions down the rows, at least 1
 * @param strideW the step across the columns, at least 1
 * @param paddingH zero rows added above and below, at least 0
 * @param paddingW zero columns added left and right, at least 0
 * @param dilationH the spacing between kernel taps down the rows, at least 1
 * @param dilationW the spacing across the columns, at least 1
 * @param outputPaddingH rows added below a transposed convolution's output, smaller than the stride or dilation of
 *     its axis
 * @param outputPaddingW columns added right of a transposed convolution's output, likewise
 */
public record Conv2dGeometry(int strideH, int strideW, int paddingH, int paddingW,
                             int dilationH, int dilationW, int outputPaddingH, int outputPaddingW) {
    /** Stride 1, no padding, no dilation, no output padding. */
    public static final Conv2dGeometry DEFAULT = new Conv2dGeometry(1, 1, 0, 0, 1, 1, 0, 0);

    /** Checks every field's range; an invalid geometry is refused with all its fields in the message. */
    public Conv2dGeometry {
        String error = null;
        if (strideH < 1 || strideW < 1) error = "stride must be at least 1";
        else if (paddingH < 0 || paddingW < 0) error = "padding must be at least 0";
        else if (dilationH < 1 || dilationW < 1) error = "dilation must be at least 1";
        else if (outputPaddingH < 0 || outputPaddingW < 0) error = "output padding must be at least 0";
        else if (outputPaddingH >= Math.max(strideH, dilationH) || outputPaddingW >= Math.max(strideW, dilationW)) {
            error = "output padding must be smaller than the stride or the dilation of its axis";
        }
        if (error != null) throw bad(error, strideH, strideW, paddingH, paddingW, dilationH, dilationW, outputPaddingH, outputPaddingW);
    }

    private static IllegalArgumentException bad(String what, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        // the compact constructor has not assigned the fields yet: describe() would print zeros
        return new IllegalArgumentException("Conv2dGeometry: " + what + ", got " + text(sh, sw, ph, pw, dh, dw, oh, ow));
    }

    /**
     * The same stride and padding on both axes, dilation 1, no output padding.
     *
     * @param stride the stride of both axes
     * @param padding the padding of both axes
     * @return the geometry
     */
    public static Conv2dGeometry of(int stride, int padding) {
        return new Conv2dGeometry(stride, stride, padding, padding, 1, 1, 0, 0);
    }

    /**
     * {@return this geometry with stride {@code s} on both axes}
     *
     * @param s the stride, at least 1
     */
    public Conv2dGeometry withStride(int s) {
        return withStride(s, s);
    }

    /**
     * {@return this geometry with the given strides}
     *
     * @param h the stride down the rows
     * @param w the stride across the columns
     */
    public Conv2dGeometry withStride(int h, int w) {
        return new Conv2dGeometry(h, w, paddingH, paddingW, dilationH, dilationW, outputPaddingH, outputPaddingW);
    }

    /**
     * {@return this geometry with padding {@code p} on both axes}
     *
     * @param p the padding, at least 0
     */
    public Conv2dGeometry withPadding(int p) {
        return withPadding(p, p);
    }

    /**
     * {@return this geometry with the given paddings}
     *
     * @param h the padding above and below
     * @param w the padding left and right
     */
    public Conv2dGeometry withPadding(int h, int w) {
        return new Conv2dGeometry(strideH, strideW, h, w, dilationH, dilationW, outputPaddingH, outputPaddingW);
    }

    /**
     * {@return this geometry with dilation {@code d} on both axes}
     *
     * @param d the dilation, at least 1
     */
    public Conv2dGeometry withDilation(int d) {
        return withDilation(d, d);
    }

    /**
     * {@return this geometry with the given dilations}
     *
     * @param h the dilation down the rows
     * @param w the dilation across the columns
     */
    public Conv2dGeometry withDilation(int h, int w) {
        return new Conv2dGeometry(strideH, strideW, paddingH, paddingW, h, w, outputPaddingH, outputPaddingW);
    }

    /**
     * {@return this geometry with output padding {@code p} on both axes}
     *
     * @param p the output padding
     */
    public Conv2dGeometry withOutputPadding(int p) {
        return withOutputPadding(p, p);
    }

    /**
     * {@return this geometry with the given output paddings}
     *
     * @param h rows added below
     * @param w columns added on the right
     */
    public Conv2dGeometry withOutputPadding(int h, int w) {
        return new Conv2dGeometry(strideH, strideW, paddingH, paddingW, dilationH, dilationW, h, w);
    }

    /** Output length of a convolution along one axis (may be 0 or negative: the caller reports it). */
    static int convOut(int in, int kernel, int stride, int padding, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        long room = (long) in + 2L * padding - span;
        return room < 0 ? 0 : (int) (room / stride + 1);
    }

    /** Output length of a transposed convolution along one axis. */
    static long transposedOut(int in, int kernel, int stride, int padding, int dilation, int outputPadding) {
        return (long) (in - 1) * stride - 2L * padding + (long) dilation * (kernel - 1) + outputPadding + 1;
    }

    /**
     * Compact text for error messages: "stride 2x2, padding 1x1, dilation 1x1, output padding 0x0".
     *
     * @return the description
     */
    public String describe() {
        return text(strideH, strideW, paddingH, paddingW, dilationH, dilationW, outputPaddingH, outputPaddingW);
    }

    private static String text(int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        return "stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw
                + ", output padding " + oh + "x" + ow;
    }
}
