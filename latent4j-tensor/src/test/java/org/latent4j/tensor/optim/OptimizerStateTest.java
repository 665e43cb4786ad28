package org.latent4j.tensor.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Autograd;
import org.latent4j.tensor.Tensor;

/** Exported optimizer state, loaded into a fresh optimizer, continues the run bit for bit. */
class OptimizerStateTest {
    private static final float[][] GRADS = {{0.1f, -0.2f, 0f}, {-0.3f, 0.4f, 1e-3f}, {0.05f, 0.6f, -2f}, {1f, -1f, 0.5f}};

    private static void step(Optimizer opt, Tensor p, float[] grad) {
        p.zeroGrad();
        Autograd.accumulate(p, Tensor.vector(grad.clone()));
        opt.step();
    }

    private static void checkResume(Function<List<Tensor>, Optimizer> make) {
        Tensor straight = Tensor.vector(0.5f, -1.5f, 2f).requiresGrad(true);
        Optimizer a = make.apply(List.of(straight));
        for (float[] g : GRADS) step(a, straight, g);

        Tensor first = Tensor.vector(0.5f, -1.5f, 2f).requiresGrad(true);
        Optimizer b = make.apply(List.of(first));
        step(b, first, GRADS[0]);
        step(b, first, GRADS[1]);
        Map<String, Tensor> saved = new HashMap<>();
        b.stateTensors().forEach((k, v) -> saved.put(k, Tensor.wrap(v.toArray(), v.shape())));
        Map<String, Long> counters = Map.copyOf(b.stateCounters());

        Tensor resumed = Tensor.wrap(first.toArray(), 3).requiresGrad(true);
        Optimizer c = make.apply(List.of(resumed));
        c.loadState(saved, counters);
        step(c, resumed, GRADS[2]);
        step(c, resumed, GRADS[3]);
        float[] x = straight.toArray();
        float[] y = resumed.toArray();
        for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i);
    }

    @Test
    void adamResumesExactly() {
        checkResume(ps -> new Adam(ps, AdamOptions.DEFAULTS.withEps(1e-4)));
        Adam adam = new Adam(List.of(Tensor.vector(1f).requiresGrad(true)), AdamOptions.DEFAULTS);
        assertEquals(List.of("0.exp_avg", "0.exp_avg_sq"), List.copyOf(adam.stateTensors().keySet()));
        assertEquals(Map.of("0.step", 0L), adam.stateCounters());
    }

    @Test
    void sgdWithMomentumResumesExactly() {
        checkResume(ps -> new Sgd(ps, SgdOptions.of(0.1).withMomentum(0.9)));
        assertTrue(new Sgd(List.of(Tensor.vector(1f).requiresGrad(true)), SgdOptions.of(0.1)).stateTensors().isEmpty());
    }

    @Test
    void withoutTheSavedStateTheRunDiffers() {
        // guards the test above: if state did not matter, the comparison would prove nothing
        Tensor p = Tensor.vector(0.5f, -1.5f, 2f).requiresGrad(true);
        Optimizer a = new Adam(List.of(p), AdamOptions.DEFAULTS);
        for (float[] g : GRADS) step(a, p, g);
        Tensor q = Tensor.vector(0.5f, -1.5f, 2f).requiresGrad(true);
        Optimizer b = new Adam(List.of(q), AdamOptions.DEFAULTS);
        step(b, q, GRADS[0]);
        step(b, q, GRADS[1]);
        Optimizer fresh = new Adam(List.of(q), AdamOptions.DEFAULTS);
        step(fresh, q, GRADS[2]);
        step(fresh, q, GRADS[3]);
        assertNotEquals(Float.floatToRawIntBits(p.toArray()[0]), Float.floatToRawIntBits(q.toArray()[0]));
    }

    @Test
    void mismatchedStateIsReportedWhole() {
        Adam adam = new Adam(List.of(Tensor.vector(1f, 2f).requiresGrad(true)), AdamOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> adam.loadState(Map.of("0.exp_avg", Tensor.vector(1f), "9.extra", Tensor.vector(1f)), Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains("wrong shape: 0.exp_avg expects [2], got [1]"), m);
        assertTrue(m.contains("missing tensor: 0.exp_avg_sq"), m);
        assertTrue(m.contains("unexpected tensor: 9.extra"), m);
        assertTrue(m.contains("missing counter: 0.step"), m);
        assertEquals(0f, adam.stateTensors().get("0.exp_avg").toArray()[0], "nothing is loaded when anything mismatches");
    }
}
