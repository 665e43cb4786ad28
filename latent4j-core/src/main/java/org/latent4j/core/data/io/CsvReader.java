package org.latent4j.core.data.io;

import static org.latent4j.core.data.io.BoundedInput.fmt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.latent4j.core.data.DataFileException;
import org.latent4j.tensor.Tensor;

/**
 * Reads a numeric CSV file (UTF-8, plain or gzipped) as an [rows, columns] float32 tensor.
 *
 * <p>Fields are split on a single separator character (comma by default) and trimmed; quoting is not
 * supported. Lines holding only whitespace are skipped. Every row must have the column count of the
 * first. Lines and columns are numbered from 1 in messages, as editors show them. An empty cell or NaN is
 * an error unless {@link Format#allowMissing()} is set, in which case it reads as NaN; infinities are
 * always an error, as is a number beyond the float32 range.
 *
 * <p>Header detection ({@link Header#AUTO}): the first line is a header when any of its fields is
 * neither a number nor a missing value. A header of purely numeric names ("1,2,3") is therefore taken
 * for data; say {@link Header#PRESENT} for such files.
 */
public final class CsvReader {
    private CsvReader() {}

    /** Whether the first line is a header: detected, or said. */
    public enum Header {
        /** A first line that is not all numbers is a header. */
        AUTO,
        /** The first line is a header, whatever it holds. */
        PRESENT,
        /** There is no header: the first line is data. */
        ABSENT
    }

    /**
     * How a file is written.
     *
     * @param separator the character between values
     * @param header whether the first line holds column names
     * @param allowMissing whether an empty cell or NaN reads as NaN rather than being refused
     */
    public record Format(char separator, Header header, boolean allowMissing) {
        public static final Format DEFAULT = new Format(',', Header.AUTO, false);

        /** Refuses a separator that could be part of a number or a line end. */
        public Format {
            if (Character.isLetterOrDigit(separator) || "+-.\"'".indexOf(separator) >= 0 || separator == '\n' || separator == '\r') {
                throw new IllegalArgumentException("CSV separator '" + separator + "' can be part of a number or a line end");
            }
            if (header == null) throw new IllegalArgumentException("CSV header mode is null");
        }

        /**
         * {@return this format with another separator}
         *
         * @param c the separator
         */
        public Format withSeparator(char c) {
            return new Format(c, header, allowMissing);
        }

        /**
         * {@return this format with another header mode}
         *
         * @param h the header mode
         */
        public Format withHeader(Header h) {
            return new Format(separator, h, allowMissing);
        }

        /**
         * {@return this format with missing values allowed or refused}
         *
         * @param allow whether to allow them
         */
        public Format withAllowMissing(boolean allow) {
            return new Format(separator, header, allow);
        }
    }

    /**
     * The values, and the column names when the file has a header (else an empty list).
     *
     * @param columnNames the header's names, or empty
     * @param values the values, [rows, columns]
     */
    public record Table(List<String> columnNames, Tensor values) {
        /** Copies the column names. */
        public Table {
            columnNames = List.copyOf(columnNames);
        }

        /** {@return the number of rows} */
        public int rows() {
            return values.dim(0);
        }

        /** {@return the number of columns} */
        public int columns() {
            return values.dim(1);
        }
    }

    /**
     * A table with one column of class labels taken out of the values.
     *
     * @param table       the other columns, in their order
     * @param labelColumn the label column's number, counting from 1 as messages do
     * @param labelColumnName the label column's header name, or empty without a header
     * @param labels      each row's label cell as written (trimmed): a number or a class name
     */
    public record LabelledTable(Table table, int labelColumn, String labelColumnName, List<String> labels) {
        /** Copies the labels. */
        public LabelledTable {
            labels = List.copyOf(labels);
        }
    }

    /**
     * {@return the values of a CSV file in the default format}
     *
     * @param path the file
     * @throws DataFileException when the file cannot be read or a cell is not a number
     */
    public static Table read(Path path) throws DataFileException {
        return read(path, Format.DEFAULT);
    }

    /**
     * {@return the values of a CSV file}
     *
     * @param path the file
     * @param options how the file is written
     * @throws DataFileException when the file cannot be read or a cell is not a number
     */
    public static Table read(Path path, Format options) throws DataFileException {
        try (BoundedInput in = BoundedInput.open(path)) {
            return read(in, options, null, null);
        }
    }

    /**
     * {@return the values of a CSV stream}
     *
     * @param stream the stream, read to its end
     * @param name the stream's name, for messages
     * @param options how the file is written
     * @throws DataFileException when the stream cannot be read or a cell is not a number
     */
    public static Table read(InputStream stream, String name, Format options) throws DataFileException {
        try (BoundedInput in = BoundedInput.of(stream, name)) {
            return read(in, options, null, null);
        }
    }

    /**
     * Reads a file one of whose columns holds class labels (numbers or names, never parsed as features).
     *
     * @param path the file
     * @param options how the file is written
     * @param labelColumn the column's name in the header, or its number counting from 1
     * @return the table and the labels
     * @throws DataFileException when the file cannot be read, the column does not exist or a cell is not a number
     */
    public static LabelledTable read(Path path, Format options, String labelColumn) throws DataFileException {
        if (labelColumn == null || labelColumn.isBlank()) throw new IllegalArgumentException("the label column is blank");
        List<String> labels = new ArrayList<>();
        int[] found = new int[1];
        Table t;
        try (BoundedInput in = BoundedInput.open(path)) {
            t = read(in, options, labelColumn.strip(), new LabelSink(labels, found));
        }
        String name = found[0] - 1 < t.columnNames().size() ? t.columnNames().get(found[0] - 1) : "";
        List<String> names = new ArrayList<>(t.columnNames());
        if (!names.isEmpty()) names.remove(found[0] - 1);
        return new LabelledTable(new Table(names, t.values()), found[0], name, labels);
    }

    /** Where the label cells go, and the label column's number once the first line has settled it. */
    private record LabelSink(List<String> cells, int[] column) {}

    private enum Cell { NUMBER, MISSING, INFINITE, TEXT }

    private static Table read(BoundedInput in, Format options, String labelSpec, LabelSink labelSink) throws DataFileException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in.rest(), decoder), BoundedInput.CHUNK);
        List<String> names = List.of();
        int columns = -1;
        int labelAt = -1;
        int firstLine = 0;
        boolean headerRow = false;
        float[] values = new float[1024];
        long count = 0;
        int line = 0;
        try {
            String text;
            while ((text = nextLine(in, reader, line + 1)) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) text = text.substring(1);
                if (text.isBlank()) continue;
                String[] fields = split(text, options.separator());
                if (columns < 0) {
                    columns = fields.length;
                    firstLine = line;
                    headerRow = switch (options.header()) {
                        case PRESENT -> true;
                        case ABSENT -> false;
                        case AUTO -> Arrays.stream(fields).anyMatch(f -> classify(f) == Cell.TEXT);
                    };
                    if (headerRow) names = Arrays.asList(fields);
                    if (labelSpec != null) {
                        labelAt = labelColumn(in, labelSpec, names, columns);
                        labelSink.column()[0] = labelAt + 1;
                    }
                    if (headerRow) continue;
                } else if (fields.length != columns) {
                    throw in.fail("line " + fmt(line) + " has " + fields.length + " column" + (fields.length == 1 ? "" : "s") + " but "
                            + (headerRow ? "the header (line " + firstLine + ")" : "line " + firstLine) + " has " + columns);
                }
                int features = labelAt < 0 ? columns : columns - 1;
                if (count + features > BoundedInput.MAX_ELEMENTS) {
                    throw in.fail("line " + fmt(line) + ": more values than a tensor can hold (at most " + fmt(BoundedInput.MAX_ELEMENTS) + ")");
                }
                if (count + features > values.length) {
                    values = Arrays.copyOf(values, in.grow(values.length, count + features, BoundedInput.MAX_ELEMENTS, count + features));
                }
                for (int c = 0, at = (int) count; c < columns; c++) {
                    if (c == labelAt) {
                        if (fields[c].isEmpty()) throw in.fail(where(line, c, names) + "the label is missing");
                        labelSink.cells().add(fields[c]);
                    } else {
                        values[at++] = parse(in, options, fields[c], line, c, names);
                    }
                }
                count += features;
            }
        } catch (CharacterCodingException e) {
            throw in.fail("is not UTF-8 text (bad bytes on line " + fmt(line + 1) + ")");
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(in.name(), "read failed on line " + fmt(line + 1) + " (" + e.getMessage() + ")", e);
        }
        if (columns < 0) throw in.fail("holds no data: it is empty or blank");
        int features = labelAt < 0 ? columns : columns - 1;
        if (features == 0) throw in.fail("holds only the label column, no features");
        if (count == 0) throw in.fail("holds a header (line " + firstLine + ") but no data rows");
        int rows = (int) (count / features);
        if (values.length != count) values = Arrays.copyOf(values, (int) count);
        return new Table(names, Tensor.wrap(values, rows, features));
    }

    /** The 0-based index of the label column a header name or a 1-based number names. */
    private static int labelColumn(BoundedInput in, String spec, List<String> names, int columns) throws DataFileException {
        int byName = names.indexOf(spec);
        if (byName >= 0) return byName;
        if (spec.matches("[0-9]{1,9}")) {
            int number = Integer.parseInt(spec);
            if (number >= 1 && number <= columns) return number - 1;
            throw in.fail("has " + columns + " columns, so it has no column " + number + " to take labels from (columns count from 1)");
        }
        throw in.fail(names.isEmpty() ? "has no header line, so the label column must be given by its number (from 1), not as '" + spec + "'"
                : "has no column named '" + spec + "' to take labels from (its columns: " + String.join(", ", names) + ")");
    }

    /** No numeric row is this long; a longer "line" is binary data, and is refused before it fills memory. */
    static final int MAX_LINE_CHARS = 1 << 24;

    /** The next line without its terminator (\n, \r\n or \r), or null at the end. */
    private static String nextLine(BoundedInput in, BufferedReader reader, int lineNumber) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = reader.read()) >= 0) {
            if (c == '\n') return sb.toString();
            if (c == '\r') {
                reader.mark(1);
                if (reader.read() != '\n') reader.reset();
                return sb.toString();
            }
            if (c == 0) throw in.fail("line " + fmt(lineNumber) + " holds a NUL character: binary data, not CSV text");
            if (sb.length() == MAX_LINE_CHARS) {
                throw in.fail("line " + fmt(lineNumber) + " is longer than " + fmt(MAX_LINE_CHARS) + " characters: not a numeric CSV file");
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static float parse(BoundedInput in, Format options, String field, int line, int column, List<String> names) throws DataFileException {
        Cell kind = classify(field);
        if (kind == Cell.NUMBER) {
            float v = Float.parseFloat(field);
            if (Float.isInfinite(v)) throw in.fail(where(line, column, names) + show(field) + " is outside the float32 range");
            return v;
        }
        if (kind == Cell.MISSING && options.allowMissing()) return Float.NaN;
        throw in.fail(where(line, column, names) + switch (kind) {
            case MISSING -> (field.isEmpty() ? "empty cell" : show(field))
                    + ": missing values are an error unless allowed (allowMissing reads them as NaN)";
            case INFINITE -> show(field) + " is infinite";
            default -> show(field) + " is not a number";
        });
    }

    private static String where(int line, int column, List<String> names) {
        String name = column < names.size() && !names.get(column).isEmpty() ? " (\"" + names.get(column) + "\")" : "";
        return "line " + fmt(line) + ", column " + (column + 1) + name + ": ";
    }

    /** The cell as shown in a message: quoted, control characters escaped, cut when long (binary data). */
    private static String show(String field) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < field.length() && i < 40; i++) {
            char c = field.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append(field.length() > 40 ? "...'" : "'").toString();
    }

    private static String[] split(String line, char sep) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == sep) {
                out.add(line.substring(start, i).strip());
                start = i + 1;
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * Decimal numbers only: [+-] digits [. digits] [e [+-] digits], at least one digit in the mantissa.
     * Stricter than Float.parseFloat, which would also take "1f", "0x1p3" and "Infinity".
     */
    private static Cell classify(String s) {
        if (s.isEmpty()) return Cell.MISSING;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("nan") || lower.equals("+nan") || lower.equals("-nan")) return Cell.MISSING;
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) return Cell.INFINITE;
        int i = 0;
        int n = s.length();
        if (s.charAt(i) == '+' || s.charAt(i) == '-') i++;
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) { i++; digits++; }
        }
        if (digits == 0) return Cell.TEXT;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int exp = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) { i++; exp++; }
            if (exp == 0) return Cell.TEXT;
        }
        return i == n ? Cell.NUMBER : Cell.TEXT;
    }
}
