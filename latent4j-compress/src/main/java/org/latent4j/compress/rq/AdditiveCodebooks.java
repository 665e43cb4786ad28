package org.latent4j.compress.rq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;

/**
 * M codebooks of K = 2^nbits codewords each, all of full width d: a vector is approximated by the sum of one
 * codeword per codebook (an additive code, as residual quantization and a linear decoder over code vectors both
 * make). Holds what encoding and asymmetric search need besides the codewords: their squared norms and, for every
 * pair of codebooks t &lt; s, the inner products of their codewords, so that the squared norm of any sum of codewords
 * is a sum of table entries (FAISS keeps the same cross products for its look-up-table beam search).
 *
 * <p>Codes are packed as a bit stream, codebook 0 first, each index LSB first (with nbits = 8, one byte a codebook).
 */
public final class AdditiveCodebooks {
    /**
     * Cross-product tables beyond this many floats (1 GiB) are refused. 64 codebooks of 256 codewords (64 bytes a
     * code) need 132 million, 504 MiB; a heap too small for the tables is told apart when they are built.
     */
    public static final long MAX_CROSS_FLOATS = 1L << 28;

    private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final int books;
    private final int nbits;
    private final int k;
    private final int d;
    private final float[] codewords;
    private final float[] norms;
    private final float[][] cross;

    /**
     * Codebooks over the given codewords; the codewords' norms and cross products are computed here.
     *
     * @param books     M
     * @param nbits     bits of each index (K = 2^nbits)
     * @param d         the codewords' width
     * @param codewords [M * K, d], codebook m's codeword j at row m * K + j (kept, not copied)
     */
    public AdditiveCodebooks(int books, int nbits, int d, float[] codewords) {
        if (books < 1 || nbits < 1 || nbits > 16 || d < 1) throw new IllegalArgumentException("additive codebooks need M >= 1, 1 <= nbits <= 16 and d >= 1");
        this.books = books;
        this.nbits = nbits;
        this.k = 1 << nbits;
        this.d = d;
        if (codewords.length != (long) books * k * d) {
            throw new IllegalArgumentException("codebooks of " + books + " x " + k + " codewords of " + d + " values need " + (long) books * k * d
                    + " values, got " + codewords.length);
        }
        for (float v : codewords) if (!Float.isFinite(v)) throw new IllegalArgumentException("a codeword holds a non-finite value (" + v + ")");
        requireCrossTables("additive codebooks", books, nbits, Runtime.getRuntime().maxMemory());
        this.codewords = codewords;
        this.norms = new float[books * k];
        for (int j = 0; j < books * k; j++) {
            double s = 0;
            for (int p = 0; p < d; p++) s += (double) codewords[j * d + p] * codewords[j * d + p];
            norms[j] = (float) s;
        }
        this.cross = new float[books * books][];
        for (int s = 1; s < books; s++) {
            for (int t = 0; t < s; t++) {
                float[] c = new float[k * k];
                // rows: codebook t's codewords, columns: codebook s's; a beam entry adds the row of its stage-t index
                Kernels.gemm().sgemm(false, true, k, k, d, 1f, codewords, t * k * d, d, codewords, s * k * d, d, 0f, c, 0, k);
                cross[s * books + t] = c;
            }
        }
    }

    /**
     * Refuses, naming the remedy, cross-product tables beyond {@link #MAX_CROSS_FLOATS} or of more than a quarter of
     * the heap (while learned codes train, the tables of three sets of codewords are alive at once, beside the
     * training rows: the residual start that encoding begins from, the current codewords and their refit). The
     * kinds call it when they read a spec, so that a fit fails before it starts.
     *
     * @param who what needs the tables, first in the message (a spec's token)
     * @param books M
     * @param nbits bits of each index
     * @param heap the most bytes the heap may take
     */
    public static void requireCrossTables(String who, int books, int nbits, long heap) {
        long floats = crossFloats(books, nbits), bytes = 4 * floats;
        String need = who + ": " + books + " codebooks of " + (1 << nbits) + " codewords need ";
        if (floats > MAX_CROSS_FLOATS) {
            throw new IllegalArgumentException(need + floats + " codeword cross products, more than " + MAX_CROSS_FLOATS + ": use fewer codebooks or bits");
        }
        if (bytes > heap / 4) {
            throw new IllegalArgumentException(need + bytes / (1 << 20) + " MiB of cross products, more than a quarter of the " + heap / (1 << 20)
                    + " MiB heap: give the JVM more memory (-Xmx, or LATENT4J_JAVA_OPTS=-Xmx8g for the latent4j command)");
        }
    }

    /**
     * The number of floats the cross-product tables of M codebooks of 2^nbits codewords take.
     *
     * @param books M
     * @param nbits bits of each index
     * @return the number of floats
     */
    public static long crossFloats(int books, int nbits) {
        long kk = 1L << nbits;
        return (long) books * (books - 1) / 2 * kk * kk;
    }

    /** {@return the number of codebooks M} */
    public int books() {
        return books;
    }

    /** {@return the bits of each index} */
    public int nbits() {
        return nbits;
    }

    /**
     * Codewords per codebook, 2^nbits.
     *
     * @return K
     */
    public int codewordsPerBook() {
        return k;
    }

    /** {@return the codewords' width d} */
    public int dimension() {
        return d;
    }

    /**
     * Codebooks from the [M * K, d] tensor a stage state stores them in ({@link #toTensor}).
     *
     * @param w     the tensor
     * @param books M
     * @param nbits bits of each index
     * @param d     the width the codewords must have, or -1 for the tensor's own
     * @param what  what the tensor is, first in the message that refuses another shape (such as "stage RQ8x8: codebooks")
     * @return the codebooks
     */
    public static AdditiveCodebooks fromTensor(Tensor w, int books, int nbits, int d, String what) {
        int rows = books << nbits;
        if (w.rank() != 2 || w.dim(0) != rows || (d >= 0 && w.dim(1) != d)) {
            throw new IllegalArgumentException(what + " must be [" + rows + ", " + (d >= 0 ? String.valueOf(d) : "d") + "], got " + java.util.Arrays.toString(w.shape()));
        }
        try {
            return new AdditiveCodebooks(books, nbits, w.dim(1), w.contiguous().toArray());
        } catch (IllegalArgumentException e) { // a non-finite codeword: say which tensor holds it
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The codewords as a [M * K, d] tensor of their own (a copy), as a stage state stores them.
     *
     * @return the tensor
     */
    public Tensor toTensor() {
        return Tensor.of(codewords.clone(), books * k, d);
    }

    /**
     * The codewords [M * K, d] (the array itself: do not change it).
     *
     * @return the codewords
     */
    public float[] codewords() {
        return codewords;
    }

    /** Squared norms of the codewords [M * K]. */
    float[] norms() {
        return norms;
    }

    /** For t &lt; s: [K, K], entry (i, j) = &lt;codeword i of book t, codeword j of book s&gt;. */
    float[] cross(int s, int t) {
        return cross[s * books + t];
    }

    /**
     * Bytes of the packed indices of one vector.
     *
     * @return the number of bytes
     */
    public int packedBytes() {
        return (books * nbits + 7) / 8;
    }

    /**
     * Packs M indices from {@code idx[idxOff]} into {@code out[outOff ...]} ({@link #packedBytes()} bytes, the spare bits zero).
     *
     * @param idx the indices
     * @param idxOff where the M indices start
     * @param out receives the packed bytes
     * @param outOff where they go
     */
    public void pack(int[] idx, int idxOff, byte[] out, int outOff) {
        if (nbits == 8) {
            for (int m = 0; m < books; m++) out[outOff + m] = (byte) idx[idxOff + m];
            return;
        }
        java.util.Arrays.fill(out, outOff, outOff + packedBytes(), (byte) 0);
        long bit = 0;
        for (int m = 0; m < books; m++) {
            int v = idx[idxOff + m];
            for (int b = 0; b < nbits; b++, bit++) {
                if ((v >>> b & 1) != 0) out[outOff + (int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
            }
        }
    }

    /**
     * Unpacks M indices from {@code codes[off]} into {@code idx[0 .. M)}.
     *
     * @param codes the code array
     * @param off where the packed indices start
     * @param idx receives the M indices
     */
    public void unpack(byte[] codes, int off, int[] idx) {
        if (nbits == 8) {
            for (int m = 0; m < books; m++) idx[m] = codes[off + m] & 0xff;
            return;
        }
        long bit = 0;
        for (int m = 0; m < books; m++) {
            int v = 0;
            for (int b = 0; b < nbits; b++, bit++) v |= (codes[off + (int) (bit >>> 3)] >>> (bit & 7) & 1) << b;
            idx[m] = v;
        }
    }

    /**
     * The sum of the codewords of M indices, into {@code out[outOff .. outOff + d)}.
     *
     * @param idx the indices
     * @param idxOff where the M indices start
     * @param out receives the sum
     * @param outOff where it goes
     */
    public void decode(int[] idx, int idxOff, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int m = 0; m < books; m++) {
            int c = (m * k + idx[idxOff + m]) * d;
            for (int p = 0; p < d; p++) out[outOff + p] += codewords[c + p];
        }
    }

    /**
     * The squared norm of the sum of the codewords of M indices, from the norms and cross products alone.
     *
     * @param idx the indices
     * @param idxOff where the M indices start
     * @return the squared norm
     */
    public float reconstructionNorm(int[] idx, int idxOff) {
        double s = 0;
        for (int m = 0; m < books; m++) {
            int i = idx[idxOff + m];
            s += norms[m * k + i];
            for (int t = 0; t < m; t++) s += 2.0 * cross[m * books + t][idx[idxOff + t] * k + i];
        }
        return (float) s;
    }

    /**
     * {@link #reconstructionNorm(int[], int)} of a code of one byte a codebook (nbits = 8), read in place.
     *
     * @param codes the code array
     * @param off where the code's M index bytes start
     * @return the squared norm
     */
    public float reconstructionNorm(byte[] codes, int off) {
        if (nbits != 8) throw new IllegalStateException("codes of " + nbits + "-bit indices are not one byte a codebook");
        double s = 0;
        for (int m = 0; m < books; m++) {
            int i = codes[off + m] & 0xff;
            s += norms[m * k + i];
            for (int t = 0; t < m; t++) s += 2.0 * cross[m * books + t][(codes[off + t] & 0xff) * k + i];
        }
        return (float) s;
    }

    /**
     * The squared norm ||q||^2 of the query {@code q[off .. off + d)}, summed in double: the constant of its L2 scores.
     *
     * @param q the queries
     * @param off where the query starts in q
     * @return the squared norm
     */
    public float queryNorm(float[] q, int off) {
        double s = 0;
        for (int p = 0; p < d; p++) s += (double) q[off + p] * q[off + p];
        return (float) s;
    }

    /**
     * {@code lut[m * K + j]} = &lt;q, codeword j of book m&gt; for the query {@code q[off .. off + d)}.
     *
     * @param q the queries
     * @param off where the query starts in q
     * @param lut receives the inner products, M * K values
     */
    public void innerProducts(float[] q, int off, float[] lut) {
        Kernels.gemm().sgemm(false, true, 1, books * k, d, 1f, q, off, d, codewords, 0, d, 0f, lut, 0, books * k);
    }

    /**
     * Writes a float little-endian at {@code b[off]}.
     *
     * @param b the array
     * @param off where the 4 bytes go
     * @param v the value
     */
    public static void putFloat(byte[] b, int off, float v) {
        FLOAT_LE.set(b, off, v);
    }

    /**
     * Reads a little-endian float at {@code b[off]}.
     *
     * @param b the array
     * @param off where the 4 bytes start
     * @return the value
     */
    public static float getFloat(byte[] b, int off) {
        return (float) FLOAT_LE.get(b, off);
    }
}
