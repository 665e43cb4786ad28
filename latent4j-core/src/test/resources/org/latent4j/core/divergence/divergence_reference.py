"""Reference values for DivergenceTest, computed independently with numpy in float64.

Run: python3 divergence_reference.py. The inputs are defined by formulas, which the Java test repeats:
  x[i, j] = sin(1.3 i + 0.7 j + 0.1)             i < 7, j < 3
  y[i, j] = 1.5 cos(0.9 i - 0.4 j) + 0.2         i < 5 (MMD) or i < 7 (sliced Wasserstein), j < 3
  r[l, j] = sin(2.1 l + 1.7 j + 0.3) + 0.5       l < 4, each row then scaled to unit length (the directions)
The MMD is the unbiased U-statistic, summed over the WAE scales C = 2 d s, s in (0.1, 0.2, 0.5, 1, 2, 5, 10), with
the inverse multiquadratic kernel C / (C + |a - b|^2) and the Gaussian kernel exp(-|a - b|^2 / C). The sliced
Wasserstein distance is the mean over the directions of the mean squared difference of the sorted projections.
"""
import numpy as np

D = 3
SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


def x_points(n):
    i, j = np.meshgrid(np.arange(n), np.arange(D), indexing="ij")
    return np.sin(1.3 * i + 0.7 * j + 0.1)


def y_points(n):
    i, j = np.meshgrid(np.arange(n), np.arange(D), indexing="ij")
    return 1.5 * np.cos(0.9 * i - 0.4 * j) + 0.2


def directions(count):
    l, j = np.meshgrid(np.arange(count), np.arange(D), indexing="ij")
    r = np.sin(2.1 * l + 1.7 * j + 0.3) + 0.5
    return r / np.linalg.norm(r, axis=1, keepdims=True)


def sq_dist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def mmd(a, b, kernel):
    n, m = len(a), len(b)
    total = 0.0
    for s in SCALES:
        c = 2.0 * D * s
        kxx, kyy, kxy = (kernel(sq_dist(p, q), c) for p, q in ((a, a), (b, b), (a, b)))
        within = (kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        total += within - 2.0 * kxy.sum() / (n * m)
    return total


def sliced(a, b, dirs):
    pa, pb = np.sort(a @ dirs.T, axis=0), np.sort(b @ dirs.T, axis=0)
    return ((pa - pb) ** 2).mean()


imq = lambda d2, c: c / (c + d2)
rbf = lambda d2, c: np.exp(-d2 / c)
x = x_points(7)
print("MMD_IMQ = %.12e" % mmd(x, y_points(5), imq))
print("MMD_RBF = %.12e" % mmd(x, y_points(5), rbf))
print("SW = %.12e" % sliced(x, y_points(7), directions(4)))
