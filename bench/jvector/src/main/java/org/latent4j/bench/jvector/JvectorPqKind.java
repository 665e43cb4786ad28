package org.latent4j.bench.jvector;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;

/**
 * {@code JVPQ<m>}: jvector's product quantization ({@code ProductQuantization.compute} with m subspaces of 256
 * centroids, globally centred as jvector does for Euclidean data), so that {@code latent4j bench compress} measures
 * jvector with the same harness, in the same JVM, as Latent4j's own kinds. Only the bench's class path has it.
 */
public final class JvectorPqKind implements CompressorKind {
    private static final Pattern TOKEN = Pattern.compile("JVPQ(\\d{1,4})");

    @Override
    public String name() {
        return "JVPQ";
    }

    @Override
    public String syntax() {
        return "JVPQ<m>";
    }

    @Override
    public String summary() {
        return "jvector's product quantization: m subspaces of 256 centroids, one byte each, scored by its "
                + JvectorPqCompressor.provider() + " (bench only)";
    }

    @Override
    public String example() {
        return "JVPQ8";
    }

    @Override
    public boolean isTransform() {
        return false;
    }

    @Override
    public boolean accepts(String token) {
        return token.startsWith("JVPQ");
    }

    static int subspaces(String token, int dimension) {
        Matcher m = TOKEN.matcher(token);
        if (!m.matches()) throw new IllegalArgumentException("'" + token + "' is not JVPQ<m> (for example JVPQ16)");
        int subspaces = Integer.parseInt(m.group(1));
        if (subspaces < 1 || subspaces > dimension) {
            throw new IllegalArgumentException(token + ": m must be between 1 and the dimension " + dimension + ", got " + subspaces);
        }
        return subspaces;
    }

    @Override
    public void validate(String token, int dimension) {
        subspaces(token, dimension);
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        return JvectorPqCompressor.fit(subspaces(token, train.dim(1)), train);
    }

    @Override
    public Stage load(StageState state) {
        return JvectorPqCompressor.load(state);
    }
}
