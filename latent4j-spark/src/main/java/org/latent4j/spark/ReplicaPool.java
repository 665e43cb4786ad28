package org.latent4j.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.random.Rng;

/**
 * The training replicas of one executor JVM, built once per model (kind and config) and reused by every step's task.
 * A replica's gradients are written by its forward and backward passes, so two tasks running at once in one JVM each
 * borrow a replica of their own; a replica is returned after the task and holds nothing a later task depends on: every
 * task first loads the step's broadcast weights and buffers into it.
 */
final class ReplicaPool {
    private ReplicaPool() {}

    /** A model with the workspace its steps allocate from. */
    record Replica(String key, LatentModel model, Workspace workspace) {}

    private static final Map<String, ConcurrentLinkedQueue<Replica>> IDLE = new ConcurrentHashMap<>();

    /**
     * A replica of the model of this kind and config (JSON), idle or new.
     *
     * @param kind       the model's kind
     * @param configJson its config as JSON
     * @return the replica, to {@link #release} after use
     */
    static Replica borrow(String kind, String configJson) {
        String key = kind + '\n' + configJson;
        // an executor outlives a training run: the replicas of earlier models are dropped when another model's run starts
        // here, so that an application training several models holds one model's replicas at a time
        IDLE.keySet().removeIf(k -> !k.equals(key));
        Replica idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (idle != null) return idle;
        ModelKind<?> k = ModelKinds.get(kind);
        Record config = Json.fromJson(Json.parse(configJson), k.configType());
        // the weights are overwritten by the step's broadcast before any use
        return new Replica(key, k.createFrom(config, new Rng(0)), new Workspace());
    }

    /**
     * Returns a replica for the next task of this JVM.
     *
     * @param replica a borrowed replica
     */
    static void release(Replica replica) {
        ConcurrentLinkedQueue<Replica> idle = IDLE.get(replica.key());
        if (idle != null) idle.offer(replica);
    }

    /**
     * Copies a flat state (every tensor of {@link LatentModel#namedState()}, in order) into the model.
     *
     * @param model the model
     * @param flat  its weights and buffers, flat
     */
    static void load(LatentModel model, float[] flat) {
        int at = 0;
        for (Tensor t : model.namedState().values()) {
            int n = t.size();
            if (at + n > flat.length) throw new IllegalStateException("the broadcast state has " + flat.length + " values, fewer than the model's");
            if (!t.isContiguous()) throw new IllegalStateException("a model tensor of shape " + java.util.Arrays.toString(t.shape()) + " is not contiguous");
            System.arraycopy(flat, at, t.data(), t.offset(), n);
            at += n;
        }
        if (at != flat.length) throw new IllegalStateException("the broadcast state has " + flat.length + " values, the model " + at);
    }

    /**
     * The model's weights and buffers, flat, in the order of {@link LatentModel#namedState()}.
     *
     * @param model the model
     * @return the values
     */
    static float[] flatten(LatentModel model) {
        long total = 0;
        for (Tensor t : model.namedState().values()) total += t.size();
        float[] flat = new float[Math.toIntExact(total)];
        int at = 0;
        for (Tensor t : model.namedState().values()) {
            float[] v = t.contiguous().toArray();
            System.arraycopy(v, 0, flat, at, v.length);
            at += v.length;
        }
        return flat;
    }
}
