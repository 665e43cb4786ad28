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
}
