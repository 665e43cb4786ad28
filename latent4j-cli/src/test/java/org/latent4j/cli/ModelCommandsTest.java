package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.ModelStore;

/** The model commands end to end on a tiny run (one epoch on 200 rows of the embedded data). */
class ModelCommandsTest {
    @TempDir
    static Path tmp;
    static Path run;

    record Result(int code, String out, String err) {}

    static Result latent4j(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The options of a tiny run: one epoch on 200 rows, a small network, a quick evaluation. */
    static final List<String> TINY = List.of("--limit", "200", "--epochs", "1", "--hidden", "32", "--latent", "4", "--batch", "50", "--nll-k", "3",
            "--eval-limit", "20");

    /** {@code train --out RUN}, the tiny options and {@code extra} (a later option replaces an earlier one), which must succeed. */
    static Result trainTiny(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--out", run.toString()));
        args.addAll(TINY);
        args.addAll(List.of(extra));
        Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @BeforeAll
    static void trainTinyRun() {
        run = tmp.resolve("run");
        Result r = latent4j("train", "--limit", "200", "--epochs", "1", "--hidden", "32", "--latent", "4", "--batch", "50", "--nll-k", "5",
                "--eval-limit", "20", "--out", run.toString(), "--json", tmp.resolve("train.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("NLL"), r.out());
    }

    /** Width or height of a grid of 28x28 images enlarged twice with 2-pixel separators. */
    private static int extent(int cells) {
        return cells * 56 + (cells + 1) * 2;
    }

    static void assertPng(Path file, int columns, int rows) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(extent(columns), img.getWidth(), file + " width");
        assertEquals(extent(rows), img.getHeight(), file + " height");
    }

    @Test
    void trainWritesARunDirectoryThatLoads() throws IOException {
        for (String f : new String[] {"model.safetensors", "config.json", "metrics.json", "history.csv", "samples.png", "reconstructions.png"}) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        ModelStore.Saved saved = ModelStore.load(run);
        assertEquals("vae", saved.model().kind());
        assertEquals(4, saved.model().latentDim());
        assertEquals(2, Files.readAllLines(run.resolve("history.csv")).size(), "header and one epoch");
        assertPng(run.resolve("samples.png"), 8, 8);
        assertPng(run.resolve("reconstructions.png"), 16, 4);
        Json.Cursor metrics = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation");
        assertEquals(20, metrics.get("examples").asInt());
        assertEquals(5, metrics.get("logLikelihood").get("k").asInt());
        assertTrue(metrics.get("logLikelihood").get("nll").asDouble() > 0);
        // the last epoch's training record, with the model's metrics
        Json.Cursor training = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("training");
        assertEquals(1, training.get("epoch").asInt());
        assertTrue(training.get("metrics").get("kl").asDouble() > 0, "the VAE's KL, averaged over the epoch");
        Json.Cursor summary = Json.at(Json.readFile(tmp.resolve("train.json")), "train.json");
        assertEquals(1, summary.get("epochs").asInt());
        assertTrue(summary.has("metrics") && summary.has("train_loss"));
    }

    @Test
    void evalReportsAndWritesJson() throws IOException {
        Path json = tmp.resolve("eval.json");
        Result r = latent4j("eval", run.toString(), "--nll-k", "4", "--limit", "10", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("NLL") && r.out().contains("active units"), r.out());
        Json.Cursor c = Json.at(Json.readFile(json), "eval.json");
        assertEquals(10, c.get("examples").asInt());
        assertEquals(4, c.get("logLikelihood").get("k").asInt());
        assertTrue(c.get("logLikelihood").has("elbo") && c.has("reconstruction"));
        for (String key : new String[] {"layer", "totalKl", "klPerDimension", "activeUnits", "mutualInformation", "collapse"}) {
            assertTrue(c.get("latent").has(key), key);
        }
    }

    @Test
    void imageCommandsWriteGridsOfTheRightSize() throws IOException {
        Path samples = tmp.resolve("s.png"), recon = tmp.resolve("r.png"), interp = tmp.resolve("i.png"), trav = tmp.resolve("t.png");
        assertEquals(0, latent4j("sample", run.toString(), "--n", "6", "--out", samples.toString()).code());
        assertPng(samples, 3, 2);
        Path rj = tmp.resolve("r.json");
        Result r = latent4j("reconstruct", run.toString(), "--n", "5", "--columns", "4", "--out", recon.toString(), "--json", rj.toString());
        assertEquals(0, r.code(), r.err());
        assertPng(recon, 4, 4);
        double mse = Json.at(Json.readFile(rj), "r").get("mean_squared_error").asDouble();
        assertTrue(mse > 0 && mse < 1, "mse " + mse);
        Path ij = tmp.resolve("i.json");
        r = latent4j("interpolate", run.toString(), "--pairs", "2", "--steps", "3", "--out", interp.toString(), "--json", ij.toString());
        assertEquals(0, r.code(), r.err());
        assertPng(interp, 5, 2);
        Json.Cursor i = Json.at(Json.readFile(ij), "i");
        assertEquals(2, i.get("pairs").asInt());
        assertEquals(3, i.get("steps").asInt());
        assertEquals(run.toString(), i.get("run").asString());
        assertEquals(interp.toString(), i.get("image").asString());
        Path tj = tmp.resolve("t.json");
        r = latent4j("traverse", run.toString(), "--dims", "3", "--steps", "4", "--out", trav.toString(), "--json", tj.toString());
        assertEquals(0, r.code(), r.err());
        assertPng(trav, 4, 3);
        Json.Cursor t = Json.at(Json.readFile(tj), "t");
        double[] activity = t.get("activity").asDoubleArray();
        assertEquals(3, t.get("dimensions").asIntArray().length);
        assertTrue(activity[0] >= activity[1] && activity[1] >= activity[2], "most active first");
    }

    @Test
    void resumeContinuesARunWithItsSavedOptions() throws IOException {
        Path dir = tmp.resolve("resumed");
        assertEquals(0, latent4j("train", "--limit", "100", "--epochs", "1", "--hidden", "8", "--latent", "2", "--batch", "50", "--nll-k", "2",
                "--eval-limit", "10", "--out", dir.toString()).code());
        Result r = latent4j("train", "--resume", dir.toString(), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(dir.resolve("history.csv")).size(), "header and two epochs");
        assertEquals(2, ModelStore.load(dir).model().latentDim(), "the saved --latent was kept");
        assertTrue(Files.readString(dir.resolve(TrainCommand.ARGUMENTS_FILE)).contains("\"epochs\": \"2\""),
                "the raised --epochs is kept for the next resume: " + Files.readString(dir.resolve(TrainCommand.ARGUMENTS_FILE)));
        // a resume that adds nothing now continues to the raised count: nothing left to train
        Result again = latent4j("train", "--resume", dir.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(3, Files.readAllLines(dir.resolve("history.csv")).size(), "no epoch past the raised count");
        assertUsageError("not a run directory", "train", "--resume", tmp.resolve("broken-nowhere").toString());
    }

    static void assertUsageError(String expected, String... args) {
        Result r = latent4j(args);
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(expected), err);
    }

    /**
     * --likelihood reaches the saved model: a Gaussian decoder trains on the pixel intensities themselves
     * (no binarization unless asked), and the run evaluates and draws its samples from the Gaussian mean.
     */
    @Test
    void aGaussianLikelihoodRunSavesAndEvaluatesItsLikelihood() throws IOException {
        for (String kind : new String[] {"gaussian-learned", "gaussian-fixed"}) {
            Path dir = tmp.resolve("run-" + kind);
            Result r = latent4j("train", "--likelihood", kind, "--limit", "200", "--epochs", "1", "--hidden", "32", "--latent", "4",
                    "--batch", "50", "--nll-k", "5", "--eval-limit", "20", "--out", dir.toString());
            assertEquals(0, r.code(), r.err());
            ModelStore.Saved saved = ModelStore.load(dir);
            assertEquals(kind, saved.model().likelihood().name());
            assertEquals(org.latent4j.core.data.Binarization.NONE, saved.preprocessing().binarization());
            assertPng(dir.resolve("samples.png"), 8, 8);
            Result e = latent4j("eval", dir.toString(), "--nll-k", "5", "--limit", "10");
            assertEquals(0, e.code(), e.err());
            assertTrue(e.out().contains("NLL"), e.out());
        }
    }

    @Test
    void badOptionsExitWithOneLine() throws IOException {
        assertUsageError("unknown option --epoch", "train", "--epoch", "3");
        assertUsageError("--epochs must be a whole number, got 'three'", "train", "--epochs", "three");
        assertUsageError("unknown --model gan", "train", "--model", "gan");
        assertUsageError("--binarize must be none, dynamic or static", "train", "--binarize", "maybe");
        assertUsageError("unknown activation 'swish2'", "train", "--activation", "swish2");
        assertUsageError("--likelihood must be bernoulli, gaussian-fixed or gaussian-learned, got 'poisson'", "train", "--likelihood", "poisson");
        assertUsageError("--sigma is the standard deviation of --likelihood gaussian-fixed, not of bernoulli", "train", "--sigma", "0.2");
        assertUsageError("--sigma must be", "train", "--likelihood", "gaussian-fixed", "--sigma", "-1");
        assertUsageError("no such directory", "eval", tmp.resolve("missing").toString());
        assertUsageError("expects one run directory", "sample");
        assertUsageError("already exists", "train", "--out", run.toString());
        // sizes beyond the heap are refused by an estimate before anything is allocated (HeapBudget)
        assertUsageError("use smaller --hidden, --latent, --batch", "train", "--hidden", "100000,100000", "--out", tmp.resolve("huge").toString());
        assertUsageError("but the Java heap has", "train", "--hidden", "40000,40000", "--out", tmp.resolve("large").toString());

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (String f : new String[] {"model.safetensors", "config.json", "metrics.json"}) Files.copy(run.resolve(f), broken.resolve(f));
        String config = Files.readString(broken.resolve("config.json"));
        Files.writeString(broken.resolve("config.json"), config.substring(0, config.length() - 3));
        assertUsageError("config.json", "eval", broken.toString());
        assertUsageError("config.json", "sample", broken.toString());
    }

    /** A copy of the tiny run's directory tree. */
    private static Path copyOfRun(String name) throws IOException {
        Path copy = tmp.resolve(name);
        try (var files = Files.walk(run)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(run.relativize(f).toString()));
        }
        return copy;
    }

    private static void replaceIn(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " holds " + from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void aDamagedTrainingDataEntryIsOneLineNamingTheFile() throws IOException {
        Path dir = copyOfRun("damaged-data");
        replaceIn(dir.resolve("config.json"), "\"limit\": 200", "\"limit\": \"many\"");
        assertUsageError("config.json: training.data", "eval", dir.toString());
        assertUsageError("limit", "reconstruct", dir.toString());
        replaceIn(dir.resolve("config.json"), "\"limit\": \"many\"", "\"limit\": -3");
        assertUsageError("limit -3 is negative", "traverse", dir.toString());
        replaceIn(dir.resolve("config.json"), "\"source\": \"embedded\"", "\"source\": \"\"");
        assertUsageError("source is missing or blank", "interpolate", dir.toString());
    }

    @Test
    void aDamagedArgumentsFileIsOneLineNamingTheFile() throws IOException {
        Path dir = copyOfRun("damaged-arguments");
        Path args = dir.resolve(TrainCommand.ARGUMENTS_FILE);
        String original = Files.readString(args);
        Files.writeString(args, original.substring(0, original.length() / 2));
        assertUsageError(args.toString(), "train", "--resume", dir.toString());
        Files.writeString(args, "{\"epochs\": 3}");
        assertUsageError(args.toString(), "train", "--resume", dir.toString());
        Files.writeString(args, "[\"--epochs\", \"3\"]");
        assertUsageError(args.toString(), "train", "--resume", dir.toString());
        Files.writeString(args, "{\"epochs\": \"three\"}");
        assertUsageError(args + ": --epochs must be a whole number, got 'three'", "train", "--resume", dir.toString());
        Files.writeString(args, "{\"colour\": \"red\"}");
        assertUsageError(args + ": 'colour' is not an option a run keeps", "train", "--resume", dir.toString());
        // values that parse but build another model than the checkpoint's
        Files.writeString(args, original);
        replaceIn(args, "\"batch\": \"50\"", "\"batch\": \"25\"");
        assertUsageError("cannot resume " + dir + " with the options in its " + TrainCommand.ARGUMENTS_FILE, "train", "--resume", dir.toString(),
                "--epochs", "2");
        // the model itself is rebuilt from the checkpoint's config, whatever the arguments file (or today's defaults) say
        Files.writeString(args, original);
        replaceIn(args, "\"latent\": \"4\"", "\"latent\": \"7\"");
        Result r = latent4j("train", "--resume", dir.toString(), "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, ModelStore.load(dir).model().latentDim());
        // and a resume changes no option but a larger --epochs
        assertUsageError("--lr cannot change (it was not given)", "train", "--resume", dir.toString(), "--lr", "0.01");
        assertUsageError("--model cannot change", "train", "--resume", dir.toString(), "--model", "iwae");
        assertUsageError("--resume can only raise --epochs (the run in " + dir + " was set to 2)", "train", "--resume", dir.toString(), "--epochs", "1");
    }

    @Test
    void badDataAndUnwritablePathsAreOneLine() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("no-idx"));
        assertUsageError("train-images-idx3-ubyte", "train", "--data", empty.toString(), "--out", tmp.resolve("x1").toString());

        Path truncated = Files.createDirectories(tmp.resolve("truncated-idx"));
        java.nio.ByteBuffer images = java.nio.ByteBuffer.allocate(16 + 100).putInt(0x803).putInt(2).putInt(28).putInt(28);
        java.nio.ByteBuffer labels = java.nio.ByteBuffer.allocate(8 + 2).putInt(0x801).putInt(2);
        for (String part : new String[] {"train", "t10k"}) {
            Files.write(truncated.resolve(part + "-images-idx3-ubyte"), images.array());
            Files.write(truncated.resolve(part + "-labels-idx1-ubyte"), labels.array());
        }
        assertUsageError("images-idx3-ubyte", "train", "--data", truncated.toString(), "--out", tmp.resolve("x2").toString());
        assertUsageError("images-idx3-ubyte", "eval", run.toString(), "--data", truncated.toString());

        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        assertUsageError(file.toString(), "train", "--limit", "50", "--epochs", "1", "--out", file.resolve("run").toString());
        assertUsageError(file.toString(), "sample", run.toString(), "--n", "2", "--out", file.resolve("s.png").toString());
        assertUsageError(file.toString(), "eval", run.toString(), "--nll-k", "1", "--limit", "2", "--json", file.resolve("e.json").toString());
    }
}
