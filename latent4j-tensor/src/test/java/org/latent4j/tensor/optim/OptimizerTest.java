package org.latent4j.tensor.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

class OptimizerTest {
    private static final double[] START = {0.5, -1.5, 2.0};
    private static final double[][] GRADS = {{0.1, -0.2, 0.0}, {-0.3, 0.4, 1e-3}, {0.05, 0.6, -2.0}};

    private static Tensor param(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return Tensor.vector(f).requiresGrad(true);
    }

    private static void setGrad(Tensor p, double... values) {
        p.zeroGrad();
        Autograd.accumulate(p, param(values).detach().reshape(p.shape()));
    }

    /** Parameter values after each of the three steps with GRADS. */
    private static float[][] run(Function<List<Tensor>, Optimizer> make) {
        Tensor p = param(START);
        Optimizer opt = make.apply(List.of(p));
        float[][] out = new float[GRADS.length][];
        for (int t = 0; t < GRADS.length; t++) {
            setGrad(p, GRADS[t]);
            opt.step();
            out[t] = p.toArray();
        }
        return out;
    }

    private static void assertTrajectory(double[][] expected, float[][] actual, double tol) {
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                assertEquals(expected[t][i], actual[t][i], tol, "step " + (t + 1) + ", element " + i);
            }
        }
    }

    private static void assertTrajectory(float[][] expected, float[][] actual, double tol) {
        double[][] e = new double[expected.length][];
        for (int t = 0; t < e.length; t++) {
            e[t] = new double[expected[t].length];
            for (int i = 0; i < e[t].length; i++) e[t][i] = expected[t][i];
        }
        assertTrajectory(e, actual, tol);
    }

    // ------------------------------------------------------------------ references computed in double here

    /** Textbook Adam (Kingma and Ba, Algorithm 1) in double, with L2 (Adam) or decoupled (AdamW) decay. */
    private static double[][] adamInDouble(double lr, double b1, double b2, double eps, double wd, boolean decoupled) {
        double[] p = START.clone(), m = new double[p.length], v = new double[p.length];
        double[][] out = new double[GRADS.length][];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int i = 0; i < p.length; i++) {
                if (decoupled) p[i] -= lr * wd * p[i];
                double g = GRADS[t - 1][i] + (decoupled ? 0 : wd * p[i]);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            out[t - 1] = p.clone();
        }
        return out;
    }

    /** SGD with PyTorch's momentum rules in double: the buffer starts at the first direction, undamped. */
    private static double[][] sgdInDouble(double lr, double mu, double dampening, double wd, boolean nesterov) {
        double[] p = START.clone(), b = new double[p.length];
        double[][] out = new double[GRADS.length][];
        for (int t = 0; t < GRADS.length; t++) {
            for (int i = 0; i < p.length; i++) {
                double d = GRADS[t][i] + wd * p[i];
                if (mu != 0) {
                    b[i] = t == 0 ? d : mu * b[i] + (1 - dampening) * d;
                    d = nesterov ? d + mu * b[i] : b[i];
                }
                p[i] -= lr * d;
            }
            out[t] = p.clone();
        }
        return out;
    }

    @Test
    void adamMatchesTheTextbookAlgorithmInDouble() {
        AdamOptions o = new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0);
        assertTrajectory(adamInDouble(0.01, 0.9, 0.999, 1e-8, 0, false), run(ps -> new Adam(ps, o)), 1e-6);
        AdamOptions o2 = new AdamOptions(0.05, 0.8, 0.99, 1e-3, 0.1);
        assertTrajectory(adamInDouble(0.05, 0.8, 0.99, 1e-3, 0.1, false), run(ps -> new Adam(ps, o2)), 1e-6);
        // At step 1 bias correction makes the update lr * g / (|g| + eps): exactly -lr * sign(g) here.
        float[][] first = run(ps -> new Adam(ps, AdamOptions.DEFAULTS));
        assertEquals(0.5 - 1e-3, first[0][0], 1e-7);
        assertEquals(-1.5 + 1e-3, first[0][1], 1e-7);
        assertEquals(2.0, first[0][2], 0.0, "zero gradient: no move");
    }

    @Test
    void adamWMatchesDecoupledDecayInDouble() {
        AdamOptions o = new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.1);
        assertTrajectory(adamInDouble(0.01, 0.9, 0.999, 1e-8, 0.1, true), run(ps -> new AdamW(ps, o)), 1e-6);
    }

    @Test
    void sgdVariantsMatchPyTorchRulesInDouble() {
        assertTrajectory(sgdInDouble(0.1, 0, 0, 0, false), run(ps -> new Sgd(ps, SgdOptions.of(0.1))), 1e-6);
        assertTrajectory(sgdInDouble(0.1, 0, 0, 0.01, false), run(ps -> new Sgd(ps, SgdOptions.of(0.1).withWeightDecay(0.01))), 1e-6);
        SgdOptions momentum = SgdOptions.of(0.1).withMomentum(0.9).withDampening(0.1).withWeightDecay(0.01);
        assertTrajectory(sgdInDouble(0.1, 0.9, 0.1, 0.01, false), run(ps -> new Sgd(ps, momentum)), 1e-6);
        SgdOptions nesterov = SgdOptions.of(0.1).withMomentum(0.9).withNesterov(true).withWeightDecay(0.01);
        assertTrajectory(sgdInDouble(0.1, 0.9, 0, 0.01, true), run(ps -> new Sgd(ps, nesterov)), 1e-6);
    }

    @Test
    void momentumByHand() {
        // p = 1, g = 1 each step, lr = 0.1, momentum 0.5: buffers 1, 1.5, 1.75; p = 0.9, 0.75, 0.575.
        Tensor p = param(1.0);
        Sgd sgd = new Sgd(List.of(p), SgdOptions.of(0.1).withMomentum(0.5));
        setGrad(p, 1.0);
        double[] expected = {0.9, 0.75, 0.575};
        for (double e : expected) {
            sgd.step();
            assertEquals(e, p.item(), 1e-6);
        }
        // Nesterov looks ahead: steps use g + mu * b = 1.5, 1.75, 1.875.
        Tensor q = param(1.0);
        Sgd nag = new Sgd(List.of(q), SgdOptions.of(0.1).withMomentum(0.5).withNesterov(true));
        setGrad(q, 1.0);
        double[] expectedNag = {0.85, 0.675, 0.4875};
        for (double e : expectedNag) {
            nag.step();
            assertEquals(e, q.item(), 1e-6);
        }
    }

    // ------------------------------------------------------------------ cross-check against torch.optim

    /*
     * Values printed by torch 1.13 (CPU, float32) with
     *   /usr/bin/python3 latent4j-tensor/src/test/resources/org/latent4j/tensor/optim/torch_reference.py
     * which sets
     * p = tensor([0.5, -1.5, 2.0]) and p.grad to GRADS[t] before each of three opt.step() calls:
     *   torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
     *   torch.optim.AdamW([p], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
     *   torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.99), eps=1e-3)
     *   torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
     *   torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
     *   torch.optim.SGD([p], lr=0.1)
     */
    private static final float[][] TORCH_ADAM_WD = {
        {4.900000095e-01f, -1.490000010e+00f, 1.990000010e+00f},
        {4.929524660e-01f, -1.488893867e+00f, 1.980000019e+00f},
        {4.930581152e-01f, -1.492925882e+00f, 1.985113263e+00f},
    };
    private static final float[][] TORCH_ADAMW = {
        {4.895000160e-01f, -1.488499999e+00f, 1.998000026e+00f},
        {4.939524233e-01f, -1.490672588e+00f, 1.988560796e+00f},
        {4.962334633e-01f, -1.495995522e+00f, 1.992957473e+00f},
    };
    private static final float[][] TORCH_ADAM_BETAS = {
        {4.504950345e-01f, -1.450248718e+00f, 2.000000000e+00f},
        {4.776487947e-01f, -1.471232653e+00f, 1.983745098e+00f},
        {4.915474057e-01f, -1.508602977e+00f, 2.019016027e+00f},
    };
    private static final float[][] TORCH_SGD_DAMPENED = {
        {4.894999862e-01f, -1.478500009e+00f, 1.998000026e+00f},
        {5.066094398e-01f, -1.493819356e+00f, 1.994311810e+00f},
        {5.170519948e-01f, -1.560262322e+00f, 2.169197559e+00f},
    };
    private static final float[][] TORCH_SGD_NESTEROV = {
        {4.800499976e-01f, -1.459149957e+00f, 1.996199965e+00f},
        {5.276328921e-01f, -1.514962554e+00f, 1.990597129e+00f},
        {5.333870649e-01f, -1.641628742e+00f, 2.363659143e+00f},
    };
    private static final float[][] TORCH_SGD_PLAIN = {
        {4.900000095e-01f, -1.480000019e+00f, 2.000000000e+00f},
        {5.200000405e-01f, -1.519999981e+00f, 1.999899983e+00f},
        {5.150000453e-01f, -1.580000043e+00f, 2.199899912e+00f},
    };

    @Test
    void firstStepsAgreeWithTorchOptim() {
        // A few float ulps at |p| ~ 2: torch's CPU kernel for add_(x, alpha) fuses the multiply-add (plain SGD
        // differs from us by one ulp at step 2 for that reason); the other trajectories agree exactly.
        double tol = 5e-7;
        assertTrajectory(TORCH_ADAM_WD, run(ps -> new Adam(ps, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.1))), tol);
        assertTrajectory(TORCH_ADAMW, run(ps -> new AdamW(ps, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.1))), tol);
        assertTrajectory(TORCH_ADAM_BETAS, run(ps -> new Adam(ps, new AdamOptions(0.05, 0.8, 0.99, 1e-3, 0))), tol);
        assertTrajectory(TORCH_SGD_DAMPENED, run(ps -> new Sgd(ps, new SgdOptions(0.1, 0.9, 0.1, 0.01, false))), tol);
        assertTrajectory(TORCH_SGD_NESTEROV, run(ps -> new Sgd(ps, new SgdOptions(0.1, 0.9, 0, 0.01, true))), tol);
        assertTrajectory(TORCH_SGD_PLAIN, run(ps -> new Sgd(ps, SgdOptions.of(0.1))), tol);
    }

    // ------------------------------------------------------------------ Adam versus AdamW

    @Test
    void adamWShrinksTheParameterWhereAdamAddsAnL2Gradient() {
        double lr = 0.01, wd = 0.1;
        AdamOptions o = AdamOptions.DEFAULTS.withLearningRate(lr).withWeightDecay(wd);
        Tensor a = param(2.0, -0.5), w = param(2.0, -0.5);
        Adam adam = new Adam(List.of(a), o);
        AdamW adamW = new AdamW(List.of(w), o);
        setGrad(a, 0, 0);
        setGrad(w, 0, 0);
        adam.step();
        adamW.step();
        // AdamW with no gradient: p * (1 - lr * wd), nothing else.
        assertEquals(2.0 * (1 - lr * wd), w.get(0), 1e-7);
        assertEquals(-0.5 * (1 - lr * wd), w.get(1), 1e-7);
        // Adam normalises the L2 gradient wd * p: a full step of lr against the sign of p.
        assertEquals(2.0 - lr, a.get(0), 1e-6);
        assertEquals(-0.5 + lr, a.get(1), 1e-6);
    }

    @Test
    void withoutWeightDecayAdamWIsAdamBitForBit() {
        float[][] adam = run(ps -> new Adam(ps, AdamOptions.DEFAULTS.withLearningRate(0.02)));
        float[][] adamW = run(ps -> new AdamW(ps, AdamOptions.DEFAULTS.withLearningRate(0.02)));
        for (int t = 0; t < adam.length; t++) assertArrayEquals(adam[t], adamW[t]);
    }

    // ------------------------------------------------------------------ bookkeeping

    @Test
    void parametersWithoutGradientAreSkippedAndKeepTheirStepCount() {
        Tensor a = param(1.0, 2.0), b = param(3.0);
        Adam adam = new Adam(List.of(a, b), AdamOptions.DEFAULTS.withLearningRate(0.1));
        setGrad(a, 0.5, -0.5);
        adam.step();
        adam.step();
        assertNull(b.grad());
        assertEquals(3f, b.item());
        assertEquals(2, adam.steps(0));
        assertEquals(0, adam.steps(1));
        // b's first step is a first step (bias-corrected to lr * sign(g)), not a third.
        setGrad(b, 4.0);
        adam.step();
        assertEquals(1, adam.steps(1));
        assertEquals(3.0 - 0.1, b.item(), 1e-6);
    }

    @Test
    void zeroGradKeepsTheBuffers() {
        Tensor a = param(1.0, 2.0);
        Sgd sgd = new Sgd(List.of(a), SgdOptions.of(0.1));
        setGrad(a, 3.0, 4.0);
        Tensor g = a.grad();
        sgd.zeroGrad();
        assertSame(g, a.grad());
        assertArrayEquals(new float[2], g.toArray());
        sgd.step();
        assertArrayEquals(new float[] {1f, 2f}, a.toArray(), "zero gradient, no decay: no move");
    }

    @Test
    void theLearningRateCanBeChangedBetweenSteps() {
        Tensor a = param(1.0);
        Sgd sgd = new Sgd(List.of(a), SgdOptions.of(0.1));
        setGrad(a, 1.0);
        sgd.step();
        sgd.setLearningRate(0.01);
        assertEquals(0.01, sgd.learningRate());
        sgd.step();
        assertEquals(1 - 0.1 - 0.01, a.item(), 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(-1));
        assertTrue(e.getMessage().contains("Sgd") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void adamMinimisesAQuadraticThroughBackward() {
        Tensor p = new Rng(1).normal(0f, 1f, 4).requiresGrad(true);
        Tensor target = Tensor.vector(1f, -2f, 0.5f, 3f);
        Adam adam = new Adam(List.of(p), AdamOptions.DEFAULTS.withLearningRate(0.05));
        for (int i = 0; i < 600; i++) {
            adam.zeroGrad();
            Tensor d = p.sub(target);
            d.mul(d).sum().backward();
            adam.step();
        }
        org.latent4j.tensor.TestTensors.assertClose(target.toArray(), p.toArray(), 1e-3);
    }

    @Test
    void steadyStateStepsAllocateNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Tensor a = Tensor.persistentZeros(300, 20).requiresGrad(true), b = Tensor.persistentZeros(20).requiresGrad(true);
        List<Tensor> ps = List.of(a, b);
        for (Optimizer opt : List.of(new Adam(ps, AdamOptions.DEFAULTS), new AdamW(ps, AdamOptions.ADAMW_DEFAULTS),
                new Sgd(ps, SgdOptions.of(0.01).withMomentum(0.9).withNesterov(true)))) {
            setGrad(a, randomGrad(6000));
            setGrad(b, randomGrad(20));
            // Vector-API kernels box their vectors until C2 has compiled them, so "steady state" is
            // the first round of 1000 steps that allocates nothing, within a generous warm-up
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 60 && allocated >= 1024; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 1000; i++) {
                    opt.step();
                    opt.zeroGrad();
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 1024, opt + ": 1000 steps still allocated " + allocated + " bytes after warm-up");
        }
    }

    private static double[] randomGrad(int n) {
        float[] f = new Rng(n).uniform(-1f, 1f, n).toArray();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = f[i];
        return d;
    }

    @Test
    void largeParametersGiveTheSameResultWithOneAndTwoThreads() {
        int n = 3 * Optimizer.PARALLEL_GRAIN + 7;
        float[][] results = new float[2][];
        int saved = Parallel.threads();
        try {
            for (int k = 0; k < 2; k++) {
                Parallel.setThreads(k + 1);
                Tensor p = new Rng(3).normal(0f, 1f, n).requiresGrad(true);
                Tensor q = new Rng(4).normal(0f, 1f, n).requiresGrad(true);
                Optimizer adam = new Adam(List.of(p), AdamOptions.ADAMW_DEFAULTS);
                Optimizer sgd = new Sgd(List.of(q), SgdOptions.of(0.1).withMomentum(0.9));
                Autograd.accumulate(p, new Rng(5).normal(0f, 1f, n));
                Autograd.accumulate(q, new Rng(6).normal(0f, 1f, n));
                for (int s = 0; s < 3; s++) {
                    adam.step();
                    sgd.step();
                }
                float[] both = new float[2 * n];
                System.arraycopy(p.toArray(), 0, both, 0, n);
                System.arraycopy(q.toArray(), 0, both, n, n);
                results[k] = both;
            }
        } finally {
            Parallel.setThreads(saved);
        }
        assertArrayEquals(results[0], results[1]);
        // And the parallel path computes the same as the direct one: element 0 against a 1-element twin.
        Tensor p1 = Tensor.vector(new Rng(3).normal(0f, 1f, n).get(0)).requiresGrad(true);
        Adam single = new Adam(List.of(p1), AdamOptions.ADAMW_DEFAULTS);
        setGrad(p1, new Rng(5).normal(0f, 1f, n).get(0));
        for (int s = 0; s < 3; s++) single.step();
        assertEquals(p1.item(), results[0][0]);
    }

    // ------------------------------------------------------------------ validation

    @Test
    void optionsRejectBadValuesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AdamOptions(1e-3, 1.0, 0.999, 1e-8, 0));
        assertTrue(e.getMessage().contains("beta1") && e.getMessage().contains("1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdamOptions.DEFAULTS.withBetas(0.9, -0.1));
        assertTrue(e.getMessage().contains("beta2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdamOptions.DEFAULTS.withLearningRate(Double.NaN));
        assertTrue(e.getMessage().contains("learningRate") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AdamOptions.DEFAULTS.withEps(-1e-8));
        assertThrows(IllegalArgumentException.class, () -> AdamOptions.DEFAULTS.withWeightDecay(-0.1));
        e = assertThrows(IllegalArgumentException.class, () -> SgdOptions.of(0.1).withNesterov(true));
        assertTrue(e.getMessage().contains("nesterov") && e.getMessage().contains("momentum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SgdOptions.of(0.1).withMomentum(0.9).withDampening(0.5).withNesterov(true));
        assertThrows(IllegalArgumentException.class, () -> SgdOptions.of(0.1).withMomentum(-0.9));
        assertThrows(IllegalArgumentException.class, () -> SgdOptions.of(0.1).withDampening(1.5));
        assertEquals(new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0), AdamOptions.DEFAULTS);
        assertEquals(0.01, AdamOptions.ADAMW_DEFAULTS.weightDecay());
    }

    @Test
    void parameterListIsChecked() {
        Tensor ok = param(1.0);
        Tensor noGrad = Tensor.vector(1f);
        Tensor notLeaf = ok.mul(2f);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(), SgdOptions.of(0.1)));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(ok, noGrad), SgdOptions.of(0.1)));
        assertTrue(e.getMessage().contains("parameter 1") && e.getMessage().contains("gradient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(notLeaf), AdamOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("leaf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamW(List.of(ok, ok), AdamOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
