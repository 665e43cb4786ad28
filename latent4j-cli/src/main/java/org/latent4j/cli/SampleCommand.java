package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Set;
import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.GradMode;

/** {@code latent4j sample RUN}: decoded samples from the prior as a PNG grid. */
public final class SampleCommand implements Command {
    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String summary() {
        return "draw samples from a trained model's prior as a PNG grid";
    }

    @Override
    public String help() {
        return """
                usage: latent4j sample RUN [options]

                Draws latents from the prior, decodes them and writes the likelihood's mean (for Bernoulli
                pixels, their probabilities) as a grid of images.

                options:
                  --n N        samples (default 64); for a conditional model (cvae), samples of each class
                               (default 8), drawn as one row per class
                  --out FILE   the PNG to write (default RUN/samples.png); for data that are vectors, not
                               images, an .npy (default RUN/samples.npy: float32 [n, features], or
                               [classes, n, features] for cvae) or a .csv (one line per sample)
                  --seed N     seed of the samples (default 0)
                  --json FILE  also write a summary as JSON
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("sample", args, Set.of(), Set.of("n", "out", "seed", "json"));
        String run = o.onePositional("run directory");
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        ModelStore.Saved saved = Runs.loadRun(run);
        int classes = saved.model().conditionClasses();
        int n = classes == 0 ? o.integer("n", 64, 1, 10_000) : o.integer("n", 8, 1, 1000);
        int columns = classes == 0 ? org.latent4j.cli.report.ImageGrid.columnsFor(n, 16) : n;
        org.latent4j.tensor.Tensor samples;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            samples = Runs.samples(saved.model(), saved.preprocessing(), n, seed);
        }
        int d = samples.dim(1);
        Path out = Runs.writePictures("sample", run, o, "samples", saved.preprocessing(), samples, columns,
                classes == 0 ? new int[] {n, d} : new int[] {classes, n, d});
        System.out.println("wrote " + (classes == 0 ? n + " samples" : n + " samples of each of " + classes + " classes (one row per class)")
                + " of the " + saved.model().kind() + " in " + run + " to " + out);
        Runs.writeJson(o, Runs.object("run", run, "samples", classes == 0 ? n : n * classes, "classes", classes, "seed", seed, "image", out.toString()));
        return 0;
    }
}
