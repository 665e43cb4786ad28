package org.latent4j.compress.pq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code PQ<m>[x<nbits>]}: a {@link ProductQuantizer} of m sub-spaces with 2^nbits centroids each (nbits 1..8, default 8). */
public final class ProductQuantizerKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public ProductQuantizerKind() {}

    private static final Pattern TOKEN = Pattern.compile("PQ(\\d+)(?:x(\\d+))?");
    /** Separates this kind's generator from the other stages fitted with the same seed. */
    static final long RNG_STREAM = 0x5051L;

    /** The sub-space count and bits of a token, refusing bad ones with one line. */
    record Parsed(int m, int nbits) {}

    static Parsed parse(String token) {
        Matcher t = TOKEN.matcher(token);
        if (!t.matches()) throw new IllegalArgumentException("'" + token + "' is not a product quantizer (PQ<m>[x<nbits>], for example PQ16x8)");
        int m = parseInt(t.group(1), token), nbits = t.group(2) == null ? 8 : parseInt(t.group(2), token);
        if (m < 1) throw new IllegalArgumentException(token + ": the number of sub-spaces m must be at least 1");
        if (nbits < 1 || nbits > 8) throw new IllegalArgumentException(token + ": nbits must be between 1 and 8, got " + nbits);
        return new Parsed(m, nbits);
    }

    static int parseInt(String digits, String token) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(token + ": " + digits + " is too large");
        }
    }

    @Override
    public String name() {
        return ProductQuantizer.KIND;
    }

    @Override
    public String syntax() {
        return "PQ<m>[x<nbits>]";
    }

    @Override
    public String summary() {
        return "product quantizer: m sub-spaces of d/m dimensions, 2^nbits k-means centroids each (nbits 1-8, default 8); ceil(m*nbits/8) bytes";
    }

    @Override
    public String example() {
        return "PQ8x8";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return TOKEN.matcher(token).matches();
    }

    @Override
    public void validate(String token, int dimension) {
        Parsed p = parse(token);
        if (dimension % p.m() != 0) {
            throw new IllegalArgumentException(token + ": m = " + p.m() + " must divide the dimension " + dimension);
        }
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        validate(token, train.dim(1));
        Parsed p = parse(token);
        Tensor x = train.contiguous();
        float[] data = x.offset() == 0 && x.data().length == x.size() ? x.data() : x.toArray();
        return ProductQuantizer.train(data, x.dim(0), x.dim(1), p.m(), p.nbits(), options.kmeansIterations(), new Rng(options.seed()).fork(RNG_STREAM),
                null, options.progress(), "PQ" + p.m() + "x" + p.nbits());
    }

    @Override
    public Stage load(StageState state) {
        Parsed p = parse(state.token());
        return ProductQuantizer.load(state, p.m(), p.nbits());
    }
}
