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
# Builds the reactor's classes (no install), then runs the driver with Spark's JVM flags for JDK 25. Quick check under load:
#   bench/spark-train.sh --epochs 1 --rows 2000 --validation 500
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
. /work/env.sh >/dev/null 2>&1 || true
cd "$root"
cp_file="$(mktemp /tmp/latent4j-spark-cp.XXXXXX)"
trap 'rm -f "$cp_file"' EXIT
# one reactor build: every module's classes, then the Spark module's classpath with its provided (Spark) dependencies
./mvnw -B -ntp -q -pl latent4j-spark -am compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
classes="$root/latent4j-tensor/target/classes:$root/latent4j-core/target/classes:$root/latent4j-compress/target/classes:$root/latent4j-spark/target/classes"
# the JVM flags of latent4j-spark/pom.xml (spark.jvm.args) and of the parent (latent4j.jvm.args)
spark_flags="$(sed -n '/<spark.jvm.args>/,/<\/spark.jvm.args>/p' latent4j-spark/pom.xml | sed 's/<[^>]*>//g' | tr '\n' ' ')"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xss8m -Xmx4g $spark_flags \
  -Dlog4j2.configurationFile="$root/latent4j-spark/src/test/resources/log4j2-test.properties" \
  -cp "$classes:$(cat "$cp_file")" org.latent4j.spark.bench.SparkTrainBench "$@" \
  2> >(grep -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
