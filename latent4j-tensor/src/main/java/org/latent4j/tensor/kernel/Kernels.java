package org.latent4j.tensor.kernel;

/**
 * Chooses the kernel implementations once, at start-up: the Vector-API ones when the
 * {@code jdk.incubator.vector} module is readable and the preferred vector is at least 128 bits wide,
 * the scalar twins otherwise. {@code -Dlatent4j.kernels=scalar} or {@code =simd} forces a choice
 * (asking for simd without the module fails with a clear message).
 */
public final class Kernels {
    private static volatile VectorKernels vector;
    private static volatile Gemm gemm;
    private static volatile CodeSearch codeSearch;
    private static volatile CodeScan codeScan;

    static {
        String forced = System.getProperty("latent4j.kernels", "auto").trim().toLowerCase(java.util.Locale.ROOT);
        // A bad property must not kill the JVM with an initializer error: say what was wrong, use auto.
        boolean usable = vectorApiUsable();
        boolean simd = switch (forced) {
            case "scalar" -> false;
            case "simd" -> {
                if (!usable) {
                    System.err.println("latent4j: -Dlatent4j.kernels=simd, but the jdk.incubator.vector module is not available"
                            + " (run java with --add-modules jdk.incubator.vector); using the scalar kernels");
                }
                yield usable;
            }
            case "auto", "" -> usable;
            default -> {
                System.err.println("latent4j: -Dlatent4j.kernels=" + forced + " is not one of auto, scalar, simd; using auto");
                yield usable;
            }
        };
        if (simd) {
            vector = SimdSupport.vectorKernels();
            gemm = SimdSupport.gemm();
            codeSearch = SimdSupport.codeSearch();
            codeScan = SimdSupport.codeScan();
        } else {
            vector = ScalarKernels.INSTANCE;
            gemm = ScalarGemm.INSTANCE;
            codeSearch = ScalarCodeSearch.INSTANCE;
            codeScan = ScalarCodeScan.INSTANCE;
        }
    }

    private Kernels() {}

    static boolean vectorApiUsable() {
        var module = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (module.isEmpty()) return false;
        try {
            return SimdSupport.preferredBits() >= 128;
        } catch (Throwable t) {
            return false;
        }
    }

    public static VectorKernels vector() {
        return vector;
    }

    public static Gemm gemm() {
        return gemm;
    }

    /** The fused nearest-code search (see {@link CodeSearch}). */
    public static CodeSearch codeSearch() {
        return codeSearch;
    }

    /** The scans of product-quantizer codes against lookup tables (see {@link CodeScan}). */
    public static CodeScan codeScan() {
        return codeScan;
    }

    /** The Vector-API code scan, for tests and benchmarks that compare it with {@link ScalarCodeScan}. */
    public static CodeScan simdCodeScan() {
        return SimdSupport.codeScan();
    }

    /** Whether the Vector-API kernels are in use. */
    public static boolean simd() {
        return !(vector instanceof ScalarKernels);
    }

    /**
     * Replaces the kernels until the returned scope closes; for tests that run the same op under both
     * implementations. Not for concurrent use.
     */
    public static Restore use(VectorKernels v, Gemm g) {
        return use(v, g, codeSearch);
    }

    /** {@link #use(VectorKernels, Gemm)} with the code search too. */
    public static Restore use(VectorKernels v, Gemm g, CodeSearch cs) {
        return use(v, g, cs, codeScan);
    }

    /** {@link #use(VectorKernels, Gemm, CodeSearch)} with the code scan too. */
    public static Restore use(VectorKernels v, Gemm g, CodeSearch cs, CodeScan scan) {
        VectorKernels pv = vector;
        Gemm pg = gemm;
        CodeSearch pc = codeSearch;
        CodeScan ps = codeScan;
        vector = v;
        gemm = g;
        codeSearch = cs;
        codeScan = scan;
        return () -> {
            vector = pv;
            gemm = pg;
            codeSearch = pc;
            codeScan = ps;
        };
    }

    /** Every scalar implementation. */
    public static Restore useScalar() {
        return use(ScalarKernels.INSTANCE, ScalarGemm.INSTANCE, ScalarCodeSearch.INSTANCE, ScalarCodeScan.INSTANCE);
    }

    /** Every Vector-API implementation (throws when the module is absent). */
    public static Restore useSimd() {
        return use(SimdSupport.vectorKernels(), SimdSupport.gemm(), SimdSupport.codeSearch(), SimdSupport.codeScan());
    }

    /** The Vector-API code search, for tests and benchmarks that compare it with the scalar one. */
    public static CodeSearch simdCodeSearch() {
        return SimdSupport.codeSearch();
    }

    /** Restores the previous kernels on close. */
    public interface Restore extends AutoCloseable {
        @java.lang.Override
        void close();
    }

    /** Description for reports, e.g. "simd-256 / simd-gemm". */
    public static String describe() {
        return vector.name() + " kernels, " + gemm.name() + " GEMM";
    }
}
