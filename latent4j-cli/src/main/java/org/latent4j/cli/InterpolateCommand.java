package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;

/** {@code latent4j interpolate RUN}: straight lines in latent space between pairs of held-out images. */
public final class InterpolateCommand implements Command {
    @Override
    public String name() {
        return "interpolate";
    }

    @Override
    public String summary() {
        return "interpolate in latent space between pairs of held-out images";
    }

    @Override
    public String help() {
        return """
                usage: latent4j interpolate RUN [options]

                Encodes pairs of held-out images (rows 0 and 1, 2 and 3, ...) to their posterior means and
                decodes evenly spaced points on the line between them. Each row of the PNG is one pair: the
                first image, the decoded points from one end to the other, the second image.

                options:
                  --pairs N    pairs of images (default 8)
                  --steps N    decoded points per pair, both ends included (default 10)
                  --out FILE   the PNG to write (default RUN/interpolations.png); for data that are vectors,
                               not images, an .npy (default RUN/interpolations.npy: float32 [pairs, steps + 2,
                               features], each line from its first row to its second) or a .csv
                  --json FILE  also write a summary as JSON
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("interpolate", args, Set.of(), Set.of("pairs", "steps", "out", "json"));
        String run = o.onePositional("run directory");
        int pairs = o.integer("pairs", 8, 1, 1000);
        int steps = o.integer("steps", 10, 2, 1000);
        ModelStore.Saved saved = Runs.loadRun(run);
        Dataset data = Runs.evaluationData(saved, null, 2 * pairs);
        if (data.size() < 2 * pairs) throw new UsageException("interpolate: the held-out data have only " + data.size() + " images for " + pairs + " pairs");
        LatentModel model = saved.model();
        int d = model.dataDim(), columns = steps + 2;
        float[] out = new float[pairs * columns * d];
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            Tensor x = data.features();
            Tensor c = Runs.condition(model, data.hasLabels() ? data.labels() : null);
            float[] mu = model.encode(x, c).vector().contiguous().toArray();
            float[] pixels = Runs.pictureOfData(saved.preprocessing(), x).toArray();
            int latent = mu.length / x.dim(0);
            for (int p = 0; p < pairs; p++) {
                int a = 2 * p, b = 2 * p + 1;
                float[] z = new float[steps * latent];
                for (int s = 0; s < steps; s++) {
                    float t = (float) s / (steps - 1);
                    for (int j = 0; j < latent; j++) z[s * latent + j] = (1 - t) * mu[a * latent + j] + t * mu[b * latent + j];
                }
                // a conditional model decodes the whole line under the first image's class
                Tensor cond = c == null ? null : c.slice(0, a, a + 1).contiguous().expand(steps, c.dim(1)).contiguous();
                float[] decoded = Runs.pictures(model, saved.preprocessing(), model.decode(Tensor.of(z, steps, latent), cond)).toArray();
                int row = p * columns * d;
                System.arraycopy(pixels, a * d, out, row, d);
                System.arraycopy(decoded, 0, out, row + d, steps * d);
                System.arraycopy(pixels, b * d, out, row + (columns - 1) * d, d);
            }
        }
        Path file = Runs.writePictures("interpolate", run, o, "interpolations", saved.preprocessing(), Tensor.of(out, pairs * columns, d), columns,
                new int[] {pairs, columns, d});
        System.out.println("wrote " + pairs + " interpolations of " + steps + " steps to " + file);
        Runs.writeJson(o, Runs.object("run", run, "pairs", pairs, "steps", steps, "image", file.toString()));
        return 0;
    }
}
