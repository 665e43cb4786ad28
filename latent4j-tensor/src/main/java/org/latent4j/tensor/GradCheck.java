package org.latent4j.tensor;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks the gradients recorded by autodiff against finite differences.
 *
 * <p>The function's output is projected on fixed random weights w, L = sum(w * f(x)), accumulated in
 * double. The analytic gradient is what {@code backward(w)} leaves in the inputs' {@code grad}; the numeric
 * one is the fourth-order central difference
 * (8(L(x+h) - L(x-h)) - (L(x+2h) - L(x-2h))) / 12h with h a power of two (so x +- h is exact in float),
 * whose truncation error is O(h^4), which allows a step large enough to swamp float32 rounding of f.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Outcome of a check: the worst element and whether every element was within tolerance.
     *
     * @param ok whether every element was within tolerance
     * @param worstError the worst element's absolute error |analytic - numeric|
     * @param analytic the worst element's gradient from autodiff
     * @param numeric the worst element's central difference
     * @param input the index of the worst element's input
     * @param element the worst element's index within that input
     * @param checked how many elements were probed
     */
    public record Result(boolean ok, double worstError, double analytic, double numeric, int input, int element, int checked) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s: worst at input %d element %d: analytic %.6g vs numeric %.6g (error %.3g; %d elements checked)",
                    ok ? "ok" : "MISMATCH", input, element, analytic, numeric, worstError, checked);
        }
    }

    /**
     * Settings: relative step {@code h} (scaled by |x|), tolerances, and how many elements per input to probe.
     *
     * @param relStep the step h relative to max(|x|, 1), rounded down to a power of two
     * @param rtol the relative tolerance
     * @param atol the absolute tolerance
     * @param maxElementsPerInput how many elements of each input to probe, drawn at random when there are more
     * @param seed the seed of that draw and of the random weights that project the output to a scalar
     */
    public record Settings(double relStep, double rtol, double atol, int maxElementsPerInput, long seed) {
        public static final Settings DEFAULT = new Settings(1.0 / 256, 2e-2, 2e-3, 48, 7L);

        /**
         * {@return these settings with other tolerances}
         *
         * @param rtol the relative tolerance
         * @param atol the absolute tolerance
         */
        public Settings withTolerance(double rtol, double atol) {
            return new Settings(relStep, rtol, atol, maxElementsPerInput, seed);
        }

        /**
         * {@return these settings with another step}
         *
         * @param relStep the step relative to max(|x|, 1)
         */
        public Settings withStep(double relStep) {
            return new Settings(relStep, rtol, atol, maxElementsPerInput, seed);
        }
    }

    /**
     * {@return the check of {@code f} under {@link Settings#DEFAULT}}
     *
     * @param f the function, whose output is projected to a scalar on random weights
     * @param inputs the inputs, contiguous leaves
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(Settings.DEFAULT, f, inputs);
    }

    /**
     * Checks every input that requires a gradient. Inputs must be contiguous leaves; they are
     * perturbed in place and restored.
     *
     * @param opt the step, tolerances and sampling
     * @param f the function, whose output is projected to a scalar on random weights
     * @param inputs the inputs, contiguous leaves
     * @return the worst element and whether all passed
     */
    public static Result check(Settings opt, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.clearGrad();
            if (!t.isContiguous() || !t.isLeaf()) throw new IllegalArgumentException("gradcheck inputs must be contiguous leaves");
        }
        Tensor out = f.apply(inputs);
        SplittableRandom rnd = new SplittableRandom(opt.seed());
        float[] w = new float[out.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rnd.nextDouble() * 2 - 1);
        Tensor wt = Tensor.of(w, out.shape());
        out.backward(wt);

        double scale = 0;
        double worst = -1;
        Result worstResult = null;
        boolean ok = true;
        int checked = 0;
        double[] numerics = new double[0];
        for (int ii = 0; ii < inputs.length; ii++) {
            Tensor x = inputs[ii];
            if (!x.requiresGrad()) continue;
            Tensor g = x.grad();
            float[] gd = g == null ? new float[x.size()] : g.toArray();
            int n = x.size();
            int[] which = pick(n, opt.maxElementsPerInput(), rnd);
            numerics = new double[which.length];
            for (int j = 0; j < which.length; j++) {
                int e = which[j];
                float[] xd = x.data();
                int p = x.offset() + e;
                float x0 = xd[p];
                double h = Math.scalb(1.0, Math.getExponent(Math.max(Math.abs(x0), 1f) * opt.relStep()));
                double l1 = project(f, inputs, w, xd, p, (float) (x0 + h));
                double m1 = project(f, inputs, w, xd, p, (float) (x0 - h));
                double l2 = project(f, inputs, w, xd, p, (float) (x0 + 2 * h));
                double m2 = project(f, inputs, w, xd, p, (float) (x0 - 2 * h));
                xd[p] = x0;
                numerics[j] = (8 * (l1 - m1) - (l2 - m2)) / (12 * h);
                scale = Math.max(scale, Math.abs(numerics[j]));
            }
            for (int j = 0; j < which.length; j++) {
                double a = gd[which[j]];
                double num = numerics[j];
                double err = Math.abs(a - num);
                double allowed = opt.atol() * Math.max(1, scale) + opt.rtol() * Math.max(Math.abs(a), Math.abs(num));
                boolean good = err <= allowed && Double.isFinite(a);
                ok &= good;
                checked++;
                double badness = err / allowed;
                if (!good || badness > worst) {
                    if (worstResult == null || worstResult.ok() || !good && badness > worst) {
                        worst = badness;
                        worstResult = new Result(good, err, a, num, ii, which[j], 0);
                    }
                }
            }
        }
        if (worstResult == null) return new Result(true, 0, 0, 0, -1, -1, 0);
        return new Result(ok, worstResult.worstError(), worstResult.analytic(), worstResult.numeric(),
                worstResult.input(), worstResult.element(), checked);
    }

    private static double project(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] w, float[] xd, int p, float value) {
        xd[p] = value;
        try (var ng = GradMode.disabled()) {
            float[] y = f.apply(inputs).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) w[i] * y[i];
            return s;
        }
    }

    private static int[] pick(int n, int max, SplittableRandom rnd) {
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] idx = new int[max];
        for (int i = 0; i < max; i++) idx[i] = rnd.nextInt(n);
        return idx;
    }
}
