package org.latent4j.tensor.kernel;

import jdk.incubator.vector.FloatVector;

/** The only class that {@link Kernels} reaches the Vector-API classes through, so the scalar path never loads them. */
final class SimdSupport {
    private SimdSupport() {}

    private static SimdKernels kernels;
    private static SimdGemm gemm;

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    static synchronized VectorKernels vectorKernels() {
        if (kernels == null) kernels = SimdKernels.preferred();
        return kernels;
    }

    static synchronized Gemm gemm() {
        if (gemm == null) gemm = new SimdGemm();
        return gemm;
    }
}
