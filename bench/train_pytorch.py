#!/usr/bin/python3
"""PyTorch twin of `latent4j bench train`: the same models, objectives, data and step, timed the same way.

Cases (Adam lr 1e-3):
  vae16       VAE 784-512-256-32 tanh, Bernoulli, encoder head = log-variance, one sample, analytic KL, batch 16
  vae128      the same at batch 128
  iwae        IWAE 784-200-200-50 tanh, Bernoulli, encoder head = log std (std = exp(linear)), k = 50, batch 20
  iwae-dreg   the same trained with DReG (Tucker et al. 2019) written the usual PyTorch way: log q with the
              posterior's parameters detached, the normalized weights w~ detached, a hook on z that multiplies its
              gradient by w~, and the surrogate -mean_b sum_i w~_i log w_i (one forward, one backward)
  vae-stl     vae128 trained with sticking the landing (Roeder et al. 2017): the sampled KL with q's parameters detached
  cat-gumbel, cat-gumbel-st, cat-reinforce, cat-nvil, cat-vimco
              the categorical VAE of bench/discrete-estimators.sh (20 groups of 10 categories, 784-256-200 and
              200-256-784 ReLU, Bernoulli, batch 100) with each estimator as Latent4j computes it (class
              CategoricalVae below; vimco with k = 5)
  wae, swae, info-vae, unscented-ae, ard-vae, ae-vicreg
              the objectives beyond the KL on the networks of bench/objectives.sh (784-512-256-16 ReLU, Bernoulli,
              batch 128), each kind's defaults as Latent4j computes it (class ObjectiveModel below)
  vqvae-mlp   VQ-VAE 784-512-256-64 relu, one code of 64 from K = 512, Gaussian sigma 0.1, batch 64
  vqvae-conv  VQ-VAE conv (Conv 1->32, 32->64, 4x4 stride 2, relu) -> 1x1 conv to 64 -> a 7x7 grid of codes from
              K = 512 -> ConvTranspose 64->32 (relu), 32->1, plus a per-pixel output bias; Gaussian sigma 0.1, batch 64
The VQ-VAEs quantize as vector-quantize-pytorch does: the squared distances by the expanded form
||z||^2 - 2 z.e + ||e||^2 (one matmul), argmin, the chosen codes gathered, the straight-through output
z + (q - z).detach(), codebook loss ||sg[z] - q||^2 and commitment loss 0.25 ||z - sg[q]||^2 (summed over a code's
features, averaged over code vectors, times the codes per image), and the loss -log N(x; decoder, 0.1^2) summed over
pixels and averaged over the batch, as Latent4j's VQ-VAE computes it.
One step: binarize the batch for a Bernoulli case (torch.bernoulli of the pixel intensities; the VQ-VAEs train on
the intensities), the loss (forward), backward, Adam update. The loss is written as Latent4j's Vae/Iwae compute it: reductions sum over features and
latent dimensions and average over the batch; the IWAE log-weights are log p(x|z) + log p(z) - log q(z|x)
with the Gaussian densities evaluated at z, and the IWAE loss also computes the (unused) analytic KL,
which Latent4j reports as a metric. The data are the Fashion-MNIST test images embedded in Latent4j
(read from its resources), taken in order, batch after batch.

Top-k sparse autoencoder cases (Gao et al. 2024, as Latent4j's topk-sae; Adam lr 1e-3, batch 256, the pixel
intensities as they are, no binarization):
  sae       784 -> 4096 latents, k = 32; a dead-latent window of 10M rows, so within the benchmark no latent is
            dead and AuxK adds nothing (the first 10M rows of a real run)
  sae-auxk  the same with a window of 1 row: every latent not firing in the batch is dead, so AuxK decodes the
            error from 512 dead latents a row at every step (its most expensive case)
One step: scale the batch (inputs normalised to mean squared norm d on 2,048 rows), z = relu(topk(W_enc (x - b_pre)
+ b_enc)), x^ = W_dec z + b_pre, the squared error summed over features and averaged over the batch, AuxK, the
metrics Latent4j reports (L0, the batch's FVU, the dead fraction), backward, the removal of each decoder row's
gradient component along the row, Adam, the rows renormalised, the dead counts updated. b_pre starts at the
geometric median (Weiszfeld) of those rows, W_dec with random unit rows, W_enc = W_dec (both [latents, 784]).
--sae-encoder and --sae-decoder choose how PyTorch computes them (the defaults are the fastest measured here, see
--help): the encoder "dense" (F.linear then topk, autograd through the dense product, as SAELens and OpenAI's model.py
write it) or "gather" (the choice made on the dense product without gradients, then the k chosen pre-activations
recomputed with gradients from the gathered rows of W_enc: Latent4j's algorithm); the decoder "dense" (scatter into a
[b, L] matrix and multiply, as SAELens and EleutherAI's sparsify without Triton do), "embedding-bag"
(F.embedding_bag with per-sample weights: a sum of k rows) or "gather" (the k rows gathered and summed).

Usage: train_pytorch.py [--cases vae16,vae128,iwae,iwae-dreg,vae-stl,cat-gumbel,...,wae,...,sae,sae-auxk,vqvae-mlp,vqvae-conv] [--threads 2] [--steps N] [--repeat 5]
                        [--sae-encoder dense|gather] [--sae-decoder dense|embedding-bag|gather]
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

# name: (hidden sizes, latents, k, batch, importance weighted, head is log std, default steps, estimator)
CASES = {
    "vae16": ([512, 256], 32, 1, 16, False, False, 100, "reparam"),
    "vae128": ([512, 256], 32, 1, 128, False, False, 30, "reparam"),
    "iwae": ([200, 200], 50, 50, 20, True, True, 30, "reparam"),
    "iwae-dreg": ([200, 200], 50, 50, 20, True, True, 30, "dreg"),
    "vae-stl": ([512, 256], 32, 1, 128, False, False, 30, "stl"),
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
    def __init__(self, hidden, latents, k, importance_weighted, log_std_head, estimator="reparam"):
        super().__init__()
        self.latents, self.k, self.estimator = latents, k, estimator
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
            if self.estimator == "stl":
                # sticking the landing: the sampled KL, log q(z|x) with q's parameters detached (z keeps its path)
                # minus log p(z); Latent4j reports the closed form as its value, so it is added as a constant shift
                sampled = (gaussian_log_density(z, mean.detach(), log_var.detach()) - (-0.5 * (LOG_2PI + z ** 2)).sum(-1)).mean()
                kl = sampled + (kl - sampled).detach()
            return recon + kl
        log_pz = (-0.5 * (LOG_2PI + z ** 2)).sum(-1)
        if self.estimator == "dreg":
            log_w = log_px + log_pz - gaussian_log_density(z, mean.detach(), log_var.detach())
            w = torch.softmax(log_w.detach(), 0)
            if z.requires_grad:
                z.register_hook(lambda g: g * w.unsqueeze(-1))
            return -(w * log_w).sum(0).mean()
        log_w = log_px + log_pz - gaussian_log_density(z, mean, log_var)
        return -(torch.logsumexp(log_w, 0) - math.log(self.k)).mean()


# The categorical VAE of bench/discrete-estimators.sh (Latent4j's categorical-vae): 20 groups of 10 categories, a
# uniform prior, encoder 784-256-200 and decoder 200-256-784 (ReLU, He-uniform hidden layers, Glorot output layers,
# the decoder's output bias at the logits of the pixel means of the first 2,048 images), Bernoulli pixels, batch 100.
# name: (estimator, samples per row, default steps)
DISCRETE_CASES = {
    "cat-gumbel": ("gumbel", 1, 100),
    "cat-gumbel-st": ("gumbel-st", 1, 100),
    "cat-reinforce": ("reinforce", 1, 100),
    "cat-nvil": ("nvil", 1, 100),
    "cat-vimco": ("vimco", 5, 50),
}
GROUPS, CATEGORIES = 20, 10
# Latent4j's schedule max(0.5, exp(-1e-4 step)) at step 0: its benchmark does not advance the trainer's step counter
TAU = 1.0
SIGNAL_DECAY = 0.8  # Mnih and Gregor's decay of the running signal statistics, as Latent4j's SignalStatistics


def gumbel_noise(shape):
    return -torch.empty(shape).exponential_().log()


class CategoricalVae(torch.nn.Module):
    """What Latent4j's CategoricalVae computes in a step, estimator by estimator (see core estimator/discrete/).

    Every estimator: table = log_softmax of the encoder's logits per group, [b, 20, 10]; the KL to the uniform prior in
    closed form, sum q log q + 20 log 10, averaged over the batch; log p(x|z) = -BCE-with-logits of the decoder's
    output summed over pixels.
      gumbel     the relaxed sample y = softmax((table + g) / tau); two decoder passes, as Latent4j splits the terms
                 by whose gradient they carry: log p(x|sg(y)) (the decoder's term) and log p(x|y) (the encoder's,
                 minus the first, so its decoder gradients cancel); loss -lpx_dec + -(lpx_enc - lpx_dec) + KL
      gumbel-st  the same with the hard one-hot h = onehot(argmax(table + g)) in the first pass and the
                 straight-through code h + y - sg(y) in the second
      reinforce  one Gumbel-max sample (no gradient), one decoder pass; loss -lpx - (lpx - c) log q(z|x) + KL with
                 c the running mean of the signal lpx (decay 0.8, 0 before the first batch), updated after the step
      nvil       the same, the signal centred by the baseline network b(x) (784-100-1 tanh) and the running mean c of
                 lpx - b(x), divided by max(1, sqrt(running variance)); the KL's gradient divided by it too; plus the
                 regression (lpx - c - b(x))^2 for the baseline network
      vimco      k = 5 samples, the bound L = logsumexp_i(lpx_i - log q_i - 20 log 10) - log k, the leave-one-out
                 signals L - L_{-i} (log w_i replaced by the mean of the others, in double) times log q_i; loss -L -
                 sum_i signal_i log q_i (Latent4j writes the bound as two logsumexps, q held still in one and the
                 decoder in the other: the same gradient)
    """

    def __init__(self, estimator, k, sample):
        super().__init__()
        self.estimator, self.k = estimator, k
        self.encoder = relu_mlp([784, 256, GROUPS * CATEGORIES])
        self.decoder = relu_mlp([GROUPS * CATEGORIES, 256, 784])
        self.baseline = mlp([784, 100, 1])  # only nvil uses it (its parameters get no gradient otherwise, as in Latent4j)
        with torch.no_grad():
            p = sample.mean(0).clamp(1e-3, 1 - 1e-3)
            self.decoder[-1].bias.copy_((p / (1 - p)).log())
        self.count, self.signal_mean, self.signal_variance = 0, 0.0, 1.0
        self.pending = None

    def log_px(self, code, x):
        logits = self.decoder(code)
        return -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)

    def loss(self, x):
        b, s = x.shape[0], self.k
        table = self.encoder(x).view(b, GROUPS, CATEGORIES).log_softmax(-1)
        kl = ((table.exp() * table).sum((1, 2)) + GROUPS * math.log(CATEGORIES)).mean()
        flat = (s, b, GROUPS * CATEGORIES)
        perturbed = table + gumbel_noise((s, b, GROUPS, CATEGORIES))
        if self.estimator in ("gumbel", "gumbel-st"):
            soft = (perturbed / TAU).softmax(-1)
            if self.estimator == "gumbel":
                first, second = soft.detach(), soft
            else:
                first = F.one_hot(perturbed.detach().argmax(-1), CATEGORIES).float()
                second = first + soft - soft.detach()
            lpx_dec = self.log_px(first.reshape(flat), x)
            lpx_enc = self.log_px(second.reshape(flat), x)
            return -lpx_dec.mean() - (lpx_enc - lpx_dec).mean() + kl
        onehot = F.one_hot(perturbed.detach().argmax(-1), CATEGORIES).float()
        lpx = self.log_px(onehot.view(flat), x)  # [s, b]
        log_q = (onehot * table).sum((2, 3))  # [s, b]
        signal = lpx.detach()
        c = self.signal_mean if self.count > 0 else 0.0
        if self.estimator == "reinforce":
            self.pending = (signal.mean().item(), signal.var(unbiased=False).item())
            return -lpx.mean() - ((signal - c) * log_q).mean() + kl
        if self.estimator == "nvil":
            scale = max(1.0, math.sqrt(self.signal_variance))
            bx = self.baseline(x).view(b)
            residual = signal - bx.detach()
            self.pending = (residual.mean().item(), residual.var(unbiased=False).item())
            regression = (signal - c - bx).pow(2).mean()
            return -lpx.mean() - ((residual - c) / scale * log_q).mean() + kl / scale + regression
        log_w = lpx - log_q - GROUPS * math.log(CATEGORIES)  # [k, b]
        bound = torch.logsumexp(log_w, 0) - math.log(s)
        with torch.no_grad():
            lw = log_w.double()
            rest = lw.expand(s, s, b).clone()
            i = torch.arange(s)
            rest[i, i] = (lw.sum(0) - lw) / (s - 1)
            signals = (bound.double() - (torch.logsumexp(rest, 1) - math.log(s))).float()
        return -bound.mean() - (signals * log_q).sum(0).mean()

    def after_step(self):
        """The running statistics of the signal, as Latent4j's afterOptimizerStep updates them."""
        if self.pending is None:
            return
        mean, variance = self.pending
        if self.count == 0:
            self.signal_mean, self.signal_variance = mean, variance
        else:
            self.signal_mean = SIGNAL_DECAY * self.signal_mean + (1 - SIGNAL_DECAY) * mean
            self.signal_variance = SIGNAL_DECAY * self.signal_variance + (1 - SIGNAL_DECAY) * variance
        self.count += 1
        self.pending = None


# The objectives beyond the KL (Latent4j's core model/objective and ae's VICReg terms) on the networks of
# bench/objectives.sh: 784-512-256-16 ReLU (He-uniform hidden layers, Glorot output layers, zero biases; a Gaussian
# encoder's output 2 x 16, the mean then the log-variance), the decoder its mirror with the output bias at the logits
# of the pixel means of the first 2,048 images, Bernoulli pixels, batch 128, each kind's defaults.
# name: (Gaussian encoder, default steps)
OBJECTIVE_CASES = {
    "wae": (False, 50),
    "swae": (False, 50),
    "info-vae": (True, 50),
    "unscented-ae": (True, 50),
    "ard-vae": (True, 50),
    "ae-vicreg": (False, 50),
}
LATENTS = 16
MMD_SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # times 2 d: the WAE authors' code's bandwidths of the IMQ kernel
SW_PROJECTIONS = 50
UAE_LAMBDA = 1e-3  # the unscented autoencoder's code's lambda: the points are mu +- sqrt(d + lambda) sigma_j e_j
ARD_MOMENTUM, ARD_THRESHOLD = 0.99, 0.5


def imq_mmd(x, y):
    """The unbiased MMD^2 of the WAE authors' code: the inverse multiquadratic kernel C / (C + ||a - b||^2) summed over
    C = 2 d s, s in MMD_SCALES, the within-sample sums over i != j (the diagonal masked out)."""
    n, d = x.shape
    xx, yy = (x * x).sum(1), (y * y).sum(1)
    dxx = xx[:, None] + xx[None, :] - 2 * x @ x.t()
    dyy = yy[:, None] + yy[None, :] - 2 * y @ y.t()
    dxy = xx[:, None] + yy[None, :] - 2 * x @ y.t()
    off = 1 - torch.eye(n)
    stat = 0
    for s in MMD_SCALES:
        c = 2 * d * s
        within = ((c / (c + dxx) + c / (c + dyy)) * off).sum() / (n * n - n)
        stat = stat + within - (c / (c + dxy)).sum() * 2 / (n * n)
    return stat


class ObjectiveModel(torch.nn.Module):
    """What Latent4j's objective kinds compute in a step (see the case table above and docs/estimators.md):
      wae           z = encoder(x); -log p(x|z) + 10 MMD^2(z, z~), z~ ~ N(0, I) one per row
      swae          the same with 10 SW_2^2: 50 directions (normalised Gaussians) drawn each step, both samples
                    projected, sorted per direction (the gradient through the sorted values), mean squared difference
      info-vae      the VAE's encoder, one draw z = mu + exp(lv / 2) eps; alpha 1, lambda 1000: -log p(x|z) +
                    1000 MMD^2(z, z~) (the KL weighs 1 - alpha = 0; Latent4j computes it for its metric, so does this)
      unscented-ae  one of the 2d + 1 sigma points per row chosen uniformly (the mean, or mu +- sqrt(d + 1e-3) sigma_j e_j),
                    decoded; -log p(x|point) + mean(||mu||_2 + ||sigma - 1||_2) (both norms over sqrt(. + 1e-12));
                    the KL to N(0, I) as a metric
      ard-vae       one draw; alpha = mean_batch(mu^2 + sigma^2) (clamped at 1e-8, detached: the closed-form fit);
                    -log p(x|z) + KL(q || N(0, diag alpha)); the used dimensions (Var_batch(mu_j) > 0.5 alpha_j) as a
                    metric; after the step the running prior variances (momentum 0.99, a plain mean over the first 100)
      ae-vicreg     z = encoder(x); -log p(x|z) + 25 mean_j relu(1 - sqrt(Var(z_j) + 1e-4)) + (1/d) sum_{i != j} C_ij^2,
                    C the batch covariance (unbiased), as the VICReg paper's code writes both
    Each kind's metrics are read out (.item()) as Latent4j reports them every step."""

    def __init__(self, kind, sample):
        super().__init__()
        self.kind = kind
        gaussian = OBJECTIVE_CASES[kind][0]
        self.encoder = relu_mlp([784, 512, 256, (2 if gaussian else 1) * LATENTS])
        self.decoder = relu_mlp([LATENTS, 256, 512, 784])
        with torch.no_grad():
            p = sample.mean(0).clamp(1e-3, 1 - 1e-3)
            self.decoder[-1].bias.copy_((p / (1 - p)).log())
        d = LATENTS
        self.points = torch.cat([torch.zeros(1, d), torch.eye(d), -torch.eye(d)])  # the sigma points' directions e
        self.prior_variance, self.fits, self.pending = torch.ones(d), 0, None

    def log_px(self, code, x):
        logits = self.decoder(code)
        return -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)

    def loss(self, x):
        b, d = x.shape[0], LATENTS
        out = self.encoder(x)
        metrics = {}
        if self.kind in ("wae", "swae", "ae-vicreg"):
            z = out
            recon = -self.log_px(z, x).mean()
            if self.kind == "wae":
                mmd = imq_mmd(z, torch.randn(b, d))
                metrics["mmd"] = mmd.item()
                return recon + 10 * mmd
            if self.kind == "swae":
                theta = torch.randn(SW_PROJECTIONS, d)
                theta = theta / theta.norm(dim=1, keepdim=True)
                a = (z @ theta.t()).sort(0).values
                p = (torch.randn(b, d) @ theta.t()).sort(0).values
                sw = (a - p).pow(2).mean()
                metrics["sw"] = sw.item()
                return recon + 10 * sw
            std = (z.var(0) + 1e-4).sqrt()
            variance = F.relu(1 - std).mean()
            c = z - z.mean(0)
            cov = c.t() @ c / (b - 1)
            covariance = (cov * (1 - torch.eye(d))).pow(2).sum() / d
            metrics["vicregVariance"], metrics["vicregCovariance"] = variance.item(), covariance.item()
            return recon + 25 * variance + 1 * covariance
        mean, log_var = out[:, :d], out[:, d:]
        kl_standard = (0.5 * (mean ** 2 + log_var.exp() - log_var - 1)).sum(-1).mean()
        if self.kind == "unscented-ae":
            idx = torch.randint(0, 2 * d + 1, (b,))
            z = mean + math.sqrt(d + UAE_LAMBDA) * (0.5 * log_var).exp() * self.points[idx]
            recon = -self.log_px(z.unsqueeze(0), x).mean()
            reg = ((mean ** 2).sum(-1) + 1e-12).sqrt() + ((((0.5 * log_var).exp() - 1) ** 2).sum(-1) + 1e-12).sqrt()
            w = reg.mean()
            metrics["wasserstein"], metrics["kl"] = w.item(), kl_standard.item()
            return recon + 1 * w
        z = mean + (0.5 * log_var).exp() * torch.randn(1, b, d)
        recon = -self.log_px(z, x).mean()
        if self.kind == "info-vae":
            mmd = imq_mmd(z.reshape(b, d), torch.randn(b, d))
            metrics["kl"], metrics["mmd"] = kl_standard.item(), mmd.item()
            metrics["elbo"] = -(recon.item() + metrics["kl"])
            return recon + 1000 * mmd
        second = mean ** 2 + log_var.exp()
        alpha = second.mean(0).clamp(min=1e-8).detach()
        kl = (0.5 * (alpha.log() - log_var + second / alpha - 1)).sum(-1).mean()
        metrics["kl"] = kl.item()
        metrics["elbo"] = -(recon.item() + metrics["kl"])
        metrics["usedDims"] = int((mean.detach().var(0, unbiased=False) > ARD_THRESHOLD * alpha).sum())
        self.pending = alpha
        return recon + kl

    def after_step(self):
        """ard-vae: the batch's fit folded into the running prior variances, as Latent4j's afterOptimizerStep does."""
        if self.pending is None:
            return
        self.fits += 1
        rate = max(1 - ARD_MOMENTUM, 1 / self.fits)
        self.prior_variance = (1 - rate) * self.prior_variance + rate * self.pending
        self.pending = None


# name: (latents, k, batch, dead-latent window in rows, default steps)
SAE_CASES = {
    "sae": (4096, 32, 256, 10_000_000, 10),
    "sae-auxk": (4096, 32, 256, 1, 10),
}
AUXK_ALPHA = 1 / 32


def geometric_median(x, iterations=200):
    y = x.double().mean(0)
    xd = x.double()
    for _ in range(iterations):
        dist = (xd - y).norm(dim=1)
        keep = dist > 0
        w = 1 / dist[keep]
        nxt = (w[:, None] * xd[keep]).sum(0) / w.sum()
        moved = (nxt - y).norm()
        y = nxt
        if moved <= 1e-6 * dist.mean():
            break
    return y.float()


class TopKSae(torch.nn.Module):
    def __init__(self, d, latents, k, k_aux, window, sample, encoder, decoder):
        super().__init__()
        self.k, self.k_aux, self.window, self.encoder, self.decoder = k, k_aux, window, encoder, decoder
        w = torch.randn(latents, d)
        w /= w.norm(dim=1, keepdim=True)
        self.W_dec = torch.nn.Parameter(w)
        self.W_enc = torch.nn.Parameter(w.clone())
        self.b_enc = torch.nn.Parameter(torch.zeros(latents))
        self.scale = math.sqrt(d / sample.pow(2).sum(1).mean().item())
        self.b_pre = torch.nn.Parameter(geometric_median(sample * self.scale))
        self.register_buffer("since", torch.zeros(latents))

    def chosen(self, idx, xc, pre):
        """The pre-activations at idx [b, k], with gradients for xc, W_enc and b_enc."""
        if self.encoder == "dense":
            return pre.gather(1, idx)
        return torch.bmm(self.W_enc[idx], xc.unsqueeze(-1)).squeeze(-1) + self.b_enc[idx]

    def decode(self, idx, vals):
        if self.decoder == "dense":
            z = torch.zeros(vals.shape[0], self.W_dec.shape[0]).scatter(1, idx, vals)
            return z @ self.W_dec
        if self.decoder == "embedding-bag":
            return F.embedding_bag(idx, self.W_dec, per_sample_weights=vals, mode="sum")
        return torch.bmm(vals.unsqueeze(1), self.W_dec[idx]).squeeze(1)

    def loss(self, x):
        xc = x * self.scale - self.b_pre
        if self.encoder == "dense":
            pre = F.linear(xc, self.W_enc, self.b_enc)
            idx = pre.topk(self.k, dim=1).indices
        else:
            with torch.no_grad():
                pre = F.linear(xc, self.W_enc, self.b_enc)
                idx = pre.topk(self.k, dim=1).indices
        vals = torch.relu(self.chosen(idx, xc, pre))
        err = xc - self.decode(idx, vals)
        recon = err.pow(2).sum(1).mean()
        b = x.shape[0]
        fired = torch.zeros(self.since.shape[0], dtype=torch.bool)
        fired[idx[vals > 0]] = True
        dead = (~fired & (self.since + b >= self.window)).nonzero().squeeze(1)
        metrics = {"l0": (vals > 0).sum(1).float().mean().item(),
                   "fvu": (err.detach().pow(2).sum() / (xc.detach() - xc.detach().mean(0)).pow(2).sum()).item(),
                   "dead_fraction": dead.shape[0] / self.since.shape[0]}
        loss = recon
        aux = 0.0
        if dead.shape[0] > 0:
            kk = min(self.k_aux, dead.shape[0])
            with torch.no_grad():
                local = pre.detach()[:, dead].topk(kk, dim=1).indices
            aux_idx = dead[local]
            aux_vals = torch.relu(self.chosen(aux_idx, xc, pre))
            aux_loss = (err.detach() - self.decode(aux_idx, aux_vals)).pow(2).sum(1).mean()
            loss = loss + AUXK_ALPHA * aux_loss
            aux = aux_loss.item()
        metrics["auxk"] = aux
        loss_value = loss.item()
        return loss, fired, b, metrics, loss_value


def measure_sae(name, data, steps, repeat, encoder, decoder):
    latents, k, batch, window, default_steps = SAE_CASES[name]
    steps = steps or default_steps
    torch.manual_seed(42)
    d = data.shape[1]
    model = TopKSae(d, latents, k, 1 << round(math.log2(d / 2)), window, data[:2048], encoder, decoder)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = data.shape[0] // batch
    position = [0]

    def step():
        i = position[0]
        position[0] = (i + 1) % batches
        x = data[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=False)
        loss, fired, b, _, _ = model.loss(x)
        loss.backward()
        with torch.no_grad():
            w, g = model.W_dec, model.W_dec.grad
            g -= ((g * w).sum(1, keepdim=True) / (w * w).sum(1, keepdim=True)) * w
        opt.step()
        with torch.no_grad():
            w /= w.norm(dim=1, keepdim=True)
            model.since.add_(b).clamp_(max=model.window)
            model.since[fired] = 0

    return timed(step, steps, repeat, batch)


def timed(step, steps, repeat, batch):
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


# name: (convolutional, batch, default steps); K = 512 codes of 64, beta 0.25, sigma 0.1
VQ_CASES = {
    "vqvae-mlp": (False, 64, 100),
    "vqvae-conv": (True, 64, 30),
}
SIGMA = 0.1


def relu_mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        if i < len(sizes) - 2:
            torch.nn.init.kaiming_uniform_(lin.weight, nonlinearity="relu")
        else:
            torch.nn.init.xavier_uniform_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


class VectorQuantizer(torch.nn.Module):
    def __init__(self, codes, dim, beta=0.25):
        super().__init__()
        self.beta = beta
        bound = math.sqrt(6 / dim)
        self.codebook = torch.nn.Parameter(torch.empty(codes, dim).uniform_(-bound, bound))

    def forward(self, z):  # z [n, dim]
        e = self.codebook
        d = z.detach().pow(2).sum(1, keepdim=True) - 2 * z.detach() @ e.detach().t() + e.detach().pow(2).sum(1)
        idx = d.argmin(1)
        q = F.embedding(idx, e)
        n = z.shape[0]
        codebook_loss = (z.detach() - q).pow(2).sum() / n
        commitment = self.beta * (z - q.detach()).pow(2).sum() / n
        return z + (q - z).detach(), codebook_loss + commitment


class VqVae(torch.nn.Module):
    def __init__(self, conv):
        super().__init__()
        self.conv = conv
        if conv:
            self.encoder = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 4, 2, 1), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 4, 2, 1), torch.nn.ReLU(),
                                               torch.nn.Conv2d(64, 64, 1))
            self.decoder = torch.nn.Sequential(torch.nn.ConvTranspose2d(64, 32, 4, 2, 1), torch.nn.ReLU(), torch.nn.ConvTranspose2d(32, 1, 4, 2, 1))
            self.output_bias = torch.nn.Parameter(torch.zeros(784))
            self.positions = 49
        else:
            self.encoder = relu_mlp([784, 512, 256, 64])
            self.decoder = relu_mlp([64, 256, 512, 784])
            self.positions = 1
        self.quantizer = VectorQuantizer(512, 64)

    def loss(self, x):
        b = x.shape[0]
        if self.conv:
            z = self.encoder(x.view(b, 1, 28, 28)).permute(0, 2, 3, 1).reshape(b * 49, 64)
            q, vq_loss = self.quantizer(z)
            grid = q.view(b, 7, 7, 64).permute(0, 3, 1, 2)
            mean = self.decoder(grid).view(b, 784) + self.output_bias
        else:
            q, vq_loss = self.quantizer(self.encoder(x))
            mean = self.decoder(q)
        nll = (0.5 * (x - mean).pow(2) / SIGMA ** 2 + 0.5 * math.log(2 * math.pi * SIGMA ** 2)).sum(1)
        return nll.mean() + self.positions * vq_loss


def measure(name, data, steps, repeat):
    if name in VQ_CASES:
        conv, batch, default_steps = VQ_CASES[name]
        torch.manual_seed(42)
        model, binarize = VqVae(conv), False
    elif name in OBJECTIVE_CASES:
        batch, default_steps = 128, OBJECTIVE_CASES[name][1]
        torch.manual_seed(42)
        model, binarize = ObjectiveModel(name, data[:2048]), True
    elif name in DISCRETE_CASES:
        estimator, k, default_steps = DISCRETE_CASES[name]
        batch = 100
        torch.manual_seed(42)
        model, binarize = CategoricalVae(estimator, k, data[:2048]), True
    else:
        hidden, latents, k, batch, iw, log_std, default_steps, estimator = CASES[name]
        torch.manual_seed(42)
        model, binarize = Model(hidden, latents, k, iw, log_std, estimator), True
    steps = steps or default_steps
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    after = getattr(model, "after_step", None)
    batches = data.shape[0] // batch
    position = [0]

    def step():
        i = position[0]
        position[0] = (i + 1) % batches
        pixels = data[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=False)
        x = torch.bernoulli(pixels) if binarize else pixels
        loss = model.loss(x)
        loss.backward()
        opt.step()
        if after is not None:
            after()

    return timed(step, steps, repeat, batch)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cases", default=",".join(list(CASES) + list(DISCRETE_CASES) + list(OBJECTIVE_CASES) + list(SAE_CASES) + list(VQ_CASES)))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=0, help="steps per round (default per case: 100, 30, 30, 30, 30, 100 for each cat- case but 50 for cat-vimco, 50 for each objective case, 10, 10, 100, 30)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--sae-encoder", choices=["dense", "gather"], default="dense",
                   help="how the top-k encoder's gradient is computed (default dense, the faster here)")
    p.add_argument("--sae-decoder", choices=["dense", "embedding-bag", "gather"], default="embedding-bag",
                   help="how a top-k code is decoded (default embedding-bag, the fastest here)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = load_images()
    result = {"framework": f"pytorch {torch.__version__}, {blas_name()}", "threads": a.threads}
    for name in a.cases.split(","):
        if name in SAE_CASES:
            result[name] = measure_sae(name, data, a.steps, a.repeat, a.sae_encoder, a.sae_decoder)
            result[name]["formulation"] = f"encoder {a.sae_encoder}, decoder {a.sae_decoder}"
            continue
        if name not in CASES and name not in VQ_CASES and name not in DISCRETE_CASES and name not in OBJECTIVE_CASES:
            p.error(f"unknown case {name!r} (one of {', '.join(list(CASES) + list(DISCRETE_CASES) + list(OBJECTIVE_CASES) + list(SAE_CASES) + list(VQ_CASES))})")
        result[name] = measure(name, data, a.steps, a.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
