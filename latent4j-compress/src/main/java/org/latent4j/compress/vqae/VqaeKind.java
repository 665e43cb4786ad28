package org.latent4j.compress.vqae;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.compress.rq.AdditiveCodebooks;
import org.latent4j.tensor.Tensor;

/** The kind of {@code VQAE:<m>x<nbits>} tokens: {@link LearnedCodes}. */
public final class VqaeKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public VqaeKind() {}

    public static final String NAME = "VQAE";
    private static final Pattern TOKEN = Pattern.compile("VQAE:(\\d{1,4})(?:x(\\d{1,2}))?");

    record Spec(int groups, int nbits) {
        String canonical() {
            return NAME + ":" + groups + "x" + nbits;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "VQAE:<m>[x<nbits>]";
    }

    @Override
    public String summary() {
        return "learned codes: an MLP encoder to m code vectors, each the nearest of 2^nbits learned codes (default nbits 8), and a linear decoder, "
                + "trained for --epochs; searched by look-up tables like RQ (VQAE:8x8 is 8 bytes plus a 4-byte norm)";
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
        if (!m.matches()) throw new IllegalArgumentException("bad learned-codes compressor '" + token + "': expected VQAE:<m>[x<nbits>], such as VQAE:8x8");
        int groups = Integer.parseInt(m.group(1));
        int nbits = m.group(2) == null ? 8 : Integer.parseInt(m.group(2));
        if (groups < 1 || groups > 256) throw new IllegalArgumentException(token + ": m (code vectors per input) must be 1 to 256, got " + groups);
        if (nbits < 1 || nbits > 12) throw new IllegalArgumentException(token + ": nbits must be 1 to 12, got " + nbits);
        if (AdditiveCodebooks.crossFloats(groups, nbits) > AdditiveCodebooks.MAX_CROSS_FLOATS) {
            throw new IllegalArgumentException(token + ": " + groups + " code vectors of " + (1 << nbits) + " codes need too many codeword cross products ("
                    + AdditiveCodebooks.crossFloats(groups, nbits) + "): use fewer code vectors or bits");
        }
        return new Spec(groups, nbits);
    }

    @Override
    public void validate(String token, int dimension) {
        parse(token);
        if (dimension < 1) throw new IllegalArgumentException(token + ": needs vectors of at least one value, got " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Spec s = parse(token);
        return LearnedCodes.fit(s.canonical(), s.groups(), s.nbits(), train, options, LearnedCodes.VqaeSettings.defaults());
    }

    @Override
    public Stage load(StageState state) {
        Spec s = parse(state.token());
        return LearnedCodes.load(s.canonical(), s.groups(), s.nbits(), state);
    }
}
