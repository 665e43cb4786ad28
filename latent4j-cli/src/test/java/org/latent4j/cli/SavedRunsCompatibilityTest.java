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
import org.junit.jupiter.api.Test;
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
     * Where each value of the evaluation report that the format-1 and format-2 code wrote by hand (snake_case keys)
     * stands in today's report, which is its records written through the JSON mapper. A path prefix maps to a prefix;
     * the latent layer's name and description of a deterministic code, which that code wrote too, have no place now.
     */
    private static final Map<String, String> REPORT_PATHS = Map.ofEntries(
            Map.entry("latent_dimensions", "latentDimensions"),
            Map.entry("latent_layer", "latent.layer"),
            Map.entry("log_likelihood.samples_per_call", "logLikelihood.samplesPerCall"),
            Map.entry("log_likelihood.mean", "logLikelihood.logLikelihood.mean"),
            Map.entry("log_likelihood.standard_error", "logLikelihood.logLikelihood.standardError"),
            Map.entry("log_likelihood.effective_sample_size_mean", "logLikelihood.effectiveSampleSizeMean"),
            Map.entry("log_likelihood", "logLikelihood"),
            Map.entry("elbo.standard_error", "logLikelihood.elbo.standardError"),
            Map.entry("elbo", "logLikelihood.elbo"),
            Map.entry("reconstruction.nll_mean", "reconstruction.nll.mean"),
            Map.entry("reconstruction.nll_standard_error", "reconstruction.nll.standardError"),
            Map.entry("reconstruction.squared_error_mean", "reconstruction.squaredError.mean"),
            Map.entry("reconstruction.squared_error_standard_error", "reconstruction.squaredError.standardError"),
            Map.entry("kl.total", "latent.totalKl"),
            Map.entry("kl.per_dimension", "latent.klPerDimension"),
            Map.entry("active_units", "latent.activeUnits"),
            Map.entry("mutual_information.available_examples", "latent.mutualInformation.availableExamples"),
            Map.entry("mutual_information.upper_bound", "latent.mutualInformation.upperBound"),
            Map.entry("mutual_information.mean_kl", "latent.mutualInformation.meanKl"),
            Map.entry("mutual_information.aggregate_kl", "latent.mutualInformation.aggregateKl"),
            Map.entry("mutual_information", "latent.mutualInformation"),
            Map.entry("posterior_collapse.collapsed_dimensions", "latent.collapse.collapsedDimensions"),
            Map.entry("posterior_collapse.inactive_dimensions", "latent.collapse.inactiveDimensions"),
            Map.entry("posterior_collapse.kl_threshold", "latent.collapse.klThreshold"),
            Map.entry("posterior_collapse.activity_threshold", "latent.collapse.activityThreshold"),
            Map.entry("posterior_collapse", "latent.collapse"));

    /** Today's path of a value an older report wrote at {@code path}: the longest mapped prefix replaced. */
    static String todaysPath(String path) {
        String best = null;
        for (String prefix : REPORT_PATHS.keySet()) {
            boolean matches = path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
            if (matches && (best == null || prefix.length() > best.length())) best = prefix;
        }
        return best == null ? path : REPORT_PATHS.get(best) + path.substring(best.length());
    }

    /** Every leaf of a JSON tree under its path ("a.b[2].c"). */
    static void flatten(Json.Value v, String path, Map<String, Json.Value> out) {
        switch (v) {
            case Json.Obj o -> o.members().forEach((k, w) -> flatten(w, path.isEmpty() ? k : path + "." + k, out));
            case Json.Arr a -> {
                for (int i = 0; i < a.items().size(); i++) flatten(a.items().get(i), path + "[" + i + "]", out);
            }
            default -> out.put(path, v);
        }
    }

    /**
     * Every value an older evaluation report holds equals the one at its place in today's ({@link #todaysPath}): numbers
     * within a relative {@code tolerance} (an absolute one near zero), strings and nulls exactly. A deterministic code's
     * layer name and description are skipped (today's report describes no layer for it).
     */
    static void assertSameReport(Path expected, Path actual, double tolerance) throws IOException {
        Map<String, Json.Value> old = new java.util.LinkedHashMap<>(), now = new java.util.LinkedHashMap<>();
        flatten(Json.readFile(expected), "", old);
        flatten(Json.readFile(actual), "", now);
        boolean deterministic = old.get("kl") instanceof Json.Null;
        List<String> problems = new ArrayList<>();
        old.forEach((path, e) -> {
            if (deterministic && path.startsWith("latent_layer")) return;
            if (e instanceof Json.Null) return; // undefined then (a collapse report of a deterministic code), absent or null now
            String at = todaysPath(path);
            Json.Value a = now.get(at);
            if (a == null) {
                problems.add(path + " -> " + at + ": missing");
            } else if (e instanceof Json.Int || e instanceof Json.Real) {
                double x = e instanceof Json.Int i ? i.value() : ((Json.Real) e).value();
                double y = a instanceof Json.Int i ? i.value() : a instanceof Json.Real r ? r.value() : Double.NaN;
                if (!(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x)))) problems.add(path + " -> " + at + ": expected " + x + ", got " + a);
            } else if (!e.equals(a)) {
                problems.add(path + " -> " + at + ": expected " + e + ", got " + a);
            }
        });
        if (!problems.isEmpty()) fail(problems.size() + " values differ from " + expected.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    @Test
    void todaysPathsOfOldReportKeys() {
        assertEquals("logLikelihood.logLikelihood.mean", todaysPath("log_likelihood.mean"));
        assertEquals("logLikelihood.k", todaysPath("log_likelihood.k"));
        assertEquals("latent.klPerDimension[1]", todaysPath("kl.per_dimension[1]"));
        assertEquals("latent.activeUnits.activity[0]", todaysPath("active_units.activity[0]"));
        assertEquals("examples", todaysPath("examples"));
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
        assertSameReport(run.resolve("expected-eval.json"), json, 1e-4);
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
        assertSameReport(run.resolve("expected-eval-after-resume-to-3-epochs.json"), json, 1e-3);
        assertTrue(Files.readString(run.resolve("history.csv")).lines().count() == 4, "three epochs in the history");
    }
}
