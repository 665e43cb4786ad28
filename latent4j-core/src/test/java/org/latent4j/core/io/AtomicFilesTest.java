package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    /** Every entry of {@code d}, hidden ones included, sorted. */
    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplacesFiles() throws IOException {
        Path f = dir.resolve("sub/deeper/config.json");
        AtomicFiles.writeString(f, "first é");
        assertEquals("first é", Files.readString(f), "missing parent directories are created");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of("config.json"), listing(f.getParent()), "no temporary file is left");
    }

    @Test
    void streamingWriterGetsABufferedStreamItMayClose() throws IOException {
        Path f = dir.resolve("big.bin");
        byte[] expected = new byte[3 * 65536 + 17];
        for (int i = 0; i < expected.length; i++) expected[i] = (byte) (i * 31 + (i >> 8));
        AtomicFiles.write(f, out -> {
            for (int i = 0; i < 100; i++) out.write(expected[i]);
            out.write(expected, 100, expected.length - 100);
            out.close();
        });
        assertArrayEquals(expected, Files.readAllBytes(f));
        assertEquals(List.of("big.bin"), listing(dir));
    }

    @Test
    void aWriterThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        AtomicFiles.writeString(f, "old content");
        IOException failure = new IOException("disk full (simulated)");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("new content that never lands ".repeat(10_000).getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of("model.safetensors"), listing(dir));

        RuntimeException bug = new IllegalStateException("bug in the writer");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100]);
            throw bug;
        })));
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of("model.safetensors"), listing(dir));

        Path fresh = dir.resolve("never.json");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(fresh, out -> {
            throw new UncheckedIOException(new IOException("x"));
        }));
        assertFalse(Files.exists(fresh), "a failed first write creates nothing");
        assertEquals(List.of("model.safetensors"), listing(dir));
    }

    @Test
    void refusesToOverwriteADirectoryWithAFile() throws IOException {
        Path d = Files.createDirectory(dir.resolve("taken"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(d, "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertEquals(List.of("taken"), listing(dir));
    }

    @Test
    void writesANewDirectory() throws IOException {
        Path model = dir.resolve("runs/model");
        AtomicFiles.writeDirectory(model, false, d -> {
            Files.writeString(d.resolve("config.json"), "{}");
            Files.createDirectory(d.resolve("nested"));
            Files.writeString(d.resolve("nested/metrics.json"), "[]");
        });
        assertEquals(List.of("config.json", "nested"), listing(model));
        assertEquals("[]", Files.readString(model.resolve("nested/metrics.json")));
        assertEquals(List.of("model"), listing(model.getParent()), "no temporary directory is left");
    }

    @Test
    void refusesOrReplacesAnExistingDirectory() throws IOException {
        Path model = dir.resolve("model");
        AtomicFiles.writeDirectory(model, false, d -> Files.writeString(d.resolve("old.txt"), "old"));

        boolean[] ran = {false};
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.writeDirectory(model, false, d -> ran[0] = true));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertFalse(ran[0], "refusal comes before any writing");
        assertEquals(List.of("old.txt"), listing(model));

        AtomicFiles.writeDirectory(model, true, d -> Files.writeString(d.resolve("new.txt"), "new"));
        assertEquals(List.of("new.txt"), listing(model), "the old directory's files are gone, not merged");
        assertEquals("new", Files.readString(model.resolve("new.txt")));
        assertEquals(List.of("model"), listing(dir), "neither the old copy nor the temporary directory is left");
    }

    @Test
    void aDirectoryWriterThatFailsLeavesTheOldDirectory() throws IOException {
        Path model = dir.resolve("model");
        AtomicFiles.writeDirectory(model, false, d -> Files.writeString(d.resolve("weights"), "old weights"));
        IOException failure = new IOException("simulated crash while writing weights");
        assertSame(failure, assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(model, true, d -> {
            Files.writeString(d.resolve("config.json"), "{}");
            Files.createDirectories(d.resolve("a/b"));
            Files.writeString(d.resolve("a/b/partial"), "half");
            throw failure;
        })));
        assertEquals(List.of("weights"), listing(model));
        assertEquals("old weights", Files.readString(model.resolve("weights")));
        assertEquals(List.of("model"), listing(dir));
    }

    @Test
    void aDirectoryCannotReplaceAFile() throws IOException {
        Path f = dir.resolve("model");
        Files.writeString(f, "a file");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.writeDirectory(f, true, d -> {}));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("a file", Files.readString(f));
        assertEquals(List.of("model"), listing(dir));
    }
}
