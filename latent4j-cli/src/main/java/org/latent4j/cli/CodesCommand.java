package org.latent4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.VectorFiles;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.ops.ShapeOps;

/**
 * {@code latent4j codes RUN --out FILE.npy}: the discrete codes a trained model gives a data set, as an NPY array of
 * int32 [rows, positions, stages] (what a prior over codes trains on, or an index of compressed vectors).
 */
public final class CodesCommand implements Command {
    private static final int BATCH = 256;
    private static final List<String> SPLITS = List.of("test", "train", "all");

    @Override
    public String name() {
        return "codes";
    }

    @Override
    public String summary() {
        return "write the discrete codes a trained model (vq-vae, ...) gives a data set, as NPY";
    }

    @Override
    public String help() {
        return """
                usage: latent4j codes RUN --out FILE.npy [options]

                Encodes data with the model in the run directory RUN (a model with discrete codes, such as vq-vae),
                preprocessed as in training, and writes the chosen codes as a NumPy int32 array of shape
                [rows, positions, stages]: for each row, at each place of its code (1 for an MLP code, h * w for a
                convolutional grid, row by row) and each codebook stage (1 unless residual), the code's index. Rows
                keep the data's order.

                options:
                  --out FILE     the .npy file to write (required)
                  --data SOURCE  the data: the run's own (default), embedded, fashion-mnist, a DIR of IDX files, or a
                                 FILE of vectors (.npy, .csv, .fvecs)
                  --split NAME   test (default: the held-out rows, those eval uses), train (the rows the run trained
                                 on, --limit included) or all (every row of the source in its order; for
                                 fashion-mnist the 60,000 training images, then the 10,000 test images)
                  --limit N      the first N rows only (default: all)
                  --seed N       seed of the fixed binarization, for a model trained on binarized data (default 0)
                  --json FILE    also write a summary as JSON
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        Arguments o = Arguments.parse("codes", args, Set.of(), Set.of("out", "data", "split", "limit", "seed", "json"));
        String run = o.onePositional("run directory");
        if (!o.has("out")) throw new UsageException("codes: --out FILE.npy is required (see codes --help)");
        Path out = Path.of(o.string("out", null));
        String split = o.choice("split", "test", SPLITS);
        int limit = o.integer("limit", 0, 0, Integer.MAX_VALUE);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        ModelStore.Saved saved = Runs.loadRun(run);
        LatentModel model = saved.model();
        Dataset data = rows(saved, o.string("data", null), split, limit, seed);
        if (data.size() == 0) throw new UsageException("codes: the " + split + " rows of " + data.name() + " are empty");
        int n = data.size();
        int[] all = null;
        int positions = 0, stages = 0;
        int[] sizes = null;
        Workspace workspace = new Workspace();
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            for (int lo = 0; lo < n; lo += BATCH) {
                int hi = Math.min(n, lo + BATCH);
                try (var scope = workspace.open()) {
                    Tensor x = data.features().slice(0, lo, hi);
                    Tensor c = Runs.condition(model, data.hasLabels() ? Arrays.copyOfRange(data.labels(), lo, hi) : null);
                    LatentCode code = model.encode(x, c);
                    if (!(code instanceof LatentCode.Discrete d)) {
                        throw new UsageException("codes: the " + model.kind() + " in " + run + " gives " + Runs.codeKind(code)
                                + " codes, not discrete ones (codes needs a model such as vq-vae)");
                    }
                    if (all == null) {
                        positions = d.positions();
                        stages = d.stages();
                        sizes = d.codebookSizes();
                        all = new int[Math.multiplyExact(n, positions * stages)];
                    }
                    int[] idx = d.indices();
                    System.arraycopy(idx, 0, all, lo * positions * stages, idx.length);
                }
            }
        }
        NpyWriter.writeInts(out, all, n, positions, stages);
        System.out.printf(Locale.ROOT, "wrote the codes of %,d rows of %s (%d position%s x %d stage%s, codebook size%s %s) from the %s in %s to %s "
                        + "(int32 [%d, %d, %d])%n", n, data.name(), positions, positions == 1 ? "" : "s", stages, stages == 1 ? "" : "s",
                stages == 1 ? "" : "s", sizes.length == 1 ? Integer.toString(sizes[0]) : Arrays.toString(sizes), model.kind(), run, out, n, positions, stages);
        Runs.writeJson(o, Runs.object("run", run, "data", data.name(), "split", split, "rows", n, "positions", positions, "stages", stages,
                "codebook_sizes", sizes, "dtype", "int32", "file", out.toString()));
        return 0;
    }

    /** The rows to encode, preprocessed as the run's training data were. */
    private static Dataset rows(ModelStore.Saved saved, String dataOverride, String split, int limit, long seed) throws Exception {
        Runs.DataSource source = Runs.dataSource(saved);
        if (dataOverride != null) {
            String other = Runs.absolute(dataOverride);
            // a CSV like the run's keeps its label column out of the features
            boolean csv = Runs.isFile(other) && other.toLowerCase(Locale.ROOT).matches(".*\\.csv(\\.gz)?");
            source = new Runs.DataSource(other, split.equals("train") ? source.limit() : 0, source.seed(), csv ? source.labelColumn() : null, null,
                    source.classes());
        }
        Dataset d = switch (split) {
            case "train" -> Runs.load(source).train();
            case "test" -> Runs.load(source).test();
            default -> Runs.allRows(saved, source.source());
        };
        if (limit > 0 && limit < d.size()) d = d.rows(Runs.firstRows(limit), d.name() + "[:" + limit + "]");
        if (d.dim() != saved.model().dataDim()) {
            throw new UsageException("codes: " + d.name() + " has " + d.dim() + " features but the model takes " + saved.model().dataDim());
        }
        return org.latent4j.core.data.ModelInput.prepare(saved.preprocessing(), d, seed);
    }

    /** Every row of a source in its order. */
    static Dataset everything(String source) throws java.io.IOException {
        if (Runs.EMBEDDED.equals(source)) return FashionMnist.embedded();
        if (!FashionMnist.WORD.equals(source) && VectorFiles.isVectorFile(Path.of(source))) return VectorFiles.read(Path.of(source));
        FashionMnist.Splits s = FashionMnist.load(FashionMnist.resolve(source));
        Dataset a = s.train(), b = s.test();
        int[] labels = null;
        if (a.hasLabels() && b.hasLabels()) {
            labels = Arrays.copyOf(a.labels(), a.size() + b.size());
            System.arraycopy(b.labels(), 0, labels, a.size(), b.size());
        }
        return new Dataset(a.name() + "+test", ShapeOps.concat(0, a.features(), b.features()), labels, a.imageShape());
    }
}
