package org.latent4j.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.latent4j.core.data.ModelInput;
import org.latent4j.tensor.parallel.Parallel;
import scala.Option;

/**
 * What the Latent4j transformers share: the columns read and written ({@code inputCol}, {@code outputCol}, optional
 * {@code idCol}), the batching ({@code batchSize}), the engine's threads in a task ({@code engineThreads}), the payload
 * they ship to the executors as bytes (a packed model, a compressor), and saving and loading through Spark ML's
 * {@link MLWritable}/{@link MLReader} with the payload stored inside the saved path.
 *
 * <p>The input column holds one row vector each: a Spark ML {@link Vector} (dense or sparse), {@code array<float>} or
 * {@code array<double>}, as wide as the payload expects. Rows go through the engine {@link #batchSize()} at a time
 * inside {@code mapPartitions}; the other columns pass through unchanged and the output column is appended.
 *
 * @param <T> the transformer's own type, so that setters chain
 */
public abstract class LatentTransformer<T extends LatentTransformer<T>> extends Transformer implements MLWritable {
    private static final long serialVersionUID = 1L;

    /** The file inside a saved transformer's path holding its payload. */
    static final String PAYLOAD_FILE = "latent4j-payload";

    /** The Spark ML identifier. */
    private final String uid;
    /** The bytes the executors load (a packed model, a compressor). */
    private final byte[] payload;
    /** The payload's SHA-256, the executors' cache key. */
    private final String payloadKey;
    /** The column of input vectors. */
    private final Param<String> inputCol;
    /** The column appended. */
    private final Param<String> outputCol;
    /** The optional column of row ids keying each row's random draws. */
    private final Param<String> idCol;
    /** Rows per engine call. */
    private final IntParam batchSize;
    /** The engine's threads in each task. */
    private final IntParam engineThreads;

    /**
     * A transformer shipping {@code payload}.
     *
     * @param uid           its Spark ML identifier
     * @param payload       the bytes executors load (kept, not copied)
     * @param defaultOutput the output column's name unless set
     */
    protected LatentTransformer(String uid, byte[] payload, String defaultOutput) {
        this.uid = uid;
        this.payload = payload;
        this.payloadKey = ExecutorCache.sha256(payload);
        inputCol = new Param<>(uid, "inputCol", "the column of input vectors: a Spark ML Vector, array<float> or array<double>");
        outputCol = new Param<>(uid, "outputCol", "the column to write");
        idCol = new Param<>(uid, "idCol", "an optional column of 64-bit row ids keying each row's random draws (empty: a hash of the row's values)");
        batchSize = new IntParam(uid, "batchSize", "rows per call of the engine (more: faster, more memory)", ParamValidators.inRange(1, 1 << 20));
        engineThreads = new IntParam(uid, "engineThreads",
                "the engine's threads in each task; 0: spark.task.cpus (each concurrent task of an executor then runs its own ops)", ParamValidators.gtEq(0));
        setDefault(inputCol, "features");
        setDefault(outputCol, defaultOutput);
        setDefault(idCol, "");
        setDefault(batchSize, 256);
        setDefault(engineThreads, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** {@return the payload executors load} */
    byte[] payload() {
        return payload;
    }

    /** {@return the input column's name} */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** {@return the output column's name} */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** {@return the optional id column (a long per row) keying each row's random draws} */
    public Param<String> idCol() {
        return idCol;
    }

    /** {@return rows per engine call} */
    public IntParam batchSize() {
        return batchSize;
    }

    /** {@return the engine's threads in each task (0: spark.task.cpus)} */
    public IntParam engineThreads() {
        return engineThreads;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /**
     * Sets the input column.
     *
     * @param column its name
     * @return this
     */
    public T setInputCol(String column) {
        set(inputCol, column);
        return self();
    }

    /**
     * Sets the output column.
     *
     * @param column its name
     * @return this
     */
    public T setOutputCol(String column) {
        set(outputCol, column);
        return self();
    }

    /**
     * Sets the id column keying each row's random draws (a long column; rows with equal ids get the same draws).
     *
     * @param column its name, or "" for a hash of each row's values
     * @return this
     */
    public T setIdCol(String column) {
        set(idCol, column);
        return self();
    }

    /**
     * Sets the rows per engine call.
     *
     * @param rows at least 1
     * @return this
     */
    public T setBatchSize(int rows) {
        set(batchSize, rows);
        return self();
    }

    /**
     * Sets the engine's threads in each task.
     *
     * @param threads 0 for spark.task.cpus, or a count
     * @return this
     */
    public T setEngineThreads(int threads) {
        set(engineThreads, threads);
        return self();
    }

    /** {@return the input column's name} */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** {@return the output column's name} */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** {@return the id column's name, "" for none} */
    public String getIdCol() {
        return getOrDefault(idCol);
    }

    /** {@return the rows per engine call} */
    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /** {@return the engine's threads in each task, 0 for spark.task.cpus} */
    public int getEngineThreads() {
        return (Integer) getOrDefault(engineThreads);
    }

    // ------------------------------------------------------------------ what a subclass says

    /** {@return the width of the input vectors the payload takes} */
    abstract int inputWidth();

    /** {@return the output column's type} */
    abstract DataType outputType();

    /** {@return what a batch computes on an executor (serializable, holding no reference to this transformer)} */
    abstract BatchOperation operation();

    /** {@return a new instance of the same class with this uid and payload (params are copied by the caller)} */
    abstract T newInstance(String uid, byte[] payload);

    /** What a transformer computes for one batch of rows, on an executor. */
    interface BatchOperation extends Serializable {
        /**
         * The outputs of a batch.
         *
         * @param payload    the payload's bytes (load through {@link ExecutorCache})
         * @param payloadKey their SHA-256
         * @param rows       the rows, row-major [n, width]
         * @param n          the rows in the batch
         * @param keys       each row's key (its id, or a hash of its values)
         * @return one output value per row, of the output column's external type
         */
        Object[] apply(byte[] payload, String payloadKey, float[] rows, int n, long[] keys);
    }

    // ------------------------------------------------------------------ schema

    private FeatureColumn inputColumn(StructType schema) {
        return FeatureColumn.of(getClass().getSimpleName(), schema, getInputCol(), inputWidth());
    }

    private int idIndex(StructType schema) {
        String id = getIdCol();
        if (id.isEmpty()) return -1;
        if (!Arrays.asList(schema.fieldNames()).contains(id)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the id column \"" + id + "\" does not exist; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType t = schema.apply(id).dataType();
        if (!t.equals(DataTypes.LongType) && !t.equals(DataTypes.IntegerType)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the id column \"" + id + "\" is " + t.catalogString() + "; it must be bigint or int");
        }
        return schema.fieldIndex(id);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        inputColumn(schema);
        idIndex(schema);
        String out = getOutputCol();
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the output column \"" + out + "\" exists already (setOutputCol names another)");
        }
        return schema.add(new StructField(out, outputType(), false, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        SparkSession spark = dataset.sparkSession();
        Broadcast<byte[]> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(payload);
        PartitionFunction f = new PartitionFunction(shipped, payloadKey, in.fieldIndex(getInputCol()), inputColumn(in), idIndex(in), getBatchSize(), getEngineThreads(), operation());
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    @Override
    public T copy(ParamMap extra) {
        return copyValues(newInstance(uid, payload), extra);
    }

    // ------------------------------------------------------------------ on the executors

    /** The engine's thread count for this task: the param, or the task's CPUs (see docs/spark.md, "Threads"). */
    static void sizeEngine(int requested) {
        TaskContext task = TaskContext.get();
        int n = requested > 0 ? requested : task != null ? Math.max(1, task.cpus()) : Parallel.threads();
        if (Parallel.threads() != n) Parallel.setThreads(n);
    }

    /** Reads a partition's rows batchSize at a time, runs the operation, and appends its outputs to the rows. */
    private static final class PartitionFunction implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> payload;
        private final String payloadKey;
        private final int column, idColumn, width, batchSize, engineThreads;
        private final FeatureColumn input;
        private final BatchOperation operation;

        PartitionFunction(Broadcast<byte[]> payload, String payloadKey, int column, FeatureColumn input, int idColumn, int batchSize, int engineThreads,
                          BatchOperation operation) {
            this.payload = payload;
            this.payloadKey = payloadKey;
            this.column = column;
            this.input = input;
            this.idColumn = idColumn;
            this.width = input.dim();
            this.batchSize = batchSize;
            this.engineThreads = engineThreads;
            this.operation = operation;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            sizeEngine(engineThreads);
            byte[] bytes = payload.value();
            return new Iterator<>() {
                private final List<Row> batch = new ArrayList<>(batchSize);
                private final float[] values = new float[Math.multiplyExact(batchSize, width)];
                private final long[] keys = new long[batchSize];
                private Object[] outputs;
                private int next;

                @Override
                public boolean hasNext() {
                    if (outputs != null && next < batch.size()) return true;
                    if (!rows.hasNext()) return false;
                    batch.clear();
                    while (batch.size() < batchSize && rows.hasNext()) {
                        Row r = rows.next();
                        int i = batch.size();
                        input.read(r, column, values, i * width);
                        keys[i] = idColumn >= 0 ? ((Number) r.get(idColumn)).longValue() : ModelInput.rowKey(values, i * width, width);
                        batch.add(r);
                    }
                    outputs = operation.apply(bytes, payloadKey, values, batch.size(), keys);
                    next = 0;
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    Row r = batch.get(next);
                    Object[] cells = new Object[r.length() + 1];
                    for (int c = 0; c < r.length(); c++) cells[c] = r.get(c);
                    cells[r.length()] = outputs[next++];
                    return RowFactory.create(cells);
                }
            };
        }
    }

    // ------------------------------------------------------------------ saving and loading

    @Override
    public MLWriter write() {
        LatentTransformer<T> instance = this;
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
                org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, PAYLOAD_FILE);
                org.apache.hadoop.fs.Path partial = new org.apache.hadoop.fs.Path(path, "." + PAYLOAD_FILE + ".partial");
                try {
                    FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                    // written under another name and renamed, so a reader never finds half a payload
                    try (OutputStream o = fs.create(partial, true)) {
                        o.write(payload);
                    }
                    if (!fs.rename(partial, file)) throw new IOException("cannot rename " + partial + " to " + file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(path + ": cannot write the Latent4j payload (" + e.getMessage() + ")", e);
                }
            }
        };
    }

    /**
     * Reads a saved transformer of one class: its params from Spark's metadata, its payload from the file beside it.
     *
     * @param <T> the transformer's class
     */
    static final class PayloadReader<T extends LatentTransformer<T>> extends MLReader<T> {
        private final Class<T> type;
        private final BiFunction<String, byte[], T> create;

        PayloadReader(Class<T> type, BiFunction<String, byte[], T> create) {
            this.type = type;
            this.create = create;
        }

        @Override
        public T load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, PAYLOAD_FILE);
            byte[] bytes;
            try {
                FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                try (InputStream in = fs.open(file)) {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                    in.transferTo(buffer);
                    bytes = buffer.toByteArray();
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(path + ": holds no readable " + PAYLOAD_FILE + " (" + e.getMessage() + "); was it saved by "
                        + type.getSimpleName() + ".write()?", e);
            }
            T instance = create.apply(metadata.uid(), bytes);
            metadata.getAndSetParams(instance, Option.empty());
            return instance;
        }
    }
}
