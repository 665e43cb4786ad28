package org.latent4j.spark;

import java.nio.file.Path;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.latent4j.core.model.LatentCode;

/**
 * The discrete codes of each row, {@code array<int>}: the chosen code's index at each position and stage, position by
 * position and, within one, stage by stage (what {@code latent4j codes} writes as [rows, positions, stages]). Only a
 * model with discrete codes (vq-vae, rvq-vae, fsq-vae, ...) gives them; another is refused when the indexer is made.
 */
public final class LatentCodeIndexer extends LatentModelTransformer<LatentCodeIndexer> {
    private static final long serialVersionUID = 1L;

    /**
     * An indexer of a packed model with discrete codes.
     *
     * @param model the packed model
     */
    public LatentCodeIndexer(byte[] model) {
        this(Identifiable.randomUID("latent4jCodeIndexer"), model);
    }

    /**
     * An indexer of the model saved in a directory.
     *
     * @param model the model's directory
     */
    public LatentCodeIndexer(Path model) {
        this(packed(model));
    }

    LatentCodeIndexer(String uid, byte[] model) {
        super(uid, model, "codes");
        if (!org.latent4j.core.model.ModelKinds.get(model().kind()).capabilities().contains(org.latent4j.core.model.Capability.DISCRETE_CODES)) {
            throw new IllegalArgumentException("LatentCodeIndexer: the " + model().kind() + " model does not give discrete codes (a model such as vq-vae does)");
        }
    }

    @Override
    LatentCodeIndexer newInstance(String uid, byte[] payload) {
        return new LatentCodeIndexer(uid, payload);
    }

    @Override
    DataType outputType() {
        return DataTypes.createArrayType(DataTypes.IntegerType, false);
    }

    @Override
    ModelOperation modelOperation() {
        return (saved, x, keys) -> {
            LatentCode code = saved.model().encode(x, null);
            if (!(code instanceof LatentCode.Discrete d)) {
                throw new IllegalArgumentException("LatentCodeIndexer: the " + saved.model().kind() + " model gave no discrete codes");
            }
            return Rows.intRows(d.indices(), x.dim(0));
        };
    }

    /** {@return the reader of saved indexers} */
    public static MLReader<LatentCodeIndexer> read() {
        return new PayloadReader<>(LatentCodeIndexer.class, LatentCodeIndexer::new);
    }

    /**
     * Loads a saved indexer.
     *
     * @param path where it was saved
     * @return the indexer
     */
    public static LatentCodeIndexer load(String path) {
        return read().load(path);
    }
}
