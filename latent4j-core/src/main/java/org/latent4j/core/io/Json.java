package org.latent4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A small, strict JSON library (RFC 8259) for model configs, metrics and file headers.
 *
 * <p><b>Values.</b> A JSON value is one of the immutable records {@link Obj} (members keep insertion order),
 * {@link Arr}, {@link Str}, {@link Int} (an integer literal that fits a {@code long}), {@link Real} (any other
 * number, as a {@code double}), {@link Bool} and {@link Null}. A {@code Real} is never NaN or infinite and a
 * string never holds an unpaired surrogate, because JSON can express neither.
 *
 * <p><b>Parsing</b> ({@link #parse}) accepts exactly the RFC grammar: no comments, trailing commas, single
 * quotes, leading zeros, {@code NaN}, byte order mark or duplicate keys. An error names the source, the line
 * and column (in UTF-16 units, 1-based), what was expected and what was found. Nesting deeper than
 * {@link #MAX_DEPTH} is refused with a message rather than a stack overflow. An integer literal too large for a
 * {@code long} becomes a {@code Real}; a number too large for a {@code double} (such as {@code 1e400}) is an
 * error.
 *
 * <p><b>Writing</b> ({@link #write}) is stable: 2-space indentation, members in their order, arrays of scalars
 * on one line, every other array or object one item per line. Doubles are written with
 * {@link Double#toString(double)}, the shortest decimal that reads back to the same bits, so a parse/write
 * round trip is exact. Strings are escaped as serde_json does (only {@code "}, {@code \} and control
 * characters; other characters are written as UTF-8), so compact output matches the safetensors reference
 * byte for byte.
 *
 * <p><b>Reading with errors that point at the key.</b> {@link #at(Value, String)} gives a {@link Cursor} whose
 * accessors fail with messages like {@code config.json: encoder.hidden[1] must be a positive integer, got -3}.
 *
 * <p><b>Records.</b> {@link #toJson(Object)} and {@link #fromJson(Value, Class)} map Java records to objects
 * (component name = key, in declaration order). Supported component types: {@code boolean}, {@code int},
 * {@code long}, {@code float}, {@code double} and their boxes, {@code String}, enums (by constant name), arrays
 * of any supported type (e.g. {@code int[]}, {@code double[]}, {@code float[]}), {@code List<T>},
 * {@code Map<String, T>}, {@code Optional<T>}, {@code OptionalInt/Long/Double}, nested records and
 * {@link Value} itself for free-form parts. When reading:
 * <ul>
 *   <li>a key the record does not declare is an error naming every such key;</li>
 *   <li>a missing key takes its value from the record's {@code static R defaults()} method when the record
 *       declares one, unless the component is marked {@link Required}; otherwise a missing {@code Optional} is
 *       empty, and any other missing key is an error naming every missing key. This is how a saved file outlives
 *       the code that wrote it: a field added later reads as its default from files that predate it;</li>
 *   <li>JSON {@code null} becomes an empty {@code Optional}, or Java {@code null} for other reference types
 *       (it is an error for primitives);</li>
 *   <li>the record's canonical (compact) constructor runs, so its validation applies; an exception it throws
 *       is reported with the key path of the record.</li>
 * </ul>
 * A {@code float} is written through {@link Float#toString(float)}, so {@code 0.1f} appears as {@code 0.1}
 * and reads back to the same float.
 */
public final class Json {
    private Json() {}

    /**
     * Marks a record component that must be present when reading, even though its record has {@code defaults()}:
     * a value with no sensible default (a model's data dimension) is better refused than invented.
     */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.RECORD_COMPONENT)
    public @interface Required {}

    /** Deepest nesting of arrays and objects that parsing, writing and mapping accept. */
    public static final int MAX_DEPTH = 256;

    /** The JSON null. */
    public static final Null NULL = new Null();

    // ------------------------------------------------------------------ value model

    /** A JSON value. */
    public sealed interface Value permits Obj, Arr, Str, Int, Real, Bool, Null {}

    /**
     * An object; the member map is an unmodifiable copy that keeps insertion order.
     *
     * @param members the members by key, in order; keys and values must not be null (use {@link #NULL})
     */
    public record Obj(Map<String, Value> members) implements Value {
        /** Copies the members, refusing null keys or values and unpaired surrogates. */
        public Obj {
            LinkedHashMap<String, Value> copy = new LinkedHashMap<>(Math.max(4, members.size() * 2));
            for (Map.Entry<String, Value> e : members.entrySet()) {
                String key = Objects.requireNonNull(e.getKey(), "JSON object key");
                checkUnicode(key, "object key");
                copy.put(key, Objects.requireNonNull(e.getValue(), () -> "value of JSON object key \"" + key + "\" (use Json.NULL)"));
            }
            members = Collections.unmodifiableMap(copy);
        }

        /**
         * {@return the member named {@code key}, or null when absent}
         *
         * @param key the member's name
         */
        public Value get(String key) {
            return members.get(key);
        }
    }

    /**
     * An array; the item list is an unmodifiable copy.
     *
     * @param items the items, in order
     */
    public record Arr(List<Value> items) implements Value {
        /** Copies the items. */
        public Arr {
            items = List.copyOf(items);
        }
    }

    /**
     * A string.
     *
     * @param value the text, without unpaired surrogates (JSON text must be valid Unicode)
     */
    public record Str(String value) implements Value {
        /** Refuses null and unpaired surrogates. */
        public Str {
            checkUnicode(Objects.requireNonNull(value, "JSON string"), "string");
        }
    }

    /**
     * An integer literal that fits a {@code long}.
     *
     * @param value the integer
     */
    public record Int(long value) implements Value {}

    /**
     * A number with a fraction or exponent, or an integer too large for a {@code long}; always finite.
     *
     * @param value the number
     */
    public record Real(double value) implements Value {
        /** Refuses NaN and the infinities, which JSON cannot hold. */
        public Real {
            if (!Double.isFinite(value)) {
                throw new JsonException("JSON has no NaN or Infinity, got " + value + " (write null or a string instead)");
            }
        }
    }

    /**
     * {@code true} or {@code false}.
     *
     * @param value the truth value
     */
    public record Bool(boolean value) implements Value {}

    /** The null value; {@link #NULL} is its instance. */
    public record Null() implements Value {}

    private static void checkUnicode(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonException("JSON " + what + " has an unpaired surrogate " + hex(c) + " at index " + i
                        + ", which UTF-8 cannot encode: " + preview(s));
            }
        }
    }

    static String hex(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String preview(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    // ------------------------------------------------------------------ text

    /**
     * Parses JSON text; errors name the source as "json".
     *
     * @param text the JSON text
     * @return its value
     */
    public static Value parse(String text) {
        return parse(text, "json");
    }

    /**
     * Parses JSON text; errors start with {@code source} (a file name, say) and give line and column.
     *
     * @param text   the JSON text
     * @param source names the text in errors
     * @return its value
     */
    public static Value parse(String text, String source) {
        return JsonParser.parse(text, source);
    }

    /**
     * Pretty text: 2-space indent, no trailing newline.
     *
     * @param value the value to write
     * @return its JSON text
     */
    public static String write(Value value) {
        return JsonWriter.write(value, true);
    }

    /**
     * Compact text without any whitespace, as in safetensors headers.
     *
     * @param value the value to write
     * @return its JSON text
     */
    public static String writeCompact(Value value) {
        return JsonWriter.write(value, false);
    }

    /**
     * Reads a UTF-8 JSON file; errors name the file. Invalid UTF-8 is an error, not a replacement character.
     *
     * @param file the file
     * @return its value
     * @throws IOException if the file cannot be read ({@link JsonException}, unchecked, for bad contents)
     */
    public static Value readFile(Path file) throws IOException {
        return parseFile(Files.readAllBytes(file), file.toString());
    }

    /**
     * Parses the bytes of a UTF-8 JSON file held in memory, with the checks of {@link #readFile(Path)}.
     *
     * @param bytes  the file's content
     * @param source names it in errors
     * @return the value
     */
    public static Value parseFile(byte[] bytes, String source) {
        return parse(decodeUtf8(ByteBuffer.wrap(bytes), source), source);
    }

    /**
     * Reads a UTF-8 JSON file into a record (or any supported type); errors name the file and the key path.
     *
     * @param <T>  the type read
     * @param file the file
     * @param type the class to map the file's value to
     * @return the mapped value
     * @throws IOException if the file cannot be read ({@link JsonException}, unchecked, for bad contents)
     */
    public static <T> T readFile(Path file, Class<T> type) throws IOException {
        return fromJson(readFile(file), type, file.toString());
    }

    /**
     * Writes pretty text and a final newline to {@code file} atomically (see {@link AtomicFiles}).
     *
     * @param file  the file to replace or create
     * @param value the value to write
     * @throws IOException if the file cannot be written
     */
    public static void writeFile(Path file, Value value) throws IOException {
        AtomicFiles.write(file, fileBytes(value));
    }

    /**
     * {@return the bytes {@link #writeFile} writes: pretty text and a final newline, UTF-8}
     *
     * @param value the value to write
     */
    public static byte[] fileBytes(Value value) {
        return (write(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Strict UTF-8 decoding whose error gives the byte offset. */
    static String decodeUtf8(ByteBuffer bytes, String source) {
        int start = bytes.position();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(bytes.remaining());
        CoderResult r = decoder.decode(bytes, out, true);
        if (r.isError()) {
            throw new JsonException(source + ": not valid UTF-8 at byte " + (bytes.position() - start));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    // ------------------------------------------------------------------ records

    /**
     * The JSON form of a record, or of a String, number, boolean, enum, array, Collection, Map with String
     * keys, Optional or {@link Value}. NaN and infinities are errors naming the component path.
     *
     * @param value what to convert
     * @return its JSON value
     */
    public static Value toJson(Object value) {
        return JsonMapper.toJson(value, false);
    }

    /**
     * {@link #toJson(Object)} for a report of measurements, where a number may be undefined (the standard error of a
     * single example is NaN): NaN and infinities are written as null instead of refused. Configs and checkpoints,
     * which must read back to the same values, use the strict {@link #toJson(Object)}.
     *
     * @param value what to convert
     * @return its JSON value
     */
    public static Value toReportJson(Object value) {
        return JsonMapper.toJson(value, true);
    }

    /**
     * Reads {@code value} as {@code type} (usually a record); errors name the key path.
     *
     * @param <T>   the type read
     * @param value a parsed value
     * @param type  the class to map it to
     * @return the mapped value
     */
    public static <T> T fromJson(Value value, Class<T> type) {
        return fromJson(value, type, "json");
    }

    /**
     * Reads {@code value} as {@code type}; errors start with {@code source} and name the key path.
     *
     * @param <T>    the type read
     * @param value  a parsed value
     * @param type   the class to map it to
     * @param source names the value in errors
     * @return the mapped value
     */
    public static <T> T fromJson(Value value, Class<T> type, String source) {
        return at(value, source).as(type);
    }

    // ------------------------------------------------------------------ cursor

    /**
     * {@return a cursor on {@code root} whose errors start with {@code source}}
     *
     * @param root   the value to walk
     * @param source names the value in errors
     */
    public static Cursor at(Value root, String source) {
        return new Cursor(Objects.requireNonNull(root, "root"), source, "");
    }

    /**
     * A value together with where it sits (source and key path), so that every accessor can say exactly which
     * value is wrong. Accessors are strict: {@link #asInt()} refuses {@code 3.0}, {@link #asString()} refuses
     * {@code 3}.
     */
    public static final class Cursor {
        private final Value value;
        private final String source;
        private final String path;

        Cursor(Value value, String source, String path) {
            this.value = value;
            this.source = source;
            this.path = path;
        }

        /** {@return the value under the cursor} */
        public Value value() {
            return value;
        }

        /** {@return what errors name first (a file, say)} */
        public String source() {
            return source;
        }

        /** {@return the key path from the root such as {@code encoder.hidden[1]}; empty at the root} */
        public String path() {
            return path;
        }

        /**
         * An exception saying that this value {@code problem}, e.g. {@code fail("must be a power of two")}.
         *
         * @param problem what is wrong, phrased to follow the key path
         * @return the exception, naming the source and the key path, for the caller to throw
         */
        public JsonException fail(String problem) {
            return new JsonException(where() + " " + problem);
        }

        private String where() {
            return source + ": " + (path.isEmpty() ? "the top-level value" : path);
        }

        private JsonException mismatch(String expected) {
            return fail("must be " + expected + ", got " + describe(value));
        }

        // ---- structure

        /** {@return whether the value is JSON null} */
        public boolean isNull() {
            return value instanceof Null;
        }

        /** {@return the value as an object; anything else is an error naming the key path} */
        public Obj asObject() {
            if (value instanceof Obj o) return o;
            throw mismatch("an object");
        }

        /** {@return the value as an array; anything else is an error naming the key path} */
        public Arr asArray() {
            if (value instanceof Arr a) return a;
            throw mismatch("an array");
        }

        /**
         * {@return whether this object has member {@code key}}
         *
         * @param key the member's name
         */
        public boolean has(String key) {
            return asObject().members().containsKey(key);
        }

        /**
         * {@return a cursor on member {@code key}; an error names the key path when it is absent}
         *
         * @param key the member's name
         */
        public Cursor get(String key) {
            Value v = asObject().members().get(key);
            if (v == null) throw new JsonException(source + ": missing key " + childPath(path, key));
            return new Cursor(v, source, childPath(path, key));
        }

        /**
         * {@return a cursor on item {@code index} of this array}
         *
         * @param index the item's position, from 0
         */
        public Cursor get(int index) {
            List<Value> items = asArray().items();
            if (index < 0 || index >= items.size()) {
                throw fail("has " + items.size() + " items, so index " + index + " is out of range");
            }
            return new Cursor(items.get(index), source, path + "[" + index + "]");
        }

        /** {@return the number of items of an array or members of an object} */
        public int size() {
            if (value instanceof Arr a) return a.items().size();
            if (value instanceof Obj o) return o.members().size();
            throw mismatch("an array or an object");
        }

        /** {@return the member names of this object, in order} */
        public Set<String> keys() {
            return asObject().members().keySet();
        }

        /** {@return cursors on the items of this array, in order} */
        public List<Cursor> items() {
            List<Value> items = asArray().items();
            List<Cursor> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) out.add(new Cursor(items.get(i), source, path + "[" + i + "]"));
            return out;
        }

        /** {@return the members of this object as cursors, in order} */
        public Map<String, Cursor> entries() {
            Map<String, Cursor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Value> e : asObject().members().entrySet()) {
                String p = childPath(path, e.getKey());
                out.put(e.getKey(), new Cursor(e.getValue(), source, p));
            }
            return out;
        }

        /**
         * Fails naming every member of this object that is not in {@code allowed}.
         *
         * @param allowed the member names that may appear
         */
        public void requireOnlyKeys(Set<String> allowed) {
            List<String> unknown = new ArrayList<>();
            for (String k : keys()) if (!allowed.contains(k)) unknown.add(k);
            if (!unknown.isEmpty()) {
                throw fail("has unknown " + keyList(unknown) + "; allowed keys are " + quoteAll(allowed));
            }
        }

        // ---- scalars

        /** {@return the value as a string; anything else is an error naming the key path} */
        public String asString() {
            if (value instanceof Str s) return s.value();
            throw mismatch("a string");
        }

        /** {@return the value as a boolean; anything else is an error naming the key path} */
        public boolean asBoolean() {
            if (value instanceof Bool b) return b.value();
            throw mismatch("true or false");
        }

        /** {@return the value as an integer literal; {@code 3.0} and {@code 3e0} are refused} */
        public long asLong() {
            if (value instanceof Int i) return i.value();
            throw mismatch("an integer");
        }

        /** {@return the value as an integer literal within the range of int} */
        public int asInt() {
            long v = asLong();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw mismatch("an integer in the range of int");
            return (int) v;
        }

        /** {@return the value as an int of at least 1} */
        public int positiveInt() {
            if (value instanceof Int i && i.value() > 0 && i.value() <= Integer.MAX_VALUE) return (int) i.value();
            throw mismatch("a positive integer");
        }

        /** {@return the value as an int of at least 0} */
        public int nonNegativeInt() {
            if (value instanceof Int i && i.value() >= 0 && i.value() <= Integer.MAX_VALUE) return (int) i.value();
            throw mismatch("a non-negative integer");
        }

        /** {@return the value as a number, integer or not} */
        public double asDouble() {
            if (value instanceof Real r) return r.value();
            if (value instanceof Int i) return i.value();
            throw mismatch("a number");
        }

        /** {@return the value as a number within the range of float (rounded to the nearest float)} */
        public float asFloat() {
            float f = (float) asDouble();
            if (Float.isInfinite(f)) throw mismatch("a number in the range of float");
            return f;
        }

        /**
         * {@return the value as a constant of an enum, by its name; an error lists the names}
         *
         * @param <E>  the enum
         * @param type the enum's class
         */
        public <E extends Enum<E>> E asEnum(Class<E> type) {
            if (value instanceof Str s) {
                for (E e : type.getEnumConstants()) if (e.name().equals(s.value())) return e;
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) names.add(e.name());
            throw mismatch("one of " + quoteAll(names));
        }

        /** {@return the value as an array of ints} */
        public int[] asIntArray() {
            List<Cursor> items = items();
            int[] out = new int[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = items.get(i).asInt();
            return out;
        }

        /** {@return the value as an array of integer literals} */
        public long[] asLongArray() {
            List<Cursor> items = items();
            long[] out = new long[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = items.get(i).asLong();
            return out;
        }

        /** {@return the value as an array of numbers} */
        public double[] asDoubleArray() {
            List<Cursor> items = items();
            double[] out = new double[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = items.get(i).asDouble();
            return out;
        }

        /** {@return the value as an array of numbers within the range of float} */
        public float[] asFloatArray() {
            List<Cursor> items = items();
            float[] out = new float[items.size()];
            for (int i = 0; i < out.length; i++) out[i] = items.get(i).asFloat();
            return out;
        }

        /**
         * {@return this value mapped to {@code type} (a record, usually); see {@link Json} for the rules}
         *
         * @param <T>  the type read
         * @param type the class to map to
         */
        public <T> T as(Class<T> type) {
            @SuppressWarnings("unchecked")
            T t = (T) JsonMapper.read(this, type);
            return t;
        }

        @Override
        public String toString() {
            return where() + " = " + describe(value);
        }
    }

    // ------------------------------------------------------------------ helpers shared by the package

    /** {@code parent.key}, or {@code parent["odd key"]} when the key is not a plain identifier. */
    static String childPath(String parent, String key) {
        boolean plain = !key.isEmpty();
        for (int i = 0; i < key.length() && plain; i++) {
            char c = key.charAt(i);
            plain = c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
        }
        if (plain) return parent.isEmpty() ? key : parent + "." + key;
        return parent + "[" + JsonWriter.quote(key) + "]";
    }

    /** A short one-line rendering of a value for error messages. */
    static String describe(Value v) {
        String s = writeCompact(v);
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** {@code key "a"} or {@code keys ["a", "b"]}. */
    static String keyList(List<String> keys) {
        return keys.size() == 1 ? "key " + JsonWriter.quote(keys.get(0)) : "keys " + quoteAll(keys);
    }

    static String quoteAll(Iterable<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) sb.append(sb.length() == 1 ? "" : ", ").append(JsonWriter.quote(n));
        return sb.append(']').toString();
    }
}
