package org.latent4j.spark;

import java.nio.file.Path;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.latent4j.core.data.ModelInput;

/**
 * Reconstructs each row through the model, {@code array<float>} in the units of the input: the decoder's likelihood
 * mean of the row's code (for Bernoulli pixels their probabilities), with the model's standardization undone.
 */
public final class LatentReconstructor extends LatentModelTransformer<LatentReconstructor> {
    private static final long serialVersionUID = 1L;

    /**
     * A reconstructor of a packed model.
     *
     * @param model the packed model
     */
    public LatentReconstructor(byte[] model) {
        this(Identifiable.randomUID("latent4jReconstructor"), model);
    }

    /**
     * A reconstructor of the model saved in a directory.
     *
     * @param model the model's directory
     */
    public LatentReconstructor(Path model) {
        this(packed(model));
    }

    LatentReconstructor(String uid, byte[] model) {
        super(uid, model, "reconstruction");
    }

    @Override
    LatentReconstructor newInstance(String uid, byte[] payload) {
        return new LatentReconstructor(uid, payload);
    }

    @Override
    DataType outputType() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }

    @Override
    ModelOperation modelOperation() {
        return (saved, x, keys) -> Rows.floatRows(
                ModelInput.dataUnits(saved.model(), saved.preprocessing(), saved.model().reconstruct(x, null)).contiguous().toArray(), x.dim(0));
    }

    /** {@return the reader of saved reconstructors} */
    public static MLReader<LatentReconstructor> read() {
        return new PayloadReader<>(LatentReconstructor.class, LatentReconstructor::new);
    }

    /**
     * Loads a saved reconstructor.
     *
     * @param path where it was saved
     * @return the reconstructor
     */
    public static LatentReconstructor load(String path) {
        return read().load(path);
    }
}
