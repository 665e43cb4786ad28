package org.latent4j.cli;

/** Layout of help texts generated from declarations (model kinds and their options). */
final class Help {
    private Help() {}

    /** Column where option descriptions start, as in the hand-written help texts. */
    static final int DESCRIPTION_COLUMN = 26;
    static final int WIDTH = 110;

    /** "  --name VALUE    description", the description wrapped at {@link #WIDTH} and indented under itself. */
    static String option(String synopsis, String description) {
        String head = "  " + synopsis;
        StringBuilder out = new StringBuilder(head);
        if (head.length() >= DESCRIPTION_COLUMN) out.append('\n').append(" ".repeat(DESCRIPTION_COLUMN));
        else out.append(" ".repeat(DESCRIPTION_COLUMN - head.length()));
        out.append(wrap(description, DESCRIPTION_COLUMN).stripLeading());
        return out.toString();
    }

    /** {@code text} as lines of at most {@link #WIDTH} characters, each indented by {@code indent} spaces and ended by a newline. */
    static String wrap(String text, int indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) continue;
            if (!line.isEmpty() && indent + line.length() + 1 + word.length() > WIDTH) {
                out.append(" ".repeat(indent)).append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) out.append(" ".repeat(indent)).append(line).append('\n');
        return out.toString();
    }
}
