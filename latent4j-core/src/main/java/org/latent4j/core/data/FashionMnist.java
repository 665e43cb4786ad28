package org.latent4j.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.latent4j.core.data.io.IdxReader;
import org.latent4j.tensor.Tensor;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence, Zalando SE): 28x28 grey images of 10 clothing
 * classes, 60,000 for training and 10,000 for test, in IDX files.
 *
 * <p>Every loader returns pixels scaled to [0, 1] ({@link Preprocessing#scaleBytes}) as [n, 784] features,
 * labels 0..9 and image shape {28, 28}. The test split is embedded in this library (see the README beside
 * the resource files), so {@link #embedded()} works anywhere; the full set is read from a directory,
 * {@link #SYSTEM_DIRECTORY} being where Debian's {@code dataset-fashion-mnist} package puts it.
 */
public final class FashionMnist {
    private FashionMnist() {}

    /** The word that names the installed data set on the command line. */
    public static final String WORD = "fashion-mnist";
    /** Where the data set is installed on this system, named on the command line by {@link #WORD}. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** The height of an image in pixels. */
    public static final int ROWS = 28;
    /** The width of an image in pixels. */
    public static final int COLUMNS = 28;
    /** The names of the ten classes, by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String RESOURCE_DIRECTORY = "fashion-mnist/";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";

    /**
     * The training and test splits.
     *
     * @param train the 60,000 training images
     * @param test the 10,000 test images
     */
    public record Splits(Dataset train, Dataset test) {}

    /**
     * The embedded test split: 10,000 images, 1,000 per class.
     *
     * @return the test split, values in [0, 1]
     * @throws DataFileException when the resource is missing or damaged
     */
    public static Dataset embedded() throws DataFileException {
        String images = RESOURCE_DIRECTORY + TEST_IMAGES + ".gz";
        String labels = RESOURCE_DIRECTORY + TEST_LABELS + ".gz";
        String where = "class-path resource " + FashionMnist.class.getPackageName().replace('.', '/') + "/";
        try (InputStream imageStream = FashionMnist.class.getResourceAsStream(images);
             InputStream labelStream = FashionMnist.class.getResourceAsStream(labels)) {
            return build(WORD + "/test",
                    IdxReader.read(imageStream, where + images), where + images,
                    IdxReader.readLabels(labelStream, where + labels), where + labels);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(where + images, "cannot be closed (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Both splits from a directory holding the four standard files, each plain or gzipped.
     *
     * @param directory the directory
     * @return the training and test splits
     * @throws DataFileException when a file is missing or not a valid IDX file
     */
    public static Splits load(Path directory) throws DataFileException {
        return new Splits(loadTrain(directory), loadTest(directory));
    }

    /**
     * {@return the training split from a directory holding the standard files}
     *
     * @param directory the directory
     * @throws DataFileException when a file is missing or not a valid IDX file
     */
    public static Dataset loadTrain(Path directory) throws DataFileException {
        return loadPart(directory, TRAIN_IMAGES, TRAIN_LABELS, WORD + "/train");
    }

    /**
     * {@return the test split from a directory holding the standard files}
     *
     * @param directory the directory
     * @throws DataFileException when a file is missing or not a valid IDX file
     */
    public static Dataset loadTest(Path directory) throws DataFileException {
        return loadPart(directory, TEST_IMAGES, TEST_LABELS, WORD + "/test");
    }

    /**
     * The directory that a data argument names: the word {@value #WORD} means {@link #SYSTEM_DIRECTORY},
     * anything else is taken as a directory path.
     *
     * @param data the data argument
     * @return the directory
     * @throws DataFileException when the directory does not exist
     */
    public static Path resolve(String data) throws DataFileException {
        return resolve(data, SYSTEM_DIRECTORY);
    }

    static Path resolve(String data, Path systemDirectory) throws DataFileException {
        if (WORD.equals(data)) {
            if (Files.isDirectory(systemDirectory)) return systemDirectory;
            throw new DataFileException(systemDirectory.toString(), "Fashion-MNIST is not installed here: install it with "
                    + "`apt-get install dataset-fashion-mnist`, or pass --data DIR with a directory holding " + TRAIN_IMAGES + ", "
                    + TRAIN_LABELS + ", " + TEST_IMAGES + " and " + TEST_LABELS + " (each plain or .gz); the test split alone is embedded");
        }
        Path p = Path.of(data);
        if (Files.isDirectory(p)) return p;
        throw new DataFileException(data, (Files.exists(p) ? "is not a directory" : "no such directory")
                + "; pass a directory holding the Fashion-MNIST IDX files, or the word " + WORD + " for " + systemDirectory);
    }

    private static Dataset loadPart(Path directory, String imagesBase, String labelsBase, String name) throws DataFileException {
        if (!Files.isDirectory(directory)) throw new DataFileException(directory.toString(), "is not a directory");
        Path images = find(directory, imagesBase);
        Path labels = find(directory, labelsBase);
        return build(name, IdxReader.read(images), images.toString(), IdxReader.readLabels(labels), labels.toString());
    }

    private static Path find(Path directory, String base) throws DataFileException {
        for (String candidate : new String[] {base, base + ".gz"}) {
            Path p = directory.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new DataFileException(directory.toString(), "holds neither " + base + " nor " + base + ".gz");
    }

    private static Dataset build(String name, IdxReader.IdxArray images, String imagesFile, int[] labels, String labelsFile)
            throws DataFileException {
        int[] s = images.shape();
        if (images.type() != IdxReader.Type.UBYTE || s.length != 3 || s[1] != ROWS || s[2] != COLUMNS) {
            throw new DataFileException(imagesFile, "holds " + images.type().name().toLowerCase(java.util.Locale.ROOT) + " data of shape "
                    + java.util.Arrays.toString(s) + ", not Fashion-MNIST's ubyte images of " + ROWS + "x" + COLUMNS);
        }
        int n = s[0];
        if (labels.length != n) {
            throw new DataFileException(labelsFile, "holds " + labels.length + " labels but " + imagesFile + " holds " + n + " images");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= CLASS_NAMES.size()) {
                throw new DataFileException(labelsFile, "label " + labels[i] + " of image " + i + " is outside the classes 0.." + (CLASS_NAMES.size() - 1));
            }
        }
        float[] pixels = images.values().data();
        Preprocessing.scaleBytesInPlace(pixels);
        return new Dataset(name, Tensor.wrap(pixels, n, ROWS * COLUMNS), labels, new int[] {ROWS, COLUMNS});
    }
}
