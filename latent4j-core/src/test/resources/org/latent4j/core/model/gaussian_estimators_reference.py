# Writes gaussian-estimators-reference.json, the PyTorch gradients GaussianEstimatorTest compares Latent4j's with.
# Run: /usr/bin/python3 latent4j-core/src/test/resources/org/latent4j/core/model/gaussian_estimators_reference.py
# (torch 1.13, CPU; computed in float64 so that the reference carries no rounding of its own)
#
# The model: an IWAE of 6 binary features, 2 Gaussian latents, one tanh layer of 5 in the encoder and the decoder,
# log-variance head (mean first, then log-variance, as Latent4j's GaussianMlp), Bernoulli logits, N(0, I) prior;
# k = 4 samples z = mean + exp(logvar / 2) eps for a batch of 3, with eps given. The estimators, written as the
# papers and their usual PyTorch code do, independently of Latent4j's formulation:
#   reparam: loss = -mean_b logsumexp_i(log w_i) + log k
#   stl:     the same with log q(z|x) evaluated at detached mean and log-variance
#   dreg:    log w with detached q parameters; w~ = softmax(log w) detached; a hook on z multiplies its gradient by
#            w~; loss = -mean_b sum_i w~_i log w_i  (Tucker et al. 2019's surrogate)
import json
import math
import os

import torch

torch.manual_seed(2019)
D, L, H, K, B = 6, 2, 5, 4, 3
dt = torch.float64
params = {
    "encoder.net.0.weight": torch.randn(H, D, dtype=dt) * 0.6,
    "encoder.net.0.bias": torch.randn(H, dtype=dt) * 0.2,
    "encoder.net.1.weight": torch.randn(2 * L, H, dtype=dt) * 0.6,
    "encoder.net.1.bias": torch.randn(2 * L, dtype=dt) * 0.2,
    "decoder.0.weight": torch.randn(H, L, dtype=dt) * 0.8,
    "decoder.0.bias": torch.randn(H, dtype=dt) * 0.2,
    "decoder.1.weight": torch.randn(D, H, dtype=dt) * 0.8,
    "decoder.1.bias": torch.randn(D, dtype=dt) * 0.2,
}
x = (torch.rand(B, D, dtype=dt) < 0.5).to(dt)
eps = torch.randn(K, B, L, dtype=dt)
LOG_2PI = math.log(2 * math.pi)


def gaussian_log_density(z, mean, log_var):
    return (-0.5 * (LOG_2PI + log_var + (z - mean) ** 2 / log_var.exp())).sum(-1)


def loss(p, estimator):
    h = torch.tanh(x @ p["encoder.net.0.weight"].T + p["encoder.net.0.bias"])
    out = h @ p["encoder.net.1.weight"].T + p["encoder.net.1.bias"]
    mean, log_var = out[:, :L], out[:, L:]
    z = mean + (0.5 * log_var).exp() * eps
    hd = torch.tanh(z @ p["decoder.0.weight"].T + p["decoder.0.bias"])
    logits = hd @ p["decoder.1.weight"].T + p["decoder.1.bias"]
    log_px = -torch.nn.functional.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)
    log_pz = (-0.5 * (LOG_2PI + z ** 2)).sum(-1)
    if estimator == "reparam":
        log_w = log_px + log_pz - gaussian_log_density(z, mean, log_var)
        return -(torch.logsumexp(log_w, 0) - math.log(K)).mean()
    log_w = log_px + log_pz - gaussian_log_density(z, mean.detach(), log_var.detach())
    if estimator == "stl":
        return -(torch.logsumexp(log_w, 0) - math.log(K)).mean()
    w = torch.softmax(log_w.detach(), 0)
    z.register_hook(lambda g: g * w.unsqueeze(-1))
    return -(w * log_w).sum(0).mean()


result = {
    "x": x.flatten().tolist(),
    "eps": eps.flatten().tolist(),
    "parameters": {n: t.flatten().tolist() for n, t in params.items()},
    "shapes": {"D": D, "L": L, "H": H, "K": K, "B": B},
    "torch": torch.__version__,
}
for estimator in ["reparam", "stl", "dreg"]:
    p = {n: t.clone().requires_grad_(True) for n, t in params.items()}
    value = loss(p, estimator)
    value.backward()
    result[estimator] = {n: t.grad.flatten().tolist() for n, t in p.items()}
    result[estimator + "_loss"] = value.item()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gaussian-estimators-reference.json"), "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
