package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.TestTensors.*;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.ops.LossOps;

class LossOpsTest {

    private static final double LN2 = Math.log(2);
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    /**
     * |actual - expected| within rel of {@code scale} (the magnitude of the terms the value is made of, which
     * bounds any legitimate rounding), plus half a float subnormal step.
     */
    private static void assertNear(double expected, float actual, double rel, double scale, String what) {
        assertTrue(Float.isFinite(actual), what + ": not finite: " + actual);
        double allowed = rel * Math.max(Math.abs(expected), scale) + 1e-45;
        assertTrue(Math.abs(actual - expected) <= allowed, what + ": expected " + expected + " but was " + actual);
    }

    /** log(1 + e^z) in double without overflow. */
    private static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    /** sigmoid in double, accurate in both tails. */
    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    // ------------------------------------------------------------------ bceWithLogits

    @Test
    void bceKnownValues() {
        Tensor zero = Tensor.vector(0f, 0f, 0f);
        assertClose(new float[] {(float) LN2, (float) LN2, (float) LN2},
                LossOps.bceWithLogits(zero, Tensor.vector(0f, 0.3f, 1f)).toArray(), 1e-7);
        // logit 2, target 1: -log sigmoid(2) = log(1 + e^-2); target 0: -log(1 - sigmoid(2)) = 2 + log(1 + e^-2)
        float[] v = Tensor.vector(2f, 2f).bceWithLogits(Tensor.vector(1f, 0f)).toArray();
        assertEquals(Math.log1p(Math.exp(-2)), v[0], 1e-7);
        assertEquals(2 + Math.log1p(Math.exp(-2)), v[1], 1e-6);
    }

    @Test
    void bceAtExtremeLogitsMatchesDoubleReference() {
        float[] xs = {-100, -50, -30, -15, -1, -1e-3f, 0, 1e-3f, 1, 15, 30, 50, 100};
        float[] ts = {0, 1e-4f, 0.3f, 0.5f, 0.9999f, 1};
        int n = xs.length * ts.length;
        float[] xv = new float[n], tv = new float[n];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < ts.length; j++) {
                xv[i * ts.length + j] = xs[i];
                tv[i * ts.length + j] = ts[j];
            }
        }
        Tensor x = Tensor.of(xv, n).requiresGrad(true), t = Tensor.of(tv, n).requiresGrad(true);
        Tensor loss = LossOps.bceWithLogits(x, t);
        float[] lv = loss.toArray();
        loss.backward(Tensor.ones(n));
        float[] gx = x.grad().toArray(), gt = t.grad().toArray();
        for (int i = 0; i < n; i++) {
            double xd = xv[i], td = tv[i];
            String at = "x=" + xd + " t=" + td;
            // -(t log sigmoid(x) + (1-t) log(1 - sigmoid(x))) = t softplus(-x) + (1-t) softplus(x)
            double ref = td * softplus(-xd) + (1 - td) * softplus(xd);
            assertNear(ref, lv[i], 1e-6, 0, "loss " + at);
            // sigmoid(x) - t = (1-t) sigmoid(x) - t sigmoid(-x): both tails exact
            double a = (1 - td) * sigmoid(xd), b = td * sigmoid(-xd);
            assertNear(a - b, gx[i], 1e-6, Math.max(a, b), "d/dlogit " + at);
            assertEquals((float) -xd, gt[i], 0f, "d/dtarget " + at);
        }
        // saturated but correct: the loss is e^-50, not 0, and its gradient is -e^-50, not 0
        assertEquals(Math.exp(-50), lv[11 * ts.length + 5], 1e-6 * Math.exp(-50));
        assertEquals(-Math.exp(-50), gx[11 * ts.length + 5], 1e-6 * Math.exp(-50));
    }

    @Test
    void bceGradients() {
        assertGradients(x -> LossOps.bceWithLogits(x[0], x[1]), uniform(1, -4, 4, 3, 5), uniform(2, 0, 1, 3, 5));
        assertGradients(x -> x[0].t().bceWithLogits(x[1]), uniform(3, -6, 6, 4, 2), uniform(4, 0, 1, 2, 4));
    }

    @Test
    void bceSumOverBroadcastTargetsIsTheSumOfTheElementwiseLossAgainstTheExpandedTargets() {
        // logits [k=3, b=4, d=37] against targets [4, 37]: the fused op against the unfused composition
        Tensor x = uniform(5, -8, 8, 3, 4, 37), t = uniform(6, 0, 1, 4, 37).requiresGrad(false);
        Tensor fused = LossOps.bceWithLogitsSum(x, t);
        Tensor g = uniform(7, -1, 1, 3, 4).requiresGrad(false);
        fused.backward(g);
        float[] fusedGrad = x.grad().toArray();
        x.zeroGrad();
        Tensor plain = LossOps.bceWithLogits(x, t.expand(3, 4, 37)).sum(-1, false);
        plain.backward(g);
        assertArrayEquals(new int[] {3, 4}, fused.shape());
        org.latent4j.tensor.TestTensors.assertClose(plain.toArray(), fused.toArray(), 1e-4);
        org.latent4j.tensor.TestTensors.assertClose(x.grad().toArray(), fusedGrad, 1e-6);
    }

    @Test
    void bceSumGradientsAndItsShapeErrors() {
        Tensor t = uniform(9, 0, 1, 2, 5).requiresGrad(false);
        assertGradients(x -> LossOps.bceWithLogitsSum(x[0], t), uniform(8, -4, 4, 3, 2, 5));
        assertGradients(x -> LossOps.bceWithLogitsSum(x[0].t(), t), uniform(10, -4, 4, 5, 2));
        ShapeException e = assertThrows(ShapeException.class, () -> LossOps.bceWithLogitsSum(Tensor.zeros(3, 2, 5), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("[3, 2, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossOps.bceWithLogitsSum(Tensor.zeros(2, 5), uniform(1, 0, 1, 2, 5)));
    }

    // ------------------------------------------------------------------ gaussianLogDensity

    @Test
    void gaussianKnownValues() {
        int d = 4;
        Tensor x = Tensor.of(new float[] {0.5f, -1, 2, 3}, 1, d);
        // at the mean with unit variance: -d/2 log(2 pi)
        assertEquals(-0.5 * d * LOG_2PI, LossOps.gaussianLogDensity(x, x, Tensor.zeros(1, d)).item(), 1e-5);
        // at the mean with variance e^l: -d/2 (log(2 pi) + l)
        assertEquals(-0.5 * d * (LOG_2PI + 1.5), LossOps.gaussianLogDensity(x, x, Tensor.full(1.5f, 1)).item(), 1e-5);
        // one unit away, unit variance: log of the standard normal pdf at 1
        float one = LossOps.gaussianLogDensity(Tensor.vector(1f), Tensor.vector(0f), Tensor.vector(0f)).item();
        assertEquals(Math.log(Math.exp(-0.5) / Math.sqrt(2 * Math.PI)), one, 1e-6);
    }

    /** Reference value per row for x [n,d], mu and logVar given as functions of (row, column). */
    private interface At {
        double get(int i, int j);
    }

    private static double[] gaussianReference(int n, int d, At x, At mu, At lv) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double var = Math.exp(lv.get(i, j)), r = x.get(i, j) - mu.get(i, j);
                s += Math.log(Math.exp(-0.5 * r * r / var) / Math.sqrt(2 * Math.PI * var));
            }
            out[i] = s;
        }
        return out;
    }

    @Test
    void gaussianBroadcastsMeanAndLogVariance() {
        int n = 3, d = 5;
        Tensor x = randn(1, n, d), mu = randn(2, n, d), muRow = randn(3, d), lv = randn(4, d), lv1 = randn(5, 1);
        double[] ref = gaussianReference(n, d, x::get, mu::get, (i, j) -> lv.get(j));
        float[] got = LossOps.gaussianLogDensity(x, mu, lv).toArray();
        assertArrayEquals(new int[] {n}, LossOps.gaussianLogDensity(x, mu, lv).shape());
        for (int i = 0; i < n; i++) assertEquals(ref[i], got[i], 1e-5 * Math.abs(ref[i]));
        ref = gaussianReference(n, d, x::get, (i, j) -> muRow.get(j), (i, j) -> lv1.get(0));
        got = LossOps.gaussianLogDensity(x, muRow, lv1).toArray();
        for (int i = 0; i < n; i++) assertEquals(ref[i], got[i], 1e-5 * Math.abs(ref[i]));
        // the mean broadcast up: x [d] against a batch of means [n, d]
        got = LossOps.gaussianLogDensity(muRow, mu, lv).toArray();
        ref = gaussianReference(n, d, (i, j) -> muRow.get(j), mu::get, (i, j) -> lv.get(j));
        for (int i = 0; i < n; i++) assertEquals(ref[i], got[i], 1e-5 * Math.abs(ref[i]));
        // the per-element terms add up to the summed density
        Tensor per = LossOps.gaussianLogDensityPerElement(x, mu, lv);
        assertArrayEquals(new int[] {n, d}, per.shape());
        assertClose(LossOps.gaussianLogDensity(x, mu, lv).toArray(), per.sum(-1, false).toArray(), 1e-6);
    }

    @Test
    void gaussianGradients() {
        assertGradients(x -> LossOps.gaussianLogDensity(x[0], x[1], x[2]), randn(1, 3, 4), randn(2, 3, 4), randn(3, 3, 4));
        assertGradients(x -> LossOps.gaussianLogDensity(x[0], x[1], x[2]), randn(4, 2, 3, 4), randn(5, 4), randn(6, 1));
        assertGradients(x -> LossOps.gaussianLogDensity(x[0], x[1], x[2]), randn(7, 4), randn(8, 3, 4), randn(9, 3, 1));
        assertGradients(x -> LossOps.gaussianLogDensity(x[0].t(), x[1], x[2]), randn(10, 4, 3), randn(11, 3, 4), randn(12, 4));
        assertGradients(x -> LossOps.gaussianLogDensityPerElement(x[0], x[1], x[2]), randn(13, 3, 4), randn(14, 4), randn(15, 3, 1));
    }

    @Test
    void gaussianAtExtremeLogVariancesMatchesDoubleReference() {
        float[] lvs = {-30, -20, -5, 0, 5, 20};
        float[] diffs = {0, 1e-7f, 1e-3f, 0.7f, 30f};
        int n = lvs.length * diffs.length * 2;
        float[] xv = new float[n], mv = new float[n], vv = new float[n];
        for (int i = 0, p = 0; i < lvs.length; i++) {
            for (int j = 0; j < diffs.length; j++) {
                for (float mean : new float[] {0f, -3.25f}) {
                    mv[p] = mean;
                    xv[p] = mean + diffs[j];
                    vv[p++] = lvs[i];
                }
            }
        }
        Tensor x = Tensor.of(xv, n, 1).requiresGrad(true), mu = Tensor.of(mv, n, 1).requiresGrad(true);
        Tensor lv = Tensor.of(vv, n, 1).requiresGrad(true);
        Tensor density = LossOps.gaussianLogDensity(x, mu, lv);
        float[] got = density.toArray();
        float[] perElement = LossOps.gaussianLogDensityPerElement(x, mu, lv).toArray();
        density.backward(Tensor.ones(n));
        float[] gx = x.grad().toArray(), gm = mu.grad().toArray(), gv = lv.grad().toArray();
        for (int i = 0; i < n; i++) {
            double r = (double) xv[i] - mv[i], var = Math.exp(vv[i]);
            String at = "x-mu=" + r + " logVar=" + vv[i];
            double quad = r * r / var;
            double ref = -0.5 * (LOG_2PI + vv[i] + quad);
            double scale = 0.5 * (LOG_2PI + Math.abs(vv[i]) + quad);
            assertNear(ref, got[i], 1e-6, scale, "log-density " + at);
            assertNear(ref, perElement[i], 1e-6, scale, "per-element log-density " + at);
            assertNear(-r / var, gx[i], 1e-6, 0, "d/dx " + at);
            assertNear(r / var, gm[i], 1e-6, 0, "d/dmu " + at);
            assertNear(-0.5 + 0.5 * quad, gv[i], 1e-6, 0.5 * Math.max(1, quad), "d/dlogVar " + at);
        }
    }

    // ------------------------------------------------------------------ klStandardNormal

    @Test
    void klKnownValues() {
        Tensor mu = Tensor.zeros(2, 3).requiresGrad(true), lv = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor kl = LossOps.klStandardNormal(mu, lv);
        assertArrayEquals(new int[] {2}, kl.shape());
        assertArrayEquals(new float[] {0, 0}, kl.toArray(), "KL of N(0,1) from itself is exactly 0");
        kl.sum().backward();
        assertArrayEquals(new float[6], mu.grad().toArray());
        assertArrayEquals(new float[6], lv.grad().toArray());
        // mean 1, unit variance: 1/2 per dimension
        assertEquals(1.5f, LossOps.klStandardNormal(Tensor.ones(1, 3), Tensor.zeros(1, 3)).item(), 1e-7);
        // mean 0, variance 2: (2 - ln 2 - 1)/2
        assertEquals(0.5 * (1 - LN2), LossOps.klStandardNormal(Tensor.zeros(1), Tensor.full((float) LN2, 1)).item(), 1e-7);
    }

    @Test
    void klIsAccurateForNearStandardAndExtremeVariances() {
        // expm1(l) - l = l^2/2 + l^3/6 + l^4/24 + ...: a float formula exp(l) - l - 1 would lose it all
        float[] small = {1e-4f, -1e-5f, 3e-3f, -2e-3f};
        float[] got = LossOps.klStandardNormalPerDim(Tensor.zeros(small.length), Tensor.vector(small)).toArray();
        for (int i = 0; i < small.length; i++) {
            double l = small[i];
            double series = 0.5 * (l * l / 2 + l * l * l / 6 + l * l * l * l / 24 + l * l * l * l * l / 120);
            assertEquals(series, got[i], 1e-6 * series, "l=" + l);
        }
        float[] mus = {0, 1e-3f, -2, 40};
        float[] lvs = {-30, -10, 0, 10, 20};
        int n = mus.length * lvs.length;
        float[] mv = new float[n], vv = new float[n];
        for (int i = 0; i < mus.length; i++) {
            for (int j = 0; j < lvs.length; j++) {
                mv[i * lvs.length + j] = mus[i];
                vv[i * lvs.length + j] = lvs[j];
            }
        }
        Tensor mu = Tensor.of(mv, n, 1).requiresGrad(true), lv = Tensor.of(vv, n, 1).requiresGrad(true);
        Tensor kl = LossOps.klStandardNormal(mu, lv);
        float[] v = kl.toArray();
        kl.backward(Tensor.ones(n));
        float[] gm = mu.grad().toArray(), gv = lv.grad().toArray();
        for (int i = 0; i < n; i++) {
            double m = mv[i], l = vv[i];
            String at = "mu=" + m + " logVar=" + l;
            double ref = 0.5 * (m * m + Math.exp(l) - l - 1);
            assertNear(ref, v[i], 1e-6, 0, "KL " + at);
            assertEquals((float) m, gm[i], "d/dmu " + at);
            assertNear(0.5 * (Math.exp(l) - 1), gv[i], 1e-6, 0, "d/dlogVar " + at);
        }
    }

    @Test
    void klPerDimAddsUpAndBroadcasts() {
        Tensor mu = randn(1, 4, 3), lv = randn(2, 4, 3);
        Tensor per = LossOps.klStandardNormalPerDim(mu, lv);
        assertArrayEquals(new int[] {4, 3}, per.shape());
        float[] pv = per.toArray(), m = mu.toArray(), l = lv.toArray();
        for (int i = 0; i < pv.length; i++) assertEquals(0.5 * (m[i] * m[i] + Math.exp(l[i]) - l[i] - 1), pv[i], 1e-6);
        assertClose(LossOps.klStandardNormal(mu, lv).toArray(), per.sum(-1, false).toArray(), 1e-6);
        // a global log-variance [d] against a batch of means
        Tensor lvRow = randn(3, 3);
        float[] b = LossOps.klStandardNormal(mu, lvRow).toArray();
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) s += 0.5 * (mu.get(i, j) * mu.get(i, j) + Math.exp(lvRow.get(j)) - lvRow.get(j) - 1);
            assertEquals(s, b[i], 1e-6);
        }
    }

    @Test
    void klGradients() {
        assertGradients(x -> LossOps.klStandardNormal(x[0], x[1]), randn(1, 3, 4), randn(2, 3, 4));
        assertGradients(x -> LossOps.klStandardNormal(x[0], x[1]), randn(3, 2, 3, 4), randn(4, 4));
        assertGradients(x -> LossOps.klStandardNormalPerDim(x[0], x[1].t()), randn(5, 3, 4), randn(6, 4, 3));
        assertGradients(x -> LossOps.klStandardNormalPerDim(x[0], x[0].mul(0.5f)), uniform(7, -3, 3, 5));
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        // large enough that every op splits its work into several tasks
        Tensor x = uniform(1, -8, 8, 64, 100), t = uniform(2, 0, 1, 64, 100), lv = uniform(3, -5, 5, 64, 100);
        Tensor w = uniform(4, -1, 1, 64, 100), wRow = uniform(5, -1, 1, 64);
        int before = org.latent4j.tensor.parallel.Parallel.threads();
        float[][] runs = new float[2][];
        try {
            for (int threads = 1; threads <= 2; threads++) {
                org.latent4j.tensor.parallel.Parallel.setThreads(threads);
                for (Tensor p : new Tensor[] {x, t, lv}) p.clearGrad();
                Tensor bce = LossOps.bceWithLogits(x, t), density = LossOps.gaussianLogDensity(x, t, lv);
                Tensor kl = LossOps.klStandardNormal(x, lv);
                // the final sum is left out of the comparison: it is a SIMD reduction, not one of these ops
                bce.mul(w).sum().add(density.mul(wRow).sum()).add(kl.mul(wRow).sum()).backward();
                int n = x.size(), rows = 64;
                float[] all = new float[4 * n + 2 * rows];
                System.arraycopy(bce.toArray(), 0, all, 0, n);
                System.arraycopy(x.grad().toArray(), 0, all, n, n);
                System.arraycopy(t.grad().toArray(), 0, all, 2 * n, n);
                System.arraycopy(lv.grad().toArray(), 0, all, 3 * n, n);
                System.arraycopy(density.toArray(), 0, all, 4 * n, rows);
                System.arraycopy(kl.toArray(), 0, all, 4 * n + rows, rows);
                runs[threads - 1] = all;
            }
        } finally {
            org.latent4j.tensor.parallel.Parallel.setThreads(before);
        }
        assertArrayEquals(runs[0], runs[1]);
    }

    @Test
    void badArgumentsNameTheOp() {
        assertMessage(assertThrows(ShapeException.class, () -> LossOps.bceWithLogits(Tensor.zeros(2, 3), Tensor.zeros(3))),
                "bceWithLogits", "[2, 3]", "[3]");
        assertMessage(assertThrows(ShapeException.class, () -> LossOps.gaussianLogDensity(Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(2))),
                "gaussianLogDensity", "[2, 3]", "[2]");
        assertMessage(assertThrows(ShapeException.class, () -> LossOps.gaussianLogDensity(Tensor.scalar(0), Tensor.scalar(0), Tensor.scalar(0))),
                "gaussianLogDensity", "axis");
        assertMessage(assertThrows(ShapeException.class, () -> LossOps.klStandardNormal(Tensor.zeros(4, 3), Tensor.zeros(4))),
                "klStandardNormal", "[4, 3]", "[4]");
        assertMessage(assertThrows(ShapeException.class, () -> LossOps.klStandardNormalPerDim(Tensor.zeros(2), Tensor.zeros(3))),
                "klStandardNormalPerDim", "[2]", "[3]");
    }
}
