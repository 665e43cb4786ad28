#!/usr/bin/env python3
"""The input-complexity correction of Serra et al. (2020) applied to Latent4j's anomaly scores, one-class Fashion-MNIST.

usage: anomaly_complexity.py SCORES-CLASS.csv ...   (each written by `latent4j score RUN --data FMNIST --normal CLASS
       --score nll --out SCORES-CLASS.csv`, the class number last in the file name)

For each file, prints the AUROC of score - a * ln(2) * L(x) for several weights a, where L(x) is the length in bits of
the 8-bit test image compressed by deflate (level 9) after the best of three PNG-style filters (none, sub, up): the
paper's correction is a = 1 with the score in nats. Needs Debian's python3-numpy and python3-sklearn; reads the test
images from /usr/share/datasets/fashion-mnist (dataset-fashion-mnist).
"""
import glob
import gzip
import sys
import zlib

import numpy as np
from sklearn.metrics import roc_auc_score


def idx_images(path):
    with (gzip.open(path) if path.endswith('.gz') else open(path, 'rb')) as f:
        data = f.read()
    n = int.from_bytes(data[4:8], 'big')
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(n, 784)


def compressed_bits(image):
    a = image.reshape(28, 28).astype(np.int16)
    filtered = [a,
                np.diff(np.concatenate([np.zeros((28, 1), np.int16), a], 1), axis=1),
                np.diff(np.concatenate([np.zeros((1, 28), np.int16), a], 0), axis=0)]
    return min(len(zlib.compress((f % 256).astype(np.uint8).tobytes(), 9)) * 8 for f in filtered)


def main(files):
    if not files:
        sys.exit(__doc__)
    found = glob.glob('/usr/share/datasets/fashion-mnist/t10k-images*')
    if not found:
        sys.exit('anomaly_complexity.py: no Fashion-MNIST test images under /usr/share/datasets/fashion-mnist')
    bits = np.array([compressed_bits(x) for x in idx_images(found[0])], dtype=float)
    for name in files:
        s = np.genfromtxt(name, delimiter=',', names=True)
        normal = int(name.rsplit('-', 1)[-1].split('.')[0])
        anomalous = (s['label'] != normal).astype(int)
        row = ['a=%g %.4f' % (a, roc_auc_score(anomalous, s['score'] - a * np.log(2) * bits)) for a in (0, 0.1, 0.25, 0.5, 1, 2)]
        print(name, ' '.join(row))


if __name__ == '__main__':
    main(sys.argv[1:])
