package org.latent4j.core.nn;

import java.util.Locale;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.init.Initializer;

/** Hidden-layer non-linearities, each with the weight initializer that suits it. */
public enum Activation {
    /** The hyperbolic tangent. */
    TANH,
    /** max(x, 0). */
    RELU,
    /** x for x > 0, 0.01 x otherwise. */
    LEAKY_RELU,
    /** x for x > 0, exp(x) - 1 otherwise. */
    ELU,
    /** The self-normalising ELU of Klambauer et al. (2017). */
    SELU,
    /** The exact Gaussian error linear unit. */
    GELU,
    /** The logistic function. */
    SIGMOID,
    /** ln(1 + exp(x)). */
    SOFTPLUS,
    /** No non-linearity. */
    IDENTITY;

    /**
     * {@return the activation applied to x, element by element}
     *
     * @param x the input
     */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case TANH -> x.tanh();
            case RELU -> x.relu();
            case LEAKY_RELU -> x.leakyRelu(0.01f);
            case ELU -> x.elu(1f);
            case SELU -> x.selu();
            case GELU -> x.gelu();
            case SIGMOID -> x.sigmoid();
            case SOFTPLUS -> x.softplus();
            case IDENTITY -> x;
        };
    }

    /**
     * Glorot for saturating units, He for rectifiers, LeCun normal for SELU (self-normalising).
     *
     * @return the initializer
     */
    public Initializer defaultInitializer() {
        return switch (this) {
            case RELU, LEAKY_RELU, ELU, GELU -> Initializer.heUniform();
            case SELU -> Initializer.lecunNormal();
            default -> Initializer.glorotUniform();
        };
    }

    /**
     * Parses "tanh", "relu", "leaky-relu", ...; the error lists the accepted names.
     *
     * @param name the name
     * @return the activation
     */
    public static Activation parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Activation a : values()) if (a.name().equals(n)) return a;
        throw new IllegalArgumentException("unknown activation '" + name + "' (one of " + names() + ")");
    }

    /** {@return the command-line names, comma-separated} */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (Activation a : values()) sb.append(sb.isEmpty() ? "" : ", ").append(a.cliName());
        return sb.toString();
    }

    /** {@return the command-line name: lower case, '-' for '_'} */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
