package org.latent4j.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.latent4j.cli.Arguments;
import org.latent4j.cli.UsageException;
import org.latent4j.compress.CodeIndex;
import org.latent4j.compress.Metric;
import org.latent4j.compress.search.LookupTableScan;
import org.latent4j.compress.search.LookupTables;
import org.latent4j.compress.search.PqFastScanIndex;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.kernel.CodeScan;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.kernel.ScalarCodeScan;
import org.latent4j.tensor.parallel.Parallel;

/**
 * {@code latent4j bench adc}: queries per second of the exhaustive asymmetric (ADC) search over n random codes,
 * top 10 per query, for m sub-spaces: the exact byte-code table scan (8-bit PQ, 256 entries per sub-space), the
 * 8-bit fast scan (the same codes, quantized tables, 4 candidates per result re-scored exactly) and the 4-bit fast
 * scan (16 entries, likewise), each on the chosen kernels and on the scalar twin. Each query's table is built from the query (m * ksub pseudo-random entries, as
 * cheap as a table can be), so the figures are the scan's, not a quantizer's table building.
 */
final class AdcBench {
    private AdcBench() {}

    static final String NAME = "bench adc";
    static final String HELP = """
            usage: latent4j bench adc [--n 60000] [--m 8,16,32,64] [--queries 1000] [--k 10] [--threads N] [--repeat 5] [--json FILE]
              Queries/s of the exact 8-bit table scan and the 8-bit and 4-bit fast scans over n random codes of m sub-spaces, searched
              in batches of --queries queries (top k each), on the chosen kernels and on the scalar twin; median of
              --repeat timed runs after a warm-up.
            """;
    private static final double WARMUP_SECONDS = 2, RUN_SECONDS = 0.3;

    /** A synthetic query table: entry (j, c) a hash of the query's value j and c, in [0, 1). */
    private record SyntheticTables(int subspaces, int ksub) implements LookupTables {
        @Override
        public int dimension() {
            return subspaces;
        }

        @Override
        public float build(float[] q, int off, float[] lut) {
            for (int j = 0; j < subspaces; j++) {
                int h = Float.floatToIntBits(q[off + j]) * 0x9E3779B9;
                for (int c = 0; c < ksub; c++) {
                    h = h * 0x2C1B3C6D + 0x297A2D39;
                    lut[j * ksub + c] = (h >>> 8) * 0x1p-24f;
                }
            }
            return 0f;
        }
    }

    record Result(int m, String scan, String kernel, double queriesPerSecond, double queriesPerCpuSecond, double[] runs) {}

    /** The process's CPU time in nanoseconds, or -1 where the JVM does not tell. */
    private static long cpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static int run(String[] args) throws IOException {
        Arguments o = Arguments.parse(NAME, args, Set.of(), Set.of("n", "m", "queries", "k", "threads", "repeat", "json"));
        if (!o.positional().isEmpty()) throw new UsageException(NAME + ": unexpected argument '" + o.positional().get(0) + "'");
        int n = o.integer("n", 60000, 1, 1 << 26);
        int[] ms = o.integers("m", new int[] {8, 16, 32, 64}, 1, 1024);
        int nq = o.integer("queries", 1000, 1, 1 << 20);
        int k = o.integer("k", 10, 1, 100000);
        int threads = o.integer("threads", Parallel.threads(), 1, 1024);
        int repeat = o.integer("repeat", 5, 1, 1000);
        Path json = o.has("json") ? Path.of(o.string("json", "")) : null;
        CodeScan fast = Kernels.codeScan();
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        List<Result> results = new ArrayList<>();
        try {
            System.out.printf(Locale.ROOT, "ADC search, n = %d codes, %d queries per batch, top %d, %d thread%s, Java %s; median of %d timed runs%n",
                    n, nq, k, threads, threads == 1 ? "" : "s", Runtime.version(), repeat);
            System.out.printf(Locale.ROOT, "kernels: %s; twin: %s%n", fast.name(), ScalarCodeScan.INSTANCE.name());
            System.out.printf(Locale.ROOT, "%4s %-12s %-8s %12s %12s %14s %21s%n", "m", "scan", "kernels", "queries/s", "codes/s", "queries/CPU-s",
                    "(queries/s min .. max)");
            SplittableRandom r = new SplittableRandom(42);
            float[] q = new float[Math.multiplyExact(nq, 1024)];
            for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
            for (int m : ms) {
                byte[] codes8 = new byte[Math.multiplyExact(n, m)];
                byte[] codes4 = new byte[Math.multiplyExact(n, (m + 1) / 2)];
                fill(r, codes8, 0xFF);
                fill(r, codes4, 0xFF);
                Tensor queries = Tensor.wrap(java.util.Arrays.copyOf(q, nq * m), nq, m);
                CodeIndex lut8 = new LookupTableScan(new SyntheticTables(m, 256), codes8, m, n, Metric.L2);
                CodeIndex fast8 = new PqFastScanIndex(new SyntheticTables(m, 256), codes8, n, Metric.L2);
                CodeIndex pq4 = new PqFastScanIndex(new SyntheticTables(m, 16), codes4, n, Metric.L2);
                for (String scan : new String[] {"8-bit exact", "8-bit fast", "4-bit fast"}) {
                    CodeIndex index = switch (scan) {
                        case "8-bit exact" -> lut8;
                        case "8-bit fast" -> fast8;
                        default -> pq4;
                    };
                    for (boolean twin : new boolean[] {false, true}) {
                        Kernels.Restore use = twin ? Kernels.use(Kernels.vector(), Kernels.gemm(), Kernels.codeSearch(), ScalarCodeScan.INSTANCE) : () -> {};
                        try (use) {
                            double[] cpu = new double[1];
                            double[] runs = time(index, queries, k, repeat, cpu);
                            double med = BenchReport.median(runs);
                            String kernel = twin ? "scalar" : "chosen";
                            results.add(new Result(m, scan, kernel, med, cpu[0], runs));
                            System.out.printf(Locale.ROOT, "%4d %-12s %-8s %12.0f %12.3g %14.0f   (%.0f .. %.0f)%n", m, scan, kernel, med, med * n,
                                    cpu[0], min(runs), max(runs));
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        if (json != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Result x : results) {
                rows.add(BenchReport.results("m", x.m(), "scan", x.scan(), "kernels", x.kernel(), "queries_per_s", x.queriesPerSecond(),
                        "queries_per_cpu_s", x.queriesPerCpuSecond(), "runs", x.runs()));
            }
            BenchReport.write(json, BenchReport.results("benchmark", "adc", "n", n, "queries", nq, "k", k, "threads", threads, "code_scan", fast.name(),
                    "java", Runtime.version().toString(), "repeat", repeat, "results", rows));
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private static void fill(SplittableRandom r, byte[] b, int mask) {
        for (int i = 0; i < b.length; i++) b[i] = (byte) (r.nextInt() & mask);
    }

    /**
     * Queries/s of {@code repeat} timed runs of about {@link #RUN_SECONDS}, after {@link #WARMUP_SECONDS} of
     * searching; {@code cpu[0]} gets the queries per CPU-second over all of them (NaN when unknown).
     */
    private static double[] time(CodeIndex index, Tensor queries, int k, int repeat, double[] cpu) {
        long start = System.nanoTime();
        int calls = 0;
        do {
            index.search(queries, k);
            calls++;
        } while (System.nanoTime() - start < WARMUP_SECONDS * 1e9);
        // calibrated on the last warm-up call, which ran compiled code
        long t0 = System.nanoTime();
        index.search(queries, k);
        double perCall = (System.nanoTime() - t0) / 1e9;
        int inner = (int) Math.max(1, Math.round(RUN_SECONDS / perCall));
        double[] runs = new double[repeat];
        long c0 = cpuNanos();
        for (int rep = 0; rep < repeat; rep++) {
            long a = System.nanoTime();
            for (int i = 0; i < inner; i++) index.search(queries, k);
            runs[rep] = (double) queries.dim(0) * inner / ((System.nanoTime() - a) / 1e9);
        }
        long c1 = cpuNanos();
        cpu[0] = c0 < 0 || c1 <= c0 ? Double.NaN : (double) queries.dim(0) * inner * repeat / ((c1 - c0) / 1e9);
        return runs;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
