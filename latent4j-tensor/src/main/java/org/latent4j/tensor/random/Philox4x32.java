package org.latent4j.tensor.random;

/**
 * The Philox4x32-10 counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3" (SC'11): a keyed bijection of a 128-bit counter, so block {@code c} of a stream is
 * computed directly from (key, c) and any range of a stream can be produced by any thread.
 *
 * <p>Checked against the known-answer vectors of the Random123 distribution ({@code tests/kat_vectors}).
 */
public final class Philox4x32 {
    /** Round multipliers and Weyl key increments from the paper (Table 2 and Section 4.2). */
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final int ROUNDS = 10;
    private static final long MASK = 0xFFFF_FFFFL;

    private Philox4x32() {}

    /**
     * Writes the 4 output words for counter (c0, c1, c2, c3) and key (k0, k1) to {@code out[at..at+4)}.
     * Word order follows Random123: c0 is the least significant counter word.
     *
     * @param c0 the counter's lowest word
     * @param c1 the counter's second word
     * @param c2 the counter's third word
     * @param c3 the counter's highest word
     * @param k0 the key's low word
     * @param k1 the key's high word
     * @param out the destination
     * @param at where in out the first word goes
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int at) {
        for (int r = 0; r < ROUNDS; r++) {
            long p0 = M0 * (c0 & MASK);
            long p1 = M1 * (c2 & MASK);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }

    /**
     * Fills {@code out[at..at+4*blocks)} with the blocks whose counters are (firstBlock + b, stream) for
     * b = 0..blocks-1: the low 64 counter bits count blocks, the high 64 name the stream.
     *
     * @param key the key
     * @param stream the high 64 counter bits
     * @param firstBlock the low 64 counter bits of the first block
     * @param blocks how many blocks
     * @param out the destination
     * @param at where in out the first word goes
     */
    public static void blocks(long key, long stream, long firstBlock, int blocks, int[] out, int at) {
        int k0 = (int) key;
        int k1 = (int) (key >>> 32);
        int c2 = (int) stream;
        int c3 = (int) (stream >>> 32);
        for (int b = 0; b < blocks; b++) {
            long c = firstBlock + b;
            block((int) c, (int) (c >>> 32), c2, c3, k0, k1, out, at + 4 * b);
        }
    }
}
