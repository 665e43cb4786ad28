package org.latent4j.cli.report;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.tensor.Shape;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

/**
 * A PNG of greyscale images laid out in rows and columns, each image {@code scale} times enlarged (nearest
 * neighbour, so pixels stay sharp), with a {@code gap}-pixel grey separator around and between images.
 * Intensities in [0, 1] map to 0..255 (values outside are clamped). Cells after the last image stay grey.
 */
public final class ImageGrid {
    private ImageGrid() {}

    /** The separator's grey, distinct from both a black background and white garments. */
    public static final int SEPARATOR = 128;

    /**
     * @param images [n, height * width] intensities in [0, 1], n at most rows * columns
     */
    public static BufferedImage render(Tensor images, int height, int width, int rows, int columns, int scale, int gap) {
        if (images.rank() != 2 || images.dim(1) != height * width) {
            throw new ShapeException("ImageGrid: images " + Shape.str(images.shape()) + " must be [n, " + height + " * " + width + "]");
        }
        if (rows < 1 || columns < 1 || scale < 1 || gap < 0) {
            throw new IllegalArgumentException("ImageGrid: rows, columns and scale must be >= 1 and gap >= 0, got " + rows + ", " + columns + ", " + scale + ", " + gap);
        }
        int n = images.dim(0);
        if (n > rows * columns) throw new IllegalArgumentException("ImageGrid: " + n + " images do not fit " + rows + " x " + columns + " cells");
        int cellH = height * scale, cellW = width * scale;
        int outH = rows * cellH + (rows + 1) * gap, outW = columns * cellW + (columns + 1) * gap;
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = out.getRaster();
        int[] line = new int[outW];
        java.util.Arrays.fill(line, SEPARATOR);
        for (int y = 0; y < outH; y++) raster.setPixels(0, y, outW, 1, line);
        float[] v = images.toArray();
        int[] cell = new int[cellW * cellH];
        for (int i = 0; i < n; i++) {
            int top = gap + (i / columns) * (cellH + gap), left = gap + (i % columns) * (cellW + gap);
            for (int y = 0; y < cellH; y++) {
                for (int x = 0; x < cellW; x++) cell[y * cellW + x] = grey(v[i * height * width + (y / scale) * width + x / scale]);
            }
            raster.setPixels(left, top, cellW, cellH, cell);
        }
        return out;
    }

    /** Renders and writes the grid to {@code file} as PNG, atomically. */
    public static void write(Path file, Tensor images, int height, int width, int rows, int columns, int scale, int gap) throws IOException {
        BufferedImage image = render(images, height, width, rows, columns, scale, gap);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) throw new IOException("ImageGrid: this Java runtime has no PNG writer");
        AtomicFiles.write(file, png.toByteArray());
    }

    /** Columns for n images in a near-square grid (at most {@code maxColumns}). */
    public static int columnsFor(int n, int maxColumns) {
        return Math.max(1, Math.min(maxColumns, (int) Math.ceil(Math.sqrt(n))));
    }

    private static int grey(float v) {
        // NaN goes to black rather than to whatever a cast of NaN gives
        if (!(v > 0)) return 0;
        if (v >= 1) return 255;
        return Math.round(v * 255f);
    }
}
