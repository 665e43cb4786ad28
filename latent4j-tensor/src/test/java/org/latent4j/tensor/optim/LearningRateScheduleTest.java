package org.latent4j.tensor.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;

class LearningRateScheduleTest {

    @Test
    void constant() {
        var s = LearningRateSchedule.constant(0.1);
        assertEquals(0.1, s.rate(0, 0));
        assertEquals(0.1, s.rate(1000, 123456));
    }

    @Test
    void stepDecayEveryThreeEpochs() {
        var s = LearningRateSchedule.step(0.1, 3, 0.5);
        double[] expected = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], s.rate(e, 0), 1e-15, "epoch " + e);
    }

    @Test
    void multiStepAtMilestones() {
        var s = LearningRateSchedule.multiStep(0.1, 0.1, 2, 5);
        double[] expected = {0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001};
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], s.rate(e, 0), 1e-15, "epoch " + e);
        assertEquals(0.001, s.rate(1000, 0), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.multiStep(0.1, 0.1, 5, 2));
        assertTrue(e.getMessage().contains("milestones"), e.getMessage());
    }

    @Test
    void exponential() {
        var s = LearningRateSchedule.exponential(0.1, 0.9);
        assertEquals(0.1, s.rate(0, 0), 1e-15);
        assertEquals(0.0729, s.rate(3, 0), 1e-15);
    }

    @Test
    void warmupCosine() {
        var s = LearningRateSchedule.warmupCosine(1.0, 0.1, 4, 14);
        double[] warm = {0.25, 0.5, 0.75, 1.0};
        for (int i = 0; i < 4; i++) assertEquals(warm[i], s.rate(0, i), 1e-15, "warm-up step " + i);
        assertEquals(1.0, s.rate(0, 4), 1e-15, "cosine starts at the peak");
        assertEquals(0.55, s.rate(0, 9), 1e-15, "half way down: the mid-point of peak and floor");
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.9)), s.rate(0, 13), 1e-15);
        assertEquals(0.1, s.rate(0, 14), 1e-15);
        assertEquals(0.1, s.rate(0, 1_000_000), 1e-15);
        for (long step = 4; step < 14; step++) assertTrue(s.rate(0, step + 1) < s.rate(0, step), "decreasing after warm-up");
        var noWarmup = LearningRateSchedule.warmupCosine(2.0, 0.0, 0, 10);
        assertEquals(2.0, noWarmup.rate(0, 0), 1e-15);
        assertEquals(1.0, noWarmup.rate(0, 5), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1.0, 0.1, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(0.1, 1.0, 1, 10));
    }

    @Test
    void stagedRunsStagesInOrderThenKeepsTheLastRate() {
        var s = LearningRateSchedule.staged(new int[] {2, 1, 3}, new double[] {0.3, 0.2, 0.1});
        double[] expected = {0.3, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1};
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], s.rate(e, 0), 0.0, "epoch " + e);
        assertEquals(6, s.totalEpochs());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.staged(new int[] {1}, new double[] {0.1, 0.2}));
        var e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.staged(new int[] {0}, new double[] {0.1}));
        assertTrue(e.getMessage().contains("epochs") && e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void iwaeScheduleIsThreeToTheIPassesAtTenToTheMinusIOverSevenThousandths() {
        var s = LearningRateSchedule.iwae();
        assertEquals(8, s.stages().size());
        assertEquals(3280, s.totalEpochs());
        // Count the passes spent at each rate by walking all epochs.
        TreeMap<Double, Integer> passes = new TreeMap<>();
        for (int e = 0; e < 3280; e++) passes.merge(s.rate(e, 0), 1, Integer::sum);
        assertEquals(8, passes.size());
        int pow3 = 1;
        for (int i = 0; i <= 7; i++, pow3 *= 3) {
            double rate = 1e-3 * Math.pow(10, -i / 7.0);
            assertEquals(pow3, passes.get(rate), "passes at stage " + i);
        }
        // Boundaries: stage i starts after (3^i - 1) / 2 passes.
        assertEquals(1e-3, s.rate(0, 0), 1e-18);
        assertEquals(1e-3 * Math.pow(10, -1 / 7.0), s.rate(1, 0), 1e-18);
        assertEquals(7.196856730011521e-4, s.rate(3, 0), 1e-15);
        assertEquals(1e-3 * Math.pow(10, -2 / 7.0), s.rate(4, 0), 1e-18);
        assertEquals(1e-3 * Math.pow(10, -6 / 7.0), s.rate(1092, 0), 1e-18);
        assertEquals(1e-4, s.rate(1093, 0), 1e-18, "the last stage is at a tenth of the first rate");
        assertEquals(1e-4, s.rate(3279, 0), 1e-18);
        assertEquals(1e-4, s.rate(5000, 0), 1e-18);
    }

    @Test
    void applySetsTheOptimizerRate() {
        Sgd sgd = new Sgd(List.of(Tensor.persistentZeros(1).requiresGrad(true)), SgdOptions.of(1.0));
        LearningRateSchedule.iwae().apply(sgd, 2000, 0);
        assertEquals(1e-4, sgd.learningRate(), 1e-18);
    }

    @Test
    void badArgumentsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1, 0, 0.5));
        assertTrue(e.getMessage().contains("everyEpochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-0.1));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1, 2, 0.5).rate(-1, 0));
    }
}
