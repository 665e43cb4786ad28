package org.latent4j.core.model;

/**
 * A command-line option a model kind takes ({@code --name VALUE}), with its help text. Kinds that share an
 * option share its {@code ModelOption} (see {@link ModelOptions}), so that {@code train --help} describes it once.
 *
 * @param name      the option without its dashes, e.g. "latent"
 * @param valueName what the value is, for the help text, e.g. "N", "A,B,..."
 * @param help      what it does and its default
 */
public record ModelOption(String name, String valueName, String help) {
    /** Refuses a name that is not a lower-case word, and a blank value name or help. */
    public ModelOption {
        if (name == null || !name.matches("[a-z][a-z0-9-]*")) throw new IllegalArgumentException("ModelOption: bad name " + name);
        if (valueName == null || valueName.isBlank() || help == null || help.isBlank()) {
            throw new IllegalArgumentException("ModelOption --" + name + ": the value name and help are required");
        }
    }
}
