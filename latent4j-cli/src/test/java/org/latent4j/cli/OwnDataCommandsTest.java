package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentCode;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Section 1 of issue 11: any vector data on the command line (single IDX files, a CSV's label column, a separate
 * test file), image commands on vectors, {@code encode}, a held-out set fixed by the data, and evaluation that never
 * sees training rows.
 */
class OwnDataCommandsTest {
    @TempDir
    static Path tmp;

    private static final String[] SMALL = {"--epochs", "1", "--hidden", "8", "--latent", "3", "--batch", "32", "--nll-k", "2"};

    private static String[] args(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static Path train(String name, String... options) {
        Path run = tmp.resolve(name);
        ModelCommandsTest.Result r = latent4j(args(args(new String[] {"train"}, SMALL), args(options, "--out", run.toString())));
        assertEquals(0, r.code(), r.err());
        return run;
    }

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    /** 200 rows of 10 Gaussian features. */
    private static Path vectorFile(String name, long seed, int rows) throws IOException {
        Path file = tmp.resolve(name);
        NpyWriter.write(file, new Rng(seed).normal(0f, 2f, rows, 10));
        return file;
    }

    /** An IDX file of unsigned bytes [n, 4, 4]. */
    private static byte[] idx(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 + 12 + n * 16);
        b.putInt(0x0803).putInt(n).putInt(4).putInt(4);
        Rng rng = new Rng(3);
        float[] u = rng.uniform(0f, 256f, n * 16).toArray();
        for (float f : u) b.put((byte) Math.min(255, (int) f));
        return b.array();
    }

    @Test
    void aSingleIdxFilePlainOrGzippedTrainsAsImages() throws IOException {
        Path plain = tmp.resolve("pics.idx");
        Files.write(plain, idx(60));
        Path gz = tmp.resolve("train-images-idx3-ubyte.gz");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(idx(60));
        }
        Files.write(gz, bytes.toByteArray());
        for (Path file : List.of(plain, gz)) {
            Path run = train("idx-" + file.getFileName(), "--data", file.toString());
            Json.Cursor c = config(run);
            assertEquals(16, c.get("config").get("dataDim").asInt());
            assertArrayEquals(new int[] {4, 4}, c.get("preprocessing").get("imageShape").asIntArray());
            assertTrue(Files.exists(run.resolve("reconstructions.png")), "the rows are 4 x 4 pictures");
            assertEquals(6, Json.at(Json.readFile(run.resolve("metrics.json")), "m").get("evaluation").get("examples").asInt());
        }
    }

    /** A CSV "x1,x2,kind,x3" whose third column names a class; the features are a function of the row number. */
    private static Path labelledCsv(String name, int rows, int offset, String... classes) throws IOException {
        StringBuilder csv = new StringBuilder("x1,x2,kind,x3\n");
        for (int i = 0; i < rows; i++) {
            int r = i + offset;
            csv.append(String.format(Locale.ROOT, "%d.5,%d,%s,%d%n", r % 7, -r % 5, classes[r % classes.length], r % 3 + 2));
        }
        Path file = tmp.resolve(name);
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void aLabelColumnGivesClassesInOrderOfFirstAppearanceAndTheTestFileIsEvaluated() throws IOException {
        Path csv = labelledCsv("pets.csv", 90, 0, "dog", "cat", "eel");
        Path testCsv = labelledCsv("pets-test.csv", 12, 1000, "eel", "dog", "cat", "fox");
        assertUsageError("cvae: the data hold class 3 (counting from 0), which this conditional model never saw", "train", "--model", "cvae",
                "--data", csv.toString(), "--label-column", "kind", "--test", testCsv.toString(), "--out", tmp.resolve("pets-cvae").toString());
        Path run = train("pets", "--data", csv.toString(), "--label-column", "kind", "--test", testCsv.toString());
        Json.Cursor c = config(run);
        assertEquals(3, c.get("config").get("dataDim").asInt(), "the label column is not a feature");
        Json.Cursor data = c.get("training").get("data");
        // the test file's new class comes after the training file's, whose order is that of first appearance
        assertEquals(List.of("dog", "cat", "eel", "fox"), data.get("classes").items().stream().map(Json.Cursor::asString).toList());
        assertEquals(testCsv.toString(), data.get("test").asString());
        assertEquals(12, Json.at(Json.readFile(run.resolve("metrics.json")), "m").get("evaluation").get("examples").asInt(),
                "the separate test file is the held-out set");
        ModelStore.Saved saved = Runs.loadRun(run.toString());
        Dataset held = Runs.evaluationData(saved, null, 0);
        ModelCommandsTest.Result e = latent4j("eval", run.toString(), "--nll-k", "2", "--limit", "5");
        assertTrue(e.out().contains("the rows of its test file " + testCsv + " (none of them trained it); the first 5 of them (--limit)"), e.out());
        // rows 1000.. of the test file: classes eel, dog, cat, fox repeating from row 1000 % 4 = 0
        assertArrayEquals(new int[] {2, 0, 1, 3, 2, 0, 1, 3, 2, 0, 1, 3}, held.labels());

        // by number (from 1), whole-number labels are the classes themselves
        Path numbers = tmp.resolve("numbers.csv");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 40; i++) s.append(i % 5).append(',').append(i % 3).append(',').append(i * 0.1).append('\n');
        Files.writeString(numbers, s);
        Path byNumber = train("numbers", "--data", numbers.toString(), "--label-column", "2");
        assertEquals(2, config(byNumber).get("config").get("dataDim").asInt());
        assertEquals(List.of("0", "1", "2"), config(byNumber).get("training").get("data").get("classes").items().stream().map(Json.Cursor::asString).toList());

        assertUsageError("pets.csv: line 2, column 3 (\"kind\"): 'dog' is not a number (a column of class labels is read with --label-column NAME)",
                "train", "--data", csv.toString(), "--out", tmp.resolve("bad0").toString());
        assertUsageError("has no column named 'species' to take labels from (its columns: x1, x2, kind, x3)", "train", "--data", csv.toString(),
                "--label-column", "species", "--out", tmp.resolve("bad1").toString());
        assertUsageError("has 4 columns, so it has no column 9", "train", "--data", csv.toString(), "--label-column", "9",
                "--out", tmp.resolve("bad2").toString());
        Path wide = tmp.resolve("wide.csv");
        Files.writeString(wide, "x1,x2,kind,x3,x4\n1,2,dog,4,5\n6,7,cat,9,10\n");
        assertUsageError("wide.csv: has 4 features per row but the training data pets.csv have 3", "train", "--data", csv.toString(),
                "--label-column", "kind", "--test", wide.toString(), "--out", tmp.resolve("bad3").toString());
        assertUsageError("a label column is read from .csv files only", "train", "--data", vectorFile("nolabels.npy", 1, 50).toString(),
                "--label-column", "1", "--out", tmp.resolve("bad4").toString());
    }

    @Test
    void theHeldOutRowsAndTheirBinarizationDoNotDependOnTheSeed() throws IOException {
        Path a = train("seed1", "--limit", "60", "--seed", "1");
        Path b = train("seed2", "--limit", "60", "--seed", "2");
        Dataset ha = Runs.evaluationData(Runs.loadRun(a.toString()), null, 0), hb = Runs.evaluationData(Runs.loadRun(b.toString()), null, 0);
        assertEquals(6, ha.size());
        assertArrayEquals(ha.labels(), hb.labels());
        float[] pa = ha.features().toArray(), pb = hb.features().toArray();
        assertArrayEquals(pa, pb, "the same rows, binarized by the same fixed sample");
        int ones = 0;
        for (float v : pa) {
            assertTrue(v == 0 || v == 1, "binarized");
            if (v == 1) ones++;
        }
        assertTrue(ones > 0 && ones < pa.length);
        // the training seeds did differ: the weights do
        assertNotEquals(Files.readString(a.resolve("config.json")).replaceAll("\"seed\": *\\d+", ""),
                Files.readString(b.resolve("config.json")).replaceAll("\"seed\": *\\d+", ""));
    }

    @Test
    void evalRefusesTrainingRowsAndUsesOnlyTheHeldOutRowsOfTheRunsOwnFile() throws IOException {
        Path file = vectorFile("own.npy", 4, 200);
        // a relative path is saved absolute, so the run can be evaluated from any directory
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        Path run = train("own", "--data", relative.toString());
        assertEquals(file.toString(), config(run).get("training").get("data").get("source").asString());
        assertEquals(file.toString(), Json.at(Json.readFile(run.resolve("train-arguments.json")), "a").get("data").asString());

        ModelCommandsTest.Result own = latent4j("eval", run.toAbsolutePath().toString(), "--data", relative.toString(), "--nll-k", "2");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("only the held-out rows of " + file), own.out());
        assertTrue(own.out().contains("20 examples") || own.out().contains("examples"), own.out());

        // three training rows among new ones: refused, naming a row
        ModelStore.Saved saved = Runs.loadRun(run.toString());
        Dataset trained = Runs.load(Runs.dataSource(saved)).train();
        float[] fresh = new Rng(99).normal(0f, 2f, 5, 10).toArray();
        System.arraycopy(trained.features().toArray(), 7 * 10, fresh, 2 * 10, 10);
        Path mixed = tmp.resolve("mixed.npy");
        NpyWriter.write(mixed, Tensor.of(fresh, 5, 10));
        assertUsageError("1 of the 5 rows of " + mixed + " are rows the run in " + run + " trained on (row 3 is its training row 8 of " + file + ")",
                "eval", run.toString(), "--data", mixed.toString(), "--nll-k", "2");

        Path other = vectorFile("other.npy", 8, 30);
        ModelCommandsTest.Result r = latent4j("eval", run.toString(), "--data", other.toString(), "--nll-k", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("all 30 rows of " + other + " (none of them is a row the run trained on)"), r.out());
        assertUsageError("has 7 features per row but the model", "eval", run.toString(), "--data", writeCsv("narrow.csv", 7).toString());
    }

    private static Path writeCsv(String name, int columns) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < columns; j++) s.append(j == 0 ? "" : ",").append(i + j);
            s.append('\n');
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, s);
        return p;
    }

    @Test
    void encodeWritesThePosteriorMeansOfAnyDataPreprocessedAsInTraining() throws IOException {
        Path file = vectorFile("enc.npy", 6, 200);
        Path run = train("enc", "--data", file.toString());
        Path means = tmp.resolve("means.npy");
        ModelCommandsTest.Result r = latent4j("encode", run.toString(), "--data", file.toString(), "--out", means.toString());
        assertEquals(0, r.code(), r.err());
        Tensor m = NpyReader.read(means);
        assertArrayEquals(new int[] {200, 3}, m.shape());
        // an independent path to the same numbers: the saved standardizer, then the model's encoder
        ModelStore.Saved saved = Runs.loadRun(run.toString());
        Tensor x = saved.preprocessing().standardizer().apply(Dataset.unlabeled("x", NpyReader.read(file))).features();
        LatentCode.Gaussian g;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            g = (LatentCode.Gaussian) saved.model().encode(x, null);
        }
        assertArrayEquals(g.posterior().mean().toArray(), m.toArray(), 1e-5f);

        Path both = tmp.resolve("both.npy");
        assertEquals(0, latent4j("encode", run.toString(), "--data", file.toString(), "--log-variance", "--out", both.toString()).code());
        Tensor mv = NpyReader.read(both);
        assertArrayEquals(new int[] {200, 2, 3}, mv.shape());
        float[] v = mv.toArray(), mean = g.posterior().mean().toArray(), logVar = g.posterior().logVar().toArray();
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(mean[i * 3 + j], v[i * 6 + j], 1e-5f);
                assertEquals(logVar[i * 3 + j], v[i * 6 + 3 + j], 1e-5f);
            }
        }

        Path ae = train("enc-ae", "--model", "ae", "--data", file.toString());
        Path codes = tmp.resolve("ae.npy");
        assertEquals(0, latent4j("encode", ae.toString(), "--data", file.toString(), "--out", codes.toString(), "--limit", "50").code());
        assertArrayEquals(new int[] {50, 3}, NpyReader.read(codes).shape());
        assertUsageError("--log-variance needs a Gaussian posterior, but the ae in " + ae + " gives deterministic codes", "encode", ae.toString(),
                "--data", file.toString(), "--log-variance", "--out", tmp.resolve("no.npy").toString());
        assertUsageError("--out FILE.npy is required", "encode", run.toString());
        assertUsageError("has 7 features per row but the model", "encode", run.toString(), "--data", writeCsv("narrow2.csv", 7).toString(),
                "--out", tmp.resolve("no2.npy").toString());
        assertFalse(Files.exists(tmp.resolve("no.npy")));
    }

    @Test
    void imageCommandsWriteVectorsForDataThatAreNotImages() throws IOException {
        Path file = vectorFile("vec.npy", 7, 200);
        Path run = train("vec", "--data", file.toString());
        ModelCommandsTest.Result s = latent4j("sample", run.toString(), "--n", "5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("are vectors, not images"), s.out());
        assertArrayEquals(new int[] {5, 10}, NpyReader.read(run.resolve("samples.npy")).shape());
        assertFalse(Files.exists(run.resolve("samples.png")));

        assertEquals(0, latent4j("reconstruct", run.toString(), "--n", "4").code());
        Tensor pairs = NpyReader.read(run.resolve("reconstructions.npy"));
        assertArrayEquals(new int[] {4, 2, 10}, pairs.shape());
        // [:, 0] are the held-out rows themselves, as read (standardization undone)
        Dataset held = Runs.load(Runs.dataSource(Runs.loadRun(run.toString()))).test();
        float[] p = pairs.toArray(), h = held.features().toArray();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 10; j++) assertEquals(h[i * 10 + j], p[i * 20 + j], 1e-4f);

        assertEquals(0, latent4j("interpolate", run.toString(), "--pairs", "2", "--steps", "3").code());
        assertArrayEquals(new int[] {2, 5, 10}, NpyReader.read(run.resolve("interpolations.npy")).shape());
        assertEquals(0, latent4j("traverse", run.toString(), "--dims", "2", "--steps", "4").code());
        assertArrayEquals(new int[] {2, 4, 10}, NpyReader.read(run.resolve("traversals.npy")).shape());
        Path csv = tmp.resolve("samples.csv");
        assertEquals(0, latent4j("sample", run.toString(), "--n", "6", "--out", csv.toString()).code());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(6, lines.size());
        assertEquals(10, lines.get(0).split(",").length);
        assertUsageError("are vectors, not images, so there is no picture for --out", "sample", run.toString(), "--out", tmp.resolve("s.png").toString());
    }
}
