package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.latent4j.cli.report.AnomalyRocChart;
import org.latent4j.cli.report.ProgressBar;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.VectorFiles;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.eval.AnomalyScore;
import org.latent4j.core.eval.AnomalyScorer;
import org.latent4j.core.eval.LikelihoodRegret;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.eval.RankingMetrics;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;

/**
 * {@code latent4j score RUN --data FILE --out scores.csv}: a per-row anomaly score under a trained model, and with
 * labels the ranking metrics (AUROC, AUPRC, the ROC curve), a threshold at a chosen false-positive rate, and the run's
 * {@value #ANOMALY_FILE} that the report and {@code --threshold-from} read.
 */
public final class ScoreCommand implements Command {
    /** The run's record of its last scoring with labels (the schema is shared with the report). */
    static final String ANOMALY_FILE = ReportCommand.ANOMALY_FILE;
    /** The ROC picture's name beside the scores file: its stem and this ending, so two scorings in one folder keep both. */
    static final String ROC_SUFFIX = "-roc.png";
    static final int DEFAULT_IMPORTANCE_SAMPLES = 100;
    static final int DEFAULT_CODE_SAMPLES = 100;
    static final int ROC_POINTS = 512;
    /** The options that take a value (all of them). */
    static final List<String> VALUED = List.of("data", "out", "score", "k", "samples", "seed", "labels", "label-column", "normal", "fpr",
            "threshold-from");

    @Override
    public String name() {
        return "score";
    }

    @Override
    public String summary() {
        return "anomaly scores of data under a trained model; AUROC, AUPRC, ROC and a threshold with labels";
    }

    @Override
    public String help() {
        return """
                usage: latent4j score RUN --data SOURCE --out FILE.csv [options]

                Scores every row of SOURCE under the model in the run directory RUN, preprocessed as in training; a
                higher score means more anomalous. FILE.csv gets one line per row: row (from 0), score, and label and
                flagged when known.

                scores (--score):
                  nll                         -L_k, the importance-sampled estimate of -log p(x) with k samples (the
                                              default for models with a likelihood: vae, iwae, beta-vae, cvae, hvae)
                  neg-elbo                    -ELBO, the mean of -log w over the same k samples
                  reconstruction              -log p(x | code) of the decoded code (posterior mean, quantized vector,
                                              sparse code): binary cross-entropy for a Bernoulli likelihood, squared
                                              error / 2 sigma^2 + a constant for a Gaussian one; the default and only
                                              score of models without a likelihood (ae, vq-vae, sparse autoencoders)
                  reconstruction-probability  An and Cho (2015), negated: -log of the mean over L codes z ~ q(z|x) of
                                              p(x|z), averaged as probabilities (not hvae: its posterior has layers)
                  likelihood-regret           Xiao et al. (2020): how much a row's ELBO grows when its posterior is
                                              fitted to it (50 Adam steps, decoder fixed) over the encoder's; ranks
                                              anomalies better than nll on one-class Fashion-MNIST (models with one
                                              Gaussian posterior: vae, iwae, beta-vae, cvae and the other VAE
                                              objectives, not hvae; about 600 decoder passes a row, so slower)

                options:
                  --data SOURCE       a file of vectors (%s: every row is scored),
                                      a DIR of IDX files, fashion-mnist or embedded (the test images, with labels)
                  --out FILE.csv      where the scores go (required)
                  --score NAME        one of the scores above
                  --k K               importance samples of nll and neg-elbo (default %d)
                  --samples L         codes per row of reconstruction-probability (default %d)
                  --seed N            seed of the samples (default 0)
                  --labels FILE       one label per row of SOURCE: a .csv/.txt (one per line, a header line allowed)
                                      or a .npy; without it the data's own labels are used: IDX labels, the
                                      --label-column of a CSV, or the run's label column when SOURCE has it
                  --label-column C    the column of a CSV SOURCE holding each row's class (header name, or number
                                      from 1); it is not a feature
                  --normal C[,C...]   the normal classes: every other label is an anomaly. Prints AUROC and AUPRC,
                                      writes the ROC curve to FILE%s beside FILE.csv and the results to RUN/%s
                  --fpr RATE          choose the threshold that flags this fraction of normal rows, on the run's
                                      held-out rows of the normal classes (all of them when unlabelled), or, when
                                      those are not available, on the normal rows of SOURCE; saved in RUN/%s
                  --threshold-from R  flag the rows scoring above the threshold saved in R/%s (a column
                                      flagged); the score and k default to the ones it was chosen with
                """.formatted(VectorFiles.EXTENSIONS, DEFAULT_IMPORTANCE_SAMPLES, DEFAULT_CODE_SAMPLES, ROC_SUFFIX, ANOMALY_FILE, ANOMALY_FILE,
                ANOMALY_FILE);
    }

    /** What {@code --threshold-from} reads back of a run's {@value #ANOMALY_FILE}. */
    private record SavedThreshold(Path file, AnomalyScore score, int k, double value, double falsePositiveRate) {}

    /** Scores of held-out normal rows, and which rows they are, in words. */
    private record ThresholdRows(double[] scores, String description) {}

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("score", args, Set.of(), Set.copyOf(VALUED));
        String run = o.onePositional("run directory");
        o.require(o.has("data"), "--data SOURCE is required: the rows to score");
        o.require(o.has("out"), "--out FILE.csv is required: where the scores go");
        o.require(!(o.has("fpr") && o.has("threshold-from")), "--fpr chooses a threshold and --threshold-from reuses one: give one of them");
        o.require(!o.has("fpr") || o.has("normal"), "--fpr needs --normal: the threshold is chosen on rows of the normal classes");
        ModelStore.Saved saved = Runs.loadRun(run);
        LatentModel model = saved.model();
        SavedThreshold fromRun = o.has("threshold-from") ? readThreshold(Path.of(o.string("threshold-from", null))) : null;

        AnomalyScore fallback = fromRun != null ? fromRun.score()
                : AnomalyScore.NLL.unsupportedReason(model) == null ? AnomalyScore.NLL : AnomalyScore.RECONSTRUCTION;
        AnomalyScore score = o.choice("score", fallback, AnomalyScore.class);
        String refused = score.unsupportedReason(model);
        if (refused != null) throw new UsageException("score: --score " + score.word() + ": " + refused);
        int k = o.integer("k", fromRun != null ? fromRun.k() : DEFAULT_IMPORTANCE_SAMPLES, 1, 1_000_000);
        int samples = o.integer("samples", DEFAULT_CODE_SAMPLES, 1, 1_000_000);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        if (fromRun != null && (fromRun.score() != score || (usesK(score) && fromRun.k() != k))) {
            throw new UsageException("score: the threshold in " + fromRun.file() + " is on the " + describe(fromRun.score(), fromRun.k(), samples)
                    + " score, not " + describe(score, k, samples) + ": scores of different kinds are not comparable");
        }

        String source = o.string("data", null);
        Runs.DataSource runSource = Runs.dataSource(saved);
        List<String> classNames = runSource.classes();
        Dataset raw;
        if (o.has("label-column")) {
            if (!source.toLowerCase(Locale.ROOT).matches(".*\\.csv(\\.gz)?")) {
                throw new UsageException("score: --label-column names a column of a CSV file, and " + source + " is not one");
            }
            VectorFiles.Labelled read = VectorFiles.readLabelled(Path.of(source), o.string("label-column", null), runSource.classes());
            raw = read.data();
            classNames = read.classes();
        } else if (runSource.labelColumn() != null && source.toLowerCase(Locale.ROOT).matches(".*\\.csv(\\.gz)?")) {
            raw = Runs.allRows(saved, source); // the run's label column, when this file has it
        } else {
            raw = scoringData(source);
        }
        if (raw.dim() != model.dataDim()) {
            throw new UsageException("score: " + source + " has rows of " + raw.dim() + " features; the " + model.kind() + " model in " + run + " takes "
                    + model.dataDim());
        }
        Dataset data = org.latent4j.core.data.ModelInput.prepare(saved.preprocessing(), raw, runSource.seed());
        List<String> names = classNames;
        String[] labels = o.has("labels") ? readLabels(Path.of(o.string("labels", null)), data.size())
                : data.hasLabels() ? Arrays.stream(data.labels()).mapToObj(l -> className(names, l)).toArray(String[]::new)
                : null;

        double[] scores = score(model, data, score, k, samples, seed);
        boolean[] anomalous = null;
        List<String> normal = null;
        if (o.has("normal")) {
            if (labels == null) throw new UsageException("score: --normal needs labels: give --labels FILE (the data " + source + " have none)");
            normal = parseNormal(o.string("normal", null), labels);
            anomalous = new boolean[labels.length];
            int anomalies = 0;
            for (int i = 0; i < labels.length; i++) if (anomalous[i] = !normal.contains(labels[i])) anomalies++;
            if (anomalies == 0) throw new UsageException("score: every row is of a --normal class (" + String.join(",", normal) + "): ranking needs anomalies too");
        }

        RankingMetrics.Threshold threshold = null;
        String thresholdRows = null;
        if (o.has("fpr")) {
            double fpr = o.number("fpr", 0, 0, 0.999999);
            ThresholdRows rows = thresholdRows(saved, model, runSource, score, k, samples, seed, normal, scores, anomalous);
            threshold = RankingMetrics.thresholdAtFalsePositiveRate(rows.scores(), fpr);
            thresholdRows = rows.description();
        }
        double flagAbove = threshold != null ? threshold.value() : fromRun != null ? fromRun.value() : Double.NaN;

        Path out = Path.of(o.string("out", null));
        writeScores(out, scores, labels, Double.isNaN(flagAbove) ? null : flagAbove);
        System.out.printf(Locale.ROOT, "%s: %s scores of %d rows of %s -> %s%n", run, describe(score, k, samples), scores.length, raw.name(), out);

        if (anomalous != null) {
            double auroc = RankingMetrics.auroc(scores, anomalous), auprc = RankingMetrics.averagePrecision(scores, anomalous);
            RankingMetrics.RocCurve roc = RankingMetrics.rocCurve(scores, anomalous, ROC_POINTS);
            int anomalies = 0;
            for (boolean a : anomalous) anomalies += a ? 1 : 0;
            System.out.printf(Locale.ROOT, "normal: %s; %d rows, %d anomalies: AUROC %.4f, AUPRC %.4f (chance: %.4f)%n", String.join(",", normal),
                    scores.length, anomalies, auroc, auprc, anomalies / (double) scores.length);
            Path rocFile = rocFile(out);
            AnomalyRocChart.write(rocFile, "ROC of " + Path.of(run).getFileName() + " on " + raw.name() + " (normal: " + String.join(",", normal) + ")",
                    score.word(), roc, auroc);
            System.out.println("ROC curve: " + rocFile);
            Path anomalyFile = saved.directory().resolve(ANOMALY_FILE);
            Json.writeFile(anomalyFile, Runs.object("score", score.word(), "k", k, "data", dataName(source), "normal", normal, "rows", scores.length,
                    "anomalies", anomalies, "auroc", auroc, "auprc", auprc, "fpr", roc.fpr(), "tpr", roc.tpr(),
                    "threshold", threshold == null ? null : threshold.value(), "thresholdFpr", threshold == null ? null : threshold.falsePositiveRate()));
            System.out.println("saved: " + anomalyFile);
        }
        if (threshold != null) {
            System.out.printf(Locale.ROOT, "threshold %.6g: flags %.4f of %s%n", threshold.value(), threshold.falsePositiveRate(), thresholdRows);
        }
        if (!Double.isNaN(flagAbove)) {
            int flagged = 0;
            for (double s : scores) if (s > flagAbove) flagged++;
            System.out.printf(Locale.ROOT, "flagged %d of %d rows (score above %.6g%s)%n", flagged, scores.length, flagAbove,
                    fromRun != null ? ", from " + fromRun.file() : "");
        }
        return 0;
    }

    private static boolean usesK(AnomalyScore s) {
        return s == AnomalyScore.NLL || s == AnomalyScore.NEG_ELBO;
    }

    private static String describe(AnomalyScore s, int k, int samples) {
        return switch (s) {
            case NLL, NEG_ELBO -> s.word() + " (k=" + k + ")";
            case RECONSTRUCTION_PROBABILITY -> s.word() + " (L=" + samples + ")";
            case RECONSTRUCTION -> s.word();
            case LIKELIHOOD_REGRET -> s.word() + " (" + LikelihoodRegret.Options.DEFAULTS.steps() + " steps)";
        };
    }

    /** Scores without gradients, with a progress bar on standard error when the likelihood estimate is long. */
    private static double[] score(LatentModel model, Dataset data, AnomalyScore score, int k, int samples, long seed) {
        Tensor condition = Runs.condition(model, data.hasLabels() ? data.labels() : null);
        boolean regret = score == AnomalyScore.LIKELIHOOD_REGRET;
        // a row's refinement: each step runs the decoder forward and back on its samples (about three passes each)
        LikelihoodRegret.Options refine = LikelihoodRegret.Options.DEFAULTS;
        long work = (long) data.size() * (usesK(score) ? k : regret ? 3L * refine.steps() * refine.samples() : 1);
        ProgressBar bar = work >= 2_000_000L && (usesK(score) || regret) ? ProgressBar.onStandardError(describe(score, k, samples), data.size(), "rows") : null;
        ProgressListener listener = bar == null ? ProgressListener.NONE : (done, total) -> bar.update(done, "");
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            double[] scores = AnomalyScorer.score(model, data.features(), condition, score, k, samples, seed, listener);
            if (bar != null) bar.finish(String.format(Locale.ROOT, "scored in %.1fs", bar.elapsedSeconds()));
            return scores;
        }
    }

    /** Every row of a file; the test split (with labels) of Fashion-MNIST-shaped IDX data. */
    static Dataset scoringData(String source) throws DataFileException {
        if (Runs.EMBEDDED.equals(source)) return FashionMnist.embedded();
        if (!FashionMnist.WORD.equals(source) && VectorFiles.isVectorFile(Path.of(source))) return VectorFiles.read(Path.of(source));
        return FashionMnist.load(FashionMnist.resolve(source)).test();
    }

    /** The data's name for {@value #ANOMALY_FILE}: a path made absolute, or the source word. */
    private static String dataName(String source) {
        if (Runs.EMBEDDED.equals(source) || FashionMnist.WORD.equals(source)) return source;
        return Path.of(source).toAbsolutePath().normalize().toString();
    }

    /**
     * One label per row: a .npy of numbers (integral values are written without a decimal point, as IDX labels are),
     * or a text file with one label per line, whose first line may be a header (then it has one line more than rows).
     */
    static String[] readLabels(Path file, int rows) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String[] labels;
        if (name.endsWith(".npy")) {
            Tensor t = NpyReader.read(file);
            if (t.rank() > 2 || (t.rank() == 2 && t.dim(1) != 1)) {
                throw new UsageException("score: --labels " + file + " holds an array of shape " + Arrays.toString(t.shape()) + "; labels are one per row, [rows] or [rows, 1]");
            }
            float[] v = t.contiguous().toArray();
            labels = new String[v.length];
            for (int i = 0; i < v.length; i++) labels[i] = v[i] == Math.rint(v[i]) && Math.abs(v[i]) < 1e9 ? String.valueOf((long) v[i]) : String.valueOf(v[i]);
        } else {
            if (!Files.isRegularFile(file)) throw new DataFileException(file.toString(), Files.exists(file) ? "is not a regular file" : "no such file");
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.length() >= 2 && l.startsWith("\"") && l.endsWith("\"")) l = l.substring(1, l.length() - 1).replace("\"\"", "\"");
                if (!l.isEmpty()) lines.add(l);
            }
            if (lines.size() == rows + 1) lines.removeFirst(); // a header line
            labels = lines.toArray(String[]::new);
        }
        if (labels.length != rows) {
            throw new UsageException("score: --labels " + file + " holds " + labels.length + " labels for " + rows + " rows of data; give one label per row");
        }
        return labels;
    }

    private static List<String> parseNormal(String value, String[] labels) {
        Set<String> present = new TreeSet<>(Arrays.asList(labels));
        Set<String> normal = new LinkedHashSet<>();
        for (String c : value.split(",")) {
            String cls = c.strip();
            if (cls.isEmpty()) continue;
            if (!present.contains(cls)) {
                List<String> known = new ArrayList<>(present);
                String list = known.size() <= 20 ? String.join(", ", known) : String.join(", ", known.subList(0, 20)) + ", ...";
                throw new UsageException("score: --normal names class '" + cls + "', which no row has (the labels are " + list + ")");
            }
            normal.add(cls);
        }
        if (normal.isEmpty()) throw new UsageException("score: --normal names no class");
        return List.copyOf(normal);
    }

    /**
     * The normal rows the threshold is chosen on: the run's held-out rows of the normal classes (all of them when they
     * have no labels, since the model was trained on rows like them), so that the false-positive rate is that of rows
     * the model has not seen; failing that, the normal rows of the scored data.
     */
    private static ThresholdRows thresholdRows(ModelStore.Saved saved, LatentModel model, Runs.DataSource source, AnomalyScore score, int k, int samples,
                                               long seed, List<String> normal, double[] dataScores, boolean[] anomalous) {
        String unavailable;
        try {
            Dataset loaded = Runs.load(source).test();
            if (loaded.dim() != model.dataDim()) {
                unavailable = "the run's held-out rows have " + loaded.dim() + " features";
            } else {
                Dataset heldOut = org.latent4j.core.data.ModelInput.prepare(saved.preprocessing(), loaded, source.seed());
                int[] rows = heldOut.hasLabels()
                        ? java.util.stream.IntStream.range(0, heldOut.size()).filter(i -> normal.contains(className(source.classes(), heldOut.labels()[i]))).toArray()
                        : Runs.firstRows(heldOut.size());
                if (rows.length > 0) {
                    Dataset normalRows = heldOut.rows(rows, heldOut.name());
                    String which = heldOut.hasLabels() ? "the run's " + rows.length + " held-out rows of class " + String.join(",", normal)
                            : "the run's " + rows.length + " held-out rows (unlabelled: all taken as normal, like the rows the model was trained on)";
                    return new ThresholdRows(score(model, normalRows, score, k, samples, seed), which);
                }
                unavailable = "none of the run's held-out rows is of class " + String.join(",", normal);
            }
        } catch (IOException e) {
            unavailable = "the run's data cannot be read: " + Main.oneLine(e.getMessage());
        }
        double[] normalScores = java.util.stream.IntStream.range(0, dataScores.length).filter(i -> !anomalous[i]).mapToDouble(i -> dataScores[i]).toArray();
        return new ThresholdRows(normalScores, "the " + normalScores.length + " normal rows of the scored data themselves (" + unavailable + ")");
    }

    /** A class id as its name in the run's label column, or as the number itself. */
    private static String className(List<String> names, int id) {
        return id < names.size() ? names.get(id) : String.valueOf(id);
    }

    private static SavedThreshold readThreshold(Path run) throws IOException {
        Path file = run.resolve(ANOMALY_FILE);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("score: --threshold-from " + run + ": no " + ANOMALY_FILE + " there (score that run with --normal and --fpr first)");
        }
        try {
            Json.Cursor c = Json.at(Json.readFile(file), file.toString());
            if (c.get("threshold").isNull()) {
                throw new UsageException("score: " + file + " holds no threshold (it was scored without --fpr)");
            }
            AnomalyScore score;
            try {
                score = AnomalyScore.fromWord(c.get("score").asString());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage());
            }
            return new SavedThreshold(file, score, c.get("k").asInt(), c.get("threshold").asDouble(),
                    c.get("thresholdFpr").isNull() ? Double.NaN : c.get("thresholdFpr").asDouble());
        } catch (JsonException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void writeScores(Path out, double[] scores, String[] labels, Double flagAbove) throws IOException {
        StringBuilder csv = new StringBuilder("row,score");
        if (labels != null) csv.append(",label");
        if (flagAbove != null) csv.append(",flagged");
        csv.append('\n');
        for (int i = 0; i < scores.length; i++) {
            csv.append(i).append(',').append(scores[i]);
            if (labels != null) csv.append(',').append(csvField(labels[i]));
            if (flagAbove != null) csv.append(',').append(scores[i] > flagAbove ? 1 : 0);
            csv.append('\n');
        }
        AtomicFiles.writeString(out, csv.toString());
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** The ROC picture of the scores written to {@code out}: scores.csv -> scores-roc.png, in the same folder. */
    static Path rocFile(Path out) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return out.toAbsolutePath().resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ROC_SUFFIX);
    }
}
