package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latent4j bench conv}: a tiny run reports its figures and writes them as JSON; bad options are refused. */
class BenchConvCommandTest {

    @Test
    void tinyRunReportsStepsAndBytes(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("conv.json");
        // the bench warms up for at least 5 s whatever --warmup says: this test takes that long
        ModelCommandsTest.Result r = ModelCommandsTest.latent4j("bench", "conv", "--batch", "2", "--dim", "8", "--head-kernel", "1",
                "--threads", "1", "--steps", "2", "--repeat", "1", "--warmup", "0", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("latent4j bench conv: batch 2, D 8, head kernel 1, 1 thread(s)"), r.out());
        assertTrue(r.out().contains("steps/s") && r.out().contains("bytes/step"), r.out());
        String j = Files.readString(json);
        assertTrue(j.contains("\"benchmark\": \"conv\"") && j.contains("\"dim\": 8") && j.contains("\"steps_per_second\": "), j);
    }

    @Test
    void refusesAHeadKernelOtherThanOneOrThree() {
        ModelCommandsTest.assertUsageError("--head-kernel must be 1 or 3", "bench", "conv", "--head-kernel", "2");
        ModelCommandsTest.assertUsageError("--batch", "bench", "conv", "--batch", "0");
    }
}
