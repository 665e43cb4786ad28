package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.eval.EvaluationReport;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.GradMode;

/** {@code latent4j eval RUN}: the likelihood estimate and latent diagnostics of a trained model on held-out data. */
public final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "estimate the test NLL and the latent diagnostics of a trained model";
    }

    @Override
    public String help() {
        return """
                usage: latent4j eval RUN [options]

                Evaluates the model in the run directory RUN on held-out data, preprocessed as in training:
                NLL = -L_k by importance sampling (the IWAE paper's protocol uses k = 5000), ELBO, reconstruction,
                KL per dimension, active units, mutual information and posterior collapse.

                options:
                  --nll-k N      importance samples per example (default 5000; 0 skips the NLL)
                  --limit N      evaluate the first N held-out rows only (default: all)
                  --data SOURCE  evaluate on other data: embedded, fashion-mnist, a DIR of IDX files or a FILE of
                                 vectors. The run's own data give their held-out rows only; other data are
                                 evaluated whole (a file) or by their test split, and refused when any of
                                 their rows is one the run trained on
                  --seed N       seed of the importance samples (default 0)
                  --json FILE    also write the report as JSON
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("eval", args, Set.of(), Set.of("nll-k", "limit", "data", "seed", "json"));
        String run = o.onePositional("run directory");
        int k = o.integer("nll-k", 5000, 0, 10_000_000);
        int limit = o.integer("limit", 0, 0, Integer.MAX_VALUE);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        ModelStore.Saved saved = Runs.loadRun(run);
        Runs.EvaluationRows rows = Runs.evaluationRows(saved, o.string("data", null), limit);
        Dataset data = rows.data();
        EvaluationReport report;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            report = Runs.evaluate(saved.model(), data.features(), Runs.condition(saved.model(), data.hasLabels() ? data.labels() : null), k, seed);
        }
        System.out.println(Path.of(run) + " on " + data.name() + ": " + rows.which());
        System.out.print(report.summary());
        Runs.writeJson(o, report.toJson());
        return 0;
    }
}
