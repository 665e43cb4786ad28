package org.latent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Spark 4 starts in local mode on this JDK with the module's JVM flags, and runs a job over two task threads. */
class LocalSparkTest {
    @Test
    void localModeRunsAJobOnTwoThreads() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("latent4j-smoke").config("spark.ui.enabled", "false").getOrCreate();
        try {
            List<Row> sum = spark.range(0, 100_000, 1, 4).selectExpr("sum(id)").collectAsList();
            assertEquals(4_999_950_000L, sum.get(0).getLong(0));
        } finally {
            spark.stop();
        }
    }
}
