"""Writes scikit-learn's handwritten digits (1,797 images of 8x8, bundled with scikit-learn, nothing downloaded) as
float32 intensities in [0, 1] ([1797, 8, 8], read by latent4j as images) for bench/silent-gradients.sh."""
import sys

import numpy as np
from sklearn.datasets import load_digits

out = sys.argv[1]
images = load_digits().images.astype(np.float32) / 16.0
np.save(out, images)
print(f"wrote {out}: {images.shape[0]} images of {images.shape[1]}x{images.shape[2]}")
