package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link CodebookRefit}'s least squares and its shrinkage toward the book's mean target, by known answers. */
class CodebookRefitTest {
    @Test
    void oneBookIsTheMeanOfItsRowsOrShrunkTowardTheMeanOfAll() {
        // one book of two codewords in one dimension: rows 0 and 2 coded 0, row 10 coded 1; the mean of all rows is 4
        AdditiveCodebooks cb = new AdditiveCodebooks(1, 1, 1, new float[] {-5f, 5f});
        float[] x = {0f, 2f, 10f};
        int[] idx = {0, 0, 1};
        assertArrayEquals(new float[] {1f, 10f}, CodebookRefit.refit(cb, x, 0, 3, idx, 1), 1e-6f);
        // s = 1: (2 + 4) / 3 and (10 + 4) / 2
        assertArrayEquals(new float[] {2f, 7f}, CodebookRefit.refit(cb, x, 0, 3, idx, 1, 1.0), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> CodebookRefit.refit(cb, x, 0, 3, idx, 1, -1));
    }

    @Test
    void theSecondBookShrinksTowardWhatTheFirstLeaves() {
        // book 0: a single codeword 1 (every row); book 1's targets are x - 1: rows 1, 3 -> codeword 0; row 7 -> codeword 1
        AdditiveCodebooks cb = new AdditiveCodebooks(2, 1, 1, new float[] {1f, 100f, 0f, 0f});
        float[] x = {2f, 4f, 8f};
        int[] idx = {0, 0, 0, 0, 0, 1};
        // one pass: book 0 first, with book 1 at 0: its codeword 0 becomes the mean of x, 14/3; then book 1's targets are
        // x - 14/3 = -8/3, -2/3, 10/3 (mean 0): codeword 0 = (-10/3 + 0) / (2 + 2), codeword 1 = (10/3) / (1 + 2)
        float[] w = CodebookRefit.refit(cb, x, 0, 3, idx, 1, 2.0);
        assertArrayEquals(new float[] {14f / 3, 100f, -10f / 12, 10f / 9}, w, 1e-5f);
    }
}
