package org.latent4j.spark;

import java.nio.file.Path;
import org.apache.spark.ml.param.LongParam;
import org.latent4j.core.data.ModelInput;
import org.latent4j.core.io.ModelStore;
import org.latent4j.core.model.LatentModel;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;

/**
 * A transformer that runs a trained Latent4j model over a column of vectors. The model travels as the bytes of
 * {@link ModelStore#toBytes} (checked when the transformer is made, so a damaged model is refused on the driver), is
 * loaded once per executor JVM and shared by its tasks. Each row is prepared as {@link ModelInput#prepareRows} prepares
 * it: the model's standardization, then (for a model trained on binarized data) one Bernoulli sample drawn from the
 * stream of the row's key, so a row's output does not depend on its partition, its batch or the order of the rows.
 *
 * @param <T> the transformer's own type
 */
public abstract class LatentModelTransformer<T extends LatentModelTransformer<T>> extends LatentTransformer<T> {
    private static final long serialVersionUID = 1L;

    /** The seed of the random draws. */
    private final LongParam seed;
    private final transient ModelStore.Saved checked;

    /**
     * A transformer of a packed model.
     *
     * @param uid           its Spark ML identifier
     * @param model         a packed model ({@link ModelStore#toBytes})
     * @param defaultOutput the output column unless set
     * @throws IllegalArgumentException when the bytes are not a valid model, or a model the transformers cannot run
     */
    protected LatentModelTransformer(String uid, byte[] model, String defaultOutput) {
        super(uid, model, defaultOutput);
        seed = new LongParam(uid, "seed", "seed of the random draws: a binarizing model's sample of each row, and the samples of the scores");
        setDefault(seed, 0L);
        checked = load(model, ExecutorCache.sha256(model));
        if (checked.model().conditionClasses() > 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the " + checked.model().kind() + " model is conditional (it takes each row's class); "
                    + "the Spark transformers run unconditional models");
        }
    }

    /**
     * {@return the bytes of the saved model in a directory (a run of {@code latent4j train}), checked}
     *
     * @param directory the model's directory
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static byte[] packed(Path directory) {
        try {
            return ModelStore.toBytes(directory);
        } catch (ModelStore.ModelStoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The model of these bytes, from this JVM's cache or loaded now. */
    static ModelStore.Saved load(byte[] bytes, String key) {
        return ExecutorCache.get(key, bytes, ModelStore.Saved.class, b -> {
            try {
                return ModelStore.fromBytes(b, "the Latent4j model of a Spark transformer");
            } catch (ModelStore.ModelStoreException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /** {@return the seed of the random draws} */
    public LongParam seed() {
        return seed;
    }

    /**
     * Sets the seed of the random draws.
     *
     * @param value the seed
     * @return this
     */
    @SuppressWarnings("unchecked")
    public T setSeed(long value) {
        set(seed, value);
        return (T) this;
    }

    /** {@return the seed of the random draws} */
    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** {@return the model, as loaded on the driver} */
    public LatentModel model() {
        return checked.model();
    }

    /** {@return what the model's training did to the data, which each row gets too} */
    public ModelStore.DataPreprocessing preprocessing() {
        return checked.preprocessing();
    }

    @Override
    int inputWidth() {
        return checked.model().dataDim();
    }

    /** What a model computes for a batch of prepared rows, once the model is loaded. */
    interface ModelOperation extends java.io.Serializable {
        /**
         * The outputs of a batch.
         *
         * @param saved    the model and its preprocessing
         * @param prepared the rows as the model sees them, [n, features]
         * @param keys     each row's key
         * @return one output per row
         */
        Object[] apply(ModelStore.Saved saved, Tensor prepared, long[] keys);
    }

    /** The operation of this transformer on prepared rows. */
    abstract ModelOperation modelOperation();

    @Override
    final BatchOperation operation() {
        ModelOperation op = modelOperation();
        long s = getSeed();
        return (payload, key, rows, n, keys) -> run(load(payload, key), rows, n, keys, s, op);
    }

    /** A thread's pooled scratch for the batches it runs (a task thread runs one batch at a time). */
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * Prepares a batch and runs an operation on it, as every executor does; the tests call it to compare with the
     * library called directly.
     */
    static Object[] run(ModelStore.Saved saved, float[] rows, int n, long[] keys, long seed, ModelOperation op) {
        int d = saved.model().dataDim();
        long[] batchKeys = keys.length == n ? keys : java.util.Arrays.copyOf(keys, n);
        try (GradMode.Guard noGrad = GradMode.disabled(); var scope = WORKSPACE.get().open()) {
            Tensor x = Tensor.wrap(java.util.Arrays.copyOf(rows, n * d), n, d);
            return op.apply(saved, ModelInput.prepareRows(saved.preprocessing(), x, batchKeys, seed), batchKeys);
        }
    }
}
