package org.latent4j.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What every benchmark shares: medians, a flat JSON object for --json, and atomic writing of it. */
final class BenchReport {
    private BenchReport() {}

    /** Median of the values (not modified). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** Steps per second of each timed round, and heap bytes allocated per step over all rounds. */
    record StepTiming(double[] rates, double bytesPerStep) {
        double median() {
            return BenchReport.median(rates);
        }
    }

    /**
     * The least warm-up, in seconds, before a timed round. A step count alone was not enough: with one
     * C2 thread (2 cores) the Vector-API kernels of a training step take seconds to compile, and a
     * batch-16 VAE run timed after 25 steps measured 200 steps/s in some JVMs and 520 in others, with
     * 0.8 MB of boxed vectors per step from code not yet compiled. After 5 s every run was at 480-700.
     */
    static final double WARMUP_SECONDS = 5;

    /**
     * After {@link #WARMUP_SECONDS}, warm-up goes on until the JIT has compiled nothing for this long (at most
     * {@link #WARMUP_MAX_SECONDS} in all). Kernels called once or a few times a step (Adam per parameter, the normal
     * draws, the likelihood's backward) reached C2 only 4.5-5 s into an IWAE run (2 cores, one other job running), and later when
     * the compiler thread shared its core: rounds timed while they still ran the Vector API's allocating fallbacks
     * were the slow ones (JFR's allocation samples of the timed steps were mostly those three kernels' boxed vectors).
     */
    static final double JIT_QUIET_SECONDS = 1;
    /** The longest warm-up waiting for a quiet JIT: a JVM that never stops compiling is timed after this. */
    static final double WARMUP_MAX_SECONDS = 30;

    /**
     * Runs {@code step} {@code warmup} times and for at least {@link #WARMUP_SECONDS}, then {@code repeat}
     * timed rounds of {@code steps} steps, metering heap allocation over the timed rounds (NaN when the
     * JVM cannot count it).
     */
    static StepTiming timeSteps(Runnable step, int warmup, int steps, int repeat) {
        warmUp(step, warmup, System::nanoTime, BenchReport::compilationMillis);
        Allocation meter = Allocation.meter();
        double[] rates = new double[repeat];
        long allocated = 0;
        for (int r = 0; r < repeat; r++) {
            long a0 = meter == null ? 0 : meter.bytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            long t1 = System.nanoTime();
            if (meter != null) allocated += meter.bytes() - a0;
            rates[r] = steps / ((t1 - t0) / 1e9);
        }
        return new StepTiming(rates, meter == null ? Double.NaN : (double) allocated / ((long) steps * repeat));
    }

    /**
     * Runs {@code step} at least {@code warmup} times and for at least {@link #WARMUP_SECONDS}, then until the JIT's
     * total compilation time has not moved for {@link #JIT_QUIET_SECONDS} (or {@link #WARMUP_MAX_SECONDS} have passed;
     * a JVM that does not report compilation time is warmed for the minimum only).
     *
     * @return the steps run
     */
    static long warmUp(Runnable step, int warmup, java.util.function.LongSupplier nanos, java.util.function.LongSupplier compileMillis) {
        long start = nanos.getAsLong();
        long minEnd = start + (long) (WARMUP_SECONDS * 1e9), maxEnd = start + (long) (WARMUP_MAX_SECONDS * 1e9);
        long quietNanos = (long) (JIT_QUIET_SECONDS * 1e9);
        long compiled = compileMillis.getAsLong(), quietSince = start, steps = 0;
        while (true) {
            step.run();
            steps++;
            long now = nanos.getAsLong(), c = compileMillis.getAsLong();
            if (c != compiled) {
                compiled = c;
                quietSince = now;
            }
            if (steps < warmup || now < minEnd) continue;
            if (compiled < 0 || now - quietSince >= quietNanos || now >= maxEnd) return steps;
        }
    }

    /** The JIT's total compilation time so far in ms, or -1 when the JVM does not report it. */
    static long compilationMillis() {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /**
     * Writes a benchmark's results (a map of names to numbers, strings, arrays, maps or records) as JSON through core's
     * one JSON path, atomically: a reader never sees half a file. Undefined numbers are written as null.
     */
    static void write(Path target, Object results) throws IOException {
        org.latent4j.core.io.Json.writeFile(target, org.latent4j.core.io.Json.toReportJson(results));
    }

    /** An insertion-ordered map of results, from alternating keys and values. */
    static Map<String, Object> results(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
