package org.latent4j.core.model;

import java.util.List;
import org.latent4j.tensor.random.Rng;

/**
 * Creates a model from its kind name and config record, e.g. when a saved model is loaded from the
 * JSON config beside its weights. The kinds and their config records:
 * <ul>
 *   <li>"ae": {@link AutoencoderConfig} -> {@link Autoencoder}</li>
 *   <li>"vae", "beta-vae": {@link VaeConfig} -> {@link Vae}</li>
 *   <li>"iwae": {@link VaeConfig} -> {@link Iwae}</li>
 *   <li>"cvae": {@link ConditionalVaeConfig} -> {@link ConditionalVae}</li>
 *   <li>"hvae": {@link HierarchicalVaeConfig} -> {@link HierarchicalVae}</li>
 * </ul>
 */
public final class Models {
    private Models() {}

    public static final String AE = "ae", VAE = "vae", BETA_VAE = "beta-vae", IWAE = "iwae", CVAE = "cvae", HVAE = "hvae";

    /** The kind names, in the order above. */
    public static final List<String> KINDS = List.of(AE, VAE, BETA_VAE, IWAE, CVAE, HVAE);

    /** The config record class a kind takes. */
    public static Class<? extends Record> configType(String kind) {
        return switch (kind) {
            case AE -> AutoencoderConfig.class;
            case VAE, BETA_VAE, IWAE -> VaeConfig.class;
            case CVAE -> ConditionalVaeConfig.class;
            case HVAE -> HierarchicalVaeConfig.class;
            default -> throw unknown(kind);
        };
    }

    /** A new model of {@code kind} with weights initialised from {@code rng}; the config must be of {@link #configType}. */
    public static LatentModel create(String kind, Record config, Rng rng) {
        Class<? extends Record> type = configType(kind);
        if (!type.isInstance(config)) {
            throw new IllegalArgumentException("model kind '" + kind + "' takes a " + type.getSimpleName() + ", got "
                    + (config == null ? "null" : config.getClass().getSimpleName()));
        }
        return switch (kind) {
            case AE -> new Autoencoder((AutoencoderConfig) config, rng);
            case VAE -> new Vae((VaeConfig) config, rng);
            case BETA_VAE -> Vae.betaVae((VaeConfig) config, rng);
            case IWAE -> new Iwae((VaeConfig) config, rng);
            case CVAE -> new ConditionalVae((ConditionalVaeConfig) config, rng);
            case HVAE -> new HierarchicalVae((HierarchicalVaeConfig) config, rng);
            default -> throw unknown(kind);
        };
    }

    private static IllegalArgumentException unknown(String kind) {
        return new IllegalArgumentException("unknown model kind '" + kind + "' (one of " + String.join(", ", KINDS) + ")");
    }
}
