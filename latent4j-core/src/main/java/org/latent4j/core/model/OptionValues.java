package org.latent4j.core.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Option values as text ({@code --name value} on a command line, or a map a program builds), read with typed
 * accessors that validate and name the option in their error: the one place where a word becomes a number, a
 * choice or a list, for the command line and for the model kinds that read their options from it.
 */
public class OptionValues {
    /** An option value that cannot be used; the message names the option and what was expected. */
    public static final class OptionException extends IllegalArgumentException {
        public OptionException(String message) {
            super(message);
        }
    }

    private final String who;
    private final Map<String, String> values;

    /**
     * @param who    the name errors start with (a command, say)
     * @param values option values by name (no dashes), in the order given
     */
    public OptionValues(String who, Map<String, String> values) {
        this.who = who;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The name errors start with. */
    public final String who() {
        return who;
    }

    public final boolean has(String name) {
        return values.containsKey(name);
    }

    public final String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** Every option given, by name, in the order given. */
    public final Map<String, String> values() {
        return values;
    }

    protected final OptionException fail(String message) {
        return new OptionException(who + ": " + message);
    }

    public final int integer(String name, int def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) throw fail("--" + name + " must be between " + min + " and " + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw fail("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public final double number(String name, double def, double min, double max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            double x = Double.parseDouble(v.trim());
            if (!(x >= min && x <= max)) throw fail("--" + name + " must be between " + min + " and " + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw fail("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** One of the words {@code allowed} (given in lower case; the value is read case-insensitively), e.g. --schedule cosine. */
    public final String choice(String name, String def, List<String> allowed) {
        String v = values.get(name);
        if (v == null) return def;
        String word = v.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(word)) {
            String either = allowed.size() == 1 ? allowed.getFirst()
                    : String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.getLast();
            throw fail("--" + name + " must be " + either + ", got '" + v + "'");
        }
        return word;
    }

    /** A constant of {@code type} by its command-line word: its name in lower case with '-' for '_' (LOG_STD is log-std). */
    public final <E extends Enum<E>> E choice(String name, E def, Class<E> type) {
        E[] all = type.getEnumConstants();
        List<String> words = Arrays.stream(all).map(OptionValues::word).toList();
        return all[words.indexOf(choice(name, word(def), words))];
    }

    /** The command-line word of an enum constant. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The command-line words of an enum's constants, comma-separated, for help texts. */
    public static String words(Class<? extends Enum<?>> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants()).map(OptionValues::word).toList());
    }

    /** A comma-separated list of whole numbers, e.g. --sizes 256,512. */
    public final int[] integers(String name, int[] def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw fail("--" + name + " must be a comma-separated list of whole numbers, got '" + v + "'");
            }
            if (out[i] < min || out[i] > max) throw fail("--" + name + " values must be between " + min + " and " + max + ", got " + out[i]);
        }
        return out;
    }

    /** Fails unless {@code condition}: for options that only make sense together, with a message saying why. */
    public final void require(boolean condition, String message) {
        if (!condition) throw fail(message);
    }
}
