package org.latent4j.core.data;

import java.io.IOException;

/**
 * A data file cannot be read as what it claims to be: truncated, a header that disagrees with the
 * contents, an unknown magic number or element type, a malformed cell. The message starts with the file
 * and then says what is wrong, so it can be shown to a user as it is.
 */
public class DataFileException extends IOException {
    private final String file;
    private final String problem;

    public DataFileException(String file, String problem) {
        this(file, problem, null);
    }

    public DataFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file (or resource) as it was named when opened. */
    public String file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
