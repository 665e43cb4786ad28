package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code latent4j bench gemm --serve} and {@code bench nearest-code --serve}, the resident sides of
 * bench/gemm-vs-openblas.sh and bench/nearest-code-vs-faiss.sh: each lists its cases,
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
    void nearestCodeAnswersEachRequestWithOneLine() {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(String.join("\n", "16 40 33", "16 40", "0 40 33", "100000 100000 100000", "8 9 10", "quit", "8 9 10")
                .getBytes(StandardCharsets.UTF_8)));
        ModelCommandsTest.Result r;
        try {
            r = ModelCommandsTest.latent4j("bench", "nearest-code", "--serve", "--threads", "1", "--d", "16", "--codes", "256,65536");
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        // n = 2^31 / (K d), at least 64
        assertEquals(List.of("case 16 256 524288", "case 16 65536 2048"), lines.subList(0, 2));
        assertTrue(lines.get(2).startsWith("ready "), lines.get(2));
        assertEquals(8, lines.size(), "one answer per request up to quit: " + lines);
        assertTrue(Double.parseDouble(lines.get(3)) > 0, lines.get(3));
        assertTrue(lines.get(4).startsWith("error: expected 'd K n'"), lines.get(4));
        assertTrue(lines.get(5).startsWith("error: expected 'd K n'"), lines.get(5));
        assertTrue(lines.get(6).startsWith("error: 100000 100000 100000 needs an operand of 10000000000 floats"), lines.get(6));
        assertTrue(Double.parseDouble(lines.get(7)) > 0, "still serving after the errors: " + lines.get(7));
    }

    @Test
    void nearestCodeTableAndItsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path json = dir.resolve("nc.json");
        ModelCommandsTest.Result r = ModelCommandsTest.latent4j("bench", "nearest-code", "--threads", "1", "--d", "8", "--codes", "16,100",
                "--repeat", "1", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("vectors/s"), r.out());
        String text = java.nio.file.Files.readString(json);
        assertTrue(text.contains("\"benchmark\": \"nearest-code\"") && text.contains("\"codes\": 100"), text);
        ModelCommandsTest.assertUsageError("--serve answers on stdout and takes no --json", "bench", "nearest-code", "--serve", "--json", "x.json");
    }

    @Test
    void refusesAJsonFile() {
        ModelCommandsTest.assertUsageError("--serve answers on stdout and takes no --json", "bench", "gemm", "--serve", "--json", "x.json");
    }

    @Test
    void compressAnswersSpecsAndTheTruthWithOneJsonLineEach(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int n = 400, nq = 12, d = 6;
        float[] base = new float[n * d], queries = new float[nq * d];
        for (int i = 0; i < base.length; i++) base[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < queries.length; i++) queries[i] = (float) rnd.nextGaussian();
        org.latent4j.core.data.io.NpyWriter.write(dir.resolve("b.npy"), org.latent4j.tensor.Tensor.wrap(base, n, d));
        org.latent4j.core.data.io.NpyWriter.write(dir.resolve("q.npy"), org.latent4j.tensor.Tensor.wrap(queries, nq, d));
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(String.join("\n", "!truth", "NOPE7", "quit", "NOPE7").getBytes(StandardCharsets.UTF_8)));
        ModelCommandsTest.Result r;
        try {
            r = ModelCommandsTest.latent4j("bench", "compress", "--serve", "--threads", "1", "--k", "3", "--base", dir.resolve("b.npy").toString(),
                    "--queries", dir.resolve("q.npy").toString());
        } finally {
            System.setIn(saved);
        }
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), "ready, then one answer per request up to quit: " + lines);
        assertTrue(lines.get(0).contains("\"base\":[400,6]") && lines.get(0).contains("\"k\":3"), lines.get(0));
        // the exact 3 nearest of the last query, by brute force
        String ids = lines.get(1);
        Integer[] order = java.util.stream.IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> {
            double s = 0;
            for (int j = 0; j < d; j++) s += Math.pow(queries[(nq - 1) * d + j] - base[i * d + j], 2);
            return s;
        }));
        assertTrue(ids.startsWith("{\"truth_ids\":[") && ids.endsWith("," + order[0] + "," + order[1] + "," + order[2] + "]}"), ids);
        assertTrue(lines.get(2).startsWith("{\"spec\":\"NOPE7\",\"error\":\"unknown compressor 'NOPE7'"), lines.get(2));
    }
}
