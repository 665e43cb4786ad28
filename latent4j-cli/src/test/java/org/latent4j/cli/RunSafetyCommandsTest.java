package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.random.Rng;

/**
 * Section 4 of issue 11: a run directory that survives a kill at the last save or before the first checkpoint, sizes
 * and data refused before training starts, edited configs that cannot read outside the run or mis-shape the pictures,
 * permission errors with their reason, and the beta-VAE capacity schedule from the command line.
 */
class RunSafetyCommandsTest {
    @TempDir
    static Path tmp;

    private static final String[] SMALL = {"--epochs", "2", "--hidden", "8", "--latent", "3", "--batch", "32", "--nll-k", "2", "--limit", "100"};

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

    private static String weightsSum(Path run) throws IOException {
        return config(run).get("weights").get("sha256").asString();
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    @Test
    void aRunKilledAfterItsWeightsButBeforeItsConfigHintsResumeAndResumeFinishesIt() throws IOException {
        Path run = train("killed-at-save");
        String straight = weightsSum(run);
        Files.delete(run.resolve("config.json"));
        Files.delete(run.resolve("metrics.json"));
        assertUsageError("holds no config.json yet: its training did not finish (it has a checkpoint); finish it with: latent4j train --resume " + run,
                "eval", run.toString());
        ModelCommandsTest.Result r = latent4j("train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(straight, weightsSum(run), "the resumed run saves the weights of its last checkpoint, those of the straight run");
        assertEquals(0, latent4j("eval", run.toString(), "--nll-k", "2").code());
    }

    @Test
    void aRunThatStoppedBeforeItsFirstCheckpointIsStartedOverByResume() throws IOException {
        Path reference = train("straight");
        Path run = train("stopped-early");
        // what a kill during the first epoch leaves: the options, no checkpoint, no model
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.toList()) if (!f.getFileName().toString().equals(TrainCommand.ARGUMENTS_FILE)) delete(f);
        }
        assertUsageError("its training did not finish (it stopped before its first checkpoint); finish it with: latent4j train --resume", "eval",
                run.toString());
        ModelCommandsTest.Result r = latent4j("train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("has no checkpoint (its training stopped before the first one): starting it over"), r.out());
        assertEquals(weightsSum(reference), weightsSum(run), "started over with the same options and seed: the straight run's weights");
    }

    @Test
    void tooFewRowsAnEmptyTestSplitAndSizesBeyondTheHeapAreRefusedBeforeTraining() throws IOException {
        Path out = tmp.resolve("refused");
        assertUsageError("leaves 1 training row (--limit 1); training needs at least 2", "train", "--limit", "1", "--out", out.toString());
        Path headerOnly = tmp.resolve("header.csv");
        Files.writeString(headerOnly, "a,b,c\n");
        assertUsageError("header.csv: holds a header (line 1) but no data rows", "train", "--data", headerOnly.toString(), "--out", out.toString());
        Path two = tmp.resolve("two.csv");
        Files.writeString(two, "1,2,3\n4,5,6\n");
        Path oneRowTrain = tmp.resolve("one.csv");
        Files.writeString(oneRowTrain, "1,2,3\n");
        assertUsageError("one.csv: leaves 1 training row; training needs at least 2", "train", "--data", oneRowTrain.toString(), "--test", two.toString(),
                "--out", out.toString());
        Path emptyTest = tmp.resolve("empty-test.csv");
        Files.writeString(emptyTest, "a,b,c\n");
        assertUsageError("empty-test.csv: holds a header (line 1) but no data rows", "train", "--data", two.toString(), "--test", emptyTest.toString(),
                "--out", out.toString());
        assertUsageError("train: the vae these options describe needs about 32.0 TB", "train", "--hidden", "1000000,1000000", "--out", out.toString());
        assertUsageError("use smaller --hidden, --latent, --batch or --k", "train", "--model", "iwae", "--k", "100000", "--out", out.toString());
        assertUsageError("needs about", "train", "--hidden", "45000,45000", "--out", out.toString());
        assertFalse(Files.exists(out), "nothing is written for a refused run");
    }

    @Test
    void anEditedConfigCannotReadOutsideTheRunOrMisShapeItsPictures() throws IOException {
        Path run = train("edited");
        String original = Files.readString(run.resolve("config.json"));
        Files.writeString(run.resolve("config.json"), original.replaceFirst("\"imageShape\": *\\[\\s*28,\\s*28\\s*\\]", "\"imageShape\": [3, 3]"));
        assertUsageError("preprocessing.imageShape [3, 3] holds 9 values, but the model takes 784 features per row", "sample", run.toString());
        Files.writeString(run.resolve("config.json"), original.replaceFirst("\"imageShape\": *\\[\\s*28,\\s*28\\s*\\]", "\"imageShape\": [-28, -28]"));
        assertUsageError("imageShape must hold positive sizes", "eval", run.toString());
        Files.copy(run.resolve("model.safetensors"), tmp.resolve("elsewhere.safetensors"));
        for (String file : new String[] {"../elsewhere.safetensors", tmp.resolve("elsewhere.safetensors").toString(), "sub/../../x"}) {
            Files.writeString(run.resolve("config.json"), original.replace("\"model.safetensors\"", Json.write(new Json.Str(file)).strip()));
            assertUsageError("weights.file must name a file inside the model's directory (a relative path without '..'), got \"" + file + "\"", "eval",
                    run.toString());
        }
        Files.writeString(run.resolve("config.json"), original);
        assertEquals(0, latent4j("eval", run.toString(), "--nll-k", "2").code(), "the unedited config loads");
    }

    @Test
    void permissionErrorsNameThePathAndTheReason() throws IOException {
        assertEquals("/x/run/samples.png: permission denied", Main.describe(new AccessDeniedException("/x/run/samples.png")));
        assertEquals("/x/run: Read-only file system", Main.describe(new java.nio.file.FileSystemException("/x/run", null, "Read-only file system")));
        Path run = train("read-only");
        // sysfs refuses new files even to root, so this runs wherever the tests do (Linux)
        Path sys = Path.of("/sys");
        if (Files.isDirectory(sys) && !Files.exists(sys.resolve("latent4j-samples.png"))) {
            Path out = sys.resolve("latent4j-samples.png");
            ModelCommandsTest.Result r = latent4j("sample", run.toString(), "--out", out.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().strip().startsWith("latent4j sample: " + out + ": permission denied (cannot create files in /sys)"), r.err());
        }
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root writes into read-only directories");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            ModelCommandsTest.Result r = latent4j("sample", run.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(run.toString()) && r.err().contains("permission denied"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        } finally {
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void theCapacityScheduleOfBetaVaeIsReachableFromTheCommandLine() throws IOException {
        Path file = tmp.resolve("cap.npy");
        NpyWriter.write(file, new Rng(2).normal(0f, 1f, 200, 6));
        Path run = tmp.resolve("capacity");
        ModelCommandsTest.Result r = latent4j("train", "--model", "beta-vae", "--data", file.toString(), "--capacity", "5", "--capacity-steps", "4",
                "--capacity-gamma", "10", "--epochs", "3", "--hidden", "8", "--latent", "2", "--batch", "32", "--nll-k", "2", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Json.Cursor c = config(run).get("config");
        assertEquals(1.0, c.get("beta").asDouble(), "gamma |KL - C| replaces beta");
        assertEquals(10.0, c.get("capacity").get("gamma").asDouble());
        assertEquals(5.0, c.get("capacity").get("max").asDouble());
        assertEquals(4, c.get("capacity").get("steps").asInt());
        Json.Cursor history = config(run).get("training").get("result").get("history");
        double first = history.get(0).get("metrics").get("capacity").asDouble(), last = history.get(2).get("metrics").get("capacity").asDouble();
        assertTrue(first > 0 && first < 5, "C still rising in the first epoch's 6 steps: " + first);
        assertEquals(5.0, last, 1e-9, "held at C_max after 4 steps");

        assertUsageError("--beta does not apply with --capacity", "train", "--model", "beta-vae", "--capacity", "5", "--beta", "2");
        assertUsageError("--capacity-gamma needs --capacity NATS", "train", "--model", "beta-vae", "--capacity-gamma", "100");
        assertUsageError("--capacity does not apply to --model vae (only to beta-vae)", "train", "--capacity", "5");
    }
}
