package org.latent4j.compress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registry of compressor kinds: every {@link CompressorKind} found by {@link ServiceLoader} (this module's own
 * are listed in its {@code META-INF/services/org.latent4j.compress.CompressorKind}). Loaded once; two kinds with one
 * name are refused as the registry loads.
 */
public final class CompressorKinds {
    private CompressorKinds() {}

    private static final class Loaded {
        static final Map<String, CompressorKind> KINDS = load();
    }

    private static Map<String, CompressorKind> load() {
        Map<String, CompressorKind> kinds = new LinkedHashMap<>();
        for (CompressorKind k : ServiceLoader.load(CompressorKind.class, CompressorKinds.class.getClassLoader())) {
            CompressorKind before = kinds.putIfAbsent(k.name(), k);
            if (before != null) {
                throw new IllegalStateException("compressor kind '" + k.name() + "' is registered twice: by " + before.getClass().getName() + " and "
                        + k.getClass().getName());
            }
        }
        return Collections.unmodifiableMap(kinds);
    }

    /** {@return every registered kind, in registration order} */
    public static List<CompressorKind> all() {
        return List.copyOf(Loaded.KINDS.values());
    }

    /**
     * Looks a kind up by name.
     *
     * @param name a kind's name, as a {@link StageState} records it
     * @return the kind of that name; an unknown name is an {@link IllegalArgumentException} listing the names
     */
    public static CompressorKind named(String name) {
        CompressorKind k = Loaded.KINDS.get(name);
        if (k == null) throw new IllegalArgumentException("unknown compressor kind '" + name + "' (registered: " + String.join(", ", Loaded.KINDS.keySet()) + ")");
        return k;
    }

    /**
     * Finds the kind of a token.
     *
     * @param token one comma-separated part of a spec
     * @return the one kind that accepts it; none (or two) is an {@link IllegalArgumentException} listing the syntaxes
     */
    public static CompressorKind forToken(String token) {
        List<CompressorKind> claim = new ArrayList<>();
        for (CompressorKind k : Loaded.KINDS.values()) if (k.accepts(token)) claim.add(k);
        if (claim.size() == 1) return claim.getFirst();
        if (claim.isEmpty()) {
            List<String> syntaxes = new ArrayList<>();
            for (CompressorKind k : Loaded.KINDS.values()) syntaxes.add(k.syntax());
            throw new IllegalArgumentException("unknown compressor '" + token + "' (one of " + String.join(", ", syntaxes) + ")");
        }
        throw new IllegalStateException("compressor '" + token + "' is claimed by several kinds: " + claim.stream().map(CompressorKind::name).toList());
    }
}
