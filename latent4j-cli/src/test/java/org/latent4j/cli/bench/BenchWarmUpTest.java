package org.latent4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The warm-up's stopping rule, on a clock and a compilation counter that the test moves: each step takes 10 ms. */
class BenchWarmUpTest {
    private static final long STEP_NANOS = 10_000_000L;

    /** Steps run by warm-up when the JIT compiles at each step until {@code compilingUntilStep} (never, if 0). */
    private static long steps(int minimumSteps, long compilingUntilStep, boolean reported) {
        AtomicLong clock = new AtomicLong(), done = new AtomicLong();
        Runnable step = () -> {
            clock.addAndGet(STEP_NANOS);
            done.incrementAndGet();
        };
        // compilation time grows by 1 ms per step while the JIT is busy
        return BenchReport.warmUp(step, minimumSteps, clock::get,
                () -> reported ? Math.min(done.get(), compilingUntilStep) : -1);
    }

    @Test
    void aQuietJitEndsTheWarmUpAtTheMinimum() {
        // 5 s of 10 ms steps; the JIT was quiet throughout
        assertEquals(500, steps(0, 0, true));
        assertEquals(800, steps(800, 0, true), "the minimum step count still holds");
    }

    @Test
    void aBusyJitExtendsItUntilOneQuietSecond() {
        // compiling until step 700 (7 s): warm-up ends 1 s (100 steps) after the last compilation
        assertEquals(800, steps(0, 700, true));
    }

    @Test
    void aJitThatNeverSettlesIsCutAtTheMaximum() {
        assertEquals(3000, steps(0, Long.MAX_VALUE, true));
    }

    @Test
    void aJvmWithoutCompilationTimesWarmsForTheMinimumOnly() {
        assertEquals(500, steps(0, Long.MAX_VALUE, false));
    }
}
