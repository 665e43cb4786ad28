package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.core.io.JsonTest.assertMessage;

import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.core.io.Json.Value;

class JsonRecordTest {

    enum Activation { RELU, TANH }

    record Encoder(int[] hidden, Activation activation, double dropout) {
        Encoder {
            for (int h : hidden) {
                if (h <= 0) throw new IllegalArgumentException("hidden sizes must be positive, got " + Arrays.toString(hidden));
            }
        }
    }

    /** Declares defaults, so every key may be left out of the JSON. */
    record Training(int epochs, float learningRate, long seed, Optional<String> note, List<Double> schedule) {
        static Training defaults() {
            return new Training(10, 1e-3f, 42, Optional.of("default note"), List.of());
        }
    }

    record Config(String name, Encoder encoder, Training training, List<Encoder> extraEncoders, Map<String, Integer> counts,
                  double[] weights, float[] scales, boolean flag, Value free, OptionalInt maybeInt, Optional<Encoder> maybeEncoder,
                  Integer boxed) {}

    private static Config sample() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("z", 3);
        counts.put("a key", -1);
        return new Config("vae \"β\"", new Encoder(new int[] {256, 128}, Activation.TANH, 0.1),
                new Training(5, 0.1f, -7L, Optional.empty(), List.of(1.0, 0.5)),
                List.of(new Encoder(new int[] {4}, Activation.RELU, 0.0)), counts,
                new double[] {-0.0, 1e300, 0.1}, new float[] {0.1f, 3.4028235e38f, 1.4e-45f}, true,
                Json.parse("{\"anything\": [1, \"x\", null]}"), OptionalInt.of(9), Optional.empty(), null);
    }

    private static void assertSameConfig(Config a, Config b) {
        assertEquals(a.name(), b.name());
        assertArrayEquals(a.encoder().hidden(), b.encoder().hidden());
        assertEquals(a.encoder().activation(), b.encoder().activation());
        assertEquals(a.encoder().dropout(), b.encoder().dropout());
        assertEquals(a.training(), b.training());
        assertEquals(a.extraEncoders().size(), b.extraEncoders().size());
        assertArrayEquals(a.extraEncoders().get(0).hidden(), b.extraEncoders().get(0).hidden());
        assertEquals(a.counts(), b.counts());
        assertEquals(List.copyOf(a.counts().keySet()), List.copyOf(b.counts().keySet()), "map order is kept");
        assertArrayEquals(a.weights(), b.weights());
        assertEquals(Double.doubleToRawLongBits(a.weights()[0]), Double.doubleToRawLongBits(b.weights()[0]), "-0.0 survives");
        assertArrayEquals(a.scales(), b.scales());
        assertEquals(a.flag(), b.flag());
        assertEquals(a.free(), b.free());
        assertEquals(a.maybeInt(), b.maybeInt());
        assertEquals(a.maybeEncoder(), b.maybeEncoder());
        assertEquals(a.boxed(), b.boxed());
    }

    @Test
    void recordsRoundTripThroughText() {
        Config c = sample();
        Value v = Json.toJson(c);
        String text = Json.write(v);
        assertEquals("""
                {
                  "name": "vae \\"β\\"",
                  "encoder": {
                    "hidden": [256, 128],
                    "activation": "TANH",
                    "dropout": 0.1
                  },
                  "training": {
                    "epochs": 5,
                    "learningRate": 0.1,
                    "seed": -7,
                    "note": null,
                    "schedule": [1.0, 0.5]
                  },
                  "extraEncoders": [
                    {
                      "hidden": [4],
                      "activation": "RELU",
                      "dropout": 0.0
                    }
                  ],
                  "counts": {
                    "z": 3,
                    "a key": -1
                  },
                  "weights": [-0.0, 1.0E300, 0.1],
                  "scales": [0.1, 3.4028235E38, 1.4E-45],
                  "flag": true,
                  "free": {
                    "anything": [1, "x", null]
                  },
                  "maybeInt": 9,
                  "maybeEncoder": null,
                  "boxed": null
                }""", text, "floats are written in their own shortest form (0.1, not 0.10000000149011612)");
        assertSameConfig(c, Json.fromJson(Json.parse(text), Config.class, "config.json"));
    }

    @Test
    void floatsRoundTripBitExactly() {
        record F(float value) {}
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 50_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isFinite(f)) continue;
            String text = Json.writeCompact(Json.toJson(new F(f)));
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Json.fromJson(Json.parse(text), F.class).value()), text);
        }
    }

    @Test
    void missingKeysComeFromDefaults() {
        Training t = Json.fromJson(Json.parse("{\"epochs\": 3, \"note\": null}"), Training.class);
        assertEquals(new Training(3, 1e-3f, 42, Optional.empty(), List.of()), t,
                "absent keys take defaults(); an explicit null still means empty");
        assertEquals(Training.defaults(), Json.fromJson(Json.parse("{}"), Training.class));
    }

    @Test
    void missingKeysWithoutDefaultsAreNamedTogether() {
        assertEquals("config.json: encoder is missing keys [\"activation\", \"dropout\"]; Encoder has keys [\"hidden\", \"activation\", \"dropout\"]",
                assertThrows(JsonException.class, () -> Json.fromJson(Json.parse("{\"encoder\": {\"hidden\": [1]}}"), Holder.class, "config.json"))
                        .getMessage());
        // Optional components may be left out even without defaults()
        Opt o = Json.fromJson(Json.parse("{\"x\": 1}"), Opt.class);
        assertEquals(new Opt(1, Optional.empty(), OptionalDouble.empty()), o);
    }

    record Holder(Encoder encoder) {}

    record Opt(int x, Optional<String> s, OptionalDouble d) {}

    @Test
    void unknownKeysAreRejectedByName() {
        assertEquals("config.json: encoder has unknown keys [\"hiden\", \"dropuot\"] and is missing keys [\"hidden\", \"dropout\"]; "
                        + "Encoder has keys [\"hidden\", \"activation\", \"dropout\"]",
                assertThrows(JsonException.class, () -> Json.fromJson(
                        Json.parse("{\"encoder\": {\"hiden\": [1], \"activation\": \"RELU\", \"dropuot\": 0.5}}"), Holder.class, "config.json"))
                        .getMessage());
        assertEquals("json: the top-level value has unknown key \"lr\"; Training has keys [\"epochs\", \"learningRate\", \"seed\", \"note\", \"schedule\"]",
                assertThrows(JsonException.class, () -> Json.fromJson(Json.parse("{\"lr\": 0.1}"), Training.class)).getMessage(),
                "defaults() cover missing keys, never unknown ones");
    }

    @Test
    void valueErrorsNameThePath() {
        assertEquals("config.json: encoder.hidden[1] must be an integer, got \"x\"",
                readHolderError("{\"encoder\": {\"hidden\": [1, \"x\"], \"activation\": \"RELU\", \"dropout\": 0}}"));
        assertEquals("config.json: encoder.activation must be one of [\"RELU\", \"TANH\"], got \"relu\"",
                readHolderError("{\"encoder\": {\"hidden\": [1], \"activation\": \"relu\", \"dropout\": 0}}"));
        assertEquals("config.json: encoder.dropout must be a number, got null",
                readHolderError("{\"encoder\": {\"hidden\": [1], \"activation\": \"RELU\", \"dropout\": null}}"));
        assertEquals("config.json: encoder.hidden must be an array, got 5",
                readHolderError("{\"encoder\": {\"hidden\": 5, \"activation\": \"RELU\", \"dropout\": 0}}"));
        assertEquals("config.json: encoder must be an object, got [1]", readHolderError("{\"encoder\": [1]}"));
        assertEquals("config.json: encoder.hidden[0] must be an integer in the range of int, got 3000000000",
                readHolderError("{\"encoder\": {\"hidden\": [3000000000], \"activation\": \"RELU\", \"dropout\": 0}}"));
    }

    private static String readHolderError(String json) {
        return assertThrows(JsonException.class, () -> Json.fromJson(Json.parse(json), Holder.class, "config.json")).getMessage();
    }

    @Test
    void compactConstructorValidationRunsAndIsReportedWithThePath() {
        JsonException e = assertThrows(JsonException.class, () -> Json.fromJson(
                Json.parse("{\"encoder\": {\"hidden\": [4, -3], \"activation\": \"RELU\", \"dropout\": 0}}"), Holder.class, "config.json"));
        assertEquals("config.json: encoder is not a valid Encoder: hidden sizes must be positive, got [4, -3]", e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void nonFiniteNumbersAndUnsupportedTypesCannotBeWritten() {
        assertEquals("toJson: Encoder.dropout is NaN, but JSON has no NaN or Infinity (write null or a string instead)",
                assertThrows(JsonException.class, () -> Json.toJson(new Encoder(new int[] {1}, Activation.RELU, Double.NaN))).getMessage());
        assertMessage(assertThrows(JsonException.class, () -> Json.toJson(new Holder2(List.of(new float[] {1f, Float.POSITIVE_INFINITY})))),
                "toJson: Holder2.values[0][1] is Infinity");
        assertMessage(assertThrows(JsonException.class, () -> Json.toJson(new WithFile(new File("x")))),
                "toJson: WithFile.file is a java.io.File, which has no JSON form");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Json.fromJson(Json.parse("{\"file\": \"x\"}"), WithFile.class)),
                "cannot map file to java.io.File");
        assertMessage(assertThrows(JsonException.class, () -> Json.toJson(Map.of(1, 2))), "is a Map with a key 1 that is not a String");
    }

    record Holder2(List<float[]> values) {}

    record WithFile(File file) {}

    @Test
    void genericContainersAndArraysOfRecordsMap() {
        record Layer(String kind, int size) {}
        record Net(Layer[] layers, List<List<Integer>> grid, Map<String, Layer> named) {}
        Value v = Json.parse("""
                {"layers": [{"kind": "dense", "size": 3}], "grid": [[1, 2], []], "named": {"out": {"kind": "linear", "size": 1}}}""");
        Net n = Json.fromJson(v, Net.class);
        assertEquals(new Layer("dense", 3), n.layers()[0]);
        assertEquals(List.of(List.of(1, 2), List.of()), n.grid());
        assertEquals(new Layer("linear", 1), n.named().get("out"));
        assertEquals(v, Json.toJson(n));
        assertEquals("json: named.out.size must be an integer, got \"1\"",
                assertThrows(JsonException.class, () -> Json.fromJson(Json.parse("""
                        {"layers": [], "grid": [], "named": {"out": {"kind": "linear", "size": "1"}}}"""), Net.class)).getMessage());
    }
}
