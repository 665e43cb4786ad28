package org.latent4j.compress.vqae;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.compress.rq.AdditiveCodebooks;
import org.latent4j.compress.rq.NormStorage;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;

/**
 * The kind of {@code VQAE:<m>x<nbits>[_nonorm|_Nqint8|_Ncqint8]} tokens: {@link TrainedAdditiveCodes}; stages saved
 * by the earlier VQ-VAE form ({@link LearnedCodes}, recognised by the network in their config) still load.
 */
public final class VqaeKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public VqaeKind() {}

    /** The kind's name in tokens. */
    public static final String NAME = "VQAE";
    private static final Pattern TOKEN = Pattern.compile("VQAE:(\\d{1,4})(?:x(\\d{1,2}))?" + NormStorage.SUFFIX_PATTERN);

    record Spec(int groups, int nbits, NormStorage norm) {
        String canonical() {
            return NAME + ":" + groups + "x" + nbits + norm.suffix;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "VQAE:<m>[x<nbits>][_nonorm|_Nqint8|_Ncqint8]";
    }

    @Override
    public String summary() {
        return "learned codes: m codebooks of 2^nbits full-width codewords (default nbits 8) summed, started from RQ and trained for --epochs rounds "
                + "alternating least-squares codewords and codes by beam search + ICM; searched by look-up tables like RQ "
                + "(VQAE:8x8 is 8 bytes plus a 4-byte norm; _Ncqint8: a 1-byte norm, VQAE:15x8_Ncqint8 is 16 bytes; _nonorm: none)";
    }

    @Override
    public String example() {
        return "VQAE:4x6";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.startsWith(NAME);
    }

    static Spec parse(String token) {
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("bad learned-codes compressor '" + token + "': expected VQAE:<m>[x<nbits>][_nonorm|_Nqint8|_Ncqint8], such as VQAE:8x8");
        int groups = Integer.parseInt(m.group(1));
        int nbits = m.group(2) == null ? 8 : Integer.parseInt(m.group(2));
        if (groups < 1 || groups > 256) throw new IllegalArgumentException(token + ": m (code vectors per input) must be 1 to 256, got " + groups);
        if (nbits < 1 || nbits > 12) throw new IllegalArgumentException(token + ": nbits must be 1 to 12, got " + nbits);
        AdditiveCodebooks.requireCrossTables(token, groups, nbits, Runtime.getRuntime().maxMemory());
        return new Spec(groups, nbits, NormStorage.ofSuffix(m.group(3)));
    }

    @Override
    public void validate(String token, int dimension) {
        parse(token);
        if (dimension < 1) throw new IllegalArgumentException(token + ": needs vectors of at least one value, got " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Spec s = parse(token);
        TrainedAdditiveCodes.TrainingSettings t = TrainedAdditiveCodes.TrainingSettings.defaults();
        return TrainedAdditiveCodes.fit(s.canonical(), s.groups(), s.nbits(), s.norm(), train, options,
                new TrainedAdditiveCodes.TrainingSettings(options.beamWidth(), t.refineSweeps(), t.refitPasses(), t.pointsPerCodeword(), t.shrinkage()), options.epochs());
    }

    @Override
    public Stage load(StageState state) {
        Spec s = parse(state.token());
        Json.Cursor root = Json.at(Json.parse(state.config(), state.token() + " config"), state.token() + " config");
        if (root.has("model")) {
            if (s.norm() != NormStorage.FLOAT) throw new IllegalArgumentException("stage " + state.token() + ": a VQ-VAE stage stores a 4-byte norm, the token says " + s.norm().suffix);
            return LearnedCodes.load(s.canonical(), s.groups(), s.nbits(), state);
        }
        if (!root.has("method") || !TrainedAdditiveCodes.METHOD.equals(root.get("method").as(String.class))) {
            throw new IllegalArgumentException("stage " + state.token() + ": unknown training method in its config (expected a VQ-VAE model or \"" + TrainedAdditiveCodes.METHOD + "\")");
        }
        return TrainedAdditiveCodes.load(s.canonical(), s.groups(), s.nbits(), s.norm(), state);
    }
}
