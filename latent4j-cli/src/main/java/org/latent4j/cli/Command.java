package org.latent4j.cli;

/** One sub-command of the latent4j tool. */
public interface Command {
    /** The word that selects it, e.g. "bench". */
    String name();

    /** One line for the list of commands. */
    String summary();

    /** Full help text for {@code --help}. */
    String help();

    /** Runs with the arguments after the command word; returns the exit code. */
    int run(String[] args) throws Exception;
}
