package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.VectorFiles;
import org.latent4j.core.eval.EvaluationOptions;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.Evaluator;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodBound;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.cli.report.ImageGrid;
import org.latent4j.cli.report.ProgressBar;
import org.latent4j.tensor.random.Rng;
import org.latent4j.tensor.Tensor;

/**
 * What the model commands share: the data a run trained and is evaluated on, loading a run's model, turning
 * decoder outputs into pictures, and the {@code --json FILE} output.
 */
final class Runs {
    private Runs() {}

    /** The word of {@code --data} for the Fashion-MNIST test split embedded in the library (the default). */
    static final String EMBEDDED = "embedded";
    /** Rows of the embedded data (or of a data file) held out from training for evaluation: neither has a separate test split. */
    static final int EMBEDDED_HELD_OUT = 1000;
    /**
     * The seed of a data file's held-out split: fixed, so that the held-out rows are a function of the file and runs with
     * different seeds are evaluated on the same rows.
     */
    private static final long FILE_SPLIT_SEED = 0;
    /** The stream of the fixed Bernoulli sample that evaluation sees (training uses streams 0 and 1). */
    private static final long EVALUATION_STREAM = 2;

    /**
     * Where a run's data come from, saved with the model so that evaluation finds the same held-out rows.
     *
     * @param source  {@value #EMBEDDED}, {@code fashion-mnist}, a directory of IDX files or a file of vectors ({@link VectorFiles})
     * @param limit   training rows used (the first ones), 0 = all
     * @param seed    the seed of the held-out split of the embedded data
     */
    record DataSource(String source, int limit, long seed) {
        DataSource {
            if (source == null || source.isBlank()) throw new IllegalArgumentException("source is missing or blank");
            if (limit < 0) throw new IllegalArgumentException("limit " + limit + " is negative");
        }
    }

    /**
     * @param scaling what was done to the values read ({@code ModelStore.SCALING_BYTES} for images stored as bytes)
     */
    record DataSets(Dataset train, Dataset test, String scaling) {}

    static DataSets load(DataSource d) throws DataFileException {
        Dataset train, test;
        String scaling = ModelStore.SCALING_BYTES;
        boolean file = !EMBEDDED.equals(d.source()) && !FashionMnist.WORD.equals(d.source()) && VectorFiles.isVectorFile(Path.of(d.source()));
        if (EMBEDDED.equals(d.source()) || file) {
            Dataset all = file ? VectorFiles.read(Path.of(d.source())) : FashionMnist.embedded();
            if (file) scaling = ModelStore.SCALING_NONE;
            if (all.size() < 2) throw new DataFileException(d.source(), "holds " + all.size() + " row; training and evaluation need at least 2");
            if (d.limit() > 0 && d.limit() < all.size()) {
                // keep the held-out part a tenth of the limited data, so a tiny run stays tiny
                all = all.rows(firstRows(Math.min(all.size(), d.limit() + Math.max(1, d.limit() / 10))), all.name());
            }
            int heldOut = Math.min(EMBEDDED_HELD_OUT, Math.max(1, all.size() / 10));
            Dataset.Split split = all.split(heldOut, file ? FILE_SPLIT_SEED : d.seed());
            train = split.train();
            test = split.validation();
        } else {
            FashionMnist.Splits splits = FashionMnist.load(FashionMnist.resolve(d.source()));
            train = splits.train();
            test = splits.test();
        }
        if (d.limit() > 0 && d.limit() < train.size()) train = train.rows(firstRows(d.limit()), train.name() + "[:" + d.limit() + "]");
        return new DataSets(train, test, scaling);
    }

    /** What a model kind needs to know of the training data: width, image shape, classes, and whether values lie in [0, 1]. */
    static DataShape shape(Dataset train) {
        int classes = 0;
        if (train.hasLabels()) for (int l : train.labels()) classes = Math.max(classes, l + 1);
        // Fashion-MNIST's classes, even when a small sample lacks the last ones
        if (train.name().startsWith(FashionMnist.WORD)) classes = Math.max(classes, FashionMnist.CLASS_NAMES.size());
        float[] v = train.features().contiguous().toArray();
        boolean unit = true;
        for (float f : v) {
            if (!(f >= 0 && f <= 1)) {
                unit = false;
                break;
            }
        }
        return new DataShape(train.dim(), train.imageShape(), classes, unit);
    }

    static int[] firstRows(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    /** Loads a run's model; a missing or damaged run is an IOException with one line (exit code 2). */
    static ModelStore.Saved loadRun(String dir) throws IOException {
        return ModelStore.load(Path.of(dir));
    }

    /**
     * The data source saved with a run (absent for a model saved by other means: then the embedded default); a
     * damaged entry is an IOException naming the file (exit code 2).
     */
    static DataSource dataSource(ModelStore.Saved saved) throws IOException {
        Json.Value training = saved.config().training();
        if (training instanceof Json.Obj o && o.members().get("data") != null) {
            Path file = saved.directory().resolve(ModelStore.CONFIG_FILE);
            try {
                return Json.fromJson(o.members().get("data"), DataSource.class, file + ": training.data");
            } catch (JsonException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return new DataSource(EMBEDDED, 0, 0);
    }

    /**
     * The evaluation rows for a saved model, preprocessed as in training: the held-out rows of its data
     * (or of {@code dataOverride}), the first {@code limit} of them (0 = all), binarized with one fixed sample
     * when training binarized.
     */
    static Dataset evaluationData(ModelStore.Saved saved, String dataOverride, int limit) throws IOException {
        DataSource source = dataSource(saved);
        if (dataOverride != null) source = new DataSource(dataOverride, 0, source.seed());
        Dataset test = load(source).test();
        if (limit > 0 && limit < test.size()) test = test.rows(firstRows(limit), test.name() + "[:" + limit + "]");
        return prepare(saved.preprocessing(), test, source.seed());
    }

    /** Applies a model's preprocessing to data loaded as [0, 1] intensities. */
    static Dataset prepare(ModelStore.DataPreprocessing p, Dataset data, long seed) {
        Dataset out = p.standardizer() == null ? data : p.standardizer().apply(data);
        // dynamic and static both evaluate on one fixed sample, so that repeated evaluations agree
        return p.binarization() == Binarization.NONE ? out : Binarization.STATIC.prepare(out, seed, EVALUATION_STREAM);
    }

    /** The conditions of rows with these labels for a conditional model (their one-hot), null for the others. */
    static Tensor condition(LatentModel model, int[] labels) {
        if (model.conditionClasses() == 0) return null;
        if (labels == null) throw new UsageException(model.kind() + ": a conditional model needs labelled data");
        return model.labelCondition(labels);
    }

    /** Decoder outputs as displayable intensities: the likelihood's mean, with any standardization undone. */
    static Tensor pictures(LatentModel model, ModelStore.DataPreprocessing p, Tensor params) {
        Tensor mean = model.likelihood().mean(params);
        return p.standardizer() == null ? mean : p.standardizer().invert(mean);
    }

    /** Data rows as displayable intensities (the rows are standardized when the model standardizes). */
    static Tensor pictureOfData(ModelStore.DataPreprocessing p, Tensor x) {
        return p.standardizer() == null ? x : p.standardizer().invert(x);
    }

    /**
     * Decoded prior samples: n of them, or for a conditional model n of each class, class by class (so a grid
     * of n columns shows one class per row).
     */
    static Tensor samples(LatentModel model, ModelStore.DataPreprocessing p, int n, long seed) {
        if (!(model instanceof PriorSampling sampler)) throw new UsageException(model.kind() + ": this model has no prior to sample from");
        int classes = model.conditionClasses();
        if (classes == 0) return pictures(model, p, sampler.samplePrior(n, null, new Rng(seed)));
        int[] labels = new int[n * classes];
        Arrays.setAll(labels, i -> i / n);
        return pictures(model, p, sampler.samplePrior(labels.length, model.labelCondition(labels), new Rng(seed)));
    }

    /**
     * The first n rows of {@code data} and their reconstructions (decoded posterior means), arranged for a grid
     * of {@code columns}: a row of originals, the row of their reconstructions below, and so on.
     */
    static Tensor reconstructionPairs(LatentModel model, ModelStore.DataPreprocessing p, Dataset data, int n, int columns) {
        n = Math.min(n, data.size());
        Tensor x = data.features().slice(0, 0, n).contiguous();
        int[] labels = data.hasLabels() ? Arrays.copyOf(data.labels(), n) : null;
        Tensor c = condition(model, labels);
        float[] originals = pictureOfData(p, x).toArray();
        float[] recon = pictures(model, p, model.reconstruct(x, c)).toArray();
        int d = x.dim(1), rowsOfPairs = (n + columns - 1) / columns;
        float[] out = new float[2 * rowsOfPairs * columns * d];
        java.util.Arrays.fill(out, Float.NaN);
        for (int i = 0; i < n; i++) {
            int pair = i / columns, col = i % columns;
            System.arraycopy(originals, i * d, out, ((2 * pair) * columns + col) * d, d);
            System.arraycopy(recon, i * d, out, ((2 * pair + 1) * columns + col) * d, d);
        }
        return Tensor.of(out, 2 * rowsOfPairs * columns, d);
    }

    /** Writes pictures [n, h * w] as a grid of {@code columns}, 2x enlarged. */
    static void writeGrid(Path file, ModelStore.DataPreprocessing p, Tensor pictures, int columns) throws IOException {
        int[] s = p.imageShape() != null && p.imageShape().length == 2 ? p.imageShape() : new int[] {1, pictures.dim(1)};
        int n = pictures.dim(0), rows = (n + columns - 1) / columns;
        ImageGrid.write(file, pictures, s[0], s[1], rows, Math.min(columns, n), s[0] == 1 ? 1 : 2, 2);
    }

    /** The grid {@link #writeGrid} writes, as PNG bytes (for a page that embeds it). */
    static byte[] gridPng(ModelStore.DataPreprocessing p, Tensor pictures, int columns) throws IOException {
        int[] s = p.imageShape() != null && p.imageShape().length == 2 ? p.imageShape() : new int[] {1, pictures.dim(1)};
        int n = pictures.dim(0), rows = (n + columns - 1) / columns;
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        if (!javax.imageio.ImageIO.write(ImageGrid.render(pictures, s[0], s[1], rows, Math.min(columns, n), s[0] == 1 ? 1 : 2, 2), "png", png)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return png.toByteArray();
    }

    /** Evaluates with a progress bar on standard error when the likelihood estimate is long. */
    static EvaluationReport evaluate(LatentModel model, Tensor x, Tensor condition, int k, long seed) {
        boolean bound = model instanceof LikelihoodBound;
        EvaluationOptions options = EvaluationOptions.defaults(seed).withImportanceSamples(bound ? k : 0);
        ProgressBar bar = (long) k * x.dim(0) >= 2_000_000L && bound
                ? ProgressBar.onStandardError("NLL (k=" + k + ")", x.dim(0), "examples") : null;
        ProgressListener listener = bar == null ? ProgressListener.NONE : (done, total) -> bar.update(done, "");
        EvaluationReport report = Evaluator.evaluate(model, x, condition, options, listener);
        if (bar != null) bar.finish(String.format(java.util.Locale.ROOT, "NLL estimate done in %.1fs", bar.elapsedSeconds()));
        return report;
    }

    /** Writes {@code value} to the file of {@code --json}, if given. */
    static void writeJson(Arguments o, Json.Value value) throws IOException {
        if (o.has("json")) Json.writeFile(Path.of(o.string("json", null)), value);
    }

    static Json.Value object(Object... keysAndValues) {
        Map<String, Json.Value> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v instanceof Json.Value j ? j : v == null ? Json.NULL : Json.toJson(v));
        }
        return new Json.Obj(m);
    }
}
