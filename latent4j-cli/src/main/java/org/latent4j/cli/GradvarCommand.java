package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.report.ProgressBar;
import org.latent4j.cli.report.ReportCharts;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.estimator.GradientEstimator;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.eval.GradientVariance;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j gradvar RUN}: the variance and signal-to-noise ratio of a trained model's stochastic gradient
 * ({@link GradientVariance}), per group of parameters, for one or several gradient estimators and numbers of samples k,
 * as a table, {@value #JSON_FILE} and {@value #PNG_FILE}.
 */
public final class GradvarCommand implements Command {
    static final String JSON_FILE = "gradvar.json", PNG_FILE = "gradvar.png";
    static final List<String> VALUED = List.of("estimator", "k", "draws", "batch", "data", "seed", "out");
    static final int DEFAULT_DRAWS = 100, DEFAULT_BATCH = 16;
    /** The config keys the command overrides: the estimator's name and the number of samples (VaeConfig's, and any config that follows it). */
    static final String ESTIMATOR_KEY = "estimator", SAMPLES_KEY = "samples";
    /** Work (draws x k x rows) above which the sweep shows a progress bar. */
    private static final long PROGRESS_BAR_WORK = 200_000;

    @Override
    public String name() {
        return "gradvar";
    }

    @Override
    public String summary() {
        return "measure the variance and signal-to-noise ratio of a trained model's gradient, per estimator and k";
    }

    @Override
    public String help() {
        return """
                usage: latent4j gradvar RUN [options]

                Measures how noisy the gradient of the model in the run directory RUN is: at its trained parameters
                and a fixed batch of its held-out rows, draws the gradient of its training loss S times (each draw
                with new random numbers: new latent samples) and reports, per group of parameters (the whole model,
                each top-level module such as encoder and decoder, and each layer), over the group's elements g_i:
                  mean^2     the mean squared gradient mean, (1/n) sum E[g_i]^2
                  variance   the mean variance, (1/n) sum Var[g_i]
                  snr        the signal-to-noise ratio of Rainforth et al. (2018): |E[g_i]| / std[g_i] per element,
                             averaged over the group's elements (those without any noise are left out)
                  norm-snr   ||E[g]|| / sqrt(sum Var[g_i]): the group's mean gradient against its noise as wholes
                The means are estimated from S draws: mean^2 (and so norm-snr) without the bias of a sample mean's
                square; snr is the plain |mean| / std of Rainforth et al., for which an element without any signal
                measures about sqrt(2 / (pi S)) (0.08 at S = 100): snr values near that floor say little.
                The loss is taken with its schedules at their end (full KL weight, final temperature), as evaluation
                sees it. With several k it fits the slope of log snr against log k per group (Rainforth et al.: about
                -0.5 for an IWAE's encoder, +0.5 for its decoder; DReG's encoder does not fall).

                Writes a table to standard output, and %s (every number) and %s (snr and variance against
                k per module, log-log) into --out, atomically.

                options:
                  --estimator E[,E...]  the gradient estimator(s) to measure, by the names of latent4j train
                                        --estimator (default: the one the run trained with)
                  --k K[,K...]          the number of samples per example (the config's samples, the k of an
                                        IWAE's bound), e.g. 1,10,100,1000 for a sweep (default: the run's own)
                  --draws S             gradients drawn at each point (default %d)
                  --batch B             held-out rows in the fixed batch (default %d; the first B)
                  --data SOURCE         take the rows from other data (as for latent4j eval --data)
                  --seed N              seed of the draws (default 0)
                  --out DIR             where to write the files (default RUN)
                """.formatted(JSON_FILE, PNG_FILE, DEFAULT_DRAWS, DEFAULT_BATCH);
    }

    /** One measured point: an estimator at a k. */
    record Point(String estimator, int k, GradientVariance.Measurement measurement) {}

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("gradvar", args, Set.of(), Set.copyOf(VALUED));
        String run = o.onePositional("run directory");
        int draws = o.integer("draws", DEFAULT_DRAWS, 2, 10_000_000);
        int batchRows = o.integer("batch", DEFAULT_BATCH, 1, 1_000_000);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        ModelStore.Saved saved = Runs.loadRun(run);
        LatentModel trained = saved.model();
        Json.Obj config = (Json.Obj) saved.config().config();
        List<String> estimatorPath = pathOf(config, ESTIMATOR_KEY), samplesPath = pathOf(config, SAMPLES_KEY);
        String kind = trained.kind();

        List<String> estimators;
        if (o.has("estimator")) {
            if (estimatorPath == null) {
                throw new UsageException("gradvar: --estimator does not apply to the " + kind + " model in " + run + ": its config names no gradient estimator");
            }
            estimators = estimatorNames(o.string("estimator", null), ((Json.Str) valueAt(config, estimatorPath)).value());
        } else {
            estimators = estimatorPath == null ? List.of("") : List.of(((Json.Str) valueAt(config, estimatorPath)).value());
        }
        int[] ks;
        if (o.has("k")) {
            if (samplesPath == null) {
                throw new UsageException("gradvar: --k does not apply to the " + kind + " model in " + run + ": its config has no number of samples");
            }
            ks = o.integers("k", null, 1, 1_000_000);
            if (new LinkedHashSet<>(java.util.Arrays.stream(ks).boxed().toList()).size() != ks.length) {
                throw new UsageException("gradvar: --k lists a value twice: " + o.string("k", null));
            }
        } else {
            ks = new int[] {samplesPath == null ? 0 : (int) ((Json.Int) valueAt(config, samplesPath)).value()};
        }

        Runs.EvaluationRows rows = Runs.evaluationRows(saved, o.string("data", null), 0);
        Dataset data = rows.data();
        if (batchRows < data.size()) data = data.rows(Runs.firstRows(batchRows), data.name());
        Batch batch = new Batch(data.features(), Runs.condition(trained, data.hasLabels() ? data.labels() : null));
        Path out = Path.of(o.string("out", run));
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UsageException("gradvar: --out " + out + " is not a directory");

        long work = 0;
        for (int k : ks) work += (long) Math.max(1, k) * draws * batch.size();
        long totalDraws = (long) draws * ks.length * estimators.size();
        ProgressBar bar = work * estimators.size() >= PROGRESS_BAR_WORK ? ProgressBar.onStandardError("gradvar", totalDraws, "draws") : null;
        List<Point> points = new ArrayList<>();
        Rng rng = new Rng(seed);
        for (String estimator : estimators) {
            for (int k : ks) {
                LatentModel model = withSettings(saved, config, estimatorPath, estimator, samplesPath, k);
                long before = (long) points.size() * draws;
                ProgressListener listener = bar == null ? ProgressListener.NONE
                        : (done, total) -> bar.update(before + done, label(estimator, k));
                GradientVariance.Measurement m = GradientVariance.measure(model, batch, TrainingProgress.EVALUATION, draws, rng, listener);
                if (m.group(GradientVariance.MODEL).meanVariance() == 0) {
                    if (bar != null) bar.clear();
                    throw new UsageException("gradvar: the gradient of the " + kind + " model in " + run + " is the same on every draw"
                            + (estimatorPath == null ? " (it has no stochastic latents)" : "") + ": it has no variance to measure");
                }
                points.add(new Point(estimator, k, m));
            }
        }
        if (bar != null) bar.finish(String.format(Locale.ROOT, "gradvar: %d points of %d draws in %.1fs", points.size(), draws, bar.elapsedSeconds()));

        List<Slope> slopes = ks.length > 1 ? slopes(points) : List.of();
        System.out.println(run + ": " + kind + ", " + batch.size() + " rows of " + data.name() + " (" + rows.which() + "), " + draws + " draws each, seed " + seed);
        System.out.print(table(points));
        System.out.printf(Locale.ROOT, "(an element without signal measures an snr of about %.3g with %d draws: snr near it is noise; norm-snr is debiased)%n",
                GradientVariance.snrNoiseFloor(draws), draws);
        if (!slopes.isEmpty()) System.out.print(slopeTable(slopes));
        Files.createDirectories(out);
        Json.writeFile(out.resolve(JSON_FILE), json(run, kind, data.name(), batch.size(), draws, seed, points, slopes));
        AtomicFiles.write(out.resolve(PNG_FILE), chart(kind, points));
        System.out.println("wrote " + out.resolve(JSON_FILE) + " and " + out.resolve(PNG_FILE));
        return 0;
    }

    private static String label(String estimator, int k) {
        return (estimator.isEmpty() ? "" : estimator + " ") + (k > 0 ? "k=" + k : "");
    }

    /** The estimators of {@code --estimator}: registered names, or the run's own (which a model may use before its estimator is registered). */
    private static List<String> estimatorNames(String given, String own) {
        Set<String> registered = new LinkedHashSet<>();
        for (GradientEstimator e : GradientEstimators.all()) registered.add(e.name());
        List<String> out = new ArrayList<>();
        for (String part : given.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) throw new UsageException("gradvar: --estimator has an empty name in '" + given + "'");
            if (!registered.contains(name) && !name.equals(own)) {
                throw new UsageException("gradvar: unknown gradient estimator '" + name + "' (registered: "
                        + (registered.isEmpty() ? "none" : String.join(", ", registered)) + ")");
            }
            if (out.contains(name)) throw new UsageException("gradvar: --estimator names " + name + " twice");
            out.add(name);
        }
        return out;
    }

    /**
     * The run's model with its config's estimator and samples replaced (through their JSON keys, so any kind whose config
     * names them takes them), and the run's trained weights; the model's refusal of a setting is a usage error.
     */
    private static LatentModel withSettings(ModelStore.Saved saved, Json.Obj config, List<String> estimatorPath, String estimator,
                                            List<String> samplesPath, int k) {
        Json.Obj changed = config;
        if (estimatorPath != null) changed = replaced(changed, estimatorPath, 0, new Json.Str(estimator));
        if (samplesPath != null && k > 0) changed = replaced(changed, samplesPath, 0, new Json.Int(k));
        if (changed.equals(config)) return saved.model();
        ModelKind<?> kind = ModelKinds.get(saved.config().kind());
        LatentModel model;
        try {
            Record record = Json.fromJson(changed, kind.configType(), "the config of " + saved.directory() + " with " + label(estimator, k));
            model = kind.createFrom(record, new Rng(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException("gradvar: the " + kind.name() + " model in " + saved.directory() + " cannot take " + label(estimator, k).strip() + ": "
                    + Main.oneLine(e.getMessage()));
        }
        model.loadState(saved.model().namedState());
        return model;
    }

    /** The path of keys to the first member named {@code key}, at the top level first, then depth-first in nested objects; null when there is none. */
    static List<String> pathOf(Json.Obj object, String key) {
        if (object.members().containsKey(key)) return List.of(key);
        for (var e : object.members().entrySet()) {
            if (e.getValue() instanceof Json.Obj child) {
                List<String> below = pathOf(child, key);
                if (below != null) {
                    List<String> path = new ArrayList<>();
                    path.add(e.getKey());
                    path.addAll(below);
                    return path;
                }
            }
        }
        return null;
    }

    private static Json.Value valueAt(Json.Obj object, List<String> path) {
        Json.Value v = object;
        for (String key : path) v = ((Json.Obj) v).members().get(key);
        return v;
    }

    private static Json.Obj replaced(Json.Obj object, List<String> path, int depth, Json.Value value) {
        Map<String, Json.Value> members = new LinkedHashMap<>(object.members());
        String key = path.get(depth);
        members.put(key, depth == path.size() - 1 ? value : replaced((Json.Obj) members.get(key), path, depth + 1, value));
        return new Json.Obj(members);
    }

    private static String table(List<Point> points) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %6s  %-24s %9s %12s %12s %10s %10s%n", "estimator", "k", "group", "elements", "mean^2", "variance", "snr",
                "norm-snr"));
        for (Point p : points) {
            for (GradientVariance.GroupStatistics g : p.measurement().groups()) {
                String name = g.level() == GradientVariance.Level.LAYER ? "  " + g.name() : g.name();
                sb.append(String.format(Locale.ROOT, "%-10s %6s  %-24s %9d %12.4g %12.4g %10.4g %10.4g%n", p.estimator().isEmpty() ? "-" : p.estimator(),
                        p.k() > 0 ? Integer.toString(p.k()) : "-", name, g.elements(), g.meanSquaredMean(), g.meanVariance(), g.snr(), g.normSnr()));
            }
        }
        return sb.toString();
    }

    /**
     * The least-squares slope of log(statistic) against log(k) for one estimator and group, over the points where the
     * statistic is finite and positive (NaN with fewer than two).
     */
    record Slope(String estimator, String group, GradientVariance.Level level, double snr, double normSnr, double variance, double meanSquaredMean) {}

    static List<Slope> slopes(List<Point> points) {
        Map<String, List<Point>> byEstimator = new LinkedHashMap<>();
        for (Point p : points) byEstimator.computeIfAbsent(p.estimator(), e -> new ArrayList<>()).add(p);
        List<Slope> out = new ArrayList<>();
        for (var e : byEstimator.entrySet()) {
            List<Point> ps = e.getValue();
            for (GradientVariance.GroupStatistics g : ps.getFirst().measurement().groups()) {
                if (g.level() == GradientVariance.Level.LAYER) continue;
                double[] k = new double[ps.size()], snr = new double[ps.size()], norm = new double[ps.size()], var = new double[ps.size()],
                        sq = new double[ps.size()];
                for (int i = 0; i < ps.size(); i++) {
                    GradientVariance.GroupStatistics s = ps.get(i).measurement().group(g.name());
                    k[i] = ps.get(i).k();
                    snr[i] = s.snr();
                    norm[i] = s.normSnr();
                    var[i] = s.meanVariance();
                    sq[i] = s.meanSquaredMean();
                }
                out.add(new Slope(e.getKey(), g.name(), g.level(), logLogSlope(k, snr), logLogSlope(k, norm), logLogSlope(k, var), logLogSlope(k, sq)));
            }
        }
        return out;
    }

    static double logLogSlope(double[] x, double[] y) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] > 0 && y[i] > 0 && Double.isFinite(y[i]))) continue;
            double lx = Math.log(x[i]), ly = Math.log(y[i]);
            sx += lx;
            sy += ly;
            sxx += lx * lx;
            sxy += lx * ly;
            n++;
        }
        double denominator = n * sxx - sx * sx;
        return n < 2 || denominator == 0 ? Double.NaN : (n * sxy - sx * sy) / denominator;
    }

    private static String slopeTable(List<Slope> slopes) {
        StringBuilder sb = new StringBuilder("\nslope of log(statistic) against log(k), least squares over the k given:\n");
        sb.append(String.format(Locale.ROOT, "%-10s %-24s %9s %9s %9s %9s%n", "estimator", "group", "snr", "norm-snr", "variance", "mean^2"));
        for (Slope s : slopes) {
            sb.append(String.format(Locale.ROOT, "%-10s %-24s %9.3f %9.3f %9.3f %9.3f%n", s.estimator().isEmpty() ? "-" : s.estimator(), s.group(), s.snr(),
                    s.normSnr(), s.variance(), s.meanSquaredMean()));
        }
        return sb.toString();
    }

    private static Json.Value json(String run, String kind, String data, int rows, int draws, long seed, List<Point> points, List<Slope> slopes) {
        Map<String, Json.Value> m = new LinkedHashMap<>();
        m.put("run", new Json.Str(Path.of(run).toAbsolutePath().normalize().toString()));
        m.put("model", new Json.Str(kind));
        m.put("data", new Json.Str(data));
        m.put("rows", new Json.Int(rows));
        m.put("draws", new Json.Int(draws));
        m.put("seed", new Json.Int(seed));
        m.put("snr_noise_floor", new Json.Real(GradientVariance.snrNoiseFloor(draws)));
        Map<String, Json.Value> definitions = new LinkedHashMap<>();
        definitions.put("mean_squared_mean", new Json.Str("(1/n) sum_i E[g_i]^2 over the group's n gradient elements, estimated as (1/n) sum_i "
                + "(m_i^2 - Var[g_i] / S) (at least 0): the square of a sample mean m_i of S draws exceeds E[g_i]^2 by Var[g_i] / S on average"));
        definitions.put("mean_variance", new Json.Str("(1/n) sum_i Var[g_i], the variance over the draws with denominator S - 1"));
        definitions.put("snr", new Json.Str("Rainforth et al. (2018): |E[g_i]| / std[g_i] per element, estimated as |m_i| / s_i, averaged over the "
                + "elements whose variance is not 0; an element without signal measures snr_noise_floor = sqrt(2 / (pi S)) on average"));
        definitions.put("norm_snr", new Json.Str("||E[g]|| / sqrt(sum_i Var[g_i]) over the group = sqrt(mean_squared_mean / mean_variance), debiased"));
        definitions.put("snr_noise_floor", new Json.Str("sqrt(2 / (pi S)): the mean of |m| / s for an element whose gradient has no signal"));
        definitions.put("slope", new Json.Str("least-squares slope of log(statistic) against log(k) over the points where it is finite and positive"));
        m.put("definitions", new Json.Obj(definitions));
        List<Json.Value> ps = new ArrayList<>();
        for (Point p : points) {
            Map<String, Json.Value> pm = new LinkedHashMap<>();
            pm.put("estimator", p.estimator().isEmpty() ? Json.NULL : new Json.Str(p.estimator()));
            pm.put("k", p.k() > 0 ? new Json.Int(p.k()) : Json.NULL);
            pm.put("groups", Json.at(p.measurement().toJson(), "").get("groups").value());
            ps.add(new Json.Obj(pm));
        }
        m.put("points", new Json.Arr(ps));
        List<Json.Value> ss = new ArrayList<>();
        for (Slope s : slopes) {
            Map<String, Json.Value> sm = new LinkedHashMap<>();
            sm.put("estimator", s.estimator().isEmpty() ? Json.NULL : new Json.Str(s.estimator()));
            sm.put("group", new Json.Str(s.group()));
            sm.put("level", new Json.Str(s.level().label()));
            sm.put("snr", number(s.snr()));
            sm.put("norm_snr", number(s.normSnr()));
            sm.put("mean_variance", number(s.variance()));
            sm.put("mean_squared_mean", number(s.meanSquaredMean()));
            ss.add(new Json.Obj(sm));
        }
        m.put("slopes", new Json.Arr(ss));
        return new Json.Obj(m);
    }

    private static Json.Value number(double v) {
        return Double.isFinite(v) ? new Json.Real(v) : Json.NULL;
    }

    /** SNR and variance against k, one line per estimator and top-level module; with one k, against the modules instead. */
    private static byte[] chart(String kind, List<Point> points) throws IOException {
        List<ReportCharts.Line> snr = new ArrayList<>(), variance = new ArrayList<>();
        Map<String, List<Point>> byEstimator = new LinkedHashMap<>();
        for (Point p : points) byEstimator.computeIfAbsent(p.estimator(), e -> new ArrayList<>()).add(p);
        for (var e : byEstimator.entrySet()) {
            List<Point> ps = e.getValue();
            for (GradientVariance.GroupStatistics g : ps.getFirst().measurement().groups(GradientVariance.Level.MODULE)) {
                double[] k = new double[ps.size()], s = new double[ps.size()], v = new double[ps.size()];
                for (int i = 0; i < ps.size(); i++) {
                    GradientVariance.GroupStatistics gi = ps.get(i).measurement().group(g.name());
                    k[i] = Math.max(1, ps.get(i).k());
                    s[i] = gi.snr();
                    v[i] = gi.meanVariance();
                }
                String name = (e.getKey().isEmpty() ? "" : e.getKey() + " ") + g.name();
                snr.add(new ReportCharts.Line(name, k, s));
                variance.add(new ReportCharts.Line(name, k, v));
            }
        }
        // a colour per module, a stroke per estimator
        List<String> modules = new ArrayList<>(), estimators = new ArrayList<>(byEstimator.keySet());
        for (GradientVariance.GroupStatistics g : points.getFirst().measurement().groups(GradientVariance.Level.MODULE)) modules.add(g.name());
        java.util.function.ToIntFunction<String> colour = name -> modules.indexOf(name.substring(name.lastIndexOf(' ') + 1));
        java.util.function.ToIntFunction<String> stroke = name -> name.contains(" ") ? estimators.indexOf(name.substring(0, name.indexOf(' '))) : 0;
        return ReportCharts.logLogPanels(List.of(kind + ": gradient SNR (Rainforth et al.)", kind + ": gradient variance"), "k (samples per example)",
                List.of("mean of |E[g]| / std[g] over elements", "mean variance per element"), List.of(snr, variance), colour, stroke, ReportCharts.WIDTH,
                ReportCharts.HEIGHT);
    }
}
