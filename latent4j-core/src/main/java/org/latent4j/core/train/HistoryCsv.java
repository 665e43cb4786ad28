package org.latent4j.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.latent4j.core.io.AtomicFiles;

/**
 * The loss history as CSV, rewritten whole and atomically, so a reader never sees a half-written line. The fixed
 * columns come first, then one column per metric the model reports ({@code LossResult.metrics}), in the order the
 * model first reported them.
 */
final class HistoryCsv {
    private HistoryCsv() {}

    static final String FILE = "history.csv";
    static final String HEADER = "epoch,step,train_loss,reconstruction,regularization,validation_loss,learning_rate,seconds";

    /** Numbers in Java's shortest round-trip form, so the file holds the exact values; an absent value is an empty field. */
    static String format(List<EpochRecord> history) {
        Set<String> metrics = new LinkedHashSet<>();
        for (EpochRecord r : history) metrics.addAll(r.metrics().keySet());
        StringBuilder sb = new StringBuilder(HEADER);
        for (String m : metrics) sb.append(',').append(m);
        sb.append('\n');
        for (EpochRecord r : history) {
            sb.append(r.epoch()).append(',').append(r.step()).append(',').append(r.trainLoss()).append(',').append(r.reconstruction())
                    .append(',').append(r.regularization()).append(',')
                    .append(r.validationLoss().isPresent() ? Double.toString(r.validationLoss().getAsDouble()) : "")
                    .append(',').append(r.learningRate()).append(',').append(r.seconds());
            for (String m : metrics) {
                Double v = r.metrics().get(m);
                sb.append(',').append(v == null ? "" : v.toString());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void write(Path runDirectory, List<EpochRecord> history) throws IOException {
        AtomicFiles.writeString(runDirectory.resolve(FILE), format(history));
    }
}
