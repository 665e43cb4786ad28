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
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.latent4j.core.io.AtomicFiles;

/**
 * A PNG bar chart of labelled counts (java.awt and ImageIO, no other dependency): a title, one bar per label with its
 * count above it, a y axis of round ticks from 0 with light grid lines, and both axes labelled. Any histogram of a run's
 * diagnostics draws with it: the feature density of a sparse code ({@link DiagnosticCharts}), a codebook's usage.
 *
 * <p>Many bars (a codebook's 512 codes, say) narrow down to a pixel; then only every n-th label is written, so labels
 * never overlap, and the counts above the bars are left out when they would not fit.
 */
public final class BarChart {
    private BarChart() {}

    static {
        // no display is needed to draw into an image; say so before the first AWT class loads its toolkit
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** One bar: its label under the axis and its count (>= 0). */
    public record Bar(String label, long count) {
        public Bar {
            if (label == null) throw new IllegalArgumentException("BarChart: a bar has no label");
            if (count < 0) throw new IllegalArgumentException("BarChart: bar '" + label + "' has a negative count " + count);
        }
    }

    static final Color BAR = new Color(52, 101, 164);
    static final Color BACKGROUND = Color.WHITE;
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color INK = new Color(30, 30, 30);

    private static final int HEIGHT = 440, PLOT_HEIGHT = 280, TOP = 64, LEFT = 86, RIGHT = 28, MIN_WIDTH = 640;

    /** The chart as an image; {@code note} (may be null) is a smaller second line under the title. */
    public static BufferedImage render(String title, String note, String xLabel, String yLabel, List<Bar> bars) {
        if (bars.isEmpty()) throw new IllegalArgumentException("BarChart: no bars to draw");
        int n = bars.size();
        // a few bars share the minimum width (at most 120 pixels each); many get at least 1 pixel, the chart at most 1,800 wide
        int slot = Math.max(1, Math.min(120, Math.max((MIN_WIDTH - LEFT - RIGHT) / n, Math.min(64, (1800 - LEFT - RIGHT) / n))));
        int plotWidth = slot * n, width = Math.max(MIN_WIDTH, LEFT + plotWidth + RIGHT);
        int left = LEFT + (width - LEFT - RIGHT - plotWidth) / 2;
        BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, HEIGHT);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13), label = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            Font heading = new Font(Font.SANS_SERIF, Font.BOLD, 17);
            g.setColor(INK);
            centred(g, heading, title, width / 2, 26);
            if (note != null && !note.isBlank()) centred(g, small, note, width / 2, 46);

            long max = 0;
            for (Bar b : bars) max = Math.max(max, b.count());
            long step = tickStep(max);
            long top = Math.max(step, (max + step - 1) / step * step);
            int base = TOP + PLOT_HEIGHT;
            // y ticks and grid lines
            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            int tickWidth = fm.stringWidth(String.format(Locale.ROOT, "%,d", top));
            for (long t = 0; t <= top; t += step) {
                int y = base - (int) Math.round((double) t / top * PLOT_HEIGHT);
                g.setColor(GRID);
                g.drawLine(left, y, left + plotWidth, y);
                g.setColor(INK);
                String s = String.format(Locale.ROOT, "%,d", t);
                g.drawString(s, left - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
            }
            // bars, with their counts above when they fit
            int gap = slot >= 6 ? Math.max(1, slot / 6) : 0;
            for (int i = 0; i < n; i++) {
                long c = bars.get(i).count();
                int h = (int) Math.round((double) c / top * PLOT_HEIGHT);
                if (c > 0 && h == 0) h = 1;
                int x = left + i * slot + gap;
                g.setColor(BAR);
                g.fillRect(x, base - h, Math.max(1, slot - 2 * gap), h);
                String s = String.format(Locale.ROOT, "%,d", c);
                if (fm.stringWidth(s) <= slot + 4) {
                    g.setColor(INK);
                    g.drawString(s, left + i * slot + (slot - fm.stringWidth(s)) / 2, base - h - 6);
                }
            }
            g.setColor(INK);
            g.setStroke(new BasicStroke(1.2f));
            g.drawLine(left, base, left + plotWidth, base);
            g.drawLine(left, TOP - 6, left, base);
            // x labels: every n-th when they would overlap
            g.setFont(label);
            fm = g.getFontMetrics();
            int widest = 1;
            for (Bar b : bars) widest = Math.max(widest, fm.stringWidth(b.label()));
            int every = Math.max(1, (int) Math.ceil((widest + 8.0) / slot));
            for (int i = 0; i < n; i += every) {
                String s = bars.get(i).label();
                g.drawString(s, left + i * slot + (slot - fm.stringWidth(s)) / 2, base + 6 + fm.getAscent());
            }
            centred(g, label, xLabel, left + plotWidth / 2, base + 52);
            // the y label, read bottom to top
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            centred(g, label, yLabel, -(TOP + PLOT_HEIGHT / 2), Math.max(18, left - tickWidth - 16));
            g.setTransform(saved);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders and writes the chart to {@code file} as PNG, atomically. */
    public static void write(Path file, String title, String note, String xLabel, String yLabel, List<Bar> bars) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(render(title, note, xLabel, yLabel, bars), "png", png)) throw new IOException("BarChart: this Java runtime has no PNG writer");
        AtomicFiles.write(file, png.toByteArray());
    }

    /** A round step (1, 2 or 5 times a power of ten) giving at most about 6 ticks up to max. */
    static long tickStep(long max) {
        if (max <= 5) return 1;
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (max / (step * m) <= 5) return step * m;
            }
            step *= 10;
        }
    }

    private static void centred(Graphics2D g, Font font, String text, int x, int baseline) {
        g.setFont(font);
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
