package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BarChart}: bar heights in proportion to the counts, round ticks, and many bars without overlap. */
class BarChartTest {
    /** Pixels of the bar colour in column x. */
    private static int barPixels(BufferedImage img, int x) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) if ((img.getRGB(x, y) & 0xffffff) == (BarChart.BAR.getRGB() & 0xffffff)) n++;
        return n;
    }

    @Test
    void barsAreAsTallAsTheirCounts(@TempDir Path dir) throws IOException {
        List<BarChart.Bar> bars = List.of(new BarChart.Bar("never", 3000), new BarChart.Bar("1e-3", 600), new BarChart.Bar("1e-2", 300),
                new BarChart.Bar("1e-1", 0));
        Path file = dir.resolve("chart.png");
        BarChart.write(file, "Feature density", "a note", "share of examples", "latents", bars);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(640, img.getWidth());
        // the bar columns: scan the middle row band for runs of bar colour
        List<Integer> heights = new ArrayList<>();
        int x = 0;
        while (x < img.getWidth()) {
            int h = barPixels(img, x);
            if (h > 0) {
                int start = x;
                while (x < img.getWidth() && barPixels(img, x) > 0) x++;
                heights.add(barPixels(img, (start + x) / 2));
            }
            x++;
        }
        assertEquals(3, heights.size(), "three bars drawn, the empty one is not: " + heights);
        assertEquals(5.0, (double) heights.get(0) / heights.get(1), 0.1);
        assertEquals(2.0, (double) heights.get(1) / heights.get(2), 0.1);
    }

    @Test
    void manyBarsFitAndTicksAreRound(@TempDir Path dir) throws IOException {
        List<BarChart.Bar> bars = new ArrayList<>();
        for (int i = 0; i < 512; i++) bars.add(new BarChart.Bar(Integer.toString(i), (i * 37) % 101));
        Path file = dir.resolve("many.png");
        BarChart.write(file, "Codebook usage", null, "code", "uses", bars);
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue(img.getWidth() <= 1800 && img.getWidth() >= 512, "width " + img.getWidth());
        assertEquals(1, BarChart.tickStep(3));
        assertEquals(1000, BarChart.tickStep(4096));
        assertEquals(1000, BarChart.tickStep(3000));
        assertEquals(500, BarChart.tickStep(2500));
        assertEquals(20, BarChart.tickStep(100));
        assertEquals(200_000, BarChart.tickStep(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new BarChart.Bar("x", -1));
        assertThrows(IllegalArgumentException.class, () -> BarChart.render("t", null, "x", "y", List.of()));
    }
}
