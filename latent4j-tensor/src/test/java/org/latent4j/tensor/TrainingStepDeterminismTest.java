package org.latent4j.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.latent4j.tensor.init.Initializer;
import org.latent4j.tensor.optim.Adam;
import org.latent4j.tensor.optim.AdamOptions;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.random.Rng;

/**
 * A whole training step (GEMM, bias broadcast, activations, fused loss, reductions, backward, Adam) run
 * with 1, 2 and 3 threads must leave bit-identical parameters: the engine's partitioning and reduction
 * order depend on problem sizes only. Sizes are chosen so every parallel path splits into several tasks.
 */
class TrainingStepDeterminismTest {

    private static float[][] train(int threads, int steps) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Rng rng = new Rng(3);
            int[] sizes = {300, 257, 129, 300};
            int batch = 96;
            List<Tensor> params = new ArrayList<>();
            Tensor[] w = new Tensor[3], b = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                w[i] = Initializer.glorotUniform().fill(Tensor.persistentZeros(sizes[i], sizes[i + 1]), sizes[i], sizes[i + 1], rng).requiresGrad(true);
                b[i] = rng.normal(0f, 0.1f, sizes[i + 1]).requiresGrad(true);
                params.add(w[i]);
                params.add(b[i]);
            }
            Adam adam = new Adam(params, AdamOptions.DEFAULTS);
            Workspace ws = new Workspace();
            for (int step = 0; step < steps; step++) {
                Tensor x = rng.uniform(0f, 1f, batch, sizes[0]);
                Tensor t = rng.bernoulli(x);
                try (var s = ws.open()) {
                    adam.zeroGrad();
                    Tensor h = x.matmul(w[0]).add(b[0]).tanh();
                    h = h.matmul(w[1]).add(b[1]).softplus();
                    Tensor logits = h.matmul(w[2]).add(b[2]);
                    Tensor loss = logits.bceWithLogits(t).sum(-1, false).mean()
                            .add(logits.logSoftmax(-1).mean().mul(0.01f));
                    loss.backward();
                    adam.step();
                }
            }
            float[][] out = new float[params.size()][];
            for (int i = 0; i < out.length; i++) out[i] = params.get(i).toArray();
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void parametersAreBitIdenticalForOneTwoAndThreeThreads() {
        float[][] one = train(1, 3);
        float[][] two = train(2, 3);
        float[][] three = train(3, 3);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "parameter " + i + ": 1 vs 2 threads");
            assertArrayEquals(one[i], three[i], "parameter " + i + ": 1 vs 3 threads");
        }
        // the steps did move every parameter (the comparison would be vacuous otherwise)
        float[][] initial = train(1, 0);
        for (int i = 0; i < one.length; i++) {
            assertFalse(java.util.Arrays.equals(initial[i], one[i]), "parameter " + i + " did not change");
        }
    }
}
