"""One-class anomaly detection with scikit-learn's baselines, the counterpart of bench/anomaly-one-class.sh.

  python3 bench/anomaly_sklearn.py export DIR     writes the data both sides use (see below)
  python3 bench/anomaly_sklearn.py baselines DIR  AUROC of IsolationForest, OneClassSVM and PCA reconstruction error,
                                                  one JSON line per (data set, method, class) on standard output

Fashion-MNIST (the design notes' one-class protocol): for each class c, fmnist-train-c.npy holds the 6,000 training
images of class c ([6000, 28, 28] float32 in [0, 1], so Latent4j reads them as images); every method trains on them and scores all 10,000 test images, class c normal.
Breast cancer (scikit-learn's copy of the Wisconsin data, 569 rows of 30 features): normal = benign. A fixed
permutation (seed 0) puts 200 of the 357 benign rows in bc-train.csv; bc-test.csv holds the other 157 benign rows
and all 212 malignant ones, bc-test-labels.csv their labels (benign/malignant).

Baselines, all on the same rows as Latent4j: IsolationForest (200 trees, seed 0), OneClassSVM (nu 0.1, gamma
'scale', RBF) fitted on a fixed subsample of 2,000 of the 6,000 training images because the full fit takes minutes per
class on two cores (all 200 training rows of the breast cancer data), PCA reconstruction error with the components
that explain 90% of the training variance. The tabular data are standardized with the training rows' mean and
standard deviation for every baseline (Latent4j standardizes them the same way by itself); images are used as they are.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

FMNIST = "/usr/share/datasets/fashion-mnist"
BENIGN_TRAIN = 200
OCSVM_ROWS = 2000


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fmnist():
    xtr = idx(os.path.join(FMNIST, "train-images-idx3-ubyte.gz")).reshape(60000, 784).astype(np.float32) / 255
    ytr = idx(os.path.join(FMNIST, "train-labels-idx1-ubyte.gz"))
    xte = idx(os.path.join(FMNIST, "t10k-images-idx3-ubyte.gz")).reshape(10000, 784).astype(np.float32) / 255
    yte = idx(os.path.join(FMNIST, "t10k-labels-idx1-ubyte.gz"))
    return xtr, ytr, xte, yte


def breast_cancer():
    from sklearn.datasets import load_breast_cancer
    d = load_breast_cancer()
    x, benign = d.data.astype(np.float64), d.target == 1  # target 1 = benign in scikit-learn's copy
    b = np.flatnonzero(benign)[np.random.RandomState(0).permutation(int(benign.sum()))]
    train = b[:BENIGN_TRAIN]
    test = np.concatenate([b[BENIGN_TRAIN:], np.flatnonzero(~benign)])
    return x[train], x[test], np.where(benign[test], "benign", "malignant"), d.feature_names


def export(out):
    os.makedirs(out, exist_ok=True)
    xtr, ytr, _, _ = fmnist()
    for c in range(10):
        np.save(os.path.join(out, "fmnist-train-%d.npy" % c), xtr[ytr == c].reshape(-1, 28, 28))  # 3-D: read as 28x28 images
    train, test, labels, names = breast_cancer()
    header = ",".join(n.replace(" ", "_") for n in names)
    np.savetxt(os.path.join(out, "bc-train.csv"), train, delimiter=",", header=header, comments="", fmt="%.10g")
    np.savetxt(os.path.join(out, "bc-test.csv"), test, delimiter=",", header=header, comments="", fmt="%.10g")
    with open(os.path.join(out, "bc-test-labels.csv"), "w") as f:
        f.write("diagnosis\n" + "\n".join(labels) + "\n")
    print("exported to %s: 10 class files of Fashion-MNIST training images, breast cancer %d training rows, %d test rows (%d malignant)"
          % (out, len(train), len(test), int((labels == "malignant").sum())), file=sys.stderr)


def baselines(train, test, anomalous, subsample_svm):
    from sklearn.decomposition import PCA
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    from sklearn.svm import OneClassSVM
    out = {}
    t = time.time()
    forest = IsolationForest(n_estimators=200, random_state=0).fit(train)
    out["isolation-forest"] = (roc_auc_score(anomalous, -forest.score_samples(test)), time.time() - t)
    t = time.time()
    svm_rows = train
    if subsample_svm and len(train) > OCSVM_ROWS:
        svm_rows = train[np.random.RandomState(0).choice(len(train), OCSVM_ROWS, replace=False)]
    svm = OneClassSVM(nu=0.1, gamma="scale").fit(svm_rows)
    out["one-class-svm"] = (roc_auc_score(anomalous, -svm.score_samples(test)), time.time() - t)
    t = time.time()
    pca = PCA(n_components=0.9, svd_solver="full").fit(train)
    recon = pca.inverse_transform(pca.transform(test))
    out["pca-reconstruction"] = (roc_auc_score(anomalous, ((test - recon) ** 2).sum(axis=1)), time.time() - t)
    out["_pca_components"] = pca.n_components_
    return out


def run_baselines(out):
    xtr, ytr, xte, yte = fmnist()
    for c in range(10):
        r = baselines(xtr[ytr == c], xte, yte != c, True)
        for m, v in r.items():
            if not m.startswith("_"):
                print(json.dumps({"data": "fashion-mnist", "method": m, "normal": c, "auroc": v[0], "seconds": round(v[1], 1)}), flush=True)
        print(json.dumps({"data": "fashion-mnist", "normal": c, "pca_components": int(r["_pca_components"])}), file=sys.stderr, flush=True)
    train, test, labels, _ = breast_cancer()
    mean, std = train.mean(0), train.std(0)
    std[std == 0] = 1
    r = baselines((train - mean) / std, (test - mean) / std, labels == "malignant", False)
    for m, v in r.items():
        if not m.startswith("_"):
            print(json.dumps({"data": "breast-cancer", "method": m, "normal": "benign", "auroc": v[0], "seconds": round(v[1], 1)}), flush=True)
    print(json.dumps({"data": "breast-cancer", "pca_components": int(r["_pca_components"])}), file=sys.stderr, flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "baselines"):
        sys.exit("usage: anomaly_sklearn.py export|baselines DIR")
    export(sys.argv[2]) if sys.argv[1] == "export" else run_baselines(sys.argv[2])
