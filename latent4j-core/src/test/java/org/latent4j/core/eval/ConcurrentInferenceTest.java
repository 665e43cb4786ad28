package org.latent4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.sae.TopKSaeConfig;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.model.vq.VqVaeConfig;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * Several threads using one model at once, as the tasks of one Spark executor do: each thread's encodings,
 * reconstructions and scores must equal, bit for bit, those of a plain single-threaded run. The engine's pool has two
 * threads here, so the callers also contend for it (one gets it, the others run their ops on their own thread).
 */
class ConcurrentInferenceTest {
    private static final int D = 24, THREADS = 4, ROUNDS = 3;
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Everything one inference pass gives, as flat arrays to compare. */
    private static List<float[]> infer(LatentModel model, Tensor x) {
        List<float[]> out = new ArrayList<>();
        try (var noGrad = GradMode.disabled()) {
            LatentCode code = model.encode(x, null);
            out.add(code.vector().contiguous().toArray());
            out.add(model.reconstruct(x, null).contiguous().toArray());
        }
        long[] keys = ModelInput.rowKeys(x);
        for (AnomalyScore s : AnomalyScore.supportedBy(model)) {
            double[] scores = AnomalyScorer.score(model, x, null, s, 8, 4, 17, keys, null);
            float[] asFloats = new float[2 * scores.length];
            // the doubles' exact bits, split into two floats' worth of bits so one comparison covers all
            for (int i = 0; i < scores.length; i++) {
                long bits = Double.doubleToRawLongBits(scores[i]);
                asFloats[2 * i] = Float.intBitsToFloat((int) (bits >>> 32));
                asFloats[2 * i + 1] = Float.intBitsToFloat((int) bits);
            }
            out.add(asFloats);
        }
        return out;
    }

    private static void check(LatentModel model) throws Exception {
        Parallel.setThreads(2);
        // a different batch for each thread, of a size that makes the GEMMs split into parallel tasks
        Tensor[] inputs = new Tensor[THREADS];
        List<List<float[]>> expected = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            inputs[t] = new Rng(100 + t).uniform(0f, 1f, 96 + 8 * t, D);
        }
        Parallel.setThreads(1);
        for (int t = 0; t < THREADS; t++) expected.add(infer(model, inputs[t]));
        Parallel.setThreads(2);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            for (int round = 0; round < ROUNDS; round++) {
                List<Future<List<float[]>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Tensor x = inputs[t];
                    results.add(pool.submit(() -> {
                        start.await();
                        return infer(model, x);
                    }));
                }
                for (int t = 0; t < THREADS; t++) {
                    List<float[]> got = results.get(t).get();
                    List<float[]> want = expected.get(t);
                    assertTrue(got.size() == want.size());
                    for (int i = 0; i < want.size(); i++) {
                        assertArrayEquals(want.get(i), got.get(i), model.kind() + ": thread " + t + ", output " + i + ", round " + round);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aGaussianModelGivesEveryThreadTheSingleThreadedOutputs() throws Exception {
        check(ModelKinds.get("vae").createFrom(VaeConfig.of(D, 4).withHidden(List.of(64, 32)), new Rng(1)));
    }

    @Test
    void aVectorQuantizedModelGivesEveryThreadTheSingleThreadedOutputs() throws Exception {
        check(ModelKinds.get("vq-vae").createFrom(VqVaeConfig.of(D), new Rng(2)));
    }

    @Test
    void aSparseAutoencoderGivesEveryThreadTheSingleThreadedOutputs() throws Exception {
        check(ModelKinds.get("topk-sae").createFrom(TopKSaeConfig.of(D, 96, 8), new Rng(3)));
    }
}
