package org.latent4j.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.latent4j.core.io.Json.Value;

/** Recursive-descent parser for the strict grammar described in {@link Json}. */
final class JsonParser {
    private final String text;
    private final String source;
    private final int length;
    private int pos;

    private JsonParser(String text, String source) {
        this.text = text;
        this.source = source;
        this.length = text.length();
    }

    static Value parse(String text, String source) {
        JsonParser p = new JsonParser(text, source);
        p.skipWhitespace();
        Value v = p.value(0);
        p.skipWhitespace();
        if (p.pos < p.length) throw p.error("expected end of input after the JSON value");
        return v;
    }

    private Value value(int depth) {
        if (pos >= length) throw error("expected a JSON value");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new Json.Str(string());
            case 't' -> literal("true", new Json.Bool(true));
            case 'f' -> literal("false", new Json.Bool(false));
            case 'n' -> literal("null", Json.NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("expected a JSON value (object, array, string, number, true, false or null)");
            }
        };
    }

    private void checkDepth(int depth) {
        if (depth > Json.MAX_DEPTH) {
            throw error("arrays and objects are nested deeper than " + Json.MAX_DEPTH + " levels, which is not supported");
        }
    }

    private Value object(int depth) {
        checkDepth(depth);
        pos++;
        LinkedHashMap<String, Value> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new Json.Obj(members);
        }
        while (true) {
            if (peek() != '"') {
                throw error(members.isEmpty() ? "expected a string key in double quotes or '}'"
                        : peek() == '}' ? "expected a key after ',' (JSON allows no trailing comma)"
                        : "expected a string key in double quotes");
            }
            int keyPos = pos;
            String key = string();
            if (members.containsKey(key)) throw errorAt(keyPos, "duplicate key " + JsonWriter.quote(key) + " in an object", false);
            skipWhitespace();
            if (peek() != ':') throw error("expected ':' after the key " + JsonWriter.quote(key));
            pos++;
            skipWhitespace();
            members.put(key, value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                return new Json.Obj(members);
            } else {
                throw error("expected ',' or '}' after the value of key " + JsonWriter.quote(key));
            }
        }
    }

    private Value array(int depth) {
        checkDepth(depth);
        pos++;
        List<Value> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new Json.Arr(items);
        }
        while (true) {
            if (!items.isEmpty() && peek() == ']') throw error("expected a value after ',' (JSON allows no trailing comma)");
            items.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == ']') {
                pos++;
                return new Json.Arr(items);
            } else {
                throw error("expected ',' or ']' after an array item");
            }
        }
    }

    private Value literal(String word, Value v) {
        if (!text.startsWith(word, pos)) throw error("expected '" + word + "'");
        pos += word.length();
        return v;
    }

    private Value number() {
        int start = pos;
        if (peek() == '-') pos++;
        char c = peek();
        if (c == '0') {
            pos++;
            if (isDigit(peek())) throw error("expected no digit after a leading 0 (JSON allows no leading zeros)");
        } else if (c >= '1' && c <= '9') {
            digits();
        } else {
            throw error("expected a digit after '-'");
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after the decimal point");
            digits();
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            digits();
            integral = false;
        }
        String lexeme = text.substring(start, pos);
        if (integral) {
            try {
                return new Json.Int(Long.parseLong(lexeme));
            } catch (NumberFormatException tooLong) {
                // beyond the range of long: keep it as the nearest double, as JavaScript readers do
            }
        }
        double d = Double.parseDouble(lexeme);
        if (Double.isInfinite(d)) throw errorAt(start, "number " + lexeme + " is too large for a double", false);
        return new Json.Real(d);
    }

    private void digits() {
        while (isDigit(peek())) pos++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Reads a string literal starting at the opening quote. */
    private String string() {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= length) throw errorAt(start, "unterminated string: no closing '\"' before the end of input", false);
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            int unitPos = pos;
            char u = unit();
            if (Character.isHighSurrogate(u)) {
                char low = pos < length && text.charAt(pos) != '"' ? unit() : 0;
                if (!Character.isLowSurrogate(low)) {
                    throw errorAt(unitPos, "unpaired surrogate " + Json.hex(u) + " in a string (a high surrogate must be followed by a low one)", false);
                }
                sb.append(u).append(low);
            } else if (Character.isLowSurrogate(u)) {
                throw errorAt(unitPos, "unpaired surrogate " + Json.hex(u) + " in a string (a low surrogate must follow a high one)", false);
            } else {
                sb.append(u);
            }
        }
    }

    /** One UTF-16 unit of a string, raw or escaped. */
    private char unit() {
        char c = text.charAt(pos);
        if (c < 0x20) {
            throw errorAt(pos, "found control character " + Json.hex(c) + " in a string; it must be escaped (as \\n, \\t, \\u00XX ...)", false);
        }
        if (c != '\\') {
            pos++;
            return c;
        }
        if (pos + 1 >= length) throw errorAt(pos, "unterminated escape sequence at the end of input", false);
        char e = text.charAt(pos + 1);
        char out;
        switch (e) {
            case '"' -> out = '"';
            case '\\' -> out = '\\';
            case '/' -> out = '/';
            case 'b' -> out = '\b';
            case 'f' -> out = '\f';
            case 'n' -> out = '\n';
            case 'r' -> out = '\r';
            case 't' -> out = '\t';
            case 'u' -> {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int p = pos + 2 + i;
                    int d = p < length ? Character.digit(text.charAt(p), 16) : -1;
                    if (d < 0) throw errorAt(pos, "invalid escape: \\u must be followed by 4 hexadecimal digits", false);
                    v = v * 16 + d;
                }
                pos += 6;
                return (char) v;
            }
            // a control character is named, not quoted, so that the message stays one line
            default -> throw errorAt(pos, "invalid escape " + (e < 0x20 || e == 0x7F ? "'\\' followed by " + Json.hex(e) : "'\\" + e + "'")
                    + " (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", false);
        }
        pos += 2;
        return out;
    }

    private char peek() {
        return pos < length ? text.charAt(pos) : 0;
    }

    private void skipWhitespace() {
        while (pos < length) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            pos++;
        }
    }

    /** "source: line L, column C: expected ..., found ..." at the current position. */
    private JsonException error(String expected) {
        return errorAt(pos, expected, true);
    }

    private JsonException errorAt(int at, String message, boolean withFound) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < length; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String found = withFound ? ", found " + found(at) : "";
        return new JsonException(source + ": line " + line + ", column " + (at - lineStart + 1) + ": " + message + found);
    }

    private String found(int at) {
        if (at >= length) return "end of input";
        char c = text.charAt(at);
        if (c == '\uFEFF') return "a byte order mark (U+FEFF)";
        if (c < 0x20 || c == 0x7F) return Json.hex(c);
        int cp = text.codePointAt(at);
        return "'" + new String(Character.toChars(cp)) + "'";
    }
}
