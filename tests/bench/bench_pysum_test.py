#!/usr/bin/env python3
"""bench/pysum.py's pure parts: the int64-safe blocks that keep the numpy
and numba rows exact past 2^63, the chunk bounds, the sizes tried; and
that SIGHUP, SIGTERM or SIGQUIT to pysum.py alone ends its pool's workers."""
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import pysum  # noqa: E402

INT64_MAX = 2**63 - 1


def block_sum(lo, hi):
    return (lo + hi - 1) * (hi - lo) // 2


def wrap_int64(x):
    """What an int64 accumulator holds after adding up to x."""
    x &= 2**64 - 1
    return x - 2**64 if x >= 2**63 else x


class ExactBlocks(unittest.TestCase):
    def test_every_block_fits_int64_near_the_limits(self):
        for n in (1, 2, 3_037_000_499, 3_037_000_500, 4_294_967_296, 5 * 10**9, 10**12,
                  2**62):
            step = pysum.exact_block_length(n)
            # The largest block is the last full one: it ends at n.
            lo = max(0, n - step)
            self.assertLessEqual(block_sum(lo, n), INT64_MAX, n)

    def test_blocks_cover_once_and_an_int64_kernel_is_exact(self):
        for n in (10, 3_037_000_501, 5 * 10**9, 10**10):
            blocks = list(pysum.exact_blocks(n))
            self.assertEqual(blocks[0][0], 0)
            self.assertEqual(blocks[-1][1], n)
            self.assertTrue(all(a[1] == b[0] for a, b in zip(blocks, blocks[1:])))
            # A kernel that wraps like int64 gives the exact total block by block...
            total = sum(wrap_int64(block_sum(lo, hi)) for lo, hi in blocks)
            self.assertEqual(total, n * (n - 1) // 2)
        # ...which one int64 sum over all of 0..5e9-1 would not.
        n = 5 * 10**9
        self.assertNotEqual(wrap_int64(n * (n - 1) // 2), n * (n - 1) // 2)

    def test_blocks_are_generated_lazily(self):
        first = next(iter(pysum.exact_blocks(2**62)))
        self.assertEqual(first, (0, pysum.exact_block_length(2**62)))


class Bounds(unittest.TestCase):
    def test_no_empty_chunk_and_full_cover(self):
        for n, chunks in ((10, 100), (100, 100), (1001, 7), (1, 1)):
            b = pysum.bounds(n, chunks)
            self.assertEqual(len(b), min(n, chunks))
            self.assertTrue(all(lo < hi for lo, hi in b))
            self.assertEqual(sum(hi - lo for lo, hi in b), n)


class Sizes(unittest.TestCase):
    def test_nice_sizes(self):
        self.assertEqual(pysum.nice_sizes(10**4, 10**5), [10**4, 2 * 10**4, 5 * 10**4, 10**5])
        self.assertEqual(pysum.nice_sizes(300, 3000), [500, 1000, 2000])


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


class Signals(unittest.TestCase):
    def test_a_signal_to_pysum_alone_ends_its_workers(self):
        # pysum.py run by hand: the terminal closing sends SIGHUP to it, not
        # to its workers, which would run on with parent 1 (issue 19).
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT):
            with self.subTest(signal=sig.name):
                p = subprocess.Popen([sys.executable, pysum.__file__, "processes", "--n", "4e8",
                                      "--workers", "2", "--chunks", "400", "--repeat", "1"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                workers, deadline = [], time.monotonic() + 30
                while len(workers) < 2 and time.monotonic() < deadline:
                    time.sleep(0.05)
                    workers = children(p.pid)
                try:
                    self.assertGreaterEqual(len(workers), 2, "no pool was seen")
                    p.send_signal(sig)
                    self.assertEqual(p.wait(timeout=30), 128 + sig)
                    deadline = time.monotonic() + 5
                    while any(alive(w) for w in workers) and time.monotonic() < deadline:
                        time.sleep(0.05)
                    self.assertEqual([w for w in workers if alive(w)], [], "workers survived")
                finally:
                    for pid in [p.pid] + workers:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    p.wait()


if __name__ == "__main__":
    unittest.main(verbosity=2)
