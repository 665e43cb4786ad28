package org.latent4j.core.model;

import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vae.ConditionalVae;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.hvae.HierarchicalVae;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.distributions.LikelihoodKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** Every kind, at tiny sizes: gradients of the loss, training lowers the loss, shapes of what comes out. */
class ModelTrainingTest {
    static final int D = 12, L = 3, CLASSES = 4;

    /** A small config of each kind (hidden layers of 16 units, tanh). */
    static Record tinyConfig(String kind) {
        VaeConfig vae = VaeConfig.of(D, L).withHidden(List.of(16));
        return switch (kind) {
            case "ae" -> AutoencoderConfig.of(D, L).withHidden(List.of(16));
            case "vae" -> vae;
            case "beta-vae" -> vae.withBeta(2);
            case "iwae" -> vae.withSamples(5);
            case "cvae" -> new ConditionalVaeConfig(vae, CLASSES);
            case "hvae" -> HierarchicalVaeConfig.of(D).withSizes(4, 2, List.of(16), List.of(8)).withObjective(HierarchicalVaeConfig.Objective.IWAE, 3);
            default -> throw new AssertionError(kind);
        };
    }

    static Tensor conditionFor(LatentModel m, ModelFixtures.Binary data) {
        return m instanceof ConditionalVae c ? c.labelCondition(data.labels()) : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "vae", "beta-vae", "iwae", "cvae", "hvae"})
    void lossGradientsMatchFiniteDifferences(String kind) {
        VaeConfig small = VaeConfig.of(5, 2).withHidden(List.of(3));
        Record cfg = switch (kind) {
            case "ae" -> AutoencoderConfig.of(5, 2).withHidden(List.of(3));
            case "vae" -> small.withSamples(2).withPosterior(PosteriorParameterisation.LOG_STD);
            case "beta-vae" -> small.withBeta(3).withFreeBits(0.05);
            case "iwae" -> small.withSamples(3);
            case "cvae" -> new ConditionalVaeConfig(small.withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED), 2);
            case "hvae" -> HierarchicalVaeConfig.of(5).withSizes(3, 2, List.of(3), List.of(3)).withObjective(HierarchicalVaeConfig.Objective.IWAE, 2);
            default -> throw new AssertionError(kind);
        };
        LatentModel m = ModelKinds.get(kind).createFrom(cfg, new Rng(3));
        var data = ModelFixtures.binary(4, 5, 2, 9);
        Batch batch = new Batch(data.x(), m instanceof ConditionalVae c ? c.labelCondition(data.labels()) : null);
        ModelFixtures.assertLossGradients(m, batch, new TrainingProgress(0, 5, 10), 77);
    }

    @Test
    void capacityAndHierarchicalElboGradients() {
        var data = ModelFixtures.binary(4, 5, 2, 9);
        VaeConfig cap = VaeConfig.of(5, 2).withHidden(List.of(3)).withCapacity(new VaeConfig.Capacity(3, 50, 100));
        ModelFixtures.assertLossGradients(new Vae(cap, new Rng(4)), Batch.of(data.x()), new TrainingProgress(0, 5, 10), 78);
        var h = HierarchicalVaeConfig.of(5).withSizes(3, 2, List.of(3), List.of()).withObjective(HierarchicalVaeConfig.Objective.ELBO, 2)
                .withLikelihood(LikelihoodKind.GAUSSIAN_FIXED, 0.5);
        ModelFixtures.assertLossGradients(new HierarchicalVae(h, new Rng(5)), Batch.of(data.x()), TrainingProgress.EVALUATION, 79);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "vae", "beta-vae", "iwae", "cvae", "hvae"})
    void trainingLowersTheLoss(String kind) {
        LatentModel m = ModelKinds.get(kind).createFrom(tinyConfig(kind), new Rng(11));
        var data = ModelFixtures.binary(200, D, CLASSES, 5);
        Tensor c = conditionFor(m, data);
        double before = ModelFixtures.evalLoss(m, data.x(), c);
        ModelFixtures.train(m, data.x(), c, 300, 1e-2, 21);
        double after = ModelFixtures.evalLoss(m, data.x(), c);
        assertTrue(Double.isFinite(after), kind + ": loss " + after);
        // 12 pixels near 4 prototypes: the untrained loss is about 12 ln 2 = 8.3 nats; the data's entropy about 5.6
        assertTrue(after < 0.8 * before, kind + ": loss " + before + " -> " + after);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "vae", "beta-vae", "iwae", "cvae", "hvae"})
    void shapesOfLatentsReconstructionsAndSamples(String kind) {
        LatentModel m = ModelKinds.get(kind).createFrom(tinyConfig(kind), new Rng(12));
        assertEquals(kind, m.kind());
        assertEquals(tinyConfig(kind), m.config());
        var data = ModelFixtures.binary(7, D, CLASSES, 6);
        Tensor c = conditionFor(m, data);
        LossResult r = m.loss(new Batch(data.x(), c), new TrainingProgress(0, 0, 1), new Rng(1));
        int latent = m.latentDim();
        assertEquals(r.loss().item(), r.reconstruction().item() + r.regularization().item(), 1e-4 * Math.abs(r.loss().item()));
        LatentCode code = m.encode(data.x(), c);
        assertArrayEquals(new int[] {7, latent}, code.vector().shape());
        assertArrayEquals(new int[] {7, D}, m.reconstruct(data.x(), c).shape());
        if (m instanceof LikelihoodBound bound) {
            assertInstanceOf(LatentCode.Gaussian.class, code);
            assertArrayEquals(new int[] {9, 7}, bound.logImportanceWeights(data.x(), c, 9, new Rng(2)).shape());
            Tensor c5 = c == null ? null : ModelFixtures.rows(c, 0, 5);
            assertArrayEquals(new int[] {5, D}, ((PriorSampling) m).samplePrior(5, c5, new Rng(3)).shape());
        } else {
            assertInstanceOf(LatentCode.Deterministic.class, code, "the autoencoder's code is a plain vector");
            assertFalse(m instanceof PriorSampling, "no prior to sample");
            assertEquals(0f, r.regularization().item());
        }
    }
}
