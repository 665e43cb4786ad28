package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.latent4j.core.eval.SparseCodeDiagnostics;

/**
 * {@link ReportCharts} and the diagnostics charts drawn with it: bar heights in proportion to the values, the two groups of
 * bars in their colours, each line in its colour, codebook usage with its unused codes right of a marked line, and
 * sizes as asked.
 */
class ReportChartsTest {
    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(image != null, "a PNG");
        return image;
    }

    /** The tallest run of pixels of exactly this colour in columns [x0, x1). */
    private static int tallest(BufferedImage image, Color colour, int x0, int x1) {
        int best = 0;
        for (int x = x0; x < x1; x++) {
            int n = 0;
            for (int y = 0; y < image.getHeight(); y++) if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) n++;
            best = Math.max(best, n);
        }
        return best;
    }

    private static int count(BufferedImage image, Color colour) {
        return tallest(image, colour, 0, image.getWidth()) > 0 ? countAll(image, colour) : 0;
    }

    private static int countAll(BufferedImage image, Color colour) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) n++;
        }
        return n;
    }

    @Test
    void barsAreAsTallAsTheirValuesAndColouredByGroup() throws IOException {
        BufferedImage image = decode(ReportCharts.bars("t", "x", "y", List.of("a", "b"), new double[] {400, 100}, new boolean[] {true, true}, "on", "off",
                false, 600, 400));
        assertEquals(600, image.getWidth());
        assertEquals(400, image.getHeight());
        int third = image.getWidth() / 3;
        double a = tallest(image, ReportCharts.PALETTE[0], 0, third), b = tallest(image, ReportCharts.PALETTE[0], 2 * third, image.getWidth());
        assertTrue(b > 20, "bar b is drawn: " + b);
        assertEquals(4.0, a / b, 0.15, "heights " + a + " and " + b + " are in the ratio of 400 to 100");

        // an inactive bar is grey, an active one in the first colour, and a legend names both
        BufferedImage mixed = decode(ReportCharts.bars("t", "x", "y", List.of("0", "1", "2"), new double[] {2, 2, 2}, new boolean[] {true, false, true},
                "active", "inactive", false, 600, 400));
        int blue = countAll(mixed, ReportCharts.PALETTE[0]), grey = countAll(mixed, ReportCharts.MUTED);
        assertTrue(blue > 1.6 * grey && grey > 500, "two blue bars, one grey: " + blue + " and " + grey + " pixels");
    }

    @Test
    void everyLineHasItsColour() throws IOException {
        double[] x = {1, 2, 3};
        BufferedImage image = decode(ReportCharts.lines("Loss", "epoch", "loss", List.of(new ReportCharts.Line("train", x, new double[] {3, 2, 1}),
                new ReportCharts.Line("validation", x, new double[] {3.5, Double.NaN, 2})), 500, 300));
        assertTrue(count(image, ReportCharts.PALETTE[0]) > 100 && count(image, ReportCharts.PALETTE[1]) > 100, "both lines drawn");
        assertThrows(IllegalArgumentException.class, () -> ReportCharts.lines("t", "x", "y", List.of(new ReportCharts.Line("nan", x,
                new double[] {Double.NaN, Double.NaN, Double.NaN})), 500, 300), "nothing to draw");
        assertThrows(IllegalArgumentException.class, () -> new ReportCharts.Line("short", x, new double[] {1}));
    }

    @Test
    void codebookUsageLeavesTheUnusedCodesRightOfItsLine() throws IOException {
        long[] counts = new long[64];
        for (int i = 0; i < 16; i++) counts[i * 4] = 1 + i * 10L; // 16 of 64 codes used, scattered: the chart sorts them
        BufferedImage image = decode(ReportCharts.codebookUsage("usage", counts, 800, 360));
        int lastBlue = -1, firstBlue = Integer.MAX_VALUE, red = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int c = image.getRGB(x, y), r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF, b = c & 0xFF;
                if (b > r + 60 && b > g + 20) {
                    lastBlue = Math.max(lastBlue, x);
                    firstBlue = Math.min(firstBlue, x);
                }
                if (r > 180 && g < 120 && b < 120) red++;
            }
        }
        double plotted = lastBlue - firstBlue;
        assertTrue(plotted > 60, "the used codes are drawn: " + plotted + " pixels wide");
        // the used quarter of the x axis: the blue area spans about a third of the rest of the axis (16 vs 48 codes)
        assertTrue(lastBlue < image.getWidth() * 0.45, "no bar right of the used codes: the last blue column is " + lastBlue);
        assertTrue(red > 30, "the line and the '48 unused' label are drawn: " + red + " red pixels");
        assertThrows(IllegalArgumentException.class, () -> ReportCharts.codebookUsage("none", new long[4], 800, 360));
    }

    @Test
    void featureDensityPutsTheDeadLatentsInGrey() throws IOException {
        int[] histogram = new int[SparseCodeDiagnostics.BINS];
        histogram[0] = 30;
        histogram[SparseCodeDiagnostics.BINS - 1] = 10;
        histogram[SparseCodeDiagnostics.BINS - 2] = 20;
        SparseCodeDiagnostics s = new SparseCodeDiagnostics(60, 4, 30, histogram, new double[60]);
        BufferedImage image = decode(DiagnosticCharts.featureDensity(s, 100, 760, 440));
        double grey = tallest(image, ReportCharts.MUTED, 0, image.getWidth()), blue = tallest(image, ReportCharts.PALETTE[0], 0, image.getWidth());
        assertEquals(1.5, grey / blue, 0.08, "30 never-firing latents against the tallest decade's 20");
        List<DiagnosticCharts.Bar> bars = DiagnosticCharts.densityBars(s, 100);
        assertEquals(List.of("never", "1e-2", "1e-1"), bars.stream().map(DiagnosticCharts.Bar::label).toList(), "decades from 1 / 100 examples up");
    }

    @Test
    void scatterAndRocDraw() throws IOException {
        List<Double> xs = new ArrayList<>();
        double[] x = new double[40], y = new double[40];
        int[] group = new int[40];
        for (int i = 0; i < 40; i++) {
            x[i] = Math.cos(i);
            y[i] = Math.sin(i);
            group[i] = i % 2;
            xs.add(x[i]);
        }
        BufferedImage scatter = decode(ReportCharts.scatter("PCA", "PC 1", "PC 2", List.of("even", "odd"), x, y, group, 600, 380));
        assertEquals(600, scatter.getWidth());
        BufferedImage roc = decode(ReportCharts.roc("ROC", new double[] {0, 0.25, 1}, new double[] {0, 0.75, 1}, 0.75, 0.25, 0.75, 500, 400));
        assertTrue(countAll(roc, ReportCharts.PALETTE[0]) > 200, "the curve");
        assertTrue(countAll(roc, ReportCharts.PALETTE[2]) > 20, "the threshold's marker");
    }

    @Test
    void recallChartHasOneSeriesPerFamilyInOrderOfSizeOnALogAxis() throws IOException {
        List<ReportCharts.RecallPoint> points = List.of(new ReportCharts.RecallPoint("PQ16", "PQ", 16, 0.8), new ReportCharts.RecallPoint("SQ8", "SQ", 784, 0.99),
                new ReportCharts.RecallPoint("PQ8", "PQ", 8, 0.7), new ReportCharts.RecallPoint("PQ56", "PQ", 56, 0.9));
        org.knowm.xchart.XYChart chart = ReportCharts.recallChart("recall", "60,000 x 784, l2", "recall@10", points);
        assertEquals(List.of("PQ", "SQ"), new ArrayList<>(chart.getSeriesMap().keySet()));
        org.knowm.xchart.XYSeries pq = chart.getSeriesMap().get("PQ");
        assertTrue(java.util.Arrays.equals(new double[] {3, 4, Math.log(56) / Math.log(2)}, pq.getXData()), "PQ's points in order of bytes, at log2(bytes)");
        assertTrue(java.util.Arrays.equals(new double[] {0.7, 0.8, 0.9}, pq.getYData()), "their recalls follow them");
        assertEquals("8", ReportCharts.powerOfTwoTick(3.0), "powers of two ticked by their bytes");
        assertEquals("1,024", ReportCharts.powerOfTwoTick(10.0));
        assertEquals("", ReportCharts.powerOfTwoTick(3.5), "no label between powers of two");
        assertEquals(0.0, chart.getStyler().getYAxisMin());
        assertEquals(1.0, chart.getStyler().getYAxisMax());
        BufferedImage image = decode(org.knowm.xchart.BitmapEncoder.getBitmapBytes(chart, org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG));
        assertEquals(ReportCharts.RECALL_WIDTH, image.getWidth());
        assertTrue(count(image, ReportCharts.PALETTE[0]) > 100 && count(image, ReportCharts.PALETTE[1]) > 20, "both families drawn in their colours");
        // PQ8 to PQ56 spans 2.8 octaves and SQ8 six and a half: on a log axis PQ's line covers well under half the
        // width (its recalls, 0.7-0.9, keep it in the upper half, away from the legend's swatch at the bottom right)
        int left = image.getWidth(), right = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight() / 2; y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (ReportCharts.PALETTE[0].getRGB() & 0xFFFFFF)) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        assertTrue(right - left < 0.45 * image.getWidth(), "PQ's points span " + (right - left) + " of " + image.getWidth() + " pixels");
    }

    @Test
    void recallPointsOutsideTheChartAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReportCharts.RecallPoint("x", "f", 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ReportCharts.RecallPoint("x", "f", 8, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new ReportCharts.RecallPoint("x", "f", 8, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ReportCharts.recallChart("t", null, "y", List.of()));
    }
}
