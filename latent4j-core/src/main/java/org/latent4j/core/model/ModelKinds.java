package org.latent4j.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The registry of model kinds: every {@link ModelKind} on the class path, found with {@link ServiceLoader} (this
 * library's own are listed in its {@code META-INF/services/org.latent4j.core.model.ModelKind}; another module or
 * a user's jar adds its kinds the same way). Loaded once; checked as it loads: two kinds with one name, or two
 * different options with one name, are refused with a message naming them.
 */
public final class ModelKinds {
    private ModelKinds() {}

    private static final class Loaded {
        static final Map<String, ModelKind<?>> KINDS = load();
    }

    private static Map<String, ModelKind<?>> load() {
        Map<String, ModelKind<?>> kinds = new LinkedHashMap<>();
        Map<String, ModelOption> options = new LinkedHashMap<>();
        try {
            for (ModelKind<?> k : ServiceLoader.load(ModelKind.class, ModelKinds.class.getClassLoader())) {
                ModelKind<?> before = kinds.putIfAbsent(k.name(), k);
                if (before != null) {
                    throw new IllegalStateException("model kind '" + k.name() + "' is registered twice: by " + before.getClass().getName() + " and "
                            + k.getClass().getName());
                }
                for (ModelOption o : k.options()) {
                    ModelOption other = options.putIfAbsent(o.name(), o);
                    if (other != null && !other.equals(o)) {
                        throw new IllegalStateException("option --" + o.name() + " of model kind '" + k.name()
                                + "' differs from another kind's option of that name: share one ModelOption");
                    }
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a model kind on the class path cannot be loaded: " + e.getMessage(), e);
        }
        if (kinds.isEmpty()) throw new IllegalStateException("no model kinds are registered (is latent4j-core's META-INF/services on the class path?)");
        return Collections.unmodifiableMap(kinds);
    }

    /** {@return every kind, in registration order} */
    public static List<ModelKind<?>> all() {
        return List.copyOf(Loaded.KINDS.values());
    }

    /** {@return the kinds' names, in registration order} */
    public static List<String> names() {
        return List.copyOf(Loaded.KINDS.keySet());
    }

    /**
     * {@return whether a kind of that name is registered}
     *
     * @param name a kind's name
     */
    public static boolean contains(String name) {
        return Loaded.KINDS.containsKey(name);
    }

    /**
     * {@return the kind named {@code name}; an unknown name is refused with the list of known ones}
     *
     * @param name a kind's name
     */
    public static ModelKind<?> get(String name) {
        ModelKind<?> k = Loaded.KINDS.get(name);
        if (k == null) throw new IllegalArgumentException("unknown model kind '" + name + "' (one of " + String.join(", ", names()) + ")");
        return k;
    }

    /** {@return every kind's options, each once, in the order the kinds declare them} */
    public static List<ModelOption> options() {
        Map<String, ModelOption> out = new LinkedHashMap<>();
        for (ModelKind<?> k : all()) for (ModelOption o : k.options()) out.putIfAbsent(o.name(), o);
        return new ArrayList<>(out.values());
    }

    /**
     * {@return the names of the kinds that take an option}
     *
     * @param option the option's name
     */
    public static List<String> takers(String option) {
        List<String> out = new ArrayList<>();
        for (ModelKind<?> k : all()) if (k.options().stream().anyMatch(o -> o.name().equals(option))) out.add(k.name());
        return out;
    }
}
