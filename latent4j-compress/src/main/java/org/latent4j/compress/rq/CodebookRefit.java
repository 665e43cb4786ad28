package org.latent4j.compress.rq;

/**
 * Re-estimates additive codewords for fixed codes by least squares, one codebook at a time: with the other books'
 * codewords fixed, the best codeword j of book g is the mean over the rows coded j of what the other books leave
 * (x minus their codewords), since every row uses exactly one codeword of g. Cycling over the books is block
 * coordinate descent on the joint least-squares problem (the one FAISS's codebook refinement solves at once), so
 * the total error of the given codes never rises. A codeword no row uses keeps its value.
 *
 * <p>With a shrinkage s &gt; 0, codeword j of book g becomes (sum of its rows' targets + s * mean target of book g) /
 * (its rows + s): a codeword of few rows is pulled toward what the book's rows need on average, as if s more rows
 * asked for that mean (a Gaussian prior's MAP estimate). Full-width codewords trained on few rows otherwise memorize
 * them: on 10,000 Fashion-MNIST rows, 16 books of 256 codewords of 784 values reached half PQ's training error but
 * a higher error than PQ on rows they had not seen. The error of the given codes may then rise a little.
 */
public final class CodebookRefit {
    private CodebookRefit() {}

    /**
     * New codewords [M * K, d] (a fresh array) for the rows {@code x[xOff]} [rows, d] coded {@code idx} [rows, M]; {@code passes} cycles over the books.
     *
     * @param cb the codebooks whose codewords are refitted
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param rows the number of rows
     * @param idx the rows' codes, [rows, M]
     * @param passes the cycles over the books
     * @return the codewords
     */
    public static float[] refit(AdditiveCodebooks cb, float[] x, int xOff, int rows, int[] idx, int passes) {
        return refit(cb, x, xOff, rows, idx, passes, 0);
    }

    /**
     * {@link #refit(AdditiveCodebooks, float[], int, int, int[], int)} with the shrinkage the class comment describes (0: none).
     *
     * @param cb the codebooks whose codewords are refitted
     * @param x the rows, row-major
     * @param xOff where the first row starts
     * @param rows the number of rows
     * @param idx the rows' codes, [rows, M]
     * @param passes the cycles over the books
     * @param shrinkage rows' worth of pull toward each book's mean target
     * @return the codewords
     */
    public static float[] refit(AdditiveCodebooks cb, float[] x, int xOff, int rows, int[] idx, int passes, double shrinkage) {
        if (!(shrinkage >= 0)) throw new IllegalArgumentException("codebook refit: shrinkage must be at least 0, got " + shrinkage);
        int books = cb.books(), k = cb.codewordsPerBook(), d = cb.dimension();
        float[] words = cb.codewords().clone();
        // the current reconstruction of every row, updated as books change
        float[] rec = new float[Math.multiplyExact(rows, d)]; // float: a 60,000 x 784 sample stays under 200 MB
        for (int i = 0; i < rows; i++) {
            for (int m = 0; m < books; m++) {
                int c = (m * k + idx[i * books + m]) * d;
                for (int p = 0; p < d; p++) rec[i * d + p] += words[c + p];
            }
        }
        double[] sum = new double[k * d];
        int[] count = new int[k];
        for (int pass = 0; pass < passes; pass++) {
            for (int g = 0; g < books; g++) {
                java.util.Arrays.fill(sum, 0);
                java.util.Arrays.fill(count, 0);
                for (int i = 0; i < rows; i++) {
                    int j = idx[i * books + g], c = (g * k + j) * d;
                    count[j]++;
                    // x minus the other books: x - rec + this book's current codeword
                    for (int p = 0; p < d; p++) sum[j * d + p] += x[xOff + i * d + p] - rec[i * d + p] + words[c + p];
                }
                float[] old = java.util.Arrays.copyOfRange(words, g * k * d, (g + 1) * k * d);
                double[] prior = new double[d];
                if (shrinkage > 0) {
                    for (int j = 0; j < k; j++) for (int p = 0; p < d; p++) prior[p] += sum[j * d + p];
                    for (int p = 0; p < d; p++) prior[p] /= Math.max(1, rows);
                }
                for (int j = 0; j < k; j++) {
                    if (count[j] == 0) continue;
                    for (int p = 0; p < d; p++) words[(g * k + j) * d + p] = (float) ((sum[j * d + p] + shrinkage * prior[p]) / (count[j] + shrinkage));
                }
                for (int i = 0; i < rows; i++) {
                    int j = idx[i * books + g], c = (g * k + j) * d;
                    for (int p = 0; p < d; p++) rec[i * d + p] += words[c + p] - old[j * d + p];
                }
            }
        }
        return words;
    }
}
