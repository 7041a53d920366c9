#!/usr/bin/env python3
"""Where results go: `sweep.py --out ''` is refused (one line naming --out,
exit 2) instead of writing into the current folder and then calling its
complete set incomplete; a results root whose name holds glob characters
([, ], *, ?) still lists its limits tables in the index.

usage: bench_out_test.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")
FIXTURE = os.path.join(HERE, "fixtures", "quickset")
sys.path.insert(0, BENCH)

from psumbench import results  # noqa: E402


class Out(unittest.TestCase):
    def test_an_empty_out_is_a_usage_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([sys.executable, os.path.join(BENCH, "sweep.py"), "--out", "",
                                "--build", os.path.join(tmp, "none"), "--sweeps", "threads"],
                               capture_output=True, text=True, cwd=tmp, timeout=60)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(p.stdout, "")
            self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
            self.assertIn("invalid value '' for --out", p.stderr)
            self.assertEqual(os.listdir(tmp), [])

    def test_glob_characters_in_the_root_keep_the_limits_tables(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "res[1]*?")
            machine = os.path.join(root, "m")
            shutil.copytree(FIXTURE, os.path.join(machine, "2026-12-02-000000"))
            meta = os.path.join(machine, "2026-12-02-000000", "run.json")
            with open(meta) as f:
                run = json.load(f)
            with open(meta, "w") as f:
                json.dump(dict(run, quick=False, complete=True), f)
            for name in ("limits-2026-12-02.md", "limits-2026-12-02-1800.md"):
                with open(os.path.join(machine, name), "w") as f:
                    f.write("| a |\n")
            results.write_index(root)
            with open(os.path.join(root, "README.md")) as f:
                index = f.read()
            self.assertIn("[limits-2026-12-02-1800.md](m/limits-2026-12-02-1800.md), "
                          "[limits-2026-12-02.md](m/limits-2026-12-02.md)", index)


if __name__ == "__main__":
    unittest.main(verbosity=2)
