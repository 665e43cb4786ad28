package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.io.Json;

class TrainerOptionsTest {
    @Test
    void badValuesAreNamed() {
        TrainerOptions d = TrainerOptions.defaults();
        assertMessage(() -> d.withEpochs(0), "epochs must be at least 1, got 0");
        assertMessage(() -> d.withBatchSize(-2), "batchSize must be at least 1, got -2");
        assertMessage(() -> d.withValidationFraction(1), "validationFraction must be in [0, 1), got 1.0");
        assertMessage(() -> d.withEarlyStoppingPatience(-1), "earlyStoppingPatience");
        assertMessage(() -> d.withCheckpointEveryMinutes(Double.NaN), "checkpointEveryMinutes");
        assertMessage(() -> d.withGradientClipNorm(-1), "gradientClipNorm");
        assertMessage(() -> d.withBinarization(null), "binarization");
    }

    private static void assertMessage(Runnable r, String part) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith("TrainerOptions: ") && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void theIwaePresetFollowsThePaper() {
        TrainerOptions o = TrainerOptions.iwaePaper();
        assertEquals(3280, o.epochs());
        assertEquals(20, o.batchSize());
        assertEquals(1e-4, o.optimizer().eps());
        assertEquals(OptimizerSettings.Algorithm.ADAM, o.optimizer().algorithm());
        assertEquals(Binarization.DYNAMIC, o.binarization());
        assertEquals(1e-3 * Math.pow(10, -1 / 7.0), o.schedule().rate(1, 0), 1e-15);
        Json.Cursor c = Json.at(o.toJson(), "options");
        assertEquals("Staged", c.get("schedule").get("type").asString());
        assertEquals(8, c.get("schedule").get("stages").size());
        assertEquals("DYNAMIC", c.get("binarization").asString());
    }

    @Test
    void aCustomScheduleIsDescribed() {
        TrainerOptions o = TrainerOptions.defaults().withSchedule((epoch, step) -> 0.5);
        assertEquals("custom", Json.at(o.toJson(), "options").get("schedule").get("type").asString());
    }
}
