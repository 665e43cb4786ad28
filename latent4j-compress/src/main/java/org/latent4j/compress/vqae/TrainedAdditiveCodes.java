package org.latent4j.compress.vqae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.StageState;
import org.latent4j.compress.rq.AdditiveCodebooks;
import org.latent4j.compress.rq.AdditiveCompressor;
import org.latent4j.compress.rq.AdditiveResidualQuantizer;
import org.latent4j.compress.rq.BeamSearch;
import org.latent4j.compress.rq.CodeRefinement;
import org.latent4j.compress.rq.CodebookRefit;
import org.latent4j.compress.rq.NormLevels;
import org.latent4j.compress.rq.NormStorage;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Learned codes ({@code VQAE:<m>x<nbits>}) as an autoencoder whose decoder is the sum of one full-width codeword from
 * each of m codebooks and whose encoder is a search (beam search over the codebooks, then iterated conditional
 * modes), the two trained by alternating minimization of the reconstruction error on the training rows: the
 * codebooks start as a residual quantizer's (beam-trained, {@link AdditiveResidualQuantizer#fitCodebooks}), then each
 * round refits all codewords by least squares for the current codes ({@link CodebookRefit}) and re-encodes every row
 * with the new codewords, keeping for each row the better of its refined old code and a fresh beam search's refined
 * code (LSQ's alternation, Martinez et al. 2016/2018, without its perturbations). Without shrinkage (the default)
 * the training error never rises.
 *
 * <p>Encoding follows the path training took: a beam search over the starting residual quantizer's codebooks (kept
 * for this), whose greedy stage order a beam suits, then the better of those codes refined by ICM for the trained
 * codewords and a fresh beam search over the trained codewords, refined the same way. A beam over the trained
 * codewords alone finds worse codes, for they are no longer residual stages: Fashion-MNIST behind PCA384, 64 books
 * fitted on all 60,000 rows, 10,000 queries, recall@10 0.870 with the codes training carried and 0.856 with a fresh
 * beam and ICM (the residual start: 0.866); encoded this way, 0.870.
 *
 * <p>Shrinkage pulls rarely used codewords toward their book's mean target; it kept
 * codebooks started from k-means++ residual quantizers from memorizing a 10,000-row sample, but from the
 * progressive-dimension start that RQ now has it only loses (Fashion-MNIST behind PCA256, 16 books, 10,000 rows,
 * 2,000 queries: recall@10 0.654 with none, 0.615 with 10 rows' worth, 0.487 with 100; the start alone 0.649).
 *
 * <p>The earlier form of this kind, a VQ-VAE with an MLP encoder and a linear decoder ({@link LearnedCodes}), reached
 * k-NN recall@10 0.417 at 16 bytes on Fashion-MNIST where PQ16 reached 0.503; its stages still load.
 */
public final class TrainedAdditiveCodes extends AdditiveCompressor {
    /** The {@code method} a stage's config records, so that files of the VQ-VAE form are told apart. */
    static final String METHOD = "additive-lsq";

    /**
     * What the token does not say.
     *
     * @param beamWidth         beam of the search that encodes (and of the residual quantizer that starts training)
     * @param refineSweeps      sweeps of iterated conditional modes after the beam search, when training and encoding
     * @param refitPasses       passes of block coordinate descent over the codebooks in each round's least-squares refit
     * @param pointsPerCodeword the starting residual quantizer's k-means sample, per codeword
     * @param shrinkage         rows' worth of pull of each refit codeword toward its book's mean target ({@link CodebookRefit}); 0: plain least squares
     */
    public record TrainingSettings(int beamWidth, int refineSweeps, int refitPasses, int pointsPerCodeword, double shrinkage) {
        /** Checks each setting's range. */
        public TrainingSettings {
            if (beamWidth < 1) throw new IllegalArgumentException("VQAE: beamWidth must be at least 1, got " + beamWidth);
            if (refineSweeps < 0) throw new IllegalArgumentException("VQAE: refineSweeps must be at least 0, got " + refineSweeps);
            if (refitPasses < 1) throw new IllegalArgumentException("VQAE: refitPasses must be at least 1, got " + refitPasses);
            if (pointsPerCodeword < 1) throw new IllegalArgumentException("VQAE: pointsPerCodeword must be at least 1, got " + pointsPerCodeword);
            if (!(shrinkage >= 0) || Double.isInfinite(shrinkage)) throw new IllegalArgumentException("VQAE: shrinkage must be finite and at least 0, got " + shrinkage);
        }

        /** {@return the default settings} */
        public static TrainingSettings defaults() {
            return new TrainingSettings(5, 4, 2, AdditiveResidualQuantizer.POINTS_PER_CODEWORD, 0);
        }
    }

    private final String token;
    private final TrainingSettings settings;
    private final int rounds;
    /** The starting residual quantizer's codebooks, where encoding begins; null when training ran no round (or in files written before they were kept). */
    private final AdditiveCodebooks startCodebooks;

    TrainedAdditiveCodes(String token, AdditiveCodebooks codebooks, AdditiveCodebooks startCodebooks, NormStorage norm, float[] normLevels, TrainingSettings settings,
                         int rounds) {
        super(codebooks, norm, normLevels);
        this.token = token;
        this.settings = settings;
        this.rounds = rounds;
        this.startCodebooks = startCodebooks;
    }

    /** Trains m codebooks of 2^nbits codewords on rows [n, d] for {@code rounds} alternations. */
    static TrainedAdditiveCodes fit(String token, int books, int nbits, NormStorage norm, Tensor train, FitOptions options, TrainingSettings s, int rounds) {
        Training t = train(token, books, nbits, train, options, s, rounds);
        return new TrainedAdditiveCodes(token, t.codebooks(), rounds == 0 ? null : t.start(), norm, fitNormLevels(norm, t.codebooks(), t.codes(), train.dim(0)), s,
                rounds);
    }

    /** Codebooks, the residual quantizer's they started from, and the training rows' codes [n, M] they were last refit for (then re-encoded). */
    private record Training(AdditiveCodebooks codebooks, AdditiveCodebooks start, int[] codes, float[] x) {}

    private static Training train(String token, int books, int nbits, Tensor train, FitOptions options, TrainingSettings s, int rounds) {
        Tensor rows = train.contiguous();
        int n = rows.dim(0), d = rows.dim(1);
        float[] x = rows.offset() == 0 && rows.data().length == rows.size() ? rows.data() : rows.toArray();
        int[] idx = new int[Math.multiplyExact(n, books)];
        AdditiveCodebooks cb = AdditiveResidualQuantizer.fitCodebooks(token, x, 0, n, d, books, nbits, s.beamWidth(), s.pointsPerCodeword(),
                new Rng(options.seed()).fork(0x5651L), null, idx);
        AdditiveCodebooks start = cb;
        CodeRefinement.refine(cb, x, 0, n, idx, s.refineSweeps());
        for (int r = 0; r < rounds; r++) {
            cb = new AdditiveCodebooks(books, nbits, d, CodebookRefit.refit(cb, x, 0, n, idx, s.refitPasses(), s.shrinkage()));
            encodeInto(cb, x, 0, n, s, idx);
            options.progress().update(token, r + 1, rounds);
        }
        return new Training(cb, start, idx, x);
    }

    /** The mean squared error per row of the training rows' own codes after {@code rounds} alternations (0: the ICM-refined residual start). */
    static double trainingErrorAfter(Tensor train, int books, int nbits, FitOptions options, TrainingSettings s, int rounds) {
        Training t = train("VQAE", books, nbits, train, options, s, rounds);
        return trainingError(t.codebooks(), t.x(), train.dim(0), t.codes());
    }

    /**
     * Codes for rows {@code x[xOff]} [rows, d]: a beam search refined by ICM, or, when {@code idx} already holds
     * codes for these rows, whichever of those (refined) and the fresh ones reconstructs each row better.
     */
    static void encodeInto(AdditiveCodebooks cb, float[] x, int xOff, int rows, TrainingSettings s, int[] idx) {
        int[] fresh = new int[idx.length];
        BeamSearch.encode(cb, x, xOff, rows, s.beamWidth(), fresh);
        CodeRefinement.refine(cb, x, xOff, rows, fresh, s.refineSweeps());
        CodeRefinement.refine(cb, x, xOff, rows, idx, s.refineSweeps());
        int m = cb.books(), d = cb.dimension();
        Parallel.range(rows, 256, (lo, hi) -> {
            float[] a = new float[d];
            for (int i = lo; i < hi; i++) {
                if (squaredError(cb, x, xOff + i * d, fresh, i * m, a) < squaredError(cb, x, xOff + i * d, idx, i * m, a)) {
                    System.arraycopy(fresh, i * m, idx, i * m, m);
                }
            }
        });
    }

    static double trainingError(AdditiveCodebooks cb, float[] x, int n, int[] idx) {
        float[] a = new float[cb.dimension()];
        double e = 0;
        for (int i = 0; i < n; i++) e += squaredError(cb, x, i * cb.dimension(), idx, i * cb.books(), a);
        return e / n;
    }

    static double squaredError(AdditiveCodebooks cb, float[] x, int xOff, int[] idx, int idxOff, float[] scratch) {
        cb.decode(idx, idxOff, scratch, 0);
        double e = 0;
        for (int j = 0; j < scratch.length; j++) e += (x[xOff + j] - scratch[j]) * (double) (x[xOff + j] - scratch[j]);
        return e;
    }

    @Override
    protected void chooseCodes(float[] x, int xOff, int rows, int[] idx) {
        if (startCodebooks == null) {
            BeamSearch.encode(codebooks, x, xOff, rows, settings.beamWidth(), idx);
            CodeRefinement.refine(codebooks, x, xOff, rows, idx, settings.refineSweeps());
            return;
        }
        BeamSearch.encode(startCodebooks, x, xOff, rows, settings.beamWidth(), idx);
        encodeInto(codebooks, x, xOff, rows, settings, idx);
    }

    /**
     * The same codebooks encoding with another beam and number of ICM sweeps.
     *
     * @param beamWidth the beam width, at least 1
     * @param refineSweeps the sweeps, at least 0
     * @return the compressor
     */
    public TrainedAdditiveCodes withEncoding(int beamWidth, int refineSweeps) {
        TrainingSettings s = new TrainingSettings(beamWidth, refineSweeps, settings.refitPasses(), settings.pointsPerCodeword(), settings.shrinkage());
        return new TrainedAdditiveCodes(token, codebooks, startCodebooks, normStorage, normLevels, s, rounds);
    }

    /** {@return the settings it was trained and encodes with} */
    public TrainingSettings settings() {
        return settings;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public StageState state() {
        Map<String, Json.Value> config = new LinkedHashMap<>();
        config.put("method", new Json.Str(METHOD));
        config.put("rounds", new Json.Int(rounds));
        config.put("training", Json.toJson(settings));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("codewords", codebooks.toTensor());
        if (startCodebooks != null) tensors.put("startCodewords", startCodebooks.toTensor());
        if (normLevels != null) tensors.put("normLevels", Tensor.of(normLevels.clone(), NormLevels.LEVELS));
        return new StageState(VqaeKind.NAME, token, Json.writeCompact(new Json.Obj(config)), tensors);
    }

    static TrainedAdditiveCodes load(String token, int books, int nbits, NormStorage norm, StageState state) {
        Json.Cursor root = Json.at(Json.parse(state.config(), token + " config"), token + " config");
        TrainingSettings s = root.get("training").as(TrainingSettings.class);
        int rounds = root.get("rounds").asInt();
        AdditiveCodebooks cb = AdditiveCodebooks.fromTensor(state.tensor("codewords"), books, nbits, -1, "stage " + token + ": codewords");
        AdditiveCodebooks start = state.tensors().containsKey("startCodewords")
                ? AdditiveCodebooks.fromTensor(state.tensor("startCodewords"), books, nbits, cb.dimension(), "stage " + token + ": startCodewords")
                : null;
        float[] levels = null;
        if (norm.quantized()) {
            if (!state.tensors().containsKey("normLevels")) throw new IllegalArgumentException("stage " + token + ": the norm levels (normLevels) are missing");
            levels = NormLevels.check(state.tensor("normLevels").contiguous().toArray(), "stage " + token);
        }
        return new TrainedAdditiveCodes(token, cb, start, norm, levels, s, rounds);
    }
}
