package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * Where a run's data come from, saved with the model so that evaluation finds the same held-out rows. Paths are
     * saved absolute ({@link #absolute}), so the run can be evaluated from any directory.
     *
     * @param source      {@value #EMBEDDED}, {@code fashion-mnist}, a directory of IDX files or a file of vectors ({@link VectorFiles})
     * @param limit       training rows used (the first ones), 0 = all
     * @param seed        the seed of the held-out split of the embedded data and of the evaluation's fixed binarization:
     *                    {@value #FILE_SPLIT_SEED} for every run since the held-out set became a function of the data alone
     *                    (older runs saved their training seed here, and keep it)
     * @param labelColumn the CSV column holding each row's class (its header name or number from 1), or null
     * @param test        a separate file of held-out rows (the source then trains on all its rows), or null
     * @param classes     the class names of a label column, class id i being the i-th (empty without one)
     */
    record DataSource(@Json.Required String source, int limit, long seed, String labelColumn, String test, List<String> classes) {
        DataSource {
            if (source == null || source.isBlank()) throw new IllegalArgumentException("source is missing or blank");
            if (limit < 0) throw new IllegalArgumentException("limit " + limit + " is negative");
            classes = classes == null ? List.of() : List.copyOf(classes);
        }

        DataSource(String source, int limit, long seed) {
            this(source, limit, seed, null, null, List.of());
        }

        /** The values of keys that runs saved before they existed. */
        static DataSource defaults() {
            return new DataSource(EMBEDDED, 0, 0);
        }

        DataSource withClasses(List<String> c) {
            return new DataSource(source, limit, seed, labelColumn, test, c);
        }

        boolean isFile() {
            return Runs.isFile(source);
        }
    }

    /** The seed of the held-out split and of the evaluation's binarization for a run saved now (see {@link DataSource#seed}). */
    static final long DATA_SEED = FILE_SPLIT_SEED;

    /**
     * @param scaling what was done to the values read ({@code ModelStore.SCALING_BYTES} for images stored as bytes)
     * @param classes the class names of a label column (empty without one)
     */
    record DataSets(Dataset train, Dataset test, String scaling, List<String> classes) {}

    /** Whether {@code source} names a file of vectors rather than a directory or one of the data words. */
    static boolean isFile(String source) {
        return !EMBEDDED.equals(source) && !FashionMnist.WORD.equals(source) && VectorFiles.isVectorFile(Path.of(source)) && !Files.isDirectory(Path.of(source));
    }

    /** A path given on the command line as the absolute path saved with a run; the data words stay as they are. */
    static String absolute(String source) {
        if (source == null || EMBEDDED.equals(source) || FashionMnist.WORD.equals(source)) return source;
        return Path.of(source).toAbsolutePath().normalize().toString();
    }

    /** A file's rows, with its label column when the source names one. */
    private static VectorFiles.Labelled readFile(String file, String labelColumn, List<String> classes) throws DataFileException {
        if (labelColumn != null) return VectorFiles.readLabelled(Path.of(file), labelColumn, classes);
        try {
            return new VectorFiles.Labelled(VectorFiles.read(Path.of(file)), classes);
        } catch (DataFileException e) {
            // words in a CSV are most often a column of classes
            if (!e.problem().endsWith("is not a number")) throw e;
            throw new DataFileException(e.file(), e.problem() + " (a column of class labels is read with --label-column NAME)");
        }
    }

    static DataSets load(DataSource d) throws DataFileException {
        Dataset train, test;
        String scaling = ModelStore.SCALING_BYTES;
        boolean file = d.isFile();
        List<String> classes = d.classes();
        if (d.labelColumn() != null && !file) {
            throw new DataFileException(d.source(), "is not a file; --label-column names a column of a CSV file");
        }
        if (EMBEDDED.equals(d.source()) || file) {
            Dataset all;
            if (file) {
                VectorFiles.Labelled read = readFile(d.source(), d.labelColumn(), classes);
                all = read.data();
                classes = read.classes();
                scaling = ModelStore.SCALING_NONE;
            } else {
                all = FashionMnist.embedded();
            }
            if (d.test() != null) {
                // a separate test file: every row of the source trains
                train = all;
                test = null;
            } else {
                if (all.size() < 2) throw new DataFileException(d.source(), "holds " + all.size() + " row; training and evaluation need at least 2");
                if (d.limit() > 0 && d.limit() < all.size()) {
                    // keep the held-out part a tenth of the limited data, so a tiny run stays tiny
                    all = all.rows(firstRows(Math.min(all.size(), d.limit() + Math.max(1, d.limit() / 10))), all.name());
                }
                int heldOut = Math.min(EMBEDDED_HELD_OUT, Math.max(1, all.size() / 10));
                Dataset.Split split = all.split(heldOut, file ? FILE_SPLIT_SEED : d.seed());
                train = split.train();
                test = split.validation();
            }
        } else {
            FashionMnist.Splits splits = FashionMnist.load(FashionMnist.resolve(d.source()));
            train = splits.train();
            test = d.test() != null ? null : splits.test();
        }
        if (d.test() != null) {
            if (!isFile(d.test())) throw new DataFileException(d.test(), "is not a file of vectors; --test takes a file (" + VectorFiles.EXTENSIONS + ")");
            VectorFiles.Labelled read = readFile(d.test(), d.labelColumn(), classes);
            classes = read.classes();
            Dataset t = read.data();
            if (t.dim() != train.dim()) {
                throw new DataFileException(d.test(), "has " + t.dim() + " features per row but the training data " + train.name() + " have " + train.dim()
                        + (d.labelColumn() != null ? " (label column taken out)" : "") + "; the test file must have the training data's columns");
            }
            // the training data's picture shape holds for the test rows too (same width, checked above)
            test = new Dataset(t.name(), t.features(), t.hasLabels() ? t.labels() : null, train.imageShape());
        }
        if (d.limit() > 0 && d.limit() < train.size()) train = train.rows(firstRows(d.limit()), train.name() + "[:" + d.limit() + "]");
        if (train.size() < 2) {
            throw new DataFileException(d.source(), "leaves " + train.size() + " training row" + (train.size() == 1 ? "" : "s")
                    + (d.limit() > 0 ? " (--limit " + d.limit() + ")" : "") + "; training needs at least 2");
        }
        if (test.size() == 0) throw new DataFileException(d.test() != null ? d.test() : d.source(), "leaves no rows to evaluate on (its test split is empty)");
        return new DataSets(train, test, scaling, classes);
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
        Path run = Path.of(dir);
        // a train that was killed (or failed) before its final save leaves its options, and perhaps a checkpoint, but no config
        if (Files.isDirectory(run) && !Files.exists(run.resolve(ModelStore.CONFIG_FILE)) && Files.isRegularFile(run.resolve(TrainCommand.ARGUMENTS_FILE))) {
            throw new ModelStore.ModelStoreException(run + ": holds no " + ModelStore.CONFIG_FILE + " yet: its training did not finish ("
                    + (org.latent4j.core.train.Trainer.hasCheckpoint(run) ? "it has a checkpoint" : "it stopped before its first checkpoint")
                    + "); finish it with: latent4j train --resume " + run, null);
        }
        return ModelStore.load(run);
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
        return evaluationRows(saved, dataOverride, limit).data();
    }

    /** Rows to evaluate on, and which rows they are, in words for the output. */
    record EvaluationRows(Dataset data, String which) {}

    /**
     * The rows {@code eval} evaluates on. Without {@code dataOverride}, or when it names the run's own data, they are
     * the run's held-out rows (or its --test file). Other data are evaluated whole (a file) or by their test split,
     * after checking that none of their rows is a row the run trained on: an overlap is refused, naming a row.
     */
    static EvaluationRows evaluationRows(ModelStore.Saved saved, String dataOverride, int limit) throws IOException {
        DataSource run = dataSource(saved);
        String other = absolute(dataOverride);
        Dataset test;
        String which;
        if (other == null || other.equals(absolute(run.source())) || other.equals(absolute(run.test()))) {
            test = load(run).test();
            which = (run.test() != null ? "the rows of its test file " + run.test() : "the held-out rows of its data " + run.source()) + " (none of them trained it)";
            if (other != null && run.test() == null && other.equals(absolute(run.source()))) {
                which = "only the held-out rows of " + other + ": the run trained on its other rows";
            }
        } else {
            DataSource source = new DataSource(other, 0, DATA_SEED, isFile(other) && other.endsWith(".csv") ? run.labelColumn() : null, null, run.classes());
            if (source.isFile()) {
                VectorFiles.Labelled read = readFile(other, source.labelColumn(), source.classes());
                test = read.data();
                which = "all " + test.size() + " rows of " + other;
            } else {
                test = load(source).test();
                which = "the test rows of " + other;
            }
            refuseTrainingRows(saved, run, test, other);
            which += " (none of them is a row the run trained on)";
        }
        if (test.dim() != saved.model().dataDim()) {
            throw new DataFileException(test.name(), "has " + test.dim() + " features per row but the model in " + saved.directory() + " takes "
                    + saved.model().dataDim());
        }
        if (limit > 0 && limit < test.size()) {
            test = test.rows(firstRows(limit), test.name() + "[:" + limit + "]");
            which += "; the first " + limit + " of them (--limit)";
        }
        return new EvaluationRows(org.latent4j.core.data.ModelInput.prepare(saved.preprocessing(), test, run.seed()), which);
    }

    /** Refuses evaluation data holding a row the run trained on (rows compared by their exact values). */
    private static void refuseTrainingRows(ModelStore.Saved saved, DataSource run, Dataset candidates, String name) throws IOException {
        Dataset train;
        try {
            train = load(run).train();
        } catch (DataFileException e) {
            System.err.println("note: cannot check " + name + " against the rows the run trained on (" + Main.oneLine(e.getMessage()) + ")");
            return;
        }
        if (train.dim() != candidates.dim()) return;
        int d = train.dim();
        float[] t = train.features().contiguous().toArray(), c = candidates.features().contiguous().toArray();
        Map<Integer, List<Integer>> byHash = new java.util.HashMap<>();
        for (int i = 0; i < train.size(); i++) byHash.computeIfAbsent(rowHash(t, i, d), k -> new java.util.ArrayList<>()).add(i);
        int overlapping = 0, firstRow = -1, firstTrainingRow = -1;
        for (int r = 0; r < candidates.size(); r++) {
            for (int i : byHash.getOrDefault(rowHash(c, r, d), List.of())) {
                if (Arrays.equals(c, r * d, (r + 1) * d, t, i * d, (i + 1) * d)) {
                    if (overlapping++ == 0) {
                        firstRow = r;
                        firstTrainingRow = i;
                    }
                    break;
                }
            }
        }
        if (overlapping > 0) {
            throw new UsageException("eval: " + overlapping + " of the " + candidates.size() + " rows of " + name + " are rows the run in " + saved.directory()
                    + " trained on (row " + (firstRow + 1) + " is its training row " + (firstTrainingRow + 1) + " of " + run.source()
                    + "); evaluate on other data, or on the run's held-out rows (eval without --data)");
        }
    }

    private static int rowHash(float[] v, int row, int d) {
        int h = 1;
        for (int j = row * d; j < (row + 1) * d; j++) h = 31 * h + Float.floatToIntBits(v[j]);
        return h;
    }

    /**
     * Every row of {@code source} in its order, not yet preprocessed, checked against the model's width. A CSV file
     * holding the run's label column has it taken out as labels (classes mapped as in training); one without it is
     * read as features only.
     */
    static Dataset allRows(ModelStore.Saved saved, String source) throws IOException {
        DataSource run = dataSource(saved);
        Dataset data;
        if (isFile(source) && run.labelColumn() != null && source.toLowerCase(java.util.Locale.ROOT).matches(".*\\.csv(\\.gz)?")) {
            try {
                data = VectorFiles.readLabelled(Path.of(source), run.labelColumn(), run.classes()).data();
            } catch (DataFileException e) {
                // no such column here: new data without labels
                data = VectorFiles.read(Path.of(source));
            }
        } else {
            data = CodesCommand.everything(source);
        }
        if (data.dim() != saved.model().dataDim()) {
            throw new DataFileException(source, "has " + data.dim() + " features per row but the model in " + saved.directory() + " takes "
                    + saved.model().dataDim() + (run.labelColumn() != null ? " (its label column " + run.labelColumn() + " taken out)" : ""));
        }
        return data;
    }

    /** The conditions of rows with these labels for a conditional model (their one-hot), null for the others. */
    static Tensor condition(LatentModel model, int[] labels) {
        if (model.conditionClasses() == 0) return null;
        if (labels == null) throw new UsageException(model.kind() + ": a conditional model needs labelled data");
        for (int l : labels) {
            if (l >= model.conditionClasses()) {
                throw new UsageException(model.kind() + ": the data hold class " + l + " (counting from 0), which this conditional model never saw: it "
                        + "conditions on " + model.conditionClasses() + " classes");
            }
        }
        return model.labelCondition(labels);
    }

    /** Decoder outputs as displayable intensities: the likelihood's mean, with any standardization undone. */
    static Tensor pictures(LatentModel model, ModelStore.DataPreprocessing p, Tensor params) {
        return org.latent4j.core.data.ModelInput.dataUnits(model, p, params);
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

    /**
     * Writes a command's output rows [n, d]: as a PNG grid of {@code columns} when the run's data are images (to
     * {@code --out}, default RUN/{@code baseName}.png); for data without an image shape, says so in one line and writes
     * the rows as vectors instead, shaped {@code vectorShape}: NPY (default RUN/{@code baseName}.npy), or CSV when
     * {@code --out} ends in .csv (one line per vector). Returns the file written.
     */
    static Path writePictures(String command, String run, Arguments o, String baseName, ModelStore.DataPreprocessing p, Tensor rows, int columns,
            int[] vectorShape) throws IOException {
        if (p.imageShape() != null) {
            Path file = Path.of(o.string("out", Path.of(run, baseName + ".png").toString()));
            writeGrid(file, p, rows, columns);
            return file;
        }
        Path file = Path.of(o.string("out", Path.of(run, baseName + ".npy").toString()));
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".npy") && !name.endsWith(".csv")) {
            throw new UsageException(command + ": the data of " + run + " are vectors, not images, so there is no picture for --out " + file
                    + "; give --out FILE.npy or FILE.csv");
        }
        Tensor shaped = rows.contiguous().reshape(vectorShape);
        if (name.endsWith(".npy")) {
            org.latent4j.core.io.AtomicFiles.write(file, out -> org.latent4j.core.data.io.NpyWriter.write(out, shaped));
        } else {
            float[] v = rows.contiguous().toArray();
            int d = rows.dim(1);
            StringBuilder csv = new StringBuilder();
            for (int i = 0; i < rows.dim(0); i++) {
                for (int j = 0; j < d; j++) csv.append(j == 0 ? "" : ",").append(v[i * d + j]);
                csv.append('\n');
            }
            org.latent4j.core.io.AtomicFiles.writeString(file, csv.toString());
        }
        System.out.println(command + ": the data of " + run + " are vectors, not images: writing them as vectors, float32 " + Arrays.toString(vectorShape)
                + (name.endsWith(".csv") ? " (one CSV line per vector)" : "") + ", to " + file);
        return file;
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

    /** A word for the kind of code a model gives, for messages ("the vae gives Gaussian codes"). */
    static String codeKind(org.latent4j.core.model.LatentCode code) {
        return switch (code) {
            case org.latent4j.core.model.LatentCode.Gaussian g -> "Gaussian";
            case org.latent4j.core.model.LatentCode.Deterministic d -> "deterministic";
            case org.latent4j.core.model.LatentCode.Sparse s -> "sparse";
            case org.latent4j.core.model.LatentCode.Discrete d -> "discrete";
        };
    }
}
