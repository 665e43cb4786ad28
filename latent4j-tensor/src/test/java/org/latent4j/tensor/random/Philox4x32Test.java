package org.latent4j.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class Philox4x32Test {

    /**
     * The three philox4x32 10 lines of Random123's tests/kat_vectors (columns: counter[4], key[2],
     * expected[4]). They were also reproduced by an independent Python implementation of the paper's round
     * function and key schedule (bump the key before rounds 2..10) before this class was written.
     */
    private static final int[][] KAT = {
        {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
    };

    @Test
    void knownAnswerVectors() {
        for (int[] v : KAT) {
            int[] out = new int[4];
            Philox4x32.block(v[0], v[1], v[2], v[3], v[4], v[5], out, 0);
            assertArrayEquals(new int[] {v[6], v[7], v[8], v[9]}, out);
        }
    }

    @Test
    void blocksPutTheBlockIndexInTheLowCounterWordsAndTheStreamInTheHighOnes() {
        long key = 0x299f31d0a4093822L;
        long stream = 0x0370734413198a2eL;
        long firstBlock = 0x85a308d3243f6a88L - 1; // the second block is the third known-answer counter
        int[] out = new int[8];
        Philox4x32.blocks(key, stream, firstBlock, 2, out, 0);
        int[] expected = KAT[2];
        assertArrayEquals(new int[] {expected[6], expected[7], expected[8], expected[9]}, java.util.Arrays.copyOfRange(out, 4, 8));
        // All-ones key and counter through the long-valued entry point.
        Philox4x32.blocks(-1L, -1L, -1L, 1, out, 0);
        assertArrayEquals(new int[] {KAT[1][6], KAT[1][7], KAT[1][8], KAT[1][9]}, java.util.Arrays.copyOf(out, 4));
    }

    @Test
    void blockIndexCarriesIntoTheSecondCounterWord() {
        int[] viaLong = new int[4];
        int[] viaWords = new int[4];
        Philox4x32.blocks(7L, 9L, 0x1_0000_0000L, 1, viaLong, 0);
        Philox4x32.block(0, 1, 9, 0, 7, 0, viaWords, 0);
        assertArrayEquals(viaWords, viaLong);
    }
}
