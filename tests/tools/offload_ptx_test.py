#!/usr/bin/env python3
"""The GPU kernels are not folded: builds src/offload/offload.c and bench/limits.c
with the build's offload flags plus -foffload-options=-save-temps, and checks
in the PTX that every summing kernel still has a loop that adds each element:
generated values through an xor.b64 and an add.u64 (i ^ key, key a runtime
zero), array elements through a load and an add.u64, the fill through a
store.  A kernel that became n(n-1)/2 would have no such loop.

usage: offload_ptx_test.py SOURCE_ROOT BUILD_ROOT LIBPSUM CC [OFFLOAD_FLAGS...]
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptx import loops, split  # noqa: E402

FLAGS = ["-O2", "-fopenmp", "-D_GNU_SOURCE"]

# Kernel (a host function holding a target region) -> what one loop must do.
KERNELS = {
    "generated_reduce": ("xor.b64", "add.u64"),
    "generated_partials": ("xor.b64", "add.u64"),
    "array_reduce": ("ld.", "add.u64"),
    "array_partials": ("ld.", "add.u64"),
    "fill_launch": ("st.",),
    "gpu_gen_ref": ("xor.b64", "add.u64"),
    "gpu_read_ref": ("ld.", "add.u64"),
}

FUNCTION = re.compile(r"// BEGIN (?:GLOBAL )?FUNCTION DEF: (\S+)")


def functions(ptx):
    """Name -> lines of every function definition in the PTX."""
    return split(ptx, FUNCTION)


def kernel_has_loop(funcs, kernel, needs):
    """Whether a function outlined from `kernel` has a loop doing all of needs."""
    for name, lines in funcs.items():
        if not name.startswith(kernel + "$"):
            continue
        for body in loops(lines):
            text = "\n".join(body)
            if all(op in text for op in needs):
                return True
    return False


def main(argv):
    src, build, libpsum, cc = argv[1], argv[2], os.path.abspath(argv[3]), argv[4:]
    inc = ["-I" + os.path.join(src, "src"), "-I" + build]
    with tempfile.TemporaryDirectory() as tmp:
        objs = []
        for source in ("src/offload/offload.c", "bench/limits.c"):
            obj = os.path.join(tmp, os.path.basename(source) + ".o")
            subprocess.run(cc + FLAGS + inc +
                           ["-c", os.path.join(src, source), "-o", obj], check=True)
            objs.append(obj)
        subprocess.run(cc + FLAGS + ["-foffload-options=-save-temps"] + objs +
                       [libpsum, "-lm", "-latomic", "-o", os.path.join(tmp, "k")],
                       check=True, cwd=tmp)
        ptx = "".join(open(os.path.join(tmp, f)).read() for f in sorted(os.listdir(tmp))
                      if f.endswith(".s") and "mkoffload" in f)
    funcs = functions(ptx)
    print(f"1..{len(KERNELS)}")
    failed = 0
    for n, (kernel, needs) in enumerate(KERNELS.items(), 1):
        ok = kernel_has_loop(funcs, kernel, needs)
        failed += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {kernel}: a loop with {', '.join(needs)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
