package org.latent4j.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.CompressorKinds;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.ExactSearch;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.Recall;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.VectorFiles;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@code latent4j bench compress}: fits each compression spec on a base set, encodes the base, searches it with
 * every query (exhaustive asymmetric search, L2, k nearest) and reports what bench/compress_faiss.py reports for
 * FAISS, measured the same way: fit seconds, encoded vectors/s (encoding plus building the searchable index),
 * queries/s, k-NN recall@k, 1-recall@1 and 1-recall@k against the exact neighbours, and bytes per vector. With
 * --serve it answers one spec per stdin line with one JSON line, so bench/compress-vs-faiss.sh can alternate it with
 * FAISS's runs case by case. Any registered compressor kind can be measured, including kinds from jars added to the
 * class path (the bench's jvector kind).
 */
final class CompressBench {
    private CompressBench() {}

    static final String NAME = "bench compress";
    static final String HELP = """
            usage: latent4j bench compress [--specs 'PQ16;OPQ16,PQ16;SQ8'] [--rounds 3] [--threads N] [--json FILE] [data options]
                   latent4j bench compress --serve [--threads N] [data options]
              Fit time, encode vectors/s, search queries/s (exhaustive, L2, every query against the whole base), k-NN
              recall@k, 1-recall@1 and bytes per vector of each spec (';'-separated: a spec's own commas separate its
              stages), the medians of --rounds fits. The base is also the training set (at most --train-rows rows of it,
              a sample drawn with seed 0). --serve answers each spec on stdin with one JSON line.
              data options: --base FILE --queries FILE (.npy, .csv, .fvecs...; default: Fashion-MNIST's 60,000 training
              and 10,000 test images, pixels / 255, when installed), --query-limit N (the first N queries only),
              --k 10, --train-rows 65536
            """;

    static final String DEFAULT_SPECS = "PQ8;PQ16;OPQ16,PQ16;SQ8";
    /** The request for the exact neighbours' ids; no spec starts with '!'. */
    static final String TRUTH_REQUEST = "!truth";

    /** The exact k nearest neighbours of the queries, found once per process. */
    record Data(String name, Tensor base, Tensor queries, int k, Neighbours truth, double truthSeconds) {}

    /** What one fit, encode and search of a spec measured. */
    record Result(String spec, String token, String index, int bytes, double fitSeconds, double encodeVectorsPerSecond,
                  double indexSeconds, double searchQueriesPerSecond, double recallAtK, double recall1At1, double recall1AtK) {
        /** As JSON, with the side's name when given (a served answer leaves it to the driver, which knows whose kind it asked for). */
        Map<String, Object> json(String side) {
            Map<String, Object> m = BenchReport.results("spec", spec, "side", side, "token", token, "index", index, "bytes", bytes, "fit_s", fitSeconds,
                    "encode_vps", encodeVectorsPerSecond, "index_s", indexSeconds, "search_qps", searchQueriesPerSecond,
                    "recall_at_k", recallAtK, "recall_1_at_1", recall1At1, "recall_1_at_k", recall1AtK);
            if (side == null) m.remove("side");
            return m;
        }
    }

    static int run(String[] args) throws IOException {
        Arguments o = Arguments.parse(NAME, args, Set.of("serve"),
                Set.of("specs", "base", "queries", "query-limit", "k", "threads", "rounds", "train-rows", "json"));
        if (!o.positional().isEmpty()) throw new UsageException(NAME + ": unexpected argument '" + o.positional().get(0) + "'");
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int rounds = o.integer("rounds", 3, 1, 1000);
        int k = o.integer("k", 10, 1, 10_000);
        FitOptions options = FitOptions.defaults().withMaxTrainingRows(o.integer("train-rows", FitOptions.defaults().maxTrainingRows(), 1, Integer.MAX_VALUE));
        List<String> specs = specs(o.string("specs", DEFAULT_SPECS));
        Path json = o.has("json") ? Path.of(o.string("json", "")) : null;
        if (o.has("serve") && (json != null || o.has("specs"))) throw new UsageException(NAME + ": --serve reads specs from stdin and answers on stdout");
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Data data = load(o.string("base", null), o.string("queries", null), o.integer("query-limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE), k);
            if (o.has("serve")) return serve(data, options, threads);
            System.out.printf(Locale.ROOT, "compression on %s: base [%d, %d], %d queries, k = %d, %d thread%s, Java %s (%s); exact neighbours in %.1f s%n",
                    data.name(), data.base().dim(0), data.base().dim(1), data.queries().dim(0), k, threads, threads == 1 ? "" : "s",
                    Runtime.version(), Kernels.gemm().name(), data.truthSeconds());
            System.out.printf(Locale.ROOT, "%-18s %6s %9s %9s %8s %9s %11s %11s%n", "spec", "bytes", "recall@" + k, "1-rec@1", "fit s",
                    "encode/s", "queries/s", "index");
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String spec : specs) {
                List<Result> runs = new ArrayList<>();
                for (int r = 0; r < rounds; r++) runs.add(measure(data, spec, options));
                Result m = median(runs);
                System.out.printf(Locale.ROOT, "%-18s %6d %9.4f %9.4f %8.2f %9.0f %11.0f %11s%n", spec, m.bytes(), m.recallAtK(), m.recall1At1(),
                        m.fitSeconds(), m.encodeVectorsPerSecond(), m.searchQueriesPerSecond(), m.index());
                Map<String, Object> row = m.json("latent4j");
                row.put("fit_s_runs", runs.stream().mapToDouble(Result::fitSeconds).toArray());
                row.put("search_qps_runs", runs.stream().mapToDouble(Result::searchQueriesPerSecond).toArray());
                rows.add(row);
            }
            if (json != null) {
                BenchReport.write(json, BenchReport.results("benchmark", "compress", "data", data.name(), "base", data.base().shape(),
                        "queries", data.queries().shape(), "k", k, "threads", threads, "rounds", rounds, "java", Runtime.version().toString(),
                        "results", rows));
                System.out.println("wrote " + json);
            }
            return 0;
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Specs separated by ';' or white space (a spec's commas separate its stages). */
    static List<String> specs(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split("[;\\s]+")) if (!s.isBlank()) out.add(s.strip());
        if (out.isEmpty()) throw new UsageException(NAME + ": --specs names no spec");
        return out;
    }

    /** The base and query rows: the two files, or Fashion-MNIST's training and test images. */
    static Data load(String baseFile, String queriesFile, int queryLimit, int k) throws IOException {
        Tensor base, queries;
        String name;
        if (baseFile != null || queriesFile != null) {
            if (baseFile == null || queriesFile == null) throw new UsageException(NAME + ": --base and --queries go together");
            base = VectorFiles.read(Path.of(baseFile)).features().contiguous();
            queries = VectorFiles.read(Path.of(queriesFile)).features().contiguous();
            name = baseFile + " / " + queriesFile;
        } else {
            if (!Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY)) {
                throw new UsageException(NAME + ": Fashion-MNIST is not installed in " + FashionMnist.SYSTEM_DIRECTORY
                        + " (apt-get install dataset-fashion-mnist), so name the data with --base FILE --queries FILE");
            }
            FashionMnist.Splits s = FashionMnist.load(FashionMnist.SYSTEM_DIRECTORY);
            base = s.train().features().contiguous();
            queries = s.test().features().contiguous();
            name = "fashion-mnist";
        }
        if (base.rank() != 2 || queries.rank() != 2 || base.dim(1) != queries.dim(1)) {
            throw new UsageException(NAME + ": the base rows " + java.util.Arrays.toString(base.shape()) + " and the queries "
                    + java.util.Arrays.toString(queries.shape()) + " must be [n, d] of one width d");
        }
        if (queries.dim(0) > queryLimit) queries = queries.slice(0, 0, queryLimit).contiguous();
        if (k > base.dim(0)) throw new UsageException(NAME + ": --k " + k + " is more than the " + base.dim(0) + " base rows");
        long t0 = System.nanoTime();
        Neighbours truth = ExactSearch.search(base, queries, k, Metric.L2);
        return new Data(name, base, queries, k, truth, (System.nanoTime() - t0) / 1e9);
    }

    /** Fits, encodes and searches one spec, timing each step. */
    static Result measure(Data data, String spec, FitOptions options) {
        Tensor base = data.base(), queries = data.queries();
        int n = base.dim(0);
        long t0 = System.nanoTime();
        Compressor c = Compressors.fit(spec, base, options);
        long t1 = System.nanoTime();
        byte[] codes = c.encode(base);
        long t2 = System.nanoTime();
        CodeIndex index = c.index(codes, n, Metric.L2);
        long t3 = System.nanoTime();
        Neighbours found = index.search(queries, data.k());
        long t4 = System.nanoTime();
        Neighbours truth = data.truth();
        int k = data.k();
        return new Result(spec, c.token(), indexName(index), c.codeSize(), (t1 - t0) / 1e9, n / ((t3 - t1) / 1e9), (t3 - t2) / 1e9,
                queries.dim(0) / ((t4 - t3) / 1e9), Recall.knnRecallAt(found, truth, k), Recall.oneRecallAt(found, truth, 1), Recall.oneRecallAt(found, truth, k));
    }

    private static String indexName(CodeIndex index) {
        String s = index.getClass().getSimpleName();
        return s.isEmpty() ? index.getClass().getName().replaceAll(".*\\.", "") : s;
    }

    /** The run of median fit time, with the medians of every timing (the recalls do not change between fits of one seed). */
    static Result median(List<Result> runs) {
        double fit = BenchReport.median(runs.stream().mapToDouble(Result::fitSeconds).toArray());
        double enc = BenchReport.median(runs.stream().mapToDouble(Result::encodeVectorsPerSecond).toArray());
        double idx = BenchReport.median(runs.stream().mapToDouble(Result::indexSeconds).toArray());
        double qps = BenchReport.median(runs.stream().mapToDouble(Result::searchQueriesPerSecond).toArray());
        Result f = runs.getFirst();
        return new Result(f.spec(), f.token(), f.index(), f.bytes(), fit, enc, idx, qps, f.recallAtK(), f.recall1At1(), f.recall1AtK());
    }

    /**
     * {@code --serve}: says "ready {json}" once the data are loaded and their exact neighbours found, then answers each
     * spec line with one JSON object, or {"spec", "error"} when the spec cannot be fitted, and {@value #TRUTH_REQUEST} with
     * the exact neighbours' ids (so a driver can check that both sides measure recall against the same neighbours).
     * Ends at end of input or "quit".
     */
    private static int serve(Data data, FitOptions options, int threads) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Map<String, Object> ready = BenchReport.results("side", "latent4j", "java", Runtime.version().toString(), "gemm", Kernels.gemm().name(),
                "threads", threads, "data", data.name(), "base", data.base().shape(), "queries", data.queries().shape(), "k", data.k(),
                "truth_s", data.truthSeconds(), "kinds", CompressorKinds.all().stream()
                        .map(kind -> BenchReport.results("name", kind.name(), "syntax", kind.syntax(), "summary", kind.summary())).toList());
        System.out.println("ready " + Json.writeCompact(Json.toReportJson(ready)));
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String spec = line.strip();
            if (spec.isEmpty() || spec.equals("quit")) break;
            Object answer;
            if (spec.equals(TRUTH_REQUEST)) {
                answer = BenchReport.results("truth_ids", data.truth().ids());
                System.out.println(Json.writeCompact(Json.toReportJson(answer)));
                System.out.flush();
                continue;
            }
            try {
                answer = measure(data, spec, options).json(null);
            } catch (IllegalArgumentException | UnsupportedOperationException | IllegalStateException e) {
                answer = BenchReport.results("spec", spec, "error", String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
            } catch (OutOfMemoryError e) {
                answer = BenchReport.results("spec", spec, "error", "out of heap (-Xmx) fitting " + spec);
            }
            System.out.println(Json.writeCompact(Json.toReportJson(answer)));
            System.out.flush();
        }
        return 0;
    }

}
