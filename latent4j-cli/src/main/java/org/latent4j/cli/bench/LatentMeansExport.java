package org.latent4j.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;

/**
 * {@code latent4j bench latent-means RUN --out DIR}: the second data set of the compression benchmark, vectors that
 * are not images: a trained model's posterior means (a deterministic model's codes) of Fashion-MNIST's 60,000
 * training images (DIR/base.npy) and 10,000 test images (DIR/queries.npy), float32 [rows, latent]. The encoder
 * sees the pixel intensities / 255 (standardized when the model was trained on standardized data); a model trained on
 * binarized pixels thus encodes the grey images themselves, the deterministic input an embedding pipeline would give it.
 */
final class LatentMeansExport {
    private LatentMeansExport() {}

    static final String NAME = "bench latent-means";
    static final String HELP = """
            usage: latent4j bench latent-means RUN --out DIR [--data fashion-mnist|DIR]
              Writes the posterior means of a trained model (in RUN) of Fashion-MNIST's training images to DIR/base.npy
              and of its test images to DIR/queries.npy (float32 [rows, latent]): the vectors of bench/compress-vs-faiss.sh
              --data vae-latents.
            """;
    private static final int BATCH = 512;

    static int run(String[] args) throws IOException {
        Arguments o = Arguments.parse(NAME, args, Set.of(), Set.of("out", "data"));
        String run = o.onePositional("run directory");
        if (!o.has("out")) throw new UsageException(NAME + ": --out DIR is required");
        Path out = Path.of(o.string("out", null));
        ModelStore.Saved saved = ModelStore.load(Path.of(run));
        LatentModel model = saved.model();
        if (model.conditionClasses() != 0) throw new UsageException(NAME + ": the " + model.kind() + " in " + run + " is conditional; its means depend on labels");
        FashionMnist.Splits data = FashionMnist.load(FashionMnist.resolve(o.string("data", FashionMnist.WORD)));
        if (data.train().dim() != model.dataDim()) {
            throw new UsageException(NAME + ": the model in " + run + " takes " + model.dataDim() + " features, Fashion-MNIST has " + data.train().dim());
        }
        Files.createDirectories(out);
        Tensor base = means(saved, data.train().features()), queries = means(saved, data.test().features());
        NpyWriter.write(out.resolve("base.npy"), base);
        NpyWriter.write(out.resolve("queries.npy"), queries);
        System.out.printf(Locale.ROOT, "wrote the %d-dimensional posterior means of the %s in %s: %s (%d training images), %s (%d test images)%n",
                base.dim(1), model.kind(), run, out.resolve("base.npy"), base.dim(0), out.resolve("queries.npy"), queries.dim(0));
        return 0;
    }

    /** The means of rows [n, features], in batches. */
    static Tensor means(ModelStore.Saved saved, Tensor x) {
        Tensor in = saved.preprocessing().standardizer() == null ? x : saved.preprocessing().standardizer().apply(x);
        LatentModel model = saved.model();
        int n = in.dim(0);
        float[] all = null;
        int latent = 0;
        Workspace workspace = new Workspace();
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += BATCH) {
                int hi = Math.min(n, lo + BATCH);
                try (var scope = workspace.open()) {
                    Tensor mean = switch (model.encode(in.slice(0, lo, hi), null)) {
                        case LatentCode.Gaussian g -> g.posterior().mean();
                        case LatentCode.Deterministic d -> d.vector();
                        default -> throw new UsageException(NAME + ": the " + model.kind() + " gives codes that are not vectors (a Gaussian or deterministic code is needed)");
                    };
                    if (all == null) {
                        latent = mean.dim(1);
                        all = new float[Math.multiplyExact(n, latent)];
                    }
                    System.arraycopy(mean.contiguous().data(), 0, all, lo * latent, (hi - lo) * latent);
                }
            }
        }
        return Tensor.wrap(all, n, latent);
    }
}
