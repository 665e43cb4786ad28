package org.latent4j.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.tensor.kernel.Gemm;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@code latent4j bench gemm}: GFLOPS of the engine's GEMM on square sizes (NN, NT, TN) and on the
 * shapes of training a 784-512-256 MLP on batches of 128 (forward NN, input gradient NT, weight gradient
 * TN), plus a small one. Each case is warmed up, then timed {@code --repeat} times; the median is reported.
 */
final class GemmBench {
    private GemmBench() {}

    static final String NAME = "bench gemm";
    private static final int[] DEFAULT_SIZES = {256, 512, 1024, 2048};
    private static final double WARMUP_SECONDS = 0.25, RUN_SECONDS = 0.08;

    /** One product to time: op(A) is m x k, op(B) is k x n. */
    record Case(String name, String op, int m, int n, int k) {
        boolean transA() {
            return op.charAt(0) == 'T';
        }

        boolean transB() {
            return op.charAt(1) == 'T';
        }

        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** The MLP shapes: layer 784 -> 512 -> 256 on a batch of 128, and a small 20 x 784 -> 200 product. */
    static List<Case> skinnyCases() {
        return List.of(
                new Case("mlp 128x784 . 784x512", "NN", 128, 512, 784),
                new Case("mlp 128x512 . (784x512)^T", "NT", 128, 784, 512),
                new Case("mlp (128x784)^T . 128x512", "TN", 784, 512, 128),
                new Case("mlp 128x512 . 512x256", "NN", 128, 256, 512),
                new Case("mlp 128x256 . (512x256)^T", "NT", 128, 512, 256),
                new Case("mlp (128x512)^T . 128x256", "TN", 512, 256, 128),
                new Case("small 20x784 . 784x200", "NN", 20, 200, 784));
    }

    /** The IWAE decoder's products (784-200-200-50, k = 50 samples of a batch of 20: 1000 rows), forward and backward. */
    static List<Case> iwaeCases() {
        return List.of(
                new Case("iwae 1000x50 . 50x200", "NN", 1000, 200, 50),
                new Case("iwae 1000x200 . 200x200", "NN", 1000, 200, 200),
                new Case("iwae 1000x200 . 200x784", "NN", 1000, 784, 200),
                new Case("iwae 1000x784 . (200x784)^T", "NT", 1000, 200, 784),
                new Case("iwae (1000x200)^T . 1000x784", "TN", 200, 784, 1000),
                new Case("iwae 1000x200 . (200x200)^T", "NT", 1000, 200, 200),
                new Case("iwae (1000x200)^T . 1000x200", "TN", 200, 200, 1000),
                new Case("iwae 1000x200 . (50x200)^T", "NT", 1000, 50, 200),
                new Case("iwae (1000x50)^T . 1000x200", "TN", 50, 200, 1000));
    }

    static List<Case> squareCases(int[] sizes) {
        List<Case> cases = new ArrayList<>();
        for (int s : sizes) {
            for (String op : new String[] {"NN", "NT", "TN"}) cases.add(new Case("square " + s, op, s, s, s));
        }
        return cases;
    }

    static int run(String[] args) throws IOException {
        Arguments o = Arguments.parse(NAME, args, Set.of("serve"), Set.of("sizes", "threads", "shapes", "json", "repeat"));
        if (!o.positional().isEmpty()) throw new UsageException(NAME + ": unexpected argument '" + o.positional().get(0) + "'");
        int[] sizes = o.integers("sizes", DEFAULT_SIZES, 1, 8192);
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int repeat = o.integer("repeat", 5, 1, 1000);
        boolean square = false, skinny = false, iwae = false;
        for (String s : o.string("shapes", "square,skinny").split(",")) {
            switch (s.trim()) {
                case "square" -> square = true;
                case "skinny" -> skinny = true;
                case "iwae" -> iwae = true;
                default -> throw new UsageException(NAME + ": --shapes takes square, skinny and/or iwae, got '" + s.trim() + "'");
            }
        }
        Path json = o.has("json") ? Path.of(o.string("json", "")) : null;

        List<Case> cases = new ArrayList<>();
        if (square) cases.addAll(squareCases(sizes));
        if (skinny) cases.addAll(skinnyCases());
        if (iwae) cases.addAll(iwaeCases());
        if (o.has("serve") && json != null) throw new UsageException(NAME + ": --serve answers on stdout and takes no --json");

        int savedThreads = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            if (o.has("serve")) return serve(threads, cases);
            Gemm gemm = Kernels.gemm();
            String header = String.format(Locale.ROOT, "GEMM %s (%s), %d thread%s, Java %s; median of %d timed runs after warm-up",
                    gemm.name(), Kernels.describe(), threads, threads == 1 ? "" : "s", Runtime.version(), repeat);
            System.out.println(header);
            System.out.printf(Locale.ROOT, "%-28s %2s %5s %5s %5s %9s %17s%n", "shape", "op", "m", "n", "k", "GFLOPS", "(min .. max)");
            warmUp(gemm);
            List<double[]> results = new ArrayList<>();
            for (Case c : cases) {
                double[] runs = time(gemm, c, repeat);
                results.add(runs);
                System.out.printf(Locale.ROOT, "%-28s %2s %5d %5d %5d %9.1f   (%6.1f .. %6.1f)%n", c.name(), c.op(), c.m(), c.n(), c.k(),
                        BenchReport.median(runs), runs[0], runs[runs.length - 1]);
            }
            if (json != null) {
                BenchReport.write(json, toJson(gemm, threads, repeat, cases, results));
                System.out.println("wrote " + json);
            }
        } finally {
            Parallel.setThreads(savedThreads);
        }
        return 0;
    }

    /**
     * {@code --serve}: times one run of a product per request, for a driver that alternates these runs
     * with its own (bench/gemm-vs-openblas.sh), so that both sides of a ratio see the same state of a
     * shared machine. Requests on stdin are "OP m n k" lines (e.g. "NT 512 512 512"); each is answered
     * with one line, the GFLOPS of a run of about {@link #RUN_SECONDS}, or "error: ..." for a bad request.
     * A shape is warmed up and calibrated on its first request. Ends at end of input or "quit".
     * It starts by listing the cases of --sizes and --shapes, one "case OP m n k NAME" line each, then
     * "ready ...": the driver takes its shapes from there.
     */
    /** Largest operand a --serve request may ask for (1 GB of floats; array indices are ints anyway). */
    private static final long MAX_SERVED_FLOATS = 1L << 28;

    private static int serve(int threads, List<Case> cases) throws IOException {
        Gemm gemm = Kernels.gemm();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        warmUp(gemm);
        for (Case c : cases) System.out.printf(Locale.ROOT, "case %s %d %d %d %s%n", c.op(), c.m(), c.n(), c.k(), c.name());
        System.out.println("ready " + gemm.name() + ", " + threads + " thread" + (threads == 1 ? "" : "s") + ", Java " + Runtime.version());
        System.out.flush();
        java.util.Map<Case, Timer> timers = new java.util.HashMap<>();
        for (String line; (line = in.readLine()) != null && !line.trim().equals("quit"); ) {
            String[] f = line.trim().split("\\s+");
            String answer;
            try {
                if (f.length != 4 || !f[0].matches("[NT][NT]")) throw new NumberFormatException();
                Case c = new Case("", f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                if (c.m() < 1 || c.n() < 1 || c.k() < 1) throw new NumberFormatException();
                long largest = Math.max((long) c.m() * c.k(), Math.max((long) c.k() * c.n(), (long) c.m() * c.n()));
                if (largest > MAX_SERVED_FLOATS) {
                    answer = "error: " + line.trim() + " needs an operand of " + largest + " floats; at most " + MAX_SERVED_FLOATS + " are served";
                } else {
                    answer = String.format(Locale.ROOT, "%.3f", timers.computeIfAbsent(c, x -> new Timer(gemm, x)).run());
                }
            } catch (NumberFormatException e) {
                answer = "error: expected 'OP m n k' with OP one of NN, NT, TN, TT and positive sizes, got '" + line.trim() + "'";
            } catch (OutOfMemoryError e) {
                answer = "error: the operands of " + line.trim() + " do not fit in this JVM's heap (-Xmx)";
            }
            System.out.println(answer);
            System.out.flush();
        }
        return 0;
    }

    /** One case's operands and its calibrated number of calls per timed run. */
    private static final class Timer {
        final Gemm gemm;
        final Case c;
        final float[] a, b, out;
        final int lda, ldb, inner;

        Timer(Gemm gemm, Case c) {
            this.gemm = gemm;
            this.c = c;
            SplittableRandom r = new SplittableRandom(42);
            a = random(r, c.m() * c.k());
            b = random(r, c.k() * c.n());
            out = new float[c.m() * c.n()];
            lda = c.transA() ? c.m() : c.k();
            ldb = c.transB() ? c.k() : c.n();
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
            gemm.sgemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), 1f, a, 0, lda, b, 0, ldb, 0f, out, 0, c.n());
        }

        /** GFLOPS of one timed run. */
        double run() {
            long t0 = System.nanoTime();
            for (int j = 0; j < inner; j++) call();
            return c.flops() * inner / (System.nanoTime() - t0);
        }
    }

    /**
     * Runs every transpose case and an edge-heavy shape for a while before the first measurement, so
     * that the JIT has compiled the kernels and packing loops by then (per-case warm-up alone is too
     * short for that on a busy machine).
     */
    static void warmUp(Gemm gemm) {
        long start = System.nanoTime();
        List<Case> warm = List.of(new Case("", "NN", 192, 200, 300), new Case("", "NT", 200, 192, 300),
                new Case("", "TN", 192, 192, 300), new Case("", "TT", 61, 67, 71));
        while (System.nanoTime() - start < WARMUP_SECONDS * 4e9) {
            for (Case c : warm) time(gemm, c, 1);
        }
    }

    /** GFLOPS of each timed run, sorted. */
    static double[] time(Gemm gemm, Case c, int repeat) {
        Timer t = new Timer(gemm, c);
        double[] gflops = new double[repeat];
        for (int i = 0; i < repeat; i++) gflops[i] = t.run();
        Arrays.sort(gflops);
        return gflops;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static Map<String, Object> toJson(Gemm gemm, int threads, int repeat, List<Case> cases, List<double[]> results) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            rows.add(BenchReport.results("name", c.name(), "op", c.op(), "m", c.m(), "n", c.n(), "k", c.k(), "gflops", BenchReport.median(results.get(i)),
                    "runs", results.get(i)));
        }
        return BenchReport.results("benchmark", "gemm", "gemm", gemm.name(), "kernels", Kernels.describe(), "java", Runtime.version().toString(),
                "threads", threads, "repeat", repeat, "results", rows);
    }
}
