package org.latent4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.JsonException;
import org.latent4j.core.io.ModelStore;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * What every registered model kind owes the rest of the library, checked by iterating the registry: a kind added by
 * registration is tested here without an edit.
 */
class ModelKindContractTest {
    private static final int D = 12, CLASSES = 3;
    /** Binary data of 12 features in 3 classes. */
    private static final DataShape SHAPE = new DataShape(D, null, CLASSES, true);

    static Stream<ModelKind<?>> kinds() {
        return ModelKinds.all().stream();
    }

    /** Small networks for the tests; each kind reads what it takes. */
    private static OptionValues small(ModelKind<?> kind) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> takes = new java.util.HashSet<>();
        kind.options().forEach(o -> takes.add(o.name()));
        if (takes.contains("latent")) values.put("latent", "3");
        if (takes.contains("hidden")) values.put("hidden", "6");
        if (takes.contains("code-dim")) {
            // a quantized model: small codes; and smooth units, because its squared error (sigma 0.1) weighs the
            // decoder's gradient 100-fold, so a ReLU kink crossed by a finite difference would show above the tolerance
            values.put("code-dim", "3");
            if (takes.contains("codebook-size")) values.put("codebook-size", "16");
            values.put("activation", "tanh");
        }
        if (takes.contains("levels")) {
            // fsq-vae: a small grid (odd and even levels), smooth units for the same reason
            values.put("levels", "5,4,3");
            values.put("activation", "tanh");
        }
        if (takes.contains("heads")) values.put("heads", "3");
        // a small dictionary: few latents compete for the top k, so the finite differences rarely cross a change of
        // the chosen set (where a top-k loss jumps)
        if (takes.contains("latents")) values.put("latents", "16");
        if (takes.contains("sparsity-k")) values.put("sparsity-k", "4");
        return new OptionValues("test", values);
    }

    private static LatentModel model(ModelKind<?> kind, long seed) {
        return kind.createFrom(kind.configure(small(kind), SHAPE), new Rng(seed));
    }

    private static Batch batch(LatentModel m, int rows, long seed) {
        var data = ModelFixtures.binary(rows, D, CLASSES, seed);
        return new Batch(data.x(), m.conditionClasses() == 0 ? null : m.labelCondition(data.labels()));
    }

    /** 8x8 binary images in 3 classes, for the convolutional architecture. */
    private static final DataShape IMAGES = new DataShape(64, new int[] {8, 8}, CLASSES, true);

    static Stream<ModelKind<?>> convolutionalKinds() {
        return kinds().filter(k -> k.options().contains(ModelOptions.ARCH));
    }

    @ParameterizedTest
    @MethodSource("convolutionalKinds")
    void theConvolutionalArchitectureTrainsSavesAndLoads(ModelKind<?> kind, @TempDir Path dir) throws IOException {
        Map<String, String> o = new LinkedHashMap<>(small(kind).values());
        o.put("arch", "conv");
        o.put("channels", "3,4");
        // black pixels and zero biases put ReLU's pre-activations exactly on its kink, where finite differences disagree
        o.put("activation", "tanh");
        Record config = kind.configure(new OptionValues("test", o), IMAGES);
        LatentModel m = kind.createFrom(config, new Rng(21));
        assertTrue(m.namedParameters().containsKey("encoder_conv.0.weight") && m.namedParameters().containsKey("decoder_conv.1.weight"),
                m.namedParameters().keySet().toString());
        assertArrayEquals(new int[] {3, 1, 4, 4}, m.namedParameters().get("encoder_conv.0.weight").shape(), "torch.nn.Conv2d's layout");
        assertArrayEquals(new int[] {3, 1, 4, 4}, m.namedParameters().get("decoder_conv.1.weight").shape(), "torch.nn.ConvTranspose2d's layout");
        var data = ModelFixtures.binary(4, 64, CLASSES, 22);
        Batch b = new Batch(data.x(), m.conditionClasses() == 0 ? null : m.labelCondition(data.labels()));
        m.initialise(TrainingData.of(data.x()), new Rng(23));
        assertArrayEquals(new int[] {4, 64}, m.reconstruct(b.x(), b.condition()).shape());
        ModelFixtures.assertLossGradients(m, b, new TrainingProgress(0, 0, 1), 24);
        ModelStore.save(dir, m, new ModelStore.DataPreprocessing("synthetic", new int[] {8, 8}, ModelStore.SCALING_NONE, null, Binarization.NONE), null, null);
        LatentModel loaded = ModelStore.load(dir).model();
        try (var noGrad = GradMode.disabled()) {
            assertArrayEquals(m.reconstruct(b.x(), b.condition()).toArray(), loaded.reconstruct(b.x(), b.condition()).toArray());
        }
        var e = assertThrows(OptionValues.OptionException.class, () -> kind.configure(new OptionValues("test", o), SHAPE));
        assertTrue(e.getMessage().contains("--arch conv needs images"), e.getMessage());
    }

    @Test
    void theLibrarysKindsAreRegisteredOnceEachInOrder() {
        assertEquals(List.of("ae", "vae", "beta-vae", "iwae", "cvae", "hvae"), ModelKinds.names().subList(0, 6));
        assertTrue(ModelKinds.names().containsAll(List.of("topk-sae", "ksparse-ae")), ModelKinds.names().toString());
        assertEquals(ModelKinds.names().size(), Set.copyOf(ModelKinds.names()).size());
        var e = assertThrows(IllegalArgumentException.class, () -> ModelKinds.get("gan"));
        assertTrue(e.getMessage().contains("unknown model kind 'gan'") && e.getMessage().contains("vae"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void declaredCapabilitiesAreTrue(ModelKind<?> kind) {
        LatentModel m = model(kind, 1);
        assertEquals(kind.name(), m.kind());
        Set<Capability> c = kind.capabilities();
        assertEquals(c.contains(Capability.LIKELIHOOD_BOUND), m instanceof LikelihoodBound, "likelihood bound");
        assertEquals(c.contains(Capability.PRIOR_SAMPLING), m instanceof PriorSampling, "prior sampling");
        assertEquals(c.contains(Capability.CONDITIONAL), m.conditionClasses() > 0, "conditional");
        Batch b = batch(m, 5, 2);
        LatentCode code;
        try (var noGrad = GradMode.disabled()) {
            code = m.encode(b.x(), b.condition());
        }
        Map<Capability, Class<?>> codeKinds = Map.of(Capability.GAUSSIAN_CODES, LatentCode.Gaussian.class, Capability.DETERMINISTIC_CODES,
                LatentCode.Deterministic.class, Capability.DISCRETE_CODES, LatentCode.Discrete.class, Capability.SPARSE_CODES, LatentCode.Sparse.class);
        long declared = codeKinds.keySet().stream().filter(c::contains).count();
        assertEquals(1, declared, "one kind of code");
        codeKinds.forEach((cap, type) -> assertEquals(c.contains(cap), type.isInstance(code), cap + " and the encoder's " + code.getClass()));
        assertArrayEquals(new int[] {5, m.latentDim()}, code.vector().shape());
        assertArrayEquals(new int[] {5, D * m.likelihood().parametersPerFeature()}, m.reconstruct(b.x(), b.condition()).shape());
        if (m instanceof PriorSampling p) {
            Tensor c3 = m.conditionClasses() == 0 ? null : m.labelCondition(new int[] {0, 1, 2});
            assertArrayEquals(new int[] {3, D * m.likelihood().parametersPerFeature()}, p.samplePrior(3, c3, new Rng(4)).shape());
        }
        if (m instanceof LikelihoodBound lb) assertArrayEquals(new int[] {4, 5}, lb.logImportanceWeights(b.x(), b.condition(), 4, new Rng(5)).shape());
    }

    /**
     * A model that lets its posterior be refined ({@link IterativeInference}, the likelihood regret's need) must give
     * the same ELBO through its closed-form KL as through its importance weights: the mean of log w over many samples.
     * State that shapes a prior (ArdVae's fitted variances) is moved off its start value first, so that a KL taken to
     * N(0, I) instead of the model's prior would show.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void refinableModelsGiveTheElboOfTheirImportanceWeights(ModelKind<?> kind) {
        LatentModel m = model(kind, 3);
        if (!(m instanceof IterativeInference refinable)) return;
        m.namedBuffers().forEach((name, t) -> {
            if (name.endsWith("prior_variance")) t.fill(0.4f);
        });
        Batch b = batch(m, 5, 4);
        int k = 20000;
        try (var noGrad = GradMode.disabled()) {
            var q = refinable.posterior(b.x(), b.condition());
            float[] viaKl = refinable.elboSamples(b.x(), b.condition(), q, new Rng(6).normal(0f, 1f, k, 5, m.latentDim())).mean(0, false).toArray();
            float[] viaWeights = refinable.logImportanceWeights(b.x(), b.condition(), k, new Rng(7)).mean(0, false).toArray();
            for (int r = 0; r < 5; r++) {
                assertEquals(viaWeights[r], viaKl[r], 0.05 + 1e-3 * Math.abs(viaWeights[r]), kind.name() + " row " + r);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theLossAddsUpAndItsGradientsMatchFiniteDifferences(ModelKind<?> kind) {
        LatentModel m = model(kind, 3);
        Batch b = batch(m, 6, 4);
        LossResult r = m.loss(b, new TrainingProgress(0, 0, 1), new Rng(6));
        assertTrue(Double.isFinite(r.loss().item()));
        assertEquals(r.loss().item(), r.reconstruction().item() + r.regularization().item(), 1e-4 * Math.max(1, Math.abs(r.loss().item())));
        for (double v : r.metrics().values()) assertTrue(Double.isFinite(v), kind.name() + " metrics " + r.metrics());
        ModelFixtures.assertLossGradients(m, b, new TrainingProgress(0, 0, 1), 6);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aSavedModelLoadsAndComputesTheSame(ModelKind<?> kind, @TempDir Path dir) throws IOException {
        LatentModel m = model(kind, 7);
        m.initialise(TrainingData.of(ModelFixtures.binary(20, D, CLASSES, 8).x()), new Rng(9));
        ModelStore.save(dir, m, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.NONE), null, null);
        LatentModel loaded = ModelStore.load(dir).model();
        assertEquals(m.config(), loaded.config());
        Batch b = batch(m, 4, 10);
        try (var noGrad = GradMode.disabled()) {
            assertArrayEquals(m.reconstruct(b.x(), b.condition()).toArray(), loaded.reconstruct(b.x(), b.condition()).toArray());
        }
        m.namedState().forEach((name, t) -> assertArrayEquals(t.toArray(), loaded.namedState().get(name).toArray(), name));
    }

    /**
     * Configs evolve: a saved config that lacks a key introduced later reads that key's default, a key the record does
     * not know is refused by name, and the keys without a sensible default (marked {@link Json.Required}) stay required.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void savedConfigsLackingLaterKeysReadTheirDefaults(ModelKind<?> kind) throws Exception {
        Record config = kind.configure(small(kind), SHAPE);
        Class<? extends Record> type = config.getClass();
        Json.Obj json = (Json.Obj) Json.toJson(config);
        assertEquals(config, Json.fromJson(json, type), "the JSON round trip");
        java.lang.reflect.Method defaultsMethod = null;
        try {
            defaultsMethod = type.getDeclaredMethod("defaults");
            defaultsMethod.setAccessible(true);
        } catch (NoSuchMethodException none) {
            // then every key is required
        }
        Record defaults = defaultsMethod == null ? null : (Record) defaultsMethod.invoke(null);
        for (RecordComponent c : type.getRecordComponents()) {
            Map<String, Json.Value> without = new LinkedHashMap<>(json.members());
            without.remove(c.getName());
            if (defaults == null || c.isAnnotationPresent(Json.Required.class)) {
                var e = assertThrows(JsonException.class, () -> Json.fromJson(new Json.Obj(without), type, "config.json"));
                assertTrue(e.getMessage().contains("missing key \"" + c.getName() + "\""), e.getMessage());
                continue;
            }
            Record read;
            try {
                read = Json.fromJson(new Json.Obj(without), type, "config.json");
            } catch (JsonException e) {
                // a default that does not combine with the other saved values is refused by the record's own validation
                assertTrue(e.getMessage().contains("is not a valid " + type.getSimpleName()), e.getMessage());
                continue;
            }
            Object expected = c.getAccessor().invoke(defaults), actual = c.getAccessor().invoke(read);
            if (c.getName().equals("decoderHidden")) continue; // its default is derived from the encoder's sizes
            assertEquals(expected, actual, kind.name() + ": missing " + c.getName() + " reads its default");
        }
        Map<String, Json.Value> extra = new LinkedHashMap<>(json.members());
        extra.put("colour", new Json.Str("red"));
        var e = assertThrows(JsonException.class, () -> Json.fromJson(new Json.Obj(extra), type, "config.json"));
        assertTrue(e.getMessage().contains("unknown key \"colour\""), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void optionsAreDeclaredBeforeTheyAreRead(ModelKind<?> kind) {
        // an option outside the kind's declaration is one the command line refuses: configure must not depend on it
        Map<String, String> foreign = new LinkedHashMap<>();
        for (ModelOption o : ModelKinds.options()) if (!kind.options().contains(o)) foreign.put(o.name(), "not-a-value");
        Record a = kind.configure(small(kind), SHAPE);
        Map<String, String> values = new LinkedHashMap<>(small(kind).values());
        values.putAll(foreign);
        assertEquals(a, kind.configure(new OptionValues("test", values), SHAPE), kind.name() + " read an option it does not declare");
        assertFalse(kind.summary().isBlank());
    }
}
