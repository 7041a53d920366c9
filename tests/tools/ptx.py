"""Reading PTX for the tests that check a kernel was not folded into a
formula (offload_ptx_test.py: GCC's, cub_ptx_test.py: nvcc's): its
functions' lines, and the loops in them."""
import re

LABEL = re.compile(r"^(\$L\w+):")  # GCC writes $L12, nvcc $L__BB0_3
BRANCH = re.compile(r"\bbra(?:\.uni)?\s+(\$L\w+);")


def split(ptx, start):
    """Name -> lines of each function, where a line matching the regex
    `start` (its group 1 the name) begins one."""
    out, name = {}, None
    for line in ptx.splitlines():
        m = start.match(line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name:
            out[name].append(line)
    return out


def loops(lines):
    """Bodies of the backward branches (label ... bra label) in a function."""
    where = {}
    for i, line in enumerate(lines):
        m = LABEL.match(line.strip())
        if m:
            where[m.group(1)] = i
    for j, line in enumerate(lines):
        m = BRANCH.search(line)
        if m and m.group(1) in where and where[m.group(1)] < j:
            yield lines[where[m.group(1)]:j + 1]
