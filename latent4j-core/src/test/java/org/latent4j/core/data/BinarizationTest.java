package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class BinarizationTest {
    private static final int N = 200;
    private static final int D = 50;

    private static Tensor intensities() {
        return Tensor.wrap(new Rng(3).uniform(0f, 1f, N, D).toArray(), N, D);
    }

    private static void assertBinaryWithMeanNear(Tensor sample, Tensor p) {
        float[] s = sample.toArray();
        float[] q = p.toArray();
        double ones = 0;
        double expected = 0;
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] == 0f || s[i] == 1f, "value " + s[i]);
            if (q[i] == 0f) assertEquals(0f, s[i]);
            ones += s[i];
            expected += q[i];
        }
        // 10,000 Bernoulli draws: the count's standard deviation is below 50
        assertEquals(expected, ones, 250);
    }

    @Test
    void dynamicDiffersBetweenBatchesAndEpochsAndRepeatsForTheSameSeed() {
        Tensor x = intensities();
        Tensor a = Binarization.DYNAMIC.sampleBatch(x, 7, 0, 0);
        assertBinaryWithMeanNear(a, x);
        assertArrayEquals(a.toArray(), Binarization.DYNAMIC.sampleBatch(x, 7, 0, 0).toArray(), "same seed, epoch and batch");
        assertFalse(java.util.Arrays.equals(a.toArray(), Binarization.DYNAMIC.sampleBatch(x, 7, 0, 1).toArray()), "another batch");
        assertFalse(java.util.Arrays.equals(a.toArray(), Binarization.DYNAMIC.sampleBatch(x, 7, 1, 0).toArray()), "another epoch");
        assertFalse(java.util.Arrays.equals(a.toArray(), Binarization.DYNAMIC.sampleBatch(x, 8, 0, 0).toArray()), "another seed");
        assertFalse(java.util.Arrays.equals(a.toArray(), Binarization.DYNAMIC.sampleBatch(x, 7, Binarization.EVALUATION_EPOCH, 0).toArray()));
    }

    @Test
    void staticIsOneFixedSampleOfTheDataset() {
        Dataset data = Dataset.unlabeled("d", intensities());
        Dataset once = Binarization.STATIC.prepare(data, 7, 0);
        assertBinaryWithMeanNear(once.features(), data.features());
        assertArrayEquals(once.features().toArray(), Binarization.STATIC.prepare(data, 7, 0).features().toArray());
        assertFalse(java.util.Arrays.equals(once.features().toArray(), Binarization.STATIC.prepare(data, 8, 0).features().toArray()));
        assertFalse(java.util.Arrays.equals(once.features().toArray(), Binarization.STATIC.prepare(data, 7, 1).features().toArray()));
        // batches of the prepared dataset are used as they are
        Tensor batch = once.features();
        assertSame(batch, Binarization.STATIC.sampleBatch(batch, 7, 0, 0));
        assertFalse(java.util.Arrays.equals(data.features().toArray(), once.features().toArray()));
    }

    @Test
    void noneLeavesTheDataAlone() {
        Dataset data = Dataset.unlabeled("d", intensities());
        assertSame(data, Binarization.NONE.prepare(data, 7, 0));
        assertSame(data.features(), Binarization.NONE.sampleBatch(data.features(), 7, 0, 0));
        assertSame(data, Binarization.DYNAMIC.prepare(data, 7, 0));
    }

    @Test
    void intensitiesOutsideTheUnitIntervalAreRefused() {
        Tensor bad = Tensor.wrap(new float[] {0.5f, 255f}, 1, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Binarization.DYNAMIC.sampleBatch(bad, 1, 0, 0));
        assertTrue(e.getMessage().contains("255"), e.getMessage());
    }
}
