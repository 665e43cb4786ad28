package org.latent4j.cli.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.latent4j.core.train.EpochRecord;
import org.latent4j.core.train.StepInfo;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainingListener;

/**
 * A {@link TrainingListener} that shows a {@link ProgressBar} per epoch with the live loss, and one summary line
 * when the epoch ends, with the epoch means of the model's metrics (the only output when the stream is not an
 * interactive terminal).
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private int epochs;
    private double smoothedLoss = Double.NaN;

    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Progress on standard error, redrawn only on an interactive terminal. */
    public static ConsoleProgress onStandardError() {
        return new ConsoleProgress(System.err, ProgressBar.standardErrorIsInteractive());
    }

    @Override
    public void onStart(int epochs, int startEpoch, long startStep, int trainRows, int validationRows) {
        this.epochs = epochs;
        if (startStep > 0) out.println("resuming at epoch " + (startEpoch + 1) + ", step " + startStep);
    }

    @Override
    public void onStep(StepInfo step) {
        if (bar == null) {
            bar = new ProgressBar(out, interactive, "epoch " + (step.epoch() + 1) + "/" + step.epochs(), step.rows(), "samples");
            smoothedLoss = Double.NaN;
        }
        // an exponential average: a single batch's loss jumps too much to read
        smoothedLoss = Double.isNaN(smoothedLoss) ? step.loss() : 0.9 * smoothedLoss + 0.1 * step.loss();
        bar.update(step.rowsDone(), String.format(Locale.ROOT, "loss %.4g", smoothedLoss));
    }

    @Override
    public void onEpochEnd(EpochRecord r) {
        String line = String.format(Locale.ROOT, "epoch %d/%d  step %d  loss %.4f (rec %.4f, reg %.4f)%s%s  lr %.3g  %.1fs", r.epoch(), epochs,
                r.step(), r.trainLoss(), r.reconstruction(), r.regularization(),
                r.validationLoss().isPresent() ? String.format(Locale.ROOT, "  val %.4f", r.validationLoss().getAsDouble()) : "",
                metrics(r.metrics()), r.learningRate(), r.seconds());
        if (bar != null) bar.finish(line);
        else out.println(line);
        bar = null;
    }

    /**
     * "  [kl 14.2, perplexity 310]": the model's metrics, four significant digits each. Of the gradient-variance columns
     * only the SNRs are shown, as "snr encoder 0.08, snr decoder 1.2", to keep the line short (history.csv has them all).
     */
    static String metrics(Map<String, Double> metrics) {
        StringBuilder s = new StringBuilder("  [");
        metrics.forEach((name, v) -> {
            String shown = name;
            if (name.startsWith(Trainer.GRADIENT_VARIANCE_PREFIX)) {
                if (!name.endsWith(SNR_SUFFIX)) return;
                shown = "snr " + name.substring(Trainer.GRADIENT_VARIANCE_PREFIX.length(), name.length() - SNR_SUFFIX.length());
            }
            s.append(s.length() == 3 ? "" : ", ").append(shown).append(' ').append(String.format(Locale.ROOT, "%.4g", v));
        });
        return s.length() == 3 ? "" : s.append(']').toString();
    }

    private static final String SNR_SUFFIX = "_snr";
}
