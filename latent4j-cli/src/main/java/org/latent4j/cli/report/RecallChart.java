package org.latent4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.latent4j.core.io.AtomicFiles;

/**
 * A PNG of recall against bytes per vector, in the style of {@link BarChart}: x is bytes per vector on a log2 axis
 * (powers of two as ticks), y is recall from 0 to 1; each point is one compressor spec, labelled with it, and the
 * points of one family (PQ, OPQ, SQ...) share a colour and are joined in order of size, with a legend of families.
 */
public final class RecallChart {
    private RecallChart() {}

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** One spec: its label, the family it is drawn with, its bytes per vector (> 0) and its recall in [0, 1]. */
    public record Point(String label, String family, double bytes, double recall) {
        public Point {
            if (label == null || family == null) throw new IllegalArgumentException("RecallChart: a point has no label or family");
            if (!(bytes > 0)) throw new IllegalArgumentException("RecallChart: point '" + label + "' has bytes " + bytes + "; they must be positive");
            if (!(recall >= 0 && recall <= 1)) throw new IllegalArgumentException("RecallChart: point '" + label + "' has recall " + recall + " outside [0, 1]");
        }
    }

    static final Color[] PALETTE = {new Color(52, 101, 164), new Color(204, 0, 0), new Color(78, 154, 6), new Color(245, 121, 0),
        new Color(117, 80, 123), new Color(193, 125, 17), new Color(6, 152, 154), new Color(85, 87, 83)};
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color INK = new Color(30, 30, 30);
    static final int WIDTH = 900, HEIGHT = 560, TOP = 70, LEFT = 80, RIGHT = 40, BOTTOM = 80;

    public static BufferedImage render(String title, String note, String yLabel, List<Point> points) {
        if (points.isEmpty()) throw new IllegalArgumentException("RecallChart: no points to draw");
        double minLog = Double.MAX_VALUE, maxLog = -Double.MAX_VALUE;
        for (Point p : points) {
            double l = Math.log(p.bytes()) / Math.log(2);
            minLog = Math.min(minLog, l);
            maxLog = Math.max(maxLog, l);
        }
        // whole powers of two around the data, half a step of margin so end points and their labels fit
        int lo = (int) Math.floor(minLog - 0.5), hi = (int) Math.ceil(maxLog + 0.5);
        if (hi - lo < 2) hi = lo + 2;
        int plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM, base = TOP + plotH;
        final int xlo = lo, xhi = hi;
        java.util.function.DoubleUnaryOperator xOf = b -> LEFT + (Math.log(b) / Math.log(2) - xlo) / (xhi - xlo) * plotW;
        java.util.function.DoubleUnaryOperator yOf = r -> base - r * plotH;

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13), label = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            Font heading = new Font(Font.SANS_SERIF, Font.BOLD, 17);
            g.setColor(INK);
            centred(g, heading, title, WIDTH / 2, 28);
            if (note != null && !note.isBlank()) centred(g, small, note, WIDTH / 2, 48);

            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            for (int t = 0; t <= 10; t += 2) {
                int y = (int) Math.round(yOf.applyAsDouble(t / 10.0));
                g.setColor(GRID);
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(INK);
                String s = String.format(Locale.ROOT, "%.1f", t / 10.0);
                g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
            }
            int every = (hi - lo) > 12 ? 2 : 1;
            for (int e = lo; e <= hi; e++) {
                int x = (int) Math.round(xOf.applyAsDouble(Math.pow(2, e)));
                g.setColor(GRID);
                g.drawLine(x, TOP, x, base);
                if ((e - lo) % every != 0) continue;
                g.setColor(INK);
                String s = String.format(Locale.ROOT, "%,d", (long) Math.pow(2, e));
                if (e < 0) s = "1/" + (long) Math.pow(2, -e);
                g.drawString(s, x - fm.stringWidth(s) / 2, base + 6 + fm.getAscent());
            }
            g.setStroke(new BasicStroke(1.2f));
            g.drawLine(LEFT, base, LEFT + plotW, base);
            g.drawLine(LEFT, TOP, LEFT, base);
            centred(g, label, "bytes per vector (log2 scale)", LEFT + plotW / 2, base + 50);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            centred(g, label, yLabel, -(TOP + plotH / 2), 24);
            g.setTransform(saved);

            Map<String, List<Point>> families = new LinkedHashMap<>();
            for (Point p : points) families.computeIfAbsent(p.family(), f -> new ArrayList<>()).add(p);
            List<Rectangle> taken = new ArrayList<>();
            int fi = 0;
            for (Map.Entry<String, List<Point>> e : families.entrySet()) {
                Color c = PALETTE[fi++ % PALETTE.length];
                List<Point> ps = new ArrayList<>(e.getValue());
                ps.sort(Comparator.comparingDouble(Point::bytes));
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                for (int i = 1; i < ps.size(); i++) {
                    // points of one size are alternatives, not a trade-off curve
                    if (ps.get(i - 1).bytes() == ps.get(i).bytes()) continue;
                    g.drawLine((int) xOf.applyAsDouble(ps.get(i - 1).bytes()), (int) yOf.applyAsDouble(ps.get(i - 1).recall()),
                            (int) xOf.applyAsDouble(ps.get(i).bytes()), (int) yOf.applyAsDouble(ps.get(i).recall()));
                }
                for (Point p : ps) {
                    int x = (int) xOf.applyAsDouble(p.bytes()), y = (int) yOf.applyAsDouble(p.recall());
                    g.setColor(c);
                    g.fillOval(x - 5, y - 5, 10, 10);
                    taken.add(new Rectangle(x - 5, y - 5, 10, 10));
                }
            }
            // labels beside their points, moved down or up until they overlap nothing drawn before them
            g.setFont(small);
            fi = 0;
            for (Map.Entry<String, List<Point>> e : families.entrySet()) {
                Color c = PALETTE[fi++ % PALETTE.length].darker();
                for (Point p : e.getValue()) {
                    int x = (int) xOf.applyAsDouble(p.bytes()), y = (int) yOf.applyAsDouble(p.recall());
                    int w = fm.stringWidth(p.label()), h = fm.getAscent();
                    int lx = x + 8 + w > LEFT + plotW ? x - 8 - w : x + 8;
                    Rectangle r = new Rectangle(lx, y - h / 2 - 2, w, h + 2);
                    for (int tries = 0; tries < 24 && overlaps(r, taken); tries++) {
                        int shift = (tries / 2 + 1) * (h + 2) * (tries % 2 == 0 ? 1 : -1);
                        r = new Rectangle(lx, y - h / 2 - 2 + shift, w, h + 2);
                    }
                    taken.add(r);
                    g.setColor(c);
                    g.drawString(p.label(), r.x, r.y + h);
                }
            }
            // legend: one swatch per family, top left inside the plot
            int ly = TOP + 14;
            fi = 0;
            for (String f : families.keySet()) {
                g.setColor(PALETTE[fi++ % PALETTE.length]);
                g.fillOval(LEFT + 14, ly - 9, 10, 10);
                g.setColor(INK);
                g.drawString(f, LEFT + 30, ly);
                ly += fm.getHeight();
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static boolean overlaps(Rectangle r, List<Rectangle> taken) {
        for (Rectangle t : taken) if (t.intersects(r)) return true;
        return false;
    }

    /** Renders and writes the chart to {@code file} as PNG, atomically. */
    public static void write(Path file, String title, String note, String yLabel, List<Point> points) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(render(title, note, yLabel, points), "png", png)) throw new IOException("RecallChart: this Java runtime has no PNG writer");
        AtomicFiles.write(file, png.toByteArray());
    }

    private static void centred(Graphics2D g, Font font, String text, int x, int baseline) {
        g.setFont(font);
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
