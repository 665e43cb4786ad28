package org.latent4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.eval.AnomalyScore;
import org.latent4j.core.eval.AnomalyScorer;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The command line: its outputs against the library, and its one-line refusals of bad input (exit code 2). */
class SparkMainTest {
    @TempDir
    static Path tmp;
    private static Path run;

    private static SparkSession spark;

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        spark.stop();
    }

    @BeforeAll
    static void saveModel() throws Exception {
        // one session for the class: SparkMain uses a running session and leaves it running
        spark = SparkSession.builder().master("local[2]").appName("latent4j-spark-main").config("spark.ui.enabled", "false").getOrCreate();
        LatentModel model = ModelKinds.get("vae").createFrom(VaeConfig.of(784, 4).withHidden(List.of(16)), new Rng(4));
        run = tmp.resolve("run");
        ModelStore.save(run, model, new ModelStore.DataPreprocessing("fashion-mnist/test", new int[] {28, 28}, ModelStore.SCALING_BYTES, null,
                Binarization.DYNAMIC), null, null);
    }

    private static String refusal(String... args) {
        return assertThrows(SparkMain.UsageError.class, () -> SparkMain.run(args)).getMessage();
    }

    @Test
    void badCommandLinesAreRefusedInOneLine() {
        assertEquals("unknown command 'fit'; the commands are encode, reconstruct, score, codes, compress", refusal("fit"));
        assertEquals("encode: --output PATH is required", refusal("encode", "--model", run.toString()));
        assertEquals("unknown option --modle (see --help)", refusal("encode", "--modle", "x"));
        assertEquals("--k must be an integer of at least 1, got 'many'", refusal("score", "--model", run.toString(), "--output", "o", "--k", "many"));
        String missing = refusal("encode", "--model", tmp.resolve("absent").toString(), "--output", "o");
        assertTrue(missing.startsWith("encode: ") && missing.contains("no such directory") && !missing.contains("\n"), missing);
        String score = refusal("score", "--model", run.toString(), "--output", "o", "--score", "mahalanobis");
        assertTrue(score.startsWith("score: LatentAnomalyScorer: unknown score 'mahalanobis'"), score);
        assertEquals("compress: --compressor FILE is required", refusal("compress", "--output", "o"));
    }

    @Test
    void encodesTheEmbeddedImagesAsTheLibraryDoesAndRefusesVectorsOfTheWrongWidth() throws Exception {
        Path out = tmp.resolve("latent");
        assertEquals(0, SparkMain.run(new String[] {"encode", "--model", run.toString(), "--output", out.toString(), "--partitions", "3"}));
        ModelStore.Saved saved = ModelStore.load(run);
        Tensor images = FashionMnist.embedded().features();
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(10_000, rows.size());
        assertEquals(List.of("id", "label", "latent"), Arrays.asList(spark.read().parquet(out.toString()).columns()));
        // a sample of rows, each encoded alone by the library: a batch of 1 row against the command's batches of 256 may
        // round differently in the matrix products' blocking, so equality to 1e-6 (the codes are of order 1)
        for (Row r : rows.subList(0, 50)) {
            int id = (int) r.getLong(0);
            Tensor x = images.slice(0, id, id + 1).contiguous();
            float[] want;
            try (var noGrad = GradMode.disabled()) {
                want = saved.model().encode(ModelInput.prepareRows(saved.preprocessing(), x, ModelInput.rowKeys(x), 0), null).vector().toArray();
            }
            List<Float> got = r.getList(2);
            float[] g = new float[got.size()];
            for (int j = 0; j < g.length; j++) g[j] = got.get(j);
            assertArrayEquals(want, g, 1e-6f, "row " + id);
        }

        Path json = tmp.resolve("narrow.json");
        Files.writeString(json, "{\"id\": 1, \"features\": [1, 2, 3]}\n");
        String m = refusal("encode", "--model", run.toString(), "--input", json.toString(), "--output", tmp.resolve("never").toString());
        assertEquals("encode: the input column \"features\" holds a vector of 3 values; the model takes 784", m);
        // a failed job leaves no output, not even a partial one beside it
        assertTrue(!Files.exists(tmp.resolve("never")));
        try (var listing = Files.list(tmp)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith(".never")));
        }
        assertTrue(refusal("encode", "--model", run.toString(), "--output", out.toString()).contains("exists already (give --overwrite"));
        // a missing input is one line naming it, not Spark's exception
        String missing = refusal("encode", "--model", run.toString(), "--input", tmp.resolve("absent.parquet").toString(), "--output",
                tmp.resolve("never2").toString());
        assertTrue(missing.startsWith("encode: --input " + tmp.resolve("absent.parquet") + ": ") && missing.contains("PATH_NOT_FOUND"), missing);
    }

    @Test
    void scoresTheRowsOfACsvFile() throws Exception {
        int d = 12;
        Path small = tmp.resolve("small-run");
        ModelStore.save(small, ModelKinds.get("vae").createFrom(VaeConfig.of(d, 3).withHidden(List.of(8)), new Rng(6)),
                new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.STATIC), null, null);
        Tensor images = new Rng(7).uniform(0f, 1f, 40, d);
        float[] v = images.toArray();
        String header = java.util.stream.IntStream.range(0, d).mapToObj(j -> "p" + j).collect(Collectors.joining(","));
        StringBuilder csv = new StringBuilder("id," + header + "\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i);
            // Float.toString gives the shortest decimal that reads back as the same float
            for (int j = 0; j < d; j++) csv.append(',').append(v[i * d + j]);
            csv.append('\n');
        }
        Path file = tmp.resolve("rows.csv");
        Files.writeString(file, csv);
        Path out = tmp.resolve("scores");
        assertEquals(0, SparkMain.run(new String[] {"score", "--model", small.toString(), "--input", file.toString(), "--id-col", "id", "--score", "nll", "--k",
                "5", "--seed", "3", "--output", out.toString()}));
        ModelStore.Saved saved = ModelStore.load(small);
        long[] ids = new long[40];
        Arrays.setAll(ids, i -> i);
        // the id column keys each row's draws: the library given the same keys gives the same scores
        double[] want = AnomalyScorer.score(saved.model(), ModelInput.prepareRows(saved.preprocessing(), images, ids, 3), null, AnomalyScore.NLL, 5, 1, 3,
                ids, null);
        for (Row r : spark.read().parquet(out.toString()).select("id", "score").collectAsList()) {
            assertEquals(want[r.getInt(0)], r.getDouble(1), 0, "row " + r.getInt(0));
        }
    }
}
