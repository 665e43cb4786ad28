package org.latent4j.cli.bench;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.core.data.Batches;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.eval.Estimate;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.eval.EvaluationOptions;
import org.latent4j.core.eval.Evaluator;
import org.latent4j.core.eval.GaussianDiagnostics;
import org.latent4j.core.eval.LogLikelihoodEstimator;
import org.latent4j.core.eval.LogLikelihoodResult;
import org.latent4j.core.eval.LogLikelihoodSummary;
import org.latent4j.core.eval.ProgressListener;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.optim.LearningRateSchedule;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * {@code latent4j bench iwae-protocol}: the comparison of Burda, Grosse and Salakhutdinov (2016) at a
 * size this machine can afford: VAE (k = 1) and IWAE (k = 50), architecture 1 (784-200-200-50 tanh,
 * std = exp(linear), Bernoulli decoder), trained with the same schedule, data order and seed on
 * dynamically binarized Fashion-MNIST, then evaluated on the test split with L_k and active units. The
 * paper's claim to check: IWAE reaches a better L_5000 with at least as many active units.
 *
 * <p>The training loop is deliberately minimal (no checkpoints, no early stopping); it is the paper's:
 * minibatches of 20 in a new order each epoch, each binarized afresh, Adam (0.9, 0.999, eps 1e-4) with the
 * paper's staged rate ({@link LearningRateSchedule#iwae()}) by epoch, Glorot weights, output bias at the
 * logit of the clipped training pixel mean. The paper trains 3280 passes; the default here is 3.
 */
final class IwaeProtocolBench {
    private IwaeProtocolBench() {}

    static final String HELP = """
            usage: latent4j bench iwae-protocol [--epochs 3] [--nll-k 5000] [--limit N] [--eval 1000]
                                                [--data fashion-mnist|embedded|DIR] [--seed 1] [--threads N] [--json FILE]
              Trains a VAE (k=1) and an IWAE (k=50), 784-200-200-50 tanh, the IWAE paper's way, for --epochs
              passes over the training rows (the first --limit of them), then reports on the first --eval
              test rows (binarized once, the same for both): L_k with k = --nll-k, ELBO, KL and active units.
              Data: the installed Fashion-MNIST (default when present), else the embedded 10k test split
              divided into 8,000 training and 2,000 test rows.
            """;

    static final int BATCH = 20;

    /** One trained and evaluated model. */
    record Outcome(String name, double seconds, double lastEpochLoss, EvaluationReport report, LogLikelihoodResult likelihood, double evalSeconds) {
        GaussianDiagnostics latent() {
            return (GaussianDiagnostics) report.latent();
        }
    }

    static int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("bench iwae-protocol", args, Set.of(),
                Set.of("epochs", "nll-k", "limit", "eval", "data", "seed", "threads", "json"));
        int epochs = o.integer("epochs", 3, 1, 3280);
        int nllK = o.integer("nll-k", 5000, 1, 1_000_000);
        int limit = o.integer("limit", Integer.MAX_VALUE, BATCH, Integer.MAX_VALUE);
        int evalRows = o.integer("eval", 1000, 1, Integer.MAX_VALUE);
        long seed = o.integer("seed", 1, 0, Integer.MAX_VALUE);
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        Parallel.setThreads(threads);

        String source = o.string("data", Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY) ? FashionMnist.WORD : "embedded");
        Dataset train, test;
        if (source.equals("embedded")) {
            Dataset.Split s = FashionMnist.embedded().split(2000, seed);
            train = s.train();
            test = s.validation();
        } else {
            FashionMnist.Splits s = FashionMnist.load(FashionMnist.resolve(source));
            train = s.train();
            test = s.test();
        }
        if (limit < train.size()) train = train.rows(firstRows(limit), train.name() + "[:" + limit + "]");
        if (evalRows < test.size()) test = test.rows(firstRows(evalRows), test.name() + "[:" + evalRows + "]");
        // One binarization of the test rows, shared by both models, so their L_k are compared on the same data.
        Tensor testX = new Rng(seed).fork(7).bernoulli(test.features());

        System.out.printf(Locale.ROOT, "latent4j bench iwae-protocol: %d epoch(s) of the IWAE paper's schedule, batch %d, %d thread(s)%n",
                epochs, BATCH, threads);
        System.out.printf(Locale.ROOT, "  train %s%n  test  %s (binarized once)%n", train, test);

        VaeConfig base = VaeConfig.of(784, 50).withPosterior(PosteriorParameterisation.LOG_STD);
        Outcome vae = trainAndEvaluate("VAE k=1", new Vae(base, new Rng(seed)), train, testX, epochs, nllK, seed);
        Outcome iwae = trainAndEvaluate("IWAE k=50", new Iwae(base.withSamples(50), new Rng(seed)), train, testX, epochs, nllK, seed);

        System.out.printf(Locale.ROOT, "%n%-10s %9s %12s %20s %10s %8s %10s %9s%n", "model", "train s", "last loss",
                "-L_" + nllK + " (nats)", "ELBO", "KL", "active", "eval s");
        for (Outcome r : new Outcome[] {vae, iwae}) {
            Estimate ll = r.likelihood().logLikelihood();
            System.out.printf(Locale.ROOT, "%-10s %9.0f %12.3f %12.3f ± %5.3f %10.3f %8.3f %6d/%-3d %9.0f%n", r.name(), r.seconds(),
                    r.lastEpochLoss(), -ll.mean(), ll.standardError(), r.likelihood().elbo().mean(),
                    r.latent().totalKl(), r.latent().activeUnits().count(), r.report().latentDimensions(), r.evalSeconds());
        }
        double diff = iwae.likelihood().logLikelihood().mean() - vae.likelihood().logLikelihood().mean();
        double[] perVae = vae.likelihood().boundPerExample(), perIwae = iwae.likelihood().boundPerExample();
        double[] paired = new double[perVae.length];
        for (int i = 0; i < paired.length; i++) paired[i] = perIwae[i] - perVae[i];
        Estimate d = Estimate.of(paired);
        boolean better = diff > 0;
        boolean units = iwae.latent().activeUnits().count() >= vae.latent().activeUnits().count();
        System.out.printf(Locale.ROOT, "%nIWAE - VAE in L_%d: %+.3f ± %.3f nats (paired over %d test rows): IWAE %s; active units %s%n",
                nllK, d.mean(), d.standardError(), paired.length, better ? "better" : "NOT better",
                units ? "at least as many" : "FEWER");
        System.out.println("The paper's claim (better L_5000, at least as many active units) " + (better && units ? "holds" : "does not hold")
                + " in this run" + (epochs < 3280 ? " (" + epochs + " of the paper's 3280 passes)" : "") + (nllK != 5000 ? " with k = " + nllK : "") + ".");

        if (o.has("json")) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("benchmark", "iwae-protocol");
            json.put("epochs", epochs);
            json.put("nllK", nllK);
            json.put("train", train.toString());
            json.put("test", test.toString());
            json.put("threads", threads);
            json.put("seed", seed);
            json.put("vaeTrainSeconds", vae.seconds());
            json.put("iwaeTrainSeconds", iwae.seconds());
            json.put("vae", Map.of("report", vae.report(), "logLikelihood", LogLikelihoodSummary.of(vae.likelihood())));
            json.put("iwae", Map.of("report", iwae.report(), "logLikelihood", LogLikelihoodSummary.of(iwae.likelihood())));
            json.put("iwaeMinusVaeLogLikelihood", d);
            BenchReport.write(java.nio.file.Path.of(o.string("json", null)), json);
        }
        return 0;
    }

    private static int[] firstRows(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        return rows;
    }

    static Outcome trainAndEvaluate(String name, LatentModel model, Dataset train, Tensor testX, int epochs, int nllK, long seed) {
        model.initialise(TrainingData.of(train.features()), new Rng(seed));
        Adam adam = new Adam(model.parameters(), AdamOptions.DEFAULTS.withEps(1e-4));
        LearningRateSchedule schedule = LearningRateSchedule.iwae();
        Batches batches = train.batches(BATCH, true);
        Workspace ws = new Workspace();
        Rng rng = new Rng(seed).fork(1);
        long t0 = System.nanoTime();
        long step = 0;
        double epochLoss = Double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
            adam.setLearningRate(schedule.rate(epoch, step));
            double sum = 0;
            int count = 0;
            for (Batches.Minibatch b : batches.shuffled(seed, epoch)) {
                try (var s = ws.open()) {
                    adam.zeroGrad();
                    Tensor x = rng.bernoulli(b.features());
                    Tensor loss = model.loss(Batch.of(x), new TrainingProgress(epoch, step, batches.count()), rng).loss();
                    loss.backward();
                    adam.step();
                    float value = loss.item();
                    if (!Float.isFinite(value)) throw new IllegalStateException(name + ": the loss became " + value + " at step " + step);
                    sum += value;
                    count++;
                }
                step++;
            }
            epochLoss = sum / count;
            System.out.printf(Locale.ROOT, "  %-9s epoch %d/%d  lr %.3g  mean loss %.3f  (%.0f s)%n", name, epoch + 1, epochs,
                    adam.learningRate(), epochLoss, (System.nanoTime() - t0) / 1e9);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long e0 = System.nanoTime();
        // the per-example bounds, for the paired comparison, and the diagnostics without a second likelihood estimate
        LogLikelihoodResult likelihood = LogLikelihoodEstimator.of(nllK, seed).estimate(model, testX, null, ProgressListener.NONE);
        EvaluationReport report = Evaluator.evaluate(model, testX, null, EvaluationOptions.defaults(seed).withImportanceSamples(0), ProgressListener.NONE);
        double evalSeconds = (System.nanoTime() - e0) / 1e9;
        Outcome outcome = new Outcome(name, seconds, epochLoss, report, likelihood, evalSeconds);
        System.out.printf(Locale.ROOT, "  %-9s evaluated in %.0f s: NLL %.3f, active units %d%n", name, evalSeconds,
                -likelihood.logLikelihood().mean(), outcome.latent().activeUnits().count());
        return outcome;
    }

}
