package org.latent4j.tensor.kernel;

/**
 * Asymmetric scoring of product-quantizer codes against a query's lookup tables: the inner loops of an
 * exhaustive search over compressed vectors. {@link Kernels#codeScan()} gives the implementation chosen at
 * start-up: {@link ScalarCodeScan} or the Vector-API one.
 *
 * <p><b>Byte codes</b> ({@link #scan8}): code i holds one centroid index per sub-space, byte j for sub-space j, and
 * its score is {@code acc = +0; for j = 0 .. m-1: acc += lut[j * ksub + code_j]}: floats added in j order, so
 * every implementation, however it interleaves codes, produces the same bits.
 *
 * <p><b>4-bit fast scan</b> ({@link #scan4}): codes of {@link FastScanLayout#BLOCK} = 32 vectors transposed into a
 * block and the table quantized to unsigned bytes (see {@link FastScanLayout}); a vector's score is the sum of its
 * m quantized entries, an integer below 65536 by construction, so it is exact and identical on every
 * implementation. Scores are stored in {@code short}s and read as unsigned ({@link Short#toUnsignedInt}).
 *
 * <p><b>Scalar-quantizer codes</b> ({@link #sqL2}, {@link #sqInnerProduct}): one level c_j a dimension, decoded as
 * an affine function of c_j, so a query prepared once scores a code without a table. Code i's level of dimension
 * j: with 8 bits the unsigned byte {@code codes[codesOff + i * stride + j]}; with 4 bits the nibble of byte
 * {@code codesOff + i * stride + j / 2}, the low one for even j and the high one for odd j. These are float sums
 * over up to thousands of terms in an order each implementation chooses: implementations agree to rounding, not
 * bit for bit. Within one implementation a code's score depends only on the code and the query, never on the
 * other codes of a call or where the call starts, so that a search split into ranges scores as one unsplit.
 */
public interface CodeScan {
    /** A short name for reports. */
    String name();

    /**
     * For each of {@code queries} tables t (at {@code lut[lutOff + t * lutStride]}, sub-space j's from
     * {@code + j * ksub}) and i in [0, n): {@code out[outOff + t * outStride + i]} = the score of code i (see the
     * class comment), code i's byte j at {@code codes[codesOff + i * stride + j]} (stride >= m). Several tables per
     * call let an implementation read each code once for all of them. Implementations may be faster when
     * {@code lut.length} is a power of two.
     */
    void scan8(int m, int ksub, float[] lut, int lutOff, int queries, int lutStride, byte[] codes, int codesOff, int stride, int n,
               float[] out, int outOff, int outStride);

    /**
     * The quantized scores of the 32 vectors of each block b in [blockFrom, blockTo) of {@code blocks} (packed by
     * {@link FastScanLayout#pack} for m sub-spaces, {@code pairs} = ceil(m / 2)), against the quantized table
     * {@code qlut} ({@link FastScanLayout#quantize}): vector t of block b to {@code out[outOff + (b - blockFrom) * 32 + t]}.
     */
    void scan4(int pairs, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff);

    /**
     * The quantized scores of byte codes: the 64 vectors of each block b in [blockFrom, blockTo) of {@code blocks}
     * ({@link FastScanLayout#packBytes} for m sub-spaces) against the quantized 256-entry tables {@code qlut[j * 256 + c]}
     * ({@link FastScanLayout#quantize(int, int, float[], int, byte[])}): vector t of block b to
     * {@code out[outOff + (b - blockFrom) * 64 + t]}, the exact integer sum as for {@link #scan4}.
     */
    void scanBytes(int m, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff);

    /**
     * Whether {@link #scanBytes} does its lookups in registers here; when not, it is a scalar loop no faster than
     * the exact {@link #scan8}, which an index should then prefer.
     */
    default boolean fastScanBytes() {
        return false;
    }

    /**
     * Writes, in ascending order from {@code posOff}, every i in [from, to) whose unsigned score {@code scores[i]} is
     * below {@code bound} (0 .. 65536), and returns how many it wrote ({@code pos} must have room for to - from).
     */
    int below(short[] scores, int from, int to, int bound, int[] pos, int posOff);

    /**
     * Squared L2 scores of scalar-quantizer codes (see the class comment): for i in [0, n),
     * {@code out[outOff + i] = sum over j in [0, d) of (a[j] - c_ij * step[j])^2}. With {@code a[j]} the query minus
     * the decoded value of level 0 and {@code step[j]} the width of a level, this is the squared distance from the
     * query to the decoded code.
     *
     * @param bits 8 or 4, the bits of a level
     */
    void sqL2(int bits, int d, float[] a, float[] step, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff);

    /**
     * Negated inner-product scores of scalar-quantizer codes (see the class comment): for i in [0, n),
     * {@code out[outOff + i] = -(base + sum over j in [0, d) of w[j] * c_ij)}, with {@code w[j]} the query times the
     * width of a level and {@code base} the query's inner product with the decoded level 0: smaller is nearer.
     *
     * @param bits 8 or 4, the bits of a level
     */
    void sqInnerProduct(int bits, int d, float[] w, float base, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff);
}
