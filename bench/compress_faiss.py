#!/usr/bin/env python3
"""FAISS's side of bench/compress-vs-faiss.sh: fit, encode and search one compression setting at a time.

Loads a base set and a query set once (Fashion-MNIST by default: the 60,000 training images as base and
training set, the 10,000 test images as queries, pixels / 255 as float32, as org.latent4j.core.data.FashionMnist
gives them), finds the exact k nearest neighbours of every query with IndexFlatL2, then measures each setting:

  fit_s        index.train(base) (wall time; --train-rows N: on N base rows drawn with seed 0)
  encode_vps   vectors per second of index.add(base) (encoding and storing the codes)
  search_qps   queries per second of index.search(queries, k) over the whole base, the threads set by
               faiss.omp_set_num_threads
  recall_at_k  k-NN recall@k: |found k nearest & true k nearest| / k, averaged over the queries
  recall_1_at_1  1-recall@1: the share of queries whose found nearest is the true nearest
  recall_1_at_k  1-recall@k: the share whose true nearest is among the k found
  bytes        bytes per encoded vector (the index's code size, norms included)

Settings are named by Latent4j specs and built with FAISS's index_factory from the same string (PQ<m>x<b> as
PQ<m>x<b>np: the factory's plain PQ otherwise adds polysemous training, which IndexPQ's constructor does not), so
every setting runs with FAISS's defaults (k-means: 25 iterations, at most 256 points per centroid; OPQ: 50 iterations of 4;
RQ: beam 5), except that a 4-bit PQ (PQ<m>x4) is FAISS's IndexPQFastScan (factory PQ<m>x4fs), its 4-bit fast-scan
layout, and that RQ<s>x<b>, whose Latent4j codes carry a 4-byte norm for L2 look-up tables, is FAISS's
RQ<s>x<b>_Nfloat (the same bytes; FAISS's default RQ<s>x<b>, no norm, searched by decompressing every code, is
the counterpart of Latent4j's RQ<s>x<b>_nonorm). A spec FAISS has
no counterpart for (VQAE, BIN...) is answered with an error.

usage:
  compress_faiss.py --serve [data options]           answers each spec on stdin with one JSON line
  compress_faiss.py --specs 'PQ16;OPQ16,PQ16' [--rounds R] [--json FILE] [data options]
data options: [--data fashion-mnist|DIR] | [--base FILE --queries FILE] (.npy or .fvecs), [--k 10], [--threads 2],
              [--train-rows N], [--query-limit N] (the first N queries only)
"""
import argparse
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time

import numpy as np
import faiss

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"


def read_idx_images(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = np.frombuffer(raw[:16], ">i4")
    if magic != 2051:
        sys.exit(f"compress_faiss: {path} is not an IDX image file (magic {magic})")
    pixels = np.frombuffer(raw[16:], np.uint8, count=n * rows * cols).reshape(n, rows * cols)
    # float32 division, as Latent4j's x / 255f: the same bits on both sides
    return pixels.astype(np.float32) / np.float32(255)


def find_idx(directory, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    sys.exit(f"compress_faiss: {directory} has no {stem}[.gz]")


def read_vectors(path):
    if path.endswith(".npy"):
        x = np.load(path)
        if x.ndim != 2:
            sys.exit(f"compress_faiss: {path} holds shape {x.shape}, not [n, d]")
        return np.ascontiguousarray(x, dtype=np.float32)
    if path.endswith(".fvecs"):
        raw = np.fromfile(path, dtype=np.int32)
        d = raw[0]
        return np.ascontiguousarray(raw.reshape(-1, d + 1)[:, 1:].view(np.float32))
    sys.exit(f"compress_faiss: {path}: expected a .npy or .fvecs file")


def load_data(args):
    if args.base or args.queries:
        if not (args.base and args.queries):
            sys.exit("compress_faiss: --base and --queries go together")
        return read_vectors(args.base), read_vectors(args.queries), f"{args.base} / {args.queries}"
    directory = FASHION_MNIST if args.data == "fashion-mnist" else args.data
    xb = read_idx_images(find_idx(directory, "train-images-idx3-ubyte"))
    xq = read_idx_images(find_idx(directory, "t10k-images-idx3-ubyte"))
    return xb, xq, f"fashion-mnist ({directory})"


def factory_string(spec):
    """The index_factory string of a Latent4j spec, or raises ValueError when FAISS has no counterpart."""
    out = []
    for token in (t.strip() for t in spec.split(",")):
        m = re.fullmatch(r"PQ(\d+)(?:x(\d+))?", token)
        if m:
            nbits = int(m.group(2) or 8)
            # "np": no polysemous training, which the factory adds to a plain PQ (minutes of annealing that reorder
            # the centroids and change nothing here); IndexPQ(d, m, nbits) built directly has none either
            out.append(f"PQ{m.group(1)}x4fs" if nbits == 4 else f"PQ{m.group(1)}x{nbits}np")
        elif re.fullmatch(r"RQ\d+x\d+(?:_nonorm)?", token):
            # Latent4j's RQ stores a float norm per code for L2 search, as FAISS's RQ..._Nfloat; its _nonorm codes
            # are FAISS's default RQ (no norm: searched by decompressing every code)
            out.append(token[:-len("_nonorm")] if token.endswith("_nonorm") else token + "_Nfloat")
        elif re.fullmatch(r"RQ\d+x\d+_N(?:c?qint8)", token):
            # one byte indexing 256 norm levels (evenly placed or by k-means) is named alike in both
            out.append(token)
        elif re.fullmatch(r"(OPQ\d+(?:_\d+)?|PCA\d+|SQ(?:8|4|6|fp16)|Flat)", token):
            out.append(token)
        else:
            raise ValueError(f"FAISS has no counterpart of {token}")
    return ",".join(out)


def code_bytes(index):
    try:
        return int(index.sa_code_size())
    except RuntimeError:  # the fast-scan indexes have no standalone codec; their codes are M * nbits / 8
        inner = faiss.downcast_index(index.index if isinstance(index, faiss.IndexPreTransform) else index)
        return int((inner.pq.M * inner.pq.nbits + 7) // 8)


class Bench:
    def __init__(self, xb, xq, k, threads, train_rows=None):
        self.xb, self.xq, self.k, self.threads = xb, xq, k, threads
        # at most train_rows training rows, a uniform sample without replacement in their original order
        self.xt = xb if not train_rows or train_rows >= len(xb) else xb[np.sort(np.random.default_rng(0).choice(len(xb), train_rows, replace=False))]
        faiss.omp_set_num_threads(threads)
        t = time.perf_counter()
        flat = faiss.IndexFlatL2(xb.shape[1])
        flat.add(xb)
        _, self.truth = flat.search(xq, k)
        self.truth_s = time.perf_counter() - t

    def recalls(self, ids):
        k = self.k
        hits = (ids[:, :k, None] == self.truth[:, None, :k]).any(axis=2).sum(axis=1)
        return {
            "recall_at_k": float(hits.mean() / k),
            "recall_1_at_1": float((ids[:, 0] == self.truth[:, 0]).mean()),
            "recall_1_at_k": float((ids[:, :k] == self.truth[:, :1]).any(axis=1).mean()),
        }

    def run(self, spec):
        d = self.xb.shape[1]
        fs = factory_string(spec)
        index = faiss.index_factory(d, fs, faiss.METRIC_L2)
        t0 = time.perf_counter()
        index.train(self.xt)
        t1 = time.perf_counter()
        index.add(self.xb)
        t2 = time.perf_counter()
        _, ids = index.search(self.xq, self.k)
        t3 = time.perf_counter()
        out = {"spec": spec, "faiss": fs, "index": type(faiss.downcast_index(index)).__name__, "bytes": code_bytes(index),
               "fit_s": t1 - t0, "encode_vps": len(self.xb) / (t2 - t1), "search_qps": len(self.xq) / (t3 - t2)}
        out.update(self.recalls(ids))
        return out


def info(bench, data_name):
    return {"side": "faiss", "faiss": faiss.__version__, "numpy": np.__version__, "threads": bench.threads, "data": data_name,
            "base": list(bench.xb.shape), "queries": list(bench.xq.shape), "k": bench.k, "truth_s": bench.truth_s,
            "train_rows": len(bench.xt)}


def serve(bench, data_name):
    print("ready " + json.dumps(info(bench, data_name)), flush=True)
    for line in sys.stdin:
        spec = line.strip()
        if spec in ("", "quit"):
            break
        if spec == "!truth":  # the exact neighbours' ids, for the driver's check that both sides agree
            print(json.dumps({"truth_ids": bench.truth.ravel().tolist()}), flush=True)
            continue
        try:
            answer = bench.run(spec)
        except (ValueError, RuntimeError) as e:
            answer = {"spec": spec, "error": str(e).strip().splitlines()[-1]}
        print(json.dumps(answer), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--serve", action="store_true")
    p.add_argument("--specs", default="PQ8;PQ16;OPQ16,PQ16;SQ8")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--data", default="fashion-mnist")
    p.add_argument("--base")
    p.add_argument("--queries")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-rows", type=int, help="train on at most this many base rows (default: all)")
    p.add_argument("--query-limit", type=int, help="the first N queries only (default: all)")
    p.add_argument("--json")
    args = p.parse_args()
    if args.k < 1 or args.threads < 1 or args.rounds < 1:
        sys.exit("compress_faiss: --k, --threads and --rounds take positive whole numbers")
    xb, xq, data_name = load_data(args)
    if args.query_limit:
        xq = np.ascontiguousarray(xq[:args.query_limit])
    if xb.shape[1] != xq.shape[1]:
        sys.exit(f"compress_faiss: base rows have {xb.shape[1]} values, queries {xq.shape[1]}")
    bench = Bench(xb, xq, args.k, args.threads, args.train_rows)
    if args.serve:
        serve(bench, data_name)
        return
    rows = []
    for spec in (s.strip() for s in re.split(r"[;\s]+", args.specs) if s.strip()):
        runs = [bench.run(spec) for _ in range(args.rounds)]
        med = {key: statistics.median(r[key] for r in runs) for key in ("fit_s", "encode_vps", "search_qps")}
        row = dict(runs[0], **med)
        rows.append(row)
        print(f"{spec:16} {row['index']:24} {row['bytes']:5d} B  recall@{args.k} {row['recall_at_k']:.4f}  1-recall@1 {row['recall_1_at_1']:.4f}"
              f"  fit {row['fit_s']:.2f} s  encode {row['encode_vps']:.0f}/s  search {row['search_qps']:.0f} q/s", flush=True)
    if args.json:
        doc = dict(info(bench, data_name), rounds=args.rounds, results=rows)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.json)), prefix=".compress_faiss.")
        with os.fdopen(fd, "w") as fh:
            json.dump(doc, fh, indent=2)
        os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
