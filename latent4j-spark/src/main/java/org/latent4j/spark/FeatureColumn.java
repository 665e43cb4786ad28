package org.latent4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A column of feature vectors: an array of floats or doubles, or a Spark ML vector (dense or sparse). The transformers
 * and the trainer read their input through it. {@link #of} checks the column against the schema once, on the driver, so
 * that a wrong name or type is refused with one message before any job runs; {@link #read} turns one row's value into
 * floats on an executor, refusing a null or a vector of the wrong length.
 *
 * @param name the column's name
 * @param type how its values are stored
 * @param dim  the features every value must have
 */
record FeatureColumn(String name, Type type, int dim) implements Serializable {
    /** How a column stores its vectors. */
    enum Type { FLOAT_ARRAY, DOUBLE_ARRAY, ML_VECTOR }

    /**
     * The column {@code name} of {@code schema}, which must hold vectors of {@code dim} features.
     *
     * @param who    the caller, for messages
     * @param schema the data's schema
     * @param name   the column's name
     * @param dim    the features the model takes
     * @return the column
     * @throws IllegalArgumentException naming the column and what is wrong with it
     */
    static FeatureColumn of(String who, StructType schema, String name, int dim) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException(who + ": no input column given");
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(who + ": the input column \"" + name + "\" does not exist; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType t = schema.apply(name).dataType();
        Type type;
        if (t instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) type = Type.FLOAT_ARRAY;
        else if (t instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) type = Type.DOUBLE_ARRAY;
        else if (t.equals(SQLDataTypes.VectorType())) type = Type.ML_VECTOR;
        else {
            throw new IllegalArgumentException(who + ": the input column \"" + name + "\" is " + t.catalogString() + "; it must hold vectors of " + dim
                    + " values: a Spark ML vector, array<float> or array<double>");
        }
        return new FeatureColumn(name, type, dim);
    }

    /**
     * Copies the vector in field {@code field} of {@code row} into {@code out} at {@code at}.
     *
     * @param row   the row
     * @param field the column's index in the row
     * @param out   the destination
     * @param at    where the row's features start in it
     * @throws IllegalArgumentException for a null value or element, or a vector of another length
     */
    void read(Row row, int field, float[] out, int at) {
        Object cell = row.get(field);
        if (cell == null) throw new IllegalArgumentException("the input column \"" + name + "\" holds a null; every row needs a vector of " + dim);
        if (type == Type.ML_VECTOR) {
            Vector v = (Vector) cell;
            checkLength(v.size());
            if (v instanceof DenseVector d) {
                double[] a = d.values();
                for (int j = 0; j < dim; j++) out[at + j] = (float) a[j];
            } else {
                Arrays.fill(out, at, at + dim, 0f);
                v.foreachActive((j, x) -> {
                    out[at + (Integer) j] = (float) (double) (Double) x;
                    return scala.runtime.BoxedUnit.UNIT;
                });
            }
            return;
        }
        // both array types arrive as a Scala sequence of boxed numbers; iterating it avoids a Java list view per row
        scala.collection.Seq<?> s = (scala.collection.Seq<?>) cell;
        checkLength(s.length());
        scala.collection.Iterator<?> it = s.iterator();
        for (int j = 0; j < dim; j++) {
            Object x = it.next();
            if (x == null) throw new IllegalArgumentException("the input column \"" + name + "\" holds a vector with a null at index " + j);
            out[at + j] = ((Number) x).floatValue();
        }
    }

    private void checkLength(int length) {
        if (length != dim) throw new IllegalArgumentException("the input column \"" + name + "\" holds a vector of " + length + " values; the model takes " + dim);
    }
}
