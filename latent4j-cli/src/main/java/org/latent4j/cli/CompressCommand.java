package org.latent4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.latent4j.cli.report.ProgressBar;
import org.latent4j.cli.report.ReportCharts;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.CompressorKinds;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.ExactSearch;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.FitProgress;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.Recall;
import org.latent4j.compress.io.CodesFile;
import org.latent4j.compress.search.RerankingIndex;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.VectorFiles;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.data.io.VecsReader;
import org.latent4j.core.data.io.VecsWriter;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@code latent4j compress fit|encode|decode|search|eval}: vector compression from a spec string (see
 * {@link Compressors}), codes files ({@link CodesFile}), asymmetric search and recall against exact neighbours.
 */
public final class CompressCommand implements Command {
    /** Rows encoded, decoded or searched per parallel task: fixed, so results never depend on the thread count. */
    private static final int CHUNK = 256;
    private static final int EMBEDDED_BASE_ROWS = 9_000;

    /**
     * The default specs of eval: PQ (and OPQ) at 8, 16, 28 or 32, 56 or 64 bytes (m must divide the width: 784 =
     * 16 x 49 takes 28 and 56, widths such as 128 or 768 take 32 and 64), RQ at 12 bytes, PCA64,SQ8 at 64, BINC at
     * d / 8. Specs whose kinds are not registered, or that do not fit the data's width, are left out with a note.
     */
    static final List<String> DEFAULT_SPECS = List.of("PQ8x8", "OPQ8,PQ8x8", "PQ16x8", "OPQ16,PQ16x8", "RQ8x8", "PQ28x8", "PQ32x8", "OPQ32,PQ32x8",
            "PQ56x8", "PQ64x8", "PCA64,SQ8", "BINC");

    @Override
    public String name() {
        return "compress";
    }

    @Override
    public String summary() {
        return "vector compression: fit SQ8, PQ16x8, OPQ16,PQ16... on vectors, encode, decode, search codes, eval recall";
    }

    @Override
    public String help() {
        StringBuilder kinds = new StringBuilder();
        for (CompressorKind k : CompressorKinds.all()) {
            kinds.append(Help.option(k.syntax() + (k.isTransform() ? " (transform)" : ""), k.summary() + " (example: " + k.example() + ")"));
        }
        return """
                usage: latent4j compress fit    --spec SPEC --out MODEL.l4jc [--data FILE] [--train-rows N] [--seed S]
                       latent4j compress encode --model MODEL.l4jc --out CODES.l4jc [--data FILE] [--metric l2|ip]
                       latent4j compress decode --codes CODES.l4jc --out FILE.npy|FILE.fvecs
                       latent4j compress search --codes CODES.l4jc --out IDS.ivecs|IDS.npy [--queries FILE] [--k 10]
                                                [--rerank R --data FILE] [--metric l2|ip] [--ground-truth GT.ivecs]
                       latent4j compress eval   [--spec SPECS] [--data FILE --queries FILE] [--ground-truth GT.ivecs]
                                                [--k 10] [--out DIR]

                Compresses float vectors into short codes and searches them: the query stays exact and is scored
                against every code (asymmetric distance), smaller scores nearer (squared L2, or the negated inner
                product). A SPEC is comma-separated tokens, in the spirit of FAISS's index factory: zero or more
                transforms, then one compressor, e.g. SQ8, PQ16x8, OPQ16,PQ16x8, PCA64,SQ8. eval takes several specs,
                separated by commas or semicolons (a transform belongs to the compressor after it).

                Vectors: any file of %s. Without --data (and --queries), Fashion-MNIST: its 60,000 training images are
                the base and its 10,000 test images the queries when it is installed in %s, otherwise the
                embedded 10,000 test images split into the first 9,000 (base) and the last 1,000 (queries); the output
                says which.

                A .l4jc file holds the fitted compressor (every stage's settings and arrays) and, after encode, the
                codes, with a CRC32C checksum; fit writes one with no codes.

                options:
                  --spec SPEC           fit: the compressor; eval: the specs to compare (default: %s, each if registered)
                  --data FILE           the base vectors (fit, encode; search --rerank; eval)
                  --queries FILE        the query vectors (search, eval)
                  --out FILE|DIR        what to write: the model (fit), the codes (encode), the decoded vectors (decode),
                                        the neighbour ids (search: .ivecs or int32 .npy, [queries, k]), the report directory
                                        (eval: eval.json and recall.png)
                  --model FILE          encode: the model fit wrote
                  --codes FILE          decode, search: the codes encode wrote
                  --train-rows N        fit at most N rows, a uniform sample (default 65536)
                  --seed S              seed of the sample and of every random choice of the fit (default 0)
                  --kmeans-iterations N, --opq-iterations N, --beam N, --epochs N
                                        fit settings of the kinds that use them (defaults 25, 50, 5, 2)
                  --k N                 neighbours per query (default 10)
                  --metric l2|ip        search by squared L2 distance or inner product (default: the codes file's, l2)
                  --rerank R            search: take the best R by the codes, re-score them exactly with --data, keep k
                  --ground-truth FILE   true neighbours, .ivecs [queries, >= k] (search: to print recall; eval: instead
                                        of the exact search)
                  --queries-limit N     eval: the first N queries only

                compressors and transforms registered:
                """.formatted(VectorFiles.EXTENSIONS, FashionMnist.SYSTEM_DIRECTORY, String.join(" ", DEFAULT_SPECS)) + kinds;
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UsageException("compress: needs a sub-command: fit, encode, decode, search or eval (see compress --help)");
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "fit" -> fit(rest);
                case "encode" -> encode(rest);
                case "decode" -> decode(rest);
                case "search" -> search(rest);
                case "eval" -> eval(rest);
                default -> throw new UsageException("compress: unknown sub-command '" + args[0] + "' (one of fit, encode, decode, search, eval)");
            };
        } catch (UsageException | org.latent4j.core.model.OptionValues.OptionException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a spec, a token or data the compressors refuse: their message is one line naming what is wrong
            throw new UsageException("compress " + args[0] + ": " + Main.oneLine(e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ data

    /** Vectors and the name the output gives them. */
    record Vectors(String name, Tensor x) {
        int rows() {
            return x.dim(0);
        }

        int dim() {
            return x.dim(1);
        }
    }

    private static Vectors file(String path) throws DataFileException {
        Dataset d = VectorFiles.read(Path.of(path));
        return new Vectors(path, d.features().contiguous());
    }

    /** The default base: Fashion-MNIST's training images, or the first 9,000 embedded test images. */
    static Vectors defaultBase() throws DataFileException {
        if (Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY)) {
            return new Vectors("fashion-mnist/train (" + FashionMnist.SYSTEM_DIRECTORY + ")", FashionMnist.loadTrain(FashionMnist.SYSTEM_DIRECTORY).features().contiguous());
        }
        Tensor all = FashionMnist.embedded().features();
        return new Vectors("embedded fashion-mnist/test[:9000] (the full data set is not installed)", all.slice(0, 0, EMBEDDED_BASE_ROWS).contiguous());
    }

    /** The default queries: Fashion-MNIST's test images, or the last 1,000 embedded test images. */
    static Vectors defaultQueries() throws DataFileException {
        if (Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY)) {
            return new Vectors("fashion-mnist/test (" + FashionMnist.SYSTEM_DIRECTORY + ")", FashionMnist.loadTest(FashionMnist.SYSTEM_DIRECTORY).features().contiguous());
        }
        Tensor all = FashionMnist.embedded().features();
        return new Vectors("embedded fashion-mnist/test[9000:]", all.slice(0, EMBEDDED_BASE_ROWS, all.dim(0)).contiguous());
    }

    private static Vectors base(Arguments o) throws DataFileException {
        return o.has("data") ? file(o.string("data", null)) : defaultBase();
    }

    private static Vectors queries(Arguments o, String command) throws DataFileException {
        if (o.has("queries")) return file(o.string("queries", null));
        if (o.has("data")) throw new UsageException("compress " + command + ": --queries FILE is needed with --data (the default queries belong to the default data)");
        return defaultQueries();
    }

    private static Path required(Arguments o, String name, String command, String what) {
        if (!o.has(name)) throw new UsageException("compress " + command + ": --" + name + " " + what + " is required (see compress --help)");
        return Path.of(o.string(name, null));
    }

    private static Metric metric(Arguments o, Metric def) {
        if (!o.has("metric")) return def;
        try {
            return Metric.parse(o.string("metric", null));
        } catch (IllegalArgumentException e) {
            throw new UsageException(o.who() + ": --metric: " + e.getMessage());
        }
    }

    private static void requireWidth(Vectors v, Compressor c, String command) {
        if (v.dim() != c.dimension()) {
            throw new UsageException("compress " + command + ": " + v.name() + " has vectors of " + v.dim() + " values but the compressor " + c.token()
                    + " takes " + c.dimension());
        }
    }

    // ------------------------------------------------------------------ fit

    private static FitOptions fitOptions(Arguments o, FitProgress progress) {
        FitOptions d = FitOptions.defaults();
        return d.withSeed(o.integer("seed", 0, 0, Integer.MAX_VALUE))
                .withMaxTrainingRows(o.integer("train-rows", d.maxTrainingRows(), 1, Integer.MAX_VALUE))
                .withKmeansIterations(o.integer("kmeans-iterations", d.kmeansIterations(), 0, 10_000))
                .withOpqIterations(o.integer("opq-iterations", d.opqIterations(), 1, 10_000))
                .withBeamWidth(o.integer("beam", d.beamWidth(), 1, 1024))
                .withEpochs(o.integer("epochs", d.epochs(), 1, 100_000))
                .withProgress(progress);
    }

    /** A progress bar per named stage of a fit, on standard error. */
    private static FitProgress progressBars() {
        return new FitProgress() {
            private String stage;
            private ProgressBar bar;

            @Override
            public void update(String name, long done, long total) {
                if (!name.equals(stage) || bar == null) {
                    stage = name;
                    bar = ProgressBar.onStandardError("fit " + name, total, "steps");
                }
                bar.update(done, "");
                if (done >= total && ProgressBar.standardErrorIsInteractive()) {
                    bar.finish(String.format(Locale.ROOT, "fit %s: %d steps in %.1fs", name, total, bar.elapsedSeconds()));
                    bar = null;
                }
            }
        };
    }

    private static final Set<String> FIT_OPTIONS = Set.of("seed", "train-rows", "kmeans-iterations", "opq-iterations", "beam", "epochs");

    private static Set<String> with(Set<String> a, String... more) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(List.of(more));
        return s;
    }

    private int fit(String[] args) throws Exception {
        Arguments o = Arguments.parse("compress fit", args, Set.of(), with(FIT_OPTIONS, "spec", "data", "out"));
        if (!o.has("spec")) throw new UsageException("compress fit: --spec SPEC is required, e.g. --spec PQ16x8 (see compress --help for the kinds)");
        String spec = o.string("spec", null);
        Path out = required(o, "out", "fit", "MODEL.l4jc");
        Vectors base = base(o);
        Compressors.validate(spec, base.dim());
        FitOptions options = fitOptions(o, progressBars());
        long t0 = System.nanoTime();
        Compressor c = Compressors.fit(spec, base.x(), options);
        double seconds = (System.nanoTime() - t0) / 1e9;
        CodesFile.writeModel(out, c);
        System.out.printf(Locale.ROOT, "fitted %s on %,d rows of %s (%d values each; at most %,d trained, seed %d) in %.2fs: %d bytes a vector, "
                        + "%.1fx smaller than float32; wrote %s%n", c.token(), base.rows(), base.name(), base.dim(), options.maxTrainingRows(), options.seed(),
                seconds, c.codeSize(), 4.0 * c.dimension() / c.codeSize(), out);
        return 0;
    }

    // ------------------------------------------------------------------ encode, decode

    /** Codes of every row, encoded in parallel chunks. */
    static byte[] encodeAll(Compressor c, Tensor x) {
        int n = x.dim(0), d = x.dim(1), cs = c.codeSize();
        byte[] codes = new byte[Math.multiplyExact(n, cs)];
        float[] v = x.data();
        int off = x.offset();
        Parallel.range(n, CHUNK, (lo, hi) -> c.encode(v, off + lo * d, hi - lo, codes, lo * cs));
        return codes;
    }

    static float[] decodeAll(Compressor c, byte[] codes, int n) {
        int d = c.dimension(), cs = c.codeSize();
        float[] out = new float[Math.multiplyExact(n, d)];
        Parallel.range(n, CHUNK, (lo, hi) -> c.decode(codes, lo * cs, hi - lo, out, lo * d));
        return out;
    }

    private int encode(String[] args) throws Exception {
        Arguments o = Arguments.parse("compress encode", args, Set.of(), Set.of("model", "data", "out", "metric"));
        Path modelFile = required(o, "model", "encode", "MODEL.l4jc");
        Path out = required(o, "out", "encode", "CODES.l4jc");
        CodesFile model = CodesFile.read(modelFile);
        Compressor c = model.compressor();
        Vectors base = base(o);
        requireWidth(base, c, "encode");
        Metric metric = metric(o, Metric.L2);
        long t0 = System.nanoTime();
        byte[] codes = encodeAll(c, base.x());
        double seconds = (System.nanoTime() - t0) / 1e9;
        CodesFile.write(out, c, metric, codes, base.rows());
        System.out.printf(Locale.ROOT, "encoded %,d rows of %s with %s in %.2fs (%,.0f vectors/s): %,d bytes of codes (%d a vector); wrote %s%n",
                base.rows(), base.name(), c.token(), seconds, base.rows() / Math.max(seconds, 1e-9), codes.length, c.codeSize(), out);
        return 0;
    }

    private int decode(String[] args) throws Exception {
        Arguments o = Arguments.parse("compress decode", args, Set.of(), Set.of("codes", "out"));
        Path codesFile = required(o, "codes", "decode", "CODES.l4jc");
        Path out = required(o, "out", "decode", "FILE.npy or FILE.fvecs");
        String ext = extension(out, "decode", ".npy", ".fvecs");
        CodesFile f = CodesFile.read(codesFile);
        if (f.count() == 0) throw new UsageException("compress decode: " + codesFile + " holds a model but no codes (encode some with compress encode)");
        Compressor c = f.compressor();
        float[] x = decodeAll(c, f.codes(), f.count());
        if (ext.equals(".npy")) NpyWriter.write(out, Tensor.wrap(x, f.count(), c.dimension()));
        else VecsWriter.writeFloats(out, x, f.count(), c.dimension());
        System.out.printf(Locale.ROOT, "decoded %,d codes of %s into float32 [%d, %d]; wrote %s%n", f.count(), c.token(), f.count(), c.dimension(), out);
        return 0;
    }

    private static String extension(Path out, String command, String... allowed) {
        String n = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : allowed) if (n.endsWith(e)) return e;
        throw new UsageException("compress " + command + ": --out " + out + " must end with " + String.join(" or ", allowed));
    }

    // ------------------------------------------------------------------ search

    /** Queries a step of a progress bar: each step's queries are still searched in parallel. */
    private static final int PROGRESS_QUERIES = 512;
    /** Queries eval searches once, untimed, before it times the search of all of them. */
    static final int WARM_UP_QUERIES = 200;

    /**
     * {@code search} over the queries a block of {@value #PROGRESS_QUERIES} at a time, with a progress bar on an
     * interactive terminal (erased at the end: the caller prints the summary); every query's result is its own,
     * so the blocks change nothing.
     */
    static Neighbours withProgress(String label, Tensor queries, int k, java.util.function.Function<Tensor, Neighbours> search) {
        int nq = queries.dim(0), d = queries.dim(1);
        if (nq <= PROGRESS_QUERIES) return search.apply(queries);
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        float[] q = queries.contiguous().toArray();
        ProgressBar bar = ProgressBar.onStandardError(label, nq, "queries");
        for (int lo = 0; lo < nq; lo += PROGRESS_QUERIES) {
            int hi = Math.min(nq, lo + PROGRESS_QUERIES);
            Neighbours part = search.apply(Tensor.wrap(Arrays.copyOfRange(q, lo * d, hi * d), hi - lo, d));
            System.arraycopy(part.ids(), 0, ids, lo * k, (hi - lo) * k);
            System.arraycopy(part.scores(), 0, scores, lo * k, (hi - lo) * k);
            bar.update(hi, "");
        }
        bar.clear();
        return new Neighbours(nq, k, ids, scores);
    }

    /** The k nearest codes of every query, searched in parallel chunks of queries (an index is safe from several threads). */
    static Neighbours searchAll(CodeIndex index, Tensor queries, int k) {
        int nq = queries.dim(0), d = queries.dim(1);
        int[] ids = new int[Math.multiplyExact(nq, k)];
        float[] scores = new float[ids.length];
        float[] q = queries.contiguous().toArray();
        Parallel.range(nq, 16, (lo, hi) -> {
            Neighbours part = index.search(Tensor.wrap(Arrays.copyOfRange(q, lo * d, hi * d), hi - lo, d), k);
            System.arraycopy(part.ids(), 0, ids, lo * k, (hi - lo) * k);
            System.arraycopy(part.scores(), 0, scores, lo * k, (hi - lo) * k);
        });
        return new Neighbours(nq, k, ids, scores);
    }

    private static Neighbours groundTruth(Path file, int queries, int k) throws DataFileException {
        Tensor t = VecsReader.read(file);
        if (t.dim(0) != queries) throw new UsageException("compress: ground truth " + file + " has " + t.dim(0) + " rows but there are " + queries + " queries");
        if (t.dim(1) < k) throw new UsageException("compress: ground truth " + file + " has " + t.dim(1) + " neighbours a query, fewer than k = " + k);
        float[] v = t.toArray();
        int w = t.dim(1);
        int[] ids = new int[queries * k];
        for (int i = 0; i < queries; i++) for (int j = 0; j < k; j++) ids[i * k + j] = (int) v[i * w + j];
        return Recall.ids(queries, k, ids);
    }

    private int search(String[] args) throws Exception {
        Arguments o = Arguments.parse("compress search", args, Set.of(), Set.of("codes", "queries", "k", "rerank", "data", "metric", "out", "ground-truth"));
        Path codesFile = required(o, "codes", "search", "CODES.l4jc");
        Path out = required(o, "out", "search", "IDS.ivecs or IDS.npy");
        String ext = extension(out, "search", ".ivecs", ".npy");
        int k = o.integer("k", 10, 1, 100_000);
        int rerank = o.integer("rerank", 0, 0, 1_000_000);
        if (rerank > 0 && !o.has("data")) throw new UsageException("compress search: --rerank needs --data FILE, the original vectors of the codes");
        if (rerank > 0 && rerank < k) throw new UsageException("compress search: --rerank " + rerank + " must be at least --k " + k);
        CodesFile f = CodesFile.read(codesFile);
        if (f.count() == 0) throw new UsageException("compress search: " + codesFile + " holds a model but no codes (encode some with compress encode)");
        Compressor c = f.compressor();
        Metric metric = metric(o, f.metric());
        Vectors queries = o.has("queries") ? file(o.string("queries", null)) : defaultQueries();
        requireWidth(queries, c, "search");
        Vectors base = null;
        if (rerank > 0) {
            base = file(o.string("data", null));
            requireWidth(base, c, "search");
            if (base.rows() != f.count()) {
                throw new UsageException("compress search: --data " + base.name() + " has " + base.rows() + " rows but " + codesFile + " holds " + f.count() + " codes");
            }
        }
        long t0 = System.nanoTime();
        CodeIndex byCodes = c.index(f.codes(), f.count(), metric);
        CodeIndex index = rerank > 0 ? new RerankingIndex(byCodes, base.x(), rerank) : byCodes;
        Neighbours found = withProgress("search", queries.x(), k, part -> searchAll(index, part, k));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (ext.equals(".ivecs")) VecsWriter.writeInts(out, found.ids(), found.queries(), k);
        else NpyWriter.writeInts(out, found.ids(), found.queries(), k);
        System.out.printf(Locale.ROOT, "searched %,d codes of %s for %,d queries of %s (k %d, %s%s) in %.2fs (%,.0f queries/s); wrote the ids [%d, %d] to %s%n",
                f.count(), c.token(), queries.rows(), queries.name(), k, metric.label(), rerank > 0 ? ", the best " + rerank + " re-scored exactly" : "",
                seconds, queries.rows() / Math.max(seconds, 1e-9), queries.rows(), k, out);
        if (o.has("ground-truth")) {
            Neighbours truth = groundTruth(Path.of(o.string("ground-truth", null)), queries.rows(), k);
            System.out.printf(Locale.ROOT, "k-NN recall@%d %.4f, 1-recall@1 %.4f, 1-recall@%d %.4f%n", k, Recall.knnRecallAt(found, truth, k),
                    Recall.oneRecallAt(found, truth, 1), k, Recall.oneRecallAt(found, truth, k));
        }
        return 0;
    }

    // ------------------------------------------------------------------ eval

    /**
     * Specs from a list: semicolons separate specs; within a part, commas separate tokens and each compressor token
     * ends a spec, so "SQ8,OPQ16,PQ16x8" is SQ8 and OPQ16,PQ16x8.
     */
    static List<String> specList(String text) {
        List<String> specs = new ArrayList<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) continue;
            StringBuilder spec = new StringBuilder();
            for (String token : Compressors.tokens(part)) {
                spec.append(spec.isEmpty() ? "" : ",").append(token);
                if (!CompressorKinds.forToken(token).isTransform()) {
                    specs.add(spec.toString());
                    spec.setLength(0);
                }
            }
            if (!spec.isEmpty()) throw new IllegalArgumentException("spec list '" + text + "' ends with the transform " + spec + "; a compressor must follow it");
        }
        if (specs.isEmpty()) throw new IllegalArgumentException("empty spec list (for example --spec SQ8,PQ16x8)");
        return specs;
    }

    private static String family(String spec) {
        List<String> tokens = Compressors.tokens(spec);
        String last = CompressorKinds.forToken(tokens.getLast()).name();
        return tokens.size() == 1 ? last : CompressorKinds.forToken(tokens.getFirst()).name() + "," + last;
    }

    private int eval(String[] args) throws Exception {
        Arguments o = Arguments.parse("compress eval", args, Set.of(),
                with(FIT_OPTIONS, "spec", "data", "queries", "ground-truth", "k", "out", "metric", "queries-limit"));
        int k = o.integer("k", 10, 1, 10_000);
        Metric metric = metric(o, Metric.L2);
        // a bad fit option is refused before the exact search, which takes seconds
        FitOptions options = fitOptions(o, progressBars());
        Path outDir = o.has("out") ? Path.of(o.string("out", null)) : null;
        Vectors base = base(o);
        Vectors queries = queries(o, "eval");
        if (queries.dim() != base.dim()) {
            throw new UsageException("compress eval: the queries " + queries.name() + " have " + queries.dim() + " values, the base " + base.dim());
        }
        int limit = o.integer("queries-limit", 0, 0, Integer.MAX_VALUE);
        if (limit > 0 && limit < queries.rows()) {
            queries = new Vectors(queries.name() + "[:" + limit + "]", queries.x().slice(0, 0, limit).contiguous());
        }
        if (k > base.rows()) throw new UsageException("compress eval: --k " + k + " is more than the " + base.rows() + " base vectors");
        int d = base.dim();
        List<String> specs = new ArrayList<>();
        PrintStream out = System.out;
        if (o.has("spec")) {
            for (String s : specList(o.string("spec", null))) {
                Compressors.validate(s, d);
                specs.add(s);
            }
        } else {
            List<String> skipped = new ArrayList<>();
            for (String s : DEFAULT_SPECS) {
                try {
                    Compressors.validate(s, d);
                    specs.add(s);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    skipped.add(s);
                }
            }
            if (!skipped.isEmpty()) out.println("default specs left out (kind not registered or not valid for " + d + " values): " + String.join(" ", skipped));
            if (specs.isEmpty()) throw new UsageException("compress eval: none of the default specs applies to " + d + "-value vectors; name some with --spec");
        }
        out.printf(Locale.ROOT, "base: %s, %,d x %d; queries: %s, %,d; %s, k %d, %d threads%n", base.name(), base.rows(), d, queries.name(), queries.rows(),
                metric.label(), k, Parallel.threads());

        Neighbours truth;
        String truthSource;
        double truthSeconds = 0;
        if (o.has("ground-truth")) {
            truthSource = o.string("ground-truth", null);
            truth = groundTruth(Path.of(truthSource), queries.rows(), k);
        } else {
            long t0 = System.nanoTime();
            Tensor b = base.x();
            truth = withProgress("exact neighbours", queries.x(), k, part -> ExactSearch.search(b, part, k, metric));
            truthSeconds = (System.nanoTime() - t0) / 1e9;
            truthSource = "exact";
            out.printf(Locale.ROOT, "ground truth: exact %d-NN by brute force in %.2fs%n", k, truthSeconds);
        }

        List<CompressEvalReport.SpecResult> results = new ArrayList<>();
        for (String spec : specs) {
            long t0 = System.nanoTime();
            Compressor c = Compressors.fit(spec, base.x(), options);
            double fitSeconds = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            byte[] codes = encodeAll(c, base.x());
            double encodeSeconds = (System.nanoTime() - t0) / 1e9;
            float[] decoded = decodeAll(c, codes, base.rows());
            float[] x = base.x().data();
            int xo = base.x().offset();
            double sq = 0;
            for (int i = 0; i < decoded.length; i++) {
                double e = (double) x[xo + i] - decoded[i];
                sq += e * e;
            }
            CodeIndex index = c.index(codes, base.rows(), metric);
            // the first searches of a run run the scan kernels before the JIT has compiled them (seconds): time a
            // warm index, as a service that searches all day would see it
            searchAll(index, queries.x().slice(0, 0, Math.min(WARM_UP_QUERIES, queries.rows())), k);
            t0 = System.nanoTime();
            Neighbours found = withProgress("search " + spec, queries.x(), k, part -> searchAll(index, part, k));
            double searchSeconds = (System.nanoTime() - t0) / 1e9;
            CompressEvalReport.SpecResult r = new CompressEvalReport.SpecResult(spec, c.token(), c.codeSize(), Recall.knnRecallAt(found, truth, k),
                    Recall.oneRecallAt(found, truth, 1), Recall.oneRecallAt(found, truth, k), sq / decoded.length, fitSeconds,
                    base.rows() / Math.max(encodeSeconds, 1e-9), queries.rows() / Math.max(searchSeconds, 1e-9));
            results.add(r);
            out.printf(Locale.ROOT, "%s: recall@%d %.4f (fit %.2fs, search %.2fs)%n", spec, k, r.knnRecall(), fitSeconds, searchSeconds);
        }
        out.println();
        out.print(table(results, k));
        CompressEvalReport report = new CompressEvalReport(base.name(), base.rows(), queries.name(), queries.rows(), d, metric.label(), k, truthSource,
                truthSeconds, Parallel.threads(), results);
        if (outDir != null) {
            Files.createDirectories(outDir);
            Json.writeFile(outDir.resolve("eval.json"), Json.toReportJson(report));
            List<ReportCharts.RecallPoint> points = new ArrayList<>();
            for (CompressEvalReport.SpecResult r : results) points.add(new ReportCharts.RecallPoint(r.spec(), family(r.spec()), r.bytesPerVector(), r.knnRecall()));
            ReportCharts.writeRecallChart(outDir.resolve("recall.png"), "k-NN recall@" + k + " against bytes per vector",
                    String.format(Locale.ROOT, "%,d base vectors of %d values, %,d queries, %s; fitted on %,d rows", base.rows(), d, queries.rows(),
                            metric.label(), Math.min(base.rows(), options.maxTrainingRows())),
                    "k-NN recall@" + k, points);
            out.println("wrote " + outDir.resolve("eval.json") + " and " + outDir.resolve("recall.png"));
        }
        return 0;
    }

    static String table(List<CompressEvalReport.SpecResult> results, int k) {
        int w = "spec".length();
        for (CompressEvalReport.SpecResult r : results) w = Math.max(w, r.spec().length());
        StringBuilder sb = new StringBuilder();
        String head = "%-" + w + "s %6s %10s %10s %11s %11s %8s %12s %10s%n";
        sb.append(String.format(Locale.ROOT, head, "spec", "bytes", "recall@" + k, "1-recall@1", "1-recall@" + k, "MSE", "fit s", "encode vec/s",
                "search q/s"));
        for (CompressEvalReport.SpecResult r : results) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %6d %10.4f %10.4f %11.4f %11.5g %8.2f %,12.0f %,10.1f%n", r.spec(), r.bytesPerVector(), r.knnRecall(),
                    r.oneRecallAt1(), r.oneRecallAtK(), r.reconstructionMse(), r.fitSeconds(), r.encodeVectorsPerSecond(), r.searchQueriesPerSecond()));
        }
        return sb.toString();
    }
}
