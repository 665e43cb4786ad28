package org.latent4j.compress.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.compress.CodeDistance;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.ScanIndex;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class ResidualQuantizerTest {
    private static Tensor data(int n, int d, long seed) {
        // clusters along a few directions, so that stages have structure to find
        Rng rng = new Rng(seed);
        float[] base = rng.normal(0f, 1f, 8, d).toArray();
        // plus a continuous part of rank 3 and a little isotropic noise
        float[] mix = rng.normal(0f, 0.6f, 3, d).toArray();
        float[] z = rng.normal(0f, 1f, n, 3).toArray();
        float[] noise = rng.normal(0f, 0.05f, n, d).toArray();
        float[] u = rng.uniform(0f, 1f, n).toArray();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = Math.min(7, (int) (u[i] * 8));
            for (int j = 0; j < d; j++) {
                float v = base[c * d + j] + noise[i * d + j];
                for (int r = 0; r < 3; r++) v += z[i * 3 + r] * mix[r * d + j];
                x[i * d + j] = v;
            }
        }
        return Tensor.wrap(x, n, d);
    }

    private static double error(AdditiveCodebooks cb, float[] x, int row, int[] idx, int off) {
        int d = cb.dimension();
        float[] rec = new float[d];
        cb.decode(idx, off, rec, 0);
        double s = 0;
        for (int j = 0; j < d; j++) s += Math.pow(x[row * d + j] - rec[j], 2);
        return s;
    }

    private static AdditiveCodebooks randomBooks(int books, int nbits, int d, long seed) {
        return new AdditiveCodebooks(books, nbits, d, new Rng(seed).normal(0f, 0.7f, books * (1 << nbits) * d).toArray());
    }

    @Test
    void aBeamAsWideAsEveryCombinationFindsTheBruteForceOptimum() {
        int books = 3, nbits = 2, k = 4, d = 6, n = 40;
        AdditiveCodebooks cb = randomBooks(books, nbits, d, 1);
        float[] x = data(n, d, 2).data();
        int[] idx = new int[n * books];
        BeamSearch.encode(cb, x, 0, n, k * k * k, idx);
        int[] combo = new int[books];
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k * k * k; c++) {
                combo[0] = c % k;
                combo[1] = c / k % k;
                combo[2] = c / (k * k);
                best = Math.min(best, error(cb, x, i, combo, 0));
            }
            assertEquals(best, error(cb, x, i, idx, i * books), 1e-4 * (1 + best), "row " + i);
        }
    }

    @Test
    void aWiderBeamIsNeverWorseOnTheWholeAndBeatsGreedy() {
        int books = 4, nbits = 3, d = 8, n = 300;
        AdditiveCodebooks cb = randomBooks(books, nbits, d, 3);
        float[] x = data(n, d, 4).data();
        double previous = Double.POSITIVE_INFINITY, greedy = 0;
        for (int width : new int[] {1, 2, 4, 16, 64}) {
            int[] idx = new int[n * books];
            BeamSearch.encode(cb, x, 0, n, width, idx);
            double total = 0;
            for (int i = 0; i < n; i++) total += error(cb, x, i, idx, i * books);
            assertTrue(total <= previous * (1 + 1e-6), "width " + width + ": " + total + " > " + previous);
            if (width == 1) greedy = total;
            previous = total;
        }
        assertTrue(previous < 0.95 * greedy, "beam 64 " + previous + " vs greedy " + greedy);
    }

    @Test
    void theBeamsTrackedErrorIsTheReconstructionError() {
        int books = 3, nbits = 4, d = 10, n = 50;
        AdditiveCodebooks cb = randomBooks(books, nbits, d, 5);
        float[] x = data(n, d, 6).data();
        BeamSearch b = new BeamSearch(x, 0, n, d, 3, books);
        for (int s = 0; s < books; s++) b.step(cb, s);
        for (int i = 0; i < n; i++) {
            double xx = 0;
            for (int j = 0; j < d; j++) xx += x[i * d + j] * x[i * d + j];
            for (int e = 0; e < b.entries(i); e++) {
                assertEquals(error(cb, x, i, b.codes(), b.offset(i, e)), xx + b.error(i, e), 1e-3 * (1 + xx));
            }
        }
    }

    @Test
    void packedIndicesRoundTripForAnyBitWidth() {
        for (int nbits : new int[] {1, 3, 5, 8, 11}) {
            AdditiveCodebooks cb = randomBooks(3, nbits, 2, nbits);
            Rng rng = new Rng(nbits);
            float[] u = rng.uniform(0f, 1f, 3).toArray();
            int[] idx = new int[3];
            for (int m = 0; m < 3; m++) idx[m] = Math.min((1 << nbits) - 1, (int) (u[m] * (1 << nbits)));
            byte[] packed = new byte[cb.packedBytes() + 2];
            packed[packed.length - 1] = 0x55; // a neighbour's byte, which packing must not touch
            cb.pack(idx, 0, packed, 0);
            int[] back = new int[3];
            cb.unpack(packed, 0, back);
            assertArrayEquals(idx, back, "nbits " + nbits);
            assertEquals(0x55, packed[packed.length - 1]);
            assertEquals((3 * nbits + 7) / 8, cb.packedBytes());
        }
    }

    @Test
    void fittedCodesDecodeToTheirCodewordSumsAndErrorFallsWithStages() {
        Tensor train = data(600, 12, 7);
        FitOptions o = FitOptions.defaults().withKmeansIterations(8);
        double previous = Double.POSITIVE_INFINITY;
        for (String spec : List.of("RQ1x4", "RQ2x4", "RQ4x4")) {
            Compressor c = Compressors.fit(spec, train, o);
            assertEquals(spec, c.token());
            byte[] codes = c.encode(train);
            Tensor rec = c.decode(codes, 600);
            double mse = 0;
            for (int i = 0; i < train.size(); i++) mse += Math.pow(train.data()[i] - rec.data()[i], 2);
            mse /= 600;
            assertTrue(mse < previous * 0.9, spec + ": " + mse + " after " + previous);
            previous = mse;
        }
        double variance = 0, mean[] = new double[12];
        for (int i = 0; i < 600; i++) for (int j = 0; j < 12; j++) mean[j] += train.data()[i * 12 + j] / 600.0;
        for (int i = 0; i < 600; i++) for (int j = 0; j < 12; j++) variance += Math.pow(train.data()[i * 12 + j] - mean[j], 2) / 600;
        assertTrue(previous < 0.3 * variance, "RQ4x4 error " + previous + " vs variance " + variance);
    }

    @Test
    void codeSizeCountsTheStoredNorm() {
        Tensor train = data(200, 8, 8);
        FitOptions o = FitOptions.defaults().withKmeansIterations(2);
        assertEquals(8, Compressors.fit("RQ4x8", train, o).codeSize());
        assertEquals(4, Compressors.fit("RQ4x8_nonorm", train, o).codeSize());
        assertEquals(2 + 4, Compressors.fit("RQ3x5", train, o).codeSize());
        assertEquals("RQ2x8", Compressors.fit("RQ2", train, o).token());
    }

    @Test
    void adcScoresAreTheDistancesToTheDecodedVectors() {
        Tensor train = data(400, 12, 9);
        Tensor queries = data(5, 12, 10);
        FitOptions o = FitOptions.defaults().withKmeansIterations(5);
        for (String spec : List.of("RQ3x8", "RQ3x8_nonorm", "RQ3x5", "RQ2x5_nonorm")) {
            Compressor c = Compressors.fit(spec, train, o);
            byte[] codes = c.encode(train);
            float[] rec = c.decode(codes, 400).data();
            for (Metric metric : Metric.values()) {
                CodeDistance dist = c.distance(metric);
                float[] scores = new float[400];
                for (int q = 0; q < 5; q++) {
                    dist.setQuery(queries.data(), q * 12);
                    dist.scores(codes, 0, 400, scores, 0);
                    for (int i = 0; i < 400; i++) {
                        double l2 = 0, ip = 0, qq = 0;
                        for (int j = 0; j < 12; j++) {
                            float a = queries.data()[q * 12 + j], b = rec[i * 12 + j];
                            l2 += (a - b) * (a - b);
                            ip += a * b;
                            qq += a * a;
                        }
                        double expected = metric == Metric.L2 ? l2 : -ip;
                        assertEquals(expected, scores[i], 1e-4 * (1 + qq), spec + " " + metric + " query " + q + " code " + i);
                    }
                }
                // a sub-range lands at the output offset
                float[] part = new float[12];
                dist.scores(codes, 100, 110, part, 2);
                for (int i = 0; i < 10; i++) assertEquals(scores[100 + i], part[2 + i]);
            }
        }
    }

    @Test
    void theIndexReturnsTheReferenceScansNeighboursAndScoresBitForBit() {
        // 8-bit codes go through the byte-code scan with each code's norm held beside the codes (stored float,
        // computed for _nonorm) or as a table of levels (one-byte norms); packed codes through the parallel scan
        Tensor train = data(3000, 16, 13);
        Tensor queries = data(37, 16, 14);
        FitOptions o = FitOptions.defaults().withKmeansIterations(4);
        for (String spec : List.of("RQ3x8", "RQ3x8_nonorm", "RQ3x8_Ncqint8", "RQ3x8_Nqint8", "RQ2x5_nonorm")) {
            Compressor c = Compressors.fit(spec, train, o);
            byte[] codes = c.encode(train);
            for (Metric metric : Metric.values()) {
                Neighbours got = c.index(codes, 3000, metric).search(queries, 10);
                Neighbours want = new ScanIndex(c, codes, 3000, metric).search(queries, 10);
                for (int q = 0; q < 37; q++) {
                    for (int r = 0; r < 10; r++) {
                        assertEquals(want.id(q, r), got.id(q, r), spec + " " + metric + " query " + q + " rank " + r);
                        assertEquals(want.score(q, r), got.score(q, r), 0f, spec + " " + metric + " query " + q + " rank " + r);
                    }
                }
            }
        }
    }

    @Test
    void aOneByteNormScoresTheLevelOfItsByte() {
        Tensor train = data(2000, 12, 15);
        Tensor queries = data(3, 12, 16);
        for (String spec : List.of("RQ3x8_Ncqint8", "RQ3x8_Nqint8")) {
            AdditiveCompressor c = (AdditiveCompressor) Compressors.fit(spec, train, FitOptions.defaults().withKmeansIterations(4));
            byte[] codes = c.encode(train);
            float[] rec = c.decode(codes, 2000).data(), levels = c.normLevels();
            CodeDistance dist = c.distance(Metric.L2);
            float[] scores = new float[2000];
            for (int q = 0; q < 3; q++) {
                dist.setQuery(queries.data(), q * 12);
                dist.scores(codes, 0, 2000, scores, 0);
                for (int i = 0; i < 2000; i++) {
                    double qq = 0, ip = 0, rr = 0;
                    for (int j = 0; j < 12; j++) {
                        float a = queries.data()[q * 12 + j], b = rec[i * 12 + j];
                        qq += a * a;
                        ip += a * b;
                        rr += b * b;
                    }
                    float level = levels[codes[i * c.codeSize() + 3] & 0xff];
                    assertEquals(qq - 2 * ip + level, scores[i], 1e-4 * (1 + qq), spec + " query " + q + " code " + i);
                    // the level stands in for the norm: close to it, not equal
                    assertEquals(rr, level, 0.05 * (1 + rr), spec + " code " + i + ": level of its norm");
                }
            }
        }
    }

    @Test
    void stateAndLoadGiveTheSameCodes() {
        Tensor train = data(300, 10, 11);
        for (String spec : List.of("RQ3x6", "RQ2x8_nonorm")) {
            Compressor c = Compressors.fit(spec, train, FitOptions.defaults().withKmeansIterations(4).withBeamWidth(3));
            List<StageState> states = Compressors.states(c);
            Compressor back = Compressors.load(states);
            assertEquals(c.token(), back.token());
            assertEquals(3, ((AdditiveResidualQuantizer) back).beamWidth());
            assertArrayEquals(c.encode(train), back.encode(train));
            assertArrayEquals(c.decode(c.encode(train), 300).data(), back.decode(c.encode(train), 300).data());
        }
    }

    @Test
    void fittingIsDeterministic() {
        Tensor train = data(300, 10, 12);
        FitOptions o = FitOptions.defaults().withKmeansIterations(3).withSeed(5);
        assertArrayEquals(Compressors.fit("RQ3x4", train, o).encode(train), Compressors.fit("RQ3x4", train, o).encode(train));
    }

    @Test
    void badTokensAreRefusedInOneLine() {
        for (String bad : List.of("RQ", "RQ0x8", "RQ4x17", "RQ4x0", "RQ4x8_norm", "RQ4y8", "RQ300x8", "RQ40x16")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.validate(bad, 16), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        StageState state = Compressors.states(Compressors.fit("RQ2x4", data(100, 6, 13), FitOptions.defaults().withKmeansIterations(1))).getFirst();
        StageState truncated = new StageState(state.kind(), state.token(), state.config(), java.util.Map.of("codebooks", Tensor.zeros(31, 6)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compressors.load(List.of(truncated)));
        assertTrue(e.getMessage().contains("codebooks"), e.getMessage());
    }
}
