package org.latent4j.spark.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.spark.DataParallelEpoch;
import org.latent4j.spark.DataParallelResult;
import org.latent4j.spark.LatentTrainer;
import org.latent4j.spark.LatentTrainerOptions;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.random.Rng;

/**
 * Data-parallel training on Spark against single-process training with the plain {@link Trainer}, at equal epochs and
 * equal rows per step (the single process's batch is replicas x the per-replica batch), on Fashion-MNIST: the final
 * validation loss of each (the same validation rows, the same evaluation), the wall time of each, and per step the
 * replicas' compute, the communication (the rest of the step's Spark job) and the driver's work. Run by
 * {@code bench/spark-train.sh}; the options are {@code --name value} pairs:
 * <ul>
 * <li>{@code --master} Spark master (default local[2]); {@code --replicas} (default 2); {@code --epochs} (default 5);
 * {@code --batch} rows per replica and step (default 50); {@code --fanin} the aggregation's fan-in (default 0: every gradient
 * to the driver); {@code --rows} training rows (default all);
 * {@code --validation} validation rows (default 10000, or 1000 on the embedded data); {@code --model} a model kind
 * (default vae) and {@code --hidden}, {@code --latent} its options (the kind's defaults when not given).</li>
 * </ul>
 * Data: /usr/share/datasets/fashion-mnist (training split for training, test split for validation) when present, else
 * the embedded 10,000-image test split cut into training and validation rows.
 */
public final class SparkTrainBench {
    private SparkTrainBench() {}

    /**
     * Runs the comparison and prints a table and one JSON line.
     *
     * @param args {@code --name value} pairs
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("SparkTrainBench: expected --name value pairs, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        String master = a.getOrDefault("master", "local[2]");
        int replicas = Integer.parseInt(a.getOrDefault("replicas", "2"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "5"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "50"));
        int fanIn = Integer.parseInt(a.getOrDefault("fanin", "0"));
        String kindName = a.getOrDefault("model", "vae");
        Map<String, String> modelOptions = new LinkedHashMap<>();
        for (String o : List.of("hidden", "latent")) if (a.containsKey(o)) modelOptions.put(o, a.get(o));

        org.latent4j.core.data.Dataset train, validation;
        String source;
        if (Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY)) {
            train = FashionMnist.loadTrain(FashionMnist.SYSTEM_DIRECTORY);
            validation = FashionMnist.loadTest(FashionMnist.SYSTEM_DIRECTORY);
            source = FashionMnist.SYSTEM_DIRECTORY.toString();
        } else {
            var split = FashionMnist.embedded().split(1000, 0L);
            train = split.train();
            validation = split.validation();
            source = "embedded test split";
        }
        int rows = Math.min(train.size(), Integer.parseInt(a.getOrDefault("rows", Integer.toString(train.size()))));
        int validationRows = Math.min(validation.size(), Integer.parseInt(a.getOrDefault("validation", Integer.toString(validation.size()))));
        float[] x = java.util.Arrays.copyOf(train.features().contiguous().toArray(), rows * 784);
        float[] v = java.util.Arrays.copyOf(validation.features().contiguous().toArray(), validationRows * 784);

        ModelKind<?> kind = ModelKinds.get(kindName);
        Record config = kind.configure(new OptionValues("bench spark-train", modelOptions), new DataShape(784, new int[] {28, 28}, 10, true));
        TrainerOptions base = TrainerOptions.defaults().withValidationFraction(0).withEpochs(epochs).withSeed(0).withCheckpointEveryEpochs(0);
        System.out.printf(Locale.ROOT, "machine: %d cores, load average %s; data: %s, %d training rows, %d validation rows%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), source, rows, validationRows);
        System.out.printf(Locale.ROOT, "model: %s %s (%d parameters); %d epochs; %d replicas x %d rows a step on %s, against one process x %d rows%n",
                kindName, modelOptions, kind.createFrom(config, new Rng(0)).parameterCount(), epochs, replicas, batch, master, replicas * batch);

        // single process: the plain Trainer with the replicas' rows of a step in one batch
        LatentModel single = kind.createFrom(config, new Rng(0));
        long t0 = System.nanoTime();
        Trainer.fit(single, org.latent4j.core.data.Dataset.unlabeled("train", Tensor.of(x, rows, 784)), null, base.withBatchSize(replicas * batch), null,
                TrainingListener.NONE);
        double singleSeconds = (System.nanoTime() - t0) / 1e9;
        double singleValidation = validationLoss(single, v, validationRows);

        SparkSession spark = SparkSession.builder().master(master).appName("latent4j-spark-train-bench").config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> frame = frameOf(spark, x, rows);
            LatentTrainerOptions options = new LatentTrainerOptions("features", kindName, config, base.withBatchSize(batch), replicas, null, 0, fanIn);
            long t1 = System.nanoTime();
            DataParallelResult result = new LatentTrainer(options).fit(frame);
            double sparkSeconds = (System.nanoTime() - t1) / 1e9;
            double sparkValidation = validationLoss(result.model(), v, validationRows);
            double compute = 0, communication = 0, driver = 0;
            long steps = 0;
            long previous = 0;
            for (DataParallelEpoch e : result.history()) {
                long n = e.steps() - previous;
                previous = e.steps();
                compute += e.computeSeconds() * n;
                communication += e.communicationSeconds() * n;
                driver += e.driverSeconds() * n;
                steps += n;
            }
            System.out.printf(Locale.ROOT, "%-28s %14s %10s%n", "", "validation loss", "wall s");
            System.out.printf(Locale.ROOT, "%-28s %14.3f %10.1f%n", "single process (Trainer)", singleValidation, singleSeconds);
            System.out.printf(Locale.ROOT, "%-28s %14.3f %10.1f%n", "Spark, " + replicas + " replicas", sparkValidation, sparkSeconds);
            System.out.printf(Locale.ROOT, "per step (%d steps): compute %.2f ms (slowest replica), communication %.2f ms, driver %.2f ms%n", steps,
                    1e3 * compute / steps, 1e3 * communication / steps, 1e3 * driver / steps);
            System.out.printf(Locale.ROOT, "{\"bench\":\"spark-train\",\"model\":\"%s\",\"parameters\":%d,\"epochs\":%d,\"replicas\":%d,\"batchPerReplica\":%d,"
                            + "\"rows\":%d,\"singleValidationLoss\":%.4f,\"sparkValidationLoss\":%.4f,\"singleSeconds\":%.2f,\"sparkSeconds\":%.2f,"
                            + "\"steps\":%d,\"computeMsPerStep\":%.3f,\"communicationMsPerStep\":%.3f,\"driverMsPerStep\":%.3f,\"loadAverage\":\"%s\"}%n",
                    kindName, single.parameterCount(), epochs, replicas, batch, rows, singleValidation, sparkValidation, singleSeconds, sparkSeconds, steps,
                    1e3 * compute / steps, 1e3 * communication / steps, 1e3 * driver / steps, loadAverage());
        } finally {
            spark.stop();
        }
    }

    /** The mean loss over the validation rows, in batches of 500, schedules finished, the same draws for every model. */
    static double validationLoss(LatentModel model, float[] v, int rows) {
        double sum = 0;
        Workspace workspace = new Workspace();
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            for (int from = 0, b = 0; from < rows; from += 500, b++) {
                int n = Math.min(500, rows - from);
                try (Workspace.Scope scope = workspace.open()) {
                    Tensor x = Tensor.of(java.util.Arrays.copyOfRange(v, from * 784, (from + n) * 784), n, 784);
                    sum += model.loss(Batch.of(x), TrainingProgress.EVALUATION, new Rng(1).fork(b)).loss().item() * n;
                }
            }
        }
        return sum / rows;
    }

    static Dataset<Row> frameOf(SparkSession spark, float[] x, int rows) {
        List<Row> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double[] r = new double[784];
            for (int j = 0; j < 784; j++) r[j] = x[i * 784 + j];
            list.add(RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(r)));
        }
        StructType schema = new StructType().add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
        return spark.createDataFrame(list, schema);
    }

    private static String loadAverage() {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

}
