package org.latent4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line options: {@code --name value}, {@code --name=value} and {@code --flag}, plus
 * positional arguments. Every accessor validates and names the option in its error.
 */
public final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Options(String command) {
        this.command = command;
    }

    /**
     * Parses {@code args}; {@code flags} are the options that take no value, {@code valued} those that do.
     * Anything else starting with "--" is an error naming it.
     */
    public static Options parse(String command, String[] args, Set<String> flags, Set<String> valued) {
        Options o = new Options(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2), value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    if (value != null) throw new UsageException(command + ": option --" + name + " takes no value");
                    o.values.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) throw new UsageException(command + ": option --" + name + " needs a value");
                        value = args[++i];
                    }
                    o.values.put(name, value);
                } else {
                    throw new UsageException(command + ": unknown option --" + name + " (see " + command + " --help)");
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    /** Every option given, by name (flags map to "true"), in command-line order. */
    public Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** The single positional argument {@code what} (e.g. the run directory); an error when absent or repeated. */
    public String onePositional(String what) {
        if (positional.size() != 1) {
            throw new UsageException(command + ": expects one " + what + (positional.isEmpty() ? "" : ", got " + String.join(" ", positional))
                    + " (see " + command + " --help)");
        }
        return positional.get(0);
    }

    public List<String> positional() {
        return positional;
    }

    public int integer(String name, int def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public double number(String name, double def, double min, double max) {
        String v = values.get(name);
        if (v == null) return def;
        try {
            double x = Double.parseDouble(v.trim());
            if (!(x >= min && x <= max)) throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
    }

    /** One of the words {@code allowed} (given in lower case; the value is read case-insensitively), e.g. --schedule cosine. */
    public String choice(String name, String def, List<String> allowed) {
        String v = values.get(name);
        if (v == null) return def;
        String word = v.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(word)) {
            String either = String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.getLast();
            throw new UsageException(command + ": --" + name + " must be " + either + ", got '" + v + "'");
        }
        return word;
    }

    /** A constant of {@code type} by its command-line word: its name in lower case with '-' for '_' (LOG_STD is log-std). */
    public <E extends Enum<E>> E choice(String name, E def, Class<E> type) {
        E[] all = type.getEnumConstants();
        List<String> words = Arrays.stream(all).map(Options::word).toList();
        return all[words.indexOf(choice(name, word(def), words))];
    }

    /** The command-line word of an enum constant. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A comma-separated list of positive integers, e.g. --sizes 256,512. */
    public int[] integers(String name, int[] def, int min, int max) {
        String v = values.get(name);
        if (v == null) return def;
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(command + ": --" + name + " must be a comma-separated list of whole numbers, got '" + v + "'");
            }
            if (out[i] < min || out[i] > max) {
                throw new UsageException(command + ": --" + name + " values must be between " + min + " and " + max + ", got " + out[i]);
            }
        }
        return out;
    }
}
