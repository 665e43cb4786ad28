#!/usr/bin/env python3
"""PyTorch twin of `latent4j bench conv`: forward + backward of the conv VQ-VAE's layers, timed the same way.

The stack (batch B of 1 x 28 x 28 images, ReLU between layers, no ReLU after the encoder head or the
decoder's last layer):
  encoder  Conv2d(1, 32, 4, stride 2, padding 1)            28 -> 14
           Conv2d(32, 64, 4, stride 2, padding 1)           14 -> 7
           Conv2d(64, D, k, padding k // 2)                 7 -> 7    (the head: k = 1 or 3)
  decoder  Conv2d(D, 64, k, padding k // 2)                 7 -> 7
           ConvTranspose2d(64, 32, 4, stride 2, padding 1)  7 -> 14
           ConvTranspose2d(32, 1, 4, stride 2, padding 1)   14 -> 28
loss = sum of squared errors against the input / B. One step = zero the gradients, forward, backward
(no optimizer update).

Usage: conv_pytorch.py --batch 64 --threads 2 [--dim 64] [--head-kernel 3] [--steps 50] [--repeat 5]
Prints one JSON object: {"steps_per_second": ..., "samples_per_second": ..., "framework": ...}.
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import statistics
import time

import torch

from blasinfo import blas_name  # bench/, the script's own directory


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--head-kernel", type=int, default=3, choices=[1, 3])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    k, d = a.head_kernel, a.dim
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(64, d, k, padding=k // 2),
        nn.Conv2d(d, 64, k, padding=k // 2), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),
    )
    x = torch.rand(a.batch, 1, 28, 28)

    def step():
        net.zero_grad(set_to_none=False)
        y = net(x)
        loss = ((y - x) ** 2).sum() / a.batch
        loss.backward()

    # the same warm-up as the Java side (at least 5 s, for its JIT), so both start their rounds alike
    warm_until = time.perf_counter() + 5
    warmed = 0
    while warmed < max(10, a.steps // 5) or time.perf_counter() < warm_until:
        step()
        warmed += 1
    rates = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        rates.append(a.steps / (time.perf_counter() - t0))
    sps = statistics.median(rates)
    conv = "oneDNN" if torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled else "native"
    print(json.dumps({"framework": f"pytorch {torch.__version__}, convolutions via {conv}, {blas_name()}",
                      "threads": a.threads, "batch": a.batch, "dim": d, "head_kernel": k,
                      "steps_per_second": sps, "samples_per_second": sps * a.batch, "rates": rates}))


if __name__ == "__main__":
    main()
