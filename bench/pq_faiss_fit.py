#!/usr/bin/python3
"""FAISS's side of the PQ and OPQ fit-time comparison (and PQ recall@10) on Fashion-MNIST.

Times IndexPQ.train / OPQMatrix+PQ training on the 60,000 training images (784 floats in [0, 1], pixel / 255,
as org.latent4j.core.data.FashionMnist reads them) with the given thread count, and prints one line per spec.
FAISS trains each sub-space's k-means on at most 256 points per centroid (65,536 at 8 bits), 25 iterations,
so all 60,000 rows are used, as on Latent4j's side (FitOptions defaults: 65,536 rows, 25 iterations).

usage: /usr/bin/python3 bench/pq_faiss_fit.py [--threads 2] [--repeat 2] [--recall N] SPEC...
  SPEC: a FAISS index-factory string such as PQ16 or OPQ16,PQ16 (nbits 8).
  --recall N: also report k-NN recall@10 (|found top 10 & true top 10| / 10, L2) of each spec fitted on the
              first N training images and searched with N test images as queries, against exact search.
"""
import argparse
import gzip
import time

import faiss
import numpy as np

DATA = "/usr/share/datasets/fashion-mnist/"


def images(name):
    with gzip.open(DATA + name, "rb") as f:
        raw = f.read()
    n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return (np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows * cols).astype(np.float32) / 255.0).astype(np.float32)


def recall_at_10(spec, base, queries):
    index = faiss.index_factory(base.shape[1], spec)
    index.train(base)
    index.add(base)
    _, found = index.search(queries, 10)
    exact = faiss.IndexFlatL2(base.shape[1])
    exact.add(base)
    _, truth = exact.search(queries, 10)
    return np.mean([len(set(found[i]) & set(truth[i])) / 10 for i in range(len(queries))])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--recall", type=int, default=0)
    p.add_argument("specs", nargs="+")
    a = p.parse_args()
    faiss.omp_set_num_threads(a.threads)
    x = images("train-images-idx3-ubyte.gz")
    for spec in a.specs:
        times = []
        for _ in range(a.repeat):
            index = faiss.index_factory(x.shape[1], spec)
            t0 = time.perf_counter()
            index.train(x)
            times.append(time.perf_counter() - t0)
        line = f"faiss {faiss.__version__} {spec}: train {min(times):.2f} s (best of {a.repeat}; all {', '.join(f'{t:.2f}' for t in times)}), threads {a.threads}"
        if a.recall:
            q = images("t10k-images-idx3-ubyte.gz")[:a.recall]
            line += f", recall@10 on {a.recall} base / {a.recall} queries {recall_at_10(spec, x[:a.recall], q):.4f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
