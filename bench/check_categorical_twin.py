#!/usr/bin/python3
"""Checks bench/train_pytorch.py's CategoricalVae against the terms Latent4j's discrete estimators build.

train_pytorch.py writes each estimator's loss as a PyTorch user would; Latent4j (core estimator/discrete/) splits it
into a decoder term, an encoder term (score-function parts as t - sg(t)) and NVIL's baseline term, and VIMCO's bound
into two logsumexps. This script transcribes Latent4j's terms literally and checks, for every estimator, on the same
weights, batch and noise, that both give the same gradient for every parameter (relative error < 1e-4), with running
statistics that make NVIL's scale differ from 1. Run: /usr/bin/python3 bench/check_categorical_twin.py (prints OK lines,
exits 1 on a mismatch).
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_pytorch as tp  # noqa: E402

G, K = tp.GROUPS, tp.CATEGORIES


def sg(t):
    return t.detach()


def gradient_only(t):
    return t - sg(t)


def latent4j_terms(m, x):
    """Latent4j's loss for m's estimator: decoder term + encoder term (+ baseline term), as the Java code writes them."""
    b, s = x.shape[0], m.k
    table = m.encoder(x).view(b, G, K).log_softmax(-1)
    kl = ((table.exp() * table).sum((1, 2)) + G * math.log(K)).mean()
    flat = (s, b, G * K)
    perturbed = table + tp.gumbel_noise((s, b, G, K))
    if m.estimator in ("gumbel", "gumbel-st"):
        soft = (perturbed / tp.TAU).softmax(-1)
        hard = F.one_hot(sg(perturbed).argmax(-1), K).float()
        if m.estimator == "gumbel":
            lpx_dec, lpx_enc = m.log_px(sg(soft).reshape(flat), x), m.log_px(soft.reshape(flat), x)
        else:
            lpx_dec, lpx_enc = m.log_px(hard.reshape(flat), x), m.log_px((hard + gradient_only(soft)).reshape(flat), x)
        return -lpx_dec.mean() + (-(lpx_enc - lpx_dec).mean() + kl)
    onehot = F.one_hot(sg(perturbed).argmax(-1), K).float()
    lpx = m.log_px(onehot.reshape(flat), x)
    logq = (onehot * table).sum((2, 3))
    signal = sg(lpx)
    c = m.signal_mean if m.count > 0 else 0.0
    if m.estimator == "reinforce":
        return -lpx.mean() + (-((signal - c) * gradient_only(logq)).mean() + kl)
    if m.estimator == "nvil":
        scale = max(1.0, math.sqrt(m.signal_variance))
        bx = m.baseline(x).view(b)
        advantage = (signal - sg(bx) - c) / scale
        baseline = gradient_only(((signal - c) - bx).pow(2).mean())
        encoder = -(advantage * gradient_only(logq)).mean() + kl / scale + sg(kl) * (1 - 1 / scale)
        return -lpx.mean() + encoder + baseline
    log_prior = -G * math.log(K)
    bound_decoder = torch.logsumexp(lpx - sg(logq) + log_prior, 0) - math.log(s)
    bound_encoder = torch.logsumexp(sg(lpx) - logq + log_prior, 0) - math.log(s)
    w = (sg(lpx) - sg(logq) + log_prior).double()
    signals = torch.empty(s, b, dtype=torch.float64)
    for i in range(s):  # L - L_{-i}, one sample at a time as VimcoEstimator.leaveOneOutSignals does
        replaced = w.clone()
        replaced[i] = (w.sum(0) - w[i]) / (s - 1)
        signals[i] = (torch.logsumexp(w, 0) - math.log(s)) - (torch.logsumexp(replaced, 0) - math.log(s))
    scores = -(signals.float() * gradient_only(logq)).sum(0).mean()
    return -bound_decoder.mean() + (-gradient_only(bound_encoder).mean() + scores)


def gradients(m, loss_fn, x, seed):
    m.zero_grad(set_to_none=True)
    torch.manual_seed(seed)
    loss_fn(x).backward()
    return {n: (p.grad.clone() if p.grad is not None else None) for n, p in m.named_parameters()}


def main():
    data = tp.load_images()
    torch.manual_seed(0)
    x = torch.bernoulli(data[:100])
    failed = False
    for name, (estimator, k, _) in tp.DISCRETE_CASES.items():
        torch.manual_seed(1)
        m = tp.CategoricalVae(estimator, k, data[:2048])
        m.count, m.signal_mean, m.signal_variance = 3, -230.0, 400.0  # NVIL's scale 20, a non-zero centre
        twin = gradients(m, m.loss, x, seed=7)
        reference = gradients(m, lambda xx: latent4j_terms(m, xx), x, seed=7)
        worst, where, one_sided = 0.0, "", [n for n in reference if (twin[n] is None) != (reference[n] is None)]
        for n in reference:
            a, r = twin[n], reference[n]
            if a is None or r is None:
                continue
            err = ((a - r).norm() / r.norm().clamp_min(1e-12)).item()
            if err > worst:
                worst, where = err, n
        ok = worst < 1e-4 and not one_sided
        failed |= not ok
        print(f"{'OK ' if ok else 'BAD'} {name}: largest relative gradient difference {worst:.2e} ({where or 'all equal'})"
              + (f"; a gradient on one side only: {', '.join(one_sided)}" if one_sided else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
