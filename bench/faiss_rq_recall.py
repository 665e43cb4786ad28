#!/usr/bin/env python3
"""FAISS's residual (or LSQ) quantizer on PCA-reduced Fashion-MNIST, the reference for Latent4j's `PCA<p>,RQ<M>x8_nonorm`.

usage: /usr/bin/python3 bench/faiss_rq_recall.py M TRAIN_ROWS QUERIES PCA_DIM BEAM default|plain|refine|lsq

The 60,000 training images (pixels / 255) are the base; the PCA and the quantizer are fitted on the first TRAIN_ROWS
of them, the whole base is encoded, and the first QUERIES test images are searched by their exact L2 distance to the
decoded codes (what an ADC search with exact norms computes, as Latent4j's `_nonorm` codes do). Prints k-NN recall@10
against the exact neighbours of the raw vectors, the squared error a row in the PCA space (all rows and the rows
after the training ones) and the fit and encode seconds. `default` is FAISS's training (k-means by progressive
dimensions), `plain` k-means in full dimension, `refine` adds the least-squares codebook refinement, `lsq` is FAISS's
LocalSearchQuantizer. Needs Debian's python3-faiss and dataset-fashion-mnist.
"""
import gzip
import sys
import time

import faiss
import numpy as np

D = "/usr/share/datasets/fashion-mnist/"


def images(name):
    with gzip.open(D + name) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    return np.frombuffer(raw[16:], np.uint8).reshape(n, 784).astype(np.float32) / 255


def main():
    m, ntrain, nq, pdim, beam, kind = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    base = images("train-images-idx3-ubyte.gz")
    q = images("t10k-images-idx3-ubyte.gz")[:nq]
    faiss.omp_set_num_threads(2)
    gt = faiss.knn(q, base, 10)[1]
    pca = faiss.PCAMatrix(784, pdim)
    pca.train(base[:ntrain])
    bp, qp = pca.apply_py(base), pca.apply_py(q)
    t = time.time()
    if kind == "lsq":
        rq = faiss.LocalSearchQuantizer(pdim, m, 8)
    else:
        rq = faiss.ResidualQuantizer(pdim, m, 8)
        rq.max_beam_size = beam
        if kind == "plain":
            rq.train_type = 0
        elif kind == "refine":
            rq.train_type = faiss.ResidualQuantizer.Train_progressive_dim | faiss.ResidualQuantizer.Train_refine_codebook
    rq.train(bp[:ntrain])
    fit = time.time() - t
    codes = rq.compute_codes(bp)
    decoded = rq.decode(codes)
    enc = time.time() - t - fit
    found = faiss.knn(qp, decoded, 10)[1]
    recall = np.mean([len(set(found[i]) & set(gt[i])) / 10 for i in range(nq)])
    err = ((decoded - bp) ** 2).sum(1)
    print(f"M={m} train={ntrain} queries={nq} PCA{pdim} beam={beam} {kind}: recall@10 {recall:.4f}, squared error a row "
          f"{err.mean():.3f} (rows after the training ones {err[ntrain:].mean():.3f}), fit {fit:.0f} s, encode {enc:.0f} s")


if __name__ == "__main__":
    main()
