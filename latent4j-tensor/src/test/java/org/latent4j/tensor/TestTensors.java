package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;

/** Shared helpers for the engine's tests: random inputs and assertions. */
public final class TestTensors {
    private TestTensors() {}

    /** Uniform values in [lo, hi) as a gradient-requiring leaf. */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Uniform in [-1, 1), with no element closer to 0 than 0.05 (keeps kinks of relu/abs away from FD steps). */
    public static Tensor randn(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            double u = r.nextDouble() * 0.95 + 0.05;
            v[i] = (float) (r.nextBoolean() ? u : -u);
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Asserts that autodiff agrees with finite differences for f at the given inputs. */
    public static void assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
        assertGradients(GradCheck.Settings.DEFAULT, f, inputs);
    }

    public static void assertGradients(GradCheck.Settings opt, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(opt, f, inputs);
        assertTrue(r.ok(), r.toString());
        assertTrue(r.checked() > 0, "no element was checked");
    }

    public static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = tol * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed) && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))
                    && expected[i] != actual[i]) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
