# Sourced by ./latent4j, ./run-tests and .ci/run: puts a JDK 25 (or newer) in JAVA_HOME.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*25*. Fails with one sentence.

latent4j_java_major() { # $1 = java binary; prints the feature version, e.g. 25
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

latent4j_find_jdk() {
  local candidates=() c home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if c=$(command -v java 2>/dev/null); then
    c=$(readlink -f "$c"); candidates+=("${c%/bin/java}")
  fi
  for c in /usr/lib/jvm/*25*; do [ -d "$c" ] && candidates+=("$c"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(latent4j_java_major "$home/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$home"
      return 0
    fi
  done
  echo "latent4j: no JDK 25 found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm/*25*); install JDK 25 or set JAVA_HOME to one." >&2
  return 1
}
