package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code train --data FILE}: vectors from .npy, .csv and .fvecs files, and the one-line refusals of bad files. */
class VectorDataCommandsTest {
    @TempDir
    static Path tmp;

    /** 200 rows of 10 features, Gaussian (not in [0, 1]): the command picks a Gaussian likelihood and no binarization. */
    private static Tensor vectors() {
        return new Rng(5).normal(0f, 2f, 200, 10);
    }

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    private static void trainsOn(Path file, String kind) throws IOException {
        Path run = tmp.resolve(file.getFileName() + "-" + kind);
        ModelCommandsTest.Result r = latent4j("train", "--data", file.toString(), "--model", kind, "--epochs", "2", "--hidden", "16", "--latent", "3",
                "--batch", "32", "--nll-k", "3", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Json.Cursor c = config(run);
        assertEquals(kind, c.get("kind").asString());
        assertEquals(10, c.get("config").get("dataDim").asInt());
        assertEquals("GAUSSIAN_FIXED", c.get("config").get("likelihood").asString(), "data outside [0, 1] get a Gaussian");
        assertEquals("NONE", c.get("preprocessing").get("binarization").asString());
        assertEquals("none", c.get("preprocessing").get("scaling").asString());
        float[] mean = c.get("preprocessing").get("standardizer").get("mean").asFloatArray();
        assertEquals(10, mean.length, "standardized by default: the data are not in [0, 1]");
        assertFalse(Files.exists(run.resolve("reconstructions.png")), "vectors are not pictures");
        Json.Cursor eval = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation");
        assertEquals(20, eval.get("examples").asInt(), "a tenth of the file is held out");
        assertTrue(Files.readString(run.resolve("history.csv")).lines().count() == 3);
        // the held-out rows are the file's, whatever the seed: eval finds them again
        assertEquals(0, latent4j("eval", run.toString(), "--nll-k", "2").code());
    }

    @Test
    void npyCsvAndFvecsFilesTrainAnyKind() throws IOException {
        Tensor x = vectors();
        Path npy = tmp.resolve("v.npy");
        NpyWriter.write(npy, x);
        trainsOn(npy, "vae");
        trainsOn(npy, "ae");

        float[] v = x.toArray();
        StringBuilder csv = new StringBuilder("a,b,c,d,e,f,g,h,i,j\n");
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 10; j++) csv.append(j == 0 ? "" : ",").append(v[i * 10 + j]);
            csv.append('\n');
        }
        Path csvFile = tmp.resolve("v.csv");
        Files.writeString(csvFile, csv);
        trainsOn(csvFile, "iwae");

        ByteBuffer b = ByteBuffer.allocate(200 * (4 + 40)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 200; i++) {
            b.putInt(10);
            for (int j = 0; j < 10; j++) b.putFloat(v[i * 10 + j]);
        }
        Path fvecs = tmp.resolve("v.fvecs");
        Files.write(fvecs, b.array());
        trainsOn(fvecs, "beta-vae");
    }

    @Test
    void badFilesAreOneLine() throws IOException {
        Path nan = tmp.resolve("nan.csv");
        Files.writeString(nan, "1,2\n3,NaN\n5,6\n");
        assertUsageError("nan.csv: line 2, column 2: 'NaN'", "train", "--data", nan.toString());
        Path nanNpy = tmp.resolve("nan.npy");
        NpyWriter.write(nanNpy, Tensor.of(new float[] {1, 2, 3, Float.NaN, 5, 6}, 3, 2));
        assertUsageError("nan.npy: row 2, feature 2 is NaN", "train", "--data", nanNpy.toString());
        Path inf = tmp.resolve("inf.npy");
        NpyWriter.write(inf, Tensor.of(new float[] {1, 2, Float.POSITIVE_INFINITY, 4}, 2, 2));
        assertUsageError("inf.npy: row 2, feature 1 is Infinity", "train", "--data", inf.toString());
        Path truncated = tmp.resolve("cut.npy");
        NpyWriter.write(truncated, vectors());
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        assertUsageError("cut.npy", "train", "--data", truncated.toString());
        Path one = tmp.resolve("one.csv");
        Files.writeString(one, "1,2\n");
        assertUsageError("holds 1 row", "train", "--data", one.toString());
        assertUsageError("no such", "train", "--data", tmp.resolve("missing.npy").toString());
        Path unlabelled = tmp.resolve("plain.npy");
        NpyWriter.write(unlabelled, vectors());
        assertUsageError("cvae is conditioned on class labels, and the data have none", "train", "--model", "cvae", "--data", unlabelled.toString());
        assertUsageError("--standardize must be yes or no, got 'maybe'", "train", "--data", unlabelled.toString(), "--standardize", "maybe");
    }
}
