package org.latent4j.core.model;

import java.io.Serializable;
import java.util.List;

/**
 * What a model keeps from one forward pass for its step hooks ({@link LossResult#state()}), in a form that can leave the
 * process that computed it and be merged with the states of other shards of the same step. Data-parallel training
 * computes a step's forward passes on several replicas, each on its own rows, and runs the hooks once, on the master,
 * with the merged state: {@link #concat} must therefore give exactly what one forward pass over the shards' rows,
 * concatenated in the given order, would have kept, so that the hooks (EMA codebook updates, usage counters, dead-code
 * restarts, running statistics) see what a single process with the larger batch sees.
 *
 * <p>A state holds plain arrays, not tensors: a tensor of a step may live in a workspace scope that is closed before the
 * state is shipped, and arrays serialise as they are.
 */
public interface StepState extends Serializable {
    /**
     * The state of this shard's rows followed by the rows of {@code following}, in that order.
     *
     * @param following the states of the next shards of the same step, each of this state's type
     * @return the merged state
     */
    StepState concat(List<? extends StepState> following);

    /**
     * The states of a step's shards merged in shard order; null when there are none.
     *
     * @param shards the shards' states, in shard order
     * @return their merge
     */
    static StepState concatAll(List<? extends StepState> shards) {
        if (shards.isEmpty()) return null;
        if (shards.size() == 1) return shards.getFirst();
        return shards.getFirst().concat(shards.subList(1, shards.size()));
    }

    /**
     * Concatenates int arrays in order (a helper for implementations).
     *
     * @param parts the arrays
     * @return their concatenation
     */
    static int[] concatInts(List<int[]> parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Concatenates float arrays in order (a helper for implementations).
     *
     * @param parts the arrays
     * @return their concatenation
     */
    static float[] concatFloats(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
