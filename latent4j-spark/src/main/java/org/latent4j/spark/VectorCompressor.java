package org.latent4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.io.CodesFile;
import org.latent4j.core.data.DataFileException;

/**
 * Compresses each row with a fitted latent4j-compress {@link Compressor} (what {@code latent4j compress fit} writes:
 * PQ, OPQ, RQ, SQ, ... from a spec): its code of {@link Compressor#codeSize()} bytes, as {@code binary} (the default)
 * or as {@code array<int>} of the unsigned byte values ({@code outputFormat}). Place it after a {@link LatentEncoder}
 * to compress latent vectors, or use it alone on any vectors of the compressor's width.
 */
public final class VectorCompressor extends LatentTransformer<VectorCompressor> {
    private static final long serialVersionUID = 1L;

    /** Binary or array. */
    private final Param<String> outputFormat;
    private final transient Compressor checked;

    /**
     * A compressor shipped as a codes file's bytes ({@link CodesFile#toBytes}).
     *
     * @param codesFile the bytes of a codes (or compressor model) file
     */
    public VectorCompressor(byte[] codesFile) {
        this(Identifiable.randomUID("latent4jVectorCompressor"), codesFile);
    }

    /**
     * The compressor of a codes file or a compressor model file ({@code latent4j compress fit --out FILE}).
     *
     * @param file the file
     */
    public VectorCompressor(Path file) {
        this(read(file));
    }

    VectorCompressor(String uid, byte[] codesFile) {
        super(uid, modelOnly(codesFile), "compressed");
        outputFormat = new Param<>(uid, "outputFormat", "binary (one binary cell per code) or array (array<int> of its bytes, 0..255)",
                ParamValidators.inArray(new String[] {"binary", "array"}));
        setDefault(outputFormat, "binary");
        checked = load(payload(), ExecutorCache.sha256(payload()));
    }

    private static byte[] read(Path file) {
        try {
            return CodesFile.read(file).toBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The compressor alone: the codes a file may hold need not travel to every executor. */
    private static byte[] modelOnly(byte[] codesFile) {
        CodesFile f = parse(codesFile);
        return f.count() == 0 ? codesFile : new CodesFile(f.compressor(), f.metric(), 0, new byte[0]).toBytes();
    }

    private static CodesFile parse(byte[] bytes) {
        try {
            return CodesFile.fromBytes(bytes, "the compressor of a VectorCompressor");
        } catch (DataFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Compressor load(byte[] bytes, String key) {
        return ExecutorCache.get(key, bytes, Compressor.class, b -> parse(b).compressor());
    }

    @Override
    VectorCompressor newInstance(String uid, byte[] payload) {
        return new VectorCompressor(uid, payload);
    }

    /** {@return binary or array} */
    public Param<String> outputFormat() {
        return outputFormat;
    }

    /**
     * Sets how codes are written.
     *
     * @param format binary or array
     * @return this
     */
    public VectorCompressor setOutputFormat(String format) {
        set(outputFormat, format);
        return this;
    }

    /** {@return the compressor, as loaded on the driver} */
    public Compressor compressor() {
        return checked;
    }

    @Override
    int inputWidth() {
        return checked.dimension();
    }

    @Override
    DataType outputType() {
        return "binary".equals(getOrDefault(outputFormat)) ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.IntegerType, false);
    }

    @Override
    BatchOperation operation() {
        boolean binary = "binary".equals(getOrDefault(outputFormat));
        return (payload, key, rows, n, keys) -> {
            Compressor c = load(payload, key);
            int size = c.codeSize();
            byte[] codes = new byte[n * size];
            c.encode(rows, 0, n, codes, 0);
            Object[] out = new Object[n];
            for (int i = 0; i < n; i++) {
                if (binary) {
                    out[i] = java.util.Arrays.copyOfRange(codes, i * size, (i + 1) * size);
                } else {
                    int[] v = new int[size];
                    for (int j = 0; j < size; j++) v[j] = codes[i * size + j] & 0xFF;
                    out[i] = scala.collection.immutable.ArraySeq.unsafeWrapArray(v);
                }
            }
            return out;
        };
    }

    /** {@return the reader of saved compressors} */
    public static MLReader<VectorCompressor> read() {
        return new PayloadReader<>(VectorCompressor.class, VectorCompressor::new);
    }

    /**
     * Loads a saved compressor.
     *
     * @param path where it was saved
     * @return the compressor
     */
    public static VectorCompressor load(String path) {
        return read().load(path);
    }
}
