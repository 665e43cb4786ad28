package org.latent4j.compress;

import java.util.ArrayList;
import java.util.List;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * Specs to compressors. A spec is comma-separated tokens, in the spirit of FAISS's index factory: zero or more
 * transforms, then one compressor ({@code SQ8}, {@code PQ16x8}, {@code OPQ16,PQ16}, {@code PCA64,SQ8},
 * {@code RQ4x8}). {@link #fit} trains the stages in order, each on the training rows as the stages before it
 * map them.
 */
public final class Compressors {
    private Compressors() {}

    /**
     * Splits a spec into its tokens, refusing an empty spec or an empty token with one line.
     *
     * @param spec comma-separated tokens, such as {@code OPQ16,PQ16x8}
     * @return the tokens, each trimmed
     */
    public static List<String> tokens(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty compressor spec (for example PQ16x8 or OPQ16,PQ16)");
        List<String> out = new ArrayList<>();
        for (String t : spec.split(",", -1)) {
            String s = t.strip();
            if (s.isEmpty()) throw new IllegalArgumentException("compressor spec '" + spec + "' has an empty part");
            out.add(s);
        }
        return out;
    }

    /**
     * Checks a whole spec for the input dimension without fitting: every token known, transforms only before
     * the last token, the last token a compressor, and each token valid for the width its input has.
     *
     * @param spec      comma-separated tokens
     * @param dimension the width of the vectors the spec would compress
     */
    public static void validate(String spec, int dimension) {
        List<String> tokens = tokens(spec);
        int d = dimension;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            CompressorKind kind = CompressorKinds.forToken(token);
            boolean last = i == tokens.size() - 1;
            if (kind.isTransform() == last) {
                throw new IllegalArgumentException("compressor spec '" + spec + "': " + token + (last ? " is a transform and must be followed by a compressor"
                        : " produces codes and must come last"));
            }
            kind.validate(token, d);
            if (kind.isTransform()) d = outputDimension(kind, token, d);
        }
    }

    private static int outputDimension(CompressorKind kind, String token, int d) {
        // A transform's width is known only once fitted for some kinds; PCA<n> states it in its token.
        if (kind instanceof TransformWidth w) return w.outputDimension(token, d);
        return d;
    }

    /** Implemented by transform kinds whose output width differs from their input's (PCA). */
    public interface TransformWidth {
        /**
         * The width a transform's output will have, known before it is fitted.
         *
         * @param token          a token of this kind
         * @param inputDimension the width of its input
         * @return the width of its output
         */
        int outputDimension(String token, int inputDimension);
    }

    /**
     * Fits a spec on training rows [n, d]: at most {@link FitOptions#maxTrainingRows()} of them (a uniform sample
     * drawn with the seed), each stage on the rows as the stages before it map them.
     *
     * @param spec    comma-separated tokens
     * @param train   the training rows [n, d]
     * @param options the seed and the other fitting options
     * @return the fitted compressor (a {@link TransformedCompressor} when the spec starts with transforms)
     */
    public static Compressor fit(String spec, Tensor train, FitOptions options) {
        requireRows(train, train.rank() == 2 ? train.dim(1) : -1, "fit");
        validate(spec, train.dim(1));
        Tensor rows = sample(train, options.maxTrainingRows(), options.seed());
        List<VectorTransform> transforms = new ArrayList<>();
        List<String> tokens = tokens(spec);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            Stage stage = CompressorKinds.forToken(token).fit(token, rows, options);
            if (stage instanceof VectorTransform t) {
                transforms.add(t);
                float[] out = new float[Math.multiplyExact(rows.dim(0), t.outputDimension())];
                t.apply(rows.data(), 0, rows.dim(0), out, 0);
                rows = Tensor.wrap(out, rows.dim(0), t.outputDimension());
            } else {
                Compressor c = (Compressor) stage;
                return transforms.isEmpty() ? c : new TransformedCompressor(transforms, c);
            }
        }
        throw new AssertionError("validate() lets no spec end with a transform");
    }

    /**
     * Rebuilds a compressor from its stages' states.
     *
     * @param states the states in spec order, as {@link #states} gives them
     * @return the compressor they describe
     */
    public static Compressor load(List<StageState> states) {
        if (states.isEmpty()) throw new IllegalArgumentException("a compressor needs at least one stage");
        List<VectorTransform> transforms = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            StageState s = states.get(i);
            Stage stage = CompressorKinds.named(s.kind()).load(s);
            boolean last = i == states.size() - 1;
            if (stage instanceof VectorTransform t && !last) {
                if (!transforms.isEmpty() && transforms.getLast().outputDimension() != t.dimension()) {
                    throw new IllegalArgumentException("stage " + t.token() + " takes " + t.dimension() + " values but the stage before it gives "
                            + transforms.getLast().outputDimension());
                }
                transforms.add(t);
            } else if (stage instanceof Compressor c && last) {
                if (!transforms.isEmpty() && transforms.getLast().outputDimension() != c.dimension()) {
                    throw new IllegalArgumentException("stage " + c.token() + " takes " + c.dimension() + " values but the stage before it gives "
                            + transforms.getLast().outputDimension());
                }
                return transforms.isEmpty() ? c : new TransformedCompressor(transforms, c);
            } else {
                throw new IllegalArgumentException("stage " + (i + 1) + " (" + s.token() + ") is " + (last ? "a transform, but the last stage must produce codes"
                        : "a compressor, but only the last stage may be"));
            }
        }
        throw new AssertionError();
    }

    /**
     * Takes a compressor apart into what the codes file stores.
     *
     * @param c a fitted compressor
     * @return the states of its stages, in spec order
     */
    public static List<StageState> states(Compressor c) {
        if (c instanceof TransformedCompressor t) {
            List<StageState> out = new ArrayList<>();
            for (VectorTransform v : t.transforms()) out.add(v.state());
            out.add(t.compressor().state());
            return out;
        }
        return List.of(c.state());
    }

    /**
     * Samples rows without replacement.
     *
     * @param x    rows [n, d]
     * @param max  the most rows to keep
     * @param seed seeds the sample
     * @return at most max rows of x, a uniform sample in their original order; x itself when it has no more
     */
    public static Tensor sample(Tensor x, int max, long seed) {
        int n = x.dim(0);
        if (n <= max) return x;
        int d = x.dim(1);
        int[] idx = new Rng(seed).permutation(n);
        int[] chosen = java.util.Arrays.copyOf(idx, max); // sorted below, for copies in memory order
        java.util.Arrays.sort(chosen);
        float[] out = new float[Math.multiplyExact(max, d)];
        for (int i = 0; i < max; i++) System.arraycopy(x.data(), chosen[i] * d, out, i * d, d);
        return Tensor.wrap(out, max, d);
    }

    /**
     * Refuses a negative count, or a codes array shorter than count codes of codeSize bytes, with one line.
     *
     * @param codes    the codes
     * @param count    how many codes the caller will read
     * @param codeSize bytes a code
     */
    public static void requireCodes(byte[] codes, int count, int codeSize) {
        if (count < 0 || (long) count * codeSize > codes.length) {
            throw new IllegalArgumentException(count + " codes of " + codeSize + " bytes need " + (long) count * codeSize + " bytes, the array holds " + codes.length);
        }
    }

    /**
     * Refuses anything but a [n, d] tensor of the expected width with one line naming the operation.
     *
     * @param x         the rows
     * @param d         the width they must have; negative for any width
     * @param operation named in the message
     */
    public static void requireRows(Tensor x, int d, String operation) {
        if (x.rank() != 2) throw new IllegalArgumentException(operation + ": expected rows [n, d], got shape " + java.util.Arrays.toString(x.shape()));
        if (d >= 0 && x.dim(1) != d) throw new IllegalArgumentException(operation + ": expected rows of " + d + " values, got " + x.dim(1));
        if (x.dim(0) < 1) throw new IllegalArgumentException(operation + ": no rows");
    }
}
