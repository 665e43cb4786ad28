package org.latent4j.tensor.init;

import static org.junit.jupiter.api.Assertions.*;
import static org.latent4j.tensor.random.StatChecks.*;

import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class InitializerTest {
    private static final int ROWS = 400, COLS = 500; // 200k draws
    private static final int FAN_IN = 300, FAN_OUT = 100;

    private static float[] draw(Initializer init, long seed) {
        return init.fill(Tensor.zeros(ROWS, COLS), FAN_IN, FAN_OUT, new Rng(seed)).toArray();
    }

    /** Uniform on [-a, a): variance a^2/3, fourth moment a^4/5; every value inside, the extremes reached. */
    private static void assertUniform(String name, float[] x, double a) {
        double max = 0;
        for (float v : x) {
            assertTrue(v >= -a && v < a, name + ": " + v + " outside [-" + a + ", " + a + ")");
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.999 * a, name + ": largest |value| " + max + " is far below the limit " + a);
        assertMean(name, x, 0, a / Math.sqrt(3));
        assertVariance(name, x, a * a / 3, Math.pow(a, 4) / 5);
    }

    private static void assertNormal(String name, float[] x, double std) {
        assertMean(name, x, 0, std);
        assertVariance(name, x, std * std, 3 * Math.pow(std, 4));
        assertKolmogorovSmirnov(name, x, v -> normalCdf(v / std));
    }

    @Test
    void glorotUniformHasVarianceTwoOverFanInPlusFanOut() {
        float[] x = draw(Initializer.glorotUniform(), 1);
        assertUniform("glorotUniform", x, Math.sqrt(6.0 / (FAN_IN + FAN_OUT)));
        assertEquals(2.0 / (FAN_IN + FAN_OUT), variance(x), 0.01 * 2.0 / (FAN_IN + FAN_OUT));
    }

    @Test
    void glorotNormal() {
        assertNormal("glorotNormal", draw(Initializer.glorotNormal(), 2), Math.sqrt(2.0 / (FAN_IN + FAN_OUT)));
    }

    @Test
    void heUniformHasVarianceTwoOverFanIn() {
        float[] x = draw(Initializer.heUniform(), 3);
        assertUniform("heUniform", x, Math.sqrt(6.0 / FAN_IN));
        assertEquals(2.0 / FAN_IN, variance(x), 0.01 * 2.0 / FAN_IN);
    }

    @Test
    void heNormalHasStdSqrtTwoOverFanIn() {
        assertNormal("heNormal", draw(Initializer.heNormal(), 4), Math.sqrt(2.0 / FAN_IN));
    }

    @Test
    void lecunNormalHasStdSqrtOneOverFanIn() {
        assertNormal("lecunNormal", draw(Initializer.lecunNormal(), 50), Math.sqrt(1.0 / FAN_IN));
    }

    @Test
    void lecunUniformHasVarianceOneOverFanIn() {
        assertUniform("lecunUniform", draw(Initializer.lecunUniform(), 6), Math.sqrt(3.0 / FAN_IN));
    }

    @Test
    void fanOutMattersOnlyToGlorot() {
        Tensor a = Initializer.heNormal().fill(Tensor.zeros(8), 10, 1, new Rng(7));
        Tensor b = Initializer.heNormal().fill(Tensor.zeros(8), 10, 1000, new Rng(7));
        assertArrayEquals(a.toArray(), b.toArray());
        Tensor c = Initializer.glorotNormal().fill(Tensor.zeros(8), 10, 1, new Rng(7));
        Tensor d = Initializer.glorotNormal().fill(Tensor.zeros(8), 10, 1000, new Rng(7));
        // Same underlying normals, scaled by sqrt(2/11) and sqrt(2/1010).
        float[] cv = c.toArray(), dv = d.toArray();
        for (int i = 0; i < cv.length; i++) assertEquals(cv[i] * Math.sqrt(11.0 / 1010.0), dv[i], 1e-6 * Math.abs(cv[i]) + 1e-7);
    }

    @Test
    void zerosAndConstantIgnoreTheGenerator() {
        Rng rng = new Rng(8);
        Tensor t = Tensor.full(5f, 3, 4);
        Initializer.zeros().fill(t, 4, 3, rng);
        assertArrayEquals(new float[12], t.toArray());
        Initializer.constant(0.25f).fill(t, 4, 3, rng);
        for (float v : t.toArray()) assertEquals(0.25f, v);
        assertEquals(0, rng.position(), "constant initializers draw nothing");
    }

    @Test
    void badFansAreRejectedWithTheInitializerNamed() {
        Tensor t = Tensor.zeros(4);
        Rng rng = new Rng(1);
        var e = assertThrows(IllegalArgumentException.class, () -> Initializer.heNormal().fill(t, 0, 4, rng));
        assertTrue(e.getMessage().contains("heNormal") && e.getMessage().contains("fanIn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Initializer.glorotUniform().fill(t, 3, 0, rng));
        assertTrue(e.getMessage().contains("glorotUniform") && e.getMessage().contains("fanOut=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Initializer.constant(Float.NaN));
    }
}
