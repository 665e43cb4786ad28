package org.latent4j.core.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.vae.ConditionalVae;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The trainer feeds a conditional model the one-hot of each batch's labels, in training and validation, and resumes it exactly. */
class ConditionalTrainingTest {
    private static final int ROWS = 120, DIM = 12, CLASSES = 4;

    @TempDir
    Path tmp;

    /** Four random binary prototypes (row i is of class i % 4) with 10% of the pixels flipped. */
    private static Dataset labelled() {
        SplittableRandom r = new SplittableRandom(5);
        float[][] protos = new float[CLASSES][DIM];
        for (float[] p : protos) for (int j = 0; j < DIM; j++) p[j] = r.nextBoolean() ? 1f : 0f;
        float[] x = new float[ROWS * DIM];
        int[] labels = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = i % CLASSES;
            for (int j = 0; j < DIM; j++) x[i * DIM + j] = r.nextDouble() < 0.1 ? 1 - protos[labels[i]][j] : protos[labels[i]][j];
        }
        return new Dataset("classes", Tensor.wrap(x, ROWS, DIM), labels, null);
    }

    /** One latent dimension cannot tell four prototypes apart well: the condition must carry the class. */
    private static ConditionalVae model(long seed) {
        return new ConditionalVae(new ConditionalVaeConfig(VaeConfig.of(DIM, 1).withHidden(List.of(16)), CLASSES), new Rng(seed));
    }

    private static TrainerOptions options() {
        return TrainerOptions.defaults().withEpochs(12).withBatchSize(16).withSeed(3).withValidationFraction(0.2)
                .withBinarization(Binarization.NONE).withLearningRate(0.02);
    }

    private static Map<String, float[]> weights(LatentModel m) {
        Map<String, float[]> out = new HashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    /** The mean evaluation loss on all rows when every row is given the condition of class (label + shift) % 4. */
    private static double lossWithLabelsShifted(ConditionalVae m, Dataset data, int shift) {
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) labels[i] = (labels[i] + shift) % CLASSES;
        try (GradMode.Guard noGrad = GradMode.disabled()) {
            double sum = 0;
            for (int rep = 0; rep < 20; rep++) {
                sum += m.loss(new Batch(data.features(), m.labelCondition(labels)), TrainingProgress.EVALUATION, new Rng(100 + rep)).loss().item();
            }
            return sum / 20;
        }
    }

    @Test
    void trainsOnTheRowsLabelsAndTheLossFalls() {
        ConditionalVae m = model(1);
        TrainingResult result = Trainer.fit(m, labelled(), null, options(), null, TrainingListener.NONE);
        var first = result.history().get(0);
        var last = result.last();
        assertTrue(last.trainLoss() < 0.7 * first.trainLoss(), "train loss " + first.trainLoss() + " -> " + last.trainLoss());
        assertTrue(last.validationLoss().getAsDouble() < 0.7 * first.validationLoss().getAsDouble(),
                "validation loss " + first.validationLoss() + " -> " + last.validationLoss());
        // the model learned to read the class from the condition: the wrong class costs clearly more
        double right = lossWithLabelsShifted(m, labelled(), 0), wrong = lossWithLabelsShifted(m, labelled(), 1);
        assertTrue(right + 1 < wrong, "loss with the right classes " + right + ", with shifted classes " + wrong);
    }

    @Test
    void resumingMidEpochEndsWithTheSameBits() throws Exception {
        ConditionalVae straight = model(1);
        Trainer.fit(straight, labelled(), null, options().withEpochs(3), null, TrainingListener.NONE);

        Path run = tmp.resolve("run");
        TrainerOptions often = options().withEpochs(3).withCheckpointEveryMinutes(1e-12);
        class Killed extends RuntimeException {}
        // 96 training rows = 6 batches per epoch; the kill comes before step 9's checkpoint, so the last one is after step 8
        // (epoch 2, batch 2)
        assertThrows(Killed.class, () -> Trainer.fit(model(1), labelled(), null, often, run, new TrainingListener() {
            @Override
            public void onStep(StepInfo s) {
                if (s.step() == 9) throw new Killed();
            }
        }));
        assertEquals(2, Checkpoint.readState(run).batchInEpoch(), "the last checkpoint is mid-epoch");
        ConditionalVae resumed = model(777);
        Trainer.resume(resumed, labelled(), null, often, run, TrainingListener.NONE);
        Map<String, float[]> a = weights(straight), b = weights(resumed);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            for (int i = 0; i < a.get(k).length; i++) {
                assertEquals(Float.floatToRawIntBits(a.get(k)[i]), Float.floatToRawIntBits(b.get(k)[i]), k + "[" + i + "]");
            }
        }
    }

    @Test
    void unlabelledOrOutOfRangeDataIsOneClearError() {
        Dataset plain = Dataset.unlabeled("plain", labelled().features());
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(model(1), plain, null, options(), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("conditioned on 4 classes") && e.getMessage().contains("plain has no labels"), e.getMessage());

        int[] labels = labelled().labels();
        labels[7] = 4;
        Dataset tooMany = new Dataset("five", labelled().features(), labels, null);
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(model(1), tooMany, null, options(), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("row 7 of dataset five has label 4") && e.getMessage().contains("0..3"), e.getMessage());

        Dataset validation = Dataset.unlabeled("val", labelled().features());
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fit(model(1), labelled(), validation, options().withValidationFraction(0), null, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("val has no labels"), e.getMessage());
    }
}
