package org.latent4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.model.discrete.CategoricalVae;
import org.latent4j.core.model.discrete.CategoricalVaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.model.sae.TopKSae;
import org.latent4j.core.model.sae.TopKSaeConfig;
import org.latent4j.tensor.random.Rng;

/** The cases of {@code bench train} build the models the README and bench/train_pytorch.py describe. */
class TrainBenchCasesTest {
    @Test
    void saeCasesAreTheTopKSaeOfTheBenchmark() {
        for (String name : new String[] {"sae", "sae-auxk"}) {
            TrainBench.Case c = TrainBench.CASES.get(name);
            assertEquals(256, c.batch());
            assertFalse(c.binarize(), "a squared-error model trains on the intensities");
            TopKSae m = (TopKSae) c.create(new Rng(1));
            TopKSaeConfig config = (TopKSaeConfig) m.config();
            assertEquals(new TopKSaeConfig(784, 4096, 32, true, 1.0 / 32, 512, name.equals("sae") ? 10_000_000 : 1), config, name);
        }
    }

    @Test
    void theDregCaseIsTheIwaeCaseWithDreg() {
        var iwae = (org.latent4j.core.model.vae.VaeConfig) TrainBench.CASES.get("iwae").create(new Rng(1)).config();
        var dreg = (org.latent4j.core.model.vae.VaeConfig) TrainBench.CASES.get("iwae-dreg").create(new Rng(1)).config();
        assertEquals("reparam", iwae.estimator());
        assertEquals(iwae.withEstimator("dreg"), dreg);
        assertEquals(TrainBench.CASES.get("iwae").batch(), TrainBench.CASES.get("iwae-dreg").batch());
    }
    @Test
    void theStlCaseIsTheVae128CaseWithStl() {
        var vae = (org.latent4j.core.model.vae.VaeConfig) TrainBench.CASES.get("vae128").create(new Rng(1)).config();
        var stl = (org.latent4j.core.model.vae.VaeConfig) TrainBench.CASES.get("vae-stl").create(new Rng(1)).config();
        assertEquals("reparam", vae.estimator());
        assertEquals(vae.withEstimator("stl"), stl);
        assertEquals(TrainBench.CASES.get("vae128").batch(), TrainBench.CASES.get("vae-stl").batch());
        assertTrue(TrainBench.CASES.get("vae-stl").binarize());
    }

    @Test
    void theCategoricalCasesAreTheDiscreteBenchModelWithEachEstimator() {
        // the model of bench/discrete-estimators.sh: 20 x 10, --hidden 256 (decoder its mirror), ReLU, Bernoulli pixels
        CategoricalVaeConfig base = CategoricalVaeConfig.of(784).withHidden(List.of(256)).withActivation(Activation.RELU)
                .withLikelihood(LikelihoodKind.BERNOULLI, 0.1); // the sigma a Gaussian would take on data in [0, 1], as `train` sets it
        String[] names = {"cat-gumbel", "cat-gumbel-st", "cat-reinforce", "cat-nvil", "cat-vimco"};
        String[] estimators = {"gumbel", "gumbel-st", "reinforce", "nvil", "vimco"};
        for (int i = 0; i < names.length; i++) {
            TrainBench.Case c = TrainBench.CASES.get(names[i]);
            assertEquals("categorical-vae", c.kind(), names[i]);
            assertEquals(100, c.batch(), names[i]);
            assertTrue(c.binarize(), names[i] + ": a Bernoulli model trains on binarized pixels");
            CategoricalVae m = (CategoricalVae) c.create(new Rng(1));
            assertEquals(base.withEstimator(estimators[i], estimators[i].equals("vimco") ? 5 : 1), m.config(), names[i]);
            assertEquals(estimators[i], m.estimator().name(), names[i]);
            assertEquals(List.of(256), m.config().decoderHidden(), names[i]);
            assertEquals(200, m.latentDim(), names[i]);
            assertEquals(1.0, m.config().temperature().at(0), names[i]);
        }
    }

    @Test
    void theObjectiveCasesAreTheObjectivesBenchNetworksWithEachKindsDefaults() {
        // bench/objectives.sh's networks: --latent 16, hidden 512,256 mirrored, ReLU, Bernoulli on binarized pixels
        // (0.1: the sigma a Gaussian would take on data in [0, 1], stored whatever the likelihood, as `train` sets it)
        var network = org.latent4j.core.model.ae.AutoencoderConfig.of(784, 16).withHidden(List.of(512, 256)).withActivation(Activation.RELU)
                .withLikelihood(LikelihoodKind.BERNOULLI, 0.1);
        var gaussian = org.latent4j.core.model.vae.VaeConfig.of(784, 16).withHidden(List.of(512, 256)).withActivation(Activation.RELU)
                .withLikelihood(LikelihoodKind.BERNOULLI);
        java.util.Map<String, Record> expected = new java.util.LinkedHashMap<>();
        expected.put("wae", org.latent4j.core.model.objective.WaeConfig.of(network));
        expected.put("swae", org.latent4j.core.model.objective.SwaeConfig.of(network));
        expected.put("info-vae", org.latent4j.core.model.objective.InfoVaeConfig.of(gaussian));
        expected.put("unscented-ae", org.latent4j.core.model.objective.UnscentedAeConfig.of(gaussian));
        expected.put("ard-vae", org.latent4j.core.model.objective.ArdVaeConfig.of(gaussian));
        expected.put("ae-vicreg", network.withVicReg(25, 1));
        for (var e : expected.entrySet()) {
            TrainBench.Case c = TrainBench.CASES.get(e.getKey());
            assertEquals(128, c.batch(), e.getKey());
            assertTrue(c.binarize(), e.getKey() + ": a Bernoulli model trains on binarized pixels");
            assertEquals(e.getValue(), c.create(new Rng(1)).config(), e.getKey());
        }
        // the defaults bench/train_pytorch.py writes out: the MMD's kernel and scales, the directions, the sigma points, the ARD fit
        var wae = (org.latent4j.core.model.objective.WaeConfig) expected.get("wae");
        assertEquals(org.latent4j.core.divergence.MmdKernel.IMQ, wae.kernel());
        assertEquals(List.of(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0), wae.scales());
        assertEquals(10, wae.lambda());
        assertEquals(50, ((org.latent4j.core.model.objective.SwaeConfig) expected.get("swae")).projections());
        assertEquals(10, ((org.latent4j.core.model.objective.SwaeConfig) expected.get("swae")).lambda());
        var info = (org.latent4j.core.model.objective.InfoVaeConfig) expected.get("info-vae");
        assertEquals(0, info.klWeight());
        assertEquals(1000, info.mmdWeight());
        assertEquals(1, info.vae().samples());
        var uae = (org.latent4j.core.model.objective.UnscentedAeConfig) expected.get("unscented-ae");
        assertEquals(1, uae.sigmaPoints());
        assertEquals(1e-3, uae.lambda());
        assertEquals(1, uae.weight());
        var ard = (org.latent4j.core.model.objective.ArdVaeConfig) expected.get("ard-vae");
        assertEquals(0.99, ard.momentum());
        assertEquals(0.5, ard.threshold());
    }
}
