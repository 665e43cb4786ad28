package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.IntStream;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;

/** {@code latent4j traverse RUN}: latent traversals, one latent dimension varied at a time. */
public final class TraverseCommand implements Command {
    @Override
    public String name() {
        return "traverse";
    }

    @Override
    public String summary() {
        return "vary one latent dimension at a time (the most active ones) and decode";
    }

    @Override
    public String help() {
        return """
                usage: latent4j traverse RUN [options]

                Starts from the posterior mean of one held-out image and sets one latent dimension at a time
                to evenly spaced values from -RANGE to RANGE, keeping the others. Each row of the PNG is one
                dimension; the dimensions shown are the most active ones (largest variance of the posterior
                means over the held-out images), most active first.

                options:
                  --image I    the held-out image to start from (default 0)
                  --dims N     dimensions to show (default 10, at most the latent size)
                  --steps N    values per dimension (default 9)
                  --range R    the largest |value| (default 3)
                  --out FILE   the PNG to write (default RUN/traversals.png); for data that are vectors,
                               not images, an .npy (default RUN/traversals.npy: float32 [dims, steps, features])
                               or a .csv
                  --json FILE  also write a summary as JSON, with the dimensions and their activity
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("traverse", args, Set.of(), Set.of("image", "dims", "steps", "range", "out", "json"));
        String run = o.onePositional("run directory");
        int image = o.integer("image", 0, 0, Integer.MAX_VALUE);
        int steps = o.integer("steps", 9, 2, 1000);
        double range = o.number("range", 3, 1e-6, 1e6);
        ModelStore.Saved saved = Runs.loadRun(run);
        LatentModel model = saved.model();
        int dims = Math.min(o.integer("dims", 10, 1, 100_000), model.latentDim());
        Dataset data = Runs.evaluationData(saved, null, 1000);
        if (image >= data.size()) throw new UsageException("traverse: --image " + image + " is beyond the " + data.size() + " held-out images");
        Traversals t = traversals(model, saved.preprocessing(), data, image, dims, steps, range);
        int[] chosen = t.dimensions();
        double[] activity = t.activity();
        Path file = Runs.writePictures("traverse", run, o, "traversals", saved.preprocessing(), t.pictures(), steps,
                new int[] {chosen.length, steps, model.dataDim()});
        double[] shown = Arrays.stream(chosen).mapToDouble(j -> activity[j]).toArray();
        System.out.println("wrote traversals of latent dimensions " + Arrays.toString(chosen) + " (from -" + range + " to " + range + ") to " + file);
        Runs.writeJson(o, Runs.object("run", run, "image", image, "dimensions", chosen, "activity", shown, "steps", steps, "range", range,
                "file", file.toString()));
        return 0;
    }

    /**
     * Traversals from held-out row {@code image}: the {@code dims} most active dimensions (largest variance of the
     * code vectors over {@code data}), most active first, each set to {@code steps} values from -range to range.
     *
     * @param dimensions the dimensions shown, one per row of {@code pictures}
     * @param activity   every dimension's variance over the data
     * @param pictures   [dims * steps, data width] displayable intensities, row by row
     */
    record Traversals(int[] dimensions, double[] activity, Tensor pictures) {}

    static Traversals traversals(LatentModel model, ModelStore.DataPreprocessing p, Dataset data, int image, int dims, int steps, double range) {
        int d = model.dataDim(), latent = model.latentDim();
        dims = Math.min(dims, latent);
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            Tensor c = Runs.condition(model, data.hasLabels() ? data.labels() : null);
            float[] mu = model.encode(data.features(), c).vector().contiguous().toArray();
            double[] activity = variances(mu, data.size(), latent);
            int[] chosen = IntStream.range(0, latent).boxed().sorted(Comparator.comparingDouble((Integer j) -> -activity[j])).limit(dims)
                    .mapToInt(Integer::intValue).toArray();
            float[] z = new float[dims * steps * latent];
            for (int r = 0; r < dims; r++) {
                for (int s = 0; s < steps; s++) {
                    int at = (r * steps + s) * latent;
                    System.arraycopy(mu, image * latent, z, at, latent);
                    z[at + chosen[r]] = (float) (-range + 2 * range * s / (steps - 1));
                }
            }
            Tensor cond = c == null ? null : c.slice(0, image, image + 1).contiguous().expand(dims * steps, c.dim(1)).contiguous();
            float[] out = Runs.pictures(model, p, model.decode(Tensor.of(z, dims * steps, latent), cond)).toArray();
            return new Traversals(chosen, activity, Tensor.of(out, dims * steps, d));
        }
    }

    /** Population variance of each column of a row-major [n, m] array. */
    private static double[] variances(float[] v, int n, int m) {
        double[] mean = new double[m], var = new double[m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) mean[j] += v[i * m + j];
        for (int j = 0; j < m; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) var[j] += (v[i * m + j] - mean[j]) * (v[i * m + j] - mean[j]);
        for (int j = 0; j < m; j++) var[j] /= n;
        return var;
    }
}
