package org.latent4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.io.CodesFile;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.eval.AnomalyScore;
import org.latent4j.core.eval.AnomalyScorer;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vq.VqVaeConfig;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The transformers in local[4] over 8 partitions, so that several tasks of one executor run the engine at once. Every
 * output is compared bit for bit with the library called directly in a plain single-threaded loop over the same rows,
 * batched as the transformers batch them (each partition's rows in order, {@code BATCH} at a time).
 */
class SparkTransformersTest {
    private static final int D = 20, N = 600, PARTITIONS = 8, BATCH = 32;
    private static SparkSession spark;
    private static byte[] vae, vq;
    private static Dataset<Row> rows;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[4]").appName("latent4j-transformers").config("spark.ui.enabled", "false").getOrCreate();
        LatentModel model = ModelKinds.get("vae").createFrom(VaeConfig.of(D, 4).withHidden(List.of(48, 24)), new Rng(1));
        float[] mean = new float[D], scale = new float[D];
        Arrays.fill(scale, 1f);
        // static binarization: each row's Bernoulli sample is drawn from its key, so the partitioning must not matter
        vae = ModelStore.toBytes(model, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.STATIC), null, null);
        LatentModel vqModel = ModelKinds.get("vq-vae").createFrom(VqVaeConfig.of(D), new Rng(2));
        vq = ModelStore.toBytes(vqModel, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, new Standardizer(mean, scale),
                Binarization.NONE), null, null);
        float[] v = new Rng(3).uniform(0f, 1f, N, D).toArray();
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] f = Arrays.copyOfRange(v, i * D, (i + 1) * D);
            double[] d = new double[D];
            for (int j = 0; j < D; j++) d[j] = f[j];
            Float[] boxed = new Float[D];
            for (int j = 0; j < D; j++) boxed[j] = f[j];
            list.add(RowFactory.create((long) i, Vectors.dense(d), Arrays.asList(boxed)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("features", SQLDataTypes.VectorType(), false)
                .add("floats", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        rows = spark.createDataFrame(list, schema).repartition(PARTITIONS).cache();
        rows.count();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The rows of each partition in their order, as the tasks see them. */
    private static List<List<Row>> partitions(Dataset<Row> df) {
        return df.javaRDD().glom().collect();
    }

    private static float[] features(Row r) {
        double[] d = ((org.apache.spark.ml.linalg.Vector) r.getAs("features")).toArray();
        float[] f = new float[d.length];
        for (int j = 0; j < d.length; j++) f[j] = (float) d[j];
        return f;
    }

    /** What one batch gives when the library is called directly. */
    private interface Direct {
        void batch(ModelStore.Saved saved, Tensor prepared, long[] keys, long[] ids, java.util.Map<Long, Object> out);
    }

    /** The plain loop: each partition's rows in order, BATCH at a time, prepared with the row-keyed rule, on this thread. */
    private static java.util.Map<Long, Object> direct(byte[] model, long seed, Direct body) throws Exception {
        ModelStore.Saved saved = ModelStore.fromBytes(model, "test");
        java.util.Map<Long, Object> out = new java.util.HashMap<>();
        for (List<Row> part : partitions(rows)) {
            for (int lo = 0; lo < part.size(); lo += BATCH) {
                int n = Math.min(BATCH, part.size() - lo);
                float[] x = new float[n * D];
                long[] ids = new long[n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(features(part.get(lo + i)), 0, x, i * D, D);
                    ids[i] = part.get(lo + i).getLong(0);
                }
                Tensor raw = Tensor.of(x, n, D);
                long[] keys = ModelInput.rowKeys(raw);
                try (var noGrad = GradMode.disabled()) {
                    body.batch(saved, ModelInput.prepareRows(saved.preprocessing(), raw, keys, seed), keys, ids, out);
                }
            }
        }
        return out;
    }

    private static float[] floats(Object cell) {
        List<Object> l = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) cell);
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = (Float) l.get(i);
        return f;
    }

    private static int[] ints(Object cell) {
        List<Object> l = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) cell);
        int[] v = new int[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = (Integer) l.get(i);
        return v;
    }

    @Test
    void aPipelineGivesTheLibrarysValuesBitForBitAndSurvivesSaveAndLoad(@TempDir Path tmp) throws Exception {
        long seed = 5;
        LatentEncoder encoder = new LatentEncoder(vae).setBatchSize(BATCH).setSeed(seed);
        LatentAnomalyScorer nll = new LatentAnomalyScorer(vae).setImportanceSamples(6).setBatchSize(BATCH).setSeed(seed).setOutputCol("nll");
        LatentAnomalyScorer rp = new LatentAnomalyScorer(vae).setScore("reconstruction-probability").setCodeSamples(4).setBatchSize(BATCH).setSeed(seed)
                .setOutputCol("rp");
        LatentReconstructor recon = new LatentReconstructor(vae).setBatchSize(BATCH).setSeed(seed);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {encoder, nll, rp, recon}).fit(rows);
        List<Row> out = fitted.transform(rows).collectAsList();
        assertEquals(N, out.size());

        java.util.Map<Long, Object> latent = direct(vae, seed, (saved, x, keys, ids, m) -> {
            float[] z = saved.model().encode(x, null).vector().contiguous().toArray();
            int w = z.length / ids.length;
            for (int i = 0; i < ids.length; i++) m.put(ids[i], Arrays.copyOfRange(z, i * w, (i + 1) * w));
        });
        java.util.Map<Long, Object> nllDirect = direct(vae, seed, (saved, x, keys, ids, m) -> {
            double[] s = AnomalyScorer.score(saved.model(), x, null, AnomalyScore.NLL, 6, 100, seed, keys, null);
            for (int i = 0; i < ids.length; i++) m.put(ids[i], s[i]);
        });
        java.util.Map<Long, Object> rpDirect = direct(vae, seed, (saved, x, keys, ids, m) -> {
            double[] s = AnomalyScorer.score(saved.model(), x, null, AnomalyScore.RECONSTRUCTION_PROBABILITY, 100, 4, seed, keys, null);
            for (int i = 0; i < ids.length; i++) m.put(ids[i], s[i]);
        });
        java.util.Map<Long, Object> reconDirect = direct(vae, seed, (saved, x, keys, ids, m) -> {
            float[] r = ModelInput.dataUnits(saved.model(), saved.preprocessing(), saved.model().reconstruct(x, null)).contiguous().toArray();
            for (int i = 0; i < ids.length; i++) m.put(ids[i], Arrays.copyOfRange(r, i * D, (i + 1) * D));
        });
        for (Row r : out) {
            long id = r.getLong(0);
            assertArrayEquals((float[]) latent.get(id), floats(r.getAs("latent")), "latent of row " + id);
            assertEquals((double) nllDirect.get(id), r.<Double>getAs("nll"), 0, "nll of row " + id);
            assertEquals((double) rpDirect.get(id), r.<Double>getAs("rp"), 0, "reconstruction probability of row " + id);
            assertArrayEquals((float[]) reconDirect.get(id), floats(r.getAs("reconstruction")), "reconstruction of row " + id);
        }

        // saved and loaded (through Spark ML's writers, the model inside the path), the pipeline gives the same rows
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        List<Row> again = PipelineModel.load(path).transform(rows).collectAsList();
        assertEquals(sorted(out), sorted(again));
        assertEquals(List.of("latent4jEncoder", "latent4jAnomalyScorer", "latent4jAnomalyScorer", "latent4jReconstructor"),
                Arrays.stream(PipelineModel.load(path).stages()).map(s -> s.uid().substring(0, s.uid().indexOf('_'))).toList());
        LatentAnomalyScorer loaded = (LatentAnomalyScorer) PipelineModel.load(path).stages()[2];
        assertEquals("reconstruction-probability", loaded.getOrDefault(loaded.score()));
        assertEquals(4, (Integer) loaded.getOrDefault(loaded.codeSamples()));
    }

    private static List<String> sorted(List<Row> r) {
        return r.stream().map(Row::toString).sorted().toList();
    }

    @Test
    void concurrentTasksSharingTheEnginePoolGiveTheSameBits() throws Exception {
        // two engine threads per task: the four task threads contend for the engine's one pool
        List<Row> pooled = new LatentEncoder(vae).setBatchSize(BATCH).setEngineThreads(2).transform(rows).collectAsList();
        List<Row> own = new LatentEncoder(vae).setBatchSize(BATCH).transform(rows).collectAsList();
        assertEquals(sorted(own), sorted(pooled));
        // the arrays of floats column gives what the vector column gives
        List<Row> fromFloats = new LatentEncoder(vae).setBatchSize(BATCH).setInputCol("floats").transform(rows).select("id", "latent").collectAsList();
        assertEquals(sorted(own.stream().map(r -> RowFactory.create(r.get(0), r.getAs("latent"))).toList()), sorted(fromFloats));
    }

    @Test
    void theModelIsLoadedOncePerJvmAndReusedByEveryTask() {
        LatentEncoder encoder = new LatentEncoder(vq).setBatchSize(BATCH);
        long before = ExecutorCache.loads();
        // local mode: the executor is this JVM, where making the transformer loaded the model already
        encoder.transform(rows).count();
        new LatentCodeIndexer(vq).transform(rows).count();
        assertEquals(before, ExecutorCache.loads());
    }

    @Test
    void discreteCodesAndCompressedCodesMatchTheLibrary(@TempDir Path tmp) throws Exception {
        List<Row> codes = new LatentCodeIndexer(vq).setBatchSize(BATCH).transform(rows).collectAsList();
        java.util.Map<Long, Object> direct = direct(vq, 0, (saved, x, keys, ids, m) -> {
            int[] idx = ((LatentCode.Discrete) saved.model().encode(x, null)).indices();
            int w = idx.length / ids.length;
            for (int i = 0; i < ids.length; i++) m.put(ids[i], Arrays.copyOfRange(idx, i * w, (i + 1) * w));
        });
        for (Row r : codes) assertArrayEquals((int[]) direct.get(r.getLong(0)), ints(r.getAs("codes")), "codes of row " + r.getLong(0));

        Tensor train = new Rng(8).uniform(0f, 1f, 400, D);
        Compressor pq = Compressors.fit("PQ4x8", train, FitOptions.defaults());
        Path file = tmp.resolve("pq.l4jc");
        CodesFile.writeModel(file, pq);
        VectorCompressor compressor = new VectorCompressor(file).setBatchSize(BATCH);
        List<Row> compressed = compressor.transform(rows).collectAsList();
        List<Row> asArrays = new VectorCompressor(file).setOutputFormat("array").transform(rows).collectAsList();
        java.util.Map<Long, int[]> arrays = new java.util.HashMap<>();
        for (Row r : asArrays) arrays.put(r.getLong(0), ints(r.getAs("compressed")));
        for (Row r : compressed) {
            byte[] want = pq.encode(Tensor.of(features(r), 1, D));
            byte[] got = r.getAs("compressed");
            assertArrayEquals(want, got, "code of row " + r.getLong(0));
            int[] a = arrays.get(r.getLong(0));
            for (int j = 0; j < want.length; j++) assertEquals(want[j] & 0xFF, a[j]);
        }
        String path = tmp.resolve("compressor").toString();
        compressor.write().save(path);
        assertEquals(codesById(compressed), codesById(VectorCompressor.load(path).transform(rows).collectAsList()));
        assertEquals(Metric.L2, CodesFile.fromBytes(compressor.payload(), "payload").metric());
    }

    private static java.util.Map<Long, String> codesById(List<Row> r) {
        java.util.Map<Long, String> m = new java.util.TreeMap<>();
        for (Row row : r) m.put(row.getLong(0), java.util.HexFormat.of().formatHex(row.<byte[]>getAs("compressed")));
        return m;
    }

    @Test
    void badColumnsParamsAndModelsAreRefusedClearly() {
        LatentEncoder encoder = new LatentEncoder(vae);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> encoder.setInputCol("pixels").transform(rows));
        assertEquals("LatentEncoder: the input column \"pixels\" does not exist; the columns are id, features, floats",
                missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> new LatentEncoder(vae).setInputCol("id").transform(rows));
        assertEquals("LatentEncoder: the input column \"id\" is bigint; it must hold vectors of 20 values: a Spark ML vector, array<float> or array<double>",
                type.getMessage());
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class, () -> new LatentEncoder(vae).setOutputCol("floats").transform(rows));
        assertTrue(exists.getMessage().contains("the output column \"floats\" exists already"), exists.getMessage());
        IllegalArgumentException score = assertThrows(IllegalArgumentException.class,
                () -> new LatentAnomalyScorer(vae).setScore("mahalanobis").transform(rows));
        assertTrue(score.getMessage().startsWith("LatentAnomalyScorer: unknown score 'mahalanobis'"), score.getMessage());
        IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                () -> new LatentAnomalyScorer(vq).setScore("nll").transform(rows));
        assertTrue(unsupported.getMessage().contains("no prior and posterior"), unsupported.getMessage());
        IllegalArgumentException notDiscrete = assertThrows(IllegalArgumentException.class, () -> new LatentCodeIndexer(vae));
        assertTrue(notDiscrete.getMessage().contains("does not give discrete codes"), notDiscrete.getMessage());

        byte[] damaged = vae.clone();
        damaged[damaged.length / 2] ^= 1;
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> new LatentEncoder(damaged));
        assertTrue(model.getMessage().contains("SHA-256"), model.getMessage());

        // a vector of the wrong length is found where it is read, on an executor, and named there
        Dataset<Row> narrow = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3, 4, 5))),
                new StructType().add("features", SQLDataTypes.VectorType(), false));
        SparkException e = assertThrows(SparkException.class, () -> new LatentEncoder(vae).transform(narrow).collectAsList());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) cause = cause.getCause();
        assertEquals("the input column \"features\" holds a vector of 5 values; the model takes 20", cause.getMessage());

        // a null element of an array column, named by its index
        Float[] holed = new Float[20];
        java.util.Arrays.fill(holed, 0.5f);
        holed[7] = null;
        Dataset<Row> withNull = spark.createDataFrame(List.of(RowFactory.create((Object) holed)),
                new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, true), false));
        SparkException n = assertThrows(SparkException.class, () -> new LatentEncoder(vae).transform(withNull).collectAsList());
        Throwable nullCause = n;
        while (nullCause.getCause() != null && !(nullCause instanceof IllegalArgumentException)) nullCause = nullCause.getCause();
        assertEquals("the input column \"features\" holds a vector with a null at index 7", nullCause.getMessage());
    }
}
