"""Which BLAS the loaded numpy/torch call: Debian's torch and numpy use whatever libblas.so.3 the
alternatives system points at, the reference BLAS unless OpenBLAS is installed, and that changes
PyTorch's speed several times over, so the comparison scripts print it with their figures."""


def blas_name():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS unknown (apt-get install python3-threadpoolctl to see it)"
    libs = [f"{i.get('internal_api')} {i.get('version') or ''}".strip() for i in threadpool_info() if i.get("user_api") == "blas"]
    return "BLAS " + (", ".join(libs) if libs else "without a threadpool (the reference BLAS)")
