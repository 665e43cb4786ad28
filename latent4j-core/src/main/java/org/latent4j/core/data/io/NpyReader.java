package org.latent4j.core.data.io;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.data.DataFileException;
import org.latent4j.tensor.Tensor;

/**
 * Reads NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0), plain or gzipped, as a float32 tensor
 * of the stored shape (any rank, including 0).
 *
 * <p>Layout: the six bytes {@code \x93NUMPY}, a major and a minor version byte, the header length (uint16
 * little-endian in 1.0, uint32 in 2.0 and 3.0), then the header: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} (latin-1, UTF-8 in 3.0), then the
 * raw elements. Supported dtypes: {@code <f2 >f2 <f4 >f4 <f8 >f8 <i4 >i4 |u1} (float16 is widened exactly) (int32 as the codes {@code latent4j codes}
 * writes; a value beyond 2^24, which float32 cannot hold exactly, is an error); anything else (int64, complex,
 * structured dtypes) is reported as unsupported with the remedy
 * {@code a.astype(np.float32)}. Only C order is read: a Fortran-ordered file is an error, not silently
 * transposed data.
 */
public final class NpyReader {
    private NpyReader() {}

    /** numpy itself refuses headers over 10,000 bytes by default; allowing more is generous. */
    static final int MAX_HEADER_BYTES = 1 << 16;
    static final String SUPPORTED = "<f2, >f2, <f4, >f4, <f8, >f8, <i4, >i4 and |u1";

    /**
     * Reads an NPY file, plain or gzipped, as float32.
     *
     * @param path the file
     * @return the array, of the file's shape
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static Tensor read(Path path) throws DataFileException {
        try (BoundedInput in = BoundedInput.open(path)) {
            return read(in);
        }
    }

    /**
     * Reads NPY bytes from a stream as float32.
     *
     * @param stream the NPY bytes, plain or gzipped
     * @param name   names the stream in messages
     * @return the array, of the header's shape
     * @throws DataFileException naming the file and what is wrong with it (or the I/O error)
     */
    public static Tensor read(InputStream stream, String name) throws DataFileException {
        try (BoundedInput in = BoundedInput.of(stream, name)) {
            return read(in);
        }
    }

    private static Tensor read(BoundedInput in) throws DataFileException {
        byte[] prefix = in.readHeader(8, "magic string and version (8 bytes)");
        if ((prefix[0] & 0xff) != 0x93 || prefix[1] != 'N' || prefix[2] != 'U' || prefix[3] != 'M' || prefix[4] != 'P' || prefix[5] != 'Y') {
            throw in.fail("is not an NPY file: it does not start with the magic string \\x93NUMPY");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw in.fail("NPY format version " + major + "." + minor + " is not supported (versions 1.0, 2.0 and 3.0 are)");
        }
        long headerLength;
        if (major == 1) {
            byte[] b = in.readHeader(2, "header length (2 bytes)");
            headerLength = (b[0] & 0xff) | ((b[1] & 0xff) << 8);
        } else {
            byte[] b = in.readHeader(4, "header length (4 bytes)");
            headerLength = (b[0] & 0xffL) | ((b[1] & 0xffL) << 8) | ((b[2] & 0xffL) << 16) | ((b[3] & 0xffL) << 24);
        }
        if (in.size() >= 0 && headerLength > in.size() - in.position()) {
            throw in.fail("header length " + BoundedInput.fmt(headerLength) + " bytes is more than the rest of the file ("
                    + BoundedInput.fmt(in.size() - in.position()) + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw in.fail("header length " + BoundedInput.fmt(headerLength) + " bytes is over the limit of " + BoundedInput.fmt(MAX_HEADER_BYTES));
        }
        byte[] raw = in.readHeader((int) headerLength, "header dictionary (" + headerLength + " bytes)");
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Map<String, Object> dict = parseHeader(in, text);
        Object descr = require(in, dict, "descr");
        Object fortran = require(in, dict, "fortran_order");
        Object shapeValue = require(in, dict, "shape");

        if (!(fortran instanceof Boolean fortranOrder)) throw in.fail("header value fortran_order is " + fortran + ", not True or False");
        if (!(shapeValue instanceof Tuple(List<Object> items))) throw in.fail("header value shape is not a tuple: " + shapeValue);
        long[] dims = new long[items.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(items.get(i) instanceof Long d) || d < 0) throw in.fail("header shape " + shapeValue + " has a dimension that is not a non-negative integer");
            dims[i] = d;
        }
        in.checkTensorShape(dims, shapeValue.toString());
        if (descr instanceof List<?>) {
            throw in.fail("holds a structured dtype " + descr + ", which is not supported (supported dtypes: " + SUPPORTED + ")");
        }
        if (!(descr instanceof String dtype)) throw in.fail("header value descr is not a dtype string: " + descr);
        ElementType type = switch (dtype) {
            case "<f2" -> ElementType.FLOAT16_LE;
            case ">f2" -> ElementType.FLOAT16_BE;
            case "<f4" -> ElementType.FLOAT32_LE;
            case ">f4" -> ElementType.FLOAT32_BE;
            case "<f8" -> ElementType.FLOAT64_LE;
            case ">f8" -> ElementType.FLOAT64_BE;
            case "<i4" -> ElementType.INT32_LE;
            case ">i4" -> ElementType.INT32_BE;
            case "|u1", "<u1", ">u1" -> ElementType.UINT8;
            default -> throw in.fail("dtype '" + dtype + "' is not supported (supported dtypes: " + SUPPORTED
                    + "; convert with a.astype(np.float32))");
        };
        if (fortranOrder) {
            throw in.fail("array of shape " + shapeValue + " is stored in Fortran (column-major) order, which is not supported: "
                    + "save it in C order, e.g. np.save(path, np.ascontiguousarray(a))");
        }
        long count = BoundedInput.product(dims);
        float[] values = in.readFloats(count, type, "header says shape " + shapeValue + " of '" + dtype + "'");
        int[] shape = new int[dims.length];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) dims[i];
        return Tensor.wrap(values, shape);
    }

    private static Object require(BoundedInput in, Map<String, Object> dict, String key) throws DataFileException {
        if (!dict.containsKey(key)) throw in.fail("header " + dict.keySet() + " has no key '" + key + "' (needs descr, fortran_order and shape)");
        return dict.get(key);
    }

    // ------------------------------------------------------------------ the header's Python literal

    /** A Python tuple; prints as Python would, so messages show the shape as numpy users know it. */
    record Tuple(List<Object> items) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? "" : ", ").append(items.get(i));
            return sb.append(items.size() == 1 ? ",)" : ")").toString();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseHeader(BoundedInput in, String text) throws DataFileException {
        LiteralParser p = new LiteralParser(text);
        try {
            Object v = p.value();
            p.skipSpace();
            if (p.pos != text.length()) throw p.error("unexpected text after the dictionary");
            if (!(v instanceof Map)) throw p.error("the header is not a dictionary");
            return (Map<String, Object>) v;
        } catch (LiteralParser.SyntaxError e) {
            String shown = text.strip();
            if (shown.length() > 120) shown = shown.substring(0, 120) + "...";
            throw in.fail("header is not a valid Python dict literal (" + e.getMessage() + "): " + shown);
        }
    }

    /** Just the Python literals an NPY header uses: dict, str, int, True/False/None, tuple, list. */
    private static final class LiteralParser {
        static final class SyntaxError extends Exception {
            SyntaxError(String message) {
                super(message, null, false, false);
            }
        }

        private final String s;
        int pos;
        private int depth;

        LiteralParser(String s) {
            this.s = s;
        }

        SyntaxError error(String what) {
            return new SyntaxError(what + " at character " + pos);
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        Object value() throws SyntaxError {
            skipSpace();
            if (pos >= s.length()) throw error("unexpected end");
            if (++depth > 32) throw error("nesting too deep");
            try {
                char c = s.charAt(pos);
                return switch (c) {
                    case '{' -> dict();
                    case '(' -> new Tuple(sequence('(', ')'));
                    case '[' -> sequence('[', ']');
                    case '\'', '"' -> string();
                    default -> c == '-' || c == '+' || Character.isDigit(c) ? integer() : word();
                };
            } finally {
                depth--;
            }
        }

        private Map<String, Object> dict() throws SyntaxError {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return m;
                }
                Object key = value();
                if (!(key instanceof String k)) throw error("dictionary key is not a string");
                skipSpace();
                expect(':');
                m.put(k, value());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') pos++;
                else if (pos >= s.length() || s.charAt(pos) != '}') throw error("expected ',' or '}'");
            }
        }

        private List<Object> sequence(char open, char close) throws SyntaxError {
            List<Object> items = new ArrayList<>();
            pos++;
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == close) {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') pos++;
                else if (pos >= s.length() || s.charAt(pos) != close) throw error("expected ',' or '" + close + "'");
            }
        }

        private String string() throws SyntaxError {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) return sb.toString();
                if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
                sb.append(c);
            }
            throw error("unterminated string");
        }

        private Long integer() throws SyntaxError {
            int start = pos;
            if (s.charAt(pos) == '-' || s.charAt(pos) == '+') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            String digits = s.substring(start, pos);
            // Python 2 era numpy wrote long dimensions as 3L.
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("'" + digits + "' is not an integer in the long range");
            }
        }

        private Object word() throws SyntaxError {
            int start = pos;
            while (pos < s.length() && Character.isLetter(s.charAt(pos))) pos++;
            return switch (s.substring(start, pos)) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> "None";
                default -> {
                    pos = start;
                    throw error("unexpected '" + s.charAt(start) + "'");
                }
            };
        }

        private void expect(char c) throws SyntaxError {
            if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
            pos++;
        }
    }
}
