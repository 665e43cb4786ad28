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
        /**
         * Creates the exception.
         *
         * @param message the option and what was expected
         */
        public OptionException(String message) {
            super(message);
        }
    }

    private final String who;
    private final Map<String, String> values;

    /**
     * Option values for a command or program.
     *
     * @param who    the name errors start with (a command, say)
     * @param values option values by name (no dashes), in the order given
     */
    public OptionValues(String who, Map<String, String> values) {
        this.who = who;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The name errors start with.
     *
     * @return the name
     */
    public final String who() {
        return who;
    }

    /**
     * {@return whether the option was given}
     *
     * @param name the option's name, without dashes
     */
    public final boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * {@return the option's text, or {@code def} when it was not given}
     *
     * @param name the option's name, without dashes
     * @param def the default
     */
    public final String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /**
     * Every option given, by name, in the order given.
     *
     * @return the values by name
     */
    public final Map<String, String> values() {
        return values;
    }

    /**
     * {@return an exception whose message starts with {@link #who()}, for the caller to throw}
     *
     * @param message what is wrong
     */
    protected final OptionException fail(String message) {
        return new OptionException(who + ": " + message);
    }

    /**
     * {@return the option as a whole number in [min, max], or {@code def} when it was not given}
     *
     * @param name the option's name, without dashes
     * @param def the default
     * @param min the smallest value allowed
     * @param max the largest value allowed
     */
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

    /**
     * {@return the option as a finite number in [min, max], or {@code def} when it was not given}
     *
     * @param name the option's name, without dashes
     * @param def the default
     * @param min the smallest value allowed
     * @param max the largest value allowed
     */
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

    /**
     * One of the words {@code allowed} (given in lower case; the value is read case-insensitively), e.g. --schedule cosine.
     *
     * @param name the option's name, without dashes
     * @param def the default
     * @param allowed the words allowed
     * @return the word, in lower case
     */
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

    /**
     * A constant of {@code type} by its command-line word: its name in lower case with '-' for '_' (LOG_STD is log-std).
     *
     * @param name the option's name, without dashes
     * @param def the default
     * @param type the enum's class
     * @param <E> the enum
     * @return the constant
     */
    public final <E extends Enum<E>> E choice(String name, E def, Class<E> type) {
        E[] all = type.getEnumConstants();
        List<String> words = Arrays.stream(all).map(OptionValues::word).toList();
        return all[words.indexOf(choice(name, word(def), words))];
    }

    /**
     * The command-line word of an enum constant.
     *
     * @param e the constant
     * @return the word
     */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The command-line words of an enum's constants, comma-separated, for help texts.
     *
     * @param type the enum's class
     * @return the words
     */
    public static String words(Class<? extends Enum<?>> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants()).map(OptionValues::word).toList());
    }

    /**
     * A comma-separated list of whole numbers, e.g. --sizes 256,512.
     *
     * @param name the option's name, without dashes
     * @param def the default
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the numbers
     */
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

    /**
     * Fails unless {@code condition}: for options that only make sense together, with a message saying why.
     *
     * @param condition what must hold
     * @param message why, for the error
     */
    public final void require(boolean condition, String message) {
        if (!condition) throw fail(message);
    }
}
