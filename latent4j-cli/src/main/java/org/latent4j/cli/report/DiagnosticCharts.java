package org.latent4j.cli.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latent4j.core.eval.CodeDiagnostics;
import org.latent4j.core.eval.CodebookDiagnostics;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.SparseCodeDiagnostics;

/**
 * The charts of a run's code diagnostics, chosen by the type of the diagnostics (never by the model's kind): a sparse
 * code gets {@value #FEATURE_DENSITY}, the histogram of its latents' firing densities; discrete codes get
 * {@link CodebookUsageChart#FILE}, each codebook's usage. A kind of diagnostics gets its chart by a case here.
 */
public final class DiagnosticCharts {
    private DiagnosticCharts() {}

    public static final String FEATURE_DENSITY = "feature-density.png";

    /** Writes into {@code directory} the charts of the report's code diagnostics; returns the files' names (none for most kinds). */
    public static List<String> write(Path directory, EvaluationReport report) throws IOException {
        List<String> written = new ArrayList<>();
        CodeDiagnostics latent = report.latent();
        if (latent instanceof SparseCodeDiagnostics sparse) {
            featureDensity(directory.resolve(FEATURE_DENSITY), sparse, report.examples());
            written.add(FEATURE_DENSITY);
        } else if (latent instanceof CodebookDiagnostics codebook) {
            CodebookUsageChart.write(directory.resolve(CodebookUsageChart.FILE), codebook, report.examples());
            written.add(CodebookUsageChart.FILE);
        }
        return written;
    }

    /**
     * The feature-density histogram (Gao et al.'s and Anthropic's plot of a sparse dictionary's health): latents per
     * decade of firing density, the density being the share of the evaluation examples a latent fires in; "never" first
     * (the dead latents of this evaluation). Decades below 1 / examples cannot hold a latent and are left out.
     */
    public static void featureDensity(Path file, SparseCodeDiagnostics s, int examples) throws IOException {
        BarChart.write(file, "Feature density: " + String.format(Locale.ROOT, "%,d", s.latents()) + " latents",
                String.format(Locale.ROOT, "on %,d evaluation examples; L0 %.1f; %,d never fire (%.1f%%)", examples, s.l0(),
                        s.densityHistogram()[0], 100.0 * s.densityHistogram()[0] / s.latents()),
                "share of the examples a latent fires in (decades: 1e-3 holds [0.001, 0.01))", "latents", densityBars(s, examples));
    }

    /** "never", then one bar per decade from the one holding 1 / examples up to [0.1, 1]. */
    public static List<BarChart.Bar> densityBars(SparseCodeDiagnostics s, int examples) {
        int[] h = s.densityHistogram();
        int first = examples <= 0 ? 1 : bin(1.0 / examples);
        // a latent the histogram put below (it cannot, for these examples) still shows
        for (int b = 1; b < first; b++) if (h[b] > 0) first = b;
        List<BarChart.Bar> bars = new ArrayList<>();
        bars.add(new BarChart.Bar("never", h[0]));
        for (int b = first; b < SparseCodeDiagnostics.BINS; b++) bars.add(new BarChart.Bar("1e" + (b - SparseCodeDiagnostics.BINS), h[b]));
        return bars;
    }

    /** The histogram bin of a density in (0, 1], as SparseCodeDiagnostics bins it: bin 10 is [0.1, 1], bin 1 below 1e-9. */
    private static int bin(double density) {
        int decade = (int) Math.floor(Math.log10(density));
        return Math.max(1, Math.min(SparseCodeDiagnostics.BINS - 1, SparseCodeDiagnostics.BINS + Math.min(decade, -1)));
    }
}
