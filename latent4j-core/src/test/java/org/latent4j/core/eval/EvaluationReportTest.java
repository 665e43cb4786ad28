package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;

/** The report's text and its JSON, which is its records written through the one JSON mapper of the library. */
class EvaluationReportTest {
    private static EvaluationReport report() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.2, 1.3);
        Tensor x = model.sampleData(50, 8);
        return Evaluator.evaluate(model, x, null, EvaluationOptions.defaults(3).withImportanceSamples(200), null);
    }

    @Test
    void jsonCarriesTheRecordValuesUnderTheirComponentNames() {
        EvaluationReport r = report();
        Json.Cursor c = Json.at(Json.parse(Json.write(r.toJson())), "report");
        assertEquals(List.of("model", "examples", "latentDimensions", "reconstruction", "logLikelihood", "latent", "relevance"), new ArrayList<>(c.keys()));
        assertTrue(c.get("relevance").isNull(), "a model without an ARD prior has no relevance report");
        assertEquals("linear-gaussian", c.get("model").asString());
        assertEquals(50, c.get("examples").asInt());
        GaussianDiagnostics g = (GaussianDiagnostics) r.latent();
        Json.Cursor layer = c.get("latent").get("layer");
        assertEquals("z", layer.get("name").asString());
        assertEquals(2, layer.get("dimensions").asInt());
        assertEquals(g.layer().description(), layer.get("description").asString());
        Json.Cursor ll = c.get("logLikelihood");
        assertEquals(200, ll.get("k").asInt());
        assertEquals(r.logLikelihood().logLikelihood().mean(), ll.get("logLikelihood").get("mean").asDouble(), 0.0);
        assertEquals(-r.logLikelihood().logLikelihood().mean(), ll.get("nll").asDouble(), 0.0);
        assertEquals(g.totalKl(), c.get("latent").get("totalKl").asDouble(), 0.0);
        assertEquals(2, c.get("latent").get("klPerDimension").size());
        assertEquals(g.activeUnits().count(), c.get("latent").get("activeUnits").get("count").asInt());
        assertEquals(50, c.get("latent").get("mutualInformation").get("examples").asInt());
        assertEquals(g.mutualInformation().nats(), c.get("latent").get("mutualInformation").get("nats").asDouble(), 0.0);
        assertEquals(g.collapse().summary(), c.get("latent").get("collapse").get("summary").asString());
        assertEquals(r.reconstruction().fractionOfVarianceUnexplained(), c.get("reconstruction").get("fractionOfVarianceUnexplained").asDouble(), 0.0);
    }

    @Test
    void summaryStatesTheHeadlineNumbers() {
        EvaluationReport r = report();
        GaussianDiagnostics g = (GaussianDiagnostics) r.latent();
        String s = r.summary();
        String nll = String.format(java.util.Locale.ROOT, "NLL   %.3f", -r.logLikelihood().logLikelihood().mean());
        assertTrue(s.contains(nll), s);
        assertTrue(s.contains("-L_200"), s);
        assertTrue(s.contains("active units " + g.activeUnits().count() + "/2"), s);
        assertTrue(s.contains("over 50 examples, at most log 50"), s);
        assertTrue(s.contains(g.collapse().summary()), s);
        assertTrue(s.lines().count() <= 7, s);
    }

    @Test
    void hierarchicalReportSaysItDescribesTheTopLayer() {
        var m = CodeDiagnosticsTest.hierarchicalWithAQuietTopLayer();
        EvaluationReport r = Evaluator.evaluate(m, CodeDiagnosticsTest.BINARY, null, EvaluationOptions.defaults(1).withImportanceSamples(0), null);
        assertEquals(4, r.latentDimensions(), "the model's latent size is that of z1");
        String s = r.summary();
        assertTrue(s.contains("Layer " + m.diagnosedLayer().description() + ":\nKL "), s);
        assertTrue(s.contains("active units 1/3;"), s);
        Json.Cursor latent = Json.at(r.toJson(), "report").get("latent");
        assertEquals("z2", latent.get("layer").get("name").asString());
        assertEquals(3, latent.get("layer").get("dimensions").asInt());
        assertEquals(3, latent.get("klPerDimension").size());
    }

    @Test
    void undefinedNumbersAreNullsNotNaNs() {
        Tensor x = Tensor.of(new float[] {1, 0}, 1, 2);
        EvaluationReport r = Evaluator.evaluate(TableModel.deterministic(1), x, null, EvaluationOptions.defaults(1), null);
        assertNull(r.logLikelihood(), "a deterministic code has no likelihood bound");
        String json = Json.write(r.toJson());
        assertTrue(!json.contains("NaN") && !json.contains("Infinity"), json);
        Json.Cursor c = Json.at(Json.parse(json), "report");
        assertTrue(c.get("logLikelihood").isNull());
        // one example: the standard error is undefined and written as null; so is the unexplained variance of data that do not vary
        assertTrue(c.get("reconstruction").get("nll").get("standardError").isNull());
        assertTrue(c.get("reconstruction").get("fractionOfVarianceUnexplained").isNull());
        assertEquals("deterministic", ((CodeDiagnostics) r.latent()).code());
        assertTrue(r.summary().contains("Active units 0/1"), r.summary());
    }

    @Test
    void stringsSurviveTheRoundTrip() {
        PosteriorCollapse odd = new PosteriorCollapse(new int[0], new int[0], 0, 0.01, 0.01, "quote \" backslash \\ newline \n tab \t bell \u0007");
        GaussianDiagnostics d = new GaussianDiagnostics(org.latent4j.core.model.LatentLayer.single(1), 0, new double[] {0},
                ActiveUnits.of(new double[] {0}, 0.01), new MutualInformation(0, 2, 2, Math.log(2), 0, 0), odd);
        EvaluationReport r = new EvaluationReport("a\"b", 2, 1, new Reconstruction(Estimate.of(new double[] {1, 2}), Estimate.of(new double[] {1, 2}), 0.5),
                null, d);
        Json.Cursor c = Json.at(Json.parse(Json.write(r.toJson())), "report");
        assertEquals("a\"b", c.get("model").asString());
        assertEquals(odd.summary(), c.get("latent").get("collapse").get("summary").asString());
    }
}
