package org.latent4j.core.model;

/**
 * What a model kind needs to know of the data to configure a model for it.
 *
 * @param features   features per row
 * @param imageShape the [height, width] (or [channels, height, width]) each row is a flattening of, or null
 * @param classes    the number of classes of a labelled data set (labels 0..classes-1), or 0 when unlabelled
 * @param unitInterval whether every value lies in [0, 1] (intensities, which the command line binarizes for a
 *                   Bernoulli likelihood by default)
 */
public record DataShape(int features, int[] imageShape, int classes, boolean unitInterval) {
    /** Checks the counts, and that an image shape flattens to the features; copies the image shape. */
    public DataShape {
        if (features < 1) throw new IllegalArgumentException("DataShape: features must be >= 1, got " + features);
        if (classes < 0) throw new IllegalArgumentException("DataShape: classes must be >= 0, got " + classes);
        if (imageShape != null) {
            long n = 1;
            for (int s : imageShape) n *= s;
            if (n != features || imageShape.length < 2 || imageShape.length > 3) {
                throw new IllegalArgumentException("DataShape: image shape " + java.util.Arrays.toString(imageShape) + " does not flatten to "
                        + features + " features");
            }
            imageShape = imageShape.clone();
        }
    }

    /** {@return [height, width] or [channels, height, width] for images, else null; a copy} */
    @Override
    public int[] imageShape() {
        return imageShape == null ? null : imageShape.clone();
    }

    /** {@return whether the rows are images} */
    public boolean isImage() {
        return imageShape != null;
    }
}
