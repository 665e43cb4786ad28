package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;

/**
 * {@code latent4j encode RUN --data FILE --out FILE.npy}: the codes a trained model gives any data, as a float32 NPY
 * array: the posterior means (and with {@code --log-variance} the log-variances) of a Gaussian bottleneck, the code
 * vectors of a deterministic, discrete or sparse one.
 */
public final class EncodeCommand implements Command {
    private static final int BATCH = 256;

    @Override
    public String name() {
        return "encode";
    }

    @Override
    public String summary() {
        return "write the posterior means (or code vectors) a trained model gives data, as NPY";
    }

    @Override
    public String help() {
        return """
                usage: latent4j encode RUN --out FILE.npy [options]

                Encodes data with the model in the run directory RUN, preprocessed as in training (its
                standardization; a fixed binarization for a model trained on binarized pixels), and writes a
                NumPy float32 array, one row per data row in the data's order:
                  Gaussian codes (vae, iwae, beta-vae, cvae, hvae's first layer): the posterior means, [rows, latent];
                  with --log-variance, [rows, 2, latent]: [:, 0] the means, [:, 1] the log-variances
                  deterministic (ae), discrete (vq-vae, ...) and sparse (sae) codes: the code vectors the
                  decoder reads, [rows, latent] (for discrete codes `latent4j codes` writes the indices)

                options:
                  --out FILE        the .npy file to write (required)
                  --data SOURCE     the data: a FILE of vectors (.npy, .csv, .fvecs, .idx; every row), embedded,
                                    fashion-mnist or a DIR of IDX files (all their rows: training, then test);
                                    default: the run's held-out rows. A CSV with the run's --label-column has it
                                    taken out (a conditional model needs it)
                  --log-variance    also the log-variances of a Gaussian posterior (see above)
                  --limit N         the first N rows only (default: all)
                  --json FILE       also write a summary as JSON
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("encode", args, Set.of("log-variance"), Set.of("out", "data", "limit", "json"));
        String run = o.onePositional("run directory");
        if (!o.has("out")) throw new UsageException("encode: --out FILE.npy is required (see encode --help)");
        Path out = Path.of(o.string("out", null));
        int limit = o.integer("limit", 0, 0, Integer.MAX_VALUE);
        boolean logVariance = o.has("log-variance");
        ModelStore.Saved saved = Runs.loadRun(run);
        LatentModel model = saved.model();
        Dataset data = o.has("data") ? org.latent4j.core.data.ModelInput.prepare(saved.preprocessing(), Runs.allRows(saved, o.string("data", null)), Runs.dataSource(saved).seed())
                : Runs.evaluationData(saved, null, 0);
        if (limit > 0 && limit < data.size()) data = data.rows(Runs.firstRows(limit), data.name() + "[:" + limit + "]");
        int n = data.size();
        float[] all = null;
        int width = 0;
        String kind = null;
        Workspace workspace = new Workspace();
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += BATCH) {
                int hi = Math.min(n, lo + BATCH);
                try (var scope = workspace.open()) {
                    Tensor x = data.features().slice(0, lo, hi);
                    Tensor c = Runs.condition(model, data.hasLabels() ? Arrays.copyOfRange(data.labels(), lo, hi) : null);
                    LatentCode code = model.encode(x, c);
                    if (logVariance && !(code instanceof LatentCode.Gaussian)) {
                        throw new UsageException("encode: --log-variance needs a Gaussian posterior, but the " + model.kind() + " in " + run + " gives "
                                + Runs.codeKind(code) + " codes (no variance to write)");
                    }
                    float[] means = code.vector().contiguous().toArray();
                    if (all == null) {
                        width = code.vector().dim(1);
                        kind = Runs.codeKind(code);
                        all = new float[Math.multiplyExact(n, Math.multiplyExact(width, logVariance ? 2 : 1))];
                    }
                    if (!logVariance) {
                        System.arraycopy(means, 0, all, lo * width, means.length);
                    } else {
                        float[] logVar = ((LatentCode.Gaussian) code).posterior().logVar().contiguous().toArray();
                        for (int i = 0; i < hi - lo; i++) {
                            System.arraycopy(means, i * width, all, ((lo + i) * 2) * width, width);
                            System.arraycopy(logVar, i * width, all, ((lo + i) * 2 + 1) * width, width);
                        }
                    }
                }
            }
        }
        Tensor result = logVariance ? Tensor.wrap(all, n, 2, width) : Tensor.wrap(all, n, width);
        AtomicFiles.write(out, stream -> NpyWriter.write(stream, result));
        String what = kind.equals("Gaussian") ? (logVariance ? "posterior means and log-variances" : "posterior means") : kind + " code vectors";
        System.out.printf(Locale.ROOT, "wrote the %s of %,d rows of %s from the %s in %s to %s (float32 %s)%n", what, n, data.name(), model.kind(), run, out,
                Arrays.toString(result.shape()));
        Runs.writeJson(o, Runs.object("run", run, "data", data.name(), "rows", n, "latent", width, "code", kind, "log_variance", logVariance,
                "shape", result.shape(), "file", out.toString()));
        return 0;
    }
}
