package org.latent4j.compress.pq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code OPQ<m>}: the {@link OpqRotation} for a product quantizer of m sub-spaces that follows it. */
public final class OpqKind implements CompressorKind {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public OpqKind() {}

    private static final Pattern TOKEN = Pattern.compile("OPQ(\\d+)");
    static final long RNG_STREAM = 0x4f5051L;

    static int parse(String token) {
        Matcher t = TOKEN.matcher(token);
        if (!t.matches()) throw new IllegalArgumentException("'" + token + "' is not an OPQ rotation (OPQ<m>, for example OPQ16)");
        int m = ProductQuantizerKind.parseInt(t.group(1), token);
        if (m < 1) throw new IllegalArgumentException(token + ": the number of sub-spaces m must be at least 1");
        return m;
    }

    @Override
    public String name() {
        return OpqRotation.KIND;
    }

    @Override
    public String syntax() {
        return "OPQ<m>";
    }

    @Override
    public String summary() {
        return "rotation learned for a following product quantizer of m sub-spaces (optimized PQ, non-parametric); keeps the dimension";
    }

    @Override
    public String example() {
        return "OPQ8";
    }

    @Override
    public boolean isTransform() {
        return true;
    }

    @Override
    public boolean accepts(String token) {
        return TOKEN.matcher(token).matches();
    }

    @Override
    public void validate(String token, int dimension) {
        int m = parse(token);
        if (dimension % m != 0) throw new IllegalArgumentException(token + ": m = " + m + " must divide the dimension " + dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        validate(token, train.dim(1));
        int m = parse(token);
        Tensor c = train.contiguous();
        float[] x = c.offset() == 0 && c.data().length == c.size() ? c.data() : c.toArray(); // read, never written
        return OpqRotation.train(x, train.dim(0), train.dim(1), m, options.opqIterations(), options.kmeansIterations(),
                new Rng(options.seed()).fork(RNG_STREAM), options.progress());
    }

    @Override
    public Stage load(StageState state) {
        return OpqRotation.load(state, parse(state.token()));
    }
}
