"""Loads a saved Latent4j model into the equivalent PyTorch modules with load_state_dict(strict=True) and
writes what they compute, for PyTorchLoadsSavedModelsTest.

usage: python3 torch_load_check.py MODEL_DIR INPUT.npy OUTPUT_DIR

The modules are written the way a PyTorch user would write them from config.json: an MLP is a ModuleList of
nn.Linear layers (so its parameters are named "0.weight", "1.weight", ... as Latent4j names them) with the
activation between layers. The weights are read from model.safetensors with a few lines of numpy (Debian has
no safetensors package); the outputs go to OUTPUT_DIR as .npy files named after what they are.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(a.copy())
    return out


ACTIVATIONS = {
    "TANH": nn.Tanh, "RELU": nn.ReLU, "LEAKY_RELU": lambda: nn.LeakyReLU(0.01), "ELU": nn.ELU, "SELU": nn.SELU,
    "GELU": nn.GELU, "SIGMOID": nn.Sigmoid, "SOFTPLUS": nn.Softplus, "IDENTITY": nn.Identity,
}


class Mlp(nn.ModuleList):
    def __init__(self, sizes, activation):
        super().__init__(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        # kept out of the list's modules, which are its layers
        object.__setattr__(self, "activation", ACTIVATIONS[activation]())

    def forward(self, x):
        for i, layer in enumerate(self):
            x = layer(x)
            if i < len(self) - 1:
                x = self.activation(x)
        return x


class GaussianMlp(nn.Module):
    """Latent4j's GaussianMlp: one MLP whose last layer holds the means, then the variance head."""

    def __init__(self, sizes, activation):
        super().__init__()
        self.net = Mlp(sizes, activation)

    def forward(self, x):
        return self.net(x)


class ConvEncoder(nn.ModuleList):
    """Latent4j's ConvEncoder: convolutions, each followed by the activation, on images [C, H, W] flattened."""

    def __init__(self, a, activation):
        chans = [a["image"][0]] + a["channels"]
        super().__init__(nn.Conv2d(i, o, a["kernel"], a["stride"], a["padding"]) for i, o in zip(chans[:-1], chans[1:]))
        object.__setattr__(self, "activation", ACTIVATIONS[activation]())
        self.image = a["image"]

    def forward(self, x):
        h = x.reshape(x.shape[0], *self.image)
        for layer in self:
            h = self.activation(layer(h))
        return h.reshape(h.shape[0], -1)


def conv_sizes(a):
    sizes = [tuple(a["image"][1:])]
    for _ in a["channels"]:
        h, w = sizes[-1]
        sizes.append(((h + 2 * a["padding"] - a["kernel"]) // a["stride"] + 1, (w + 2 * a["padding"] - a["kernel"]) // a["stride"] + 1))
    return sizes


class ConvDecoder(nn.Module):
    """Latent4j's ConvDecoder: the activation on its input, transposed convolutions (output padding chosen to give the
    encoder's sizes back) with the activation between them, then a bias per output feature."""

    def __init__(self, a, activation):
        super().__init__()
        sizes, chans, n = conv_sizes(a), a["channels"], len(a["channels"])
        layers = []
        for i in range(n):
            frm, to = sizes[n - i], sizes[n - 1 - i]
            out = a["image"][0] if i == n - 1 else chans[n - 2 - i]
            pad = tuple(t - ((f - 1) * a["stride"] - 2 * a["padding"] + a["kernel"]) for f, t in zip(frm, to))
            layers.append(nn.ConvTranspose2d(chans[n - 1 - i], out, a["kernel"], a["stride"], a["padding"], output_padding=pad))
        # named "0", "1", ... directly under the decoder, as Latent4j names them
        for i, layer in enumerate(layers):
            self.add_module(str(i), layer)
        object.__setattr__(self, "layers", layers)
        self.output_bias = nn.Parameter(torch.zeros(a["image"][0] * a["image"][1] * a["image"][2]))
        object.__setattr__(self, "activation", ACTIVATIONS[activation]())
        self.shape = (chans[-1],) + sizes[-1]

    def forward(self, f):
        h = self.activation(f.reshape(f.shape[0], *self.shape))
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:
                h = self.activation(h)
        return h.reshape(h.shape[0], -1) + self.output_bias


def features(a):
    h, w = conv_sizes(a)[-1]
    return a["channels"][-1] * h * w


def build(kind, c):
    m = nn.Module()
    conv = (c["vae"] if kind == "cvae" else c).get("conv")
    if conv is not None:
        v = c["vae"] if kind == "cvae" else c
        m.encoder_conv = ConvEncoder(conv, v["activation"])
        m.decoder_conv = ConvDecoder(conv, v["activation"])
    if kind in ("vae", "beta-vae", "iwae", "cvae"):
        v = c["vae"] if kind == "cvae" else c
        cond = c["conditionDim"] if kind == "cvae" else 0
        data = features(conv) if conv is not None else v["dataDim"]
        m.encoder = GaussianMlp([data + cond] + v["encoderHidden"] + [2 * v["latentDim"]], v["activation"])
        m.decoder = Mlp([v["latentDim"] + cond] + v["decoderHidden"] + [data], v["activation"])
        if v["likelihood"] == "GAUSSIAN_LEARNED":
            m.likelihood = nn.Module()
            m.likelihood.log_var = nn.Parameter(torch.zeros(v["dataDim"]))
    elif kind == "ae":
        data = features(conv) if conv is not None else c["dataDim"]
        m.encoder = Mlp([data] + c["encoderHidden"] + [c["latentDim"]], c["activation"])
        m.decoder = Mlp([c["latentDim"]] + c["decoderHidden"] + [data], c["activation"])
    elif kind == "hvae":
        a = c["activation"]
        m.encoder1 = GaussianMlp([c["dataDim"]] + c["hidden1"] + [2 * c["latent1Dim"]], a)
        m.encoder2 = GaussianMlp([c["latent1Dim"]] + c["hidden2"] + [2 * c["latent2Dim"]], a)
        m.decoder2 = GaussianMlp([c["latent2Dim"]] + c["hidden2"][::-1] + [2 * c["latent1Dim"]], a)
        m.decoder1 = Mlp([c["latent1Dim"]] + c["hidden1"][::-1] + [c["dataDim"]], a)
    else:
        raise SystemExit("no PyTorch twin for kind " + kind)
    return m


def main():
    model_dir, input_path, out_dir = sys.argv[1:4]
    config = json.load(open(model_dir + "/config.json"))
    kind, c = config["kind"], config["config"]
    m = build(kind, c)
    m.load_state_dict(read_safetensors(model_dir + "/model.safetensors"), strict=True)
    x = torch.from_numpy(np.load(input_path))
    out = {}
    with torch.no_grad():
        if config["config"].get("conv") is not None:
            enc = m.encoder(m.encoder_conv(x))
            out["encoder"] = enc
            out["decoder"] = m.decoder_conv(m.decoder(enc[:, : c["latentDim"]]))
        elif kind in ("vae", "beta-vae", "iwae"):
            out["encoder"] = m.encoder(x)
            out["decoder"] = m.decoder(out["encoder"][:, : c["latentDim"]])
        elif kind == "cvae":
            cond = torch.nn.functional.one_hot(torch.arange(x.shape[0]) % c["conditionDim"], c["conditionDim"]).float()
            out["encoder"] = m.encoder(torch.cat([x, cond], 1))
            out["decoder"] = m.decoder(torch.cat([out["encoder"][:, : c["vae"]["latentDim"]], cond], 1))
        elif kind == "ae":
            out["encoder"] = m.encoder(x)
            out["decoder"] = m.decoder(out["encoder"])
        elif kind == "hvae":
            l1, l2 = c["latent1Dim"], c["latent2Dim"]
            out["encoder"] = m.encoder1(x)
            out["encoder2"] = m.encoder2(out["encoder"][:, :l1])
            out["decoder2"] = m.decoder2(out["encoder2"][:, :l2])
            out["decoder"] = m.decoder1(out["encoder"][:, :l1])
    for name, t in out.items():
        np.save(out_dir + "/" + name + ".npy", t.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
