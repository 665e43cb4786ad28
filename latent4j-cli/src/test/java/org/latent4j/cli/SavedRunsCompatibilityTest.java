package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latent4j.cli.ModelCommandsTest.Result;
import org.latent4j.core.io.Json;

/**
 * Run directories that earlier versions of Latent4j wrote (test resources under {@code runs/}, each with a README
 * saying which code wrote it and how) keep loading, and today's code computes what the code that wrote them
 * measured: the same evaluation on the same held-out rows with the same seeds.
 */
class SavedRunsCompatibilityTest {
    @TempDir
    Path tmp;

    /** A copy of the fixture run {@code name} in a temporary directory (commands may write into a run). */
    static Path copyOfRun(String name, Path into) {
        try {
            URL url = SavedRunsCompatibilityTest.class.getResource("runs/" + name);
            if (url == null) throw new AssertionError("no fixture run " + name);
            Path source = Path.of(url.toURI());
            Path target = into.resolve(name.replace('/', '-'));
            try (Stream<Path> files = Files.walk(source)) {
                for (Path p : files.toList()) {
                    Path t = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(t);
                    else Files.copy(p, t);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Every number of {@code expected} (a JSON tree) equals the one at the same place in {@code actual} within a
     * relative {@code tolerance} (an absolute one near zero); keys present in expected must be present in actual.
     */
    static void assertSameNumbers(Json.Value expected, Json.Value actual, double tolerance, String path, List<String> problems) {
        switch (expected) {
            case Json.Obj o -> {
                if (!(actual instanceof Json.Obj a)) {
                    problems.add(path + ": expected an object, got " + actual);
                    return;
                }
                o.members().forEach((k, v) -> {
                    Json.Value w = a.members().get(k);
                    if (w == null) problems.add(path + "." + k + ": missing");
                    else assertSameNumbers(v, w, tolerance, path + "." + k, problems);
                });
            }
            case Json.Arr arr -> {
                if (!(actual instanceof Json.Arr b) || b.items().size() != arr.items().size()) {
                    problems.add(path + ": expected " + arr.items().size() + " items, got " + actual);
                    return;
                }
                for (int i = 0; i < arr.items().size(); i++) assertSameNumbers(arr.items().get(i), b.items().get(i), tolerance, path + "[" + i + "]", problems);
            }
            case Json.Int i -> number(i.value(), actual, tolerance, path, problems);
            case Json.Real r -> number(r.value(), actual, tolerance, path, problems);
            default -> {
                if (!expected.equals(actual)) problems.add(path + ": expected " + expected + ", got " + actual);
            }
        }
    }

    private static void number(double e, Json.Value actual, double tolerance, String path, List<String> problems) {
        double a = actual instanceof Json.Int i ? i.value() : actual instanceof Json.Real r ? r.value() : Double.NaN;
        if (!(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)))) problems.add(path + ": expected " + e + ", got " + actual);
    }

    static void assertSameNumbers(Path expected, Path actual, double tolerance) throws IOException {
        List<String> problems = new ArrayList<>();
        assertSameNumbers(Json.readFile(expected), Json.readFile(actual), tolerance, "", problems);
        if (!problems.isEmpty()) fail(problems.size() + " values differ from " + expected.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1/vae", "v1/hvae", "v1/cvae", "v1/ae", "v2-golden/ae", "v2-golden/vae", "v2-golden/beta-vae", "v2-golden/iwae",
            "v2-golden/cvae", "v2-golden/hvae"})
    void savedRunsEvaluateAsTheyDidWhenWritten(String name) throws IOException {
        Path run = copyOfRun(name, tmp);
        String kind = name.replace('/', '-');
        Path json = tmp.resolve(kind + ".json");
        Result r = ModelCommandsTest.latent4j("eval", run.toString(), "--nll-k", "20", "--limit", "30", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertSameNumbers(run.resolve("expected-eval.json"), json, 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1/vae", "v2-golden/vae"})
    void savedCheckpointsResumeAsTheCodeThatWroteThemResumedThem(String name) throws IOException {
        Path run = copyOfRun(name, tmp);
        Result resumed = ModelCommandsTest.latent4j("train", "--resume", run.toString(), "--epochs", "3");
        assertEquals(0, resumed.code(), resumed.err());
        Path json = tmp.resolve("resumed.json");
        Result r = ModelCommandsTest.latent4j("eval", run.toString(), "--nll-k", "20", "--limit", "30", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertSameNumbers(run.resolve("expected-eval-after-resume-to-3-epochs.json"), json, 1e-3);
        assertTrue(Files.readString(run.resolve("history.csv")).lines().count() == 4, "three epochs in the history");
    }
}
