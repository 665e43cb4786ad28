#!/usr/bin/env bash
# Latent4j's vector compressors against FAISS (Debian's python3-faiss) and jvector (Maven Central, in the same JVM as
# Latent4j), on the same data, same settings, same thread count, in one run. Each setting is fitted on the base set,
# the base encoded, and every query searched exhaustively (asymmetric distances, L2, k = 10) against the whole base;
# the table gives per setting bytes per vector, k-NN recall@10 and 1-recall@1 against the exact neighbours, fit
# seconds and search queries/s of each side, and Latent4j's speed over FAISS's and jvector's. The sides take turns
# case by case (bench/compress_vs_faiss.py: the order of the sides reversed from one case and one round to the next);
# the numbers are medians over --rounds, the ratios medians of the rounds' ratios.
#
# usage: bench/compress-vs-faiss.sh [--rounds 3] [--specs 'PQ8;PQ16;OPQ16,PQ16;...'] [--threads 2]
#                                   [--data fashion-mnist|vae-latents] [--base FILE --queries FILE]
#                                   [--once 'OPQ16,PQ16;VQAE:16x8_nonorm'] [--query-limit N] [--train-rows N]
#                                   [--no-jvector] [--json FILE]
#
# Settings are Latent4j specs, separated by ';' (a spec's own commas separate its stages). FAISS builds each with
# index_factory from the same string and its defaults (a 4-bit PQ<m>x4 is its IndexPQFastScan); jvector runs the
# plain 8-bit PQ<m> settings as its ProductQuantization with m subspaces of 256 centroids (JVPQ<m>, bench/jvector).
# Settings FAISS has no counterpart of (VQAE, BIN) show '-' on its side. --once names settings measured in the first
# round only: fits of minutes (OPQ, learned codes) whose recall is the point, not their speed. --query-limit N
# searches with the first N queries only (both sides the same ones).
#
# Data: fashion-mnist (default): the 60,000 training images are base and training set, the 10,000 test images the
# queries (pixels / 255). vae-latents: the 64-dimensional posterior means of a VAE trained here on Fashion-MNIST
# (made once into bench/results/vae64/: `latent4j train --model vae --latent 64 --data fashion-mnist --epochs 20`,
# then `latent4j bench latent-means`). --base/--queries: any two vector files (.npy or .fvecs).
#
# Builds what it needs: the latent4j jar (through ./latent4j) and, unless --no-jvector, bench/jvector with the
# Maven profile jvector-bench (jvector is no dependency of the default build or of the latent4j jar).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

rounds=3 threads=2 data=fashion-mnist base="" queries="" train_rows="" query_limit="" jvector=1 json_out="" specs="" once="" once_given=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --specs) specs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --train-rows) train_rows="$2"; shift 2 ;;
    --query-limit) query_limit="$2"; shift 2 ;;
    --once) once="$2"; once_given=1; shift 2 ;;
    --no-jvector) jvector=0; shift ;;
    --json) json_out="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "compress-vs-faiss: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$rounds" "$threads" ${train_rows:+"$train_rows"} ${query_limit:+"$query_limit"}; do
  case "$v" in ''|*[!0-9]*|0) echo "compress-vs-faiss: --rounds, --threads, --train-rows and --query-limit take positive whole numbers" >&2; exit 2 ;; esac
done
if [ -n "$base$queries" ] && { [ -z "$base" ] || [ -z "$queries" ]; }; then
  echo "compress-vs-faiss: --base and --queries go together" >&2; exit 2
fi

python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c "import faiss, numpy" 2>/dev/null; then
  echo "compress-vs-faiss: $python cannot import faiss and numpy (apt-get install python3-faiss)" >&2
  exit 1
fi

. "$root/bin/find-jdk25.sh"
latent4j_find_jdk || exit 1
cd "$root"
# the launcher builds the jar when it is stale, so that no build runs inside a timed case
./latent4j --version >/dev/null

if [ -z "$base" ]; then
  case "$data" in
    fashion-mnist)
      if [ -z "$specs" ]; then
        # 784 = 2^4 7^2: PQ's m must divide it, so 28 and 56 subspaces stand where 32 and 64 would; OPQ maps to
        # 768 values for 32 and 64. The learned codes without a norm (_nonorm) are 8 and 16 bytes, as OPQ8 and OPQ16.
        specs='PQ8;PQ16;PQ28;PQ56;PQ16x4;PQ56x4;SQ8'
        [ "$once_given" = 1 ] || once='OPQ8,PQ8;OPQ16,PQ16;OPQ32_768,PQ32;OPQ64_768,PQ64;PCA256,VQAE:8x8_nonorm;PCA256,VQAE:16x8_nonorm'
      fi ;;
    vae-latents)
      out="$root/bench/results/vae64"
      if [ ! -f "$out/base.npy" ] || [ ! -f "$out/queries.npy" ]; then
        run="$root/bench/results/vae64-run"
        if [ ! -f "$run/model.safetensors" ]; then
          echo "compress-vs-faiss: training the VAE whose 64-d means are the data (once, into $run)..." >&2
          ./latent4j train --model vae --latent 64 --data fashion-mnist --epochs 20 --out "$run" >/dev/null
        fi
        ./latent4j bench latent-means "$run" --out "$out"
      fi
      base="$out/base.npy" queries="$out/queries.npy"
      if [ -z "$specs" ]; then
        specs='PQ8;PQ16;PQ32;PQ16x4;PQ32x4;RQ8x8;SQ8'
        [ "$once_given" = 1 ] || once='OPQ8,PQ8;OPQ16,PQ16;VQAE:8x8_nonorm;VQAE:16x8_nonorm'
      fi ;;
    *) echo "compress-vs-faiss: --data is fashion-mnist or vae-latents (or give --base and --queries)" >&2; exit 2 ;;
  esac
fi
[ -n "$specs" ] || specs='PQ8;PQ16;OPQ16,PQ16;SQ8'

classpath="$root/latent4j-cli/target/latent4j.jar"
if [ "$jvector" = 1 ]; then
  log="$(mktemp)"
  if ! ./mvnw -B -q -ntp -Pjvector-bench -pl bench/jvector -am package -DskipTests >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "compress-vs-faiss: building bench/jvector failed (the messages above say why); --no-jvector runs without it" >&2
    exit 1
  fi
  rm -f "$log"
  classpath="$classpath:$root/bench/jvector/target/latent4j-bench-jvector.jar:$root/bench/jvector/target/lib/*"
fi

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
model="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
echo "machine: ${model:-unknown CPU}, nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) (at the start); commit $commit"
# (without --no-jvector's build there is no such jar: ls fails, which pipefail and set -e would make a silent exit 2)
jv="$(ls "$root"/bench/jvector/target/lib/jvector-*.jar 2>/dev/null | sed 's/.*jvector-\(.*\)\.jar/\1/' | head -n 1 || true)"
[ "$jvector" = 1 ] && echo "jvector ${jv:-?} from Maven Central"

args=(--java "$JAVA_HOME/bin/java --add-modules jdk.incubator.vector -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED -cp $classpath org.latent4j.cli.Main"
      --python "$python" --specs "$specs" --rounds "$rounds" --threads "$threads")
[ -n "$base" ] && args+=(--base "$base" --queries "$queries")
[ -n "$train_rows" ] && args+=(--train-rows "$train_rows")
[ -n "$query_limit" ] && args+=(--query-limit "$query_limit")
[ -n "$once" ] && args+=(--once "$once")
[ "$jvector" = 1 ] || args+=(--no-jvector)
[ -n "$json_out" ] && args+=(--json "$json_out")
# OpenBLAS's CPU overrides are dropped so FAISS runs the kernels it picks for this CPU; the JVM's note on
# incubator modules says nothing here and is dropped from its stderr
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
  "$python" "$root/bench/compress_vs_faiss.py" "${args[@]}" 2> >(grep -v -e '^WARNING: Using incubator modules' >&2)
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"
