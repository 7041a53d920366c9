#!/usr/bin/env python3
"""The stream kernel really adds every element: its instruction count, as
callgrind counts it, grows linearly with N.  A kernel folded into the closed
form n(n-1)/2 would cost the same at every N and fail here.

callgrind counts are deterministic, so this is no timing test.  valgrind
cannot decode AVX-512, so stream_count is linked with a copy of the kernels
built without -march=native; the folding this guards against happens in the
compiler's middle end whatever the target.

usage: kernel_linear.py STREAM_COUNT_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile

SIZES = (1 << 20, 1 << 21, 1 << 22)


def kernel_instructions(binary, n, workdir):
    out = os.path.join(workdir, f"callgrind.{n}")
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--toggle-collect=psum_sum_range",
         f"--callgrind-out-file={out}", binary, str(n)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        for line in f:
            m = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if m:
                return int(m.group(1))
    raise RuntimeError(f"no instruction total in {out}")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        counts = [kernel_instructions(binary, n, tmp) for n in SIZES]
    failures = 0
    for n, c in zip(SIZES, counts):
        print(f"# N={n}: {c} instructions, {c / n:.3f} per element")
    for (n1, c1), (n2, c2) in zip(zip(SIZES, counts), zip(SIZES[1:], counts[1:])):
        ratio = c2 / c1
        ok = 1.9 <= ratio <= 2.1
        failures += not ok
        print(f"{'ok' if ok else 'not ok'} - doubling N from {n1} to {n2} "
              f"multiplies the instructions by {ratio:.3f} (want 1.9 to 2.1)")
    per_element = counts[-1] / SIZES[-1]
    ok = per_element >= 0.1
    failures += not ok
    print(f"{'ok' if ok else 'not ok'} - {per_element:.3f} instructions per element "
          f"(a folded kernel would need ~0)")
    print(f"1..{len(SIZES)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
