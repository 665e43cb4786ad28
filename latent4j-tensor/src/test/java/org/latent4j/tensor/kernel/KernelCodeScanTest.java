package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Both {@link CodeScan} implementations on awkward sizes: byte-code scores bit for bit equal to each other and to
 * a plain j-order sum; fast-scan scores equal to each other and to the integer sum of the quantized table; the
 * quantized score within the promised m / (2a) of the exact float score; scalar-quantizer scores of both
 * implementations within a stated tolerance of a double sum. Named Kernel*Test so the 256-bit
 * surefire run checks the 256-bit fast-scan loop (the default run checks the 512-bit one where the CPU has it).
 */
class KernelCodeScanTest {
    private static final CodeScan SCALAR = ScalarCodeScan.INSTANCE;
    private static final CodeScan SIMD = new SimdCodeScan();

    private static float[] table(SplittableRandom r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) (r.nextDouble() * 10 - 2);
        return v;
    }

    @Test
    void byteCodeScoresAreTheJOrderSumOnBothImplementations() {
        SplittableRandom r = new SplittableRandom(1);
        int problems = 0;
        for (int m : new int[] {1, 3, 7, 8, 15, 16, 33, 64}) {
            for (int ksub : new int[] {2, 16, 100, 256}) {
                for (int n : new int[] {0, 1, 3, 4, 5, 9, 17, 1001}) {
                    for (int queries : new int[] {1, 2, 3}) {
                        int stride = m + (n % 3), off = n % 5, lutOff = m % 4, lutStride = m * ksub + (queries == 3 ? 5 : 0);
                        int outStride = n + 3;
                        // a power-of-two table array (the fast path) in half the problems, any length in the others
                        int need = lutOff + queries * lutStride;
                        float[] lut = table(r, (problems & 1) == 0 ? Integer.highestOneBit(need - 1) * 2 : need);
                        byte[] codes = new byte[off + n * stride];
                        for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(ksub);
                        float[] a = new float[2 + queries * outStride], b = new float[a.length];
                        SCALAR.scan8(m, ksub, lut, lutOff, queries, lutStride, codes, off, stride, n, a, 2, outStride);
                        SIMD.scan8(m, ksub, lut, lutOff, queries, lutStride, codes, off, stride, n, b, 2, outStride);
                        for (int t = 0; t < queries; t++) {
                            for (int i = 0; i < n; i++) {
                                float want = 0f;
                                for (int j = 0; j < m; j++) want += lut[lutOff + t * lutStride + j * ksub + (codes[off + i * stride + j] & 0xFF)];
                                String what = "m=" + m + " ksub=" + ksub + " n=" + n + " queries=" + queries + " table " + t + " code " + i;
                                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(a[2 + t * outStride + i]), what + " scalar");
                                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(b[2 + t * outStride + i]), what + " simd");
                            }
                        }
                        problems++;
                    }
                }
            }
        }
    }

    /**
     * Scalar-quantizer scores, both bit widths and both metrics, on widths around the 16 dimensions of a vector step
     * and Fashion-MNIST's 784, with n around the four codes of a block: each implementation within 1e-6 x size of
     * the exact score (in double), size the sum of what float arithmetic rounds at: (|a_j| + c_j step_j)^2 for L2
     * (a - c step cancels: its rounding scales with a, not with the difference) and |w_j c_j| and |base| for the
     * inner product. Float sums of a few hundred terms a chain land about 1e-7 x size away; one level read from the
     * wrong place moves a score by about step / d of size, 1e-5 or more here. Code bytes outside
     * a code's levels (a stride's slack, the unused high nibble of an odd width) are random and must not count; a
     * code's score is the same bits whichever code a call starts from.
     */
    @Test
    void scalarQuantizerScoresAreTheExactSumsToRoundingOnBothImplementations() {
        SplittableRandom r = new SplittableRandom(6);
        for (int bits : new int[] {8, 4}) {
            for (int d : new int[] {1, 3, 15, 16, 17, 63, 784, 785}) {
                for (int n : new int[] {1, 4, 7, 33}) {
                    int cs = bits == 8 ? d : (d + 1) / 2, stride = cs + n % 3, off = d % 5, outOff = 3;
                    byte[] codes = new byte[off + n * stride];
                    for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(256);
                    float[] a = new float[d], step = new float[d], w = new float[d];
                    for (int j = 0; j < d; j++) {
                        // a query minus level 0, and a level's width: a code's decoded values span about [0, 1]
                        step[j] = (float) (r.nextDouble() * 2 / (1 << bits));
                        a[j] = (float) (r.nextDouble() * 1.4 - 0.2);
                        w[j] = (float) (r.nextDouble() * 2 - 1) * step[j];
                    }
                    float base = (float) (r.nextDouble() * 4 - 2);
                    for (boolean l2 : new boolean[] {true, false}) {
                        float[] x = new float[outOff + n], y = new float[x.length];
                        if (l2) {
                            SCALAR.sqL2(bits, d, a, step, codes, off, stride, n, x, outOff);
                            SIMD.sqL2(bits, d, a, step, codes, off, stride, n, y, outOff);
                        } else {
                            SCALAR.sqInnerProduct(bits, d, w, base, codes, off, stride, n, x, outOff);
                            SIMD.sqInnerProduct(bits, d, w, base, codes, off, stride, n, y, outOff);
                        }
                        for (int i = 0; i < n; i++) {
                            double want = l2 ? 0 : -base, size = l2 ? 0 : Math.abs(base);
                            for (int j = 0; j < d; j++) {
                                int c = bits == 8 ? codes[off + i * stride + j] & 0xFF : (codes[off + i * stride + j / 2] >> (4 * (j & 1))) & 0xF;
                                double term = l2 ? Math.pow(a[j] - (double) c * step[j], 2) : -(double) w[j] * c;
                                want += term;
                                size += l2 ? Math.pow(Math.abs(a[j]) + (double) c * step[j], 2) : Math.abs(term);
                            }
                            double tol = 1e-6 * size;
                            String what = "SQ" + bits + (l2 ? " L2" : " IP") + " d=" + d + " n=" + n + " code " + i;
                            assertEquals(want, x[outOff + i], tol, what + " scalar");
                            assertEquals(want, y[outOff + i], tol, what + " simd");
                        }
                        for (int i = 0; i < outOff; i++) assertEquals(0f, y[i], "SQ" + bits + " d=" + d + ": wrote before outOff");
                        // from the second code on: every code's bits as in the call from the first
                        float[] z = new float[n - 1];
                        for (CodeScan scan : new CodeScan[] {SCALAR, SIMD}) {
                            if (l2) scan.sqL2(bits, d, a, step, codes, off + stride, stride, n - 1, z, 0);
                            else scan.sqInnerProduct(bits, d, w, base, codes, off + stride, stride, n - 1, z, 0);
                            float[] whole = scan == SCALAR ? x : y;
                            for (int i = 1; i < n; i++) {
                                assertEquals(Float.floatToRawIntBits(whole[outOff + i]), Float.floatToRawIntBits(z[i - 1]),
                                        scan.name() + " SQ" + bits + " d=" + d + " n=" + n + " code " + i + ": depends on where the call starts");
                            }
                        }
                    }
                }
            }
        }
    }

    /** 4-bit codes in the standard layout: m nibbles, sub-space 2i low, 2i + 1 high in byte i. */
    private static byte[] codes4(SplittableRandom r, int m, int n) {
        int cs = (m + 1) / 2;
        byte[] c = new byte[n * cs];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) c[i * cs + j / 2] |= (byte) (r.nextInt(16) << (4 * (j & 1)));
        }
        return c;
    }

    private static int nibble(byte[] codes, int cs, int i, int j) {
        return (codes[i * cs + j / 2] >> (4 * (j & 1))) & 0xF;
    }

    @Test
    void fastScanScoresAreTheQuantizedSumsAndWithinTheQuantizationBound() {
        SplittableRandom r = new SplittableRandom(2);
        for (int m : new int[] {1, 2, 3, 5, 8, 16, 31, 32, 64}) {
            for (int n : new int[] {1, 31, 32, 33, 95, 1000}) {
                byte[] codes = codes4(r, m, n);
                int cs = (m + 1) / 2;
                byte[] blocks = FastScanLayout.pack(m, codes, 0, cs, n);
                assertEquals(FastScanLayout.blocks(n) * FastScanLayout.blockBytes(m) + FastScanLayout.SLACK, blocks.length);
                // the slack is never data: whatever it holds, the scores are the same (a 512-bit loop reads it)
                for (int i = blocks.length - FastScanLayout.SLACK; i < blocks.length; i++) blocks[i] = (byte) r.nextInt(256);
                float[] lut = table(r, 3 + m * 16);
                byte[] qlut = new byte[FastScanLayout.tableBytes(m)];
                FastScanLayout.TableScale ts = FastScanLayout.quantize(m, lut, 3, qlut);
                int nb = FastScanLayout.blocks(n), pairs = FastScanLayout.pairs(m);
                short[] a = new short[5 + nb * 32], b = new short[5 + nb * 32];
                SCALAR.scan4(pairs, qlut, blocks, 0, nb, a, 5);
                SIMD.scan4(pairs, qlut, blocks, 0, nb, b, 5);
                assertArrayEquals(a, b, "m=" + m + " n=" + n);
                double bound = m / (2 * ts.scale()) * (1 + 1e-9) + 1e-5;
                for (int i = 0; i < n; i++) {
                    int sum = 0;
                    double exact = 0;
                    for (int j = 0; j < m; j++) {
                        int c = nibble(codes, cs, i, j);
                        sum += qlut[j * 16 + c] & 0xFF;
                        exact += lut[3 + j * 16 + c];
                    }
                    assertEquals(sum, Short.toUnsignedInt(a[5 + i]), "m=" + m + " n=" + n + " vector " + i);
                    assertEquals(exact, ts.score(sum), bound, "m=" + m + " vector " + i + ": quantized score off by more than m/(2a)");
                }
                // a sub-range of blocks lands at its own offset
                if (nb > 2) {
                    short[] c = new short[(nb - 2) * 32];
                    SIMD.scan4(pairs, qlut, blocks, 1, nb - 1, c, 0);
                    for (int t = 0; t < c.length; t++) assertEquals(a[5 + 32 + t], c[t]);
                }
            }
        }
    }

    @Test
    void quantizedByteCodeScoresAreTheQuantizedSumsAndWithinTheBound() {
        SplittableRandom r = new SplittableRandom(5);
        for (int m : new int[] {1, 3, 8, 16, 33}) {
            for (int n : new int[] {1, 63, 64, 65, 700}) {
                int stride = m + 1;
                byte[] codes = new byte[n * stride];
                for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(256);
                byte[] blocks = FastScanLayout.packBytes(m, codes, 0, stride, n);
                int nb = FastScanLayout.byteBlocks(n);
                assertEquals(nb * m * 64, blocks.length);
                float[] lut = table(r, 1 + m * 256);
                byte[] qlut = new byte[m * 256];
                FastScanLayout.TableScale ts = FastScanLayout.quantize(m, 256, lut, 1, qlut);
                short[] a = new short[2 + nb * 64], b = new short[a.length];
                SCALAR.scanBytes(m, qlut, blocks, 0, nb, a, 2);
                SIMD.scanBytes(m, qlut, blocks, 0, nb, b, 2);
                assertArrayEquals(a, b, "m=" + m + " n=" + n);
                double bound = m / (2 * ts.scale()) * (1 + 1e-9) + 1e-5;
                for (int i = 0; i < n; i++) {
                    int sum = 0;
                    double exact = 0;
                    for (int j = 0; j < m; j++) {
                        int c = codes[i * stride + j] & 0xFF;
                        sum += qlut[j * 256 + c] & 0xFF;
                        exact += lut[1 + j * 256 + c];
                    }
                    assertEquals(sum, Short.toUnsignedInt(a[2 + i]), "m=" + m + " n=" + n + " vector " + i);
                    assertEquals(exact, ts.score(sum), bound, "m=" + m + " vector " + i);
                }
                if (nb > 2) {
                    short[] c = new short[(nb - 2) * 64];
                    SIMD.scanBytes(m, qlut, blocks, 1, nb - 1, c, 0);
                    for (int t = 0; t < c.length; t++) assertEquals(a[2 + 64 + t], c[t]);
                }
            }
        }
    }

    @Test
    void manySubSpacesLowerTheScaleSoSumsStillFitSixteenBits() {
        SplittableRandom r = new SplittableRandom(3);
        int m = 300, n = 70;
        byte[] codes = codes4(r, m, n);
        float[] lut = table(r, m * 16);
        // the widest entries everywhere: every vector's sum near the top
        for (int j = 0; j < m; j++) lut[j * 16 + 15] = 1000;
        for (int i = 0; i < codes.length; i++) codes[i] = (byte) 0xFF;
        byte[] qlut = new byte[FastScanLayout.tableBytes(m)];
        FastScanLayout.TableScale ts = FastScanLayout.quantize(m, lut, 0, qlut);
        short[] a = new short[96], b = new short[96];
        byte[] blocks = FastScanLayout.pack(m, codes, 0, (m + 1) / 2, n);
        SCALAR.scan4(FastScanLayout.pairs(m), qlut, blocks, 0, 3, a, 0);
        SIMD.scan4(FastScanLayout.pairs(m), qlut, blocks, 0, 3, b, 0);
        assertArrayEquals(a, b);
        int sum = 0;
        for (int j = 0; j < m; j++) sum += qlut[j * 16 + 15] & 0xFF;
        assertTrue(sum <= 65535, "sum " + sum);
        assertEquals(sum, Short.toUnsignedInt(a[0]));
        assertEquals(1000.0 * m, ts.score(sum), m / (2 * ts.scale()) + 1e-3);
    }

    @Test
    void belowListsTheUnsignedScoresUnderTheBoundInOrder() {
        SplittableRandom r = new SplittableRandom(4);
        for (int len : new int[] {0, 1, 15, 16, 17, 100}) {
            short[] s = new short[len + 3];
            for (int i = 0; i < s.length; i++) s[i] = (short) r.nextInt(65536);
            for (int bound : new int[] {0, 1, 1000, 32768, 40000, 65535, 65536}) {
                int[] p1 = new int[len], p2 = new int[len];
                int n1 = SCALAR.below(s, 2, 2 + len, bound, p1, 0), n2 = SIMD.below(s, 2, 2 + len, bound, p2, 0);
                assertEquals(n1, n2);
                assertArrayEquals(java.util.Arrays.copyOf(p1, n1), java.util.Arrays.copyOf(p2, n2), "len " + len + " bound " + bound);
                int want = 0;
                for (int i = 2; i < 2 + len; i++) if (Short.toUnsignedInt(s[i]) < bound) assertEquals(i, p1[want++]);
                assertEquals(want, n1);
            }
        }
    }

    @Test
    void packRefusesCodesThatDoNotFit() {
        var e = assertThrows(IllegalArgumentException.class, () -> FastScanLayout.pack(4, new byte[7], 0, 2, 4));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FastScanLayout.pack(5, new byte[20], 0, 2, 4));
        var q = assertThrows(IllegalArgumentException.class, () -> FastScanLayout.quantize(1, new float[] {Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, new byte[32]));
        assertTrue(q.getMessage().contains("NaN"), q.getMessage());
    }
}
