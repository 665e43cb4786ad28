package org.latent4j.bench.jvector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.tensor.Tensor;

/** The jvector kind fits through the registry, and its scan agrees with the reference scan over its own distances. */
class JvectorPqKindTest {
    private static Tensor gaussian(SplittableRandom r, int n, int d) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.wrap(v, n, d);
    }

    @Test
    void fitsEncodesSearchesAndRoundTrips() {
        SplittableRandom r = new SplittableRandom(3);
        int d = 16;
        Tensor train = gaussian(r, 2000, d), queries = gaussian(r, 40, d);
        Compressor c = Compressors.fit("JVPQ4", train, FitOptions.defaults());
        assertEquals(4, c.codeSize());
        byte[] codes = c.encode(train);

        // the squared distance jvector's tables give is that of the decoded vector (the query is exact)
        Tensor decoded = c.decode(codes, 3);
        var dist = c.distance(Metric.L2);
        dist.setQuery(queries.data(), 0);
        float[] s = new float[3];
        dist.scores(codes, 0, 3, s, 0);
        for (int i = 0; i < 3; i++) {
            double e = 0;
            for (int j = 0; j < d; j++) e += Math.pow(queries.data()[j] - decoded.data()[i * d + j], 2);
            assertEquals(e, s[i], 1e-3 * (1 + e), "code " + i);
        }

        Neighbours fast = c.index(codes, 2000, Metric.L2).search(queries, 5);
        Neighbours reference = new ScanIndex(c, codes, 2000, Metric.L2).search(queries, 5);
        assertArrayEquals(reference.ids(), fast.ids());
        assertArrayEquals(reference.scores(), fast.scores(), 1e-4f);

        Compressor loaded = Compressors.load(List.of(c.state()));
        assertArrayEquals(codes, loaded.encode(train), "the loaded quantizer encodes as the fitted one");
        assertThrows(IllegalArgumentException.class, () -> c.distance(Metric.INNER_PRODUCT));
        assertThrows(IllegalArgumentException.class, () -> Compressors.validate("JVPQ17", 16));
        assertTrue(JvectorPqCompressor.provider().contains("Provider"), JvectorPqCompressor.provider());
    }
}
