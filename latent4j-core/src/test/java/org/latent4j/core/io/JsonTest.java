package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json.Value;

class JsonTest {

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    private static JsonException parseError(String text) {
        return assertThrows(JsonException.class, () -> Json.parse(text, "t.json"), () -> "accepted: " + text);
    }

    private static Value roundTrip(Value v) {
        Value pretty = Json.parse(Json.write(v));
        Value compact = Json.parse(Json.writeCompact(v));
        assertEquals(v, pretty);
        assertEquals(v, compact);
        return pretty;
    }

    // ------------------------------------------------------------------ strings

    @Test
    void stringsWithEscapesAndUnicodeRoundTrip() {
        String[] samples = {
            "", "plain", "quote \" backslash \\ slash /", "\n\r\t\b\f", "\u0000\u0001\u001f", "\u007f del is not escaped",
            "é ✓ 中文", "😀 is a surrogate pair", "\u2028\u2029", "\uFEFF inside a string is fine", "\"\\\"\\\\"
        };
        for (String s : samples) {
            Json.Str v = new Json.Str(s);
            assertEquals(v, roundTrip(v), s);
            // keys take the same path through the writer
            Json.Obj o = new Json.Obj(Map.of(s, v));
            assertEquals(o, roundTrip(o), s);
        }
    }

    @Test
    void escapingMatchesSerdeJson() {
        // the form the safetensors reference writes: only ", \ and control characters are escaped, lowercase hex
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\\u001fé😀/\u007f\"", Json.writeCompact(new Json.Str("a\"b\\c\n\u0001\u001fé😀/\u007f")));
        assertEquals("\"\\b\\f\\r\\t\"", Json.writeCompact(new Json.Str("\b\f\r\t")));
    }

    @Test
    void parsesEveryEscape() {
        assertEquals(new Json.Str("\"\\/\b\f\n\r\té😀\u0000"),
                Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\uDE00\\u0000\""));
        // a raw high surrogate followed by an escaped low one is still one valid pair
        assertEquals(new Json.Str("😀"), Json.parse("\"" + (char) 0xD83D + "\\ude00\""));
    }

    @Test
    void unpairedSurrogatesAreRejectedEverywhere() {
        assertMessage(parseError("\"ab\\ud800\""), "line 1, column 4", "unpaired surrogate U+D800");
        assertMessage(parseError("\"\\ud800\\u0041\""), "unpaired surrogate U+D800");
        assertMessage(parseError("\"x\\udc00\""), "column 3", "unpaired surrogate U+DC00");
        assertMessage(parseError("\"\ud800\""), "unpaired surrogate U+D800");
        assertMessage(assertThrows(JsonException.class, () -> new Json.Str("a\udc00")), "unpaired surrogate U+DC00 at index 1");
        assertMessage(assertThrows(JsonException.class, () -> new Json.Obj(Map.of("k\ud800", Json.NULL))), "object key", "U+D800");
    }

    // ------------------------------------------------------------------ numbers

    @Test
    void numbersKeepTheirKindAndExactValue() {
        assertEquals(new Json.Real(0.1), Json.parse("0.1"));
        assertEquals(new Json.Real(1e300), Json.parse("1e300"));
        assertEquals(new Json.Real(1e300), Json.parse("1E+300"));
        assertEquals(new Json.Real(100.0), Json.parse("1e2"), "an exponent makes it a real even when integral");
        assertEquals(new Json.Int(Long.MAX_VALUE), Json.parse("9223372036854775807"));
        assertEquals(new Json.Int(Long.MIN_VALUE), Json.parse("-9223372036854775808"));
        assertEquals(new Json.Real(9.223372036854775808e18), Json.parse("9223372036854775808"), "beyond long becomes the nearest double");
        assertEquals(new Json.Int(0), Json.parse("-0"));
        assertEquals(new Json.Real(0.0), Json.parse("1e-400"), "underflow rounds to zero as in every JSON reader");

        Value negZero = Json.parse("-0.0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(((Json.Real) negZero).value()));
        assertNotEquals(new Json.Real(0.0), negZero, "-0.0 and 0.0 are distinct values");

        for (double d : new double[] {0.1, 1e300, -0.0, 0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -1.0 / 3, 1e-7, 123456789.125}) {
            Json.Real r = new Json.Real(d);
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(((Json.Real) roundTrip(r)).value()), "" + d);
        }
        assertEquals("[0.1, 1.0E300, -0.0, 3.0, 42, -7]", Json.write(Json.toJson(List.of(0.1, 1e300, -0.0, 3.0, 42, -7L))));
    }

    @Test
    void randomDoublesRoundTripBitExactly() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isFinite(d)) continue;
            String text = Json.writeCompact(new Json.Real(d));
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(((Json.Real) Json.parse(text)).value()), text);
        }
    }

    @Test
    void nanAndInfinityHaveNoJsonForm() {
        for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertMessage(assertThrows(JsonException.class, () -> new Json.Real(d)), "JSON has no NaN or Infinity", "" + d);
        }
        assertMessage(parseError("NaN"), "line 1, column 1", "expected a JSON value", "found 'N'");
        assertMessage(parseError("[Infinity]"), "column 2", "found 'I'");
        assertMessage(parseError("1e400"), "number 1e400 is too large for a double");
        assertMessage(parseError("-1e400"), "number -1e400 is too large");
    }

    // ------------------------------------------------------------------ structure and layout

    @Test
    void prettyPrintingIsStable() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("hidden", new int[] {256, 128});
        inner.put("names", List.of("a", "b"));
        inner.put("empty", List.of());
        inner.put("none", Map.of());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("zeta", 1);
        root.put("alpha", inner);
        root.put("rows", List.of(List.of(1, 2), Map.of("k", true)));
        root.put("nothing", null);
        String expected = """
                {
                  "zeta": 1,
                  "alpha": {
                    "hidden": [256, 128],
                    "names": ["a", "b"],
                    "empty": [],
                    "none": {}
                  },
                  "rows": [
                    [1, 2],
                    {
                      "k": true
                    }
                  ],
                  "nothing": null
                }""";
        Value v = Json.toJson(root);
        assertEquals(expected, Json.write(v));
        assertEquals("{\"zeta\":1,\"alpha\":{\"hidden\":[256,128],\"names\":[\"a\",\"b\"],\"empty\":[],\"none\":{}},"
                + "\"rows\":[[1,2],{\"k\":true}],\"nothing\":null}", Json.writeCompact(v));
        // insertion order survives parsing, and writing the parsed value gives the same text
        assertEquals(List.of("zeta", "alpha", "rows", "nothing"), List.copyOf(((Json.Obj) Json.parse(expected)).members().keySet()));
        assertEquals(expected, Json.write(Json.parse(expected)));
    }

    @Test
    void whitespaceAroundTokensIsAccepted() {
        assertEquals(Json.parse("{\"a\":[1,2]}"), Json.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] } \n"));
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void malformedInputGivesLineColumnAndWhatWasExpected() {
        assertMessage(parseError(""), "t.json: line 1, column 1: expected a JSON value", "found end of input");
        assertMessage(parseError("   "), "column 4", "found end of input");
        assertMessage(parseError("{\"a\": 1,}"), "line 1, column 9: expected a key after ',' (JSON allows no trailing comma), found '}'");
        assertMessage(parseError("[1, 2,]"), "line 1, column 7: expected a value after ','", "found ']'");
        assertMessage(parseError("{\n  \"a\": 1\n  \"b\": 2\n}"),
                "t.json: line 3, column 3: expected ',' or '}' after the value of key \"a\", found '\"'");
        assertMessage(parseError("[1 2]"), "column 4: expected ',' or ']' after an array item, found '2'");
        assertMessage(parseError("{a: 1}"), "column 2: expected a string key in double quotes or '}', found 'a'");
        assertMessage(parseError("{\"a\" 1}"), "column 6: expected ':' after the key \"a\", found '1'");
        assertMessage(parseError("{\"a\":}"), "column 6: expected a JSON value", "found '}'");
        assertMessage(parseError("[01]"), "column 3: expected no digit after a leading 0");
        assertMessage(parseError("[1.]"), "column 4: expected a digit after the decimal point, found ']'");
        assertMessage(parseError(".5"), "found '.'");
        assertMessage(parseError("1e"), "column 3: expected a digit in the exponent, found end of input");
        assertMessage(parseError("-"), "expected a digit after '-'");
        assertMessage(parseError("+1"), "found '+'");
        assertMessage(parseError("tru"), "column 1: expected 'true'");
        assertMessage(parseError("nulL"), "expected 'null'");
        assertMessage(parseError("'a'"), "found '''");
        assertMessage(parseError("[\"abc"), "column 2: unterminated string");
        assertMessage(parseError("\"a\nb\""), "line 1, column 3: found control character U+000A in a string; it must be escaped");
        assertMessage(parseError("\"tab\there\""), "found control character U+0009");
        assertMessage(parseError("\"\\x\""), "column 2: invalid escape '\\x'");
        assertMessage(parseError("\"\\u12G4\""), "\\u must be followed by 4 hexadecimal digits");
        assertMessage(parseError("\"\\u12\""), "4 hexadecimal digits");
        assertMessage(parseError("{\"a\":1,\"a\":2}"), "column 8: duplicate key \"a\"");
        assertMessage(parseError("[1] [2]"), "column 5: expected end of input after the JSON value, found '['");
        assertMessage(parseError("\uFEFF{}"), "found a byte order mark (U+FEFF)");
        assertMessage(parseError("// comment\n{}"), "found '/'");
        assertMessage(parseError("[1,\n2,\n\u0001]"), "line 3, column 1", "found U+0001");
        assertMessage(parseError("{\"k\": 😀}"), "found '😀'");
    }

    @Test
    void nestingIsCappedWithAClearMessage() {
        int max = Json.MAX_DEPTH;
        Value deepest = Json.parse("[".repeat(max) + "]".repeat(max));
        assertInstanceOf(Json.Arr.class, deepest);
        assertEquals(deepest, Json.parse(Json.write(deepest)));

        JsonException e = parseError("[".repeat(max + 1) + "]".repeat(max + 1));
        assertMessage(e, "line 1, column " + (max + 1) + ": arrays and objects are nested deeper than 256 levels");
        // far deeper input fails the same way instead of overflowing the stack
        assertMessage(parseError("[{\"a\":".repeat(100_000)), "nested deeper than 256 levels");

        Value tooDeep = new Json.Arr(List.of());
        for (int i = 0; i < max; i++) tooDeep = new Json.Arr(List.of(tooDeep));
        Value v = tooDeep;
        assertMessage(assertThrows(JsonException.class, () -> Json.write(v)), "cannot write JSON nested deeper than 256 levels");
    }

    // ------------------------------------------------------------------ cursor

    @Test
    void cursorErrorsNameTheKeyPath() {
        Value v = Json.parse("""
                {"encoder": {"hidden": [256, -3, 64], "rate": 3.0, "name": 7, "big": 1e39},
                 "odd key": {"x": null}, "act": "relu"}""");
        Json.Cursor c = Json.at(v, "config.json");
        Json.Cursor hidden = c.get("encoder").get("hidden");
        assertEquals(256, hidden.get(0).positiveInt());
        assertEquals("config.json: encoder.hidden[1] must be a positive integer, got -3",
                assertThrows(JsonException.class, () -> hidden.get(1).positiveInt()).getMessage());
        assertEquals("config.json: encoder.hidden has 3 items, so index 5 is out of range",
                assertThrows(JsonException.class, () -> hidden.get(5)).getMessage());
        assertEquals("config.json: missing key encoder.dropout",
                assertThrows(JsonException.class, () -> c.get("encoder").get("dropout")).getMessage());
        assertEquals("config.json: encoder.rate must be an integer, got 3.0",
                assertThrows(JsonException.class, () -> c.get("encoder").get("rate").asInt()).getMessage());
        assertEquals(3.0, c.get("encoder").get("rate").asDouble());
        assertEquals(-3.0, hidden.get(1).asDouble(), "an integer is also a number");
        assertEquals("config.json: encoder.name must be a string, got 7",
                assertThrows(JsonException.class, () -> c.get("encoder").get("name").asString()).getMessage());
        assertMessage(assertThrows(JsonException.class, () -> c.get("encoder").get("big").asFloat()),
                "encoder.big must be a number in the range of float, got 1.0E39");
        assertEquals("config.json: [\"odd key\"].x must be true or false, got null",
                assertThrows(JsonException.class, () -> c.get("odd key").get("x").asBoolean()).getMessage());
        assertMessage(assertThrows(JsonException.class, c::items), "config.json: the top-level value must be an array, got {\"encoder\":", "...");
        assertEquals("config.json: act must be one of [\"SIGMOID\", \"TANH\"], got \"relu\"",
                assertThrows(JsonException.class, () -> c.get("act").asEnum(Act.class)).getMessage());
        assertEquals("config.json: encoder must be a power of two",
                c.get("encoder").fail("must be a power of two").getMessage());
        assertArrayEquals(new int[] {256, -3, 64}, hidden.asIntArray());
        assertArrayEquals(new double[] {256, -3, 64}, hidden.asDoubleArray());
        assertEquals("config.json: encoder has unknown keys [\"name\", \"big\"]; allowed keys are [\"hidden\", \"rate\"]",
                assertThrows(JsonException.class, () -> c.get("encoder").requireOnlyKeys(new java.util.LinkedHashSet<>(List.of("hidden", "rate"))))
                        .getMessage());
        assertTrue(c.get("odd key").get("x").isNull());
        assertEquals(List.of("encoder", "odd key", "act"), List.copyOf(c.keys()));
    }

    enum Act { SIGMOID, TANH }

    // ------------------------------------------------------------------ files

    @Test
    void filesAreStrictUtf8AndErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.json");
        Value v = Json.toJson(Map.of("loss", 0.25, "note", "é😀"));
        Json.writeFile(f, v);
        assertEquals(Json.write(v) + "\n", Files.readString(f), "pretty text with a final newline");
        assertEquals(v, Json.readFile(f));

        Path bad = dir.resolve("bad.json");
        Files.write(bad, new byte[] {'"', 'a', 'b', (byte) 0xC3, '"'});
        assertEquals(bad + ": not valid UTF-8 at byte 3", assertThrows(JsonException.class, () -> Json.readFile(bad)).getMessage());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\n  \"a\": [1, 2,]\n}\n");
        assertEquals(broken + ": line 2, column 14: expected a value after ',' (JSON allows no trailing comma), found ']'",
                assertThrows(JsonException.class, () -> Json.readFile(broken)).getMessage());
    }

    @Test
    void valuesAreImmutableCopies() {
        Map<String, Value> m = new LinkedHashMap<>();
        m.put("a", new Json.Int(1));
        Json.Obj o = new Json.Obj(m);
        m.put("b", new Json.Int(2));
        assertEquals(1, o.members().size());
        assertThrows(UnsupportedOperationException.class, () -> o.members().put("c", Json.NULL));
        assertThrows(NullPointerException.class, () -> new Json.Obj(java.util.Collections.singletonMap("k", null)));
    }
}
