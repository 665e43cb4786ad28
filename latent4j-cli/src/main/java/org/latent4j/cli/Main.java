package org.latent4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the {@code latent4j} command. Errors a user can cause (a wrong option, an unreadable
 * file) print one line and exit with code 2; only a bug in Latent4j shows a stack trace.
 */
public final class Main {
    public static final String VERSION = "0.1.0-SNAPSHOT";

    /** The commands registered in META-INF/services/org.latent4j.cli.Command, by name, in the file's order. */
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : java.util.ServiceLoader.load(Command.class, Main.class.getClassLoader())) {
            Command earlier = COMMANDS.putIfAbsent(c.name(), c);
            if (earlier != null) {
                throw new IllegalStateException("two commands are named " + c.name() + ": " + earlier.getClass().getName() + " and " + c.getClass().getName());
            }
        }
    }

    /** {@return the registered commands' names, in the order of the help} */
    static java.util.Set<String> commandNames() {
        return java.util.Collections.unmodifiableSet(COMMANDS.keySet());
    }

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool and returns the exit code (for tests). */
    public static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(usage());
            return 0;
        }
        if (args[0].equals("--version")) {
            System.out.println("latent4j " + VERSION);
            return 0;
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            System.err.println("latent4j: unknown command '" + args[0] + "' (run latent4j --help for the list)");
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        for (String a : rest) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(c.help());
                return 0;
            }
        }
        try {
            return c.run(rest);
        } catch (UsageException | org.latent4j.core.model.OptionValues.OptionException e) {
            System.err.println("latent4j " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            // a message of its own says what was being done (e.g. "Trainer: cannot write ..."); the cause says why
            String why = describe(e.getCause());
            System.err.println("latent4j " + c.name() + ": " + (e.getMessage().equals(e.getCause().toString()) ? why : oneLine(e.getMessage()) + ": " + why));
            return 2;
        } catch (IOException e) {
            System.err.println("latent4j " + c.name() + ": " + describe(e));
            return 2;
        } catch (OutOfMemoryError e) {
            // what a user asked for did not fit: a model, a batch or a file larger than the heap
            System.err.println("latent4j " + c.name() + ": out of memory: what this command was asked to hold does not fit in the Java heap of "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB; use smaller sizes (--hidden, --batch, --k, --limit) or a larger heap "
                    + "(LATENT4J_JAVA_OPTS=-Xmx8g)");
            return 2;
        } catch (Exception e) {
            System.err.println("latent4j " + c.name() + ": internal error: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    /**
     * One line for an I/O failure. The JDK's file-system exceptions often carry only the path (an
     * AccessDeniedException's message is the file name), so their kind is spelled out.
     */
    static String describe(IOException e) {
        if (!(e instanceof FileSystemException f)) return oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        String why = f.getReason() != null ? f.getReason() : switch (f) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "already exists (and is in the way)";
            case NotDirectoryException x -> "is not a directory";
            case DirectoryNotEmptyException x -> "directory is not empty";
            default -> f.getClass().getSimpleName();
        };
        return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + oneLine(why);
    }

    /** A multi-line message (e.g. a list of mismatches) joined into one line. */
    static String oneLine(String s) {
        return s.strip().replaceAll(":\\s*\\R\\s*", ": ").replaceAll("\\s*\\R\\s*", "; ");
    }

    static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("latent4j ").append(VERSION).append(": deep latent-variable autoencoders on the JVM\n\n");
        sb.append("usage: latent4j COMMAND [options]   (latent4j COMMAND --help for its options)\n\ncommands:\n");
        for (Command c : COMMANDS.values()) sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
        return sb.toString();
    }
}
