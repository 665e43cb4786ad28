package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;

/** {@code latent4j reconstruct RUN}: held-out images above their reconstructions. */
public final class ReconstructCommand implements Command {
    @Override
    public String name() {
        return "reconstruct";
    }

    @Override
    public String summary() {
        return "reconstruct held-out images (originals above, reconstructions below)";
    }

    @Override
    public String help() {
        return """
                usage: latent4j reconstruct RUN [options]

                Encodes held-out images, decodes the posterior means and writes a PNG grid: a row of originals,
                their reconstructions below, and so on.

                options:
                  --n N        images (default 32)
                  --columns N  images per row (default 16)
                  --out FILE   the PNG to write (default RUN/reconstructions.png); for data that are vectors,
                               not images, an .npy (default RUN/reconstructions.npy: float32 [n, 2, features],
                               [:, 0] the originals and [:, 1] their reconstructions) or a .csv (lines of
                               original and reconstruction alternating)
                  --json FILE  also write a summary as JSON, with the mean squared error of the images shown
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("reconstruct", args, Set.of(), Set.of("n", "columns", "out", "json"));
        String run = o.onePositional("run directory");
        int n = o.integer("n", 32, 1, 10_000);
        int columns = o.integer("columns", 16, 1, 1000);
        ModelStore.Saved saved = Runs.loadRun(run);
        Dataset data = Runs.evaluationData(saved, null, n);
        boolean images = saved.preprocessing().imageShape() != null;
        // vectors are written as (original, reconstruction) pairs: one "row of pictures" per vector
        int cols = images ? Math.min(columns, data.size()) : 1;
        Tensor grid;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            grid = Runs.reconstructionPairs(saved.model(), saved.preprocessing(), data, n, cols);
        }
        Path out = Runs.writePictures("reconstruct", run, o, "reconstructions", saved.preprocessing(), grid, cols,
                new int[] {data.size(), 2, grid.dim(1)});
        double mse = meanSquaredError(grid, cols, data.size());
        System.out.printf(java.util.Locale.ROOT, "wrote %d held-out %s and their reconstructions to %s (mean squared error per %s %.4f)%n",
                data.size(), images ? "images" : "rows", out, images ? "pixel" : "feature", mse);
        Runs.writeJson(o, Runs.object("run", run, "images", data.size(), "image", out.toString(), "mean_squared_error", mse));
        return 0;
    }

    /** Mean over the n shown images and their pixels of (original - reconstruction)^2, read off the paired rows. */
    private static double meanSquaredError(Tensor grid, int columns, int n) {
        float[] v = grid.toArray();
        int d = grid.dim(1);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int pair = i / columns, col = i % columns;
            int a = ((2 * pair) * columns + col) * d, b = ((2 * pair + 1) * columns + col) * d;
            for (int j = 0; j < d; j++) sum += (double) (v[a + j] - v[b + j]) * (v[a + j] - v[b + j]);
        }
        return sum / ((double) n * d);
    }
}
