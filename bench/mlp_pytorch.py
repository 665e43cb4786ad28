#!/usr/bin/env python3
"""PyTorch twin of `latent4j bench mlp`: the same MLP training step (forward, backward, Adam), timed the same way.

Usage: mlp_pytorch.py --batch 128 --layers 784,512,256,784 --threads 2 --steps 200
Prints one JSON object: {"steps_per_second": ..., "samples_per_second": ...}.
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
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--layers", default="784,512,256,784")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    sizes = [int(s) for s in a.layers.split(",")]
    mods = []
    for i in range(len(sizes) - 1):
        mods.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            mods.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(a.batch, sizes[0])
    t = (torch.rand(a.batch, sizes[-1]) < 0.5).float()

    def step():
        opt.zero_grad(set_to_none=False)
        logits = net(x)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, t, reduction="sum") / a.batch
        loss.backward()
        opt.step()

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
    print(json.dumps({"framework": f"pytorch {torch.__version__}, {blas_name()}", "threads": a.threads, "batch": a.batch,
                      "layers": sizes, "steps_per_second": sps, "samples_per_second": sps * a.batch}))


if __name__ == "__main__":
    main()
