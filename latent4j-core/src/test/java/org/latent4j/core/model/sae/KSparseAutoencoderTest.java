package org.latent4j.core.model.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@link KSparseAutoencoder}: Makhzani and Frey's definition (linear, k largest, tied weights), the scheduled k and alpha k encoding. */
class KSparseAutoencoderTest {
    private static Tensor gaussian(long seed, int n, int d) {
        return new Rng(seed).normal(0f, 1f, n, d);
    }

    @Test
    void kFallsLinearlyFromItsStartOverTheAnnealEpochsThenStays() {
        KSparseConfig c = KSparseConfig.of(784, 1000, 15).withSchedule(100, 10);
        assertEquals(100, c.kAt(0));
        assertEquals(58, c.kAt(5), "halfway: 100 + (15 - 100) / 2 = 57.5, rounded");
        assertEquals(24, c.kAt(9));
        assertEquals(15, c.kAt(10));
        assertEquals(15, c.kAt(1000));
        assertEquals(15, c.withSchedule(15, 10).kAt(0), "no schedule when it starts at k");
        assertEquals(15, c.withSchedule(100, 0).kAt(0), "or lasts no epoch");
        assertEquals(60, KSparseConfig.of(10, 60, 15).kAt(0), "the start is at most the units there are");
        assertEquals(45, c.withEncodeAlpha(3).encodingK());
        assertEquals(1000, c.withEncodeAlpha(100).encodingK(), "at most L");
        assertEquals(KSparseConfig.of(784, 8 * 784, 32), new KSparseKind().configure(new OptionValues("t", Map.of()), new DataShape(784, null, 0, true)));
        assertEquals(100, KSparseConfig.of(784, 8 * 784, 32).startK());
        assertEquals(25, KSparseConfig.of(784, 8 * 784, 32).annealEpochs());
    }

    @Test
    void theCodeIsTheKLargestLinearUnitsAndTheDecoderTheEncodersTranspose() {
        KSparseAutoencoder m = new KSparseAutoencoder(KSparseConfig.of(10, 30, 4).withSchedule(4, 0).withEncodeAlpha(2), new Rng(1));
        assertEquals(List.of("encoder.weight", "encoder.bias", "decoder.bias"), List.copyOf(m.namedState().keySet()), "one weight, tied");
        Tensor x = gaussian(2, 6, 10);
        m.initialise(TrainingData.of(x), new Rng(3));
        assertArrayEquals(TrainingData.columnMeans(x), m.namedState().get("decoder.bias").toArray(), "b' starts at the data mean");
        // every unit below zero: a ReLU would leave an empty code, the k-sparse autoencoder keeps the largest (negative) values
        m.namedState().get("encoder.bias").fill(-5f);
        float[] w = m.weight().toArray(), b = m.namedState().get("encoder.bias").toArray(), xv = x.toArray();
        try (var noGrad = GradMode.disabled()) {
            LatentCode.Sparse code = m.encode(x, null);
            assertEquals(8, code.k(), "encoding keeps alpha k = 8");
            boolean negative = false;
            for (int i = 0; i < 6; i++) {
                double[] z = new double[30];
                for (int j = 0; j < 30; j++) {
                    z[j] = b[j];
                    for (int c = 0; c < 10; c++) z[j] += (double) w[j * 10 + c] * xv[i * 10 + c];
                }
                double[] sorted = z.clone();
                Arrays.sort(sorted);
                TreeSet<Integer> got = new TreeSet<>();
                for (int j = 0; j < 8; j++) {
                    int u = code.indices()[i * 8 + j];
                    got.add(u);
                    assertTrue(z[u] >= sorted[30 - 8] - 1e-5, "row " + i + ": unit " + u + " is among the 8 largest");
                    assertEquals(z[u], code.values().get(i, j), 1e-5, "linear: the value itself");
                    negative |= z[u] < 0;
                }
                assertEquals(8, got.size());
            }
            assertTrue(negative, "kept values are negative: no ReLU");
            float[] dense = m.decode(code.vector(), null).toArray(), sparse = m.reconstruct(x, null).toArray();
            for (int i = 0; i < dense.length; i++) assertEquals(dense[i], sparse[i], 1e-5);
        }
        LossResult r = m.loss(Batch.of(x), new TrainingProgress(3, 30, 10), new Rng(0));
        assertEquals(4.0, r.metrics().get("sparsity_k"));
        assertEquals(4.0, r.metrics().get("l0"), "four non-zero values a row");
        assertEquals(List.of("l0", "fvu", "sparsity_k"), List.copyOf(r.metrics().keySet()));
    }

    @Test
    void gradientsOfTheTiedWeightsMatchFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            KSparseAutoencoder m = new KSparseAutoencoder(KSparseConfig.of(7, 12, 3).withSchedule(6, 4), new Rng(seed));
            Tensor x = gaussian(seed + 10, 5, 7);
            m.initialise(TrainingData.of(x), new Rng(seed));
            for (int epoch : new int[] {0, 2, 4}) {
                TrainingProgress p = new TrainingProgress(epoch, epoch * 10L, 10);
                GradCheck.Result g = GradCheck.check(GradCheck.Settings.DEFAULT.withStep(1.0 / 4096),
                        in -> m.loss(Batch.of(x), p, new Rng(0)).loss(), m.parameters().toArray(new Tensor[0]));
                assertTrue(g.ok(), "seed " + seed + ", epoch " + epoch + " (k = " + m.loss(Batch.of(x), p, new Rng(0)).metrics().get("sparsity_k") + "): " + g);
            }
        }
    }

    @Test
    void itLearnsFromData() {
        int d = 16, n = 500;
        Rng r = new Rng(20);
        float[] dict = r.normal(0f, 1f, 10, d).toArray();
        float[] x = new float[n * d];
        java.util.SplittableRandom pick = new java.util.SplittableRandom(21);
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 2; t++) {
                int a = pick.nextInt(10);
                for (int e = 0; e < d; e++) x[i * d + e] += (float) (1 + pick.nextDouble()) * dict[a * d + e];
            }
        }
        KSparseAutoencoder m = new KSparseAutoencoder(KSparseConfig.of(d, 40, 4).withSchedule(20, 10), new Rng(22));
        TrainingResult res = Trainer.fit(m, Dataset.unlabeled("dict", Tensor.of(x, n, d)), null, TrainerOptions.defaults().withEpochs(30)
                .withBatchSize(25).withSeed(1).withValidationFraction(0).withBinarization(Binarization.NONE).withLearningRate(0.01), null,
                TrainingListener.NONE);
        assertEquals(20.0, res.history().getFirst().metrics().get("sparsity_k"));
        assertEquals(4.0, res.history().getLast().metrics().get("sparsity_k"));
        double fvu = res.history().getLast().metrics().get("fvu");
        assertTrue(fvu < 0.15, "fvu " + fvu);
    }

    @Test
    void badOptionsAreNamed() {
        KSparseKind kind = new KSparseKind();
        DataShape shape = new DataShape(20, null, 0, false);
        Map<String, String> o = new LinkedHashMap<>();
        o.put("latents", "100");
        o.put("sparsity-k", "10");
        o.put("sparsity-k-start", "50");
        o.put("sparsity-anneal-epochs", "5");
        o.put("encode-alpha", "2");
        assertEquals(new KSparseConfig(20, 100, 10, 50, 5, 2), kind.configure(new OptionValues("t", o), shape));
        o.put("sparsity-k-start", "5");
        var e = assertThrows(OptionValues.OptionException.class, () -> kind.configure(new OptionValues("t", o), shape));
        assertTrue(e.getMessage().contains("--sparsity-k-start 5 is below --sparsity-k 10"), e.getMessage());
        e = assertThrows(OptionValues.OptionException.class, () -> kind.configure(new OptionValues("t", Map.of("encode-alpha", "0.5")), shape));
        assertTrue(e.getMessage().contains("--encode-alpha must be between 1.0"), e.getMessage());
        var c = assertThrows(IllegalArgumentException.class, () -> new KSparseConfig(20, 100, 10, 5, 5, 1));
        assertTrue(c.getMessage().contains("KSparseConfig.startK (5) must be at least k (10)"), c.getMessage());
    }
}
