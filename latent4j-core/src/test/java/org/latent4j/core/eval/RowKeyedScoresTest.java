package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Randomness keyed by a row's key rather than its position ({@link ModelInput#prepareRows}, the row-keyed
 * {@link AnomalyScorer#score}): a row's prepared values and scores are the same in any order and any split into batches,
 * which is what rows of a Spark partition need.
 */
class RowKeyedScoresTest {
    private static final int N = 40, D = 10;

    private static LatentModel vae() {
        return ModelKinds.get("vae").createFrom(VaeConfig.of(D, 3).withHidden(List.of(6)), new Rng(5));
    }

    private static Tensor rows() {
        return new Rng(9).uniform(0f, 1f, N, D);
    }

    /** The rows in a shuffled order, and where each came from. */
    private static int[] permutation() {
        return new Rng(21).permutation(N);
    }

    private static Tensor permute(Tensor x, int[] order) {
        float[] v = x.contiguous().toArray(), out = new float[v.length];
        int d = x.dim(1);
        for (int i = 0; i < order.length; i++) System.arraycopy(v, order[i] * d, out, i * d, d);
        return Tensor.of(out, order.length, d);
    }

    private static long[] permute(long[] keys, int[] order) {
        long[] out = new long[order.length];
        for (int i = 0; i < order.length; i++) out[i] = keys[order[i]];
        return out;
    }

    @Test
    void rowKeysAreFunctionsOfTheExactValues() {
        float[] v = rows().toArray();
        float[] copy = v.clone();
        assertEquals(ModelInput.rowKey(v, 3 * D, D), ModelInput.rowKey(copy, 3 * D, D));
        copy[3 * D + 4] = Math.nextUp(copy[3 * D + 4]);
        assertNotEquals(ModelInput.rowKey(v, 3 * D, D), ModelInput.rowKey(copy, 3 * D, D));
        // -0.0 and 0.0 are different values to the key
        assertNotEquals(ModelInput.rowKey(new float[] {0f}, 0, 1), ModelInput.rowKey(new float[] {-0f}, 0, 1));
        long[] keys = ModelInput.rowKeys(rows());
        assertEquals(N, java.util.Arrays.stream(keys).distinct().count());
    }

    @Test
    void keyedBinarizationIsTheSameInAnyOrderAndBatch() {
        float[] mean = new float[D], scale = new float[D];
        java.util.Arrays.fill(mean, 0.1f);
        java.util.Arrays.fill(scale, 2f);
        ModelStore.DataPreprocessing p = new ModelStore.DataPreprocessing("t", null, ModelStore.SCALING_NONE, null, Binarization.STATIC);
        Tensor x = rows();
        long[] keys = ModelInput.rowKeys(x);
        float[] whole = ModelInput.prepareRows(p, x, keys, 3).toArray();
        for (float f : whole) assertTrue(f == 0f || f == 1f, "binary");
        int[] order = permutation();
        float[] shuffled = ModelInput.prepareRows(p, permute(x, order), permute(keys, order), 3).toArray();
        for (int i = 0; i < N; i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(whole, order[i] * D, (order[i] + 1) * D), java.util.Arrays.copyOfRange(shuffled, i * D, (i + 1) * D));
        }
        // one row alone gets the sample it gets among the others
        float[] alone = ModelInput.prepareRows(p, x.slice(0, 7, 8), new long[] {keys[7]}, 3).toArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 7 * D, 8 * D), alone);
        // another seed, another sample
        assertFalse(java.util.Arrays.equals(whole, ModelInput.prepareRows(p, x, keys, 4).toArray()));

        // standardization happens before, exactly as the positional rule does it
        ModelStore.DataPreprocessing standardized = new ModelStore.DataPreprocessing("t", null, ModelStore.SCALING_NONE, new Standardizer(mean, scale),
                Binarization.NONE);
        assertArrayEquals(ModelInput.prepare(standardized, new Dataset("t", x, null, null), 3).features().toArray(),
                ModelInput.prepareRows(standardized, x, keys, 3).toArray());
    }

    @Test
    void keyedScoresAreTheSameInAnyOrderAndBatch() {
        LatentModel model = vae();
        Tensor x = rows();
        long[] keys = ModelInput.rowKeys(x);
        int[] order = permutation();
        for (AnomalyScore s : AnomalyScore.values()) {
            double[] whole = AnomalyScorer.score(model, x, null, s, 7, 5, 13, keys, null);
            double[] shuffled = AnomalyScorer.score(model, permute(x, order), null, s, 7, 5, 13, permute(keys, order), null);
            double[] firstHalf = AnomalyScorer.score(model, x.slice(0, 0, N / 2), null, s, 7, 5, 13, java.util.Arrays.copyOf(keys, N / 2), null);
            for (int i = 0; i < N; i++) assertEquals(whole[order[i]], shuffled[i], 0, s.word() + " row " + i);
            for (int i = 0; i < N / 2; i++) assertEquals(whole[i], firstHalf[i], 0, s.word() + " row " + i);
        }
    }

    @Test
    void positionsAsKeysGiveThePositionalImportanceSamples() {
        LatentModel model = vae();
        Tensor x = rows();
        long[] positions = new long[N];
        java.util.Arrays.setAll(positions, i -> i);
        assertArrayEquals(AnomalyScorer.score(model, x, null, AnomalyScore.NLL, 7, 1, 13, null),
                AnomalyScorer.score(model, x, null, AnomalyScore.NLL, 7, 1, 13, positions, null));
    }
}
