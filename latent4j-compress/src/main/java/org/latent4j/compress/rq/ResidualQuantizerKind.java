package org.latent4j.compress.rq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;

/** The kind of {@code RQ<M>x<nbits>[_nonorm|_Nqint8|_Ncqint8]} tokens: {@link AdditiveResidualQuantizer}. */
public final class ResidualQuantizerKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public ResidualQuantizerKind() {}

    /** The kind's name in tokens. */
    public static final String NAME = "RQ";
    static final int MAX_BOOKS = 256;
    private static final Pattern TOKEN = Pattern.compile("RQ(\\d{1,4})(?:x(\\d{1,2}))?" + NormStorage.SUFFIX_PATTERN);

    /** A parsed token. */
    record Spec(int books, int nbits, NormStorage norm) {
        String canonical() {
            return NAME + books + "x" + nbits + norm.suffix;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String syntax() {
        return "RQ<M>[x<nbits>][_nonorm|_Nqint8|_Ncqint8]";
    }

    @Override
    public String summary() {
        return "residual quantization: M stages of 2^nbits full-width codewords (default nbits 8), codes by beam search (--beam), "
                + "plus a 4-byte reconstruction norm for L2 search (RQ4x8 is 8 bytes; _nonorm: 4 bytes, the norm from codebook cross products; "
                + "_Nqint8 / _Ncqint8: 5 bytes, the norm as one byte of 256 levels, even or by k-means)";
    }

    @Override
    public String example() {
        return "RQ4x8";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.startsWith(NAME) && (token.length() == NAME.length() || Character.isDigit(token.charAt(NAME.length())));
    }

    static Spec parse(String token) {
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("bad residual quantizer '" + token + "': expected RQ<M>[x<nbits>][_nonorm|_Nqint8|_Ncqint8], such as RQ4x8");
        int books = Integer.parseInt(m.group(1));
        int nbits = m.group(2) == null ? 8 : Integer.parseInt(m.group(2));
        if (books < 1 || books > MAX_BOOKS) throw new IllegalArgumentException(token + ": the number of stages must be 1 to " + MAX_BOOKS + ", got " + books);
        if (nbits < 1 || nbits > 16) throw new IllegalArgumentException(token + ": nbits must be 1 to 16, got " + nbits);
        AdditiveCodebooks.requireCrossTables(token, books, nbits, Runtime.getRuntime().maxMemory());
        return new Spec(books, nbits, NormStorage.ofSuffix(m.group(3)));
    }

    @Override
    public void validate(String token, int dimension) {
        parse(token);
        if (dimension < 1) throw new IllegalArgumentException(token + ": needs vectors of at least one value, got " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        Spec s = parse(token);
        return AdditiveResidualQuantizer.fit(s.canonical(), s.books(), s.nbits(), s.norm(), train, options);
    }

    @Override
    public Stage load(StageState state) {
        Spec s = parse(state.token());
        AdditiveResidualQuantizer.RqSettings settings = Json.fromJson(Json.parse(state.config(), state.token() + " config"), AdditiveResidualQuantizer.RqSettings.class,
                state.token() + " config");
        AdditiveCodebooks cb = AdditiveCodebooks.fromTensor(state.tensor("codebooks"), s.books(), s.nbits(), -1, "stage " + state.token() + ": codebooks");
        float[] levels = null;
        if (s.norm().quantized()) {
            if (!state.tensors().containsKey("normLevels")) throw new IllegalArgumentException("stage " + state.token() + ": the norm levels (normLevels) are missing");
            levels = NormLevels.check(state.tensor("normLevels").contiguous().toArray(), "stage " + state.token());
        }
        return new AdditiveResidualQuantizer(s.canonical(), cb, s.norm(), levels, settings.beamWidth());
    }
}
