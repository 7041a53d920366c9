#!/usr/bin/env python3
"""No byte of a result set reaches gnuplot, a shell or an interpreter as
code: a set (tests/bench/fixtures/quickset, a --quick sweep's, trimmed)
whose machine.json, run.json and runs.jsonl strings carry quotes,
newlines, backquotes, system(...), @macros, ;, ! and shell
metacharacters is rendered with `bench/sweep.py --render` (and indexed,
and compared); a canary file that each payload would create must not
exist afterwards, and the render must still draw its plots.

usage: bench_hostile_test.py
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

from psumbench import plots  # noqa: E402


def payloads(canary):
    """Strings that would run `touch canary` if they reached gnuplot or a
    shell as code, each a different way in."""
    touch = f"touch {canary}"
    return [
        f"x' \"\nsystem \"{touch}\"\n",                 # break out of a quoted string
        f"x\"\nsystem(\"{touch}\")\n#",
        f"`{touch}`",                                    # gnuplot command substitution
        f"'`{touch}`'",
        f"@cmd; cmd = \"{touch}\"",                      # a macro
        f"a'; ! {touch}; print 'b",                      # gnuplot's shell escape
        f"$({touch}); {touch} | {touch} && {touch} > x",  # a shell
        f"\\'\n! {touch}\r\n",
        "_^{}&~\\ \x00\x1b[31m \ud800 end\\",           # markup, control, a lone surrogate
    ]


def gnuplot():
    return shutil.which("gnuplot")


class GnuplotText(unittest.TestCase):
    """plots.gp_text and plots.dat_text against gnuplot itself."""

    @unittest.skipUnless(gnuplot(), "gnuplot is not installed")
    def test_every_payload_prints_as_text(self):
        with tempfile.TemporaryDirectory() as tmp:
            canary = os.path.join(tmp, "CANARY")
            script = "cmd = 'touch " + canary + "'\n" + "".join(
                f"print {plots.gp_text(s)}\n" for s in payloads(canary))
            p = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True,
                               cwd=tmp, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertFalse(os.path.exists(canary), "a payload ran")
            # One printed line per payload: none broke out of its string.
            self.assertEqual(len(p.stderr.splitlines()), len(payloads(canary)), p.stderr)

    @unittest.skipUnless(gnuplot(), "gnuplot is not installed")
    def test_data_fields_keep_their_lines(self):
        with tempfile.TemporaryDirectory() as tmp:
            canary = os.path.join(tmp, "CANARY")
            with open(os.path.join(tmp, "d.dat"), "w") as f:
                for i, s in enumerate(payloads(canary)):
                    f.write(f"{plots.dat_text(s)} {i}\n")
            script = ("set terminal dumb size 300,100\nset output 'x.txt'\n"
                      "stats 'd.dat' using 2 nooutput\n"
                      "print STATS_records\nplot 'd.dat' using 2:0:ytic(1) notitle\n")
            p = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True,
                               cwd=tmp, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr.strip(), str(len(payloads(canary))))
            self.assertFalse(os.path.exists(canary), "a payload ran")

    def test_one_line_each(self):
        for s in payloads("/tmp/x"):
            for text in (plots.gp_text(s), plots.dat_text(s)):
                self.assertEqual(len(text.splitlines()), 1, text)
                self.assertNotIn("`", text)
                self.assertNotIn("@", text)


def poison(setdir, canary):
    """Puts every payload into every string of the set's three files."""
    bad = payloads(canary)
    with open(os.path.join(setdir, "machine.json")) as f:
        machine = json.load(f)
    for i, key in enumerate(("cpu_model", "compiler", "huge_pages", "kernel", "build",
                             "openmp_runtime", "python")):
        machine[key] = bad[i % len(bad)] + " " + bad[(i + 1) % len(bad)]
    machine["date"] = bad[2] + "2026-12-02"
    machine["git_commit"] = bad[0]
    machine["topology"] = {"model": bad[1], "sockets": bad[3], "hypervisor": bad[6]}
    with open(os.path.join(setdir, "machine.json"), "w") as f:
        json.dump(machine, f)
    with open(os.path.join(setdir, "run.json")) as f:
        meta = json.load(f)
    meta.update(quick=False, git_commit=bad[4], gpu_skipped=bad[5], mpi_skipped=bad[6],
                watch_skipped=None, order=bad, sweeps=meta["sweeps"] + ["mpi"])
    with open(os.path.join(setdir, "run.json"), "w") as f:
        json.dump(meta, f)
    lines = []
    with open(os.path.join(setdir, "runs.jsonl")) as f:
        records = [json.loads(line) for line in f]
    for i, r in enumerate(records):
        lines.append(json.dumps(r))
        # A copy of each record with a payload in a string field: skipped
        # or shown as text, never run.
        r = json.loads(json.dumps(r))
        b = bad[i % len(bad)]
        if r["kind"] == "psum":
            field = ("mode", "schedule", "sum", "expected")[i % 4]
            r["doc"][field] = b
            r["doc"]["machine"]["cpu_model"] = b
        elif r["kind"] == "python":
            r["doc"]["impl"] = b
            r["spec"]["row"] = b
        r["sweep"] = r["sweep"] if i % 3 else b
        lines.append(json.dumps(r))
    lines.append(json.dumps({"sweep": "mpi", "kind": "psum_mpi", "spec": {"study": bad[0]},
                             "doc": {"mode": bad[1]}}))
    with open(os.path.join(setdir, "runs.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")


class HostileSet(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.canary = os.path.join(self.tmp, "CANARY")
        self.root = os.path.join(self.tmp, "results")
        self.set = os.path.join(self.root, "machine", "2026-12-02-000000")
        shutil.copytree(FIXTURE, self.set)
        poison(self.set, self.canary)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_bench(self, *args):
        return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                              cwd=self.tmp, timeout=120)

    def test_render_runs_nothing_and_still_draws(self):
        p = self.run_bench(os.path.join(BENCH, "sweep.py"), "--render", self.set,
                           "--out", self.root)
        self.assertFalse(os.path.exists(self.canary), "a payload ran: " + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.root, "README.md")))
        if gnuplot():
            for name in ("speedup", "rates", "sizes", "contrast"):
                self.assertGreater(os.path.getsize(os.path.join(self.set, name + ".png")), 0,
                                   name)
        # Each gnuplot script's set strings stay on their own line.
        for name in os.listdir(self.set):
            if name.endswith(".gp"):
                with open(os.path.join(self.set, name)) as f:
                    text = f.read()
                self.assertNotIn("`", text, name)
                for line in text.splitlines():
                    self.assertFalse(line.lstrip().startswith(("system", "!")), line)

    def test_redrawing_the_written_scripts_runs_nothing(self):
        self.run_bench(os.path.join(BENCH, "sweep.py"), "--render", self.set)
        if not gnuplot():
            self.skipTest("gnuplot is not installed")
        for name in sorted(os.listdir(self.set)):
            if name.endswith(".gp"):
                p = subprocess.run(["gnuplot", name], cwd=self.set, capture_output=True,
                                   text=True, timeout=60)
                self.assertEqual(p.returncode, 0, name + ": " + p.stderr)
        self.assertFalse(os.path.exists(self.canary), "a payload ran")

    def test_compare_runs_nothing(self):
        other = os.path.join(self.tmp, "other")
        shutil.copytree(FIXTURE, other)
        p = self.run_bench(os.path.join(BENCH, "compare.py"), other, self.set)
        self.assertFalse(os.path.exists(self.canary), "a payload ran")
        self.assertNotIn("Traceback", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
