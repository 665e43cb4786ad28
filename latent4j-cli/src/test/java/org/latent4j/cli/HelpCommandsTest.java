package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --help} on every command: usage on standard output, exit 0, and every option the command reads named. */
class HelpCommandsTest {
    /** The options each command reads (train's from the command itself, so a new option without help fails here). */
    private static final Map<String, List<String>> OPTIONS = Map.ofEntries(
            Map.entry("train", List.copyOf(TrainCommand.valued())),
            Map.entry("eval", List.of("nll-k", "limit", "data", "seed", "json")),
            Map.entry("score", ScoreCommand.VALUED),
            Map.entry("sample", List.of("n", "out", "seed", "json")),
            Map.entry("reconstruct", List.of("n", "columns", "out", "json")),
            Map.entry("interpolate", List.of("pairs", "steps", "out", "json")),
            Map.entry("traverse", List.of("image", "dims", "steps", "range", "out", "json")),
            Map.entry("encode", List.of("out", "data", "log-variance", "limit", "json")),
            Map.entry("report", List.of("out")),
            Map.entry("codes", List.of("out", "data", "split", "limit", "seed", "json")),
            Map.entry("gradvar", GradvarCommand.VALUED),
            Map.entry("compress", List.of("spec", "data", "queries", "out", "model", "codes", "train-rows", "seed", "kmeans-iterations", "k", "metric",
                    "rerank", "ground-truth", "queries-limit")),
            Map.entry("bench", List.of("sizes", "shapes", "threads", "repeat", "batch", "layers", "dim", "head-kernel", "steps", "warmup", "cases", "epochs",
                    "nll-k", "limit", "eval", "data", "seed", "json", "d", "codes", "serve")));

    @Test
    void everyCommandPrintsItsUsageAndOptions() {
        for (var e : OPTIONS.entrySet()) {
            String command = e.getKey();
            for (String flag : new String[] {"--help", "-h"}) {
                ModelCommandsTest.Result r = latent4j(command, flag);
                assertEquals(0, r.code(), command + " " + flag + ": " + r.err());
                assertEquals("", r.err(), command + " " + flag);
                assertTrue(r.out().startsWith("usage: latent4j " + command), command + ": " + r.out());
                for (String option : e.getValue()) assertTrue(r.out().contains("--" + option), command + " --help names --" + option);
            }
        }
    }

    @Test
    void trainHelpListsEveryRegisteredKindWithItsOptionsAndCapabilities() {
        String help = latent4j("train", "--help").out();
        for (var kind : org.latent4j.core.model.ModelKinds.all()) {
            assertTrue(help.contains("\n  " + kind.name() + " ") && help.contains(kind.summary()), kind.name() + " in " + help);
            for (var option : kind.options()) {
                assertTrue(help.contains("--" + option.name() + " " + option.valueName()), kind.name() + ": --" + option.name());
            }
        }
        assertTrue(help.contains("options: --latent, --hidden, --activation, --likelihood, --sigma, --arch, --channels,\n             --vicreg-variance, --vicreg-covariance; can: deterministic-codes"), help);
    }

    @Test
    void everyRegisteredCommandHasItsOptionsListedHere() {
        // a command registered without an entry above would have its help go unchecked
        assertEquals(new java.util.TreeSet<>(OPTIONS.keySet()), new java.util.TreeSet<>(Main.commandNames()));
        assertEquals(List.of("train", "eval", "score", "sample", "reconstruct", "interpolate", "traverse", "encode", "gradvar", "report", "codes",
                "compress", "bench"), List.copyOf(Main.commandNames()), "the help's order is the services file's");
    }

    @Test
    void theToolsHelpListsEveryCommand() {
        ModelCommandsTest.Result r = latent4j("--help");
        assertEquals(0, r.code());
        for (String command : OPTIONS.keySet()) assertTrue(r.out().contains("\n  " + command + " "), command + " in " + r.out());
    }

    @Test
    void helpIsAnsweredBeforeTheOtherArgumentsAreChecked() {
        // a user asking for help with a half-written command line gets the help, not the error
        ModelCommandsTest.Result r = latent4j("train", "--model", "ae", "--k", "3", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("usage: latent4j train"), r.out());
    }
}
