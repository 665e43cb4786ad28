package org.latent4j.core.model;

import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vae.Iwae;
import org.latent4j.core.model.vae.ConditionalVae;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.model.ae.Autoencoder;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.hvae.HierarchicalVae;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.distributions.LikelihoodKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.latent4j.core.nn.Activation;
import org.latent4j.tensor.random.Rng;

/** Config validation names the record and the field; the factory maps kinds to models and configs. */
class ModelConfigTest {
    static void rejects(String field, Supplier<?> make) {
        var e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void vaeConfigValidation() {
        VaeConfig ok = VaeConfig.of(784, 50);
        assertEquals(List.of(200, 200), ok.encoderHidden());
        rejects("VaeConfig.dataDim", () -> VaeConfig.of(0, 2));
        rejects("VaeConfig.latentDim", () -> VaeConfig.of(4, -1));
        rejects("VaeConfig.encoderHidden[1]", () -> ok.withHidden(List.of(10, 0)));
        rejects("VaeConfig.decoderHidden[0]", () -> ok.withHidden(List.of(10), List.of(-3)));
        rejects("VaeConfig.beta", () -> ok.withBeta(0));
        rejects("VaeConfig.beta", () -> ok.withBeta(Double.NaN));
        rejects("VaeConfig.likelihoodSigma", () -> ok.withGaussianSigma(0));
        rejects("VaeConfig.samples", () -> ok.withSamples(0));
        rejects("VaeConfig.freeBits", () -> ok.withFreeBits(-0.1));
        rejects("VaeConfig.warmupEpochs", () -> ok.withWarmupEpochs(Double.POSITIVE_INFINITY));
        rejects("VaeConfig.activation", () -> ok.withActivation(null));
        rejects("VaeConfig.Capacity.gamma", () -> new VaeConfig.Capacity(0, 5, 10));
        rejects("VaeConfig.Capacity.steps", () -> new VaeConfig.Capacity(1, 5, 0));
        VaeConfig.Capacity cap = new VaeConfig.Capacity(1000, 25, 100_000);
        rejects("VaeConfig.beta", () -> ok.withCapacity(cap).withBeta(4));
        rejects("VaeConfig.warmupEpochs", () -> ok.withCapacity(cap).withWarmupEpochs(3));
        rejects("VaeConfig.freeBits", () -> ok.withCapacity(cap).withFreeBits(0.5));
        rejects("iwae", () -> new Iwae(ok.withBeta(2), new Rng(1)));
        rejects("ConditionalVaeConfig.conditionDim", () -> new ConditionalVaeConfig(ok, 0));
        rejects("HierarchicalVaeConfig.latent2Dim", () -> HierarchicalVaeConfig.of(784).withSizes(100, 0, List.of(), List.of()));
        rejects("AutoencoderConfig.latentDim", () -> AutoencoderConfig.of(784, 0));
        rejects("gaussian-learned", () -> LikelihoodKind.parse("poisson"));
    }

    @Test
    void decoderDefaultsToTheMirrorOfTheEncoder() {
        VaeConfig c = VaeConfig.of(10, 2).withHidden(List.of(8, 4));
        assertEquals(List.of(4, 8), c.decoderHidden());
        Vae m = new Vae(c, new Rng(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {4, 2}, m.namedParameters().get("decoder.0.weight").shape(), "[out, in], as torch.nn.Linear");
        assertEquals(8, m.decoder().outputLayer().inFeatures());
        assertEquals(4, m.encoder().outputLayer().inFeatures());
        assertEquals(4, m.encoder().outputLayer().outFeatures(), "mean and variance heads of 2 latents");
        assertEquals(LikelihoodKind.GAUSSIAN_LEARNED, LikelihoodKind.parse("gaussian-learned"));
    }

    @Test
    void factoryMakesEveryKindAndRefusesMismatches() {
        VaeConfig v = VaeConfig.of(6, 2).withHidden(List.of(4));
        assertEquals("vae", ModelKinds.get("vae").createFrom(v, new Rng(1)).kind());
        assertEquals("beta-vae", ModelKinds.get("beta-vae").createFrom(v.withBeta(4), new Rng(1)).kind());
        assertTrue(ModelKinds.get("iwae").createFrom(v, new Rng(1)) instanceof Iwae);
        assertTrue(ModelKinds.get("ae").createFrom(AutoencoderConfig.of(6, 2), new Rng(1)) instanceof Autoencoder);
        assertTrue(ModelKinds.get("cvae").createFrom(new ConditionalVaeConfig(v, 3), new Rng(1)) instanceof ConditionalVae);
        assertTrue(ModelKinds.get("hvae").createFrom(HierarchicalVaeConfig.of(6), new Rng(1)) instanceof HierarchicalVae);
        assertEquals(List.of("ae", "vae", "beta-vae", "iwae", "cvae", "hvae"), ModelKinds.names().subList(0, 6));
        assertTrue(ModelKinds.get("topk-sae").createFrom(org.latent4j.core.model.sae.TopKSaeConfig.of(6, 12, 2), new Rng(1))
                instanceof org.latent4j.core.model.sae.TopKSae);
        assertTrue(ModelKinds.get("ksparse-ae").createFrom(org.latent4j.core.model.sae.KSparseConfig.of(6, 12, 2), new Rng(1))
                instanceof org.latent4j.core.model.sae.KSparseAutoencoder);
        rejects("HierarchicalVaeConfig", () -> ModelKinds.get("hvae").createFrom(v, new Rng(1)));
        rejects("VqVaeConfig", () -> ModelKinds.get("vq-vae").createFrom(v, new Rng(1)));
        rejects("one of ae, vae", () -> ModelKinds.get("gan").createFrom(v, new Rng(1)));
        // same kind, config and seed: the same weights, by name
        var a = ModelKinds.get("vae").createFrom(v, new Rng(9)).namedParameters();
        var b = ModelKinds.get("vae").createFrom(v, new Rng(9)).namedParameters();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        assertTrue(a.containsKey("encoder.net.0.weight") && a.containsKey("decoder.1.bias"), a.keySet().toString());
    }

    @Test
    void hierarchicalDefaultsAreTheIwaePapersArchitectureTwo() {
        HierarchicalVaeConfig c = HierarchicalVaeConfig.of(784);
        assertEquals(100, c.latent1Dim());
        assertEquals(50, c.latent2Dim());
        assertEquals(List.of(200, 200), c.hidden1());
        assertEquals(List.of(100, 100), c.hidden2());
        assertEquals(Activation.TANH, c.activation());
        assertEquals(PosteriorParameterisation.LOG_STD, c.posterior());
    }

    @Test
    void modelsBuiltInsideAWorkspaceScopeOutliveIt() {
        var ws = new org.latent4j.tensor.Workspace();
        LatentModel vae, hvae;
        try (var scope = ws.open()) {
            vae = new Vae(VaeConfig.of(6, 2).withHidden(List.of(4)).withGaussianSigma(0.5), new Rng(1));
            hvae = new HierarchicalVae(HierarchicalVaeConfig.of(6).withSizes(3, 2, List.of(4), List.of(4)), new Rng(2));
        }
        var x = ModelFixtures.binary(3, 6, 2, 1).x();
        for (LatentModel m : List.of(vae, hvae)) {
            float w = ((LikelihoodBound) m).logImportanceWeights(x, null, 2, new Rng(3)).sum().item();
            assertTrue(Float.isFinite(w), m.kind() + ": " + w);
        }
    }
}
