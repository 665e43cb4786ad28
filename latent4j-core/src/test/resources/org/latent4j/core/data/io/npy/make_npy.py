# Writes the NPY test files of NpyReaderTest with numpy itself (python3 make_npy.py, in this directory).
# Values are simple formulas that the test recomputes in Java, so the comparison is exact.
import numpy as np
from numpy.lib import format as npf

def save(name, a, version=None):
    with open(name, "wb") as f:
        npf.write_array(f, a, version=version)

i6 = np.arange(6, dtype=np.float32)
save("f4_2x3.npy", (i6 / np.float32(7)).reshape(2, 3))                          # float32 division
save("f8_2x2x3.npy", (np.arange(12, dtype=np.float64) / 3.0 - 1.5).reshape(2, 2, 3))
save("u1_5.npy", np.array([0, 1, 127, 128, 255], dtype=np.uint8))
save("f4_v2_3x2.npy", (i6 / np.float32(7)).reshape(3, 2), version=(2, 0))
save("f4_v3_2x3.npy", (i6 / np.float32(7)).reshape(2, 3), version=(3, 0))
save("f4be_2x3.npy", (i6 / np.float32(7)).reshape(2, 3).astype(">f4"))
save("f4_scalar.npy", np.float32(2.5).reshape(()))
save("f4_empty_0x3.npy", np.zeros((0, 3), dtype=np.float32))
save("f4_fortran_2x3.npy", np.asfortranarray((i6 / np.float32(7)).reshape(2, 3)))
save("i8_4.npy", np.arange(4, dtype=np.int64))
save("structured_2.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")]))
# float16: exact halves, the largest finite half, the smallest subnormal, a negative zero; then big-endian
f2 = np.array([0.5, -1.25, 65504.0, 2.0 ** -24, -0.0, 1.0 / 3.0], dtype=np.float16).reshape(2, 3)
save("f2_2x3.npy", f2)
save("f2be_2x3.npy", f2.astype(">f2"))
