package org.latent4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.latent4j.core.eval.CodebookDiagnostics;
import org.latent4j.core.eval.CodebookUsage;
import org.latent4j.core.io.AtomicFiles;

/**
 * {@value #FILE}: how a model used its codebook on the evaluation set, one panel per codebook (per stage for residual
 * quantization): every code's count, codes sorted from the most used down, on a logarithmic axis (a healthy codebook
 * is a long flat run; collapse is a few tall bars and a wide shaded region of unused codes). java.awt and ImageIO
 * only.
 *
 * <p>A bar chart of labelled counts with a log scale; when the sparse-code branch's general {@code BarChart} lands,
 * this folds into it as its logarithmic option (the drawing style is the same).
 */
public final class CodebookUsageChart {
    private CodebookUsageChart() {}

    static {
        // no display is needed to draw into an image; say so before the first AWT class loads its toolkit
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    public static final String FILE = "codebook-usage.png";

    private static final Color BAR = new Color(52, 101, 164);
    private static final Color UNUSED = new Color(250, 226, 222);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color INK = new Color(30, 30, 30);
    private static final int PANEL = 300, PLOT = 200, TOP = 60, LEFT = 86, RIGHT = 28, MAX_PLOT_WIDTH = 1536;

    /** The chart of a codebook diagnostics measured on {@code examples} evaluation rows. */
    public static BufferedImage render(CodebookDiagnostics diagnostics, int examples) {
        List<CodebookUsage> stages = diagnostics.stages();
        if (stages.isEmpty()) throw new IllegalArgumentException("CodebookUsageChart: no codebook");
        int widest = stages.stream().mapToInt(CodebookUsage::codes).max().getAsInt();
        // one pixel column or more per code; a codebook wider than the plot shows each column's largest count
        int slot = Math.max(1, Math.min(24, MAX_PLOT_WIDTH / widest));
        int plotWidth = Math.min(MAX_PLOT_WIDTH, slot * widest);
        int width = LEFT + plotWidth + RIGHT, height = 20 + stages.size() * PANEL;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (int s = 0; s < stages.size(); s++) {
                panel(g, stages.get(s), stages.size() > 1, diagnostics.positions(), examples, s * PANEL, plotWidth);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void panel(Graphics2D g, CodebookUsage u, boolean staged, int positions, int examples, int y0, int plotWidth) {
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13), label = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font heading = new Font(Font.SANS_SERIF, Font.BOLD, 17);
        long[] counts = u.counts();
        int k = counts.length;
        long[] sorted = Arrays.stream(counts).map(c -> -c).sorted().map(c -> -c).toArray();
        long total = Arrays.stream(counts).sum(), max = Math.max(1, sorted[0]);
        int decades = Math.max(1, (int) Math.ceil(Math.log10(max + 0.5)));
        int left = LEFT, base = y0 + TOP + PLOT;
        g.setColor(INK);
        int centre = left + plotWidth / 2;
        centred(g, heading, String.format(Locale.ROOT, "Codebook%s usage: %,d of %,d codes used (%.1f%%), perplexity %.1f", staged ? " stage " + u.stage() : "",
                u.used(), k, 100 * u.usage(), u.perplexity()), centre, y0 + 24);
        centred(g, small, String.format(Locale.ROOT, "%,d codes chosen for %,d evaluation rows x %,d position%s; codes sorted by frequency, log scale",
                total, examples, positions, positions == 1 ? "" : "s"), centre, y0 + 44);
        // the unused codes' region
        int used = u.used();
        int usedEnd = left + (int) Math.round((double) used / k * plotWidth);
        if (used < k) {
            g.setColor(UNUSED);
            g.fillRect(usedEnd, base - PLOT, left + plotWidth - usedEnd, PLOT);
            g.setColor(new Color(160, 60, 50));
            g.setFont(small);
            String s = String.format(Locale.ROOT, "%,d unused", k - used);
            FontMetrics fm = g.getFontMetrics();
            if (left + plotWidth - usedEnd > fm.stringWidth(s) + 8) g.drawString(s, (usedEnd + left + plotWidth - fm.stringWidth(s)) / 2, base - PLOT / 2);
        }
        // decade grid lines and labels
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        // the axis starts at 1/2, so that a code chosen once shows as a bar
        double floor = Math.log10(0.5), span = decades - floor;
        for (int d = 0; d <= decades; d++) {
            int y = base - (int) Math.round((d - floor) / span * PLOT);
            g.setColor(GRID);
            g.drawLine(left, y, left + plotWidth, y);
            g.setColor(INK);
            String s = d <= 4 ? String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d)) : "1e" + d;
            g.drawString(s, left - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        // bars: a count c >= 1 reaches (log10(c) - log10(1/2)) / span of the plot
        g.setColor(BAR);
        for (int x = 0; x < plotWidth; x++) {
            int first = (int) ((long) x * k / plotWidth);
            long c = sorted[Math.min(k - 1, first)];
            if (c <= 0) continue;
            int h = Math.max(1, (int) Math.round((Math.log10(c) - floor) / span * PLOT));
            g.fillRect(left + x, base - h, 1, h);
        }
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, base, left + plotWidth, base);
        g.drawLine(left, base - PLOT - 4, left, base);
        // x ticks: rank 1, the middle and K
        g.setFont(small);
        for (int rank : new int[] {1, (k + 1) / 2, k}) {
            int x = left + (int) Math.round((rank - 0.5) / k * plotWidth);
            String s = String.format(Locale.ROOT, "%,d", rank);
            g.drawLine(x, base, x, base + 4);
            g.drawString(s, Math.max(left - 4, Math.min(left + plotWidth - fm.stringWidth(s), x - fm.stringWidth(s) / 2)), base + 6 + fm.getAscent());
        }
        centred(g, label, "codes, from the most used", left + plotWidth / 2, base + 38);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centred(g, label, "times chosen", -(base - PLOT / 2), 20);
        g.setTransform(saved);
    }

    /** Renders and writes the chart to {@code file} as PNG, atomically. */
    public static void write(Path file, CodebookDiagnostics diagnostics, int examples) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(render(diagnostics, examples), "png", png)) throw new IOException("CodebookUsageChart: this Java runtime has no PNG writer");
        AtomicFiles.write(file, png.toByteArray());
    }

    private static void centred(Graphics2D g, Font font, String text, int x, int baseline) {
        g.setFont(font);
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
