package org.latent4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A column of feature vectors: an array of floats or doubles, or a Spark ML vector. {@link #of} checks the column against
 * the schema once, on the driver, so that a wrong name or type is refused with one message before any job runs;
 * {@link #read} turns one row's value into floats on an executor, refusing a null or a vector of the wrong length by row.
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
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(name)) throw new IllegalArgumentException(who + ": the data have no column '" + name + "' (columns: " + String.join(", ", names) + ")");
        StructField field = schema.apply(name);
        DataType t = field.dataType();
        Type type;
        if (t instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) type = Type.FLOAT_ARRAY;
        else if (t instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) type = Type.DOUBLE_ARRAY;
        else if (t.equals(SQLDataTypes.VectorType())) type = Type.ML_VECTOR;
        else {
            throw new IllegalArgumentException(who + ": column '" + name + "' is of type " + t.simpleString()
                    + "; it must hold feature vectors: array<float>, array<double> or a Spark ML vector");
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
     * @throws IllegalArgumentException for a null value or a vector of another length
     */
    void read(Row row, int field, float[] out, int at) {
        if (row.isNullAt(field)) throw new IllegalArgumentException("column '" + name + "' holds a null value in row " + row);
        switch (type) {
            case FLOAT_ARRAY -> {
                List<Float> v = row.getList(field);
                checkLength(v.size());
                for (int j = 0; j < dim; j++) out[at + j] = (float) element(v.get(j), j);
            }
            case DOUBLE_ARRAY -> {
                List<Double> v = row.getList(field);
                checkLength(v.size());
                for (int j = 0; j < dim; j++) out[at + j] = (float) element(v.get(j), j);
            }
            case ML_VECTOR -> {
                Vector v = (Vector) row.get(field);
                checkLength(v.size());
                for (int j = 0; j < dim; j++) out[at + j] = (float) v.apply(j);
            }
        }
    }

    private double element(Number value, int index) {
        if (value == null) throw new IllegalArgumentException("column '" + name + "' holds a vector with a null at index " + index);
        return value.doubleValue();
    }

    private void checkLength(int length) {
        if (length != dim) throw new IllegalArgumentException("column '" + name + "' holds a vector of " + length + " values; the model takes " + dim);
    }
}
