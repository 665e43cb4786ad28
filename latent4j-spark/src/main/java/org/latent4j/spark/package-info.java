/**
 * Latent4j on Apache Spark 4 (Scala 2.13): Spark ML transformers that encode, reconstruct, score and compress the rows of
 * a {@code Dataset<Row>} in batches through the engine, with the model travelling to executors as bytes, and
 * data-parallel training. Spark is a provided dependency: the cluster brings its own.
 */
package org.latent4j.spark;
