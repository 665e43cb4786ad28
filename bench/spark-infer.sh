#!/usr/bin/env bash
# Batch encoding and scoring of 1,000,000 vectors of 784 values in Spark's local[2] against the same work in one plain
# JVM loop (2 engine threads), in one process, the sides alternating over rounds; rows/s (medians) and Spark's overhead.
# Options (all optional): --rows N (1000000) --rounds R (5) --partitions P (16) --batch B (256) --model RUN (default:
# the architecture `latent4j train` trains, fresh weights) --score WORD (reconstruction) --k K (nll's samples).
# Needs no Spark installation: Spark's jars come from ~/.m2 through the module's Maven class path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/find-jdk25.sh"
latent4j_find_jdk || exit 1
. "$root/bin/spark-classpath.sh"
latent4j_spark_classpath "$root" || exit 1
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $LATENT4J_SPARK_JVM -Xmx4g -XX:+UseParallelGC -cp "$LATENT4J_SPARK_CP" \
  org.latent4j.spark.SparkInferenceBench "$@" 2> >(grep -v -e '^WARNING: Using incubator modules' -e 'NativeCodeLoader' >&2)
