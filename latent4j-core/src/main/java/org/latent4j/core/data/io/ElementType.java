package org.latent4j.core.data.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * How one stored element is encoded, and its conversion to float32 (data) or int (labels).
 *
 * <p>Conversions never lose information silently: an integer that float32 cannot hold exactly (|v| above
 * 2^24 and not representable) and a finite float64 beyond the float32 range are reported as errors
 * instead. Float64 values are otherwise rounded to nearest, as any cast would.
 */
public enum ElementType {
    /** Unsigned bytes. */
    UINT8("ubyte", 1, true),
    /** Signed bytes. */
    INT8("byte", 1, true),
    /** Big-endian 16-bit integers. */
    INT16_BE("big-endian int16", 2, true),
    /** Big-endian 32-bit integers. */
    INT32_BE("big-endian int32", 4, true),
    /** Little-endian 32-bit integers. */
    INT32_LE("little-endian int32", 4, true),
    /** Big-endian IEEE half precision. */
    FLOAT16_BE("big-endian float16", 2, false),
    /** Little-endian IEEE half precision. */
    FLOAT16_LE("little-endian float16", 2, false),
    /** Big-endian IEEE single precision. */
    FLOAT32_BE("big-endian float32", 4, false),
    /** Little-endian IEEE single precision. */
    FLOAT32_LE("little-endian float32", 4, false),
    /** Big-endian IEEE double precision. */
    FLOAT64_BE("big-endian float64", 8, false),
    /** Little-endian IEEE double precision. */
    FLOAT64_LE("little-endian float64", 8, false);

    private static final VarHandle I16_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F32_BE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle F32_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F64_BE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle F64_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private final String label;
    private final int bytes;
    private final boolean integer;

    ElementType(String label, int bytes, boolean integer) {
        this.label = label;
        this.bytes = bytes;
        this.integer = integer;
    }

    /**
     * A short human name for messages, e.g. "ubyte" or "little-endian float32".
     *
     * @return the name
     */
    public String label() {
        return label;
    }

    /**
     * Bytes per element.
     *
     * @return the size in bytes
     */
    public int bytes() {
        return bytes;
    }

    /** {@return whether the values are integers} */
    public boolean isInteger() {
        return integer;
    }

    /** Thrown by a conversion for an element that float32 or int cannot hold; the reader adds the file. */
    static final class ValueRangeException extends RuntimeException {
        final int index;

        ValueRangeException(int index, String message) {
            super(message, null, false, false);
            this.index = index;
        }
    }

    /** Element {@code i} of {@code src} (starting at byte 0) as an int; integer types only. */
    int intAt(byte[] src, int i) {
        int p = i * bytes;
        return switch (this) {
            case UINT8 -> src[p] & 0xff;
            case INT8 -> src[p];
            case INT16_BE -> (short) I16_BE.get(src, p);
            case INT32_BE -> (int) I32_BE.get(src, p);
            case INT32_LE -> (int) I32_LE.get(src, p);
            default -> throw new IllegalStateException(label + " is not an integer type");
        };
    }

    /** Converts {@code n} elements of {@code src} (from byte 0) into {@code dst[dstOff..]}. */
    void toFloats(byte[] src, float[] dst, int dstOff, int n) {
        switch (this) {
            case UINT8 -> { for (int i = 0; i < n; i++) dst[dstOff + i] = src[i] & 0xff; }
            case INT8 -> { for (int i = 0; i < n; i++) dst[dstOff + i] = src[i]; }
            case INT16_BE -> { for (int i = 0; i < n; i++) dst[dstOff + i] = (short) I16_BE.get(src, 2 * i); }
            case INT32_BE, INT32_LE -> {
                for (int i = 0; i < n; i++) {
                    int v = intAt(src, i);
                    float f = v;
                    if ((long) f != v) {
                        throw new ValueRangeException(i, "the int32 value " + v + " cannot be held exactly in float32");
                    }
                    dst[dstOff + i] = f;
                }
            }
            // every float16 value, subnormals and infinities included, is exactly a float32
            case FLOAT16_BE -> { for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat((short) I16_BE.get(src, 2 * i)); }
            case FLOAT16_LE -> { for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat((short) I16_LE.get(src, 2 * i)); }
            case FLOAT32_BE -> { for (int i = 0; i < n; i++) dst[dstOff + i] = (float) F32_BE.get(src, 4 * i); }
            case FLOAT32_LE -> { for (int i = 0; i < n; i++) dst[dstOff + i] = (float) F32_LE.get(src, 4 * i); }
            case FLOAT64_BE, FLOAT64_LE -> {
                VarHandle h = this == FLOAT64_BE ? F64_BE : F64_LE;
                for (int i = 0; i < n; i++) {
                    double v = (double) h.get(src, 8 * i);
                    float f = (float) v;
                    if (Float.isInfinite(f) && !Double.isInfinite(v)) {
                        throw new ValueRangeException(i, "the float64 value " + v + " is outside the float32 range");
                    }
                    dst[dstOff + i] = f;
                }
            }
        }
    }
}
