package org.latent4j.compress.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.zip.CRC32C;
import org.latent4j.core.data.DataFileException;

/**
 * The codes file reader under arbitrary bytes: it returns a codes file whose compressor and codes agree with each
 * other, or throws a {@link DataFileException} with one line naming the file, and nothing else.
 *
 * <p>The file ends in a CRC32C of everything before it, which a mutating fuzzer almost never gets right; so when
 * the fuzzer's first choice says so, the harness writes the correct checksum over the mutated bytes, and the
 * header, the stages and the compressors' own checks are fuzzed too. The corpus is
 * {@code CodesFileFuzzTestInputs/codesFile/}; docs/fuzzing.md says how to fuzz for longer.
 */
class CodesFileFuzzTest {
    private static Path scratch;

    @FuzzTest(maxDuration = "5m")
    void codesFile(FuzzedDataProvider data) throws IOException {
        boolean fixChecksum = data.consumeBoolean();
        byte[] input = data.consumeRemainingAsBytes();
        if (fixChecksum && input.length >= CodesFile.SUFFIX) {
            CRC32C crc = new CRC32C();
            crc.update(input, 0, input.length - CodesFile.SUFFIX);
            int sum = (int) crc.getValue();
            for (int i = 0; i < 4; i++) input[input.length - CodesFile.SUFFIX + i] = (byte) (sum >> (8 * i));
        }
        Path file = scratch().resolve("fuzzed" + CodesFile.EXTENSION);
        Files.write(file, input);
        try {
            CodesFile read = CodesFile.read(file);
            assertNotNull(read.compressor());
            assertEquals((long) read.count() * read.compressor().codeSize(), read.codes().length);
            assertTrue(read.codes().length <= input.length);
            if (read.count() > 0) {
                // the rebuilt compressor can decode what the file holds
                int n = Math.min(read.count(), 4);
                var decoded = read.compressor().decode(Arrays.copyOf(read.codes(), n * read.compressor().codeSize()), n);
                assertEquals((long) n * read.compressor().dimension(), decoded.size());
            }
        } catch (DataFileException e) {
            String m = e.getMessage();
            assertNotNull(m);
            assertTrue(m.startsWith(file.toString()), "message does not name the file first: " + m);
            assertFalse(m.contains("\n"), "message of more than one line: " + m);
        }
    }

    private static synchronized Path scratch() {
        if (scratch == null) {
            try {
                Path dir = Files.createTempDirectory("latent4j-fuzz");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (var paths = Files.walk(dir)) {
                        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (IOException e) {
                        // a leftover temporary directory is harmless
                    }
                }));
                scratch = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }
}
