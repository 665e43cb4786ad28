package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;

class DatasetTest {
    /** Row r holds r*10 + j in column j, and label r % 3: every value says where it came from. */
    static Dataset numbered(int n, int d) {
        float[] v = new float[n * d];
        int[] labels = new int[n];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) v[r * d + j] = r * 10 + j;
            labels[r] = r % 3;
        }
        return new Dataset("numbered", Tensor.wrap(v, n, d), labels, null);
    }

    static int rowOf(Tensor features, int i) {
        return (int) (features.get(i, 0) / 10);
    }

    @Test
    void constructionChecksShapes() {
        Tensor x = Tensor.zeros(4, 6);
        assertThrows(ShapeException.class, () -> new Dataset("x", Tensor.zeros(4), null, null));
        assertThrows(ShapeException.class, () -> new Dataset("x", x, new int[3], null));
        assertThrows(ShapeException.class, () -> new Dataset("x", x, null, new int[] {2, 2}));
        Dataset ok = new Dataset("x", x, new int[4], new int[] {2, 3});
        assertArrayEquals(new int[] {2, 3}, ok.imageShape());
        assertThrows(IllegalStateException.class, () -> Dataset.unlabeled("u", x).labels());
        // A non-contiguous view is copied into storage of its own.
        Dataset t = Dataset.unlabeled("t", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.features().data());
    }

    @Test
    void splitIsDeterministicDisjointAndComplete() {
        Dataset data = numbered(103, 2);
        Dataset.Split a = data.split(20, 7L);
        Dataset.Split b = data.split(20, 7L);
        assertEquals(20, a.validation().size());
        assertEquals(83, a.train().size());
        assertArrayEquals(a.train().features().data(), b.train().features().data());
        assertArrayEquals(a.validation().labels(), b.validation().labels());

        boolean[] seen = new boolean[103];
        for (Dataset part : List.of(a.train(), a.validation())) {
            int previous = -1;
            for (int i = 0; i < part.size(); i++) {
                int r = rowOf(part.features(), i);
                assertFalse(seen[r], "row " + r + " is in both parts");
                seen[r] = true;
                assertTrue(r > previous, "each part keeps file order");
                previous = r;
                assertEquals(r * 10 + 1, part.features().get(i, 1), "the whole row moves together");
                assertEquals(r % 3, part.label(i), "labels follow their rows");
            }
        }
        for (int r = 0; r < 103; r++) assertTrue(seen[r], "row " + r + " is in neither part");

        int[] other = data.split(20, 8L).validation().labels();
        int[] otherRows = new int[20];
        int[] rows = new int[20];
        for (int i = 0; i < 20; i++) {
            otherRows[i] = rowOf(data.split(20, 8L).validation().features(), i);
            rows[i] = rowOf(a.validation().features(), i);
        }
        assertFalse(Arrays.equals(rows, otherRows), "another seed picks other validation rows");
        assertEquals(20, other.length);
        assertEquals(21, data.split(0.2, 1L).validation().size());
        assertThrows(IllegalArgumentException.class, () -> data.split(0, 1L));
        assertThrows(IllegalArgumentException.class, () -> data.split(103, 1L));
        assertThrows(IllegalArgumentException.class, () -> data.split(1.0, 1L));
    }

    /** Each of the 24 orders of 4 items should come up about 1/24 of the time over many seeds. */
    @Test
    void permutationsAreUniform() {
        int trials = 48_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int s = 0; s < trials; s++) counts.merge(Arrays.toString(Permutation.of(4, s, 0)), 1, Integer::sum);
        assertEquals(24, counts.size());
        double expected = trials / 24.0;
        double sd = Math.sqrt(expected * (1 - 1 / 24.0));
        for (var e : counts.entrySet()) {
            assertTrue(Math.abs(e.getValue() - expected) < 5 * sd, e.getKey() + " came up " + e.getValue() + " times, expected " + expected);
        }
        // Streams of one seed are unrelated orders, not shifts of one sequence.
        assertFalse(Arrays.equals(Permutation.of(50, 3, 0), Permutation.of(50, 3, 1)));
        assertArrayEquals(Permutation.of(50, 3, 1), Permutation.of(50, 3, 1));
        int[] p = Permutation.of(1000, 11, 5);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) assertEquals(i, sorted[i]);
    }

    @Test
    void sequentialBatchesCopyRowsIntoReusedBuffers() {
        Dataset data = numbered(10, 3);
        Batches batches = data.batches(4, false);
        assertEquals(3, batches.count());
        List<Integer> sizes = new ArrayList<>();
        Tensor firstFull = null;
        int row = 0;
        for (Batches.Minibatch b : batches.sequential()) {
            sizes.add(b.size());
            assertEquals(sizes.size() - 1, b.index());
            assertArrayEquals(new int[] {b.size(), 3}, b.features().shape());
            for (int i = 0; i < b.size(); i++, row++) {
                assertEquals(row, b.rows()[i]);
                assertEquals(row * 10 + 2, b.features().get(i, 2));
                assertEquals(row % 3, b.labels()[i]);
            }
            if (b.size() == 4) {
                if (firstFull == null) firstFull = b.features();
                else assertSame(firstFull, b.features(), "full batches reuse one buffer");
            }
        }
        assertEquals(List.of(4, 4, 2), sizes);
        assertEquals(2, data.batches(4, true).count());
        int n = 0;
        for (Batches.Minibatch b : data.batches(4, true).sequential()) n += b.size();
        assertEquals(8, n);
    }

    @Test
    void shuffledEpochsCoverEveryRowOnceInASeededOrder() {
        Dataset data = numbered(37, 2);
        Batches batches = data.batches(8, false);
        int[] epoch0 = order(batches, 5L, 0);
        assertArrayEquals(epoch0, order(batches, 5L, 0), "same seed and epoch, same order");
        int[] epoch1 = order(batches, 5L, 1);
        assertFalse(Arrays.equals(epoch0, epoch1), "each epoch has its own order");
        assertFalse(Arrays.equals(epoch0, order(batches, 6L, 0)));
        for (int[] o : List.of(epoch0, epoch1)) {
            int[] sorted = o.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 37; i++) assertEquals(i, sorted[i], "every row exactly once per epoch");
        }
        assertArrayEquals(Permutation.of(37, 5L, 1), epoch1);
    }

    /** The rows of an epoch as read back from the batch contents (not from rows()). */
    private static int[] order(Batches batches, long seed, int epoch) {
        List<Integer> rows = new ArrayList<>();
        for (Batches.Minibatch b : batches.shuffled(seed, epoch)) {
            for (int i = 0; i < b.size(); i++) {
                int r = rowOf(b.features(), i);
                assertEquals(r, b.rows()[i]);
                assertEquals(r % 3, b.labels()[i]);
                rows.add(r);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void rowsCopiesAndChecksIndices() {
        Dataset data = numbered(5, 2);
        Dataset sub = data.rows(new int[] {4, 0, 4}, "sub");
        assertArrayEquals(new float[] {40, 41, 0, 1, 40, 41}, sub.features().toArray());
        assertArrayEquals(new int[] {1, 0, 1}, sub.labels());
        assertNotSame(data.features().data(), sub.features().data());
        assertThrows(IndexOutOfBoundsException.class, () -> data.rows(new int[] {5}, "bad"));
        assertArrayEquals(new int[] {2, 2, 1}, data.labelCounts());
    }
}
