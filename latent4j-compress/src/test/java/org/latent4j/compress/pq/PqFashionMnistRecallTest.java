package org.latent4j.compress.pq;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.core.data.FashionMnist;
import org.latent4j.tensor.Tensor;

/**
 * PQ16x8 on 2,000 Fashion-MNIST training images (the base, also the training rows), 200 test images as queries:
 * k-NN recall@10 of the exhaustive ADC search against exact search, compared with FAISS's IndexPQ on the same rows
 * when Debian's python3-faiss is installed (10 k-means iterations on both sides); skipped without the data set.
 */
class PqFashionMnistRecallTest {
    static final int BASE = 2000, QUERIES = 200, K = 10;
    /** Lloyd iterations on both sides (FAISS's default is 25): fewer keep the test short, the comparison fair. */
    static final int ITERATIONS = 10;
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void pq16RecallAt10IsCloseToFaissAndMoreBytesFindMore() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.SYSTEM_DIRECTORY), "Fashion-MNIST is not installed");
        Tensor train = FashionMnist.loadTrain(FashionMnist.SYSTEM_DIRECTORY).features();
        Tensor test = FashionMnist.loadTest(FashionMnist.SYSTEM_DIRECTORY).features();
        int d = train.dim(1);
        Tensor base = Tensor.of(java.util.Arrays.copyOf(train.contiguous().toArray(), BASE * d), BASE, d);
        Tensor queries = Tensor.of(java.util.Arrays.copyOf(test.contiguous().toArray(), QUERIES * d), QUERIES, d);
        int[][] truth = exactTopK(base, queries);
        double pq16 = recall("PQ16x8", base, queries, truth), pq4 = recall("PQ4x8", base, queries, truth);
        assertTrue(pq16 > pq4 + 0.05, "16 bytes find more than 4: " + pq16 + " vs " + pq4);
        Double faiss = faissRecall();
        Assumptions.assumeTrue(faiss != null, "python3-faiss is not installed");
        // 200 queries: the recall's standard error is about 0.01; two k-means from different seeds add a little
        assertEquals(faiss, pq16, 0.04, "Latent4j PQ16x8 " + pq16 + " vs FAISS PQ16 " + faiss);
    }

    static double recall(String spec, Tensor base, Tensor queries, int[][] truth) {
        Compressor c = Compressors.fit(spec, base, FitOptions.defaults().withKmeansIterations(ITERATIONS));
        Neighbours found = c.index(c.encode(base), BASE, Metric.L2).search(queries, K);
        int hits = 0;
        for (int q = 0; q < QUERIES; q++) {
            for (int r = 0; r < K; r++) {
                for (int t : truth[q]) if (found.id(q, r) == t) hits++;
            }
        }
        return hits / (double) (QUERIES * K);
    }

    static int[][] exactTopK(Tensor base, Tensor queries) {
        float[] b = base.toArray(), q = queries.toArray();
        int d = base.dim(1);
        int[][] out = new int[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            double[] dist = new double[BASE];
            Integer[] order = new Integer[BASE];
            for (int j = 0; j < BASE; j++) {
                double s = 0;
                for (int p = 0; p < d; p++) {
                    double e = q[i * d + p] - b[j * d + p];
                    s += e * e;
                }
                dist[j] = s;
                order[j] = j;
            }
            java.util.Arrays.sort(order, (x, y) -> Double.compare(dist[x], dist[y]));
            out[i] = new int[K];
            for (int r = 0; r < K; r++) out[i][r] = order[r];
        }
        return out;
    }

    /** FAISS's recall@10 of IndexPQ(784, 16, 8) on the same rows, or null when FAISS cannot be run. */
    static Double faissRecall() throws Exception {
        if (!Files.isExecutable(PYTHON)) return null;
        String script = String.join("\n",
                "import gzip, sys",
                "try:",
                "    import faiss, numpy as np",
                "except ImportError:",
                "    print('absent'); sys.exit(0)",
                "def load(name, n):",
                "    raw = gzip.open('" + FashionMnist.SYSTEM_DIRECTORY + "/' + name, 'rb').read()",
                "    return (np.frombuffer(raw, dtype=np.uint8, offset=16)[:n * 784].reshape(n, 784).astype(np.float32) / np.float32(255)).astype(np.float32)",
                "faiss.omp_set_num_threads(2)",
                "b = load('train-images-idx3-ubyte.gz', " + BASE + ")",
                "q = load('t10k-images-idx3-ubyte.gz', " + QUERIES + ")",
                "index = faiss.IndexPQ(784, 16, 8)",
                "index.pq.cp.niter = " + ITERATIONS,
                "index.train(b); index.add(b)",
                "_, found = index.search(q, " + K + ")",
                "exact = faiss.IndexFlatL2(784); exact.add(b)",
                "_, truth = exact.search(q, " + K + ")",
                "print(sum(len(set(found[i]) & set(truth[i])) for i in range(len(q))) / (" + K + " * len(q)))");
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script).redirectErrorStream(false).start();
        p.getOutputStream().close();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0 || out.equals("absent") || out.isEmpty()) return null;
        return Double.parseDouble(out.lines().reduce((a, b) -> b).orElseThrow());
    }
}
