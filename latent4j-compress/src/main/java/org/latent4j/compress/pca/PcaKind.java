package org.latent4j.compress.pca;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Stage;
import org.latent4j.compress.StageState;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code PCA<n>} and {@code PCAR<n>}: a {@link PcaTransform} to n dimensions (PCAR: followed by a random rotation). */
public final class PcaKind implements CompressorKind, Compressors.TransformWidth {
    /** Instantiated by {@link java.util.ServiceLoader}, which finds the kind through {@code META-INF/services}. */
    public PcaKind() {}

    private static final Pattern TOKEN = Pattern.compile("PCA(R?)(\\d+)");
    static final long RNG_STREAM = 0x504341L;

    private record Parsed(int n, boolean rotated) {}

    private static Parsed parse(String token) {
        Matcher t = TOKEN.matcher(token);
        if (!t.matches()) throw new IllegalArgumentException("'" + token + "' is not a PCA (PCA<n> or PCAR<n>, for example PCA64)");
        int n;
        try {
            n = Integer.parseInt(t.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(token + ": " + t.group(2) + " is too large");
        }
        if (n < 1) throw new IllegalArgumentException(token + ": the output dimension must be at least 1");
        return new Parsed(n, !t.group(1).isEmpty());
    }

    @Override
    public String name() {
        return PcaTransform.KIND;
    }

    @Override
    public String syntax() {
        return "PCA<n>, PCAR<n>";
    }

    @Override
    public String summary() {
        return "principal components: project on the n directions of largest variance (PCAR: then a random rotation that spreads the variance evenly)";
    }

    @Override
    public String example() {
        return "PCA16";
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
        Parsed p = parse(token);
        if (p.n() > dimension) throw new IllegalArgumentException(token + ": cannot keep " + p.n() + " dimensions of " + dimension);
    }

    @Override
    public int outputDimension(String token, int inputDimension) {
        return parse(token).n();
    }

    @Override
    public Stage fit(String token, Tensor train, FitOptions options) {
        validate(token, train.dim(1));
        Parsed p = parse(token);
        return PcaTransform.fit(train.contiguous().toArray(), train.dim(0), train.dim(1), p.n(), p.rotated(), new Rng(options.seed()).fork(RNG_STREAM));
    }

    @Override
    public Stage load(StageState state) {
        Parsed p = parse(state.token());
        return PcaTransform.load(state, p.n(), p.rotated());
    }
}
