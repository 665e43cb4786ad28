package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

class ImageGridTest {
    private static int grey(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void writesAPngWithTheLayoutAndPixelValues(@TempDir Path dir) throws IOException {
        // three 2x3 images: image i has pixel (r, c) = (10 * i + 3 * r + c) / 255, so every pixel is distinct
        int h = 2, w = 3, n = 3;
        float[] v = new float[n * h * w];
        for (int i = 0; i < n; i++) for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) v[i * h * w + r * w + c] = (10 * i + 3 * r + c) / 255f;
        Path file = dir.resolve("grid.png");
        int rows = 2, cols = 2, scale = 2, gap = 1;
        ImageGrid.write(file, Tensor.of(v, n, h * w), h, w, rows, cols, scale, gap);

        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(cols * w * scale + (cols + 1) * gap, img.getWidth());
        assertEquals(rows * h * scale + (rows + 1) * gap, img.getHeight());
        for (int i = 0; i < n; i++) {
            int top = gap + (i / cols) * (h * scale + gap), left = gap + (i % cols) * (w * scale + gap);
            for (int y = 0; y < h * scale; y++) {
                for (int x = 0; x < w * scale; x++) {
                    assertEquals(10 * i + 3 * (y / scale) + x / scale, grey(img, left + x, top + y), "image " + i + " at " + x + "," + y);
                }
            }
        }
        assertEquals(ImageGrid.SEPARATOR, grey(img, 0, 0));
        assertEquals(ImageGrid.SEPARATOR, grey(img, gap + w * scale, gap));
        // the fourth cell is empty
        assertEquals(ImageGrid.SEPARATOR, grey(img, img.getWidth() - 2, img.getHeight() - 2));
    }

    @Test
    void clampsOutOfRangeValues() {
        BufferedImage img = ImageGrid.render(Tensor.of(new float[] {-0.5f, 2f, Float.NaN, 1f}, 1, 4), 2, 2, 1, 1, 1, 0);
        assertEquals(0, grey(img, 0, 0));
        assertEquals(255, grey(img, 1, 0));
        assertEquals(0, grey(img, 0, 1));
        assertEquals(255, grey(img, 1, 1));
    }

    @Test
    void wrongShapesAreRefused() {
        assertThrows(ShapeException.class, () -> ImageGrid.render(Tensor.zeros(2, 5), 2, 2, 1, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(Tensor.zeros(3, 4), 2, 2, 1, 2, 1, 1));
    }
}
