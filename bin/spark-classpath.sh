# Sourced by bin/latent4j-spark, bench/spark-infer.sh and bench/spark-train.sh: builds latent4j-spark (once, or after a source change) and
# sets LATENT4J_SPARK_CP to its classes plus every jar it needs, Spark's included (Spark is a provided dependency of
# the module: Maven's dependency:build-classpath lists it from ~/.m2, so no Spark installation is needed), and
# LATENT4J_SPARK_JVM to the JVM flags Spark needs on JDK 25 (read from the module's pom, where the tests take them).

latent4j_spark_classpath() { # $1 = the repository root
  local root="$1" cpfile="$1/latent4j-spark/target/runtime-classpath.txt" log
  if [ ! -f "$cpfile" ] || [ -n "$(find "$root/pom.xml" "$root"/latent4j-*/pom.xml "$root"/latent4j-{tensor,core,compress,spark}/src/main \
      -newer "$cpfile" -print -quit 2>/dev/null)" ]; then
    echo "latent4j-spark: building the module and its class path (once, or after a source change)..." >&2
    log="$(mktemp)"
    if ! (cd "$root" && ./mvnw -B -q -ntp -pl latent4j-spark -am -DskipTests package dependency:build-classpath \
        -Dmdep.outputFile=target/runtime-classpath.txt) >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"
      echo "latent4j-spark: the build failed; the messages above say why." >&2
      return 1
    fi
    rm -f "$log"
    # the plugin leaves an unchanged file as it was: mark the build as done now
    touch "$cpfile"
  fi
  LATENT4J_SPARK_CP="$root/latent4j-spark/target/classes:$(cat "$cpfile")"
  LATENT4J_SPARK_JVM="--add-modules jdk.incubator.vector -Dlog4j2.configurationFile=$root/bin/spark-log4j2.properties $(sed -n '/<spark.jvm.args>/,/<\/spark.jvm.args>/p' "$root/latent4j-spark/pom.xml" \
    | sed -e 's/<[^>]*>//g' | tr '\n' ' ')"
  export LATENT4J_SPARK_CP LATENT4J_SPARK_JVM
}
