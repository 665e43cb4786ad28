package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;

/** The configs of the residual, finite scalar and key-value quantizers: validation, JSON, and keys a later version may add. */
class QuantizerConfigsTest {
    private static <R extends Record> R without(R config, String key) {
        Map<String, Json.Value> m = new LinkedHashMap<>(((Json.Obj) Json.toJson(config)).members());
        m.remove(key);
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) config.getClass();
        return Json.fromJson(new Json.Obj(m), type, "config.json");
    }

    @Test
    void optionalKeysReadTheirDefaultsAndSizesAreRequired() {
        var rvq = new ResidualVectorQuantizerConfig(3, VectorQuantizerConfig.of(8, 32), 0.5);
        assertEquals(rvq, Json.fromJson(Json.toJson(rvq), ResidualVectorQuantizerConfig.class));
        assertEquals(0.0, without(rvq, "dropout").dropout());
        var e = assertThrows(JsonException.class, () -> without(rvq, "stages"));
        assertTrue(e.getMessage().contains("missing key \"stages\""), e.getMessage());

        var kv = new KeyValueBottleneckConfig(16, 4, 64, 5, KeyValueBottleneck.KeyInit.RANDOM);
        assertEquals(kv, Json.fromJson(Json.toJson(kv), KeyValueBottleneckConfig.class));
        assertEquals(0, without(kv, "keyDim").keyDim());
        assertEquals(KeyValueBottleneck.KeyInit.KMEANS, without(kv, "keyInit").keyInit());
        assertThrows(JsonException.class, () -> without(kv, "heads"));

        var fsq = FiniteScalarQuantizerConfig.of(List.of(8, 8, 8));
        assertEquals(fsq, Json.fromJson(Json.toJson(fsq), FiniteScalarQuantizerConfig.class));
        assertEquals(512, fsq.codebookSize());
        assertThrows(JsonException.class, () -> without(fsq, "levels"));
    }

    @Test
    void badValuesAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ResidualVectorQuantizerConfig(0, VectorQuantizerConfig.of(8, 32), 0));
        assertTrue(e.getMessage().contains("ResidualVectorQuantizerConfig.stages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ResidualVectorQuantizerConfig(2, VectorQuantizerConfig.of(8, 32), -0.1));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyValueBottleneckConfig.of(10, 4, 8));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FiniteScalarQuantizerConfig.of(List.of(8, 1)));
        assertTrue(e.getMessage().contains("FiniteScalarQuantizerConfig.levels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FiniteScalarQuantizerConfig(0, List.of(8, 8)));
        assertTrue(e.getMessage().contains("dim"), e.getMessage());
    }
}
