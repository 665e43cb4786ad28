package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.ops.ActivationOps;
import org.latent4j.tensor.ops.ElementwiseOps;
import org.latent4j.tensor.parallel.Parallel;

/**
 * The element-wise, activation and reduction ops, forward and backward, on inputs large enough to be split
 * into several parallel tasks ([300, 257]: 3 element chunks, 3 row tasks): scalar kernels against Vector-API
 * kernels, and 1 thread against 2.
 */
class OpsKernelConsistencyTest {
    static final int ROWS = 300, COLS = 257;

    /** {@code sums}: the output or a gradient is a sum over a row or a broadcast dimension. */
    record Op(String name, Function<Tensor[], Tensor> f, Supplier<Tensor[]> inputs, boolean sums) {
        Op(String name, Function<Tensor[], Tensor> f, Supplier<Tensor[]> inputs) {
            this(name, f, inputs, false);
        }
    }

    static List<Op> ops() {
        Supplier<Tensor[]> general = () -> new Tensor[] {uniform(1, -5f, 5f, ROWS, COLS)};
        Supplier<Tensor[]> positive = () -> new Tensor[] {uniform(2, 0.1f, 5f, ROWS, COLS)};
        Supplier<Tensor[]> row = () -> new Tensor[] {uniform(3, -5f, 5f, ROWS, COLS), uniform(4, 0.5f, 2f, COLS)};
        Supplier<Tensor[]> column = () -> new Tensor[] {uniform(5, 0.5f, 2f, ROWS, 1), uniform(6, -5f, 5f, ROWS, COLS)};
        List<Op> ops = new ArrayList<>();
        ops.add(new Op("exp", x -> x[0].exp(), general));
        ops.add(new Op("log", x -> x[0].log(), positive));
        ops.add(new Op("log1p", x -> x[0].log1p(), positive));
        ops.add(new Op("sqrt", x -> x[0].sqrt(), positive));
        ops.add(new Op("square", x -> x[0].square(), general));
        ops.add(new Op("pow", x -> x[0].pow(2.5f), positive));
        ops.add(new Op("abs", x -> x[0].abs(), general));
        ops.add(new Op("clamp", x -> x[0].clamp(-1f, 2f), general));
        ops.add(new Op("tanh", x -> x[0].tanh(), general));
        ops.add(new Op("sigmoid", x -> x[0].sigmoid(), general));
        ops.add(new Op("relu", x -> x[0].relu(), general));
        ops.add(new Op("leakyRelu", x -> x[0].leakyRelu(0.1f), general));
        ops.add(new Op("elu", x -> x[0].elu(1.2f), general));
        ops.add(new Op("selu", x -> x[0].selu(), general));
        ops.add(new Op("gelu", x -> x[0].gelu(), general));
        ops.add(new Op("softplus", x -> x[0].softplus(), general));
        ops.add(new Op("erf", x -> ActivationOps.erf(x[0]), general));
        ops.add(new Op("add row", x -> x[0].add(x[1]), row, true));
        ops.add(new Op("sub column first", x -> x[0].sub(x[1]), column, true));
        ops.add(new Op("div column", x -> x[1].div(x[0]), column, true));
        ops.add(new Op("mul row first", x -> x[1].mul(x[0]), row, true));
        ops.add(new Op("where", x -> ElementwiseOps.where(ElementwiseOps.greater(x[0], Tensor.scalar(0f)), x[0].exp(), x[1]), row, true));
        ops.add(new Op("max last", x -> x[0].max(-1, false), general));
        ops.add(new Op("max first", x -> x[0].max(0, true), general));
        ops.add(new Op("logSumExp last", x -> x[0].logSumExp(-1, false), general, true));
        ops.add(new Op("logSumExp first", x -> x[0].logSumExp(0, false), general, true));
        ops.add(new Op("softmax last", x -> x[0].softmax(-1), general, true));
        ops.add(new Op("softmax first", x -> x[0].softmax(0), general, true));
        ops.add(new Op("logSoftmax last", x -> x[0].logSoftmax(-1), general, true));
        ops.add(new Op("logSoftmax first", x -> x[0].logSoftmax(0), general, true));
        return ops;
    }

    /** The op's output followed by the gradients of its inputs for a fixed upstream gradient. */
    static float[] run(Op op) {
        Tensor[] in = op.inputs().get();
        Tensor out = op.f().apply(in);
        Tensor upstream = uniform(77, -1f, 1f, out.shape());
        out.backward(upstream);
        float[] o = out.toArray();
        List<float[]> parts = new ArrayList<>(List.of(o));
        for (Tensor t : in) parts.add(t.grad().toArray());
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void scalarAndSimdKernelsAgree() {
        double worstAll = 0;
        for (Op op : ops()) {
            float[] scalar, simd;
            try (var k = Kernels.useScalar()) {
                scalar = run(op);
            }
            try (var k = Kernels.useSimd()) {
                simd = run(op);
            }
            // Element-wise kernels differ by at most 6 ulp (4e-7 relative, KernelAccuracyTest), so 1e-5 of
            // max(1, |value|) leaves room yet catches any real kernel error. A sum of 257-300 terms accumulated in
            // another order differs by up to n 2^-24 sum|terms|, which can be large next to a sum that cancels: for
            // ops with sums the scale is the largest magnitude in the result instead.
            float scale = 1;
            if (op.sums()) for (float v : scalar) if (Float.isFinite(v)) scale = Math.max(scale, Math.abs(v));
            double worst = 0;
            for (int i = 0; i < scalar.length; i++) {
                double d = Math.abs(scalar[i] - simd[i]) / Math.max(scale, Math.abs(scalar[i]));
                if (!(d <= 1e-5) && !(Float.isNaN(scalar[i]) && Float.isNaN(simd[i]))) {
                    fail(op.name() + ": element " + i + " scalar " + scalar[i] + " vs simd " + simd[i]);
                }
                worst = Math.max(worst, d);
            }
            worstAll = Math.max(worstAll, worst);
        }
        System.out.printf("largest scalar/simd difference over all ops: %.3g (relative to the scale)%n", worstAll);
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int saved = Parallel.threads();
        try {
            for (Op op : ops()) {
                Parallel.setThreads(1);
                float[] one = run(op);
                Parallel.setThreads(2);
                float[] two = run(op);
                for (int i = 0; i < one.length; i++) {
                    if (Float.floatToIntBits(one[i]) != Float.floatToIntBits(two[i])) {
                        fail(op.name() + ": element " + i + " differs between 1 and 2 threads: " + one[i] + " vs " + two[i]);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
