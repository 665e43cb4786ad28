package org.latent4j.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.ops.QuantOps;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@code latent4j bench nearest-code}: vectors per second of {@link QuantOps#nearestCodesInto}, the fused
 * nearest-code search, for codebooks of --codes codes of --d dimensions (Gaussian data). Each timed call
 * does what a vector quantizer does per batch: the code norms, the search, and each chosen code's distance.
 * With --serve it answers requests from bench/nearest-code-vs-faiss.sh, which alternates its runs with
 * FAISS's.
 */
final class NearestCodeBench {
    private NearestCodeBench() {}

    static final String NAME = "bench nearest-code";
    static final String HELP = """
            usage: latent4j bench nearest-code [--d 64] [--codes 256,1024,4096,16384,65536] [--threads N] [--repeat 5] [--json FILE]
                   latent4j bench nearest-code --serve [--d 64] [--codes ...] [--threads N]
              Vectors/s (and GFLOPS, 2 n K d flops a call) of the nearest-code search over n vectors, n = 2^31 / (K d)
              (at least 64), so a call is the same work for every K, and heap bytes allocated per call. --serve
              answers each "d K n" line on stdin with the vectors/s of one timed run.
            """;
    private static final int[] DEFAULT_CODES = {256, 1024, 4096, 16384, 65536};
    private static final double WARMUP_SECONDS = 0.25, RUN_SECONDS = 0.1;
    /** Multiply-adds of one call in the table and the default shapes of --serve. */
    static final long CALL_FMAS = 1L << 31;
    /** Largest operand a --serve request may ask for (floats). */
    private static final long MAX_SERVED_FLOATS = 1L << 28;

    /** One shape: n vectors of d dimensions against k codes. */
    record Case(int d, int k, int n) {
        double flops() {
            return 2.0 * n * k * d;
        }
    }

    static int rowsFor(int k, int d) {
        return (int) Math.max(64, Math.min(1 << 22, CALL_FMAS / ((long) k * d)));
    }

    static int run(String[] args) throws IOException {
        Arguments o = Arguments.parse(NAME, args, Set.of("serve"), Set.of("d", "codes", "threads", "repeat", "json"));
        if (!o.positional().isEmpty()) throw new UsageException(NAME + ": unexpected argument '" + o.positional().get(0) + "'");
        int d = o.integer("d", 64, 1, 4096);
        int[] codes = o.integers("codes", DEFAULT_CODES, 1, 1 << 22);
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int repeat = o.integer("repeat", 5, 1, 1000);
        Path json = o.has("json") ? Path.of(o.string("json", "")) : null;
        if (o.has("serve") && json != null) throw new UsageException(NAME + ": --serve answers on stdout and takes no --json");
        List<Case> cases = new ArrayList<>();
        for (int k : codes) cases.add(new Case(d, k, rowsFor(k, d)));

        int savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            if (o.has("serve")) return serve(threads, cases);
            System.out.printf(Locale.ROOT, "nearest-code search (%s), %d thread%s, Java %s; median of %d timed runs after warm-up%n",
                    Kernels.codeSearch().name(), threads, threads == 1 ? "" : "s", Runtime.version(), repeat);
            System.out.printf(Locale.ROOT, "%5s %7s %8s %14s %9s %10s %21s%n", "d", "K", "n", "vectors/s", "GFLOPS", "heap B/call", "(vectors/s min .. max)");
            warmUp();
            Allocation meter = Allocation.meter();
            List<double[]> results = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (Case c : cases) {
                Timer t = new Timer(c);
                double[] runs = new double[repeat];
                long a0 = meter == null ? 0 : meter.bytes();
                for (int i = 0; i < repeat; i++) runs[i] = t.run();
                // the timed calls only: the pool's threads are those the meter saw after the warm-up
                double perCall = meter == null ? Double.NaN : (double) (meter.bytes() - a0) / ((long) repeat * t.inner);
                Arrays.sort(runs);
                results.add(runs);
                bytes.add(perCall);
                double med = BenchReport.median(runs);
                System.out.printf(Locale.ROOT, "%5d %7d %8d %14.0f %9.1f %10.0f   (%.0f .. %.0f)%n", c.d(), c.k(), c.n(), med,
                        med * 2.0 * c.k() * c.d() / 1e9, perCall, runs[0], runs[runs.length - 1]);
            }
            if (json != null) {
                BenchReport.write(json, toJson(threads, repeat, cases, results, bytes));
                System.out.println("wrote " + json);
            }
        } finally {
            Parallel.setThreads(savedThreads);
        }
        return 0;
    }

    /**
     * {@code --serve}: lists its cases ("case d K n" lines), says "ready ...", then answers each "d K n"
     * request with the vectors/s of one timed run of about {@link #RUN_SECONDS} (the shape is warmed up
     * and calibrated on its first request), or with one "error: ..." line. Ends at end of input or "quit".
     */
    private static int serve(int threads, List<Case> cases) throws IOException {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        warmUp();
        for (Case c : cases) System.out.printf(Locale.ROOT, "case %d %d %d%n", c.d(), c.k(), c.n());
        System.out.println("ready " + Kernels.codeSearch().name() + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", Java " + Runtime.version());
        System.out.flush();
        java.util.Map<Case, Timer> timers = new java.util.HashMap<>();
        for (String line; (line = in.readLine()) != null && !line.trim().equals("quit"); ) {
            String[] f = line.trim().split("\\s+");
            String answer;
            try {
                if (f.length != 3) throw new NumberFormatException();
                Case c = new Case(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
                if (c.d() < 1 || c.k() < 1 || c.n() < 1) throw new NumberFormatException();
                long largest = Math.max((long) c.n() * c.d(), (long) c.k() * c.d());
                if (largest > MAX_SERVED_FLOATS) {
                    answer = "error: " + line.trim() + " needs an operand of " + largest + " floats; at most " + MAX_SERVED_FLOATS + " are served";
                } else {
                    answer = String.format(Locale.ROOT, "%.1f", timers.computeIfAbsent(c, Timer::new).run());
                }
            } catch (NumberFormatException e) {
                answer = "error: expected 'd K n' with three positive sizes, got '" + line.trim() + "'";
            } catch (OutOfMemoryError e) {
                answer = "error: the operands of " + line.trim() + " do not fit in this JVM's heap (-Xmx)";
            }
            System.out.println(answer);
            System.out.flush();
        }
        return 0;
    }

    /** One shape's data, output arrays and calibrated number of calls per timed run. */
    private static final class Timer {
        final Case c;
        final Tensor x, codebook;
        final int[] indices;
        final float[] distances;
        final Workspace ws = new Workspace();
        final int inner;

        Timer(Case c) {
            this.c = c;
            SplittableRandom r = new SplittableRandom(42);
            x = Tensor.wrap(gaussian(r, c.n() * c.d()), c.n(), c.d());
            codebook = Tensor.wrap(gaussian(r, c.k() * c.d()), c.k(), c.d());
            indices = new int[c.n()];
            distances = new float[c.n()];
            long start = System.nanoTime();
            int calls = 0;
            do {
                call();
                calls++;
            } while (calls < 2 || System.nanoTime() - start < WARMUP_SECONDS * 1e9);
            double perCall = (System.nanoTime() - start) / 1e9 / calls;
            inner = (int) Math.max(1, Math.min(1_000_000, Math.round(RUN_SECONDS / perCall)));
        }

        void call() {
            try (var scope = ws.open()) {
                QuantOps.nearestCodesInto(x, codebook, QuantOps.codeNorms(codebook), indices, distances);
            }
        }

        /** Vectors per second of one timed run. */
        double run() {
            long t0 = System.nanoTime();
            for (int j = 0; j < inner; j++) call();
            return (double) c.n() * inner / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Runs small searches of every kernel path (full and half panels, code edges) until the JIT has compiled them. */
    private static void warmUp() {
        long start = System.nanoTime();
        List<Timer> warm = new ArrayList<>();
        for (Case c : List.of(new Case(64, 263, 1000), new Case(17, 1000, 45), new Case(64, 4096, 70))) warm.add(new Timer(c));
        while (System.nanoTime() - start < WARMUP_SECONDS * 4e9) {
            for (Timer t : warm) t.call();
        }
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    private static Map<String, Object> toJson(int threads, int repeat, List<Case> cases, List<double[]> results, List<Double> bytes) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            double med = BenchReport.median(results.get(i));
            rows.add(BenchReport.results("d", c.d(), "codes", c.k(), "n", c.n(), "vectors_per_s", med, "gflops", med * 2.0 * c.k() * c.d() / 1e9,
                    "heap_bytes_per_call", bytes.get(i), "runs", results.get(i)));
        }
        return BenchReport.results("benchmark", "nearest-code", "code_search", Kernels.codeSearch().name(), "java", Runtime.version().toString(),
                "threads", threads, "repeat", repeat, "results", rows);
    }
}
