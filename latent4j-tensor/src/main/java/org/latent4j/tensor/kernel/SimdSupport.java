package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;

/** The only class that {@link Kernels} reaches the Vector-API classes through, so the scalar path never loads them. */
final class SimdSupport {
    private SimdSupport() {}

    /** Whether HotSpot took the inlining directive for the kernels (see {@link CompilerHints}); installed before they load. */
    static final boolean COMPILER_HINTS = CompilerHints.install();

    private static SimdKernels kernels;
    private static SimdGemm gemm;
    private static SimdCodeSearch codeSearch;
    private static SimdCodeScan codeScan;

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    static synchronized VectorKernels vectorKernels() {
        if (kernels == null) kernels = SimdKernels.preferred();
        return kernels;
    }

    static synchronized CodeSearch codeSearch() {
        if (codeSearch == null) codeSearch = new SimdCodeSearch();
        return codeSearch;
    }

    static synchronized CodeScan codeScan() {
        if (codeScan == null) codeScan = new SimdCodeScan();
        return codeScan;
    }

    static synchronized Gemm gemm() {
        if (gemm == null) gemm = new SimdGemm();
        return gemm;
    }
}
