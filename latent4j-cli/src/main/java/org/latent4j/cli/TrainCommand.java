package org.latent4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.report.ImageGrid;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.AutoencoderConfig;
import org.latent4j.core.model.ConditionalVaeConfig;
import org.latent4j.core.model.HierarchicalVaeConfig;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LikelihoodKind;
import org.latent4j.core.model.Models;
import org.latent4j.core.model.PosteriorParameterisation;
import org.latent4j.core.model.VaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.train.ConsoleProgress;
import org.latent4j.core.train.EpochRecord;
import org.latent4j.core.train.StepInfo;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingDivergedException;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.LearningRateSchedule;
import org.latent4j.tensor.random.Rng;

/** {@code latent4j train}: trains a model of the VAE family and writes a run directory. */
final class TrainCommand implements Command {
    /** The options file a run keeps, so that {@code --resume} rebuilds the same model and data. */
    static final String ARGUMENTS_FILE = "train-arguments.json";

    private static final Set<String> FLAGS = Set.of();
    /** Every option train reads (its --help names each). */
    static final Set<String> VALUED = Set.of("model", "data", "limit", "epochs", "batch", "latent", "hidden", "activation", "k", "beta",
            "objective", "kl-warmup", "free-bits", "posterior", "lr", "schedule", "patience", "checkpoint-every", "checkpoint-minutes",
            "binarize", "likelihood", "sigma", "seed", "out", "resume", "nll-k", "eval-limit", "json");

    /** The options only some models take, with those models: the others refuse them rather than ignore them. */
    private static final Map<String, List<String>> MODEL_OPTIONS = Map.of(
            "k", List.of(Models.VAE, Models.BETA_VAE, Models.IWAE, Models.CVAE, Models.HVAE),
            // a vae with another KL weight is a beta-vae: one way to ask for it; iwae's bound and hvae's Monte Carlo KL have no weight
            "beta", List.of(Models.BETA_VAE, Models.CVAE),
            "kl-warmup", List.of(Models.VAE, Models.BETA_VAE, Models.CVAE),
            "free-bits", List.of(Models.VAE, Models.BETA_VAE, Models.CVAE),
            "posterior", List.of(Models.VAE, Models.BETA_VAE, Models.IWAE, Models.CVAE, Models.HVAE),
            // the one-layer models choose their objective by --model (iwae, or vae with --k)
            "objective", List.of(Models.HVAE));

    private static final String CONSTANT = "constant", COSINE = "cosine", IWAE_SCHEDULE = "iwae";
    private static final List<String> SCHEDULES = List.of(CONSTANT, COSINE, IWAE_SCHEDULE);

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train an autoencoder of the VAE family and write a run directory";
    }

    @Override
    public String help() {
        return """
                usage: latent4j train [options]

                Trains a model and writes a run directory holding the model (model.safetensors, config.json,
                metrics.json), history.csv, the last checkpoint, samples.png and reconstructions.png. The metrics
                are measured on held-out data: NLL by importance sampling, active units, mutual information and a
                posterior-collapse report.

                An option a model does not take (e.g. --beta for iwae, --k for ae) is refused, not ignored.

                options:
                  --model KIND            ae, vae, beta-vae, iwae, cvae, hvae (default vae); cvae is conditioned on
                                          the class of each image, and its samples.png shows one row per class; ae is
                                          deterministic and writes no samples.png
                  --data SOURCE           embedded (default: the embedded Fashion-MNIST test split, 1,000 rows held
                                          out for evaluation), fashion-mnist (the installed full set: train on the
                                          training split, evaluate on the test split) or a DIR of IDX files
                  --limit N               train on the first N rows only (default: all)
                  --epochs N              passes over the training rows (default 50)
                  --batch N               rows per step (default 128)
                  --latent N              latent dimensions (default 16; for hvae the first layer, the second has half)
                  --hidden A,B,...        hidden layer sizes of the encoder, mirrored in the decoder (default 512,256;
                                          for hvae between x and z1, and half of each between z1 and z2)
                  --activation NAME       %s (default relu, for every model)
                  --k N                   samples per example: the IWAE bound's k for iwae (default 5), the k-sample
                                          ELBO for vae, beta-vae and cvae (default 1); for hvae per --objective
                  --objective NAME        hvae's objective over its k samples: elbo (the k-sample ELBO, as --model vae;
                                          default, k default 1) or iwae (the bound L_k, as --model iwae; k default 5)
                  --beta B                KL weight of beta-vae (default 4) and cvae (default 1)
                  --kl-warmup EPOCHS      raise the KL weight linearly from 0 to --beta over EPOCHS epochs (vae,
                                          beta-vae, cvae; default 0 = off)
                  --free-bits NATS        free bits: each latent dimension's batch-mean KL counts as at least NATS
                                          (vae, beta-vae, cvae; default 0 = off)
                  --posterior NAME        the encoders' variance head: log-variance (default) or log-std (std =
                                          exp(linear), as in the IWAE paper); every model but ae
                  --lr RATE               Adam's learning rate, the peak of cosine (default 0.001)
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
                  --likelihood NAME       the decoder's p(x|z): bernoulli (default; for binarized pixels),
                                          gaussian-fixed (standard deviation --sigma) or gaussian-learned (a learned
                                          variance per pixel); NLL under a Gaussian is a density, so it is not
                                          comparable with a Bernoulli NLL
                  --sigma S               standard deviation of gaussian-fixed (default 0.1)
                  --binarize MODE         none, dynamic or static (default dynamic for bernoulli: a fresh Bernoulli
                                          sample of the pixels for every batch; none for the Gaussian likelihoods)
                  --seed N                the one seed of the run (default 0)
                  --out DIR               the run directory (default runs/MODEL-YYYYMMDD-HHMMSS); must not exist
                  --resume DIR            continue the run in DIR from its last checkpoint, with its options
                                          (--epochs may be raised to train longer)
                  --nll-k N               importance samples of the final NLL estimate (default 100)
                  --eval-limit N          held-out rows evaluated at the end (default 1000)
                  --json FILE             also write the summary as JSON
                """.formatted(Activation.names());
    }

    @Override
    public int run(String[] args) throws Exception {
        Options given = Options.parse("train", args, FLAGS, VALUED);
        if (!given.positional().isEmpty()) throw new UsageException("train: unexpected argument " + given.positional().get(0) + " (see train --help)");
        Path runDir;
        Options o;
        boolean resume = given.has("resume");
        if (resume) {
            runDir = Path.of(given.string("resume", null));
            if (given.has("out")) throw new UsageException("train: give either --resume DIR or --out DIR, not both");
            o = Options.parse("train", merge(savedArguments(runDir), given), FLAGS, VALUED);
        } else {
            o = given;
            String model = o.string("model", Models.VAE);
            runDir = Path.of(o.string("out", "runs/" + model + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            if (Files.exists(runDir)) throw new UsageException("train: " + runDir + " already exists; choose another --out, or --resume it");
        }
        Settings settings = Settings.read(o);
        String kind = settings.kind();
        long seed = settings.seed();
        int nllK = settings.nllK(), evalLimit = settings.evalLimit();
        Binarization binarization = settings.binarization();

        Runs.DataSource dataSource = new Runs.DataSource(settings.source(), settings.limit(), seed);
        Runs.DataSets data = Runs.load(dataSource);
        Dataset train = data.train();
        int d = train.dim();
        Record config = parse(() -> config(settings, d));
        LatentModel model = Models.create(kind, config, new Rng(seed));
        // the IWAE paper's start: the decoder reproduces the mean training image before any step
        if (!resume) model.initialiseOutputBias(columnMeans(train.features()));

        System.out.printf(Locale.ROOT, "%s %s: %,d parameters; %s, %,d rows; run directory %s%n", resume ? "resuming" : "training", kind,
                model.parameterCount(), train.name(), train.size(), runDir);
        Map<String, String> kept = new LinkedHashMap<>(o.values());
        kept.remove("json");
        Path argumentsFile = runDir.resolve(ARGUMENTS_FILE);
        if (!resume) {
            Files.createDirectories(runDir);
            Json.writeFile(argumentsFile, Json.toJson(kept));
        }
        TrainerOptions options = trainerOptions(settings, train.size());
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
        } catch (IllegalArgumentException | IllegalStateException e) {
            // before the first step these are the trainer refusing the checkpoint (other shapes, options or data);
            // after it they are not the user's doing
            if (!resume || progress.started) throw e;
            throw new UsageException("train: cannot resume " + runDir + " with the options in its " + ARGUMENTS_FILE + ": " + Main.oneLine(e.getMessage()));
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        ModelStore.DataPreprocessing prep = new ModelStore.DataPreprocessing(train.name(), train.imageShape(), ModelStore.SCALING_BYTES, null,
                binarization);
        Dataset test = data.test();
        if (evalLimit < test.size()) test = test.rows(Runs.firstRows(evalLimit), test.name() + "[:" + evalLimit + "]");
        test = Runs.prepare(prep, test, seed);
        EvaluationReport report;
        try (GradMode.Scope noGrad = GradMode.disabled()) {
            report = Runs.evaluate(model, test.features(), Runs.condition(model, test.hasLabels() ? test.labels() : null), nllK, seed);
        }
        Json.Value metrics = Json.parse(report.toJson());
        Json.Value training = Runs.object("data", Json.toJson(dataSource), "arguments", Json.toJson(o.values()), "result", Json.toJson(result));
        ModelStore.save(runDir, model, prep, training, metrics);
        List<String> written = new java.util.ArrayList<>(List.of("model", "metrics.json", "history.csv"));
        try (GradMode.Scope noGrad = GradMode.disabled()) {
            // 8 x 8 samples, or for a conditional model 8 of each class, one class per row; a deterministic model has no prior to sample
            int n = model.conditionClasses() == 0 ? 64 : 8;
            if (model.isStochastic()) {
                Runs.writeGrid(runDir.resolve("samples.png"), prep, Runs.samples(model, prep, n, seed), 8);
                written.add("samples.png");
            }
            Runs.writeGrid(runDir.resolve("reconstructions.png"), prep, Runs.reconstructionPairs(model, prep, test, 32, 16), 16);
            written.add("reconstructions.png");
        }

        var last = result.last();
        System.out.printf(Locale.ROOT, "trained %d epochs in %.1fs: train loss %.3f%s%n", last.epoch(), trainSeconds, last.trainLoss(),
                last.validationLoss().isPresent() ? String.format(Locale.ROOT, ", validation loss %.3f", last.validationLoss().getAsDouble()) : "");
        System.out.print(report.summary());
        System.out.println("wrote " + runDir + " (" + String.join(", ", written) + ")");
        Runs.writeJson(o, Runs.object("run", runDir.toString(), "model", kind, "epochs", last.epoch(), "seconds", trainSeconds,
                "train_loss", last.trainLoss(), "validation_loss", last.validationLoss().isPresent() ? last.validationLoss().getAsDouble() : null,
                "metrics", metrics));
        return 0;
    }

    /** The options of a run, read and checked. */
    private record Settings(String kind, long seed, int epochs, int batch, int latent, int[] hidden, Activation activation, int k,
                            HierarchicalVaeConfig.Objective objective, double beta, double klWarmup, double freeBits,
                            PosteriorParameterisation posterior, double lr, String schedule, int patience, int checkpointEvery,
                            double checkpointMinutes, Binarization binarization, LikelihoodKind likelihood, double sigma, int limit, int nllK,
                            int evalLimit, String source) {
        static Settings read(Options o) {
            String kind = o.string("model", Models.VAE);
            if (!Models.KINDS.contains(kind)) throw new UsageException("train: unknown --model " + kind + " (one of " + String.join(", ", Models.KINDS) + ")");
            for (String option : o.values().keySet()) {
                List<String> takers = MODEL_OPTIONS.get(option);
                if (takers != null && !takers.contains(kind)) {
                    throw new UsageException("train: --" + option + " does not apply to --model " + kind + " (only to " + String.join(", ", takers) + ")");
                }
            }
            LikelihoodKind likelihood = parse(() -> LikelihoodKind.parse(o.string("likelihood", "bernoulli")));
            if (o.has("sigma") && likelihood != LikelihoodKind.GAUSSIAN_FIXED) {
                throw new UsageException("train: --sigma is the standard deviation of --likelihood gaussian-fixed, not of " + likelihood.cliName());
            }
            String schedule = o.choice("schedule", CONSTANT, SCHEDULES);
            if (schedule.equals(IWAE_SCHEDULE) && o.has("lr")) {
                throw new UsageException("train: --lr does not apply to --schedule iwae (it sets the IWAE paper's rates, from 0.001 down)");
            }
            var objective = o.choice("objective", HierarchicalVaeConfig.Objective.ELBO, HierarchicalVaeConfig.Objective.class);
            boolean boundK = kind.equals(Models.IWAE) || objective == HierarchicalVaeConfig.Objective.IWAE;
            return new Settings(kind,
                    o.integer("seed", 0, 0, Integer.MAX_VALUE),
                    o.integer("epochs", 50, 1, 1_000_000),
                    o.integer("batch", 128, 1, 1_000_000),
                    o.integer("latent", 16, 1, 100_000),
                    o.integers("hidden", new int[] {512, 256}, 1, 1_000_000),
                    parse(() -> Activation.parse(o.string("activation", "relu"))),
                    o.integer("k", boundK ? 5 : 1, 1, 100_000),
                    objective,
                    o.number("beta", kind.equals(Models.BETA_VAE) ? 4 : 1, 1e-6, 1e6),
                    o.number("kl-warmup", 0, 0, 1e6),
                    o.number("free-bits", 0, 0, 1e3),
                    o.choice("posterior", PosteriorParameterisation.LOG_VARIANCE, PosteriorParameterisation.class),
                    o.number("lr", 1e-3, 1e-9, 10),
                    schedule,
                    o.integer("patience", 0, 0, 1_000_000),
                    o.integer("checkpoint-every", 1, 0, 1_000_000),
                    o.number("checkpoint-minutes", 0, 0, 1e6),
                    o.choice("binarize", likelihood == LikelihoodKind.BERNOULLI ? Binarization.DYNAMIC : Binarization.NONE, Binarization.class),
                    likelihood,
                    o.number("sigma", 0.1, 1e-6, 1e6),
                    o.integer("limit", 0, 0, Integer.MAX_VALUE),
                    o.integer("nll-k", 100, 0, 1_000_000),
                    o.integer("eval-limit", 1000, 1, Integer.MAX_VALUE),
                    o.string("data", Runs.EMBEDDED));
        }
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

    /** The saved arguments of a run, overridden by those given now. */
    private static String[] merge(Map<String, String> saved, Options given) {
        Map<String, String> all = new LinkedHashMap<>(saved);
        all.putAll(given.values());
        all.remove("resume");
        return arguments(all);
    }

    /** Options as a command line: --name value ... */
    private static String[] arguments(Map<String, String> options) {
        List<String> args = new java.util.ArrayList<>();
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
    private static Map<String, String> savedArguments(Path runDir) throws IOException {
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
            if (!VALUED.contains(key) || key.equals("resume") || key.equals("json")) {
                throw new UsageException("train: " + file + ": '" + key + "' is not an option a run keeps");
            }
        }
        try {
            Settings.read(Options.parse("train", arguments(out), FLAGS, VALUED));
        } catch (UsageException e) {
            throw new UsageException("train: " + file + ": " + e.getMessage().replaceFirst("^train: ", ""));
        }
        return out;
    }

    private static <T> T parse(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: " + e.getMessage());
        }
    }

    /** The model config the options describe, for data of {@code d} features. */
    private static Record config(Settings s, int d) {
        int latent = s.latent();
        List<Integer> h = Arrays.stream(s.hidden()).boxed().toList();
        return switch (s.kind()) {
            case Models.AE -> new AutoencoderConfig(d, latent, h, null, s.activation(), s.likelihood(), s.sigma());
            case Models.HVAE -> {
                List<Integer> h2 = Arrays.stream(s.hidden()).map(x -> Math.max(2, x / 2)).boxed().toList();
                yield HierarchicalVaeConfig.of(d).withSizes(latent, Math.max(1, latent / 2), h, h2).withActivation(s.activation())
                        .withPosterior(s.posterior()).withObjective(s.objective(), s.k()).withLikelihood(s.likelihood(), s.sigma());
            }
            default -> {
                VaeConfig vae = VaeConfig.of(d, latent).withHidden(h).withActivation(s.activation()).withPosterior(s.posterior()).withBeta(s.beta())
                        .withWarmupEpochs(s.klWarmup()).withFreeBits(s.freeBits()).withSamples(s.k()).withLikelihood(s.likelihood());
                if (s.likelihood() == LikelihoodKind.GAUSSIAN_FIXED) vae = vae.withGaussianSigma(s.sigma());
                // every data source of the command is Fashion-MNIST-shaped, with its 10 classes
                yield s.kind().equals(Models.CVAE) ? new ConditionalVaeConfig(vae, FashionMnist.CLASS_NAMES.size()) : vae;
            }
        };
    }

    /** The trainer's options, for {@code trainRows} training rows (before the trainer holds out its validation rows). */
    private static TrainerOptions trainerOptions(Settings s, int trainRows) {
        TrainerOptions t = TrainerOptions.defaults().withEpochs(s.epochs()).withBatchSize(s.batch()).withSeed(s.seed())
                .withBinarization(s.binarization()).withEarlyStoppingPatience(s.patience()).withCheckpointEveryEpochs(s.checkpointEvery())
                .withCheckpointEveryMinutes(s.checkpointMinutes());
        return switch (s.schedule()) {
            case IWAE_SCHEDULE -> t.withSchedule(LearningRateSchedule.iwae()).withAdam(TrainerOptions.iwaePaper().adam());
            case COSINE -> {
                // the cosine is by step: the trainer steps over the rows its validation split (Dataset.split, round(fraction * n)) leaves
                int rows = trainRows - (int) Math.round(t.validationFraction() * trainRows);
                yield t.withSchedule(LearningRateSchedule.warmupCosine(s.lr(), 0, 0, (long) s.epochs() * Math.ceilDiv(rows, s.batch())));
            }
            default -> t.withLearningRate(s.lr());
        };
    }

    static float[] columnMeans(Tensor x) {
        int n = x.dim(0), d = x.dim(1);
        float[] v = x.toArray();
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) sum[j] += v[i * d + j];
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / n);
        return mean;
    }
}
