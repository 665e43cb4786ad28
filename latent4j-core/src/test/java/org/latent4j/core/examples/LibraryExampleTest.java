package org.latent4j.core.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.eval.LogLikelihoodEstimator;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The code of docs/library.md and of the README's "Using Latent4j as a library", kept here so that it compiles and
 * runs with every build and cannot go stale: between the BEGIN and END markers it is quoted verbatim.
 *
 * <p>The data have a known structure: 12 features that are a linear image of 2 hidden factors plus a little noise.
 * The test checks what a user would: training lowered the negative log-likelihood, rows off that 2-D plane score
 * as more anomalous than rows on it, and the saved and reloaded model encodes bit for bit as the trained one.
 */
class LibraryExampleTest {
    @TempDir
    Path tmp;

    /** Rows x = A z + noise, z ~ N(0, I_2): data on a noisy plane in 12 dimensions. */
    static float[][] planeData(int rows, long seed) {
        float[] a = new Rng(1).normal(0f, 1f, 12 * 2).toArray();
        Rng rng = new Rng(seed);
        float[][] x = new float[rows][12];
        float[] z = rng.normal(0f, 1f, rows * 2).toArray();
        float[] noise = rng.normal(0f, 0.1f, rows * 12).toArray();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 12; j++) x[i][j] = 5f + a[j * 2] * z[2 * i] + a[j * 2 + 1] * z[2 * i + 1] + noise[i * 12 + j];
        }
        return x;
    }

    @Test
    void trainEncodeScoreSaveAndLoad() throws IOException {
        float[][] myRows = planeData(1000, 2);
        // 200 new rows from the plane, then 200 of another kind: about the same scale, but no plane
        float[][] newRows = planeData(400, 3);
        float[] other = new Rng(4).normal(5f, 2.5f, 200 * 12).toArray();
        for (int i = 0; i < 200; i++) System.arraycopy(other, i * 12, newRows[200 + i], 0, 12);
        Path runDirectory = tmp.resolve("my-vae");
        Vae untrained = new Vae(VaeConfig.of(12, 2).withHidden(List.of(32, 32)).withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED), new Rng(42));

        // BEGIN library example
        // Your data: one float[] per row. Standardise each feature (the statistics are saved with the model).
        Tensor x = Tensor.ofRows(myRows);
        Standardizer standardizer = Standardizer.fit(x);
        Dataset data = Dataset.unlabeled("my-data", standardizer.apply(x));

        // A VAE with 2 latent dimensions, a Gaussian likelihood with a learned variance per feature.
        VaeConfig config = VaeConfig.of(data.dim(), 2)
                .withHidden(List.of(32, 32))
                .withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED);
        Vae model = new Vae(config, new Rng(42));

        // Train: 10% of the rows are held out for validation; early stopping keeps the best epoch.
        TrainerOptions options = TrainerOptions.defaults()
                .withEpochs(20).withBatchSize(50).withLearningRate(5e-3).withSeed(7)
                .withEarlyStoppingPatience(5)
                .withBinarization(Binarization.NONE);
        Trainer.fit(model, data, null, options, null, TrainingListener.NONE);

        // Encode: the posterior means are the rows' coordinates in latent space.
        Tensor means;
        try (var noGradients = GradMode.disabled()) {
            LatentCode.Gaussian code = (LatentCode.Gaussian) model.encode(data.features(), null);
            means = code.posterior().mean(); // [rows, 2]
        }

        // Score new rows: -log p(x), estimated with 100 importance samples; higher = more anomalous.
        Tensor fresh = standardizer.apply(Tensor.ofRows(newRows));
        double[] logLikelihood = LogLikelihoodEstimator.of(100, 0)
                .estimate(model, fresh, null, ProgressListener.NONE)
                .boundPerExample();
        double[] anomalyScore = new double[logLikelihood.length];
        for (int i = 0; i < logLikelihood.length; i++) anomalyScore[i] = -logLikelihood[i];

        // Save (weights as safetensors, config and preprocessing as JSON), then load.
        var preprocessing = new ModelStore.DataPreprocessing("my-data", null, ModelStore.SCALING_NONE, standardizer, Binarization.NONE);
        ModelStore.save(runDirectory, model, preprocessing, null, null);
        ModelStore.Saved saved = ModelStore.load(runDirectory);
        Vae loaded = (Vae) saved.model();
        Standardizer sameStandardizer = saved.preprocessing().standardizer();
        // END library example

        assertEquals(standardizer, sameStandardizer);
        try (var noGradients = GradMode.disabled()) {
            LatentCode.Gaussian a = (LatentCode.Gaussian) model.encode(fresh, null);
            LatentCode.Gaussian b = (LatentCode.Gaussian) loaded.encode(fresh, null);
            assertArrayEquals(a.posterior().mean().toArray(), b.posterior().mean().toArray(), "the loaded model encodes as the trained one");
            assertArrayEquals(a.posterior().logVar().toArray(), b.posterior().logVar().toArray());
        }
        assertEquals(1000, means.shape()[0]);
        assertEquals(2, means.shape()[1]);

        // Training lowered -log p(x) of rows from the plane well below the untrained model's.
        double[] before = LogLikelihoodEstimator.of(100, 0).estimate(untrained, fresh, null, ProgressListener.NONE).boundPerExample();
        double trainedNll = -mean(logLikelihood, 0, 200), untrainedNll = -mean(before, 0, 200);
        assertTrue(trainedNll < untrainedNll - 8, "trained NLL " + trainedNll + " against untrained " + untrainedNll);

        // Rows off the plane score higher than rows on it (AUROC over the 200 + 200 rows).
        double auroc = auroc(java.util.Arrays.copyOfRange(anomalyScore, 200, 400), java.util.Arrays.copyOfRange(anomalyScore, 0, 200));
        assertTrue(auroc > 0.95, "AUROC " + auroc);
    }

    /** The README and docs/library.md quote the code between the markers above exactly, indentation removed. */
    @Test
    void theDocsQuoteThisExampleVerbatim() throws IOException {
        // surefire runs the tests in the module's directory
        Path module = Path.of("").toAbsolutePath();
        String source = Files.readString(module.resolve("src/test/java/org/latent4j/core/examples/LibraryExampleTest.java"));
        int begin = source.indexOf('\n', source.indexOf("// BEGIN library example")) + 1;
        int end = source.lastIndexOf('\n', source.indexOf("// END library example"));
        String example = source.substring(begin, end).lines().map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(Collectors.joining("\n"));
        for (String doc : List.of("README.md", "docs/library.md")) {
            String text = Files.readString(module.getParent().resolve(doc));
            assertTrue(text.contains(example), doc + " does not quote LibraryExampleTest's example as it is now");
        }
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    /** P(score of a random anomaly > score of a random normal row), ties counting a half: the Mann-Whitney form. */
    private static double auroc(double[] anomalies, double[] normals) {
        double wins = 0;
        for (double a : anomalies) for (double n : normals) wins += a > n ? 1 : a == n ? 0.5 : 0;
        return wins / ((double) anomalies.length * normals.length);
    }
}
