package org.latent4j.compress.pq;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.compress.search.PqFastScanIndex;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.Kernels;

/**
 * PQ wired to the search package: its 8-bit distance equals its own {@link ProductQuantizer#scan} bit for bit, its
 * index finds the reference scan's neighbours (exactly when every code is a fast-scan candidate, which also proves
 * the fast scan reads PQ's 4-bit layout right; recall@10 >= 0.99 with the default candidates).
 */
class PqSearchIndexTest {
    private static double recall(Neighbours want, Neighbours got) {
        int hit = 0;
        for (int i = 0; i < want.queries(); i++) {
            for (int a = 0; a < want.k(); a++) for (int b = 0; b < got.k(); b++) if (want.id(i, a) == got.id(i, b)) hit++;
        }
        return (double) hit / (want.queries() * want.k());
    }

    @Test
    void theIndexMatchesTheReferenceScanForFourAndEightBitCodes() {
        int n = 2000, nq = 20, d = 16, k = 10;
        Tensor all = ProductQuantizerTest.data(n + nq, d, 7);
        Tensor base = Tensor.wrap(Arrays.copyOf(all.toArray(), n * d), n, d);
        Tensor q = Tensor.wrap(Arrays.copyOfRange(all.toArray(), n * d, (n + nq) * d), nq, d);
        for (String token : new String[] {"PQ8x8", "PQ8x4", "PQ16x4"}) {
            ProductQuantizer pq = ProductQuantizerTest.pq(token, base, ProductQuantizerTest.FAST);
            byte[] codes = pq.encode(base);
            for (Metric metric : Metric.values()) {
                // the reference: ScanIndex over PQ's own scan of its own tables
                float[] lut = new float[pq.m() * pq.ksub()];
                float[] own = new float[n], viaDistance = new float[n];
                CodeDistance dist = pq.distance(metric);
                dist.setQuery(q.data(), 0);
                dist.scores(codes, 0, n, viaDistance, 0);
                pq.lookupTable(q.data(), 0, metric, lut);
                pq.scan(lut, codes, 0, n, own, 0);
                for (int i = 0; i < n; i++) assertEquals(Float.floatToIntBits(own[i]), Float.floatToIntBits(viaDistance[i]), token + " code " + i);

                Neighbours want = new ScanIndex(pq, codes, n, metric).search(q, k);
                CodeIndex index = pq.index(codes, n, metric);
                Neighbours got, every;
                // the kernels agree bit for bit (KernelCodeScanTest); the scalar ones spare this test the seconds a
                // fresh JVM runs the few calls of a small search through uncompiled Vector-API code
                try (var use = Kernels.useScalar()) {
                    got = index.search(q, k);
                    every = new PqFastScanIndex(pq.lookupTables(metric), codes, n, metric, n).search(q, k);
                }
                double rec = recall(want, got);
                assertTrue(rec >= 0.99, token + " " + metric + ": recall@10 of " + index.getClass().getSimpleName() + " against the reference " + rec);
                assertArrayEquals(want.ids(), every.ids(), token + " " + metric);
                assertArrayEquals(want.scores(), every.scores(), token + " " + metric);
            }
        }
    }
}
