package org.latent4j.cli.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latent4j.core.eval.CodeDiagnostics;
import org.latent4j.core.eval.CodebookDiagnostics;
import org.latent4j.core.eval.CodebookUsage;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.SparseCodeDiagnostics;
import org.latent4j.core.io.AtomicFiles;

/**
 * The charts of a run's code diagnostics, chosen by the type of the diagnostics (never by the model's kind): a sparse
 * code gets {@value #FEATURE_DENSITY}, the histogram of its latents' firing densities; discrete codes get
 * {@value #CODEBOOK_USAGE}, each codebook's usage. A kind of diagnostics gets its chart by a case here. They are drawn
 * by {@link ReportCharts}, so the run's PNGs and its report.html look alike.
 */
public final class DiagnosticCharts {
    private DiagnosticCharts() {}

    /** One bar of a histogram: its label under the axis and its count (>= 0). */
    public record Bar(String label, long count) {
        public Bar {
            if (label == null) throw new IllegalArgumentException("DiagnosticCharts: a bar has no label");
            if (count < 0) throw new IllegalArgumentException("DiagnosticCharts: bar '" + label + "' has a negative count " + count);
        }
    }

    public static final String FEATURE_DENSITY = "feature-density.png";
    public static final String CODEBOOK_USAGE = "codebook-usage.png";

    /** Writes into {@code directory} the charts of the report's code diagnostics; returns the files' names (none for most kinds). */
    public static List<String> write(Path directory, EvaluationReport report) throws IOException {
        List<String> written = new ArrayList<>();
        CodeDiagnostics latent = report.latent();
        if (latent instanceof SparseCodeDiagnostics sparse) {
            AtomicFiles.write(directory.resolve(FEATURE_DENSITY), featureDensity(sparse, report.examples(), 760, 440));
            written.add(FEATURE_DENSITY);
        } else if (latent instanceof CodebookDiagnostics codebook) {
            AtomicFiles.write(directory.resolve(CODEBOOK_USAGE), codebookUsage(codebook, report.examples(), 900, 360));
            written.add(CODEBOOK_USAGE);
        }
        return written;
    }

    /**
     * The feature-density histogram (Gao et al.'s and Anthropic's plot of a sparse dictionary's health): latents per
     * decade of firing density, the density being the share of the evaluation examples a latent fires in; "never" first
     * (the dead latents of this evaluation, in grey). Decades below 1 / examples cannot hold a latent and are left out.
     */
    public static byte[] featureDensity(SparseCodeDiagnostics s, int examples, int width, int height) throws IOException {
        List<Bar> bars = densityBars(s, examples);
        double[] values = bars.stream().mapToDouble(Bar::count).toArray();
        boolean[] fire = new boolean[values.length];
        java.util.Arrays.fill(fire, 1, fire.length, true);
        String title = String.format(Locale.ROOT, "Feature density: %,d latents, L0 %.1f, %,d never fire (%.1f%%) on %,d examples", s.latents(), s.l0(),
                s.densityHistogram()[0], 100.0 * s.densityHistogram()[0] / s.latents(), examples);
        return ReportCharts.bars(title, "share of the examples a latent fires in (decades: 1e-3 holds [0.001, 0.01))", "latents",
                bars.stream().map(Bar::label).toList(), values, fire, "fire", "never fire", false, width, height);
    }

    /** Each codebook's usage on the evaluation examples ({@link ReportCharts#codebookUsage}), one chart per stage. */
    public static byte[] codebookUsage(CodebookDiagnostics d, int examples, int width, int height) throws IOException {
        List<String> titles = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        for (CodebookUsage u : d.stages()) {
            titles.add(String.format(Locale.ROOT, "%s: %,d of %,d codes used, perplexity %.1f (%,d examples x %,d position%s)",
                    d.stages().size() == 1 ? "Codebook usage" : "Stage " + (u.stage() + 1), u.used(), u.codes(), u.perplexity(), examples, d.positions(),
                    d.positions() == 1 ? "" : "s"));
            counts.add(u.counts());
        }
        return titles.size() == 1 ? ReportCharts.codebookUsage(titles.getFirst(), counts.getFirst(), width, height)
                : ReportCharts.codebookUsages(titles, counts, width, height);
    }

    /** "never", then one bar per decade from the one holding 1 / examples up to [0.1, 1]. */
    public static List<Bar> densityBars(SparseCodeDiagnostics s, int examples) {
        int[] h = s.densityHistogram();
        int first = examples <= 0 ? 1 : bin(1.0 / examples);
        // a latent the histogram put below (it cannot, for these examples) still shows
        for (int b = 1; b < first; b++) if (h[b] > 0) first = b;
        List<Bar> bars = new ArrayList<>();
        bars.add(new Bar("never", h[0]));
        for (int b = first; b < SparseCodeDiagnostics.BINS; b++) bars.add(new Bar("1e" + (b - SparseCodeDiagnostics.BINS), h[b]));
        return bars;
    }

    /** The histogram bin of a density in (0, 1], as SparseCodeDiagnostics bins it: bin 10 is [0.1, 1], bin 1 below 1e-9. */
    private static int bin(double density) {
        int decade = (int) Math.floor(Math.log10(density));
        return Math.max(1, Math.min(SparseCodeDiagnostics.BINS - 1, SparseCodeDiagnostics.BINS + Math.min(decade, -1)));
    }
}
