package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.distributions.Likelihood;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class EarlyStoppingTest {
    /** A model whose validation loss after epoch e (from 1) is curve[e - 1], whatever its weights. */
    static final class CurveModel extends LatentModel {
        private final double[] curve;
        private final Tensor w = parameter("w", Tensor.wrap(new float[] {1f}, 1));
        private int lastTrainingEpoch;

        CurveModel(double... curve) {
            this.curve = curve;
        }

        @Override
        public LossResult loss(Batch batch, TrainingProgress progress, Rng rng) {
            if (progress == TrainingProgress.EVALUATION) {
                Tensor v = Tensor.scalar((float) curve[lastTrainingEpoch]);
                return new LossResult(v, v, Tensor.scalar(0f), Map.of());
            }
            lastTrainingEpoch = progress.epoch();
            Tensor loss = w.mul(w).sum();
            return new LossResult(loss, loss, Tensor.scalar(0f), Map.of());
        }

        @Override public Record config() { return null; }
        @Override public String kind() { return "curve"; }
        @Override public int dataDim() { return 2; }
        @Override public int latentDim() { return 1; }
        @Override public Likelihood likelihood() { return null; }
        @Override public LatentCode encode(Tensor x, Tensor condition) { return new LatentCode.Deterministic(x.slice(1, 0, 1)); }
        @Override public Tensor decode(Tensor z, Tensor condition) { return z; }
    }

    private static final double[] CURVE = {5, 4, 3, 3.5, 3.2, 2.9, 2.8, 2.7, 2.6, 2.5};

    private static TrainingResult train(int patience) {
        Dataset data = Dataset.unlabeled("pairs", Tensor.wrap(new float[40], 20, 2));
        TrainerOptions o = TrainerOptions.defaults().withEpochs(CURVE.length).withBatchSize(5).withValidationFraction(0.25)
                .withEarlyStoppingPatience(patience);
        return Trainer.fit(new CurveModel(CURVE), data, null, o, null, TrainingListener.NONE);
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // best 3.0 at epoch 3; epochs 4 and 5 do not beat it, so patience 2 stops after epoch 5
        TrainingResult r = train(2);
        assertTrue(r.stoppedEarly());
        assertEquals(5, r.history().size());
        assertEquals(3, r.bestEpoch());
        assertEquals(3.0, r.bestValidationLoss().getAsDouble());
        assertEquals(3.2, r.last().validationLoss().getAsDouble(), 1e-6);
    }

    @Test
    void aLargerPatienceSeesTheLaterImprovement() {
        // patience 3: epoch 6 (2.9) improves within the window, and the curve keeps falling to the end
        TrainingResult r = train(3);
        assertFalse(r.stoppedEarly());
        assertEquals(CURVE.length, r.history().size());
        assertEquals(CURVE.length, r.bestEpoch());
    }

    @Test
    void earlyStoppingNeedsValidationData() {
        Dataset data = Dataset.unlabeled("pairs", Tensor.wrap(new float[40], 20, 2));
        TrainerOptions o = TrainerOptions.defaults().withValidationFraction(0).withEarlyStoppingPatience(2);
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(new CurveModel(CURVE), data, null, o, null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("early stopping needs validation data"), e.getMessage());
    }

    @Test
    void theModelEndsWithTheBestEpochsWeightsAlsoAfterAResume(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Dataset data = Dataset.unlabeled("pairs", Tensor.wrap(new float[40], 20, 2));
        TrainerOptions o = TrainerOptions.defaults().withEpochs(CURVE.length).withBatchSize(5).withValidationFraction(0.25)
                .withEarlyStoppingPatience(2);
        java.util.List<Float> weightAfterEpoch = new java.util.ArrayList<>();
        CurveModel m = new CurveModel(CURVE);
        TrainingListener watch = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord r) {
                weightAfterEpoch.add(m.namedParameters().get("w").item());
            }
        };
        TrainingResult r = Trainer.fit(m, data, null, o, null, watch);
        assertEquals(3, r.modelEpoch(), "the best epoch by validation loss");
        assertEquals(weightAfterEpoch.get(2), m.namedParameters().get("w").item(), "the weights of epoch 3, not of epoch 5");
        assertTrue(weightAfterEpoch.get(2) != weightAfterEpoch.get(4), "training moved the weight after epoch 3");

        // killed after epoch 4 and resumed: the best weights come back from the checkpoint
        CurveModel first = new CurveModel(CURVE);
        assertThrows(IllegalStateException.class, () -> Trainer.fit(first, data, null, o, dir, new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord e) {
                if (e.epoch() == 4) throw new IllegalStateException("killed");
            }
        }));
        CurveModel resumed = new CurveModel(CURVE);
        TrainingResult rest = Trainer.resume(resumed, data, null, o, dir, TrainingListener.NONE);
        assertEquals(3, rest.modelEpoch());
        assertEquals(weightAfterEpoch.get(2), resumed.namedParameters().get("w").item());
    }
}
