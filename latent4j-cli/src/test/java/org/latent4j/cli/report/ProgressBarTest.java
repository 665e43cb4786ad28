package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.latent4j.core.train.EpochRecord;
import org.latent4j.core.train.StepInfo;

class ProgressBarTest {
    @Test
    void rendersCountRateEtaAndStatus() {
        // 250 of 1000 samples in 2 s: 125 samples/s, 750 left = 6 s
        String line = ProgressBar.render("epoch 1/3", 250, 1000, "samples", 2_000_000_000L, "loss 93.1", true);
        assertEquals("epoch 1/3 [======                  ] 250/1000 125.0 samples/s ETA 6s  loss 93.1", line);
        assertEquals("3m05s", ProgressBar.duration(185));
        assertEquals("2h07m", ProgressBar.duration(2 * 3600 + 7 * 60 + 20));
    }

    @Test
    void withoutATerminalOnlyTheEpochLinesArePrinted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        progress.onStart(2, 0, 0, 100, 0);
        for (int e = 0; e < 2; e++) {
            for (int b = 1; b <= 4; b++) progress.onStep(new StepInfo(e, 2, e * 4L + b, b, 4, 25L * b, 100, 1.5, 1e-3, Map.of("kl", 0.25)));
            progress.onEpochEnd(new EpochRecord(e + 1, 4L * (e + 1), 1.5, 1.25, 0.25, OptionalDouble.of(1.75), 1e-3, 0.5,
                    e == 0 ? Map.of() : Map.of("perplexity", 311.27)));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), "no redrawing");
        String[] lines = out.split("\n");
        assertEquals(2, lines.length, out);
        assertEquals("epoch 1/2  step 4  loss 1.5000 (rec 1.2500, reg 0.2500)  val 1.7500  lr 0.00100  0.5s", lines[0]);
        assertTrue(lines[1].startsWith("epoch 2/2  step 8"), lines[1]);
        assertTrue(lines[1].contains("val 1.7500  [perplexity 311.3]  lr"), "the model's metrics: " + lines[1]);
    }

    @Test
    void onATerminalTheBarIsRedrawnAndReplacedByTheSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "eval", 10, "samples");
        bar.update(10, "nll 85.0");
        bar.finish("eval done");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\reval [========================] 10/10"), out);
        assertTrue(out.contains("\reval done"), out);
        assertTrue(out.endsWith("\n"), out);
    }
}
