"""The interpreter for the tests that run bench/pysum.py's numpy-based rows
(and the stand-in CuPy in tests/bench/fake_cupy, built on numpy)."""
import os
import subprocess
import sys


def numpy_python():
    """The first of this interpreter and Debian's /usr/bin/python3 that
    imports numpy, or None (bench/run.sh and tests/run.sh install it)."""
    for exe in (sys.executable, "/usr/bin/python3"):
        if os.access(exe, os.X_OK) and subprocess.run(
                [exe, "-c", "import numpy"], capture_output=True).returncode == 0:
            return exe
    return None
