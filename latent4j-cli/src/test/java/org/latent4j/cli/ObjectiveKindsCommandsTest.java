package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.io.Json;

/**
 * The objectives beyond the KL from the command line on the embedded data: each kind (and the ae with VICReg's terms)
 * trains, its training loss falls from the first epoch to the second, its metrics reach history.csv, its options
 * reach the saved config, and eval reports what applies to its code; bad values give one line and exit code 2.
 */
class ObjectiveKindsCommandsTest {
    @TempDir
    Path tmp;

    /** Two epochs on 200 rows; returns the history's rows as maps from column to value. */
    private List<java.util.Map<String, String>> train(Path run, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--out", run.toString(), "--limit", "200", "--epochs", "2", "--hidden", "32", "--latent",
                "4", "--batch", "25", "--nll-k", "3", "--eval-limit", "20"));
        args.addAll(List.of(extra));
        ModelCommandsTest.Result r = latent4j(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(3, lines.size(), "header and two epochs");
        List<String> header = Arrays.asList(lines.get(0).split(","));
        List<java.util.Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) row.put(header.get(i), v[i]);
            rows.add(row);
        }
        double first = Double.parseDouble(rows.get(0).get("train_loss")), second = Double.parseDouble(rows.get(1).get("train_loss"));
        assertTrue(second < first, run.getFileName() + ": the loss falls, " + first + " -> " + second);
        return rows;
    }

    private static Json.Cursor config(Path run) throws IOException {
        return Json.at(Json.readFile(run.resolve("config.json")), "config.json");
    }

    private static String eval(Path run) {
        ModelCommandsTest.Result r = latent4j("eval", run.toString(), "--nll-k", "2", "--limit", "20");
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    @Test
    void waeAndSwaeTrainWithTheirPenalties() throws IOException {
        Path wae = tmp.resolve("wae");
        var rows = train(wae, "--model", "wae", "--lambda", "5", "--kernel", "rbf");
        assertTrue(rows.get(0).containsKey("mmd"), rows.toString());
        Json.Cursor c = config(wae);
        assertEquals("wae", c.get("kind").asString());
        assertEquals(5.0, c.get("config").get("lambda").asDouble());
        assertEquals("RBF", c.get("config").get("kernel").asString());
        assertEquals(4, c.get("config").get("network").get("latentDim").asInt());
        assertTrue(Files.isRegularFile(wae.resolve("samples.png")), "a WAE generates from its prior");
        String out = eval(wae);
        assertTrue(out.contains("deterministic codes") && !out.contains("NLL"), out);

        Path swae = tmp.resolve("swae");
        rows = train(swae, "--model", "swae", "--projections", "20");
        assertTrue(rows.get(1).containsKey("sw"), rows.toString());
        assertEquals(20, config(swae).get("config").get("projections").asInt());
        assertEquals(10.0, config(swae).get("config").get("lambda").asDouble(), "the default");
        assertTrue(eval(swae).contains("deterministic codes"));
    }

    @Test
    void infoVaeAndUnscentedAeAreGaussianModels() throws IOException {
        Path info = tmp.resolve("info");
        var rows = train(info, "--model", "info-vae", "--alpha", "0.5", "--lambda", "100");
        assertTrue(rows.get(0).containsKey("mmd") && rows.get(0).containsKey("kl"), rows.toString());
        assertEquals(0.5, config(info).get("config").get("alpha").asDouble());
        String out = eval(info);
        assertTrue(out.contains("NLL") && out.contains("active units") && out.contains("MI"), out);

        Path uae = tmp.resolve("uae");
        rows = train(uae, "--model", "unscented-ae", "--sigma-points", "all");
        assertTrue(rows.get(0).containsKey("wasserstein"), rows.toString());
        assertEquals(0, config(uae).get("config").get("sigmaPoints").asInt(), "all points");
        out = eval(uae);
        assertTrue(out.contains("NLL") && out.contains("active units"), out);
    }

    @Test
    void ardVaeReportsItsUsedDimensions() throws IOException {
        Path ard = tmp.resolve("ard");
        var rows = train(ard, "--model", "ard-vae", "--relevance-threshold", "0.4");
        double used = Double.parseDouble(rows.get(1).get("usedDims"));
        assertTrue(used >= 0 && used <= 4, rows.toString());
        assertEquals(0.4, config(ard).get("config").get("threshold").asDouble());
        String out = eval(ard);
        assertTrue(out.contains("ARD prior: ") && out.contains("/4 dimensions used"), out);
        assertTrue(Files.readString(ard.resolve("report.html")).contains("ARD prior: "), "the run's HTML report says it too");
        Path json = tmp.resolve("ard.json");
        assertEquals(0, latent4j("eval", ard.toString(), "--nll-k", "2", "--limit", "20", "--json", json.toString()).code());
        Json.Cursor relevance = Json.at(Json.readFile(json), "ard.json").get("relevance");
        assertEquals(4, relevance.get("relevance").size());
        assertEquals(4, relevance.get("priorVariance").size());
    }

    @Test
    void aeTakesVicRegTerms() throws IOException {
        Path ae = tmp.resolve("ae");
        var rows = train(ae, "--model", "ae", "--vicreg-variance", "25", "--vicreg-covariance", "1");
        assertTrue(rows.get(0).containsKey("vicregVariance") && rows.get(0).containsKey("vicregCovariance"), rows.toString());
        assertEquals(25.0, config(ae).get("config").get("vicregVariance").asDouble());
        assertEquals(1.0, config(ae).get("config").get("vicregCovariance").asDouble());
    }

    @Test
    void badValuesAreOneLine() {
        assertUsageError("--alpha", "train", "--model", "info-vae", "--alpha", "2", "--out", tmp.resolve("x1").toString());
        assertUsageError("--alpha plus --lambda", "train", "--model", "info-vae", "--alpha", "0.2", "--lambda", "0.5", "--out", tmp.resolve("x2").toString());
        assertUsageError("--kernel", "train", "--model", "wae", "--kernel", "laplace", "--out", tmp.resolve("x3").toString());
        assertUsageError("--sigma-points", "train", "--model", "unscented-ae", "--sigma-points", "some", "--out", tmp.resolve("x4").toString());
        assertUsageError("--projections", "train", "--model", "swae", "--projections", "0", "--out", tmp.resolve("x5").toString());
        assertUsageError("--vicreg-variance", "train", "--model", "ae", "--vicreg-variance", "-1", "--out", tmp.resolve("x6").toString());
        assertUsageError("--lambda", "train", "--model", "vae", "--lambda", "3", "--out", tmp.resolve("x7").toString());
    }
}
