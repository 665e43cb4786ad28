package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process killed at any point of replacing a directory (a checkpoint) leaves something {@link AtomicFiles#recoverDirectory}
 * turns back into one complete directory, the old or the new, and no hidden leftovers.
 */
class DirectoryCrashRecoveryTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noHook() {
        AtomicFiles.crashHook = null;
    }

    private static void write(Path dir, String content) throws IOException {
        AtomicFiles.writeDirectory(dir, true, d -> {
            Files.writeString(d.resolve("a.txt"), content);
            Files.writeString(d.resolve("b.txt"), content + "!");
        });
    }

    private static String content(Path dir) throws IOException {
        String a = Files.readString(dir.resolve("a.txt")), b = Files.readString(dir.resolve("b.txt"));
        assertEquals(a + "!", b, "the two files belong to the same write");
        return a;
    }

    private List<String> hidden() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"written", "between renames", "renamed"})
    void aKillAtAnyPointOfAReplacementRecoversToOneCompleteDirectory(String point) throws IOException {
        Path dir = tmp.resolve("checkpoint");
        write(dir, "old");
        AtomicFiles.crashHook = p -> {
            if (p.equals(point)) throw new AtomicFiles.SimulatedCrash(p);
        };
        assertThrows(AtomicFiles.SimulatedCrash.class, () -> write(dir, "new"));
        AtomicFiles.crashHook = null;
        assertFalse(hidden().isEmpty(), "the kill left hidden copies");
        if (point.equals("between renames")) assertFalse(Files.exists(dir), "no directory at the name between the two renames");

        boolean restored = AtomicFiles.recoverDirectory(dir);
        assertEquals(point.equals("between renames"), restored);
        // before the first rename the write never happened; after it, the new copy is the one that counts
        assertEquals(point.equals("written") ? "old" : "new", content(dir));
        assertEquals(List.of(), hidden(), "leftovers removed");
        // and the directory can be written again
        write(dir, "next");
        assertEquals("next", content(dir));
        assertEquals(List.of(), hidden());
    }

    @ParameterizedTest
    @ValueSource(strings = {"written"})
    void aKillOfTheFirstWriteLeavesNothingHalfWritten(String point) throws IOException {
        Path dir = tmp.resolve("first");
        AtomicFiles.crashHook = p -> {
            if (p.equals(point)) throw new AtomicFiles.SimulatedCrash(p);
        };
        assertThrows(AtomicFiles.SimulatedCrash.class, () -> write(dir, "one"));
        AtomicFiles.crashHook = null;
        AtomicFiles.recoverDirectory(dir);
        // the first write's copy was complete when the kill came: it is the directory now (there was no other)
        assertEquals("one", content(dir));
        assertEquals(List.of(), hidden());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void anUnfinishedCopyIsNeverRestored(int existing) throws IOException {
        Path dir = tmp.resolve("partial");
        if (existing == 1) write(dir, "old");
        // a kill in the middle of writing the new copy: files there, no completion marker
        assertThrows(AtomicFiles.SimulatedCrash.class, () -> AtomicFiles.writeDirectory(dir, true, d -> {
            Files.writeString(d.resolve("a.txt"), "half");
            throw new AtomicFiles.SimulatedCrash("writing");
        }));
        assertFalse(hidden().isEmpty());
        assertFalse(AtomicFiles.recoverDirectory(dir));
        assertEquals(existing == 1, Files.exists(dir));
        if (existing == 1) assertEquals("old", content(dir));
        assertEquals(List.of(), hidden());
    }
}
