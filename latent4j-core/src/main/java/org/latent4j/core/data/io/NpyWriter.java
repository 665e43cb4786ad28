package org.latent4j.core.data.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.latent4j.tensor.Tensor;

/**
 * Writes a tensor as a NumPy {@code .npy} file: format 1.0, dtype {@code <f4}, C order, readable by
 * {@code np.load} and by {@link NpyReader}; or whole numbers ({@link #writeInts}) as dtype {@code <i4}.
 */
public final class NpyWriter {
    private NpyWriter() {}

    /**
     * Writes a tensor as a float32 NPY file, atomically.
     *
     * @param path the file to replace or create
     * @param t    the tensor, any rank (a view is written in its logical order)
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Tensor t) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(out, t);
        }
    }

    /**
     * Writes to {@code out}, leaving it open.
     *
     * @param out where the NPY bytes go
     * @param t   the tensor
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Tensor t) throws IOException {
        header(out, "<f4", t.shape());
        float[] values = t.toArray();
        ByteBuffer buf = ByteBuffer.allocate(BoundedInput.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; ) {
            buf.clear();
            while (i < values.length && buf.remaining() >= 4) buf.putFloat(values[i++]);
            out.write(buf.array(), 0, buf.position());
        }
    }

    /**
     * Writes whole numbers of the given shape (C order) as dtype {@code <i4} (NumPy's int32), atomically.
     *
     * @param path   the file to replace or create
     * @param values the numbers, row-major
     * @param shape  their shape (its product the number of values)
     * @throws IOException if the file cannot be written
     */
    public static void writeInts(Path path, int[] values, int... shape) throws IOException {
        long n = 1;
        for (int s : shape) n *= s;
        if (n != values.length) throw new IllegalArgumentException("NpyWriter: " + values.length + " values do not fill shape " + java.util.Arrays.toString(shape));
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            header(out, "<i4", shape);
            ByteBuffer buf = ByteBuffer.allocate(BoundedInput.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; ) {
                buf.clear();
                while (i < values.length && buf.remaining() >= 4) buf.putInt(values[i++]);
                out.write(buf.array(), 0, buf.position());
            }
        }
    }

    private static void header(OutputStream out, String descr, int[] shape) throws IOException {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) dims.append(i == 0 ? "" : ", ").append(shape[i]);
        dims.append(shape.length == 1 ? ",)" : ")");
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }");
        // numpy pads the header with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
        int prefix = 10;
        while ((prefix + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (h.length > 65535) throw new IOException("npy header of " + h.length + " bytes does not fit format 1.0");
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >>> 8)});
        out.write(h);
    }
}
