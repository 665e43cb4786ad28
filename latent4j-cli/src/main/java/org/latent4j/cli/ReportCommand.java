package org.latent4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.cli.report.DiagnosticCharts;
import org.latent4j.cli.report.HtmlReport;
import org.latent4j.cli.report.HtmlReport.Figure;
import org.latent4j.cli.report.HtmlReport.Tone;
import org.latent4j.cli.report.ReportCharts;
import org.latent4j.compress.pca.PcaTransform;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.eval.CodeActivity;
import org.latent4j.core.eval.CodeDiagnostics;
import org.latent4j.core.eval.CodebookDiagnostics;
import org.latent4j.core.eval.CodebookUsage;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.GaussianDiagnostics;
import org.latent4j.core.eval.SparseCodeDiagnostics;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j report RUN}: one self-contained HTML page about a run (see {@link HtmlReport}): what was trained on
 * what and where, the training curves of history.csv, the evaluation of metrics.json, the code's diagnostics (KL per
 * dimension and the collapse verdict, or codebook usage, or feature density), a PCA view of the codes, pictures decoded
 * from the model for image data, and the ROC curve of {@value #ANOMALY_FILE} when {@code score} wrote one. {@code train}
 * writes it at the end of every run through {@link #write}.
 */
public final class ReportCommand implements Command {
    static final String FILE = "report.html";
    /** Written by {@code latent4j score} with labels (the interface of issue 11: ROC curve, areas, threshold). */
    static final String ANOMALY_FILE = "anomaly.json";

    /** Held-out rows the report encodes for its PCA view and pictures: train's default evaluation rows. */
    private static final int HELD_OUT_ROWS = 1000;
    private static final int HALF = ReportCharts.WIDTH, HEIGHT = ReportCharts.HEIGHT;
    /** The columns of train --gradvar-every: gradvar_MODULE_snr and gradvar_MODULE_variance. */
    private static final Pattern GRADVAR = Pattern.compile(org.latent4j.core.train.Trainer.GRADIENT_VARIANCE_PREFIX + "(.+)_(snr|variance)");
    private static final Pattern STAGED = Pattern.compile("(stage\\d+)_(.+)");
    private static final Set<String> HISTORY_BASE = Set.of("epoch", "step", "train_loss", "reconstruction", "regularization", "validation_loss",
            "learning_rate", "seconds");

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "write a self-contained HTML report of a run: curves, evaluation, code diagnostics, pictures, ROC";
    }

    @Override
    public String help() {
        return """
                usage: latent4j report RUN [options]

                Writes one HTML file about the run in RUN, self-contained (pictures embedded, no script, nothing
                fetched): the model, data, options and provenance; the training curves of history.csv (loss, train
                and validation, reconstruction, regularization and the model's own metrics); the evaluation of
                metrics.json; the code's diagnostics (KL per latent dimension with the active units marked and the
                posterior-collapse verdict; or codebook usage; or feature density); a PCA view of the codes of the
                held-out rows, coloured by class when the data have labels; samples, reconstructions and traversals
                decoded from the model for image data; and the ROC curve when `latent4j score` wrote RUN/anomaly.json.
                train writes RUN/report.html at the end of every run.

                options:
                  --out FILE   the HTML file to write (default RUN/report.html)
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("report", args, Set.of(), Set.of("out"));
        String run = o.onePositional("run directory");
        ModelStore.Saved saved = Runs.loadRun(run);
        Path out = Path.of(o.string("out", Path.of(run, FILE).toString()));
        if (Files.isDirectory(out)) throw new UsageException("report: --out " + out + " is a directory; give the HTML file's name");
        long seed = Runs.dataSource(saved).seed();
        Dataset heldOut = null;
        EvaluationReport evaluation = null;
        String dataProblem = null;
        try {
            heldOut = Runs.evaluationData(saved, null, HELD_OUT_ROWS);
            try (GradMode.Guard noGrad = GradMode.disabled()) {
                // the diagnostics of the codes only: the NLL of metrics.json is not estimated again
                evaluation = Runs.evaluate(saved.model(), heldOut.features(), Runs.condition(saved.model(), heldOut.hasLabels() ? heldOut.labels() : null), 0,
                        seed);
            }
        } catch (IOException | UsageException e) {
            // the data the run was trained on may have moved: the files of the run still make a report
            dataProblem = "The run's data could not be read again (" + Main.oneLine(String.valueOf(e.getMessage()))
                    + "), so the report has no code diagnostics, latent view or pictures.";
        }
        write(Path.of(run), out, saved.model(), saved.preprocessing(), heldOut, evaluation, seed, dataProblem);
        System.out.println("wrote " + out);
        return 0;
    }

    /**
     * Writes the report of the run in {@code runDir} to {@code out} (atomically): the run's files give the text and
     * curves, {@code model} and {@code heldOut} (may be null) the pictures and the view of the codes, {@code evaluation}
     * (may be null) the code diagnostics.
     */
    static void write(Path runDir, Path out, LatentModel model, ModelStore.DataPreprocessing prep, Dataset heldOut, EvaluationReport evaluation,
                      long seed, String dataProblem) throws IOException {
        String html = render(runDir, model, prep, heldOut, evaluation, seed, dataProblem);
        AtomicFiles.write(out, html.getBytes(StandardCharsets.UTF_8));
    }

    static String render(Path runDir, LatentModel model, ModelStore.DataPreprocessing prep, Dataset heldOut, EvaluationReport evaluation, long seed,
                         String dataProblem) throws IOException {
        Json.Value config = readJson(runDir.resolve(ModelStore.CONFIG_FILE));
        Json.Value metrics = readJson(runDir.resolve(ModelStore.METRICS_FILE));
        History history = History.read(runDir.resolve("history.csv"));
        Json.Value provenance = at(config, "training", "result", "provenance");

        String subtitle = String.join("  \u00b7  ", nonNull(
                text(at(config, "training", "data", "source")) == null ? prep.dataset() : "data " + text(at(config, "training", "data", "source")),
                String.format(Locale.ROOT, "%,d parameters", model.parameterCount()),
                text(at(provenance, "endTime")) == null ? null : "finished " + time(text(at(provenance, "endTime")))));
        HtmlReport page = new HtmlReport(model.kind() + " \u2014 " + runDir.toAbsolutePath().normalize().getFileName(), subtitle);
        headlines(page, model, metrics, history);

        // what a reader looks at first (curves, measures, codes, pictures) comes first; the run's particulars close the page
        if (!history.rows.isEmpty()) trainingSection(page, history);
        evaluationSection(page, metrics);
        if (dataProblem != null) {
            page.section("codes", "Latent codes").note(Tone.INFO, dataProblem);
        } else if (evaluation != null) {
            codeSection(page, model, evaluation, heldOut);
        }
        if (heldOut != null && prep.imageShape() != null) pictureSection(page, model, prep, heldOut, evaluation, seed);
        Path anomaly = runDir.resolve(ANOMALY_FILE);
        if (Files.exists(anomaly)) anomalySection(page, anomaly);
        runSection(page, runDir, model, prep, config, provenance, history);
        return page.render();
    }

    // ---------------------------------------------------------------- sections

    private static void headlines(HtmlReport page, LatentModel model, Json.Value metrics, History history) {
        Json.Value e = at(metrics, "evaluation");
        page.headline("model", model.kind());
        Json.Value nll = at(e, "logLikelihood", "nll");
        if (nll != null) page.headline("test NLL (k = " + text(at(e, "logLikelihood", "k")) + ")", num(number(nll)) + " nats");
        Json.Value rec = at(e, "reconstruction", "nll", "mean");
        if (rec != null) page.headline("reconstruction", num(number(rec)) + " nats");
        Json.Value kl = at(e, "latent", "totalKl");
        if (kl != null) page.headline("KL", num(number(kl)) + " nats");
        Json.Value active = at(e, "latent", "activeUnits", "count");
        Json.Value dims = at(e, "latentDimensions");
        if (active != null && dims != null) page.headline("active units", text(active) + " / " + text(dims));
        if (at(e, "latent", "stages") instanceof Json.Arr stages && !stages.items().isEmpty()) {
            Json.Value usage = at(stages.items().getFirst(), "usage");
            if (usage != null) page.headline("codebook usage", String.format(Locale.ROOT, "%.1f%%", 100 * number(usage)));
        }
        Json.Value l0 = at(e, "latent", "l0");
        if (l0 != null) page.headline("L0", num(number(l0)));
        if (!history.rows.isEmpty()) {
            page.headline("epochs", String.valueOf((long) history.last("epoch")));
            double seconds = history.sum("seconds");
            if (Double.isFinite(seconds)) page.headline("training time", duration(seconds));
        }
    }

    private static void runSection(HtmlReport page, Path runDir, LatentModel model, ModelStore.DataPreprocessing prep, Json.Value config,
                                   Json.Value provenance, History history) {
        page.section("run", "Run: model, data and provenance");
        List<String[]> modelFacts = new ArrayList<>();
        modelFacts.add(new String[] {"kind", model.kind()});
        modelFacts.add(new String[] {"parameters", String.format(Locale.ROOT, "%,d", model.parameterCount())});
        modelFacts.add(new String[] {"latent dimensions", String.valueOf(model.latentDim())});
        if (at(config, "config") instanceof Json.Obj c) for (var m : c.members().entrySet()) modelFacts.add(new String[] {m.getKey(), show(m.getValue())});

        List<String[]> dataFacts = new ArrayList<>();
        Json.Value source = at(config, "training", "data");
        if (source instanceof Json.Obj s) for (var m : s.members().entrySet()) dataFacts.add(new String[] {m.getKey(), show(m.getValue())});
        dataFacts.add(new String[] {"dataset", prep.dataset()});
        dataFacts.add(new String[] {"data width", String.valueOf(model.dataDim())});
        dataFacts.add(new String[] {"image shape", prep.imageShape() == null ? "none (vectors)" : Arrays.toString(prep.imageShape())});
        dataFacts.add(new String[] {"scaling", String.valueOf(prep.scaling())});
        dataFacts.add(new String[] {"standardized", prep.standardizer() == null ? "no" : "yes (training rows' mean and deviation)"});
        dataFacts.add(new String[] {"binarization", String.valueOf(prep.binarization()).toLowerCase(Locale.ROOT)});
        add(dataFacts, "training rows", at(provenance, "trainData"));
        add(dataFacts, "validation rows", at(provenance, "validationData"));

        List<String[]> trainingFacts = new ArrayList<>();
        Json.Value options = at(provenance, "options");
        add(trainingFacts, "epochs", at(options, "epochs"));
        add(trainingFacts, "batch size", at(options, "batchSize"));
        add(trainingFacts, "optimizer", at(options, "optimizer"));
        add(trainingFacts, "learning rate", at(options, "schedule"));
        add(trainingFacts, "validation fraction", at(options, "validationFraction"));
        add(trainingFacts, "early stopping patience", at(options, "earlyStoppingPatience"));
        add(trainingFacts, "seed", at(provenance, "seed"));
        Json.Value result = at(config, "training", "result");
        add(trainingFacts, "model epoch", at(result, "modelEpoch"));
        add(trainingFacts, "best epoch (validation)", at(result, "bestEpoch"));
        add(trainingFacts, "best validation loss", at(result, "bestValidationLoss"));
        add(trainingFacts, "stopped early", at(result, "stoppedEarly"));
        add(trainingFacts, "resumes", at(provenance, "resumes"));
        if (at(config, "training", "arguments") instanceof Json.Obj a) {
            StringBuilder line = new StringBuilder("latent4j train");
            for (var m : a.members().entrySet()) line.append(" --").append(m.getKey()).append(' ').append(show(m.getValue()));
            trainingFacts.add(new String[] {"command line", line.toString()});
        }

        List<String[]> provenanceFacts = new ArrayList<>();
        add(provenanceFacts, "library version", at(config, "libraryVersion"));
        add(provenanceFacts, "Java", at(provenance, "javaVersion"));
        add(provenanceFacts, "kernels", at(provenance, "kernels"));
        add(provenanceFacts, "threads", at(provenance, "threads"));
        if (text(at(provenance, "startTime")) != null) provenanceFacts.add(new String[] {"started", time(text(at(provenance, "startTime")))});
        if (text(at(provenance, "endTime")) != null) provenanceFacts.add(new String[] {"finished", time(text(at(provenance, "endTime")))});
        if (!history.rows.isEmpty() && Double.isFinite(history.sum("seconds"))) {
            provenanceFacts.add(new String[] {"training time", duration(history.sum("seconds"))});
        }
        add(provenanceFacts, "weights sha256", at(config, "weights", "sha256"));
        provenanceFacts.add(new String[] {"run directory", runDir.toAbsolutePath().normalize().toString()});
        provenanceFacts.add(new String[] {"report written on", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")});
        page.facts(List.of("Model", "Data", "Training", "Provenance"), List.of(modelFacts, dataFacts, trainingFacts, provenanceFacts));
    }

    private static void trainingSection(HtmlReport page, History history) throws IOException {
        page.section("training", "Training curves");
        double[] epochs = history.column("epoch");
        List<Figure> charts = new ArrayList<>();
        List<ReportCharts.Line> loss = new ArrayList<>();
        loss.add(new ReportCharts.Line("train", epochs, history.column("train_loss")));
        if (history.hasValues("validation_loss")) loss.add(new ReportCharts.Line("validation", epochs, history.column("validation_loss")));
        charts.add(Figure.chart(ReportCharts.lines("Loss per epoch", "epoch", "loss (per example)", loss, HALF, HEIGHT), "loss per epoch",
                loss.size() > 1 ? "The training loss (the mean over the epoch's steps) and the loss on the validation rows after the epoch."
                        : "The training loss, the mean over the epoch's steps."));
        List<ReportCharts.Line> terms = new ArrayList<>();
        if (history.hasValues("reconstruction")) terms.add(new ReportCharts.Line("reconstruction", epochs, history.column("reconstruction")));
        if (history.hasValues("regularization") && !history.allZero("regularization")) {
            terms.add(new ReportCharts.Line("regularization", epochs, history.column("regularization")));
        }
        if (!terms.isEmpty()) {
            charts.add(Figure.chart(ReportCharts.lines("Loss terms (training)", "epoch", "per example", terms, HALF, HEIGHT), "loss terms",
                    "What the loss is made of: the reconstruction term and the regularization (the KL for a VAE, the codebook and commitment "
                            + "terms for a VQ-VAE)."));
        }
        List<String> constant = new ArrayList<>();
        // a metric of every stage of a residual quantizer (stage1_perplexity, stage2_perplexity, ...) is one chart, a line per stage
        Map<String, List<ReportCharts.Line>> metrics = new LinkedHashMap<>();
        for (String name : history.header) {
            if (HISTORY_BASE.contains(name) && !name.equals("learning_rate")) continue;
            if (!history.hasValues(name)) continue;
            if (history.constant(name)) {
                constant.add(name + " = " + num(history.last(name)));
                continue;
            }
            Matcher staged = STAGED.matcher(name), gradvar = GRADVAR.matcher(name);
            if (gradvar.matches()) {
                // train --gradvar-every: one chart per statistic, a line per module
                metrics.computeIfAbsent("gradient " + gradvar.group(2), m -> new ArrayList<>()).add(new ReportCharts.Line(gradvar.group(1), epochs,
                        history.column(name)));
                continue;
            }
            String metric = name.equals("learning_rate") ? "learning rate" : staged.matches() ? staged.group(2) : name;
            metrics.computeIfAbsent(metric, m -> new ArrayList<>()).add(new ReportCharts.Line(staged.matches() ? staged.group(1) : metric, epochs,
                    history.column(name)));
        }
        for (var m : metrics.entrySet()) {
            String metric = m.getKey();
            boolean gradient = metric.startsWith("gradient ");
            charts.add(Figure.chart(ReportCharts.lines(metric + " per epoch", "epoch", metric, m.getValue(), gradient, HALF, HEIGHT), metric,
                    metric.equals("learning rate") ? "The optimizer's learning rate at the epoch's end."
                            : gradient ? "The " + (metric.endsWith("snr") ? "signal-to-noise ratio (Rainforth et al. 2018, mean of |E[g]| / std[g] over "
                                    + "the elements)" : "mean variance per element") + " of each module's gradient, measured every --gradvar-every steps and "
                                    + "averaged over the epoch's measurements (log scale)."
                            : "The model's own metric " + metric + (m.getValue().size() > 1 ? " of each stage" : "") + ", averaged over the epoch's steps."));
        }
        page.figures(charts);
        if (!constant.isEmpty()) page.paragraph("Constant over the run: " + String.join(", ", constant) + ".");
    }

    private static void evaluationSection(HtmlReport page, Json.Value metrics) {
        page.section("evaluation", "Evaluation");
        Json.Value e = at(metrics, "evaluation");
        if (e == null) {
            page.note(Tone.INFO, "metrics.json holds no evaluation.");
            return;
        }
        page.paragraph("Measured on " + text(at(e, "examples")) + " held-out examples (from metrics.json); an estimate is its mean \u00b1 its standard "
                + "error.");
        page.table(List.of("measure", "value"), keyResults(e));
        List<List<String>> all = new ArrayList<>();
        flatten("", e, all);
        page.foldedTable("Everything metrics.json holds about the evaluation (" + all.size() + " values)", List.of("measure", "value"), all);
        Json.Value training = at(metrics, "training");
        if (training instanceof Json.Obj) {
            List<List<String>> last = new ArrayList<>();
            flatten("", training, last);
            page.foldedTable("The last training epoch's averages (" + last.size() + " values)", List.of("measure", "value"), last);
        }
    }

    /** The headline measures of an evaluation, where it has them, named for a person. */
    private static List<List<String>> keyResults(Json.Value e) {
        List<List<String>> rows = new ArrayList<>();
        Json.Value ll = at(e, "logLikelihood");
        if (ll != null) {
            Json.Value estimate = at(ll, "logLikelihood");
            double se = number(at(estimate, "standardError"));
            rows.add(List.of("test NLL, -L_k with k = " + text(at(ll, "k")) + " importance samples (nats)", num(number(at(ll, "nll")))
                    + (Double.isFinite(se) ? " \u00b1 " + num(se) : "")));
            rows.add(List.of("ELBO (nats)", estimate(at(ll, "elbo"))));
            if (at(ll, "effectiveSampleSizeMean") != null) rows.add(List.of("mean effective sample size", num(number(at(ll, "effectiveSampleSizeMean")))));
        }
        if (at(e, "reconstruction", "nll") != null) rows.add(List.of("reconstruction, -log p(x|code) (nats)", estimate(at(e, "reconstruction", "nll"))));
        if (at(e, "reconstruction", "squaredError") != null) rows.add(List.of("squared error per example", estimate(at(e, "reconstruction", "squaredError"))));
        if (at(e, "reconstruction", "fractionOfVarianceUnexplained") != null) {
            rows.add(List.of("fraction of variance unexplained", num(number(at(e, "reconstruction", "fractionOfVarianceUnexplained")))));
        }
        Json.Value latent = at(e, "latent");
        if (at(latent, "totalKl") != null) rows.add(List.of("KL(q(z|x) || p(z)) (nats)", num(number(at(latent, "totalKl")))));
        if (at(latent, "activeUnits", "count") != null) {
            rows.add(List.of("active units", text(at(latent, "activeUnits", "count")) + " of " + text(at(e, "latentDimensions"))));
        }
        if (at(latent, "mutualInformation", "nats") != null) {
            rows.add(List.of("mutual information I(x; z) (nats)", num(number(at(latent, "mutualInformation", "nats"))) + " (at most "
                    + num(number(at(latent, "mutualInformation", "upperBound"))) + ")"));
        }
        if (at(latent, "stages") instanceof Json.Arr stages) {
            for (int s = 0; s < stages.items().size(); s++) {
                Json.Value u = stages.items().get(s);
                String name = stages.items().size() == 1 ? "codebook" : "codebook of stage " + (s + 1);
                rows.add(List.of(name + ": codes used", text(at(u, "used")) + " of " + text(at(u, "codes")) + String.format(Locale.ROOT, " (%.1f%%)",
                        100 * number(at(u, "usage")))));
                rows.add(List.of(name + ": perplexity", num(number(at(u, "perplexity")))));
            }
        }
        if (at(latent, "l0") != null) rows.add(List.of("L0 (non-zero latents per example)", num(number(at(latent, "l0")))));
        if (at(latent, "deadLatents") != null) rows.add(List.of("dead latents", text(at(latent, "deadLatents")) + " of " + text(at(latent, "latents"))));
        return rows;
    }

    private static String estimate(Json.Value v) {
        double mean = number(at(v, "mean")), se = number(at(v, "standardError"));
        return num(mean) + (Double.isFinite(se) ? " \u00b1 " + num(se) : "");
    }

    private static void codeSection(HtmlReport page, LatentModel model, EvaluationReport evaluation, Dataset heldOut) throws IOException {
        CodeDiagnostics latent = evaluation.latent();
        page.section("codes", "Latent codes");
        List<Figure> charts = new ArrayList<>();
        switch (latent) {
            case GaussianDiagnostics g -> {
                if (!g.layer().equals(LatentLayer.single(g.layer().dimensions()))) page.paragraph("Diagnosed layer: " + g.layer().description() + ".");
                boolean collapsed = g.collapse().collapsedDimensions().length > 0;
                page.note(collapsed ? Tone.BAD : Tone.GOOD, g.collapse().summary());
                page.paragraph(String.format(Locale.ROOT, "Total KL %.3f nats; %d of %d units active (activity, the variance of a unit's posterior mean "
                                + "over the data, above %.2g); mutual information I(x; z) %.3f nats (at most log %d = %.2f for these examples).", g.totalKl(),
                        g.activeUnits().count(), g.activeUnits().dimensions(), g.activeUnits().threshold(), g.mutualInformation().nats(),
                        g.mutualInformation().examples(), g.mutualInformation().upperBound()));
                charts.add(Figure.chart(dimensionBars("KL per latent dimension", "average KL (nats)", g.klPerDimension(), g.activeUnits().activity(),
                        g.activeUnits().threshold()), "KL per latent dimension", "Each dimension's average KL(q(z_u|x) || N(0, 1)); blue: active units."));
            }
            case CodeActivity a -> {
                page.paragraph(String.format(Locale.ROOT, "A deterministic code: %d of %d dimensions active (variance over the data above %.2g); "
                        + "no KL or mutual information.", a.activeUnits().count(), a.activeUnits().dimensions(), a.activeUnits().threshold()));
                charts.add(Figure.chart(dimensionBars("Activity per code dimension", "variance over the data", a.activeUnits().activity(),
                        a.activeUnits().activity(), a.activeUnits().threshold()), "activity per dimension", "Blue: active dimensions."));
            }
            case CodebookDiagnostics c -> {
                page.paragraph(String.format(Locale.ROOT, "Discrete codes: %d position%s per example, %d codebook%s; %.2f bits per input (entropy %.2f).",
                        c.positions(), c.positions() == 1 ? "" : "s", c.stages().size(), c.stages().size() == 1 ? "" : "s", c.bitsPerInput(),
                        c.entropyBitsPerInput()));
                List<List<String>> rows = new ArrayList<>();
                for (CodebookUsage u : c.stages()) {
                    rows.add(List.of(c.stages().size() == 1 ? "codebook" : "stage " + (u.stage() + 1), String.format(Locale.ROOT, "%,d", u.codes()),
                            String.format(Locale.ROOT, "%,d (%.1f%%)", u.used(), 100 * u.usage()), String.format(Locale.ROOT, "%.1f", u.perplexity()),
                            String.format(Locale.ROOT, "%,d", u.deadCodes())));
                }
                charts.add(new Figure(DiagnosticCharts.codebookUsage(c, evaluation.examples(), 2 * HALF, HEIGHT), "codebook usage",
                        "Every code's count on the held-out rows, sorted from the most used down (log scale). A healthy codebook is a long flat run; "
                                + "collapse is a short steep one.", false, true));
                page.table(List.of("codebook", "codes", "used", "perplexity", "dead"), rows);
            }
            case SparseCodeDiagnostics s -> {
                page.paragraph(String.format(Locale.ROOT, "A sparse code of %,d latents: L0 %.2f (non-zero latents per example); %,d dead latents.",
                        s.latents(), s.l0(), s.deadLatents()));
                charts.add(new Figure(DiagnosticCharts.featureDensity(s, evaluation.examples(), 2 * HALF, HEIGHT), "feature density",
                        "Latents per decade of firing density on the held-out rows (1e-3 holds [0.001, 0.01)); grey: latents that never fired.", false,
                        true));
            }
        }
        // an ARD prior says which dimensions it uses, against its own fitted variances rather than N(0, 1)
        if (evaluation.relevance() != null) page.paragraph(evaluation.relevance().summary().strip());
        boolean continuous = latent instanceof GaussianDiagnostics || latent instanceof CodeActivity;
        if (continuous && heldOut != null) charts.add(latentView(model, heldOut, latent instanceof GaussianDiagnostics));
        page.figures(charts);
    }

    /** The PCA of the code vectors (posterior means) of the held-out rows, coloured by class when there are labels. */
    private static Figure latentView(LatentModel model, Dataset heldOut, boolean posterior) throws IOException {
        float[] z;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            z = model.encode(heldOut.features(), Runs.condition(model, heldOut.hasLabels() ? heldOut.labels() : null)).vector().contiguous().toArray();
        }
        int n = heldOut.size(), l = z.length / n;
        double[] x = new double[n], y = new double[n];
        String xLabel, yLabel, caption;
        if (l == 1) {
            for (int i = 0; i < n; i++) x[i] = z[i];
            xLabel = "z";
            yLabel = "(none: a one-dimensional code)";
            caption = "The one-dimensional code of each held-out row.";
        } else {
            PcaTransform pca = PcaTransform.fit(z, n, l, 2, false, new Rng(0));
            float[] p = new float[n * 2];
            pca.apply(z, 0, n, p, 0);
            double total = 0, first = 0, second = 0;
            double[] mean = new double[l];
            for (int i = 0; i < n; i++) for (int j = 0; j < l; j++) mean[j] += z[i * l + j] / (double) n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < l; j++) total += (z[i * l + j] - mean[j]) * (z[i * l + j] - mean[j]);
                x[i] = p[2 * i];
                y[i] = p[2 * i + 1];
                first += x[i] * x[i];
                second += y[i] * y[i];
            }
            xLabel = String.format(Locale.ROOT, "PC 1 (%.0f%% of the variance)", total > 0 ? 100 * first / total : 0);
            yLabel = String.format(Locale.ROOT, "PC 2 (%.0f%%)", total > 0 ? 100 * second / total : 0);
            caption = "The first two principal components of the " + (posterior ? "posterior means" : "codes") + " of " + n + " held-out rows"
                    + (heldOut.hasLabels() ? ", coloured by class." : ".");
        }
        List<String> groups = new ArrayList<>();
        int[] group = new int[n];
        if (heldOut.hasLabels()) {
            int classes = 0;
            for (int label : heldOut.labels()) classes = Math.max(classes, label + 1);
            boolean fashion = heldOut.name().startsWith(FashionMnist.WORD) && classes <= FashionMnist.CLASS_NAMES.size();
            for (int c = 0; c < classes; c++) groups.add(fashion ? FashionMnist.CLASS_NAMES.get(c) : "class " + c);
            group = heldOut.labels();
        } else {
            groups.add("held-out rows");
        }
        byte[] png = ReportCharts.scatter(posterior ? "Latent means (PCA)" : "Codes (PCA)", xLabel, yLabel, groups, x, y, group, HALF, HEIGHT);
        return Figure.chart(png, "PCA of the latent means", caption);
    }

    private static byte[] dimensionBars(String title, String yLabel, double[] values, double[] activity, double threshold) throws IOException {
        List<String> labels = new ArrayList<>();
        boolean[] active = new boolean[values.length];
        for (int u = 0; u < values.length; u++) {
            labels.add(String.valueOf(u));
            active[u] = activity[u] > threshold;
        }
        return ReportCharts.bars(title, "latent dimension", yLabel, labels, values, active, "active", "inactive", false, HALF, HEIGHT);
    }

    private static void pictureSection(HtmlReport page, LatentModel model, ModelStore.DataPreprocessing prep, Dataset heldOut,
                                       EvaluationReport evaluation, long seed) throws IOException {
        boolean samples = model instanceof PriorSampling;
        boolean traversals = evaluation == null || evaluation.latent() instanceof GaussianDiagnostics || evaluation.latent() instanceof CodeActivity;
        page.section("pictures", samples && traversals ? "Samples, reconstructions and traversals" : samples ? "Samples and reconstructions"
                : traversals ? "Reconstructions and traversals" : "Reconstructions");
        List<Figure> figures = new ArrayList<>();
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            boolean binarized = prep.binarization() != org.latent4j.core.data.Binarization.NONE;
            figures.add(Figure.grid(Runs.gridPng(prep, Runs.reconstructionPairs(model, prep, heldOut, 32, 16), 16), "reconstructions",
                    "Held-out rows" + (binarized ? " (binarized, as the model sees them)" : "") + " above, their reconstructions (the decoder's mean) below."));
            if (samples) {
                boolean conditional = model.conditionClasses() > 0;
                figures.add(new Figure(Runs.gridPng(prep, Runs.samples(model, prep, conditional ? 8 : 64, seed), 8), "samples", conditional
                        ? "Samples from the prior, decoded: 8 of each class, one class per row." : "64 samples from the prior, decoded (the likelihood's mean).",
                        true, false));
            }
            if (traversals) {
                TraverseCommand.Traversals t = TraverseCommand.traversals(model, prep, heldOut, 0, 8, 9, 3);
                figures.add(new Figure(Runs.gridPng(prep, t.pictures(), 9), "traversals", "Traversals of the first held-out row: one row per latent "
                        + "dimension (the most active first: " + Arrays.toString(t.dimensions()) + "), set to 9 values from -3 to 3, the others kept.", true,
                        false));
            }
        }
        page.figures(figures);
    }

    private static void anomalySection(HtmlReport page, Path file) throws IOException {
        page.section("anomaly", "Anomaly detection (ROC)");
        Json.Cursor a;
        double[] fpr, tpr;
        double auroc, auprc;
        try {
            a = Json.at(Json.readFile(file), file.toString());
            fpr = a.get("fpr").asDoubleArray();
            tpr = a.get("tpr").asDoubleArray();
            auroc = a.get("auroc").asDouble();
            auprc = a.get("auprc").asDouble();
            if (fpr.length != tpr.length || fpr.length < 2) throw new JsonException(file + ": fpr and tpr must be two lists of the same length, at least 2");
        } catch (JsonException e) {
            page.note(Tone.BAD, ANOMALY_FILE + " could not be read: " + Main.oneLine(e.getMessage()));
            return;
        }
        double thresholdFpr = a.has("thresholdFpr") && !a.get("thresholdFpr").isNull() ? a.get("thresholdFpr").asDouble() : Double.NaN;
        double thresholdTpr = Double.NaN;
        if (Double.isFinite(thresholdFpr)) {
            // the curve's best true positive rate at no more than the threshold's false positive rate
            for (int i = 0; i < fpr.length; i++) if (fpr[i] <= thresholdFpr + 1e-12) thresholdTpr = Double.isNaN(thresholdTpr) ? tpr[i] : Math.max(thresholdTpr, tpr[i]);
        }
        List<List<String>> rows = new ArrayList<>();
        for (String key : List.of("score", "k", "data", "normal", "rows", "anomalies", "auroc", "auprc", "threshold", "thresholdFpr")) {
            if (a.has(key)) rows.add(List.of(key, show(a.get(key).value())));
        }
        if (Double.isFinite(thresholdTpr)) rows.add(List.of("true positive rate at the threshold", num(thresholdTpr)));
        page.paragraph(String.format(Locale.ROOT, "From %s, written by latent4j score: AUROC %.4f, AUPRC %.4f.", ANOMALY_FILE, auroc, auprc));
        page.table(List.of("", "value"), rows);
        page.figures(List.of(Figure.chart(ReportCharts.roc("ROC curve", fpr, tpr, auroc, thresholdFpr, thresholdTpr, HALF, HEIGHT), "ROC curve",
                "Anomalies are the positives; the diagonal is a random score.")));
    }

    // ---------------------------------------------------------------- reading the run's files

    private static Json.Value readJson(Path file) throws IOException {
        if (!Files.exists(file)) return null;
        try {
            return Json.readFile(file);
        } catch (JsonException e) {
            throw new IOException(file + ": " + Main.oneLine(e.getMessage()), e);
        }
    }

    /** history.csv: a header row of column names, then one row of numbers per epoch (an empty cell is a missing value). */
    static final class History {
        final List<String> header;
        final List<double[]> rows;

        private History(List<String> header, List<double[]> rows) {
            this.header = header;
            this.rows = rows;
        }

        static History read(Path file) throws IOException {
            if (!Files.exists(file)) return new History(List.of(), List.of());
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) return new History(List.of(), List.of());
            List<String> header = List.of(lines.getFirst().strip().split(",", -1));
            List<double[]> rows = new ArrayList<>();
            for (int r = 1; r < lines.size(); r++) {
                String line = lines.get(r).strip();
                if (line.isEmpty()) continue;
                String[] cells = line.split(",", -1);
                double[] row = new double[header.size()];
                for (int c = 0; c < row.length; c++) {
                    String cell = c < cells.length ? cells[c].strip() : "";
                    try {
                        row[c] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new IOException(file + ": line " + (r + 1) + ", column " + header.get(c) + ": '" + cell + "' is not a number");
                    }
                }
                rows.add(row);
            }
            return new History(header, rows);
        }

        double[] column(String name) {
            int c = header.indexOf(name);
            double[] out = new double[rows.size()];
            for (int r = 0; r < out.length; r++) out[r] = c < 0 ? Double.NaN : rows.get(r)[c];
            return out;
        }

        boolean hasValues(String name) {
            for (double v : column(name)) if (Double.isFinite(v)) return true;
            return false;
        }

        boolean allZero(String name) {
            for (double v : column(name)) if (Double.isFinite(v) && v != 0) return false;
            return true;
        }

        boolean constant(String name) {
            double first = Double.NaN;
            for (double v : column(name)) {
                if (!Double.isFinite(v)) continue;
                if (Double.isNaN(first)) first = v;
                else if (v != first) return false;
            }
            return rows.size() > 1;
        }

        double last(String name) {
            double[] c = column(name);
            return c.length == 0 ? Double.NaN : c[c.length - 1];
        }

        double sum(String name) {
            double s = 0;
            for (double v : column(name)) s += v;
            return s;
        }
    }

    // ---------------------------------------------------------------- JSON and text helpers

    /** The member at a path of keys, or null where the path does not lead. */
    private static Json.Value at(Json.Value v, String... path) {
        for (String key : path) {
            if (!(v instanceof Json.Obj o)) return null;
            v = o.get(key);
        }
        return v instanceof Json.Null ? null : v;
    }

    private static String text(Json.Value v) {
        return switch (v) {
            case null -> null;
            case Json.Str s -> s.value();
            default -> show(v);
        };
    }

    private static double number(Json.Value v) {
        return switch (v) {
            case null -> Double.NaN;
            case Json.Int i -> i.value();
            case Json.Real r -> r.value();
            default -> Double.NaN;
        };
    }

    /** A JSON value as one short line: numbers to 4 significant digits, objects as key=value lists. */
    private static String show(Json.Value v) {
        return switch (v) {
            case null -> "";
            case Json.Null n -> "none";
            case Json.Str s -> s.value();
            case Json.Int i -> String.valueOf(i.value());
            case Json.Real r -> num(r.value());
            case Json.Bool b -> b.value() ? "yes" : "no";
            case Json.Arr a -> a.items().size() > 12 ? "[" + a.items().size() + " values]"
                    : "[" + String.join(", ", a.items().stream().map(ReportCommand::show).toList()) + "]";
            case Json.Obj o -> String.join(", ", o.members().entrySet().stream().map(e -> e.getKey() + "=" + show(e.getValue())).toList());
        };
    }

    private static void add(List<String[]> facts, String name, Json.Value v) {
        if (v != null) facts.add(new String[] {name, show(v)});
    }

    /**
     * The scalars of a JSON object as table rows named by their path; an estimate ({mean, standardError, count}) is one
     * row "mean ± se (n = count)"; lists longer than a few values (charted elsewhere) and paragraphs are left out.
     */
    private static void flatten(String prefix, Json.Value v, List<List<String>> rows) {
        if (v instanceof Json.Obj o) {
            if (o.members().containsKey("mean") && o.members().containsKey("standardError")) {
                Json.Value se = o.get("standardError"), count = o.get("count");
                rows.add(List.of(prefix, num(number(o.get("mean"))) + (se instanceof Json.Null || se == null ? "" : " \u00b1 " + num(number(se)))
                        + (count == null ? "" : " (n = " + show(count) + ")")));
                return;
            }
            for (var m : o.members().entrySet()) {
                if (m.getKey().equals("summary") || m.getKey().equals("description")) continue;
                flatten(prefix.isEmpty() ? words(m.getKey()) : prefix + " \u203a " + words(m.getKey()), m.getValue(), rows);
            }
        } else if (v instanceof Json.Arr a) {
            if (a.items().size() <= 8 && a.items().stream().noneMatch(i -> i instanceof Json.Obj)) rows.add(List.of(prefix, show(v)));
        } else {
            rows.add(List.of(prefix, show(v)));
        }
    }

    /** "standardError" as "standard error", for a table a person reads. */
    private static String words(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.format(Locale.ROOT, "%d", (long) v);
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.3e", v).replaceAll("\\.?0+e", "e");
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
    }

    private static String duration(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        if (seconds < 3600) return String.format(Locale.ROOT, "%d min %02d s", (long) seconds / 60, (long) seconds % 60);
        return String.format(Locale.ROOT, "%d h %02d min", (long) seconds / 3600, (long) seconds % 3600 / 60);
    }

    /** An ISO instant as "2026-12-03 14:39:52 UTC". */
    private static String time(String iso) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    private static List<String> nonNull(String... items) {
        List<String> out = new ArrayList<>();
        for (String s : items) if (s != null) out.add(s);
        return out;
    }
}
