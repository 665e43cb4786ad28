package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code latent4j bench gemm --serve}, the resident side of bench/gemm-vs-openblas.sh: it lists its cases,
 * answers a good request with GFLOPS and a bad one (not a product, a non-positive size, an operand too
 * large to allocate) with one "error:" line, and goes on serving after it.
 */
class BenchServeCommandTest {

    @Test
    void answersEachRequestWithOneLine() {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(String.join("\n", "NT 9 17 33", "XX 1 2", "NN 0 4 4", "TN 100000 100000 100000", "NN 8 8 8", "quit", "NN 8 8 8")
                .getBytes(StandardCharsets.UTF_8)));
        ModelCommandsTest.Result r;
        try {
            r = ModelCommandsTest.latent4j("bench", "gemm", "--serve", "--threads", "1", "--shapes", "square", "--sizes", "8");
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("case NN 8 8 8 square 8", "case NT 8 8 8 square 8", "case TN 8 8 8 square 8"), lines.subList(0, 3));
        assertTrue(lines.get(3).startsWith("ready "), lines.get(3));
        assertEquals(9, lines.size(), "one answer per request up to quit: " + lines);
        assertTrue(Double.parseDouble(lines.get(4)) > 0, lines.get(4));
        assertTrue(lines.get(5).startsWith("error: expected 'OP m n k'"), lines.get(5));
        assertTrue(lines.get(6).startsWith("error: expected 'OP m n k'"), lines.get(6));
        assertTrue(lines.get(7).startsWith("error: TN 100000 100000 100000 needs an operand of 10000000000 floats"), lines.get(7));
        assertTrue(Double.parseDouble(lines.get(8)) > 0, "still serving after the errors: " + lines.get(8));
    }

    @Test
    void refusesAJsonFile() {
        ModelCommandsTest.assertUsageError("--serve answers on stdout and takes no --json", "bench", "gemm", "--serve", "--json", "x.json");
    }
}
