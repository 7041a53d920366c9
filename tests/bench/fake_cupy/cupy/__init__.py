"""A stand-in for CuPy, on numpy, so the tests can drive bench/pysum.py's
CuPy rows on a machine without a GPU.  Only what pysum.py calls.

FAKE_CUPY_DEVICES  devices reported (default 1)
FAKE_CUPY_FREE     free device bytes reported (default 1e12)
FAKE_CUPY_FOLD=1   sum() answers from the length alone, never reading the
                   array, as a folded kernel would
"""
import os
import types

import numpy

__version__ = "0.0-fake"
int64 = numpy.int64


class FakeArray:
    def __init__(self, data):
        self.data = data

    def __len__(self):
        return len(self.data)

    def __getitem__(self, key):
        return FakeArray(self.data[key])

    def __setitem__(self, key, value):
        self.data[key] = value

    def sum(self):
        if os.environ.get("FAKE_CUPY_FOLD") == "1":
            first, n = int(self.data[0]) if len(self.data) else 0, len(self.data)
            return numpy.int64(n * first + n * (n - 1) // 2)
        return self.data.sum()


def arange(*bounds, dtype=None):
    return FakeArray(numpy.arange(*bounds, dtype=dtype))


class _Device:
    id = 0

    def synchronize(self):
        pass


class _Pool:
    def free_all_blocks(self):
        pass


def get_default_memory_pool():
    return _Pool()


def _device_count():
    return int(os.environ.get("FAKE_CUPY_DEVICES", "1"))


def _mem_info():
    free = int(float(os.environ.get("FAKE_CUPY_FREE", "1e12")))
    return free, free


cuda = types.SimpleNamespace(
    Device=_Device,
    runtime=types.SimpleNamespace(
        getDeviceCount=_device_count,
        memGetInfo=_mem_info,
        getDeviceProperties=lambda device: {"name": b"Fake GPU"}))
