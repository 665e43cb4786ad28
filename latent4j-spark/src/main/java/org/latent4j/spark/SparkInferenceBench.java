package org.latent4j.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Batch encoding and scoring of many vectors in Spark's local mode against the same work in one plain JVM loop (the
 * library called directly, 2 engine threads), in one process, the two sides alternating over rounds; rows/s, medians.
 *
 * <p>Row i is the embedded Fashion-MNIST test image i mod 10,000 (784 values in [0, 1]), made on the fly on both
 * sides, so a million rows need not sit in memory. The Spark side builds each row as a Spark ML vector in a
 * {@code mapPartitions} over {@code spark.range} and runs a {@link LatentEncoder} or {@link LatentAnomalyScorer}; what
 * it measures therefore includes Spark's row handling (making, encoding and decoding rows), its scheduling and the
 * transformer's batching, which is the overhead a user pays. The plain side copies the same rows into batches and
 * calls what each task calls ({@link LatentModelTransformer#run}). Both sides sum an output column, and the sums are
 * compared, so neither side can skip work.
 *
 * <p>{@code bench/spark-infer.sh [--rows N] [--rounds R] [--model RUN] [--score WORD] [--k K]} runs it.
 */
public final class SparkInferenceBench {
    private SparkInferenceBench() {}

    private static final int IMAGES = 10_000, D = 784;

    /**
     * Runs the benchmark.
     *
     * @param args {@code --rows N} (1,000,000), {@code --rounds R} (5), {@code --partitions P} (16), {@code --batch B}
     *             (256), {@code --model RUN} (default: the architecture of {@code latent4j train}, 784-512-256-16 ReLU,
     *             fresh weights), {@code --score WORD} (reconstruction), {@code --k K} (importance samples of nll)
     * @throws Exception on a failure
     */
    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int rounds = 5, partitions = 16, batch = 256, k = 10;
        String run = null, score = "reconstruction";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--model" -> run = args[i + 1];
                case "--score" -> score = args[i + 1];
                case "--k" -> k = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--rows, --rounds, --partitions, --batch, --model, --score, --k)");
            }
        }
        byte[] model;
        if (run != null) {
            model = ModelStore.toBytes(java.nio.file.Path.of(run));
        } else {
            LatentModel vae = ModelKinds.get("vae").createFrom(VaeConfig.of(D, 16).withHidden(List.of(512, 256)).withActivation(Activation.RELU), new Rng(0));
            model = ModelStore.toBytes(vae, new ModelStore.DataPreprocessing("fashion-mnist/test", new int[] {28, 28}, ModelStore.SCALING_BYTES, null,
                    Binarization.DYNAMIC), null, null);
        }
        float[] images = FashionMnist.embedded().features().contiguous().toArray();

        SparkSession spark = SparkSession.builder().master("local[2]").appName("latent4j-spark-infer-bench").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            Broadcast<float[]> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(images);
            StructType schema = new StructType().add("id", DataTypes.LongType, false).add("features", SQLDataTypes.VectorType(), false);
            LatentEncoder encoder = new LatentEncoder(model).setBatchSize(batch);
            LatentAnomalyScorer scorer = new LatentAnomalyScorer(model).setScore(score).setImportanceSamples(k).setBatchSize(batch);
            String[] tasks = {"encode", "score " + score + (score.equals("nll") || score.equals("neg-elbo") ? " k=" + k : "")};
            System.out.printf(Locale.ROOT, "Spark %s local[2], %d partitions; plain loop: 2 engine threads; %,d rows of 784 values, batches of %d, %d rounds%n",
                    spark.version(), partitions, rows, batch, rounds);

            // warm-up: both sides, both tasks, on a tenth of the rows (at least 20,000)
            long warm = Math.max(20_000, rows / 10);
            for (int t = 0; t < 2; t++) {
                plain(model, images, warm, batch, t == 0 ? encoder : scorer);
                sparkSide(spark, shipped, schema, warm, partitions, t == 0 ? encoder : scorer);
            }
            double[][] plainRate = new double[2][rounds], sparkRate = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int t = 0; t < 2; t++) {
                    LatentModelTransformer<?> transformer = t == 0 ? encoder : scorer;
                    double[] p = null, s = null;
                    // alternate which side goes first, so neither always runs on a warmer (or hotter) machine
                    for (int side = 0; side < 2; side++) {
                        if ((side + r) % 2 == 0) p = plain(model, images, rows, batch, transformer);
                        else s = sparkSide(spark, shipped, schema, rows, partitions, transformer);
                    }
                    plainRate[t][r] = rows / p[0];
                    sparkRate[t][r] = rows / s[0];
                    double tolerance = 1e-6 * Math.max(1, Math.abs(p[1]));
                    if (!(Math.abs(p[1] - s[1]) <= tolerance)) {
                        throw new IllegalStateException(tasks[t] + ": the sums of the two sides differ: plain " + p[1] + ", spark " + s[1]);
                    }
                    System.out.printf(Locale.ROOT, "round %d %-28s plain %,10.0f rows/s   spark %,10.0f rows/s%n", r + 1, tasks[t], plainRate[t][r], sparkRate[t][r]);
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-30s %14s %14s %10s%n", "median over " + rounds + " rounds", "plain rows/s", "spark rows/s", "overhead");
            for (int t = 0; t < 2; t++) {
                double p = median(plainRate[t]), s = median(sparkRate[t]);
                System.out.printf(Locale.ROOT, "%-30s %,14.0f %,14.0f %9.1f%%%n", tasks[t], p, s, 100 * (p / s - 1));
            }
        } finally {
            spark.stop();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The output column's checksum a side computes: the sum of the first latent coordinate, or of the scores. */
    private static double checksum(Object cell) {
        if (cell instanceof Double d) return d;
        return ((Number) ((scala.collection.Seq<?>) cell).head()).doubleValue();
    }

    /** {@return seconds and the checksum of the plain loop over the rows} */
    private static double[] plain(byte[] model, float[] images, long rows, int batch, LatentModelTransformer<?> transformer) {
        Parallel.setThreads(2);
        ModelStore.Saved saved = LatentModelTransformer.load(model, ExecutorCache.sha256(model));
        LatentModelTransformer.ModelOperation op = transformer.modelOperation();
        long seed = transformer.getSeed();
        float[] x = new float[batch * D];
        long[] keys = new long[batch];
        double sum = 0;
        long start = System.nanoTime();
        for (long lo = 0; lo < rows; lo += batch) {
            int n = (int) Math.min(batch, rows - lo);
            for (int i = 0; i < n; i++) {
                int image = (int) ((lo + i) % IMAGES);
                // the same float -> double -> float trip the Spark side's vectors make (exact for floats)
                System.arraycopy(images, image * D, x, i * D, D);
                keys[i] = ModelInput.rowKey(x, i * D, D);
            }
            Object[] out = LatentModelTransformer.run(saved, x, n, keys, seed, op);
            for (Object o : out) sum += checksum(o);
        }
        return new double[] {(System.nanoTime() - start) / 1e9, sum};
    }

    /** {@return seconds and the checksum of the Spark side over the rows} */
    private static double[] sparkSide(SparkSession spark, Broadcast<float[]> images, StructType schema, long rows, int partitions,
                                      LatentModelTransformer<?> transformer) {
        long start = System.nanoTime();
        Dataset<Row> data = spark.range(0, rows, 1, partitions).toDF().mapPartitions((MapPartitionsFunction<Row, Row>) ids -> {
            float[] all = images.value();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return ids.hasNext();
                }

                @Override
                public Row next() {
                    long id = ids.next().getLong(0);
                    int at = (int) (id % IMAGES) * D;
                    double[] v = new double[D];
                    for (int j = 0; j < D; j++) v[j] = all[at + j];
                    return RowFactory.create(id, Vectors.dense(v));
                }
            };
        }, Encoders.row(schema));
        String out = transformer.getOutputCol();
        Dataset<Row> result = transformer.transform(data);
        String sumOf = transformer instanceof LatentAnomalyScorer ? out : out + "[0]";
        double sum = result.selectExpr("sum(cast(" + sumOf + " as double))").first().getDouble(0);
        return new double[] {(System.nanoTime() - start) / 1e9, sum};
    }
}
