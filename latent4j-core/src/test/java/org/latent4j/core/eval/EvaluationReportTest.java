package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.model.LatentLayer;
import org.latent4j.tensor.Tensor;

class EvaluationReportTest {
    private static EvaluationReport report() {
        LinearGaussianModel model = LinearGaussianModel.standard(0.2, 1.3);
        Tensor x = model.sampleData(50, 8);
        return Evaluator.evaluate(model, x, null, Evaluator.Options.defaults(3).withImportanceSamples(200), null);
    }

    @Test
    void jsonParsesAndCarriesTheRecordValuesUnderStableKeys() {
        EvaluationReport r = report();
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) new MiniJson(r.toJson()).parse();
        assertEquals(List.of("model", "examples", "latent_dimensions", "latent_layer", "log_likelihood", "elbo", "reconstruction", "kl", "active_units",
                "mutual_information", "posterior_collapse"), new ArrayList<>(json.keySet()));
        assertEquals("linear-gaussian", json.get("model"));
        assertEquals(50.0, json.get("examples"));
        Map<?, ?> layer = (Map<?, ?>) json.get("latent_layer");
        assertEquals("z", layer.get("name"));
        assertEquals(2.0, layer.get("dimensions"));
        assertEquals(r.diagnostics().layer().description(), layer.get("description"));
        Map<?, ?> ll = (Map<?, ?>) json.get("log_likelihood");
        assertEquals(200.0, ll.get("k"));
        assertEquals(r.logLikelihood().logLikelihood().mean(), (double) ll.get("mean"), 0.0);
        assertEquals(-r.logLikelihood().logLikelihood().mean(), (double) ll.get("nll"), 0.0);
        Map<?, ?> kl = (Map<?, ?>) json.get("kl");
        assertEquals(r.diagnostics().totalKl(), (double) kl.get("total"), 0.0);
        assertEquals(2, ((List<?>) kl.get("per_dimension")).size());
        Map<?, ?> active = (Map<?, ?>) json.get("active_units");
        assertEquals((double) r.diagnostics().activeUnits(), active.get("count"));
        Map<?, ?> mi = (Map<?, ?>) json.get("mutual_information");
        assertEquals(50.0, mi.get("examples"));
        assertEquals(r.diagnostics().mutualInformation().nats(), (double) mi.get("nats"), 0.0);
        Map<?, ?> collapse = (Map<?, ?>) json.get("posterior_collapse");
        assertEquals(r.diagnostics().collapse().summary(), collapse.get("summary"));
    }

    @Test
    void summaryStatesTheHeadlineNumbers() {
        EvaluationReport r = report();
        String s = r.summary();
        String nll = String.format(java.util.Locale.ROOT, "NLL   %.3f", -r.logLikelihood().logLikelihood().mean());
        assertTrue(s.contains(nll), s);
        assertTrue(s.contains("-L_200"), s);
        assertTrue(s.contains("active units " + r.diagnostics().activeUnits() + "/2"), s);
        assertTrue(s.contains("over 50 examples, at most log 50"), s);
        assertTrue(s.contains(r.diagnostics().collapse().summary()), s);
        assertTrue(s.lines().count() <= 7, s);
    }

    @Test
    void hierarchicalReportSaysItDescribesTheTopLayer() {
        var m = LatentDiagnosticsTest.hierarchicalWithAQuietTopLayer();
        EvaluationReport r = Evaluator.evaluate(m, LatentDiagnosticsTest.BINARY, null, Evaluator.Options.defaults(1).withImportanceSamples(0), null);
        assertEquals(4, r.latentDimensions(), "the model's latent size is that of z1");
        String s = r.summary();
        assertTrue(s.contains("Layer " + m.diagnosedLayer().description() + ":\nKL "), s);
        assertTrue(s.contains("active units 1/3;"), s);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) new MiniJson(r.toJson()).parse();
        Map<?, ?> layer = (Map<?, ?>) json.get("latent_layer");
        assertEquals("z2", layer.get("name"));
        assertEquals(3.0, layer.get("dimensions"));
        assertEquals(3, ((List<?>) ((Map<?, ?>) json.get("kl")).get("per_dimension")).size());
    }

    @Test
    void deterministicModelReportHasNullsNotNaNs() {
        TableModel model = new TableModel(1) {
            @Override
            public boolean isStochastic() {
                return false;
            }
        };
        Tensor x = TableModel.rows(new double[][] {{1}}, new double[][] {{0}});
        EvaluationReport r = Evaluator.evaluate(model, x, null, Evaluator.Options.defaults(1), null);
        assertNull(r.logLikelihood());
        String json = r.toJson();
        assertTrue(!json.contains("NaN") && !json.contains("Infinity"), json);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) new MiniJson(json).parse();
        assertNull(parsed.get("log_likelihood"));
        assertNull(parsed.get("mutual_information"));
        // one example: the standard error is undefined and written as null
        assertNull(((Map<?, ?>) parsed.get("reconstruction")).get("nll_standard_error"));
        assertTrue(r.summary().contains("Active units 0/1"), r.summary());
    }

    @Test
    void stringsAreEscaped() {
        PosteriorCollapse odd = new PosteriorCollapse(new int[0], new int[0], 0, 0.01, 0.01, "quote \" backslash \\ newline \n tab \t bell \u0007");
        LatentDiagnostics d = new LatentDiagnostics(LatentLayer.single(1), Estimate.of(new double[] {1, 2}), Estimate.of(new double[] {1, 2}), new double[0],
                new double[0], 0.01, null, odd);
        String json = new EvaluationReport("a\"b", 2, 0, null, d).toJson();
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) new MiniJson(json).parse();
        assertEquals("a\"b", parsed.get("model"));
        assertEquals(odd.summary(), ((Map<?, ?>) parsed.get("posterior_collapse")).get("summary"));
    }

    /** A strict little JSON reader for the tests: objects keep key order, numbers are doubles. */
    static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            if (i != s.length()) throw new IllegalArgumentException("trailing text at " + i);
            return v;
        }

        private Object value() {
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    String k = string();
                    expect(':');
                    if (m.put(k, value()) != null) throw new IllegalArgumentException("duplicate key " + k);
                    if (s.charAt(i) == ',') i++;
                    else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    if (s.charAt(i) == ',') i++;
                    else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') return string();
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c < 0x20) throw new IllegalArgumentException("raw control character at " + (i - 1));
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e);
                }
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
            i++;
        }
    }
}
