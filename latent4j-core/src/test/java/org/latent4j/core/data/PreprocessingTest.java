package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.tensor.Tensor;

class PreprocessingTest {
    @Test
    void scaleBytesIsTheCorrectlyRoundedQuotient() {
        float[] bytes = new float[256];
        for (int i = 0; i < 256; i++) bytes[i] = i;
        float[] scaled = Preprocessing.scaleBytes(Tensor.wrap(bytes, 16, 16)).toArray();
        for (int i = 0; i < 256; i++) {
            // Correct rounding of i/255 to float32, decided in double: no other float is closer.
            float s = scaled[i];
            double exact = i / 255.0;
            assertTrue(Math.abs(s - exact) <= Math.ulp(s) / 2, "byte " + i + " scaled to " + s);
        }
        assertEquals(0f, scaled[0]);
        assertEquals(1f, scaled[255]);
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaleBytes(Tensor.vector(3, 256)));
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.scaleBytes(Tensor.vector(0.5f)));
    }

    /** Data with known column means and spreads, and one constant column (like a black border pixel). */
    static Tensor sample(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[n * 3];
        for (int i = 0; i < n; i++) {
            v[3 * i] = (float) (5 + 2 * r.nextGaussian());
            v[3 * i + 1] = (float) (-1e3 + 0.5 * r.nextGaussian());
            v[3 * i + 2] = 7f;
        }
        return Tensor.wrap(v, n, 3);
    }

    @Test
    void standardizerMatchesWelfordAndHandlesConstantFeatures() {
        Tensor x = sample(5000);
        Standardizer s = Standardizer.fit(x);
        // Independent one-pass Welford mean and variance per column.
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            double m2 = 0;
            for (int i = 0; i < 5000; i++) {
                double v = x.get(i, j);
                double delta = v - mean;
                mean += delta / (i + 1);
                m2 += delta * (v - mean);
            }
            double std = Math.sqrt(m2 / 5000);
            assertEquals(mean, s.mean()[j], Math.ulp((float) mean), "mean of column " + j);
            if (j < 2) assertEquals(std, s.scale()[j], 1e-6 * std, "scale of column " + j);
        }
        assertEquals(1f, s.scale()[2], "a constant feature is centred, not divided by ~0");

        Tensor z = s.apply(x);
        for (int j = 0; j < 2; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < 5000; i++) {
                sum += z.get(i, j);
                sq += z.get(i, j) * z.get(i, j);
            }
            // The mean is kept in float32, so it is off by up to half an ulp: that shifts the result by ulp/2/std.
            double bias = Math.ulp(s.mean()[j]) / 2 / s.scale()[j];
            assertEquals(0, sum / 5000, bias + 1e-5, "standardized mean of column " + j);
            assertEquals(1, sq / 5000, 1e-3, "standardized second moment of column " + j);
        }
        for (int i = 0; i < 5000; i++) assertEquals(0f, z.get(i, 2));

        Tensor back = s.invert(z);
        for (int i = 0; i < 5000; i += 13) {
            // Rounding of (x - mean) / scale and of z * scale + mean: a few ulps of the larger of x and the mean.
            for (int j = 0; j < 3; j++) {
                float tolerance = 4 * Math.ulp(Math.max(Math.abs(x.get(i, j)), Math.abs(s.mean()[j])));
                assertEquals(x.get(i, j), back.get(i, j), tolerance);
            }
        }
    }

    @Test
    void standardizerSavesAndReloadsExactly() throws Exception {
        Standardizer s = Standardizer.fit(sample(200));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.write(out);
        Standardizer back = Standardizer.read(new ByteArrayInputStream(out.toByteArray()), "std.npy");
        assertEquals(s, back);
        assertArrayEquals(s.apply(sample(10)).toArray(), back.apply(sample(10)).toArray());

        ByteArrayOutputStream wrong = new ByteArrayOutputStream();
        NpyWriter.write(wrong, Tensor.zeros(3, 4));
        DataFileException e = assertThrows(DataFileException.class,
                () -> Standardizer.read(new ByteArrayInputStream(wrong.toByteArray()), "wrong.npy"));
        assertEquals("wrong.npy: holds an array of shape [3, 4], not a standardizer's [2, d] means and scales", e.getMessage());
        ByteArrayOutputStream zeroScale = new ByteArrayOutputStream();
        NpyWriter.write(zeroScale, Tensor.zeros(2, 2));
        e = assertThrows(DataFileException.class, () -> Standardizer.read(new ByteArrayInputStream(zeroScale.toByteArray()), "zero.npy"));
        assertTrue(e.getMessage().startsWith("zero.npy: standardizer: feature 0 has mean 0.0 and scale 0.0"), e.getMessage());
    }

    @Test
    void standardizerRejectsWrongWidthAndNonFiniteInput() {
        Standardizer s = Standardizer.fit(sample(10));
        assertThrows(org.latent4j.tensor.ShapeException.class, () -> s.apply(Tensor.zeros(2, 4)));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fit(Tensor.wrap(new float[] {1, Float.NaN}, 2, 1)));
    }
}
