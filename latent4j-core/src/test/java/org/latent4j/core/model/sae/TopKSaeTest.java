package org.latent4j.core.model.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.DataShape;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.OptionValues;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.train.StepInfo;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.GradCheck;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.random.Rng;

/**
 * {@link TopKSae}: the pieces of Gao et al.'s recipe one by one (initialisation, top-k, the sparse decoder, the gradient
 * projection and renormalisation, AuxK on dead latents only, the dead window in rows, the input scale, the geometric
 * median) and the whole through the trainer, resumed bit for bit.
 */
class TopKSaeTest {
    private static final TrainingProgress START = new TrainingProgress(0, 0, 1);

    @TempDir
    Path tmp;

    private static TopKSae model(int d, int latents, int k, int kAux, int deadTokens, long seed) {
        return new TopKSae(TopKSaeConfig.of(d, latents, k).withAuxK(true, TopKSaeConfig.DEFAULT_AUXK_ALPHA, kAux).withDeadTokens(deadTokens),
                new Rng(seed));
    }

    private static Tensor gaussian(long seed, int n, int d, float mean, float std) {
        return new Rng(seed).normal(mean, std, n, d);
    }

    private static Tensor state(TopKSae m, String name) {
        return m.namedState().get(name);
    }

    /** Every latent counted as dead unless it fires in the batch at hand. */
    private static void allDead(TopKSae m) {
        state(m, "tokens_since_fired").fill(m.deadWindow());
    }

    private static double[] atom(TopKSae m, int j) {
        int d = m.dataDim();
        float[] w = m.decoderAtoms().toArray();
        double[] out = new double[d];
        for (int c = 0; c < d; c++) out[c] = w[j * d + c];
        return out;
    }

    /** The pre-activations W_enc (s x - b_pre) + b_enc of one row, in double. */
    private static double[] preActivations(TopKSae m, float[] x) {
        int d = m.dataDim(), l = m.latentDim();
        float[] w = m.encoderWeight().toArray(), be = m.encoderBias().toArray(), bp = m.preBias().toArray();
        double[] pre = new double[l];
        for (int j = 0; j < l; j++) {
            double s = be[j];
            for (int c = 0; c < d; c++) s += (double) w[j * d + c] * (m.inputScale() * x[c] - bp[c]);
            pre[j] = s;
        }
        return pre;
    }

    @Test
    void theAtomsStartAsUnitDirectionsAndTheEncoderAsTheirTranspose() {
        TopKSae m = model(10, 40, 4, 8, 0, 1);
        float[] w = m.decoderAtoms().toArray();
        assertArrayEquals(w, m.encoderWeight().toArray(), "W_enc [L, d] = W_dec^T, with W_dec [d, L] stored as its atoms' rows");
        for (int j = 0; j < 40; j++) {
            double n = 0;
            for (int c = 0; c < 10; c++) n += (double) w[j * 10 + c] * w[j * 10 + c];
            assertEquals(1.0, Math.sqrt(n), 1e-6, "atom " + j);
        }
        assertArrayEquals(new float[40], m.encoderBias().toArray());
        assertArrayEquals(new float[10], m.preBias().toArray());
        assertEquals(1f, m.inputScale());
        assertEquals(TopKSaeConfig.PAPER_DEAD_TOKENS, m.deadWindow(), "before initialisation, Gao et al.'s window");
        assertEquals(List.of("pre_bias", "W_dec", "encoder.weight", "encoder.bias", "input_scale", "tokens_since_fired", "dead_window"),
                List.copyOf(m.namedState().keySet()));
    }

    @Test
    void theCodeKeepsTheKLargestPreActivationsAfterTheReluAndL0IsAtMostK() {
        TopKSae m = model(12, 50, 5, 8, 0, 2);
        Tensor x = gaussian(3, 7, 12, 0.3f, 1f);
        // push all but three latents far down: each row keeps at least two zeros among its 5
        float[] bias = m.encoderBias().data();
        for (int j = 0; j < 47; j++) bias[j] = -100f;
        LatentCode.Sparse code;
        try (var noGrad = GradMode.disabled()) {
            code = m.encode(x, null);
        }
        assertEquals(5, code.k());
        int[] idx = code.indices();
        float[] v = code.values().toArray(), xv = x.toArray();
        for (int i = 0; i < 7; i++) {
            double[] pre = preActivations(m, Arrays.copyOfRange(xv, i * 12, (i + 1) * 12));
            Integer[] order = new Integer[50];
            for (int j = 0; j < 50; j++) order[j] = j;
            Arrays.sort(order, (a, b) -> Double.compare(pre[b], pre[a]));
            TreeSet<Integer> expected = new TreeSet<>(Arrays.asList(order).subList(0, 5)), got = new TreeSet<>();
            for (int j = 0; j < 5; j++) {
                got.add(idx[i * 5 + j]);
                assertEquals(Math.max(0, pre[idx[i * 5 + j]]), v[i * 5 + j], 1e-4, "the ReLU of the pre-activation");
            }
            assertEquals(expected, got, "row " + i + ": the 5 largest");
        }
        // only 3 latents can be positive: at most 3 non-zero values a row, the rest of the k are zeros
        LossResult r = m.loss(Batch.of(x), START, new Rng(0));
        double l0 = r.metrics().get("l0");
        assertTrue(l0 <= 3 && l0 > 0, "L0 " + l0);
        assertEquals(SparseEncoding.l0(code.values()), l0, 1e-12);
    }

    @Test
    void theSparseDecoderIsTheDenseProductAndReconstructionsAreInDataUnits() {
        TopKSae m = model(9, 30, 4, 4, 0, 4);
        Tensor x = gaussian(5, 11, 9, 5f, 20f);
        m.initialise(TrainingData.of(x), new Rng(6));
        assertNotEquals(1f, m.inputScale());
        try (var noGrad = GradMode.disabled()) {
            LatentCode.Sparse code = m.encode(x, null);
            Tensor dense = m.decode(code.vector(), null);
            Tensor sparse = m.reconstruct(x, null);
            float[] a = dense.toArray(), b = sparse.toArray();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4 * Math.max(1, Math.abs(a[i])), "element " + i);
            // in data units: the decoder's output over s is what reconstruct returns
            Tensor normalised = code.vector().matmul(m.decoderAtoms()).add(m.preBias());
            float[] n = normalised.toArray();
            for (int i = 0; i < a.length; i++) assertEquals(n[i] / m.inputScale(), a[i], 1e-4 * Math.max(1, Math.abs(a[i])));
        }
    }

    /**
     * With the atoms +e_c and -e_c (and the encoder their transpose) the code of x' - b_pre is its d positive parts and
     * reconstructs it exactly: a round trip through the scale, b_pre, the encoder and the sparse decoder.
     */
    @Test
    void inputNormalisationRoundTrip() {
        int d = 4;
        TopKSae m = model(d, 2 * d, d, 2, 0, 7);
        Tensor x = gaussian(8, 50, d, 300f, 1000f);
        m.initialise(TrainingData.of(x), new Rng(9));
        float s = m.inputScale();
        float[] xv = x.toArray();
        double meanSquaredNorm = 0;
        for (float f : xv) meanSquaredNorm += (double) s * f * s * f;
        assertEquals(d, meanSquaredNorm / 50, 1e-3 * d, "the mean squared norm of the scaled inputs is d");
        float[] atoms = new float[2 * d * d];
        for (int c = 0; c < d; c++) {
            atoms[c * d + c] = 1f;
            atoms[(d + c) * d + c] = -1f;
        }
        m.decoderAtoms().copyFrom(Tensor.of(atoms, 2 * d, d));
        m.encoderWeight().copyFrom(Tensor.of(atoms, 2 * d, d));
        float[] back;
        try (var noGrad = GradMode.disabled()) {
            back = m.reconstruct(x, null).toArray();
        }
        for (int i = 0; i < xv.length; i++) assertEquals(xv[i], back[i], 1e-5 * 3000, "element " + i);
        // and the loss is the squared error of the scaled data: zero here
        assertEquals(0, m.loss(Batch.of(x), START, new Rng(0)).reconstruction().item(), 1e-6);
    }

    @Test
    void thePreBiasStartsAtTheGeometricMedian() {
        // the median of collinear points is the middle one; far outliers do not move it, as they move the mean
        float[] pts = {0, 0, 1, 0, 2, 0, 3, 0, 1000, 0};
        double[] med = TopKSae.geometricMedian(pts, 0, 5, 2);
        assertEquals(2, med[0], 1e-4);
        assertEquals(0, med[1], 1e-9);
        // the four corners of a square and its centre: the centre
        float[] sq = {-1, -1, -1, 1, 1, -1, 1, 1, 0, 0};
        med = TopKSae.geometricMedian(sq, 0, 5, 2);
        assertEquals(0, med[0], 1e-6);
        assertEquals(0, med[1], 1e-6);
        // a triangle with all angles below 120 degrees: the Fermat point, where the unit vectors to the corners sum to 0
        float[] tri = {0, 0, 4, 0, 1, 3};
        med = TopKSae.geometricMedian(tri, 0, 3, 2);
        double gx = 0, gy = 0;
        for (int i = 0; i < 3; i++) {
            double dx = tri[2 * i] - med[0], dy = tri[2 * i + 1] - med[1], n = Math.hypot(dx, dy);
            gx += dx / n;
            gy += dy / n;
        }
        assertEquals(0, Math.hypot(gx, gy), 1e-4);
        // through initialise: b_pre is s times the median of the sample
        Tensor x = Tensor.of(new float[] {0, 0, 1, 0, 2, 0, 3, 0, 1000, 0}, 5, 2);
        TopKSae m = model(2, 4, 1, 1, 0, 1);
        m.initialise(TrainingData.of(x), new Rng(1));
        assertEquals(2 * m.inputScale(), m.preBias().toArray()[0], 1e-4 * m.inputScale());
    }

    @Test
    void theProjectedGradientIsOrthogonalToEachAtomAndAStepKeepsTheAtomsUnitNorm() {
        TopKSae m = model(16, 64, 6, 8, 0, 10);
        Tensor x = gaussian(11, 32, 16, 0f, 1f);
        m.initialise(TrainingData.of(x), new Rng(12));
        Adam adam = new Adam(m.parameters(), AdamOptions.DEFAULTS.withLearningRate(0.05));
        for (int step = 0; step < 3; step++) {
            adam.zeroGrad();
            LossResult r = m.loss(Batch.of(x), new TrainingProgress(0, step, 1), new Rng(step));
            r.loss().backward();
            float[] before = m.decoderAtoms().grad().toArray();
            StepContext c = new StepContext(r, new TrainingProgress(0, step, 1), new Rng(step), 0.05);
            m.beforeOptimizerStep(c);
            float[] g = m.decoderAtoms().grad().toArray(), w = m.decoderAtoms().toArray();
            int touched = 0;
            for (int j = 0; j < 64; j++) {
                double dot = 0, gn = 0, bn = 0;
                for (int e = 0; e < 16; e++) {
                    dot += (double) g[j * 16 + e] * w[j * 16 + e];
                    gn += (double) g[j * 16 + e] * g[j * 16 + e];
                    bn += (double) before[j * 16 + e] * before[j * 16 + e];
                }
                assertEquals(0, dot, 1e-6 * Math.sqrt(bn) + 1e-12, "step " + step + ", atom " + j + ": the gradient has no component along the atom");
                if (bn > 0) touched++;
                assertTrue(gn <= bn * (1 + 1e-6), "a projection never lengthens the gradient");
            }
            assertTrue(touched > 10, "the batch's code reached " + touched + " atoms");
            adam.step();
            m.afterOptimizerStep(c);
            float[] after = m.decoderAtoms().toArray();
            for (int j = 0; j < 64; j++) {
                double n = 0;
                for (int e = 0; e < 16; e++) n += (double) after[j * 16 + e] * after[j * 16 + e];
                assertEquals(1.0, Math.sqrt(n), 1e-6, "step " + step + ", atom " + j);
            }
        }
    }

    @Test
    void auxKReconstructsTheErrorFromTheTopDeadLatentsOnly() {
        int d = 8, l = 24, k = 3, kAux = 4;
        TopKSae m = model(d, l, k, kAux, 10, 13);
        Tensor x = gaussian(14, 6, d, 0f, 1f);
        m.initialise(TrainingData.of(x), new Rng(15));
        // latents 0..11 have gone 10 rows (the window) without firing; 12..23 fired in the last batch
        float[] counts = new float[l];
        Arrays.fill(counts, 0, 12, 10f);
        state(m, "tokens_since_fired").copyFrom(Tensor.of(counts, l));
        LossResult r = m.loss(Batch.of(x), START, new Rng(0));
        TopKSae.Fired fired = (TopKSae.Fired) r.state();
        TreeSet<Integer> firedSet = new TreeSet<>();
        for (int j : fired.latents()) firedSet.add(j);

        // by hand, in double: the error, each row's 4 largest pre-activations among the dead (0..11, not firing now)
        float[] xv = x.toArray(), bp = m.preBias().toArray();
        float s = m.inputScale();
        double aux = 0;
        int deadCount = 0;
        for (int j = 0; j < l; j++) if (j < 12 && !firedSet.contains(j)) deadCount++;
        Tensor recon;
        try (var noGrad = GradMode.disabled()) {
            recon = m.reconstruct(x, null);
        }
        float[] rv = recon.toArray();
        for (int i = 0; i < 6; i++) {
            double[] pre = preActivations(m, Arrays.copyOfRange(xv, i * d, (i + 1) * d));
            List<Integer> dead = new ArrayList<>();
            for (int j = 0; j < 12; j++) if (!firedSet.contains(j)) dead.add(j);
            dead.sort((a, b) -> Double.compare(pre[b], pre[a]));
            double[] eHat = new double[d];
            for (int q = 0; q < Math.min(kAux, dead.size()); q++) {
                double[] a = atom(m, dead.get(q));
                for (int c = 0; c < d; c++) eHat[c] += Math.max(0, pre[dead.get(q)]) * a[c];
            }
            for (int c = 0; c < d; c++) {
                double e = s * xv[i * d + c] - s * rv[i * d + c];
                aux += (e - eHat[c]) * (e - eHat[c]);
            }
        }
        aux /= 6;
        assertTrue(deadCount > 0);
        assertEquals(aux, r.metrics().get("auxk"), 1e-4 * Math.max(1, aux));
        assertEquals((double) deadCount / l, r.metrics().get("dead_fraction"), 1e-12);
        assertEquals(aux / 32, r.regularization().item(), 1e-4 * Math.max(1, aux) / 32);
        assertEquals(r.reconstruction().item() + r.regularization().item(), r.loss().item(), 1e-5 * r.loss().item());

        // the decoder's gradient reaches only the atoms of the code and of the dead latents
        r.loss().backward();
        float[] g = m.decoderAtoms().grad().toArray();
        try (var noGrad = GradMode.disabled()) {
            TreeSet<Integer> coded = new TreeSet<>();
            for (int j : m.encode(x, null).indices()) coded.add(j);
            for (int j = 12; j < l; j++) {
                if (coded.contains(j)) continue;
                for (int c = 0; c < d; c++) assertEquals(0f, g[j * d + c], "atom " + j + " is neither in the code nor dead");
            }
        }
    }

    /** AuxK's dense form (few dead latents per chosen one) and its sparse form give the same loss and gradients. */
    @Test
    void auxKDenseAndSparseAgree() {
        int d = 12, l = 300;
        for (int kAux : new int[] {4, 64}) {
            TopKSae m = model(d, l, 5, kAux, 10, 60 + kAux);
            Tensor x = gaussian(61, 9, d, 0.2f, 1f);
            m.initialise(TrainingData.of(x), new Rng(62));
            int[] dead = java.util.stream.IntStream.range(0, 290).filter(j -> j % 3 != 1).toArray();
            Tensor error;
            try (var noGrad = GradMode.disabled()) {
                error = x.mul(m.inputScale()).sub(m.reconstruct(x, null).mul(m.inputScale()));
            }
            Tensor[] params = m.parameters().toArray(new Tensor[0]);
            float[][][] grads = new float[2][][];
            double[] values = new double[2];
            for (int f = 0; f < 2; f++) {
                for (Tensor p : params) p.clearGrad();
                Tensor aux = m.auxKLoss(x, dead, error, f == 0);
                values[f] = aux.item();
                aux.backward();
                grads[f] = new float[params.length][];
                for (int i = 0; i < params.length; i++) grads[f][i] = params[i].grad() == null ? new float[params[i].size()] : params[i].grad().toArray();
            }
            assertEquals(values[0], values[1], 1e-5 * values[0], "k_aux " + kAux);
            for (int i = 0; i < params.length; i++) {
                for (int e = 0; e < grads[0][i].length; e++) {
                    assertEquals(grads[0][i][e], grads[1][i][e], 1e-4 * Math.max(1, Math.abs(grads[0][i][e])), "k_aux " + kAux + ", parameter " + i + "[" + e + "]");
                }
            }
        }
    }

    @Test
    void auxKIsZeroWhenNoLatentIsDeadAndAbsentWhenOff() {
        TopKSae m = model(8, 24, 3, 4, 10, 16);
        Tensor x = gaussian(17, 6, 8, 0f, 1f);
        m.initialise(TrainingData.of(x), new Rng(18));
        LossResult r = m.loss(Batch.of(x), START, new Rng(0));
        assertEquals(0.0, r.metrics().get("auxk"), "fresh counts: nothing is dead");
        assertEquals(0.0, r.metrics().get("dead_fraction"));
        assertEquals(0f, r.regularization().item());
        assertEquals(r.reconstruction().item(), r.loss().item());
        assertEquals(List.of("l0", "fvu", "dead_fraction", "auxk"), List.copyOf(r.metrics().keySet()));

        TopKSae off = new TopKSae(TopKSaeConfig.of(8, 24, 3).withAuxK(false, TopKSaeConfig.DEFAULT_AUXK_ALPHA, 4).withDeadTokens(10), new Rng(16));
        off.initialise(TrainingData.of(x), new Rng(18));
        allDead(off);
        LossResult o = off.loss(Batch.of(x), START, new Rng(0));
        assertEquals(List.of("l0", "fvu", "dead_fraction"), List.copyOf(o.metrics().keySet()));
        assertTrue(o.metrics().get("dead_fraction") > 0, "dead latents are still counted");
        assertEquals(0f, o.regularization().item());
    }

    /**
     * The loss's gradients against finite differences, term by term: the reconstruction term as it is, the AuxK term with
     * the error held fixed (the loss treats the error as a constant of that term, as Gao et al.'s code does, so the total
     * loss's finite differences, which move the error too, are not its gradient).
     */
    @Test
    void theLossGradientsWithAuxKMatchFiniteDifferences() {
        GradCheck.Settings settings = GradCheck.Settings.DEFAULT.withStep(1.0 / 2048);
        for (long seed = 20; seed < 23; seed++) {
            TopKSae m = model(6, 14, 2, 3, 5, seed);
            Tensor x = gaussian(seed + 100, 5, 6, 0.5f, 1f);
            m.initialise(TrainingData.of(x), new Rng(seed));
            // a bias that keeps the chosen pre-activations away from the ReLU's kink, where finite differences mislead
            m.encoderBias().fill(1.5f);
            allDead(m);
            LossResult r = m.loss(Batch.of(x), START, new Rng(0));
            assertTrue(r.metrics().get("auxk") > 0, "AuxK is in the loss");
            Tensor[] params = m.parameters().toArray(new Tensor[0]);
            GradCheck.Result g = GradCheck.check(settings, in -> m.loss(Batch.of(x), START, new Rng(0)).reconstruction(), params);
            assertTrue(g.ok(), "seed " + seed + ", reconstruction: " + g);

            int[] firing = ((TopKSae.Fired) r.state()).latents();
            int[] dead = java.util.stream.IntStream.range(0, 14).filter(j -> Arrays.stream(firing).noneMatch(f -> f == j)).toArray();
            Tensor error;
            try (var noGrad = GradMode.disabled()) {
                error = x.mul(m.inputScale()).sub(m.reconstruct(x, null).mul(m.inputScale()));
            }
            for (boolean dense : new boolean[] {true, false}) {
                assertEquals(r.metrics().get("auxk"), m.auxKLoss(x, dead, error, dense).item(), 1e-5, "the loss's AuxK is this term");
                g = GradCheck.check(settings, in -> m.auxKLoss(x, dead, error, dense), params);
                assertTrue(g.ok(), "seed " + seed + ", AuxK" + (dense ? " (dense)" : " (sparse)") + ": " + g);
            }
            // and the loss's gradient is the sum of the two
            for (Tensor p : params) p.clearGrad();
            m.loss(Batch.of(x), START, new Rng(0)).loss().backward();
            float[][] total = new float[params.length][];
            for (int i = 0; i < params.length; i++) total[i] = params[i].grad().toArray();
            for (Tensor p : params) p.clearGrad();
            m.loss(Batch.of(x), START, new Rng(0)).reconstruction().add(m.auxKLoss(x, dead, error, true).mul(1f / 32)).backward();
            for (int i = 0; i < params.length; i++) {
                float[] parts = params[i].grad().toArray();
                for (int e = 0; e < parts.length; e++) assertEquals(parts[e], total[i][e], 1e-5 * Math.max(1, Math.abs(parts[e])));
            }
        }
    }

    @Test
    void theDeadWindowCountsRowsStopsAtTheWindowAndRestartsWhenALatentFires() {
        TopKSae m = model(4, 6, 1, 2, 10, 30);
        Tensor x = gaussian(31, 4, 4, 0f, 1f);
        m.initialise(TrainingData.of(x), new Rng(32));
        assertEquals(10, m.deadWindow());
        m.countRows(new TopKSae.Fired(new int[] {1}, 4));
        assertArrayEquals(new float[] {4, 0, 4, 4, 4, 4}, m.tokensSinceFired());
        m.countRows(new TopKSae.Fired(new int[] {2, 5}, 4));
        assertArrayEquals(new float[] {8, 4, 0, 8, 8, 0}, m.tokensSinceFired());
        assertFalse(m.isDead(0), "8 rows of 10");
        m.countRows(new TopKSae.Fired(new int[] {}, 3));
        assertArrayEquals(new float[] {10, 7, 3, 10, 10, 3}, m.tokensSinceFired(), "the counts stop at the window");
        assertTrue(m.isDead(0) && !m.isDead(1));
        m.countRows(new TopKSae.Fired(new int[] {0}, 4));
        assertArrayEquals(new float[] {0, 10, 7, 10, 10, 7}, m.tokensSinceFired());
        assertFalse(m.isDead(0), "a dead latent that fires is alive again");

        // through the hooks: the loss's state carries the batch's firing latents and its rows
        m.namedState().get("tokens_since_fired").fill(0f);
        LossResult r = m.loss(Batch.of(x), START, new Rng(0));
        m.afterOptimizerStep(new StepContext(r, START, new Rng(0), 0.001));
        TopKSae.Fired f = (TopKSae.Fired) r.state();
        float[] c = m.tokensSinceFired();
        for (int j = 0; j < 6; j++) {
            int latent = j;
            boolean firedNow = Arrays.stream(f.latents()).anyMatch(q -> q == latent);
            assertEquals(firedNow ? 0f : 4f, c[j], "latent " + j);
        }
        // the loss's dead set is the counts as this batch leaves them: 8 + 4 reaches 10 for a latent that does not fire
        m.namedState().get("tokens_since_fired").fill(8f);
        LossResult r2 = m.loss(Batch.of(x), START, new Rng(0));
        int firing = ((TopKSae.Fired) r2.state()).latents().length;
        assertEquals((6.0 - firing) / 6, r2.metrics().get("dead_fraction"), 1e-12);
        m.namedState().get("tokens_since_fired").fill(5f);
        assertEquals(0.0, m.loss(Batch.of(x), START, new Rng(0)).metrics().get("dead_fraction"), "5 + 4 rows is not yet 10");
    }

    @Test
    void theDefaultWindowIsOnePassOverTheTrainingRowsAtMostTenMillion() {
        TopKSaeConfig c = TopKSaeConfig.of(4, 8, 2);
        assertEquals(0, c.deadTokens());
        assertEquals(60_000, c.deadWindow(60_000));
        assertEquals(10_000_000, c.deadWindow(50_000_000));
        assertEquals(500, c.withDeadTokens(500).deadWindow(60_000));
        TopKSae m = new TopKSae(c, new Rng(1));
        m.initialise(TrainingData.of(gaussian(2, 37, 4, 0f, 1f)), new Rng(3));
        assertEquals(37, m.deadWindow());
        assertEquals(512, TopKSaeConfig.defaultAuxKK(784));
        assertEquals(512, TopKSaeConfig.defaultAuxKK(768), "Gao et al.'s k_aux for GPT-2 small");
        assertEquals(8, TopKSaeConfig.defaultAuxKK(12));
        assertEquals(1, TopKSaeConfig.defaultAuxKK(1));
    }

    @Test
    void optionsAndConfigChecksNameWhatIsWrong() {
        TopKSaeKind kind = new TopKSaeKind();
        DataShape shape = new DataShape(784, null, 0, true);
        TopKSaeConfig c = kind.configure(new OptionValues("t", Map.of()), shape);
        assertEquals(TopKSaeConfig.of(784, 8 * 784, 32), c, "the documented defaults");
        assertEquals(512, c.auxKK());
        Map<String, String> o = new LinkedHashMap<>();
        o.put("latents", "4096");
        o.put("sparsity-k", "16");
        o.put("auxk-alpha", "0.5");
        o.put("auxk-k", "64");
        o.put("dead-tokens", "60000");
        assertEquals(new TopKSaeConfig(784, 4096, 16, true, 0.5, 64, 60000), kind.configure(new OptionValues("t", o), shape));
        assertEquals(64, kind.configure(new OptionValues("t", Map.of("sparsity-k", "64")), new DataShape(1, null, 0, true)).latents(),
                "a stand-in shape accepts whatever k real data accept");
        assertFalse(kind.configure(new OptionValues("t", Map.of("auxk", "off")), shape).auxK());
        String[][] bad = {
            {"sparsity-k", "40", "latents", "20", "--sparsity-k 40 exceeds --latents 20"},
            {"auxk", "maybe", "--auxk must be on or off"},
            {"auxk", "off", "auxk-alpha", "0.1", "--auxk-alpha is the weight of the AuxK loss"},
            {"auxk", "off", "auxk-k", "4", "--auxk-k is the AuxK loss's k"},
            {"dead-tokens", "0", "--dead-tokens must be between 1 and 16777216"},
            {"dead-tokens", "20000000", "--dead-tokens must be between 1 and 16777216"},
            {"latents", "x", "--latents must be a whole number"},
        };
        for (String[] b : bad) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < b.length; i += 2) m.put(b[i], b[i + 1]);
            var e = assertThrows(OptionValues.OptionException.class, () -> kind.configure(new OptionValues("t", m), shape));
            assertTrue(e.getMessage().contains(b[b.length - 1]), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new TopKSaeConfig(4, 8, 9, true, 0.1, 2, 0));
        assertTrue(e.getMessage().contains("TopKSaeConfig.k (9) must be at most latents (8)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TopKSaeConfig(4, 8, 2, true, -1, 2, 0));
        assertTrue(e.getMessage().contains("auxKAlpha"), e.getMessage());
    }

    private static final class Killed extends RuntimeException {}

    /**
     * The trainer end to end with AuxK busy (a window of 20 rows, so latents die within an epoch), killed mid-run and
     * resumed: the same bits in every parameter and buffer (the dead counts included) and the same history.
     */
    @Test
    void aRunResumedFromACheckpointEndsWithTheSameBitsAndDeadCounts() {
        Tensor x = gaussian(40, 75, 8, 0.5f, 1f);
        Dataset data = Dataset.unlabeled("toy", Tensor.wrap(x.toArray(), 75, 8));
        TrainerOptions options = TrainerOptions.defaults().withEpochs(3).withBatchSize(16).withSeed(7).withValidationFraction(0.2)
                .withBinarization(Binarization.NONE).withLearningRate(0.01);
        TopKSaeConfig config = TopKSaeConfig.of(8, 40, 3).withAuxK(true, TopKSaeConfig.DEFAULT_AUXK_ALPHA, 4).withDeadTokens(20);
        TopKSae straight = new TopKSae(config, new Rng(1));
        TrainingResult full = Trainer.fit(straight, data, null, options, tmp.resolve("a"), TrainingListener.NONE);
        assertTrue(full.history().stream().anyMatch(e -> e.metrics().get("auxk") > 0), "AuxK was at work: " + full.history());
        boolean between = false;
        for (float v : straight.tokensSinceFired()) between |= v > 0 && v < 20;
        assertTrue(between, "counts between 0 and the window");

        Path run = tmp.resolve("b");
        TrainerOptions often = options.withCheckpointEveryMinutes(1e-12);
        assertThrows(Killed.class, () -> Trainer.fit(new TopKSae(config, new Rng(1)), data, null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 5) throw new Killed();
            }
        }));
        TopKSae resumed = new TopKSae(config, new Rng(999));
        TrainingResult rest = Trainer.resume(resumed, data, null, often, run, TrainingListener.NONE);
        straight.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), resumed.namedState().get(name).toArray(), name));
        for (int e = 0; e < 3; e++) {
            assertEquals(full.history().get(e).metrics(), rest.history().get(e).metrics(), "epoch " + (e + 1));
            assertEquals(full.history().get(e).trainLoss(), rest.history().get(e).trainLoss());
        }
        assertEquals(List.of("l0", "fvu", "dead_fraction", "auxk"), List.copyOf(full.history().getLast().metrics().keySet()));
    }

    /** Training reduces the error well below the variance on data that a few directions explain. */
    @Test
    void itLearnsASparseDictionary() {
        int d = 16, atoms = 12, n = 600;
        Rng r = new Rng(50);
        float[] dict = r.normal(0f, 1f, atoms, d).toArray();
        float[] x = new float[n * d];
        java.util.SplittableRandom pick = new java.util.SplittableRandom(51);
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 2; t++) {
                int a = pick.nextInt(atoms);
                float c = (float) (1 + pick.nextDouble() * 2);
                for (int e = 0; e < d; e++) x[i * d + e] += c * dict[a * d + e];
            }
        }
        Dataset data = Dataset.unlabeled("dict", Tensor.of(x, n, d));
        TopKSae m = new TopKSae(TopKSaeConfig.of(d, 48, 2).withDeadTokens(200), new Rng(52));
        TrainingResult res = Trainer.fit(m, data, null, TrainerOptions.defaults().withEpochs(40).withBatchSize(32).withSeed(3)
                .withValidationFraction(0).withBinarization(Binarization.NONE).withLearningRate(0.01), null, TrainingListener.NONE);
        double fvu = res.history().getLast().metrics().get("fvu");
        assertTrue(fvu < 0.1, "the fraction of variance unexplained after training: " + fvu + " (first epoch "
                + res.history().getFirst().metrics().get("fvu") + ")");
    }
}
