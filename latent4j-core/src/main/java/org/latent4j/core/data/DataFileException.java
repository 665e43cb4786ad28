package org.latent4j.core.data;

import java.io.IOException;

/**
 * A data file cannot be read as what it claims to be: truncated, a header that disagrees with the
 * contents, an unknown magic number or element type, a malformed cell. The message starts with the file
 * and then says what is wrong, so it can be shown to a user as it is.
 */
public class DataFileException extends IOException {
    /** The file as named when it was opened. */
    private final String file;
    /** What is wrong with it. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the file as named when it was opened
     * @param problem what is wrong with it, without the file name
     */
    public DataFileException(String file, String problem) {
        this(file, problem, null);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param file the file as named when it was opened
     * @param problem what is wrong with it, without the file name
     * @param cause the exception that revealed the problem
     */
    public DataFileException(String file, String problem, Throwable cause) {
        super(file + ": " + oneLine(problem), cause);
        this.file = file;
        this.problem = oneLine(problem);
    }

    /**
     * The problem with control characters escaped: problems quote bytes of the file (a header, a cell), and a line
     * break among them would split the one line a user is shown.
     */
    private static String oneLine(String problem) {
        StringBuilder b = null;
        for (int i = 0; i < problem.length(); i++) {
            char c = problem.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && b == null) b = new StringBuilder(problem.length() + 8).append(problem, 0, i);
            if (b == null) continue;
            if (!control) b.append(c);
            else if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else b.append(String.format("\\u%04X", (int) c));
        }
        return b == null ? problem : b.toString();
    }

    /**
     * The file (or resource) as it was named when opened.
     *
     * @return the file's name
     */
    public String file() {
        return file;
    }

    /**
     * What is wrong with it, without the file name.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
