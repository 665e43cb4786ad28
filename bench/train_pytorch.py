#!/usr/bin/python3
"""PyTorch twin of `latent4j bench train`: the same models, objectives, data and step, timed the same way.

Cases (tanh hidden layers, Bernoulli likelihood, Adam lr 1e-3, standard normal prior):
  vae16   VAE 784-512-256-32, encoder head = log-variance, one sample, analytic KL, batch 16
  vae128  the same at batch 128
  iwae    IWAE 784-200-200-50, encoder head = log std (std = exp(linear)), k = 50, batch 20
One step: binarize the batch (torch.bernoulli of the pixel intensities), the loss (forward), backward,
Adam update. The loss is written as Latent4j's Vae/Iwae compute it: reductions sum over features and
latent dimensions and average over the batch; the IWAE log-weights are log p(x|z) + log p(z) - log q(z|x)
with the Gaussian densities evaluated at z, and the IWAE loss also computes the (unused) analytic KL,
which Latent4j reports as a metric. The data are the Fashion-MNIST test images embedded in Latent4j
(read from its resources), taken in order, batch after batch.

Usage: train_pytorch.py [--cases vae16,vae128,iwae] [--threads 2] [--steps N] [--repeat 5]
Prints one JSON object with one entry per case: steps_per_second, samples_per_second, rates.
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import gzip
import json
import math
import os
import statistics
import time

import torch
import torch.nn.functional as F

from blasinfo import blas_name  # bench/, the script's own directory

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "..", "latent4j-core", "src", "main", "resources", "org", "latent4j", "core", "data",
                      "fashion-mnist", "t10k-images-idx3-ubyte.gz")

LOG_2PI = math.log(2 * math.pi)

# name: (hidden sizes, latents, k, batch, importance weighted, head is log std, default steps)
CASES = {
    "vae16": ([512, 256], 32, 1, 16, False, False, 100),
    "vae128": ([512, 256], 32, 1, 128, False, False, 30),
    "iwae": ([200, 200], 50, 50, 20, True, True, 30),
}


def load_images():
    with gzip.open(IMAGES, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    pixels = torch.frombuffer(bytearray(raw[16:16 + n * 784]), dtype=torch.uint8)
    return pixels.view(n, 784).float() / 255.0


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def gaussian_log_density(z, mean, log_var):
    return (-0.5 * (LOG_2PI + log_var + (z - mean) ** 2 / log_var.exp())).sum(-1)


class Model(torch.nn.Module):
    def __init__(self, hidden, latents, k, importance_weighted, log_std_head):
        super().__init__()
        self.latents, self.k = latents, k
        self.importance_weighted, self.log_std_head = importance_weighted, log_std_head
        self.encoder = mlp([784] + hidden + [2 * latents])
        self.decoder = mlp([latents] + hidden[::-1] + [784])

    def loss(self, x):
        out = self.encoder(x)
        mean, head = out[:, :self.latents], out[:, self.latents:]
        log_var = 2 * head if self.log_std_head else head
        eps = torch.randn(self.k, *mean.shape)
        z = mean + (0.5 * log_var).exp() * eps  # [k, b, latents]
        logits = self.decoder(z)
        log_px = -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)  # [k, b]
        recon = -log_px.mean()
        kl = (0.5 * (mean ** 2 + log_var.exp() - log_var - 1)).sum(-1).mean()
        if not self.importance_weighted:
            return recon + kl
        log_pz = (-0.5 * (LOG_2PI + z ** 2)).sum(-1)
        log_w = log_px + log_pz - gaussian_log_density(z, mean, log_var)
        return -(torch.logsumexp(log_w, 0) - math.log(self.k)).mean()


def measure(name, data, steps, repeat):
    hidden, latents, k, batch, iw, log_std, default_steps = CASES[name]
    steps = steps or default_steps
    torch.manual_seed(42)
    model = Model(hidden, latents, k, iw, log_std)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = data.shape[0] // batch
    position = [0]

    def step():
        i = position[0]
        position[0] = (i + 1) % batches
        pixels = data[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=False)
        x = torch.bernoulli(pixels)
        loss = model.loss(x)
        loss.backward()
        opt.step()

    # the same warm-up as the Java side (at least 5 s, for its JIT), so both start their rounds alike
    warm_until = time.perf_counter() + 5
    warmed = 0
    while warmed < max(20, steps // 4) or time.perf_counter() < warm_until:
        step()
        warmed += 1
    rates = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps / (time.perf_counter() - t0))
    sps = statistics.median(rates)
    return {"batch": batch, "steps_per_round": steps, "rounds": repeat, "steps_per_second": sps,
            "samples_per_second": sps * batch, "rates": rates}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=0, help="steps per round (default per case: 100, 30, 30)")
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = load_images()
    result = {"framework": f"pytorch {torch.__version__}, {blas_name()}", "threads": a.threads}
    for name in a.cases.split(","):
        if name not in CASES:
            p.error(f"unknown case {name!r} (one of {', '.join(CASES)})")
        result[name] = measure(name, data, a.steps, a.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
