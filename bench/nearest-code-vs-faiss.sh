#!/usr/bin/env bash
# Latent4j's fused nearest-code search against FAISS's exact search (IndexFlatL2.search(x, 1)) on the same
# shapes, same thread count, in one run. The two sides take turns: for each codebook size K, --pairs pairs
# of timed runs (about 0.1-0.3 s each), one by FAISS and one by a resident
# `latent4j bench nearest-code --serve`, in alternating order. A shared machine changes speed for seconds at
# a time; a pair sees one state of the machine, so the ratio is the median of the pairs' ratios. The
# vectors/s columns are each side's median.
#
# usage: bench/nearest-code-vs-faiss.sh [--threads 2] [--pairs 7] [--d 64]
#                                       [--codes 256,1024,4096,16384,65536] [--json FILE]
#
# Shapes: n = 2^31 / (K d) query vectors (the rows `latent4j bench nearest-code` lists), Gaussian data, the
# same distribution on both sides (each side draws its own). A timed run is one search on FAISS's side
# (calls are repeated if one is shorter than 0.1 s) and as many calls as make about 0.1 s on Latent4j's.
# Latent4j's call includes the code norms and each chosen code's distance, as FAISS's does.
#
# Which FAISS: Debian's python3-faiss under $PYTHON if set, else /usr/bin/python3; its threads are set with
# faiss.omp_set_num_threads and those of the BLAS it calls for the products with threadpoolctl (or
# OPENBLAS_NUM_THREADS); the script prints the BLAS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

threads=2 pairs=7 d=64 codes=256,1024,4096,16384,65536 json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --d) d="$2"; shift 2 ;;
    --codes) codes="$2"; shift 2 ;;
    --json) json_out="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "nearest-code-vs-faiss: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$threads" "$pairs" "$d"; do
  case "$v" in ''|*[!0-9]*|0) echo "nearest-code-vs-faiss: --threads, --pairs and --d take positive whole numbers" >&2; exit 2 ;; esac
done
case "$codes" in ''|*[!0-9,]*) echo "nearest-code-vs-faiss: --codes takes a comma-separated list of sizes" >&2; exit 2 ;; esac

python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c "import faiss, numpy" 2>/dev/null; then
  echo "nearest-code-vs-faiss: $python cannot import faiss and numpy (apt-get install python3-faiss)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/paired.py" <<'EOF'
# Drives `latent4j bench nearest-code --serve` and FAISS in turns; see the header of nearest-code-vs-faiss.sh.
import contextlib, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
import faiss
try:
    import threadpoolctl
    limit = threadpoolctl.threadpool_limits
    blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
except ImportError:  # OPENBLAS_NUM_THREADS alone then sets the BLAS thread count
    limit = lambda **kw: contextlib.nullcontext()
    blas = []

root, threads, pairs, d, codes, json_out = sys.argv[1:7]
threads, pairs = int(threads), int(pairs)
WARM, RUN = 0.25, 0.1
# OpenBLAS's and OpenMP's idle threads spin for a while after a call: let them sleep before Java runs
SETTLE = 0.2
faiss.omp_set_num_threads(threads)

java = subprocess.Popen([os.path.join(root, "latent4j"), "bench", "nearest-code", "--serve", "--threads", str(threads),
                         "--d", d, "--codes", codes], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

def java_line():
    line = java.stdout.readline()
    if not line:
        sys.exit("nearest-code-vs-faiss: `latent4j bench nearest-code --serve` stopped (its messages are above)")
    return line.strip()

cases, header = [], None
while header is None:
    line = java_line()
    if line.startswith("case "):
        cd, k, n = (int(v) for v in line.split()[1:4])
        cases.append((cd, k, n))
    elif line.startswith("ready "):
        header = line[len("ready "):]

def java_run(cd, k, n):
    java.stdin.write(f"{cd} {k} {n}\n")
    java.stdin.flush()
    answer = java_line()
    if answer.startswith("error"):
        sys.exit("nearest-code-vs-faiss: latent4j: " + answer)
    return float(answer)

b = blas[0] if blas else {}
blas_text = "{} {} ({}), core {}, {}".format(b.get("internal_api"), b.get("version"), b.get("threading_layer"),
                                           b.get("architecture"), b.get("filepath")) if b else "unknown (no threadpoolctl)"
print(f"latent4j: {header}")
print(f"FAISS {faiss.__version__} IndexFlatL2.search(x, 1), {threads} OpenMP threads; BLAS {blas_text}; numpy {np.__version__}")
print(f"{pairs} pairs of timed runs per shape, in alternating order")
print(f"{'d':>4} {'K':>6} {'n':>7} {'latent4j':>12} {'FAISS':>12} {'ratio':>7}   (vectors/s medians; ratio: median of the pairs', min .. max)")
rng = np.random.default_rng(42)
rows = []
with limit(limits=threads, user_api="blas"):
    for cd, k, n in cases:
        codebook = rng.standard_normal((k, cd), dtype=np.float32)
        x = rng.standard_normal((n, cd), dtype=np.float32)
        index = faiss.IndexFlatL2(cd)
        index.add(codebook)
        t0, calls = time.perf_counter(), 0
        while calls < 2 or time.perf_counter() - t0 < WARM:
            index.search(x, 1)
            calls += 1
        inner = max(1, round(RUN * calls / (time.perf_counter() - t0)))

        def faiss_run():
            t = time.perf_counter()
            for _ in range(inner):
                index.search(x, 1)
            rate = n * inner / (time.perf_counter() - t)
            time.sleep(SETTLE)
            return rate

        time.sleep(SETTLE)
        java_run(cd, k, n)  # its warm-up and calibration
        ours, theirs = [], []
        for i in range(pairs):
            if i % 2 == 0:
                theirs.append(faiss_run())
                ours.append(java_run(cd, k, n))
            else:
                ours.append(java_run(cd, k, n))
                theirs.append(faiss_run())
        ratios = sorted(o / t for o, t in zip(ours, theirs))
        l, f, r = statistics.median(ours), statistics.median(theirs), statistics.median(ratios)
        rows.append({"d": cd, "codes": k, "n": n, "latent4j_vectors_per_s": round(l, 1), "faiss_vectors_per_s": round(f, 1),
                     "latent4j_gflops": round(2.0 * l * k * cd / 1e9, 2), "faiss_gflops": round(2.0 * f * k * cd / 1e9, 2),
                     "ratio": round(r, 3), "pair_ratios": [round(v, 3) for v in ratios]})
        print(f"{cd:4} {k:6} {n:7} {l:12.0f} {f:12.0f} {r:7.2f}   ({ratios[0]:.2f} .. {ratios[-1]:.2f}); GFLOPS {2*l*k*cd/1e9:.1f} vs {2*f*k*cd/1e9:.1f}",
              flush=True)
java.stdin.write("quit\n")
java.stdin.close()
java.wait()
if json_out:
    doc = {"latent4j": header, "faiss": faiss.__version__, "threads": threads, "pairs": pairs, "blas": b, "results": rows}
    dd = os.path.dirname(os.path.abspath(json_out))
    fd, tmp = tempfile.mkstemp(dir=dd, prefix=".nearest-code-vs-faiss.")
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh, indent=2)
    os.replace(tmp, json_out)
    print("wrote " + json_out)
EOF

# the launcher builds the jar first when it is stale, so that no build runs inside a timed pair
(cd "$root" && ./latent4j --version >/dev/null)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
    "$python" "$work/paired.py" "$root" "$threads" "$pairs" "$d" "$codes" "$json_out"
