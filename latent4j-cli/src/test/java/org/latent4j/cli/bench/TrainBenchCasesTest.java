package org.latent4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.latent4j.core.model.sae.TopKSae;
import org.latent4j.core.model.sae.TopKSaeConfig;
import org.latent4j.tensor.random.Rng;

/** The sparse autoencoder cases of {@code bench train} build the models the README and bench/train_pytorch.py describe. */
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
}
