package org.latent4j.core.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Surrogate;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class FiniteScalarQuantizerTest {
    private static FiniteScalarQuantizer fsq(Integer... levels) {
        return new FiniteScalarQuantizer(levels.length, List.of(levels), new Rng(1));
    }

    private static float[] quantizeRow(FiniteScalarQuantizer q, float... z) {
        try (var noGrad = GradMode.disabled()) {
            return q.quantize(Tensor.of(z, 1, z.length), false).output().toArray();
        }
    }

    /** The paper's bound in double: tanh(z + atanh(offset / half_l)) half_l - offset. */
    private static double bound(int levels, double z) {
        double half = (levels - 1) * (1 - 1e-3) / 2, offset = levels % 2 == 0 ? 0.5 : 0;
        double shift = 0.5 * Math.log((1 + offset / half) / (1 - offset / half));
        return Math.tanh(z + shift) * half - offset;
    }

    @Test
    void oddLevelsRoundSymmetricallyToHandValues() {
        // L = 5: half_l = 1.998, no offset; levels -2..2 over a half-width of 2
        FiniteScalarQuantizer q = fsq(5);
        float[] z = {0f, 0.2f, 0.3f, -0.3f, 0.9f, 10f, -10f};
        // f: 0, 0.3948, 0.5821, -0.5821, 1.4315, 1.998, -1.998
        float[] expected = {0f, 0f, 0.5f, -0.5f, 0.5f, 1f, -1f};
        for (int i = 0; i < z.length; i++) assertEquals(expected[i], quantizeRow(q, z[i])[0], "z = " + z[i]);
        try (var noGrad = GradMode.disabled()) {
            float[] f = q.bound(Tensor.of(z, z.length, 1)).toArray();
            for (int i = 0; i < z.length; i++) assertEquals(bound(5, z[i]), f[i], 2e-6, "f(" + z[i] + ")");
        }
    }

    @Test
    void twoLevelsAreTheSignOfZ() {
        // L = 2: half_l = 0.4995, offset 0.5, no shift: f(z) = 0.4995 tanh(z) - 0.5 in (-1, 0), -1 below 0 and 0 above
        FiniteScalarQuantizer q = fsq(2, 3);
        float[] z = {-2f, -0.01f, 0.01f, 3f};
        float[] expected = {-1f, -1f, 0f, 0f};
        for (int i = 0; i < z.length; i++) assertEquals(expected[i], quantizeRow(q, z[i], 0f)[0], "z = " + z[i]);
        assertEquals(6, q.codebookSizes()[0]);
        try (var noGrad = GradMode.disabled()) {
            Quantized r = q.quantize(Tensor.of(new float[] {-2f, 5f, 0.5f, -5f}, 2, 2), false);
            // first dimension fastest: (level 0, level 2) -> 0 + 2 * 2 = 4; (level 1, level 0) -> 1
            assertArrayEquals(new int[] {4, 1}, r.indices());
            assertArrayEquals(r.output().toArray(), q.decode(r.indices(), 2).toArray(), "decode gives the codes back");
        }
    }

    @Test
    void evenLevelsAreShiftedByHalfAWidthAndKeepZeroOnZero() {
        // L = 4: half_l = 1.4985, offset 0.5, shift atanh(0.5 / 1.4985) = 0.3470; levels -2..1 over a half-width of 2
        FiniteScalarQuantizer q = fsq(4);
        float[] z = {0f, -0.5f, 0.6f, 10f, -10f};
        // f: 0, -0.7275, 0.6063, 0.9985, -1.9985
        float[] expected = {0f, -0.5f, 0.5f, 0.5f, -1f};
        for (int i = 0; i < z.length; i++) assertEquals(expected[i], quantizeRow(q, z[i])[0], "z = " + z[i]);
        try (var noGrad = GradMode.disabled()) {
            float[] f = q.bound(Tensor.of(z, z.length, 1)).toArray();
            for (int i = 0; i < z.length; i++) assertEquals(bound(4, z[i]), f[i], 2e-6, "f(" + z[i] + ")");
            assertEquals(0f, f[0], 1e-6f, "f(0) = 0 for even L: the shift inside the tanh");
        }
    }

    @Test
    void everyDimensionReachesExactlyItsLevels() {
        // a fine sweep of z over [-8, 8]: L = 3..8, odd and even, take exactly L values each, equally spaced by 1 / floor(L/2)
        for (int l = 3; l <= 8; l++) {
            FiniteScalarQuantizer q = fsq(l);
            int n = 16001;
            float[] z = new float[n];
            for (int i = 0; i < n; i++) z[i] = -8f + 16f * i / (n - 1);
            TreeSet<Float> seen = new TreeSet<>();
            try (var noGrad = GradMode.disabled()) {
                for (float v : q.quantize(Tensor.of(z, n, 1), false).output().toArray()) seen.add(v);
            }
            assertEquals(l, seen.size(), "L = " + l + ": " + seen);
            int half = l / 2;
            assertEquals(-1f, seen.first(), "L = " + l);
            assertEquals(l % 2 == 1 ? 1f : 1f - 1f / half, seen.last(), 1e-6, "L = " + l);
            assertTrue(seen.contains(0f), "L = " + l + " has a level at 0");
        }
    }

    @Test
    void indicesRoundTripOverEveryCode() {
        for (List<Integer> levels : List.of(List.of(8, 5, 5, 5), List.of(8, 6, 5), List.of(3, 4), List.of(8, 8, 8))) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(levels.size(), levels, new Rng(2));
            int k = q.codebookSizes()[0], d = levels.size();
            assertEquals(FiniteScalarQuantizer.codebookSize(levels), k);
            int[] all = new int[k];
            for (int i = 0; i < k; i++) all[i] = i;
            // index -> levels -> a z inside each level's rounding interval -> index
            float[] codes = q.codes(all).toArray();
            float[] z = new float[k * d];
            for (int i = 0; i < k * d; i++) {
                int l = levels.get(i % d), half = l / 2;
                double half_l = (l - 1) * (1 - 1e-3) / 2, offset = l % 2 == 0 ? 0.5 : 0;
                double target = Math.rint(codes[i] * half);
                double y = Math.max(-half_l - offset + 0.2, Math.min(half_l - offset - 0.2, target)); // inside the bound's range
                double shift = 0.5 * Math.log((1 + offset / half_l) / (1 - offset / half_l));
                double u = (y + offset) / half_l;
                z[i] = (float) (0.5 * Math.log((1 + u) / (1 - u)) - shift);
            }
            try (var noGrad = GradMode.disabled()) {
                Quantized r = q.quantize(Tensor.of(z, k, d), false);
                assertArrayEquals(all, r.indices(), levels.toString());
                assertArrayEquals(codes, r.output().toArray(), levels.toString());
                assertArrayEquals(codes, q.decode(all, k).toArray(), levels.toString());
            }
            // the implicit codebook: prod(levels) distinct points
            Set<String> distinct = new HashSet<>();
            float[] book = q.implicitCodebook().toArray();
            for (int i = 0; i < k; i++) distinct.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(book, i * d, i * d + d)));
            assertEquals(k, distinct.size());
        }
    }

    @Test
    void theFirstDimensionVariesFastest() {
        FiniteScalarQuantizer q = fsq(3, 5);
        // index 1 = level 1 of dimension 0 (code 0 there), level 0 of dimension 1 (code -1); index 3 = (0, 1)
        assertArrayEquals(new float[] {0f, -1f, -1f, -0.5f}, q.codes(new int[] {1, 3}).toArray());
        assertArrayEquals(new int[] {5 * 3}, q.codebookSizes());
    }

    @Test
    void codebookSizeIsTheProductOfTheLevels() {
        assertEquals(1000, fsq(8, 5, 5, 5).codebookSizes()[0]);
        assertEquals(512, fsq(8, 8, 8).codebookSizes()[0]);
        assertEquals(64000, fsq(8, 8, 8, 5, 5, 5).codebookSizes()[0]);
        assertEquals(1, fsq(8, 8, 8).stages());
    }

    @Test
    void badLevelsAreRefusedWithAReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> fsq(8, 1));
        assertTrue(e.getMessage().contains(">= 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FiniteScalarQuantizer(3, List.of(), new Rng(1)));
        e = assertThrows(IllegalArgumentException.class, () -> fsq(1000, 1000, 1000));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
    }

    @Test
    void theStraightThroughGradientIsTheSurrogatesGradient() {
        // with and without projections: quantize's gradient to z is the unrounded surrogate's, and that one matches
        // finite differences
        for (int dim : new int[] {3, 5}) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(dim, List.of(8, 5, 4), new Rng(3));
            Tensor z = new Rng(4).normal(0f, 1f, 7, dim).requiresGrad(true);
            Tensor w = new Rng(5).normal(0f, 1f, 7, dim);
            q.quantize(z, true).output().mul(w).sum().backward();
            float[] ste = z.grad().toArray();
            z.clearGrad();
            q.surrogate(z).mul(w).sum().backward();
            assertArrayEquals(z.grad().toArray(), ste, "dim " + dim);
            z.clearGrad();
            GradCheck.Result r = GradCheck.check(in -> q.surrogate(in[0]), z);
            assertTrue(r.ok(), r.toString());
            // and the rounding adds nothing: d out / d f = 1 / floor(L / 2) exactly, for dim == d
            if (dim == 3) {
                Tensor zz = new Rng(6).normal(0f, 1f, 4, 3).requiresGrad(true);
                Tensor f = q.bound(zz);
                q.quantize(zz, true).output().sum().backward();
                float[] g = zz.grad().toArray();
                zz.clearGrad();
                f.mul(Tensor.vector(1f / 4, 1f / 2, 1f / 2)).sum().backward();
                assertArrayEquals(zz.grad().toArray(), g);
            }
        }
    }

    @Test
    void insideASurrogateFreezeTheRoundingIsHeldStillAndTheGradientChecks() {
        // what the model contract's gradient check does: finite differences of quantize itself, rounding frozen
        FiniteScalarQuantizer q = new FiniteScalarQuantizer(5, List.of(8, 5, 4), new Rng(10));
        Tensor z = new Rng(11).normal(0f, 1f, 6, 5).requiresGrad(true);
        float[] plain;
        try (var noGrad = GradMode.disabled()) {
            plain = q.quantize(z, false).output().toArray();
        }
        try (Surrogate.Freeze f = Surrogate.freeze()) {
            f.evaluation();
            assertArrayEquals(plain, q.quantize(z, true).output().toArray(), "the same values inside a freeze");
            GradCheck.Result r = GradCheck.check(in -> {
                f.evaluation();
                return q.quantize(in[0], true).output();
            }, z);
            assertTrue(r.ok(), r.toString());
            assertTrue(f.recorded() > 0, "the rounding went through the freeze");
        }
    }

    @Test
    void noAuxiliaryLossAndNoParametersWithoutProjections() {
        FiniteScalarQuantizer q = fsq(8, 5, 5, 5);
        assertEquals(0, q.parameterCount());
        assertEquals(0, q.namedBuffers().size());
        Quantized r = q.quantize(new Rng(7).normal(0f, 1f, 10, 4), true);
        assertEquals(0f, r.loss().item());
        assertTrue(r.metrics().get("perplexity") >= 1 && r.metrics().get("perplexity") <= 10, r.metrics().toString());
        FiniteScalarQuantizer projected = new FiniteScalarQuantizer(16, List.of(8, 5, 5, 5), new Rng(8));
        assertEquals(Set.of("project_in.weight", "project_in.bias", "project_out.weight", "project_out.bias"), projected.namedParameters().keySet());
        try (var noGrad = GradMode.disabled()) {
            Quantized p = projected.quantize(new Rng(9).normal(0f, 1f, 6, 16), false);
            assertArrayEquals(new int[] {6, 16}, p.output().shape());
            assertArrayEquals(p.output().toArray(), projected.decode(p.indices(), 6).toArray());
        }
    }
}
