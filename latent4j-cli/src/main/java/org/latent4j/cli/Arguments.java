package org.latent4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.latent4j.core.model.OptionValues;

/**
 * A parsed command line: {@code --name value}, {@code --name=value} and {@code --flag}, plus positional
 * arguments; the typed accessors of {@link OptionValues} validate and name the option in their error.
 */
public final class Arguments extends OptionValues {
    private final String command;
    private final List<String> positional;

    private Arguments(String command, Map<String, String> values, List<String> positional) {
        super(command, values);
        this.command = command;
        this.positional = List.copyOf(positional);
    }

    /**
     * Parses {@code args}; {@code flags} are the options that take no value, {@code valued} those that do.
     * Anything else starting with "--" is an error naming it.
     */
    public static Arguments parse(String command, String[] args, Set<String> flags, Set<String> valued) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
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
                    values.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) throw new UsageException(command + ": option --" + name + " needs a value");
                        value = args[++i];
                    }
                    values.put(name, value);
                } else {
                    throw new UsageException(command + ": unknown option --" + name + " (see " + command + " --help)");
                }
            } else {
                positional.add(a);
            }
        }
        return new Arguments(command, values, positional);
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
}
