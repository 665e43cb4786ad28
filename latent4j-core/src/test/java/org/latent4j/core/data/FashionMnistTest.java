package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.latent4j.core.data.TestFiles.assertFails;
import static org.latent4j.core.data.TestFiles.gzip;
import static org.latent4j.core.data.TestFiles.write;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    /** Sum of the pixel bytes, recovered exactly from the [0,1] floats (each is k/255 rounded to float32). */
    static long byteSum(Dataset d) {
        long sum = 0;
        int notBytes = 0;
        for (float v : d.features().data()) {
            long k = Math.round(v * 255.0);
            if (v != k / 255f) notBytes++;
            sum += k;
        }
        assertEquals(0, notBytes, "pixels that are not k/255 for a byte k");
        return sum;
    }

    /**
     * Known answers computed independently with numpy from the same IDX files:
     * {@code x = np.frombuffer(gzip.open(f).read(), np.uint8, offset=16)}: x.sum() = 573,469,082 over
     * 7,840,000 pixels, so the mean intensity is 573469082 / 255 / 7840000 = 0.28684928...; the first ten
     * labels are 9 2 1 1 6 1 4 6 5 7 and every class has 1,000 images.
     */
    @Test
    void embeddedTestSplitIsTheRealOne() throws Exception {
        Dataset d = FashionMnist.embedded();
        assertEquals("fashion-mnist/test", d.name());
        assertEquals(10_000, d.size());
        assertEquals(784, d.dim());
        assertArrayEquals(new int[] {28, 28}, d.imageShape());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, d.labelCounts());
        int[] first = new int[10];
        System.arraycopy(d.labels(), 0, first, 0, 10);
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, first);
        // The byte sum is an integer, so this check is exact: any lost, repeated or misplaced-offset byte changes it.
        assertEquals(573_469_082L, byteSum(d));
        double mean = 0;
        float min = 1;
        float max = 0;
        for (float v : d.features().data()) {
            mean += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        mean /= d.features().size();
        // Double accumulation of 7.84 million floats each within 2^-25 relative of k/255: error far below 1e-7.
        assertEquals(0.2868492807, mean, 1e-7);
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void embeddedFilesAreTheInstalledOnesWhenPresent() throws Exception {
        Path installed = FashionMnist.SYSTEM_DIRECTORY.resolve("t10k-images-idx3-ubyte.gz");
        assumeTrue(Files.isRegularFile(installed), "Fashion-MNIST is not installed");
        byte[] embedded;
        try (InputStream in = new GZIPInputStream(FashionMnist.class.getResourceAsStream("fashion-mnist/t10k-images-idx3-ubyte.gz"))) {
            embedded = in.readAllBytes();
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(installed))) {
            assertArrayEquals(in.readAllBytes(), embedded);
        }
        Dataset test = FashionMnist.loadTest(FashionMnist.resolve(FashionMnist.WORD));
        assertArrayEquals(FashionMnist.embedded().features().data(), test.features().data());
    }

    /** Known answer from numpy as above: the training bytes sum to 3,431,114,169; 6,000 images per class. */
    @Test
    void installedTrainingSplit() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY), "Fashion-MNIST is not installed");
        Dataset train = FashionMnist.loadTrain(FashionMnist.SYSTEM_DIRECTORY);
        assertEquals(60_000, train.size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, train.labelCounts());
        assertEquals(3_431_114_169L, byteSum(train));
    }

    @Test
    void resolverExplainsAMissingInstallation() throws Exception {
        Path missing = dir.resolve("not-installed");
        String m = assertFails(missing.toString(), () -> FashionMnist.resolve("fashion-mnist", missing),
                "apt-get install dataset-fashion-mnist", "--data DIR");
        assertTrue(m.contains("train-images-idx3-ubyte"), m);
        assertEquals(dir, FashionMnist.resolve("fashion-mnist", dir));
        assertEquals(dir, FashionMnist.resolve(dir.toString()));
        assertFails(missing.toString(), () -> FashionMnist.resolve(missing.toString()), "no such directory");
    }

    static byte[] idx(int magicType, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) magicType).put((byte) dims.length);
        for (int x : dims) b.putInt(x);
        return b.put(payload).array();
    }

    /** A tiny stand-in directory: 3 images, plain training files and gzipped test files. */
    @Test
    void loadsADirectoryOfPlainOrGzippedFiles() throws Exception {
        byte[] pixels = new byte[3 * 784];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) i;
        write(dir, "train-images-idx3-ubyte", idx(8, new int[] {3, 28, 28}, pixels));
        write(dir, "train-labels-idx1-ubyte", idx(8, new int[] {3}, new byte[] {0, 9, 4}));
        write(dir, "t10k-images-idx3-ubyte.gz", gzip(idx(8, new int[] {3, 28, 28}, pixels)));
        write(dir, "t10k-labels-idx1-ubyte.gz", gzip(idx(8, new int[] {3}, new byte[] {1, 2, 3})));
        FashionMnist.Splits s = FashionMnist.load(dir);
        assertArrayEquals(new int[] {0, 9, 4}, s.train().labels());
        assertArrayEquals(new int[] {1, 2, 3}, s.test().labels());
        assertEquals(3, s.test().size());
        assertEquals(((byte) 785 & 0xff) / 255f, s.train().features().get(1, 1));
        assertArrayEquals(s.train().features().data(), s.test().features().data());
    }

    @Test
    void directoryProblemsNameTheFile() throws Exception {
        assertFails(dir.toString(), () -> FashionMnist.loadTest(dir), "holds neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz");
        Path images = write(dir, "t10k-images-idx3-ubyte", idx(8, new int[] {2, 28, 27}, new byte[2 * 28 * 27]));
        write(dir, "t10k-labels-idx1-ubyte", idx(8, new int[] {2}, new byte[] {0, 1}));
        assertFails(images.toString(), () -> FashionMnist.loadTest(dir), "holds ubyte data of shape [2, 28, 27], not Fashion-MNIST's ubyte images of 28x28");
        write(dir, "t10k-images-idx3-ubyte", idx(8, new int[] {2, 28, 28}, new byte[2 * 784]));
        Path labels = write(dir, "t10k-labels-idx1-ubyte", idx(8, new int[] {3}, new byte[] {0, 1, 2}));
        assertFails(labels.toString(), () -> FashionMnist.loadTest(dir), "holds 3 labels but", "holds 2 images");
        write(dir, "t10k-labels-idx1-ubyte", idx(8, new int[] {2}, new byte[] {0, 10}));
        assertFails(labels.toString(), () -> FashionMnist.loadTest(dir), "label 10 of image 1 is outside the classes 0..9");
    }
}
