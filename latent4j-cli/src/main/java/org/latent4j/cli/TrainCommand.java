package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.report.ConsoleProgress;
import org.latent4j.cli.report.DiagnosticCharts;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.distributions.BernoulliLikelihood;
import org.latent4j.core.estimator.GradientEstimator;
import org.latent4j.core.estimator.GradientEstimators;
import org.latent4j.core.estimator.LatentFamily;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.Capability;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.ModelOption;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.PriorSampling;
import org.latent4j.core.train.EpochRecord;
import org.latent4j.core.train.OptimizerSettings;
import org.latent4j.core.train.RunDirectoryInUseException;
import org.latent4j.core.train.StepInfo;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingDivergedException;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.optim.LearningRateSchedule;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j train}: trains a model of any registered kind ({@link ModelKinds}) and writes a run directory. The
 * trainer's options are this command's; the model's options are its kind's ({@link ModelKind#options()}), so a kind
 * added to the registry appears here, in its help and in its checks, without an edit here.
 */
public final class TrainCommand implements Command {
    /** The options file a run keeps, so that {@code --resume} rebuilds the same model and data. */
    static final String ARGUMENTS_FILE = "train-arguments.json";

    private static final Set<String> FLAGS = Set.of();
    /** The options of the command itself (data, trainer, evaluation, output); the model options come from the kinds. */
    private static final List<String> COMMAND_OPTIONS = List.of("model", "data", "label-column", "test", "limit", "epochs", "batch", "lr", "schedule",
            "optimizer", "weight-decay", "momentum", "patience", "checkpoint-every", "checkpoint-minutes", "binarize", "standardize", "seed", "out",
            "resume", "nll-k", "eval-limit", "json", "gradvar-every", "gradvar-draws");

    private static final String CONSTANT = "constant", COSINE = "cosine", IWAE_SCHEDULE = "iwae";
    private static final List<String> SCHEDULES = List.of(CONSTANT, COSINE, IWAE_SCHEDULE);
    private static final String DEFAULT_KIND = "vae";

    /** Every option train reads: its own and every registered kind's. */
    static Set<String> valued() {
        Set<String> all = new LinkedHashSet<>(COMMAND_OPTIONS);
        for (ModelOption o : ModelKinds.options()) all.add(o.name());
        return all;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train an autoencoder of any kind (" + String.join(", ", ModelKinds.names()) + ") and write a run directory";
    }

    @Override
    public String help() {
        StringBuilder kinds = new StringBuilder();
        for (ModelKind<?> k : ModelKinds.all()) {
            kinds.append(String.format(Locale.ROOT, "  %-10s %s%n", k.name(), k.summary()));
            kinds.append(Help.wrap("options: " + String.join(", ", k.options().stream().map(o -> "--" + o.name()).toList())
                    + "; can: " + String.join(", ", k.capabilities().stream().sorted().map(Capability::word).toList()), 13));
        }
        StringBuilder estimators = new StringBuilder();
        for (GradientEstimator e : GradientEstimators.all()) {
            String families = String.join(", ", e.families().stream().sorted().map(LatentFamily::label).toList());
            estimators.append(String.format(Locale.ROOT, "  %-10s for %s latents%n", e.name(), families));
            estimators.append(Help.wrap(e.summary() + " (" + e.reference() + ")", 13));
        }
        StringBuilder options = new StringBuilder();
        for (ModelOption o : ModelKinds.options()) options.append(Help.option("--" + o.name() + " " + o.valueName(), o.help()));
        return """
                usage: latent4j train [options]

                Trains a model and writes a run directory holding the model (model.safetensors, config.json,
                metrics.json), history.csv (with a column per metric the model reports), the last checkpoint and,
                for image data, reconstructions.png and (for a model that samples) samples.png; for discrete codes,
                codebook-usage.png (each code's count on the held-out rows, sorted, log scale); for sparse codes,
                feature-density.png (latents per decade of firing density on the held-out rows); and report.html,
                the run's self-contained HTML report (see latent4j report --help). The metrics are
                measured on held-out data: NLL by importance sampling (models with a likelihood bound), and the
                diagnostics of the model's kind of code (active units and mutual information, codebook usage, ...).

                model kinds (--model):
                %s
                An option a model kind does not take (e.g. --beta for iwae, --k for ae) is refused, not ignored.

                gradient estimators (--estimator, for the kinds whose latents they serve):
                %s
                data and training:
                  --model KIND            the model kind (default vae)
                  --data SOURCE           embedded (default: the embedded Fashion-MNIST test split, 1,000 rows held
                                          out for evaluation), fashion-mnist (the installed full set: train on the
                                          training split, evaluate on the test split), a DIR of IDX files, or a FILE
                                          of vectors: .npy (float32/float64/uint8...), .csv (numbers, header
                                          optional), .fvecs, or an IDX file (.idx, .idx.gz, *-idx3-ubyte[.gz]);
                                          a tenth of a file (at most 1,000 rows, chosen by the file, not the
                                          seed) is held out for evaluation; paths are saved absolute
                  --label-column C        a CSV file's class column, by header name or number (from 1): taken out
                                          of the features and used as labels (whole numbers from 0 are the
                                          classes; other labels are classes numbered in order of first
                                          appearance, the names saved with the run)
                  --test FILE             a separate file of held-out rows (the same columns), evaluated at the
                                          end; the --data file then trains on all its rows
                  --limit N               train on the first N rows only (default: all)
                  --epochs N              passes over the training rows (default 50)
                  --batch N               rows per step (default 128)
                  --optimizer NAME        adam (default), adamw (decoupled weight decay, default 0.01) or sgd
                  --weight-decay W        the optimizer's weight decay (default 0; 0.01 for adamw)
                  --momentum M            sgd's momentum (default 0)
                  --lr RATE               the learning rate, the peak of cosine (default 0.001)
                  --schedule NAME         the learning rate over training: constant (default), cosine (from --lr down
                                          to 0 over --epochs, step by step) or iwae (the IWAE paper's: 3^i epochs at
                                          0.001 * 10^(-i/7), i = 0..7, with Adam's eps 1e-4; all of it takes
                                          --epochs 3280; it sets its own rates, so takes no --lr)
                  --patience N            stop early after N epochs without a lower validation loss (validation
                                          holds out 10%% of the training rows; default 0 = off)
                  --checkpoint-every N    checkpoint after every N epochs (default 1; 0 = by --checkpoint-minutes
                                          only); the last epoch is always checkpointed
                  --checkpoint-minutes M  also checkpoint once M minutes have passed since the last checkpoint
                                          (default 0 = off)
                  --binarize MODE         none, dynamic or static (default dynamic for a Bernoulli likelihood: a
                                          fresh Bernoulli sample of the pixels for every batch; none otherwise)
                  --standardize yes|no    scale each feature to mean 0 and standard deviation 1 with the training
                                          rows' statistics, saved with the model and applied again at evaluation
                                          (default yes for data outside [0, 1], which then get a Gaussian
                                          likelihood; no for intensities in [0, 1])
                  --seed N                the one seed of the run (default 0)
                  --out DIR               the run directory (default runs/MODEL-YYYYMMDD-HHMMSS); must not exist
                  --resume DIR            continue the run in DIR from its last checkpoint, with its options
                                          (--epochs may be raised to train longer)
                  --gradvar-every N       every N steps, before the step, measure the gradient's variance and its
                                          signal-to-noise ratio per top-level module (encoder, decoder, ...) on the
                                          step's batch, and average each epoch's measurements into history.csv
                                          (gradvar_MODULE_snr, gradvar_MODULE_variance; see latent4j gradvar --help);
                                          training is the same to the bit with or without it (default 0 = off)
                  --gradvar-draws S       gradients drawn per measurement (default 10; each costs about a step)
                  --nll-k N               importance samples of the final NLL estimate (default 100)
                  --eval-limit N          held-out rows evaluated at the end (default 1000)
                  --json FILE             also write the summary as JSON

                model options (each kind takes those listed above):
                %s""".formatted(kinds, estimators, options);
    }

    @Override
    public int run(String[] args) throws Exception {
        Set<String> valued = valued();
        Arguments given = withAbsolutePaths(Arguments.parse("train", args, FLAGS, valued), valued);
        if (!given.positional().isEmpty()) throw new UsageException("train: unexpected argument " + given.positional().get(0) + " (see train --help)");
        Path runDir;
        Arguments o;
        boolean resume = given.has("resume");
        if (resume) {
            runDir = Path.of(given.string("resume", null));
            if (given.has("out")) throw new UsageException("train: give either --resume DIR or --out DIR, not both");
            Map<String, String> saved = savedArguments(runDir, valued);
            refuseChanges(runDir, saved, given);
            o = Arguments.parse("train", merge(saved, given), FLAGS, valued);
        } else {
            o = given;
            String model = o.string("model", DEFAULT_KIND);
            runDir = Path.of(o.string("out", "runs/" + model + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            if (Files.exists(runDir)) throw new UsageException("train: " + runDir + " already exists; choose another --out, or --resume it");
        }
        ModelKind<?> kind = kindOf(o);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        int nllK = o.integer("nll-k", 100, 0, 1_000_000), evalLimit = o.integer("eval-limit", 1000, 1, Integer.MAX_VALUE);
        // the held-out rows and their binarization are the data's (Runs.DATA_SEED), not the run's seed, so runs with other seeds compare
        Runs.DataSource dataSource = new Runs.DataSource(o.string("data", Runs.EMBEDDED), o.integer("limit", 0, 0, Integer.MAX_VALUE), Runs.DATA_SEED,
                o.has("label-column") ? o.string("label-column", null) : null, o.has("test") ? o.string("test", null) : null, List.of());
        Runs.DataSets data = Runs.load(dataSource);
        dataSource = dataSource.withClasses(data.classes());
        Dataset train = data.train();
        // data other than intensities in [0, 1] are standardized by default, with statistics of the training rows only
        boolean standardize = o.choice("standardize", Runs.shape(train).unitInterval() ? "no" : "yes", List.of("yes", "no")).equals("yes");
        Standardizer standardizer = standardize ? Standardizer.fit(train) : null;
        if (standardizer != null) train = standardizer.apply(train);
        // a run that stopped before its first checkpoint (killed, or refused by a check) starts over with its saved options
        boolean startOver = resume && !Trainer.hasCheckpoint(runDir);
        if (startOver) {
            System.out.println("train: " + runDir + " has no checkpoint (its training stopped before the first one): starting it over with its options");
            resume = false;
        }
        // a resumed run rebuilds the model its checkpoint holds, whatever today's defaults of the options it was not given
        var checkpointed = resume ? Trainer.checkpointedModel(runDir) : java.util.Optional.<Trainer.SavedModel>empty();
        // sizes that cannot fit are refused before the model or a batch is allocated, and again with the model's true size
        HeapBudget heap = HeapBudget.of(o, train.dim(), "train: the " + kind.name() + " these options describe");
        heap.check(heap.mlpParameters());
        Record config = checkpointed.isPresent() ? savedConfig(kind, checkpointed.get(), runDir) : configure(kind, o, train);
        LatentModel model;
        try {
            model = kind.createFrom(config, new Rng(seed));
        } catch (org.latent4j.tensor.ShapeException e) {
            throw new UsageException("train: the " + kind.name() + " model these options describe cannot be built: " + Main.oneLine(e.getMessage())
                    + " (smaller --hidden or --latent?)");
        }
        heap.check(model.parameterCount());
        // a conditional model cannot evaluate a class it never saw: found now, not after training
        if (data.test().hasLabels()) Runs.condition(model, data.test().labels());
        Binarization binarization = o.choice("binarize", model.likelihood() instanceof BernoulliLikelihood ? Binarization.DYNAMIC : Binarization.NONE,
                Binarization.class);
        TrainerOptions options = trainerOptions(o, train.size(), binarization);

        System.out.printf(Locale.ROOT, "%s %s: %,d parameters; %s, %,d rows; run directory %s%n", resume ? "resuming" : "training", kind.name(),
                model.parameterCount(), train.name(), train.size(), runDir);
        Map<String, String> kept = new LinkedHashMap<>(o.values());
        kept.remove("json");
        Path argumentsFile = runDir.resolve(ARGUMENTS_FILE);
        if (!resume) {
            Files.createDirectories(runDir);
            Json.writeFile(argumentsFile, Json.toJson(kept));
        }
        TrainingResult result;
        long start = System.nanoTime();
        // a resume that raised --epochs keeps the new count for the next resume, but only once the trainer
        // has accepted the checkpoint: a refused resume leaves the file as it was
        StartWatch progress = new StartWatch(ConsoleProgress.onStandardError(),
                resume ? () -> Json.writeFile(argumentsFile, Json.toJson(kept)) : null);
        try {
            result = resume ? Trainer.resume(model, train, null, options, runDir, progress) : Trainer.fit(model, train, null, options, runDir, progress);
        } catch (TrainingDivergedException e) {
            System.err.println("latent4j train: " + e.getMessage());
            return 1;
        } catch (RunDirectoryInUseException e) {
            throw new UsageException("train: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // before the first step these are the trainer refusing the checkpoint (other shapes, options or data);
            // after it they are not the user's doing
            if (!resume || progress.started) throw e;
            throw new UsageException("train: cannot resume " + runDir + " with the options in its " + ARGUMENTS_FILE + ": " + Main.oneLine(e.getMessage()));
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        ModelStore.DataPreprocessing prep = new ModelStore.DataPreprocessing(train.name(), train.imageShape(), data.scaling(), standardizer, binarization);
        Dataset test = data.test();
        if (evalLimit < test.size()) test = test.rows(Runs.firstRows(evalLimit), test.name() + "[:" + evalLimit + "]");
        test = org.latent4j.core.data.ModelInput.prepare(prep, test, dataSource.seed());
        EvaluationReport report;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            report = Runs.evaluate(model, test.features(), Runs.condition(model, test.hasLabels() ? test.labels() : null), nllK, seed);
        }
        Json.Value metrics = Runs.object("evaluation", report.toJson(), "training", Json.toReportJson(result.last()));
        Json.Value training = Runs.object("data", Json.toJson(dataSource), "arguments", Json.toJson(o.values()), "result", Json.toJson(result));
        ModelStore.save(runDir, model, prep, training, metrics);
        List<String> written = new ArrayList<>(List.of("model", "metrics.json", "history.csv"));
        if (prep.imageShape() != null) {
            try (GradMode.Guard noGrad = GradMode.disabled()) {
                // 8 x 8 samples, or for a conditional model 8 of each class, one class per row
                int n = model.conditionClasses() == 0 ? 64 : 8;
                if (model instanceof PriorSampling) {
                    Runs.writeGrid(runDir.resolve("samples.png"), prep, Runs.samples(model, prep, n, seed), 8);
                    written.add("samples.png");
                }
                Runs.writeGrid(runDir.resolve("reconstructions.png"), prep, Runs.reconstructionPairs(model, prep, test, 32, 16), 16);
                written.add("reconstructions.png");
            }
        } else {
            System.out.println("no pictures of samples or reconstructions: the data are vectors, not images (sample, reconstruct, interpolate and "
                    + "traverse write them as NPY or CSV vectors)");
        }
        try {
            written.addAll(DiagnosticCharts.write(runDir, report));
        } catch (java.awt.AWTError | java.awt.HeadlessException | InternalError | LinkageError e) {
            // a Java runtime without its font libraries cannot draw text; the run itself is complete
            System.err.println("latent4j train: no chart of the code diagnostics (this Java runtime cannot draw: " + Main.oneLine(String.valueOf(e)) + ")");
        }
        try {
            ReportCommand.write(runDir, runDir.resolve(ReportCommand.FILE), model, prep, test, report, seed, null);
            written.add(ReportCommand.FILE);
        } catch (java.awt.AWTError | java.awt.HeadlessException | InternalError | LinkageError e) {
            System.err.println("latent4j train: no " + ReportCommand.FILE + " (this Java runtime cannot draw: " + Main.oneLine(String.valueOf(e)) + ")");
        }

        EpochRecord last = result.last();
        System.out.printf(Locale.ROOT, "trained %d epochs in %.1fs: train loss %.3f%s%n", last.epoch(), trainSeconds, last.trainLoss(),
                last.validationLoss().isPresent() ? String.format(Locale.ROOT, ", validation loss %.3f", last.validationLoss().getAsDouble()) : "");
        System.out.print(report.summary());
        System.out.println("wrote " + runDir + " (" + String.join(", ", written) + ")");
        Runs.writeJson(o, Runs.object("run", runDir.toString(), "model", kind.name(), "epochs", last.epoch(), "seconds", trainSeconds,
                "train_loss", last.trainLoss(), "validation_loss", last.validationLoss().isPresent() ? last.validationLoss().getAsDouble() : null,
                "metrics", metrics));
        return 0;
    }

    /**
     * A resume continues a run with the options it was started with: any option given now with another value is
     * refused by name, except a larger {@code --epochs} (to train longer).
     */
    private static void refuseChanges(Path runDir, Map<String, String> saved, Arguments given) {
        for (var e : given.values().entrySet()) {
            String key = e.getKey(), value = e.getValue(), before = saved.get(key);
            if (key.equals("resume") || key.equals("json") || value.equals(before)) continue;
            if (PATH_OPTIONS.contains(key) && before != null && value.equals(Runs.absolute(before))) continue;
            if (key.equals("epochs")) {
                int now = given.integer("epochs", 1, 1, 1_000_000);
                int then = before == null ? 50 : Integer.parseInt(before.trim());
                if (now >= then) continue;
                throw new UsageException("train: --resume can only raise --epochs (the run in " + runDir + " was set to " + then + ")");
            }
            throw new UsageException("train: --resume continues the run in " + runDir + " with its own options; --" + key + " cannot change ("
                    + (before == null ? "it was not given" : "it was " + before) + ")");
        }
    }

    /** The model config a checkpoint recorded, read as the kind's config record. */
    private static Record savedConfig(ModelKind<?> kind, Trainer.SavedModel saved, Path runDir) {
        if (!saved.kind().equals(kind.name())) {
            throw new UsageException("train: the checkpoint in " + runDir + " holds a " + saved.kind() + " model, but its " + ARGUMENTS_FILE
                    + " names " + kind.name());
        }
        try {
            return Json.fromJson(saved.config(), kind.configType(), runDir + "/checkpoint/state.json: modelConfig");
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: " + Main.oneLine(e.getMessage()));
        }
    }

    /** The kind's config for the options and the training data; a value the kind or its config refuses is a usage error. */
    private static Record configure(ModelKind<?> kind, Arguments o, Dataset train) {
        try {
            return kind.configure(o, Runs.shape(train));
        } catch (OptionValues.OptionException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: --model " + kind.name() + ": " + Main.oneLine(e.getMessage()));
        }
    }

    /** The kind of {@code --model}, after refusing every model option it does not take. */
    private static ModelKind<?> kindOf(Arguments o) {
        String name = o.string("model", DEFAULT_KIND);
        if (!ModelKinds.contains(name)) throw new UsageException("train: unknown --model " + name + " (one of " + String.join(", ", ModelKinds.names()) + ")");
        ModelKind<?> kind = ModelKinds.get(name);
        Set<String> takes = new LinkedHashSet<>();
        for (ModelOption m : kind.options()) takes.add(m.name());
        for (String option : o.values().keySet()) {
            if (COMMAND_OPTIONS.contains(option) || takes.contains(option)) continue;
            throw new UsageException("train: --" + option + " does not apply to --model " + name + " (only to "
                    + String.join(", ", ModelKinds.takers(option)) + ")");
        }
        return kind;
    }

    /** The trainer's options, for {@code trainRows} training rows (before the trainer holds out its validation rows). */
    private static TrainerOptions trainerOptions(Arguments o, int trainRows, Binarization binarization) {
        String schedule = o.choice("schedule", CONSTANT, SCHEDULES);
        if (schedule.equals(IWAE_SCHEDULE) && o.has("lr")) {
            throw new UsageException("train: --lr does not apply to --schedule iwae (it sets the IWAE paper's rates, from 0.001 down)");
        }
        OptimizerSettings.Algorithm algorithm = o.choice("optimizer", OptimizerSettings.Algorithm.ADAM, OptimizerSettings.Algorithm.class);
        OptimizerSettings optimizer = OptimizerSettings.of(algorithm);
        if (o.has("weight-decay")) optimizer = optimizer.withWeightDecay(o.number("weight-decay", 0, 0, 1e3));
        if (o.has("momentum")) {
            if (algorithm != OptimizerSettings.Algorithm.SGD) throw new UsageException("train: --momentum is sgd's, not " + algorithm.word() + "'s");
            optimizer = optimizer.withMomentum(o.number("momentum", 0, 0, 0.999999), false);
        }
        if (schedule.equals(IWAE_SCHEDULE)) {
            if (algorithm == OptimizerSettings.Algorithm.SGD) throw new UsageException("train: --schedule iwae is the IWAE paper's Adam schedule, not sgd's");
            optimizer = optimizer.withEps(TrainerOptions.iwaePaper().optimizer().eps());
        }
        int epochs = o.integer("epochs", 50, 1, 1_000_000), batch = o.integer("batch", 128, 1, 1_000_000);
        double lr = o.number("lr", 1e-3, 1e-9, 10);
        TrainerOptions t = TrainerOptions.defaults().withEpochs(epochs).withBatchSize(batch).withSeed(o.integer("seed", 0, 0, Integer.MAX_VALUE))
                .withBinarization(binarization).withEarlyStoppingPatience(o.integer("patience", 0, 0, 1_000_000))
                .withCheckpointEveryEpochs(o.integer("checkpoint-every", 1, 0, 1_000_000))
                .withCheckpointEveryMinutes(o.number("checkpoint-minutes", 0, 0, 1e6)).withOptimizer(optimizer)
                .withGradientVariance(o.integer("gradvar-every", 0, 0, Integer.MAX_VALUE),
                        o.integer("gradvar-draws", TrainerOptions.DEFAULT_GRADIENT_VARIANCE_DRAWS, 2, 1_000_000));
        return switch (schedule) {
            case IWAE_SCHEDULE -> t.withSchedule(LearningRateSchedule.iwae());
            case COSINE -> {
                // the cosine is by step: the trainer steps over the rows its validation split (Dataset.split, round(fraction * n)) leaves
                int rows = trainRows - (int) Math.round(t.validationFraction() * trainRows);
                yield t.withSchedule(LearningRateSchedule.warmupCosine(lr, 0, 0, (long) epochs * Math.ceilDiv(rows, batch)));
            }
            default -> t.withLearningRate(lr);
        };
    }

    /** Passes everything on to the console, noting whether training has started (so a refused resume can be told from a failure later). */
    private static final class StartWatch implements TrainingListener {
        private final TrainingListener next;
        private final OnStart onStart;
        boolean started;

        /** What to do once training starts (null: nothing). */
        @FunctionalInterface
        interface OnStart {
            void run() throws IOException;
        }

        StartWatch(TrainingListener next, OnStart onStart) {
            this.next = next;
            this.onStart = onStart;
        }

        @Override
        public void onStart(int epochs, int startEpoch, long startStep, int trainRows, int validationRows) {
            started = true;
            if (onStart != null) {
                try {
                    onStart.run();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            next.onStart(epochs, startEpoch, startStep, trainRows, validationRows);
        }

        @Override
        public void onStep(StepInfo step) {
            next.onStep(step);
        }

        @Override
        public void onEpochEnd(EpochRecord record) {
            next.onEpochEnd(record);
        }

        @Override
        public void onCheckpoint(Path directory, int epoch, long step) {
            next.onCheckpoint(directory, epoch, step);
        }

        @Override
        public void onEnd(TrainingResult result) {
            next.onEnd(result);
        }
    }

    /** The options that name files, saved as absolute paths so that a run can be resumed and evaluated from anywhere. */
    private static final List<String> PATH_OPTIONS = List.of("data", "test");

    private static Arguments withAbsolutePaths(Arguments given, Set<String> valued) {
        Map<String, String> values = new LinkedHashMap<>(given.values());
        for (String key : PATH_OPTIONS) values.computeIfPresent(key, (k, v) -> v.isBlank() ? v : Runs.absolute(v));
        List<String> args = new ArrayList<>(List.of(arguments(values)));
        args.addAll(given.positional());
        return Arguments.parse("train", args.toArray(String[]::new), FLAGS, valued);
    }

    /** The saved arguments of a run, overridden by those given now. */
    private static String[] merge(Map<String, String> saved, Arguments given) {
        Map<String, String> all = new LinkedHashMap<>(saved);
        all.putAll(given.values());
        all.remove("resume");
        return arguments(all);
    }

    /** Options as a command line: --name value ... */
    private static String[] arguments(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        options.forEach((key, v) -> {
            args.add("--" + key);
            args.add(v);
        });
        return args.toArray(String[]::new);
    }

    /**
     * The arguments saved in a run directory, checked as the command line would be: a damaged file is one
     * error naming the file and what is wrong with it.
     */
    private static Map<String, String> savedArguments(Path runDir, Set<String> valued) throws IOException {
        Path file = runDir.resolve(ARGUMENTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("train: " + runDir + " is not a run directory of latent4j train (it has no " + ARGUMENTS_FILE + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Json.Cursor c = Json.at(Json.readFile(file), file.toString());
            c.entries().forEach((key, v) -> out.put(key, v.asString()));
        } catch (JsonException e) {
            throw new UsageException("train: " + Main.oneLine(e.getMessage()));
        }
        for (String key : out.keySet()) {
            if (!valued.contains(key) || key.equals("resume") || key.equals("json")) {
                throw new UsageException("train: " + file + ": '" + key + "' is not an option a run keeps");
            }
        }
        try {
            validate(Arguments.parse("train", arguments(out), FLAGS, valued));
        } catch (UsageException | OptionValues.OptionException e) {
            throw new UsageException("train: " + file + ": " + e.getMessage().replaceFirst("^train: ", ""));
        }
        return out;
    }

    /**
     * Checks every option value without loading data or training: the kind and its options (configured for a stand-in
     * data shape, which checks their syntax and ranges) and the command's own.
     */
    private static void validate(Arguments o) {
        ModelKind<?> kind = kindOf(o);
        o.integer("seed", 0, 0, Integer.MAX_VALUE);
        o.integer("nll-k", 100, 0, 1_000_000);
        o.integer("eval-limit", 1000, 1, Integer.MAX_VALUE);
        o.integer("limit", 0, 0, Integer.MAX_VALUE);
        o.choice("binarize", Binarization.NONE, Binarization.class);
        o.choice("standardize", "no", List.of("yes", "no"));
        trainerOptions(o, 1, Binarization.NONE);
        // a stand-in for the data: images (large enough for any stack of convolutions) when the options ask for convolutions
        boolean conv = o.has(org.latent4j.core.model.ModelOptions.ARCH.name()) && o.string(org.latent4j.core.model.ModelOptions.ARCH.name(), "").trim()
                .equalsIgnoreCase("conv");
        var standIn = conv ? new org.latent4j.core.model.DataShape(1 << 20, new int[] {1024, 1024}, 1, true) : new org.latent4j.core.model.DataShape(1, null, 1, true);
        try {
            kind.configure(o, standIn);
        } catch (OptionValues.OptionException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: --model " + kind.name() + ": " + Main.oneLine(e.getMessage()));
        }
    }
}
