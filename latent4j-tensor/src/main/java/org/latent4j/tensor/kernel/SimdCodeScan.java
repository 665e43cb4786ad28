package org.latent4j.tensor.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast {@link CodeScan}.
 *
 * <p><b>Byte codes</b> are scored by plain Java loops, several codes and two queries at a time, each score in j
 * order (so the bits equal the scalar twin's): eight independent add chains instead of one, each code byte read
 * once for two tables, and masked indices that spare a range check per lookup. Gathers (lanes over codes,
 * {@code FloatVector.fromArray(species, lut, 0, indexMap, ...)}) lost here: measured on this 2-core AMD EPYC
 * (AVX-512), 60,000 codes, CPU time of one thread, a gather cost about 1.0 ns per code and sub-space at m = 16..64
 * even with the index map already transposed, against 0.3 ns for these loops (FAISS 1.7.3's IndexPQ: 0.28-0.35);
 * transposing codes into index maps on the fly doubled the gathers' cost.
 *
 * <p><b>4-bit fast scan</b>: one 256-bit load holds a pair of sub-spaces for the 32 vectors of a block (16 bytes
 * each, {@link FastScanLayout}), one more the pair's two 16-byte tables. The low nibbles (vectors 0..15) and the
 * high ones (16..31), with 16 added in the upper half, index the 32-byte table through {@code selectFrom} (one
 * {@code vpermb} with AVX-512 VBMI, a {@code vpshufb} sequence with AVX2), which gives the quantized entries of
 * both sub-spaces for 16 vectors. Viewed as sixteen 16-bit lanes, the bytes at even positions (mask 0xFF) and odd
 * ones (shift right 8) are added into four accumulators without any widening instruction; the two sub-spaces of
 * a pair sit in the two 128-bit halves and are added together once per block, and the even/odd vectors are
 * interleaved back into order through one 16-to-32-bit widening. Sums stay below 65536 (see the layout), so
 * plain 16-bit adds are exact.
 *
 * <p>Where 512-bit vectors are preferred (AVX-512, unless {@code -Dlatent4j.simd.bits} asks for less) the same
 * loop runs on two pairs per load, four sub-spaces in the four 128-bit quarters; an odd last pair reads the
 * layout's slack bytes against the table's zero pad rows. Measured on this 2-core AMD EPYC (CPU time of one
 * thread, 60,000 vectors, the kernel alone): 1.3x the 256-bit loop at m = 16, 1.6x at m = 64.
 *
 * <p><b>Scalar-quantizer codes</b>: levels widened to float lanes (unsigned bytes zero-extended to ints, then
 * converted; 512-bit floats where the float kernels use them, 256-bit otherwise) and summed by fused
 * multiply-adds. 8-bit codes four at a time, the query's arrays loaded once for the four, whose sums are four
 * independent chains; a call's last n mod 4 codes one at a time by the same operations (a code's score must not
 * depend on where a call starts: a search split over threads scores as one unsplit). 4-bit codes one at a time, in two chains:
 * 16 bytes zero-extended to 16-bit lanes and spread by one shift, or and mask into 32 bytes in dimension order
 * before the widening (8 bytes for a last 16 dimensions). Dimensions past the vector steps are summed one by one.
 */
final class SimdCodeScan implements CodeScan {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> H512 = ShortVector.SPECIES_512;
    /** Whether the 512-bit loop runs: the float kernels' width (preferred unless the property says) is 512. */
    static final boolean WIDE = SimdKernels.species().vectorBitSize() >= 512;
    private static final VectorSpecies<Short> H = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> H128 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /** 0 for the lower 16 lanes, 16 for the upper: selects the second sub-space's table in the upper half. */
    private static final byte[] HALF_OFFSETS = new byte[32];
    /** 16 times the quarter: selects the quarter's sub-space table in a 512-bit one. */
    private static final byte[] QUARTER_OFFSETS = new byte[64];

    static {
        for (int i = 16; i < 32; i++) HALF_OFFSETS[i] = 16;
        for (int i = 0; i < 64; i++) QUARTER_OFFSETS[i] = (byte) (16 * (i / 16));
        if (B.vectorShape() != VectorShape.S_256_BIT) throw new AssertionError();
    }

    @Override
    public String name() {
        return "simd-" + (WIDE ? 512 : 256) + " 4-bit fast scan, interleaved byte-code scan";
    }

    @Override
    public void scan8(int m, int ksub, float[] lut, int lutOff, int queries, int lutStride, byte[] codes, int codesOff, int stride, int n,
                      float[] out, int outOff, int outStride) {
        if (Integer.bitCount(lut.length) != 1) {
            // the masked indexing below needs a power-of-two table array
            ScalarCodeScan.INSTANCE.scan8(m, ksub, lut, lutOff, queries, lutStride, codes, codesOff, stride, n, out, outOff, outStride);
            return;
        }
        int t = 0;
        for (; t + 2 <= queries; t += 2) {
            pair(m, ksub, lut, lutOff + t * lutStride, lutStride, codes, codesOff, stride, n, out, outOff + t * outStride, outOff + (t + 1) * outStride);
        }
        if (t < queries) single(m, ksub, lut, lutOff + t * lutStride, codes, codesOff, stride, n, out, outOff + t * outStride);
    }

    /**
     * Two tables (the second {@code ls} after the first), four codes at a time: eight add chains, and each code
     * byte read once for both. Every index is masked with {@code lut.length - 1}, a no-op for valid indices that
     * lets C2 drop the range check of a data-dependent index (measured 1.3-1.4x at m = 8..32).
     */
    private static void pair(int m, int ksub, float[] lut, int la, int ls, byte[] codes, int codesOff, int stride, int n,
                             float[] out, int oa, int ob) {
        int mask = lut.length - 1;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = codesOff + i * stride, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
            for (int j = 0, t = la; j < m; j++, t += ksub) {
                int x0 = t + (codes[c0 + j] & 0xFF), x1 = t + (codes[c1 + j] & 0xFF);
                int x2 = t + (codes[c2 + j] & 0xFF), x3 = t + (codes[c3 + j] & 0xFF);
                a0 += lut[x0 & mask];
                a1 += lut[x1 & mask];
                a2 += lut[x2 & mask];
                a3 += lut[x3 & mask];
                b0 += lut[(x0 + ls) & mask];
                b1 += lut[(x1 + ls) & mask];
                b2 += lut[(x2 + ls) & mask];
                b3 += lut[(x3 + ls) & mask];
            }
            out[oa + i] = a0;
            out[oa + i + 1] = a1;
            out[oa + i + 2] = a2;
            out[oa + i + 3] = a3;
            out[ob + i] = b0;
            out[ob + i + 1] = b1;
            out[ob + i + 2] = b2;
            out[ob + i + 3] = b3;
        }
        for (; i < n; i++) {
            int co = codesOff + i * stride;
            float a = 0f, b = 0f;
            for (int j = 0, t = la; j < m; j++, t += ksub) {
                int x = t + (codes[co + j] & 0xFF);
                a += lut[x & mask];
                b += lut[(x + ls) & mask];
            }
            out[oa + i] = a;
            out[ob + i] = b;
        }
    }

    /** One table, eight codes at a time (eight add chains), masked as in {@link #pair}. */
    private static void single(int m, int ksub, float[] lut, int la, byte[] codes, int codesOff, int stride, int n, float[] out, int oa) {
        int mask = lut.length - 1;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int c0 = codesOff + i * stride;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int j = 0, t = la; j < m; j++, t += ksub) {
                int o = c0 + j;
                s0 += lut[(t + (codes[o] & 0xFF)) & mask];
                s1 += lut[(t + (codes[o + stride] & 0xFF)) & mask];
                s2 += lut[(t + (codes[o + 2 * stride] & 0xFF)) & mask];
                s3 += lut[(t + (codes[o + 3 * stride] & 0xFF)) & mask];
                s4 += lut[(t + (codes[o + 4 * stride] & 0xFF)) & mask];
                s5 += lut[(t + (codes[o + 5 * stride] & 0xFF)) & mask];
                s6 += lut[(t + (codes[o + 6 * stride] & 0xFF)) & mask];
                s7 += lut[(t + (codes[o + 7 * stride] & 0xFF)) & mask];
            }
            out[oa + i] = s0;
            out[oa + i + 1] = s1;
            out[oa + i + 2] = s2;
            out[oa + i + 3] = s3;
            out[oa + i + 4] = s4;
            out[oa + i + 5] = s5;
            out[oa + i + 6] = s6;
            out[oa + i + 7] = s7;
        }
        for (; i < n; i++) {
            int co = codesOff + i * stride;
            float acc = 0f;
            for (int j = 0, t = la; j < m; j++, t += ksub) acc += lut[(t + (codes[co + j] & 0xFF)) & mask];
            out[oa + i] = acc;
        }
    }

    @Override
    public void scan4(int pairs, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        if (WIDE) scan4Wide(pairs, qlut, blocks, blockFrom, blockTo, out, outOff);
        else scan4Narrow(pairs, qlut, blocks, blockFrom, blockTo, out, outOff);
    }

    private static void scan4Wide(int pairs, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        int bb = pairs * 32;
        ByteVector quarter = ByteVector.fromArray(B512, QUARTER_OFFSETS, 0);
        for (int b = blockFrom; b < blockTo; b++) {
            ShortVector e0 = ShortVector.zero(H512), o0 = ShortVector.zero(H512), e1 = ShortVector.zero(H512), o1 = ShortVector.zero(H512);
            for (int p = 0, co = b * bb; p < pairs; p += 2, co += 64) {
                ByteVector c = ByteVector.fromArray(B512, blocks, co);
                ByteVector table = ByteVector.fromArray(B512, qlut, p * 32);
                ByteVector lo = c.and((byte) 0x0F).or(quarter);
                ByteVector hi = c.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).or(quarter);
                ShortVector vl = lo.selectFrom(table).reinterpretAsShorts();
                ShortVector vh = hi.selectFrom(table).reinterpretAsShorts();
                e0 = e0.add(vl.and((short) 0xFF));
                o0 = o0.add(vl.lanewise(VectorOperators.LSHR, 8));
                e1 = e1.add(vh.and((short) 0xFF));
                o1 = o1.add(vh.lanewise(VectorOperators.LSHR, 8));
            }
            int o = outOff + (b - blockFrom) * 32;
            // quarters: four sub-spaces, folded to halves and then, as in the 256-bit loop, to 8 lanes
            ShortVector f = ((ShortVector) e0.reinterpretShape(H, 0)).add((ShortVector) e0.reinterpretShape(H, 1));
            ShortVector g = ((ShortVector) o0.reinterpretShape(H, 0)).add((ShortVector) o0.reinterpretShape(H, 1));
            ShortVector ev = ((ShortVector) f.reinterpretShape(H128, 0)).add((ShortVector) f.reinterpretShape(H128, 1));
            ShortVector od = ((ShortVector) g.reinterpretShape(H128, 0)).add((ShortVector) g.reinterpretShape(H128, 1));
            IntVector w = ((IntVector) ev.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF)
                    .or(((IntVector) od.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, o);
            f = ((ShortVector) e1.reinterpretShape(H, 0)).add((ShortVector) e1.reinterpretShape(H, 1));
            g = ((ShortVector) o1.reinterpretShape(H, 0)).add((ShortVector) o1.reinterpretShape(H, 1));
            ev = ((ShortVector) f.reinterpretShape(H128, 0)).add((ShortVector) f.reinterpretShape(H128, 1));
            od = ((ShortVector) g.reinterpretShape(H128, 0)).add((ShortVector) g.reinterpretShape(H128, 1));
            w = ((IntVector) ev.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF)
                    .or(((IntVector) od.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, o + 16);
        }
    }

    private static void scan4Narrow(int pairs, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        int bb = pairs * 32;
        ByteVector half = ByteVector.fromArray(B, HALF_OFFSETS, 0);
        for (int b = blockFrom; b < blockTo; b++) {
            ShortVector e0 = ShortVector.zero(H), o0 = ShortVector.zero(H), e1 = ShortVector.zero(H), o1 = ShortVector.zero(H);
            for (int p = 0, co = b * bb; p < pairs; p++, co += 32) {
                ByteVector c = ByteVector.fromArray(B, blocks, co);
                ByteVector table = ByteVector.fromArray(B, qlut, p * 32);
                ByteVector lo = c.and((byte) 0x0F).or(half);
                ByteVector hi = c.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).or(half);
                ShortVector vl = lo.selectFrom(table).reinterpretAsShorts();
                ShortVector vh = hi.selectFrom(table).reinterpretAsShorts();
                e0 = e0.add(vl.and((short) 0xFF));
                o0 = o0.add(vl.lanewise(VectorOperators.LSHR, 8));
                e1 = e1.add(vh.and((short) 0xFF));
                o1 = o1.add(vh.lanewise(VectorOperators.LSHR, 8));
            }
            int o = outOff + (b - blockFrom) * 32;
            // halves: the pair's first and second sub-space; lanes: vectors 0, 2, .., 14 (even) or 1, 3, .., 15 (odd)
            ShortVector ev = ((ShortVector) e0.reinterpretShape(H128, 0)).add((ShortVector) e0.reinterpretShape(H128, 1));
            ShortVector od = ((ShortVector) o0.reinterpretShape(H128, 0)).add((ShortVector) o0.reinterpretShape(H128, 1));
            IntVector w = ((IntVector) ev.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF)
                    .or(((IntVector) od.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, o);
            ev = ((ShortVector) e1.reinterpretShape(H128, 0)).add((ShortVector) e1.reinterpretShape(H128, 1));
            od = ((ShortVector) o1.reinterpretShape(H128, 0)).add((ShortVector) o1.reinterpretShape(H128, 1));
            w = ((IntVector) ev.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF)
                    .or(((IntVector) od.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, o + 16);
        }
    }

    @Override
    public boolean fastScanBytes() {
        return WIDE;
    }

    /**
     * 64 vectors per block, one sub-space per 512-bit load of their indices; the sub-space's 256-byte table is four
     * registers, and two two-table {@code selectFrom}s ({@code vpermi2b} with AVX-512 VBMI) look up the low 7 bits
     * in entries 0..127 and 128..255, a blend on the index's top bit picking one; the 16-bit accumulation is the
     * 4-bit scan's. Measured here (CPU time of one thread, 60,000 vectors, the kernel alone): 0.04 ns per vector and
     * sub-space, against 0.27-0.3 ns for the exact float scan. Without 512-bit vectors it is the scalar loop.
     */
    @Override
    public void scanBytes(int m, byte[] qlut, byte[] blocks, int blockFrom, int blockTo, short[] out, int outOff) {
        if (!WIDE) {
            ScalarCodeScan.INSTANCE.scanBytes(m, qlut, blocks, blockFrom, blockTo, out, outOff);
            return;
        }
        int bb = m * 64;
        for (int b = blockFrom; b < blockTo; b++) {
            ShortVector e = ShortVector.zero(H512), o = ShortVector.zero(H512);
            for (int j = 0, co = b * bb, t = 0; j < m; j++, co += 64, t += 256) {
                ByteVector c = ByteVector.fromArray(B512, blocks, co);
                ByteVector lo = c.selectFrom(ByteVector.fromArray(B512, qlut, t), ByteVector.fromArray(B512, qlut, t + 64));
                ByteVector hi = c.selectFrom(ByteVector.fromArray(B512, qlut, t + 128), ByteVector.fromArray(B512, qlut, t + 192));
                ShortVector v = lo.blend(hi, c.compare(VectorOperators.LT, (byte) 0)).reinterpretAsShorts();
                e = e.add(v.and((short) 0xFF));
                o = o.add(v.lanewise(VectorOperators.LSHR, 8));
            }
            int oo = outOff + (b - blockFrom) * 64;
            IntVector w = ((IntVector) e.convertShape(VectorOperators.S2I, I512, 0)).and(0xFFFF)
                    .or(((IntVector) o.convertShape(VectorOperators.S2I, I512, 0)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, oo);
            w = ((IntVector) e.convertShape(VectorOperators.S2I, I512, 1)).and(0xFFFF)
                    .or(((IntVector) o.convertShape(VectorOperators.S2I, I512, 1)).lanewise(VectorOperators.LSHL, 16));
            w.reinterpretAsShorts().intoArray(out, oo + 32);
        }
    }

    @Override
    public int below(short[] scores, int from, int to, int bound, int[] pos, int posOff) {
        int w = posOff, i = from;
        if (bound <= 0) return 0;
        if (bound > 0xFFFF) {
            for (; i < to; i++) pos[w++] = i;
            return w - posOff;
        }
        ShortVector limit = ShortVector.broadcast(H, (short) bound);
        for (int e = from + H.loopBound(to - from); i < e; i += H.length()) {
            long mask = ShortVector.fromArray(H, scores, i).compare(VectorOperators.ULT, limit).toLong();
            while (mask != 0) {
                pos[w++] = i + Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
            }
        }
        for (; i < to; i++) {
            if (Short.toUnsignedInt(scores[i]) < bound) pos[w++] = i;
        }
        return w - posOff;
    }

    // ---- scalar-quantizer codes ----

    private static final VectorSpecies<Float> SQ_F = WIDE ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> SQ_I = WIDE ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** The 8-bit levels of one float vector. */
    private static final VectorSpecies<Byte> SQ_B = WIDE ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final int SQ_L = SQ_F.length();

    @Override
    public void sqL2(int bits, int d, float[] a, float[] step, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        if (bits == 8) l2Bytes(d, a, step, codes, codesOff, stride, n, out, outOff);
        else l2Nibbles(d, a, step, codes, codesOff, stride, n, out, outOff);
    }

    @Override
    public void sqInnerProduct(int bits, int d, float[] w, float base, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        if (bits == 8) dotBytes(d, w, base, codes, codesOff, stride, n, out, outOff);
        else dotNibbles(d, w, base, codes, codesOff, stride, n, out, outOff);
    }

    /** Levels [j, j + SQ_L) of an 8-bit code whose level j is at {@code o}. */
    private static FloatVector byteLanes(byte[] codes, int o) {
        return (FloatVector) ByteVector.fromArray(SQ_B, codes, o).convertShape(VectorOperators.ZERO_EXTEND_B2I, SQ_I, 0)
                .convert(VectorOperators.I2F, 0);
    }

    /**
     * The 32 levels packed in the 16 bytes at {@code o}, one a byte, in dimension order: each byte alone in a 16-bit
     * lane, b | b << 4 has b's low nibble in bits 0-3 and its high one in bits 8-11, so the lane's two bytes
     * (little-endian) are dimensions 2i and 2i + 1.
     */
    private static ByteVector nibble32Lanes(byte[] codes, int o) {
        ShortVector s = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_128, codes, o).convertShape(VectorOperators.ZERO_EXTEND_B2S, H, 0);
        return s.or(s.lanewise(VectorOperators.LSHL, 4)).and((short) 0x0F0F).reinterpretAsBytes();
    }

    /** {@link #nibble32Lanes} for the 16 levels of 8 bytes (one helper a shape: each call site sees one class). */
    private static ByteVector nibble16Lanes(byte[] codes, int o) {
        ShortVector s = (ShortVector) ByteVector.fromArray(ByteVector.SPECIES_64, codes, o).convertShape(VectorOperators.ZERO_EXTEND_B2S, H128, 0);
        return s.or(s.lanewise(VectorOperators.LSHL, 4)).and((short) 0x0F0F).reinterpretAsBytes();
    }

    /** Part p of levels one a byte, as floats. */
    private static FloatVector widenLanes(ByteVector levels, int part) {
        return (FloatVector) levels.convertShape(VectorOperators.ZERO_EXTEND_B2I, SQ_I, part).convert(VectorOperators.I2F, 0);
    }

    private static int level(int bits, byte[] codes, int co, int j) {
        return bits == 8 ? codes[co + j] & 0xFF : (codes[co + (j >> 1)] >> ((j & 1) << 2)) & 0xF;
    }

    private static float l2Tail(int bits, int d, int from, float[] a, float[] step, byte[] codes, int co) {
        float s = 0f;
        for (int j = from; j < d; j++) {
            float e = a[j] - level(bits, codes, co, j) * step[j];
            s += e * e;
        }
        return s;
    }

    private static float dotTail(int bits, int d, int from, float[] w, byte[] codes, int co) {
        float s = 0f;
        for (int j = from; j < d; j++) s += w[j] * level(bits, codes, co, j);
        return s;
    }

    private static void l2Bytes(int d, float[] a, float[] step, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        int bound = SQ_F.loopBound(d), i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = codesOff + i * stride, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride;
            FloatVector s0 = FloatVector.zero(SQ_F), s1 = s0, s2 = s0, s3 = s0;
            for (int j = 0; j < bound; j += SQ_L) {
                FloatVector av = FloatVector.fromArray(SQ_F, a, j), ns = FloatVector.fromArray(SQ_F, step, j).neg();
                // a - c step, as one fused multiply-add
                FloatVector e0 = byteLanes(codes, c0 + j).fma(ns, av), e1 = byteLanes(codes, c1 + j).fma(ns, av);
                FloatVector e2 = byteLanes(codes, c2 + j).fma(ns, av), e3 = byteLanes(codes, c3 + j).fma(ns, av);
                s0 = e0.fma(e0, s0);
                s1 = e1.fma(e1, s1);
                s2 = e2.fma(e2, s2);
                s3 = e3.fma(e3, s3);
            }
            out[outOff + i] = s0.reduceLanes(VectorOperators.ADD) + l2Tail(8, d, bound, a, step, codes, c0);
            out[outOff + i + 1] = s1.reduceLanes(VectorOperators.ADD) + l2Tail(8, d, bound, a, step, codes, c1);
            out[outOff + i + 2] = s2.reduceLanes(VectorOperators.ADD) + l2Tail(8, d, bound, a, step, codes, c2);
            out[outOff + i + 3] = s3.reduceLanes(VectorOperators.ADD) + l2Tail(8, d, bound, a, step, codes, c3);
        }
        for (; i < n; i++) out[outOff + i] = l2Bytes(d, bound, a, step, codes, codesOff + i * stride);
    }

    /** One code with the four-code loop's operations for each, so that a code's score never depends on its neighbours. */
    private static float l2Bytes(int d, int bound, float[] a, float[] step, byte[] codes, int co) {
        FloatVector s = FloatVector.zero(SQ_F);
        for (int j = 0; j < bound; j += SQ_L) {
            FloatVector e = byteLanes(codes, co + j).fma(FloatVector.fromArray(SQ_F, step, j).neg(), FloatVector.fromArray(SQ_F, a, j));
            s = e.fma(e, s);
        }
        return s.reduceLanes(VectorOperators.ADD) + l2Tail(8, d, bound, a, step, codes, co);
    }

    /*
     * 4-bit codes one at a time: with four codes a step, as the 8-bit loop has, C2 compiled the nibble spreading of
     * this loop several times slower than for one (measured here, 784 dimensions: 160-200 ns a code against 35-45).
     */
    private static void l2Nibbles(int d, float[] a, float[] step, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = l2NibbleCode(d, a, step, codes, codesOff + i * stride);
    }

    /** 32 dimensions a step while they last, then 16, then one at a time. */
    private static float l2NibbleCode(int d, float[] a, float[] step, byte[] codes, int co) {
        FloatVector s0 = FloatVector.zero(SQ_F), s1 = s0;
        int j = 0;
        for (; j + 32 <= d; j += 32) {
            ByteVector b = nibble32Lanes(codes, co + (j >> 1));
            FloatVector e0 = widenLanes(b, 0).mul(FloatVector.fromArray(SQ_F, step, j)).sub(FloatVector.fromArray(SQ_F, a, j));
            FloatVector e1 = widenLanes(b, 1).mul(FloatVector.fromArray(SQ_F, step, j + SQ_L)).sub(FloatVector.fromArray(SQ_F, a, j + SQ_L));
            s0 = e0.fma(e0, s0);
            s1 = e1.fma(e1, s1);
            if (!WIDE) {
                e0 = widenLanes(b, 2).mul(FloatVector.fromArray(SQ_F, step, j + 2 * SQ_L)).sub(FloatVector.fromArray(SQ_F, a, j + 2 * SQ_L));
                e1 = widenLanes(b, 3).mul(FloatVector.fromArray(SQ_F, step, j + 3 * SQ_L)).sub(FloatVector.fromArray(SQ_F, a, j + 3 * SQ_L));
                s0 = e0.fma(e0, s0);
                s1 = e1.fma(e1, s1);
            }
        }
        if (j + 16 <= d) {
            ByteVector b = nibble16Lanes(codes, co + (j >> 1));
            FloatVector e0 = widenLanes(b, 0).mul(FloatVector.fromArray(SQ_F, step, j)).sub(FloatVector.fromArray(SQ_F, a, j));
            s0 = e0.fma(e0, s0);
            if (!WIDE) {
                FloatVector e1 = widenLanes(b, 1).mul(FloatVector.fromArray(SQ_F, step, j + SQ_L)).sub(FloatVector.fromArray(SQ_F, a, j + SQ_L));
                s1 = e1.fma(e1, s1);
            }
            j += 16;
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD) + l2Tail(4, d, j, a, step, codes, co);
    }

    private static void dotBytes(int d, float[] w, float base, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        int bound = SQ_F.loopBound(d), i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = codesOff + i * stride, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride;
            FloatVector s0 = FloatVector.zero(SQ_F), s1 = s0, s2 = s0, s3 = s0;
            for (int j = 0; j < bound; j += SQ_L) {
                FloatVector wv = FloatVector.fromArray(SQ_F, w, j);
                s0 = byteLanes(codes, c0 + j).fma(wv, s0);
                s1 = byteLanes(codes, c1 + j).fma(wv, s1);
                s2 = byteLanes(codes, c2 + j).fma(wv, s2);
                s3 = byteLanes(codes, c3 + j).fma(wv, s3);
            }
            out[outOff + i] = -(base + (s0.reduceLanes(VectorOperators.ADD) + dotTail(8, d, bound, w, codes, c0)));
            out[outOff + i + 1] = -(base + (s1.reduceLanes(VectorOperators.ADD) + dotTail(8, d, bound, w, codes, c1)));
            out[outOff + i + 2] = -(base + (s2.reduceLanes(VectorOperators.ADD) + dotTail(8, d, bound, w, codes, c2)));
            out[outOff + i + 3] = -(base + (s3.reduceLanes(VectorOperators.ADD) + dotTail(8, d, bound, w, codes, c3)));
        }
        for (; i < n; i++) {
            int co = codesOff + i * stride;
            FloatVector s = FloatVector.zero(SQ_F);
            for (int j = 0; j < bound; j += SQ_L) s = byteLanes(codes, co + j).fma(FloatVector.fromArray(SQ_F, w, j), s);
            out[outOff + i] = -(base + (s.reduceLanes(VectorOperators.ADD) + dotTail(8, d, bound, w, codes, co)));
        }
    }

    /** As {@link #l2Nibbles}, one code at a time. */
    private static void dotNibbles(int d, float[] w, float base, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = -(base + dotNibbleCode(d, w, codes, codesOff + i * stride));
    }

    private static float dotNibbleCode(int d, float[] w, byte[] codes, int co) {
        FloatVector s0 = FloatVector.zero(SQ_F), s1 = s0;
        int j = 0;
        for (; j + 32 <= d; j += 32) {
            ByteVector b = nibble32Lanes(codes, co + (j >> 1));
            s0 = widenLanes(b, 0).fma(FloatVector.fromArray(SQ_F, w, j), s0);
            s1 = widenLanes(b, 1).fma(FloatVector.fromArray(SQ_F, w, j + SQ_L), s1);
            if (!WIDE) {
                s0 = widenLanes(b, 2).fma(FloatVector.fromArray(SQ_F, w, j + 2 * SQ_L), s0);
                s1 = widenLanes(b, 3).fma(FloatVector.fromArray(SQ_F, w, j + 3 * SQ_L), s1);
            }
        }
        if (j + 16 <= d) {
            ByteVector b = nibble16Lanes(codes, co + (j >> 1));
            s0 = widenLanes(b, 0).fma(FloatVector.fromArray(SQ_F, w, j), s0);
            if (!WIDE) s1 = widenLanes(b, 1).fma(FloatVector.fromArray(SQ_F, w, j + SQ_L), s1);
            j += 16;
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD) + dotTail(4, d, j, w, codes, co);
    }
}
