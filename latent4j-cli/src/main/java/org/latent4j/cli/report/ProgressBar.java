package org.latent4j.cli.report;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display: label, bar, count, rate, ETA and a free status text (e.g. the live loss).
 *
 * <p>On an interactive terminal the line is redrawn in place (at most {@value #REDRAWS_PER_SECOND} times a
 * second, so printing never slows the work down). Anywhere else (a log file, a pipe, CI) redrawing would leave
 * hundreds of partial lines, so {@link #update} prints nothing and {@link #finish} prints one plain line.
 */
public final class ProgressBar {
    private static final int REDRAWS_PER_SECOND = 10;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final String label;
    private final long total;
    private final String unit;
    private final long startNanos;
    private long lastDrawNanos;
    private int lastWidth;

    /**
     * @param total the count at completion (e.g. samples in an epoch)
     * @param unit  what is counted, for the rate ("samples" gives "samples/s")
     */
    public ProgressBar(PrintStream out, boolean interactive, String label, long total, String unit) {
        if (total < 0) throw new IllegalArgumentException("ProgressBar: total " + total + " is negative");
        this.out = out;
        this.interactive = interactive;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.startNanos = System.nanoTime();
        this.lastDrawNanos = startNanos - 1_000_000_000L;
    }

    /** A bar on standard error, redrawn when stderr is an interactive terminal. */
    public static ProgressBar onStandardError(String label, long total, String unit) {
        return new ProgressBar(System.err, standardErrorIsInteractive(), label, total, unit);
    }

    /**
     * Whether redrawing makes sense: the JVM has a terminal and the CI variable is not "true" (CI runners often
     * attach a pseudo-terminal whose log nonetheless keeps every redraw).
     */
    public static boolean standardErrorIsInteractive() {
        Console console = System.console();
        return console != null && console.isTerminal() && !"true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Reports {@code done} of the total; redraws when interactive and the last redraw is old enough. */
    public void update(long done, String status) {
        if (!interactive) return;
        long now = System.nanoTime();
        if (now - lastDrawNanos < 1_000_000_000L / REDRAWS_PER_SECOND && done < total) return;
        lastDrawNanos = now;
        draw(render(label, done, total, unit, now - startNanos, status, true));
    }

    /** Ends the bar with {@code summary} on a line of its own (replacing the bar when interactive). */
    public void finish(String summary) {
        if (interactive) {
            draw(summary);
            out.print('\n');
        } else {
            out.println(summary);
        }
        out.flush();
    }

    /** Erases the bar (when interactive; otherwise nothing was drawn), for a caller that prints its own summary elsewhere. */
    public void clear() {
        if (!interactive || lastWidth == 0) return;
        out.print('\r' + " ".repeat(lastWidth) + '\r');
        out.flush();
        lastWidth = 0;
    }

    /** Seconds since the bar was made. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void draw(String line) {
        // pad over the remains of a longer previous line
        int pad = Math.max(0, lastWidth - line.length());
        out.print('\r' + line + " ".repeat(pad));
        out.flush();
        lastWidth = line.length();
    }

    /** The text of the bar; package-visible for tests. */
    static String render(String label, long done, long total, String unit, long elapsedNanos, String status, boolean bar) {
        StringBuilder sb = new StringBuilder(label);
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        if (bar) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            sb.append(" [").append("=".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append(']');
        }
        sb.append(' ').append(done).append('/').append(total);
        double seconds = elapsedNanos / 1e9;
        if (seconds > 0 && done > 0) {
            double rate = done / seconds;
            sb.append(String.format(Locale.ROOT, " %.1f %s/s", rate, unit));
            sb.append(" ETA ").append(duration((total - done) / rate));
        }
        if (status != null && !status.isEmpty()) sb.append("  ").append(status);
        return sb.toString();
    }

    /** 42s, 3m05s, 2h07m. */
    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
