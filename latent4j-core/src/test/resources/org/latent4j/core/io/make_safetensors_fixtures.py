"""Writes the .safetensors fixtures of SafetensorsInteropTest with Hugging Face's reference implementation.

Run from this directory with a Python that has safetensors, numpy and torch, e.g.:
    python3 -m venv --system-site-packages /tmp/stvenv       # Debian's python3-numpy and python3-torch
    /tmp/stvenv/bin/pip install --no-index safetensors-0.8.0-cp310-abi3-manylinux_2_17_x86_64.whl
    /tmp/stvenv/bin/python make_safetensors_fixtures.py
The fixtures were made with safetensors 0.8.0, numpy 1.24.2 and torch 1.13.
"""
import numpy as np
import torch
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch


def bits32(*patterns):
    return np.array(patterns, dtype=np.uint32).view(np.float32)


# Float32 values given by their bit patterns, so that NaN payloads, -0.0 and denormals are pinned exactly.
save_numpy(
    {
        "layer.weight": bits32(
            0x3DCCCCCD, 0xC0200000, 0x00000001, 0x807FFFFF,  # 0.1f, -2.5, smallest denormal, largest negative denormal
            0x7F7FFFFF, 0xFF800000, 0x80000000, 0x7FC00001,  # max float, -inf, -0.0, quiet NaN with payload 1
        ).reshape(2, 4),
        "layer.bias": bits32(0x7F800001, 0xFFFFFFFF, 0x3F800000),  # signalling NaN, all-ones NaN, 1.0
        "scalar": np.array(3.25, dtype=np.float32),
        "empty": np.zeros((0, 5), dtype=np.float32),
    },
    "numpy_f32.safetensors",
    metadata={"format": "np"},
)

# One tensor of every integer and float dtype that Latent4j converts to float32.
save_numpy(
    {
        "f64": np.array([0.1, -1e300, 1e-50, 1.0 / 3.0], dtype=np.float64),
        "f16": np.array([1.0, -0.5, 65504.0, 2.0**-24, -0.0, np.inf, np.nan], dtype=np.float16),
        "i64": np.array([[-(2**40), 0], [2**53 + 1, 7]], dtype=np.int64),
        "i32": np.array([-7, 2**31 - 1], dtype=np.int32),
        "i16": np.array([-(2**15), 12345], dtype=np.int16),
        "i8": np.array([-128, 127], dtype=np.int8),
        "u8": np.array([0, 255], dtype=np.uint8),
        "u16": np.array([65535], dtype=np.uint16),
        "u32": np.array([2**32 - 1], dtype=np.uint32),
        "u64": np.array([2**64 - 1, 2**63 + 2**39], dtype=np.uint64),
        "bool": np.array([True, False, True], dtype=np.bool_),
    },
    "numpy_mixed.safetensors",
)

# What a PyTorch user saves: a bfloat16 tensor and float32 tensors of rank 2 and 4 (C order).
save_torch(
    {
        "bf16": torch.tensor([1.0, -2.0, 0.1, 3.0e38, -1.0e-40], dtype=torch.float32).to(torch.bfloat16),
        "w": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
        "conv.weight": torch.arange(8, dtype=torch.float32).reshape(2, 1, 2, 2) - 3.5,
    },
    "torch_mixed.safetensors",
    metadata={"format": "pt"},
)

# The same tensors that SafetensorsInteropTest writes with Latent4j, to compare the two files byte for byte.
# The names test the reference's order (UTF-8 bytes: U+FF01 before U+1F600, unlike Java's String order).
save_numpy(
    {
        "b.weight": np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1,
        "a": np.array([1.5, -0.0], dtype=np.float32),
        "\u00e9": np.zeros((0, 2), dtype=np.float32),
        "z": np.array(7.0, dtype=np.float32),
        "\uff01": np.array([2.0], dtype=np.float32),
        "\U0001F600": np.array([[3.0]], dtype=np.float32),
    },
    "reference_written.safetensors",
    metadata={"source": "reference \"quoted\"\n"},
)
