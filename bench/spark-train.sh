#!/usr/bin/env bash
# Data-parallel training on Spark (LatentTrainer, local[2] by default) against single-process training (the plain Trainer)
# at equal epochs and equal rows per step, on Fashion-MNIST (/usr/share/datasets/fashion-mnist when present, else the
# embedded test split): the final validation loss of each on the same validation rows, the wall time of each, and per step
# the slowest replica's compute, the communication (the rest of the step's Spark job: broadcast, task launch, loading the
# weights, shipping the gradients back) and the driver's work (averaging, optimizer, hooks). See
# org.latent4j.spark.bench.SparkTrainBench for the options.
#
# Usage: bench/spark-train.sh [--epochs 5] [--batch 50] [--replicas 2] [--fanin 0] [--master local[2]] [--rows N] [--validation N]
#                             [--model vae] [--hidden 200,200] [--latent 50]
# Builds the module and its class path as bin/latent4j-spark does, then runs the driver with Spark's JVM flags for JDK 25. Quick check under load:
#   bench/spark-train.sh --epochs 1 --rows 2000 --validation 500
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/find-jdk25.sh"
latent4j_find_jdk || exit 1
. "$root/bin/spark-classpath.sh"
latent4j_spark_classpath "$root" || exit 1
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $LATENT4J_SPARK_JVM -Xss8m -Xmx4g -cp "$LATENT4J_SPARK_CP" \
  org.latent4j.spark.bench.SparkTrainBench "$@" 2> >(grep -v -e '^WARNING: Using incubator modules' -e 'NativeCodeLoader' >&2)
