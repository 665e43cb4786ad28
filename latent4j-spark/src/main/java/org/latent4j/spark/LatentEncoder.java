package org.latent4j.spark;

import java.nio.file.Path;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.latent4j.core.model.LatentCode;

/**
 * Encodes each row to its code vector, {@code array<float>}: the posterior mean for a Gaussian code (what
 * {@code latent4j encode} writes), the quantized vector for a discrete code, the (dense) sparse code of a sparse
 * autoencoder.
 */
public final class LatentEncoder extends LatentModelTransformer<LatentEncoder> {
    private static final long serialVersionUID = 1L;

    /**
     * An encoder of a packed model ({@link org.latent4j.core.io.ModelStore#toBytes}).
     *
     * @param model the packed model
     */
    public LatentEncoder(byte[] model) {
        this(Identifiable.randomUID("latent4jEncoder"), model);
    }

    /**
     * An encoder of the model saved in a directory (a run of {@code latent4j train}).
     *
     * @param model the model's directory
     */
    public LatentEncoder(Path model) {
        this(packed(model));
    }

    LatentEncoder(String uid, byte[] model) {
        super(uid, model, "latent");
    }

    @Override
    LatentEncoder newInstance(String uid, byte[] payload) {
        return new LatentEncoder(uid, payload);
    }

    @Override
    DataType outputType() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }

    @Override
    ModelOperation modelOperation() {
        return (saved, x, keys) -> {
            LatentCode code = saved.model().encode(x, null);
            return Rows.floatRows(code.vector().contiguous().toArray(), x.dim(0));
        };
    }

    /** {@return the reader of saved encoders (Spark ML's MLReadable)} */
    public static MLReader<LatentEncoder> read() {
        return new PayloadReader<>(LatentEncoder.class, LatentEncoder::new);
    }

    /**
     * Loads a saved encoder.
     *
     * @param path where {@code write().save} saved it (any Hadoop-compatible path)
     * @return the encoder
     */
    public static LatentEncoder load(String path) {
        return read().load(path);
    }
}
