package org.latent4j.tensor.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast {@link CodeScan}.
 *
 * <p><b>Byte codes</b> are scored four codes at a time, each in j order (so the bits equal the scalar twin's):
 * four independent add chains instead of one, whose every add waits for the previous one. Gathers (lanes over
 * codes, {@code FloatVector.fromArray(species, lut, 0, indexMap, ...)}) lost here: measured on this 2-core AMD
 * EPYC (AVX-512), 60,000 codes, one thread, a gather cost about 1.0 ns per code and sub-space at m = 16..64 even
 * with the index map already transposed, against 0.45-0.6 ns for the interleaved loop; transposing the codes into
 * index maps on the fly doubled that. The table lookups are loads either way, and a scalar load is cheaper.
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
    public void scan8(int m, int ksub, float[] lut, int lutOff, byte[] codes, int codesOff, int stride, int n, float[] out, int outOff) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = codesOff + i * stride, c1 = c0 + stride, c2 = c1 + stride, c3 = c2 + stride;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int j = 0, t = lutOff; j < m; j++, t += ksub) {
                s0 += lut[t + (codes[c0 + j] & 0xFF)];
                s1 += lut[t + (codes[c1 + j] & 0xFF)];
                s2 += lut[t + (codes[c2 + j] & 0xFF)];
                s3 += lut[t + (codes[c3 + j] & 0xFF)];
            }
            out[outOff + i] = s0;
            out[outOff + i + 1] = s1;
            out[outOff + i + 2] = s2;
            out[outOff + i + 3] = s3;
        }
        for (; i < n; i++) {
            int co = codesOff + i * stride;
            float acc = 0f;
            for (int j = 0, t = lutOff; j < m; j++, t += ksub) acc += lut[t + (codes[co + j] & 0xFF)];
            out[outOff + i] = acc;
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
}
