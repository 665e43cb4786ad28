package org.latent4j.core.estimator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The registry of gradient estimators: every {@link GradientEstimator} on the class path, found with
 * {@link ServiceLoader}. Loaded once; two estimators of one name are refused with both class names.
 */
public final class GradientEstimators {
    private GradientEstimators() {}

    private static final class Loaded {
        static final Map<String, GradientEstimator> ALL = load();
    }

    private static Map<String, GradientEstimator> load() {
        Map<String, GradientEstimator> all = new LinkedHashMap<>();
        try {
            for (GradientEstimator e : ServiceLoader.load(GradientEstimator.class, GradientEstimators.class.getClassLoader())) {
                GradientEstimator before = all.putIfAbsent(e.name(), e);
                if (before != null) {
                    throw new IllegalStateException("gradient estimator '" + e.name() + "' is registered twice: by " + before.getClass().getName()
                            + " and " + e.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a gradient estimator on the class path cannot be loaded: " + e.getMessage(), e);
        }
        return Collections.unmodifiableMap(all);
    }

    /** {@return every registered estimator, in registration order} */
    public static List<GradientEstimator> all() {
        return List.copyOf(Loaded.ALL.values());
    }

    /**
     * {@return the estimators that serve a latent family, in registration order}
     *
     * @param family the family
     */
    public static List<GradientEstimator> of(LatentFamily family) {
        List<GradientEstimator> out = new ArrayList<>();
        for (GradientEstimator e : Loaded.ALL.values()) if (e.families().contains(family)) out.add(e);
        return out;
    }

    /**
     * The estimator of that name for a latent family, as the type the family's models call; an unknown name, or one
     * that does not serve the family, is refused with the names that do.
     *
     * @param name   the estimator's name
     * @param family the latent family of the model asking
     * @param type   the family's estimator interface
     * @param <E>    that interface
     * @return the estimator
     */
    public static <E extends GradientEstimator> E get(String name, LatentFamily family, Class<E> type) {
        GradientEstimator e = Loaded.ALL.get(name);
        if (e == null || !e.families().contains(family) || !type.isInstance(e)) {
            List<String> names = new ArrayList<>();
            for (GradientEstimator g : of(family)) if (type.isInstance(g)) names.add(g.name());
            String what = e == null ? "unknown gradient estimator '" + name + "'" : "gradient estimator '" + name + "' does not apply to " + family.label() + " latents";
            throw new IllegalArgumentException(what + " (for " + family.label() + " latents: " + (names.isEmpty() ? "none registered" : String.join(", ", names)) + ")");
        }
        return type.cast(e);
    }
}
