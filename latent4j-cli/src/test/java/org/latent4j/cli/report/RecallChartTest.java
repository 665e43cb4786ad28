package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RecallChart}: markers where log2(bytes) and recall put them, and points it cannot draw refused. */
class RecallChartTest {
    @Test
    void markersSitAtLog2BytesAndRecall() {
        // 16 and 64 bytes: the axis runs from 2^3 to 2^7, so the markers are at 1/4 and 3/4 of the plot's width
        BufferedImage img = RecallChart.render("t", null, "recall", List.of(new RecallChart.Point("PQ16", "PQ", 16, 0.25),
                new RecallChart.Point("PQ64", "PQ", 64, 0.75)));
        int colour = RecallChart.PALETTE[0].getRGB() & 0xffffff;
        // marker columns: at least 8 pixels of the family colour (the joining line is 2 pixels thick), below the legend
        List<int[]> columns = new ArrayList<>();
        for (int x = 0; x < img.getWidth(); x++) {
            int n = 0, sumY = 0;
            for (int y = RecallChart.TOP + 40; y < RecallChart.HEIGHT - RecallChart.BOTTOM; y++) {
                if ((img.getRGB(x, y) & 0xffffff) == colour) {
                    n++;
                    sumY += y;
                }
            }
            if (n >= 8) columns.add(new int[] {x, sumY / n});
        }
        // the centre column of each run of marker columns
        List<int[]> markers = new ArrayList<>();
        for (int i = 0; i < columns.size(); ) {
            int j = i;
            while (j + 1 < columns.size() && columns.get(j + 1)[0] == columns.get(j)[0] + 1) j++;
            markers.add(columns.get((i + j) / 2));
            i = j + 1;
        }
        assertEquals(2, markers.size(), "two markers");
        int plotW = RecallChart.WIDTH - RecallChart.LEFT - RecallChart.RIGHT, plotH = RecallChart.HEIGHT - RecallChart.TOP - RecallChart.BOTTOM;
        int base = RecallChart.TOP + plotH;
        assertEquals(RecallChart.LEFT + plotW / 4.0, markers.get(0)[0], 3);
        assertEquals(base - 0.25 * plotH, markers.get(0)[1], 3);
        assertEquals(RecallChart.LEFT + 3 * plotW / 4.0, markers.get(1)[0], 3);
        assertEquals(base - 0.75 * plotH, markers.get(1)[1], 3);
    }

    @Test
    void refusesPointsOutsideTheAxes() {
        assertThrows(IllegalArgumentException.class, () -> new RecallChart.Point("x", "f", 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RecallChart.Point("x", "f", 8, 1.5));
        assertThrows(IllegalArgumentException.class, () -> RecallChart.render("t", null, "y", List.of()));
    }
}
