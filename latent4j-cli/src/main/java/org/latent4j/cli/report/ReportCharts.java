package org.latent4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.latent4j.core.io.AtomicFiles;

/**
 * The report's charts, drawn by XChart and encoded as PNG: one place for their look (fonts, palette, grid, legend), so
 * every chart of a report reads alike. Each method takes plain numbers and returns the PNG's bytes.
 */
public final class ReportCharts {
    private ReportCharts() {}

    static {
        // no display is needed to draw into an image; say so before the first AWT class loads its toolkit
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** The default chart size in pixels; the report shows charts two to a row at about this size. */
    public static final int WIDTH = 620, HEIGHT = 380;

    /** Tableau's ten colours: distinguishable, and kind to the colour-blind in their first pairs. */
    static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
            new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    static final Color MUTED = new Color(0xBAB0AC);
    private static final Color INK = new Color(0x2B2B2B), GRID = new Color(0xE6E6E6);

    /** One line of a line chart: its name in the legend and its points (NaN values are gaps and are left out). */
    public record Line(String name, double[] x, double[] y) {
        public Line {
            if (x.length != y.length) throw new IllegalArgumentException("ReportCharts: line '" + name + "' has " + x.length + " x and " + y.length + " y");
        }
    }

    /** A line chart with markers on the points (few epochs stay visible); the legend when there are several lines. */
    public static byte[] lines(String title, String xLabel, String yLabel, List<Line> lines, int width, int height) throws IOException {
        return lines(title, xLabel, yLabel, lines, false, width, height);
    }

    /** {@link #lines}, on a logarithmic y axis when {@code logY} (where values of 0 or less are gaps). */
    public static byte[] lines(String title, String xLabel, String yLabel, List<Line> lines, boolean logY, int width, int height) throws IOException {
        XYChart chart = new XYChart(width, height);
        style(chart, title, xLabel, yLabel);
        chart.getStyler().setYAxisLogarithmic(logY);
        // XChart's tick formatting function replaces the logarithmic axis's decades with linear ticks
        if (logY) chart.getStyler().setyAxisTickLabelsFormattingFunction(null);
        int i = 0;
        for (Line l : lines) {
            double[][] kept = finite(l.x(), logY ? positive(l.y()) : l.y());
            if (kept[0].length == 0) continue;
            XYSeries s = chart.addSeries(l.name(), kept[0], kept[1]);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            s.setMarker(kept[0].length <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            i++;
        }
        if (i == 0) throw new IllegalArgumentException("ReportCharts: '" + title + "' has no finite point to draw");
        chart.getStyler().setLegendVisible(i > 1);
        chart.getStyler().setMarkerSize(6);
        return png(chart);
    }

    /**
     * A bar chart of one value per label in two groups (e.g. active and inactive latent dimensions), each group its
     * own colour and legend entry; {@code highlighted[i]} puts bar i in the first group.
     */
    public static byte[] bars(String title, String xLabel, String yLabel, List<String> labels, double[] values, boolean[] highlighted,
                              String highlightedName, String otherName, boolean logarithmic, int width, int height) throws IOException {
        if (labels.size() != values.length || values.length != highlighted.length) throw new IllegalArgumentException("ReportCharts: bars of unequal lengths");
        if (values.length == 0) throw new IllegalArgumentException("ReportCharts: '" + title + "' has no bars");
        CategoryChart chart = new CategoryChart(width, height);
        style(chart, title, xLabel, yLabel);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setAvailableSpaceFill(values.length > 40 ? 1.0 : 0.8);
        chart.getStyler().setXAxisLabelRotation(labels.size() > 24 ? 90 : 0);
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        // many bars keep every n-th tick label so that the labels never overlap
        int every = Math.max(1, (int) Math.ceil(labels.size() / 32.0));
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) shown.add(i % every == 0 ? labels.get(i) : " ".repeat(i % every));
        List<Double> first = new ArrayList<>(), second = new ArrayList<>();
        boolean anyFirst = false, anySecond = false;
        for (int i = 0; i < values.length; i++) {
            // a log axis cannot show 0; a missing bar is what an empty category looks like there
            double v = logarithmic && values[i] <= 0 ? Double.NaN : values[i];
            first.add(highlighted[i] ? v : Double.NaN);
            second.add(highlighted[i] ? Double.NaN : v);
            anyFirst |= highlighted[i];
            anySecond |= !highlighted[i];
        }
        if (anyFirst || !anySecond) chart.addSeries(highlightedName, shown, zeroForNaN(first, logarithmic)).setFillColor(PALETTE[0]);
        if (anySecond) chart.addSeries(otherName, shown, zeroForNaN(second, logarithmic)).setFillColor(anyFirst ? MUTED : PALETTE[0]);
        chart.getStyler().setLegendVisible(anyFirst && anySecond);
        return png(chart);
    }

    /** A scatter of points in groups (e.g. classes), one colour and legend entry per group. */
    public static byte[] scatter(String title, String xLabel, String yLabel, List<String> groups, double[] x, double[] y, int[] group, int width,
                                 int height) throws IOException {
        XYChart chart = new XYChart(width, height);
        style(chart, title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int shown = 0;
        for (int g = 0; g < groups.size(); g++) {
            List<Double> gx = new ArrayList<>(), gy = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (group[i] == g && Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    gx.add(x[i]);
                    gy.add(y[i]);
                }
            }
            if (gx.isEmpty()) continue;
            XYSeries s = chart.addSeries(groups.get(g), gx, gy);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(withAlpha(PALETTE[g % PALETTE.length], 170));
            shown++;
        }
        if (shown == 0) throw new IllegalArgumentException("ReportCharts: '" + title + "' has no finite point to draw");
        chart.getStyler().setLegendVisible(shown > 1);
        return png(chart);
    }

    /** The ROC curve with the chance diagonal and, when given, the chosen threshold's point. */
    public static byte[] roc(String title, double[] fpr, double[] tpr, double auroc, double thresholdFpr, double thresholdTpr, int width, int height)
            throws IOException {
        XYChart chart = new XYChart(width, height);
        style(chart, title, "false positive rate", "true positive rate");
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        XYSeries chance = chart.addSeries("chance (AUROC 0.5)", new double[] {0, 1}, new double[] {0, 1});
        chance.setLineColor(MUTED);
        chance.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        chance.setMarker(SeriesMarkers.NONE);
        XYSeries curve = chart.addSeries(String.format(Locale.ROOT, "ROC (AUROC %.3f)", auroc), fpr, tpr);
        curve.setLineColor(PALETTE[0]);
        curve.setLineStyle(new BasicStroke(2.4f));
        curve.setMarker(SeriesMarkers.NONE);
        if (Double.isFinite(thresholdFpr) && Double.isFinite(thresholdTpr)) {
            XYSeries point = chart.addSeries("chosen threshold", new double[] {thresholdFpr}, new double[] {thresholdTpr});
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            point.setMarker(SeriesMarkers.DIAMOND);
            point.setMarkerColor(PALETTE[2]);
        }
        chart.getStyler().setMarkerSize(11);
        return png(chart);
    }

    /**
     * A codebook's usage: every code's count, sorted from the most used down, on a logarithmic axis (a healthy codebook
     * is a long flat run; collapse is a short steep one). The unused codes (count 0, which a log axis cannot show) are the
     * empty region right of a line, labelled with their number.
     */
    public static byte[] codebookUsage(String title, long[] counts, int width, int height) throws IOException {
        return png(codebookChart(title, counts, width, height));
    }

    /** {@link #codebookUsage} of several codebooks (the stages of a residual quantizer), one chart under the other in one PNG. */
    public static byte[] codebookUsages(List<String> titles, List<long[]> counts, int width, int height) throws IOException {
        if (titles.size() != counts.size() || titles.isEmpty()) throw new IllegalArgumentException("ReportCharts: one title per codebook");
        List<XYChart> charts = new ArrayList<>();
        for (int i = 0; i < titles.size(); i++) charts.add(codebookChart(titles.get(i), counts.get(i), width, height));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }

    /**
     * Line charts side by side in one PNG, each on logarithmic x and y axes (a power law is a straight line), with
     * markers on the points; values of 0 or less, which a log axis cannot show, are gaps. A line's colour and stroke
     * (solid, dashed, dotted, dash-dotted) are chosen by its name, so that two properties of the lines can be told
     * apart at once (e.g. colour by module, stroke by estimator).
     */
    public static byte[] logLogPanels(List<String> titles, String xLabel, List<String> yLabels, List<List<Line>> panels,
                                      java.util.function.ToIntFunction<String> colourOf, java.util.function.ToIntFunction<String> strokeOf, int width,
                                      int height) throws IOException {
        if (titles.size() != panels.size() || yLabels.size() != panels.size() || panels.isEmpty()) {
            throw new IllegalArgumentException("ReportCharts: one title and one y label per panel");
        }
        List<XYChart> charts = new ArrayList<>();
        for (int p = 0; p < panels.size(); p++) {
            XYChart chart = new XYChart(width, height);
            style(chart, titles.get(p), xLabel, yLabels.get(p));
            chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
            chart.getStyler().setyAxisTickLabelsFormattingFunction(null);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            int i = 0;
            for (Line l : panels.get(p)) {
                double[][] kept = finite(positive(l.x()), positive(l.y()));
                if (kept[0].length == 0) continue;
                XYSeries s = chart.addSeries(l.name(), kept[0], kept[1]);
                Color colour = PALETTE[Math.floorMod(colourOf.applyAsInt(l.name()), PALETTE.length)];
                s.setLineColor(colour);
                s.setMarkerColor(colour);
                float[] dash = DASHES[Math.floorMod(strokeOf.applyAsInt(l.name()), DASHES.length)];
                s.setLineStyle(dash == null ? new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                        : new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
                s.setMarker(SeriesMarkers.CIRCLE);
                i++;
            }
            if (i == 0) throw new IllegalArgumentException("ReportCharts: '" + titles.get(p) + "' has no positive point to draw");
            chart.getStyler().setMarkerSize(7);
            charts.add(chart);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }

    /** Solid, dashed, dotted and dash-dotted strokes. */
    private static final float[][] DASHES = {null, {9f, 5f}, {2f, 4f}, {9f, 4f, 2f, 4f}};

    private static XYChart codebookChart(String title, long[] counts, int width, int height) {
        int k = counts.length;
        if (k == 0) throw new IllegalArgumentException("ReportCharts: a codebook of no codes");
        long[] sorted = java.util.Arrays.stream(counts).map(c -> -c).sorted().map(c -> -c).toArray();
        int used = 0;
        while (used < k && sorted[used] > 0) used++;
        XYChart chart = new XYChart(width, height);
        style(chart, title, "code, from the most used down", "times chosen (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(null);
        // XChart fills a logarithmic area down to 1: starting the axis at 1/2 keeps the codes chosen once visible, as the outline at 1
        chart.getStyler().setYAxisMin(0.5);
        chart.getStyler().setXAxisMin(0.5).setXAxisMax(k + 0.5);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> String.format(Locale.ROOT, "%,d", Math.round(x)));
        if (used == 0) throw new IllegalArgumentException("ReportCharts: '" + title + "': no code was chosen");
        {
            // each code a flat step one unit wide, so that a handful of codes still reads as bars
            double[] x = new double[2 * used], y = new double[2 * used];
            for (int i = 0; i < used; i++) {
                x[2 * i] = i + 0.5;
                x[2 * i + 1] = i + 1.5;
                y[2 * i] = y[2 * i + 1] = sorted[i];
            }
            XYSeries s = chart.addSeries("count", x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setFillColor(withAlpha(PALETTE[0], 200));
            s.setLineColor(PALETTE[0]);
            s.setMarker(SeriesMarkers.NONE);
        }
        if (used < k) {
            chart.addAnnotation(new AnnotationLine(used + 0.5, true, false));
            double top = sorted[0];
            chart.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%,d unused", k - used), (used + 0.5 + k + 0.5) / 2,
                    Math.sqrt(Math.max(1, top)), false));
            chart.getStyler().setAnnotationTextFontColor(PALETTE[2]);
            chart.getStyler().setAnnotationLineColor(PALETTE[2]);
            chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        }
        return chart;
    }

    /** One compressor spec on a recall chart: its label, the family it is drawn with, its bytes per vector (> 0), its recall in [0, 1]. */
    public record RecallPoint(String label, String family, double bytes, double recall) {
        public RecallPoint {
            if (label == null || family == null) throw new IllegalArgumentException("ReportCharts: a recall point has no label or family");
            if (!(bytes > 0)) throw new IllegalArgumentException("ReportCharts: point '" + label + "' has bytes " + bytes + "; they must be positive");
            if (!(recall >= 0 && recall <= 1)) throw new IllegalArgumentException("ReportCharts: point '" + label + "' has recall " + recall + " outside [0, 1]");
        }
    }

    /** Recall charts are read across many specs: wider than the report's charts. */
    public static final int RECALL_WIDTH = 900, RECALL_HEIGHT = 560;

    /**
     * Recall against bytes per vector, bytes on a log2 axis (the specs of a table span 8 to 800 bytes): one
     * series per family (PQ, OPQ,PQ, SQ...), its points joined in order of size, each point labelled with its spec
     * just above it, and the note (data, queries, metric) in a box at the top left.
     */
    public static XYChart recallChart(String title, String note, String yLabel, List<RecallPoint> points) {
        if (points.isEmpty()) throw new IllegalArgumentException("ReportCharts: no recall points to draw");
        XYChart chart = new XYChart(RECALL_WIDTH, RECALL_HEIGHT);
        style(chart, title, "bytes per vector (log scale)", yLabel);
        AxesChartStyler st = chart.getStyler();
        // x is log2(bytes) on a linear axis, ticked at the powers of two (XChart's own log axis labels only powers of ten)
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (RecallPoint p : points) {
            lo = Math.min(lo, log2(p.bytes()));
            hi = Math.max(hi, log2(p.bytes()));
        }
        int first = (int) Math.floor(lo - 0.3), last = (int) Math.ceil(hi + 0.3);
        st.setXAxisMin((double) first);
        st.setXAxisMax((double) last);
        chart.setCustomXAxisTickLabelsFormatter(ReportCharts::powerOfTwoTick);
        // about one tick a power of two: the axis then picks whole steps, which the formatter labels
        st.setXAxisTickMarkSpacingHint(Math.max(40, (RECALL_WIDTH - 120) / Math.max(1, last - first)));
        st.setYAxisMin(0.0);
        st.setYAxisMax(1.0);
        st.setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setMarkerSize(8);
        st.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setAnnotationTextFontColor(INK);
        java.util.Map<String, List<RecallPoint>> families = new java.util.LinkedHashMap<>();
        for (RecallPoint p : points) families.computeIfAbsent(p.family(), f -> new ArrayList<>()).add(p);
        int i = 0;
        for (var e : families.entrySet()) {
            List<RecallPoint> ps = new ArrayList<>(e.getValue());
            ps.sort(java.util.Comparator.comparingDouble(RecallPoint::bytes));
            double[] x = ps.stream().mapToDouble(p -> log2(p.bytes())).toArray(), y = ps.stream().mapToDouble(RecallPoint::recall).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setLineStyle(new BasicStroke(2f));
            i++;
        }
        // labels above their markers, else below, else left out where they would cover another (the legend and the
        // axis still say what a point is); boxes estimated in pixels from the font and the plot's scale
        double pxPerOctave = (RECALL_WIDTH - 140.0) / Math.max(1, last - first), pxPerRecall = RECALL_HEIGHT - 140.0;
        List<double[]> placed = new ArrayList<>();
        for (RecallPoint p : points) {
            double x = log2(p.bytes()) * pxPerOctave, w = 6.5 * p.label().length();
            for (double dy : new double[] {0.03, -0.04}) {
                double y = (p.recall() + dy) * pxPerRecall;
                if (p.recall() + dy > 0.99 || p.recall() + dy < 0.01) continue;
                boolean free = true;
                for (double[] b : placed) free &= Math.abs(b[0] - x) * 2 >= b[2] + w || Math.abs(b[1] - y) >= 15;
                if (!free) continue;
                placed.add(new double[] {x, y, w});
                chart.addAnnotation(new AnnotationText(p.label(), log2(p.bytes()), p.recall() + dy, false));
                break;
            }
        }
        if (note != null && !note.isBlank()) {
            // screen space counts y from the bottom: just under the title, right of the y axis
            chart.addAnnotation(new AnnotationTextPanel(note, 70, RECALL_HEIGHT - 75, true));
            st.setAnnotationTextPanelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            st.setAnnotationTextPanelBorderColor(GRID);
        }
        return chart;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    /** The label of a tick at log2(bytes) = v: 2^v when v is whole, none between. */
    static String powerOfTwoTick(Double v) {
        if (v == null || !Double.isFinite(v) || Math.abs(v - Math.rint(v)) > 1e-9) return "";
        return tick(Math.pow(2, Math.rint(v)));
    }

    /** {@link #recallChart} as a PNG written atomically to {@code file}. */
    public static void writeRecallChart(Path file, String title, String note, String yLabel, List<RecallPoint> points) throws IOException {
        AtomicFiles.write(file, png(recallChart(title, note, yLabel, points)));
    }

    /** The look every chart shares: white, light grid, dark text, no border box, the title on top. */
    private static void style(Chart<? extends AxesChartStyler, ?> chart, String title, String xLabel, String yLabel) {
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        AxesChartStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setChartFontColor(INK);
        s.setAxisTickLabelsColor(INK);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendBorderColor(GRID);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartPadding(12);
        s.setSeriesColors(PALETTE);
        s.setLocale(Locale.ROOT);
        s.setAntiAlias(true);
        s.setToolTipsEnabled(false);
        // XChart writes a tick at a data extreme with all its digits; four significant ones are enough to read
        s.setyAxisTickLabelsFormattingFunction(ReportCharts::tick);
    }

    /** A tick label: an integer as it is, others to four significant digits without trailing zeros, very large or small ones in e-notation. */
    static String tick(Double v) {
        if (v == null || !Double.isFinite(v)) return "";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e7) return String.format(Locale.ROOT, "%,d", v.longValue());
        if (a >= 1e7 || a < 1e-3) return String.format(Locale.ROOT, "%.2e", v).replaceAll("\\.?0+e", "e");
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains(".") && !s.contains("e") ? s.replaceAll("\\.?0+$", "") : s;
    }

    private static byte[] png(Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] positive(double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) if (!(out[i] > 0)) out[i] = Double.NaN;
        return out;
    }

    /** The finite (x, y) pairs. */
    private static double[][] finite(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) n++;
        double[][] out = new double[2][n];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                out[0][j] = x[i];
                out[1][j++] = y[i];
            }
        }
        return out;
    }

    /** Overlapped bars draw a NaN as nothing on a linear axis; XChart wants a number, so an absent bar is 0 there. */
    private static List<Double> zeroForNaN(List<Double> values, boolean logarithmic) {
        if (logarithmic) return values;
        return values.stream().map(v -> Double.isNaN(v) ? 0.0 : v).toList();
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
