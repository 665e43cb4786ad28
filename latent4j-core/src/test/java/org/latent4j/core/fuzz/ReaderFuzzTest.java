package org.latent4j.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.data.io.CsvReader;
import org.latent4j.core.data.io.IdxReader;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.VecsReader;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.io.Safetensors;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.ShapeException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * The readers' contract under arbitrary input: each returns a well-formed result or throws its documented
 * exception with a one-line message naming the source, and nothing else (no NegativeArraySizeException,
 * IndexOutOfBounds, OutOfMemoryError, StackOverflowError...). Any other throwable is a finding.
 *
 * <p>In the normal test suite each target replays its committed corpus ({@code ReaderFuzzTestInputs/<method>/});
 * with {@code JAZZER_FUZZ=1} it fuzzes for its {@code maxDuration} (see docs/fuzzing.md).
 */
class ReaderFuzzTest {
    private static final String NAME = "fuzzed";

    @FuzzTest(maxDuration = "5m")
    void idx(byte[] input) {
        try {
            IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(input), NAME);
            assertWellFormed(a.values(), input, 1);
            assertEquals(a.rank(), a.shape().length);
            assertEquals(product(a.shape()), a.values().size());
        } catch (DataFileException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void idxLabels(byte[] input) {
        try {
            int[] labels = IdxReader.readLabels(new ByteArrayInputStream(input), NAME);
            assertTrue(isGzip(input) || labels.length <= input.length);
        } catch (DataFileException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void npy(byte[] input) {
        try {
            assertWellFormed(NpyReader.read(new ByteArrayInputStream(input), NAME), input, 1);
        } catch (DataFileException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void csv(FuzzedDataProvider data) {
        CsvReader.Header header = data.pickValue(CsvReader.Header.values());
        boolean allowMissing = data.consumeBoolean();
        char separator = data.pickValue(new Character[] {',', ';', '\t', ' ', '|'});
        byte[] input = data.consumeRemainingAsBytes();
        try {
            CsvReader.Table t = CsvReader.read(new ByteArrayInputStream(input), NAME, new CsvReader.Format(separator, header, allowMissing));
            // an empty cell is a value when missing values are allowed: "," is two of them
            assertWellFormed(t.values(), input, 0);
            assertTrue(isGzip(input) || t.values().size() <= 2L * (input.length + 1), t.values().size() + " values from " + input.length + " bytes");
            assertEquals(2, t.values().rank());
            // the names when the file has a header, else none
            assertTrue(t.columnNames().isEmpty() || t.columnNames().size() == t.columns(), t.columnNames() + " for " + t.columns() + " columns");
            if (!allowMissing) {
                for (float v : t.values().toArray()) assertTrue(Float.isFinite(v), "a value that is not finite was read without allowMissing");
            }
        } catch (DataFileException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void vecs(FuzzedDataProvider data) {
        VecsReader.Kind kind = data.pickValue(VecsReader.Kind.values());
        byte[] input = data.consumeRemainingAsBytes();
        try {
            Tensor t = VecsReader.read(new ByteArrayInputStream(input), NAME, kind);
            // every vector carries a 4-byte dimension before its elements
            assertWellFormed(t, input, kind == VecsReader.Kind.BVECS ? 1 : 4);
            assertEquals(2, t.rank());
        } catch (DataFileException e) {
            assertOneLine(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] input) throws IOException {
        Path file = scratch().resolve("fuzzed.safetensors");
        Files.write(file, input);
        try (Safetensors.Reader reader = Safetensors.open(file)) {
            for (String name : reader.tensors().keySet()) {
                Safetensors.TensorInfo info = reader.info(name);
                try {
                    Tensor t = reader.read(name);
                    assertEquals(info.numel(), t.size());
                    assertTrue(info.numel() * info.dtype().bits() <= 8L * input.length, "more values than the file holds");
                } catch (UnsupportedOperationException | ShapeException e) {
                    // documented: a dtype Latent4j cannot convert, or more than 2^31-1 elements
                    assertOneLine(e, file.toString());
                }
            }
        } catch (Safetensors.FormatException e) {
            assertOneLine(e, file.toString());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void json(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Json.Value value;
        try {
            value = Json.parse(text, NAME);
        } catch (JsonException e) {
            assertOneLine(e);
            return;
        }
        // what the writer makes of a parsed value parses back to the same value
        assertEquals(value, Json.parse(Json.write(value), "written"));
        assertEquals(value, Json.parse(Json.writeCompact(value), "written compactly"));
    }

    @FuzzTest(maxDuration = "5m")
    void modelConfig(byte[] input) throws IOException {
        Path run = savedModel();
        Files.write(run.resolve(ModelStore.CONFIG_FILE), input);
        try {
            ModelStore.Saved saved = ModelStore.load(run);
            assertNotNull(saved.model());
            assertEquals(saved.config().weights().parameters(), saved.model().parameterCount());
        } catch (ModelStore.ModelStoreException e) {
            assertOneLine(e, run.toString());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path scratch;
    private static Path savedModel;

    private static synchronized Path scratch() {
        if (scratch == null) {
            try {
                Path dir = Files.createTempDirectory("latent4j-fuzz");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                scratch = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }

    /** A small saved VAE whose config.json each input replaces; its weights stay as saved. */
    private static synchronized Path savedModel() throws IOException {
        if (savedModel == null) {
            Path dir = scratch().resolve("run");
            var model = ModelKinds.get("vae").createFrom(VaeConfig.of(6, 2).withHidden(List.of(4)), new Rng(1));
            var preprocessing = new ModelStore.DataPreprocessing("fuzz", new int[] {2, 3}, ModelStore.SCALING_NONE,
                    new Standardizer(new float[6], new float[] {1, 1, 1, 1, 1, 1}), Binarization.NONE);
            ModelStore.save(dir, model, preprocessing, null, null);
            savedModel = dir;
        }
        return savedModel;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static boolean isGzip(byte[] input) {
        return input.length >= 2 && (input[0] & 0xFF) == 0x1F && (input[1] & 0xFF) == 0x8B;
    }

    private static long product(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The shape accounts for every value, and (unless gzipped) no value was invented beyond the input's bytes. */
    private static void assertWellFormed(Tensor t, byte[] input, int minBytesPerValue) {
        assertNotNull(t);
        assertEquals(product(t.shape()), t.size());
        for (int d : t.shape()) assertTrue(d >= 0, "negative dimension");
        if (!isGzip(input)) assertTrue((long) t.size() * minBytesPerValue <= input.length, t.size() + " values from " + input.length + " bytes");
    }

    private static void assertOneLine(Exception e) {
        assertOneLine(e, NAME);
    }

    private static void assertOneLine(Exception e, String source) {
        String m = e.getMessage();
        assertNotNull(m, e.getClass().getName() + " without a message");
        assertTrue(m.startsWith(source), "message does not name the source first: " + m);
        assertFalse(m.contains("\n"), "message of more than one line: " + m);
    }
}
