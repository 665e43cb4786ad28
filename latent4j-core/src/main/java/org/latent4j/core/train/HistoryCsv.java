package org.latent4j.core.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.latent4j.core.io.AtomicFiles;

/** The loss history as CSV, rewritten whole and atomically, so a reader never sees a half-written line. */
final class HistoryCsv {
    private HistoryCsv() {}

    static final String FILE = "history.csv";
    static final String HEADER = "epoch,step,train_loss,reconstruction,regularization,validation_loss,learning_rate,seconds";

    /** Numbers in Java's shortest round-trip form, so the file holds the exact values; no validation = empty field. */
    static String format(List<EpochRecord> history) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochRecord r : history) {
            sb.append(r.epoch()).append(',').append(r.step()).append(',').append(r.trainLoss()).append(',').append(r.reconstruction())
                    .append(',').append(r.regularization()).append(',')
                    .append(r.validationLoss().isPresent() ? Double.toString(r.validationLoss().getAsDouble()) : "")
                    .append(',').append(r.learningRate()).append(',').append(r.seconds()).append('\n');
        }
        return sb.toString();
    }

    static void write(Path runDirectory, List<EpochRecord> history) throws IOException {
        AtomicFiles.writeString(runDirectory.resolve(FILE), format(history));
    }
}
