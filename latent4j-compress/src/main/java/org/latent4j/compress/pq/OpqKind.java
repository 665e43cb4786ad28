package org.latent4j.compress.pq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * {@code OPQ<m>[_<d'>]}: the {@link OpqRotation} for a product quantizer of m sub-spaces that follows it, keeping
 * the dimension or mapping it to d' values (a multiple of m), as FAISS's {@code OPQ<m>_<d'>}.
 */
public final class OpqKind implements CompressorKind, Compressors.TransformWidth {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public OpqKind() {}

    private static final Pattern TOKEN = Pattern.compile("OPQ(\\d+)(?:_(\\d+))?");
    /** Output widths beyond this are refused: the d x d' matrix and the SVD grow with it. */
    static final int MAX_OUTPUT = 16_384;
    static final long RNG_STREAM = 0x4f5051L;

    /** A parsed token; {@code dOut} -1 when the token keeps the dimension. */
    record Spec(int m, int dOut) {
        int outputDimension(int d) {
            return dOut < 0 ? d : dOut;
        }
    }

    static Spec parse(String token) {
        Matcher t = TOKEN.matcher(token);
        if (!t.matches()) throw new IllegalArgumentException("'" + token + "' is not an OPQ rotation (OPQ<m>[_<d'>], for example OPQ16 or OPQ32_768)");
        int m = ProductQuantizerKind.parseInt(t.group(1), token);
        if (m < 1) throw new IllegalArgumentException(token + ": the number of sub-spaces m must be at least 1");
        if (t.group(2) == null) return new Spec(m, -1);
        int dOut = ProductQuantizerKind.parseInt(t.group(2), token);
        if (dOut < 1 || dOut > MAX_OUTPUT) throw new IllegalArgumentException(token + ": the output dimension must be 1 to " + MAX_OUTPUT + ", got " + dOut);
        if (dOut % m != 0) throw new IllegalArgumentException(token + ": m = " + m + " must divide the output dimension " + dOut);
        return new Spec(m, dOut);
    }

    @Override
    public String name() {
        return OpqRotation.KIND;
    }

    @Override
    public String syntax() {
        return "OPQ<m>[_<d'>]";
    }

    @Override
    public String summary() {
        return "rotation learned for a following product quantizer of m sub-spaces (optimized PQ, non-parametric); keeps the dimension, "
                + "or with _<d'> maps it to d' values, a multiple of m (OPQ32_768 projects 784 values to 768 for PQ32)";
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
        Spec s = parse(token);
        if (s.dOut() < 0 && dimension % s.m() != 0) {
            throw new IllegalArgumentException(token + ": m = " + s.m() + " must divide the dimension " + dimension + " (or give an output dimension that it divides: OPQ"
                    + s.m() + "_" + Math.max(s.m(), dimension / s.m() * s.m()) + ")");
        }
    }

    @Override
    public int outputDimension(String token, int dimension) {
        return parse(token).outputDimension(dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        validate(token, train.dim(1));
        Spec s = parse(token);
        Tensor c = train.contiguous();
        float[] x = c.offset() == 0 && c.data().length == c.size() ? c.data() : c.toArray(); // read, never written
        return OpqRotation.train(x, train.dim(0), train.dim(1), s.outputDimension(train.dim(1)), s.m(), options.opqIterations(), options.kmeansIterations(),
                new Rng(options.seed()).fork(RNG_STREAM), options.progress());
    }

    @Override
    public Stage load(StageState state) {
        Spec s = parse(state.token());
        return OpqRotation.load(state, s.m(), s.dOut());
    }
}
