#!/usr/bin/env python3
"""psum_cub's reductions are not folded: in the PTX nvcc makes of
bench/cub_reference.cu (the sm_80 code psum_cub carries), CUB's reduction
kernels over the generated values still have a loop that adds each value
through an xor.b64 and an add.s64 (i ^ key, key a runtime zero), those over
the array a loop with a global load and an add.s64, and the fill a loop
with a global store.  A sum that became n(n-1)/2 would have no such loop.

usage: cub_ptx_test.py PTX
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptx import loops, split as ptx_split  # noqa: E402

# (what, the kernel's mangled name must hold all of these, what one loop must do)
KERNELS = (
    ("generated, grid pass", ("DeviceReduceKernel", "xor_key"), ("xor.b64", "add.s64")),
    ("generated, single tile", ("DeviceReduceSingleTileKernel", "xor_key"),
     ("xor.b64", "add.s64")),
    ("array, grid pass", ("DeviceReduceKernel", "EPl"), ("ld.global", "add.s64")),
    ("fill", ("fillPlm",), ("st.global",)),
)

ENTRY = re.compile(r"^\.(?:visible )?\.entry (\S+)\(")


def entries(ptx):
    """Mangled name -> lines of every kernel (.entry) in the PTX."""
    return ptx_split(ptx, ENTRY)


def has_loop(kernels, parts, needs):
    """Whether some kernel whose name holds all of parts has a loop doing all of needs;
    None when no kernel has such a name."""
    named = [lines for name, lines in kernels.items() if all(p in name for p in parts)]
    if not named:
        return None
    return any(all(op in "\n".join(body) for op in needs)
               for lines in named for body in loops(lines))


def main(argv):
    with open(argv[1]) as f:
        kernels = entries(f.read())
    print(f"1..{len(KERNELS)}")
    failed = 0
    for n, (what, parts, needs) in enumerate(KERNELS, 1):
        ok = has_loop(kernels, parts, needs)
        failed += not ok
        why = "no such kernel" if ok is None else f"a loop with {', '.join(needs)}"
        print(f"{'ok' if ok else 'not ok'} {n} - {what}: {why}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
