package org.latent4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.latent4j.core.data.FashionMnist;

/**
 * The command line on Spark, for {@code spark-submit} or {@code bin/latent4j-spark} (local mode):
 * {@code encode|reconstruct|score|codes|compress --model RUN --input PATH --output PATH ...}. Reads Parquet, CSV or
 * JSON (or, without {@code --input}, the embedded Fashion-MNIST test images), runs the matching transformer and writes
 * Parquet. Bad input gives one line on standard error and exit code 2.
 */
public final class SparkMain {
    private SparkMain() {}

    /** The exit code of a usage error or bad input. */
    static final int BAD_INPUT = 2;

    private static final List<String> COMMANDS = List.of("encode", "reconstruct", "score", "codes", "compress");
    private static final Set<String> OPTIONS = Set.of("model", "compressor", "input", "format", "input-col", "id-col", "output", "score", "k", "samples",
            "seed", "batch-size", "engine-threads", "master", "partitions", "output-format");
    private static final Set<String> FLAGS = Set.of("overwrite", "keep-input", "help");

    static final String USAGE = """
            usage: latent4j-spark encode|reconstruct|score|codes|compress [options]

              encode       the code vector of each row (posterior means for a Gaussian code), column latent: array<float>
              reconstruct  each row decoded from its code, in the input's units, column reconstruction: array<float>
              score        an anomaly score per row (higher = more anomalous), column score: double
              codes        the discrete codes of each row (vq-vae, ...), column codes: array<int>
              compress     each row's code under a latent4j-compress compressor, column compressed: binary

            options:
              --model RUN          the model: a run directory of `latent4j train` (all but compress; with compress, the
                                   rows are encoded by the model first and their latent vectors compressed)
              --compressor FILE    compress: a compressor file of `latent4j compress fit`
              --input PATH         Parquet, CSV (with a header) or JSON rows; without it the embedded Fashion-MNIST test
                                   images (10,000 rows: id, label, features of 784 values in [0, 1])
              --format WORD        parquet, csv or json (default: from the extension of --input, else parquet)
              --input-col NAME     the column of vectors: a Spark ML vector, array<float> or array<double> (default
                                   features; for CSV without it, every numeric column but --id-col, assembled)
              --id-col NAME        a bigint column keying each row's random draws (default: a hash of its values)
              --output PATH        the Parquet directory to write (required; refused if it exists, unless --overwrite)
              --keep-input         keep the input vector column in the output (default: every other column is kept)
              --score WORD         nll, neg-elbo, reconstruction, reconstruction-probability or likelihood-regret
                                   (default: nll when the model has a likelihood, else reconstruction)
              --k N                importance samples of nll and neg-elbo (100)
              --samples N          code samples of reconstruction-probability (100)
              --seed N             seed of the random draws (0)
              --batch-size N       rows per engine call (256)
              --engine-threads N   the engine's threads per task (0: spark.task.cpus)
              --output-format W    compress: binary (default) or array
              --master URL         Spark's master when not set by spark-submit (default local[2])
              --partitions N       repartition the input into N partitions first
            """;

    /**
     * Runs a command; exits with 0, or 2 on bad input (one line on standard error).
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UsageError e) {
            System.err.println("latent4j-spark: " + e.getMessage());
            code = BAD_INPUT;
        }
        System.exit(code);
    }

    /** A problem with the command line or the input, said in one line. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    /**
     * Runs a command and returns its exit code; bad input is a {@link UsageError}.
     *
     * @param args the command and its options
     * @return 0
     */
    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return args.length == 0 ? BAD_INPUT : 0;
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) throw new UsageError("unknown command '" + command + "'; the commands are " + String.join(", ", COMMANDS));
        Map<String, String> o = parse(Arrays.copyOfRange(args, 1, args.length));
        if (o.containsKey("help")) {
            System.out.print(USAGE);
            return 0;
        }
        String output = o.get("output");
        if (output == null) throw new UsageError(command + ": --output PATH is required");
        if (!command.equals("compress") && !o.containsKey("model")) throw new UsageError(command + ": --model RUN is required");
        if (command.equals("compress") && !o.containsKey("compressor")) throw new UsageError("compress: --compressor FILE is required");
        List<PipelineStage> stages = new ArrayList<>();
        String vectors = o.getOrDefault("input-col", "features");
        try {
            byte[] model = null;
            if (o.containsKey("model")) model = LatentModelTransformer.packed(Path.of(o.get("model")));
            String outputCol;
            switch (command) {
                case "encode" -> stages.add(common(new LatentEncoder(model), o, vectors));
                case "reconstruct" -> stages.add(common(new LatentReconstructor(model), o, vectors));
                case "codes" -> stages.add(common(new LatentCodeIndexer(model), o, vectors));
                case "score" -> {
                    LatentAnomalyScorer s = common(new LatentAnomalyScorer(model), o, vectors);
                    if (o.containsKey("score")) s.setScore(o.get("score"));
                    s.setImportanceSamples(integer(o, "k", 100, 1)).setCodeSamples(integer(o, "samples", 100, 1));
                    s.getScore();
                    stages.add(s);
                }
                default -> {
                    Path file = Path.of(o.get("compressor"));
                    if (!Files.isRegularFile(file)) throw new UsageError("compress: --compressor " + file + ": no such file");
                    VectorCompressor c = new VectorCompressor(file);
                    if (model != null) {
                        LatentEncoder e = common(new LatentEncoder(model), o, vectors);
                        stages.add(e);
                        c.setInputCol(e.getOutputCol());
                    } else {
                        c.setInputCol(vectors);
                    }
                    stages.add(common(c, o, null).setOutputFormat(o.getOrDefault("output-format", "binary")));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(command + ": " + oneLine(e.getMessage()));
        }

        SparkSession.Builder builder = SparkSession.builder().appName("latent4j-spark " + command);
        if (System.getProperty("spark.master") == null) builder.master(o.getOrDefault("master", "local[2]")).config("spark.ui.enabled", "false");
        // a session the caller already runs (an application calling run, a test) is used and left running
        boolean ours = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = builder.getOrCreate();
        try {
            Dataset<Row> input = read(spark, o, command);
            if (o.containsKey("partitions")) input = input.repartition(integer(o, "partitions", 1, 1));
            Dataset<Row> result;
            try {
                result = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(input).transform(input);
            } catch (IllegalArgumentException e) {
                throw new UsageError(command + ": " + oneLine(e.getMessage()));
            }
            if (!o.containsKey("keep-input")) result = result.drop(vectors);
            if (command.equals("compress") && o.containsKey("model")) result = result.drop(((LatentEncoder) stages.get(0)).getOutputCol());
            long start = System.nanoTime();
            try {
                writeAtomically(spark, result, output, o.containsKey("overwrite"));
            } catch (Exception e) {
                IllegalArgumentException bad = cause(e);
                if (bad != null) throw new UsageError(command + ": " + oneLine(bad.getMessage()));
                // Scala declares no checked exceptions, so javac does not know this one can be thrown here
                Object failure = e;
                if (failure instanceof org.apache.spark.sql.AnalysisException a) throw new UsageError(command + ": " + oneLine(a.getMessage()));
                if (e instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e);
            }
            long rows = spark.read().parquet(output).count();
            System.out.printf(Locale.ROOT, "latent4j-spark %s: wrote %,d rows to %s (Parquet) in %.1f s%n", command, rows, output, (System.nanoTime() - start) / 1e9);
        } finally {
            if (ours) spark.stop();
        }
        return 0;
    }

    /**
     * Writes Parquet under a hidden name beside the output and renames it into place once every task has committed, so a
     * failed job leaves no output (Spark's own writer would leave a half-written directory) and a reader never sees part
     * of one.
     */
    private static void writeAtomically(SparkSession spark, Dataset<Row> result, String output, boolean overwrite) throws java.io.IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(output);
        org.apache.hadoop.fs.FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(target) && !overwrite) throw new UsageError("--output " + output + " exists already (give --overwrite to replace it)");
        org.apache.hadoop.fs.Path partial = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName() + ".partial-"
                + Long.toHexString(System.nanoTime()));
        try {
            result.write().parquet(partial.toString());
            if (fs.exists(target) && !fs.delete(target, true)) throw new java.io.IOException("cannot delete the old " + target);
            if (!fs.rename(partial, target)) throw new java.io.IOException("cannot rename " + partial + " to " + target);
        } finally {
            if (fs.exists(partial)) fs.delete(partial, true);
        }
    }

    /** The IllegalArgumentException behind a failed job (a bad vector met on an executor), or null. */
    private static IllegalArgumentException cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof IllegalArgumentException iae) return iae;
        return null;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    private static <T extends LatentTransformer<T>> T common(T t, Map<String, String> o, String vectors) {
        if (vectors != null) t.setInputCol(vectors);
        if (o.containsKey("id-col")) t.setIdCol(o.get("id-col"));
        t.setBatchSize(integer(o, "batch-size", 256, 1)).setEngineThreads(integer(o, "engine-threads", 0, 0));
        if (t instanceof LatentModelTransformer<?> m) m.setSeed(integer(o, "seed", 0, 0));
        return t;
    }

    private static int integer(Map<String, String> o, String name, int fallback, int min) {
        String v = o.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) return n;
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new UsageError("--" + name + " must be an integer of at least " + min + ", got '" + v + "'");
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new UsageError("unexpected argument '" + a + "' (options start with --; see --help)");
            String name = a.substring(2);
            if (FLAGS.contains(name)) {
                o.put(name, "true");
            } else if (OPTIONS.contains(name)) {
                if (i + 1 >= args.length) throw new UsageError(a + " needs a value");
                if (o.put(name, args[++i]) != null) throw new UsageError(a + " is given twice");
            } else {
                throw new UsageError("unknown option " + a + " (see --help)");
            }
        }
        return o;
    }

    /** The input rows: a file or directory in the format of --format or its extension, or the embedded images. */
    private static Dataset<Row> read(SparkSession spark, Map<String, String> o, String command) {
        String path = o.get("input");
        if (path == null) return embedded(spark);
        String format = o.getOrDefault("format", guessFormat(path));
        if (!List.of("parquet", "csv", "json").contains(format)) throw new UsageError("--format must be parquet, csv or json, got '" + format + "'");
        Dataset<Row> df;
        try {
            df = switch (format) {
                case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(path);
                case "json" -> spark.read().json(path);
                default -> spark.read().parquet(path);
            };
        } catch (Exception e) {
            // Spark's AnalysisException (a missing path, an unreadable file) is a checked exception that Scala does not declare
            throw new UsageError(command + ": --input " + path + ": " + oneLine(e.getMessage()));
        }
        String vectors = o.get("input-col");
        if (format.equals("csv") && vectors == null) {
            String id = o.get("id-col");
            List<String> numeric = new ArrayList<>();
            for (StructField f : df.schema().fields()) {
                if (f.dataType() instanceof NumericType && !f.name().equals(id)) numeric.add(f.name());
            }
            if (numeric.isEmpty()) throw new UsageError(command + ": --input " + path + " has no numeric column to read as vectors");
            return new VectorAssembler().setInputCols(numeric.toArray(new String[0])).setOutputCol("features").transform(df);
        }
        String column = vectors == null ? "features" : vectors;
        if (Arrays.asList(df.columns()).contains(column)) {
            DataType t = df.schema().apply(column).dataType();
            // JSON numbers that happen to be whole come as bigint: read them as doubles
            if (t instanceof ArrayType a && a.elementType() instanceof NumericType && !a.elementType().equals(DataTypes.FloatType)
                    && !a.elementType().equals(DataTypes.DoubleType)) {
                df = df.withColumn(column, new Column(column).cast(DataTypes.createArrayType(DataTypes.DoubleType)));
            }
        }
        return df;
    }

    private static String guessFormat(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".csv") || p.endsWith(".csv.gz")) return "csv";
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".json.gz")) return "json";
        return "parquet";
    }

    /**
     * The embedded Fashion-MNIST test images: id, label, and the 784 intensities in [0, 1] as a vector. The rows are made
     * on the executors from the copy in the jar (a local relation of 31 MB would travel inside one task).
     */
    private static Dataset<Row> embedded(SparkSession spark) {
        int n = Embedded.images().size();
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("label", DataTypes.IntegerType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        return spark.range(0, n, 1, Math.max(2, spark.sparkContext().defaultParallelism())).toDF()
                .mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) ids -> {
                    org.latent4j.core.data.Dataset images = Embedded.images();
                    float[] v = Embedded.values();
                    int d = images.dim();
                    List<Row> rows = new ArrayList<>();
                    while (ids.hasNext()) {
                        int i = (int) ids.next().getLong(0);
                        double[] x = new double[d];
                        for (int j = 0; j < d; j++) x[j] = v[i * d + j];
                        rows.add(RowFactory.create((long) i, images.labels()[i], Vectors.dense(x)));
                    }
                    return rows.iterator();
                }, org.apache.spark.sql.Encoders.row(schema));
    }

    /** The embedded images, read once per JVM. */
    private static final class Embedded {
        private static org.latent4j.core.data.Dataset images;
        private static float[] values;

        static synchronized float[] values() {
            if (values == null) values = images().features().contiguous().toArray();
            return values;
        }

        static synchronized org.latent4j.core.data.Dataset images() {
            if (images == null) {
                try {
                    images = FashionMnist.embedded();
                } catch (org.latent4j.core.data.DataFileException e) {
                    throw new UsageError("the embedded images cannot be read: " + e.getMessage());
                }
            }
            return images;
        }
    }
}
