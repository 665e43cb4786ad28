package org.latent4j.core.eval;

import java.util.List;
import java.util.Locale;

/**
 * The diagnostics of discrete codes: the usage of each codebook (per stage for residual quantization) and what a
 * code costs.
 *
 * @param positions   codes per example and stage (1 for a vector code, h * w for a grid)
 * @param stages      the usage of each stage's codebook, in order
 * @param bitsPerInput the fixed-rate size of one example's code: positions * sum over stages of log2(codes)
 * @param entropyBitsPerInput what an ideal entropy coder would spend on the codes observed: positions * sum over
 *                    stages of the entropy of that stage's code frequencies (the positions pooled)
 */
public record CodebookDiagnostics(int positions, List<CodebookUsage> stages, double bitsPerInput, double entropyBitsPerInput)
        implements CodeDiagnostics {
    /** Copies the stages. */
    public CodebookDiagnostics {
        stages = List.copyOf(stages);
    }

    /** The diagnostics from code counts per stage ({@code counts[s][c]}: how often stage s chose code c). */
    static CodebookDiagnostics of(int positions, long[][] counts, double deadFraction) {
        List<CodebookUsage> usage = new java.util.ArrayList<>();
        double bits = 0, entropyBits = 0;
        for (int s = 0; s < counts.length; s++) {
            CodebookUsage u = CodebookUsage.of(s, counts[s], deadFraction);
            usage.add(u);
            bits += Math.log(u.codes()) / Math.log(2);
            entropyBits += u.entropyBits();
        }
        return new CodebookDiagnostics(positions, usage, positions * bits, positions * entropyBits);
    }

    @Override
    public String code() {
        return "discrete";
    }

    @Override
    public String summary() {
        StringBuilder s = new StringBuilder();
        for (CodebookUsage u : stages) {
            s.append(String.format(Locale.ROOT, "Codebook%s: %d/%d codes used (%.1f%%), perplexity %.1f, %d dead%n",
                    stages.size() > 1 ? " stage " + u.stage() : "", u.used(), u.codes(), 100 * u.usage(), u.perplexity(), u.deadCodes()));
        }
        s.append(String.format(Locale.ROOT, "Code size %.0f bits per input (%d position%s); %.1f bits with ideal entropy coding%n", bitsPerInput,
                positions, positions == 1 ? "" : "s", entropyBitsPerInput));
        return s.toString();
    }
}
