#!/usr/bin/env python3
"""End to end: psum_omp's JSON and CSV parsed back, exactness past 2^63,
thread reporting, warnings and peak memory.

usage: json_test.py PSUM_OMP
"""
import calendar
import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import unittest

BIN = None
PHASE_KEYS = {"min_s", "median_s", "mean_s", "max_s", "stddev_s", "samples_s",
              "calls_per_sample"}
TOP_KEYS = {"schema_version", "version", "build_commit", "build_dirty", "started_utc", "n",
            "mode", "threads", "threads_requested", "schedule", "chunks", "repeat",
            "sum", "expected", "verified", "materialize_s", "serial", "parallel",
            "speedup", "efficiency", "machine", "peak_rss_bytes", "warnings",
            "background_load", "cpus_allowed", "oversubscribed", "busy", "noisy",
            "thresholds", "device", "stream_kernel"}
DEVICE_KEYS = ["kind", "name", "devices", "number", "on_device", "teams", "threads", "lanes",
               "launches", "warmup_s", "fill_s", "copy_s"]
DEVICE_COLUMNS = ["device", "device_name", "devices", "device_number", "on_device",
                  "device_teams", "device_threads", "device_lanes", "device_launches",
                  "device_warmup_s", "device_fill_s", "device_copy_s"]
STREAM_COLUMNS = ["stream_lanes", "stream_trial_8_lanes_s", "stream_trial_4_lanes_s",
                  "stream_trial_threads"]
PROVENANCE_COLUMNS = ["version", "build_commit", "build_dirty", "started_utc"]
MACHINE_KEYS = {"cpu_model", "logical_cpus", "compiler", "openmp_version", "omp_proc_bind",
                "omp_places", "huge_pages", "caches", "scaling_governor"}
CPU0 = "/sys/devices/system/cpu/cpu0"
MIB = 1 << 20


def run(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=full_env,
                       timeout=120)
    return p


def run_json(*args, env=None):
    p = run("--format", "json", *args, env=env)
    if p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout), p.stderr


class JsonOutput(unittest.TestCase):
    def test_schema_version_is_the_first_key(self):
        p = run("--format", "json", "-n", "1e4", "--repeat", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        pairs = json.loads(p.stdout, object_pairs_hook=lambda kv: kv)
        self.assertEqual(pairs[0], ("schema_version", 1))

    def test_stream_kernel_is_named_in_stream_mode_only(self):
        doc, _ = run_json("-m", "stream", "-n", "1e6", "--repeat", "2")
        kernel = doc["stream_kernel"]
        self.assertEqual(list(kernel), ["lanes", "widths", "trial_s", "trial_threads"])
        self.assertIn(kernel["widths"], ([8, 4], [4], [2]))
        self.assertIn(kernel["lanes"], kernel["widths"])
        if len(kernel["widths"]) == 2:
            fast = min(zip(kernel["trial_s"], kernel["widths"]))[1]
            self.assertEqual(kernel["lanes"], fast)
            cpus = len(os.sched_getaffinity(0))
            self.assertEqual(kernel["trial_threads"], min(doc["threads_requested"], cpus))
            # An oversubscribed run does not time the scheduler's slices.
            many, _ = run_json("-m", "stream", "-n", "1e4", "--repeat", "1",
                               "--threads", str(4 * cpus))
            self.assertEqual(many["stream_kernel"]["trial_threads"], cpus)
            # One place: one CPU allowed, one trial thread, whatever the affinity mask.
            one, _ = run_json("-m", "stream", "-n", "1e4", "--repeat", "1", "--threads", "2",
                              env={"OMP_PLACES": "{0}"})
            self.assertEqual(one["cpus_allowed"], 1)
            self.assertEqual(one["stream_kernel"]["trial_threads"], 1)
        else:
            self.assertIsNone(kernel["trial_s"])
            self.assertIsNone(kernel["trial_threads"])
        doc, _ = run_json("-n", "1e5", "--repeat", "1")
        self.assertIsNone(doc["stream_kernel"])
        # Its place: after device, before machine.
        p = run("--format", "json", "-m", "stream", "-n", "1e4", "--repeat", "1")
        keys = [k for k, _ in json.loads(p.stdout, object_pairs_hook=lambda kv: kv)]
        self.assertEqual(keys[keys.index("device") + 1], "stream_kernel")
        self.assertEqual(keys[keys.index("stream_kernel") + 1], "machine")

    def test_materialize_has_every_key(self):
        doc, _ = run_json("-n", "1e6", "--repeat", "3", "--threads", "2")
        self.assertLessEqual(TOP_KEYS, set(doc))
        self.assertLessEqual(MACHINE_KEYS, set(doc["machine"]))
        self.assertEqual(list(doc["device"]), DEVICE_KEYS)
        self.assertEqual(doc["device"], {"kind": "cpu", **{k: None for k in DEVICE_KEYS[1:]}})
        self.assertEqual(doc["n"], 1000000)
        self.assertEqual(doc["mode"], "materialize")
        self.assertEqual(doc["schedule"], "dynamic")
        self.assertEqual(doc["chunks"], 100)
        self.assertEqual(doc["threads"], 2)
        self.assertEqual(doc["threads_requested"], 2)
        self.assertIs(doc["verified"], True)
        self.assertEqual(doc["sum"], str(1000000 * 999999 // 2))
        self.assertEqual(doc["sum"], doc["expected"])
        self.assertIsInstance(doc["materialize_s"], float)
        for phase in ("serial", "parallel"):
            self.assertLessEqual(PHASE_KEYS, set(doc[phase]))
            samples = doc[phase]["samples_s"]
            self.assertEqual(len(samples), 3)
            self.assertAlmostEqual(doc[phase]["min_s"], min(samples))
            self.assertAlmostEqual(doc[phase]["max_s"], max(samples))
            self.assertIsInstance(doc[phase]["calls_per_sample"], int)
            self.assertGreaterEqual(doc[phase]["calls_per_sample"], 1)
        self.assertAlmostEqual(doc["speedup"],
                               doc["serial"]["median_s"] / doc["parallel"]["median_s"], 5)
        self.assertAlmostEqual(doc["efficiency"], doc["speedup"] / 2, 5)
        self.assertEqual(doc["cpus_allowed"], len(os.sched_getaffinity(0)))
        for key in ("oversubscribed", "busy", "noisy"):
            self.assertIsInstance(doc[key], bool)
        self.assertEqual(doc["thresholds"],
                         {"cv": 0.05, "max_over_min": 1.2, "background_load": 0.1})
        self.assertEqual(doc["noisy"], doc["busy"] or doc["serial"]["noisy"]
                         or doc["parallel"]["noisy"])

    def test_stream_is_exact_past_2_63(self):
        n = 5_000_000_000
        doc, _ = run_json("-n", "5e9", "--mode", "stream", "--repeat", "1")
        self.assertEqual(doc["sum"], str(n * (n - 1) // 2))
        self.assertGreater(int(doc["sum"]), 2**63)
        self.assertIs(doc["verified"], True)
        self.assertIsNone(doc["materialize_s"])

    def test_no_serial_leaves_serial_and_speedup_null(self):
        doc, _ = run_json("-n", "1e5", "--no-serial", "--repeat", "1")
        self.assertIsNone(doc["serial"])
        self.assertIsNone(doc["speedup"])
        self.assertIsNone(doc["efficiency"])
        self.assertIsNotNone(doc["parallel"])

    def test_every_schedule(self):
        for schedule in ("static", "dynamic", "guided"):
            doc, _ = run_json("-n", "12345", "--schedule", schedule, "--chunks", "7",
                              "--repeat", "1")
            self.assertEqual(doc["schedule"], schedule)
            self.assertIs(doc["verified"], True)


class Threads(unittest.TestCase):
    def test_omp_num_threads_is_honoured(self):
        doc, _ = run_json("-n", "1e5", "--repeat", "1", env={"OMP_NUM_THREADS": "1"})
        self.assertEqual(doc["threads"], 1)
        self.assertEqual(doc["machine"]["omp_num_threads"], "1")

    def test_threads_option_overrides_the_environment(self):
        doc, _ = run_json("-n", "1e5", "--repeat", "1", "--threads", "3",
                          env={"OMP_NUM_THREADS": "1"})
        self.assertEqual(doc["threads"], 3)
        self.assertEqual(doc["threads_requested"], 3)

    def test_oversubscription_and_binding_warnings(self):
        cpus = os.cpu_count()
        env = dict(os.environ)
        env.pop("OMP_PROC_BIND", None)
        p = subprocess.run([BIN, "--format", "json", "-n", "1e5", "--repeat", "1",
                            "--threads", str(2 * cpus)], capture_output=True, text=True,
                           env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("oversubscribed", p.stderr)
        self.assertIn("OMP_PROC_BIND is unset", p.stderr)
        doc = json.loads(p.stdout)
        self.assertTrue(any("oversubscribed" in w for w in doc["warnings"]))
        self.assertIs(doc["oversubscribed"], True)

    def test_no_binding_warning_when_bound(self):
        doc, err = run_json("-n", "1e5", "--repeat", "1", "--threads", "1",
                            env={"OMP_PROC_BIND": "close"})
        self.assertNotIn("OMP_PROC_BIND", err)
        # libgomp binds the initial thread to one place: the count must not follow it.
        self.assertEqual(doc["cpus_allowed"], len(os.sched_getaffinity(0)))
        self.assertIs(doc["oversubscribed"], False)

    def test_places_limit_the_allowed_cpus(self):
        doc, err = run_json("-n", "1e5", "--repeat", "1", "--threads", "2",
                            env={"OMP_PROC_BIND": "close", "OMP_PLACES": "{0}"})
        self.assertEqual(doc["cpus_allowed"], 1)
        self.assertIs(doc["oversubscribed"], True)
        self.assertIn("2 threads on 1 allowed CPU: oversubscribed", err)


class Environment(unittest.TestCase):
    def test_invalid_bytes_are_dropped_and_the_json_stays_utf8(self):
        env = dict(os.environb)
        env[b"OMP_PLACES"] = b"\xff\n{0}"
        env[b"OMP_PROC_BIND"] = b"close"
        p = subprocess.run([BIN, "--format", "json", "-n", "1e4", "--repeat", "1"],
                           capture_output=True, env=env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout.decode("utf-8", errors="strict"))
        self.assertIsNone(doc["machine"]["omp_places"])
        self.assertEqual(doc["machine"]["omp_proc_bind"], "close")
        self.assertTrue(any("ignoring OMP_PLACES='\\xff\\n{0}'" in w for w in doc["warnings"]),
                        doc["warnings"])
        err = p.stderr.decode("utf-8", errors="strict")
        self.assertEqual(len(err.splitlines()), 1, err)


    def test_places_the_runtime_would_throw_away_are_dropped(self):
        cpus = sorted(os.sched_getaffinity(0))
        bound = (cpus[-1] + 64) // 64 * 64  # libgomp's first CPU number out of range
        for places in (f"{{{cpus[-1] + 1}}}", f"{{{cpus[0]}}},{{{cpus[-1] + 1}}}",
                       f"{{{cpus[0]},{bound}}}", f"{{{cpus[0]}}},!{{{cpus[0]}}}",
                       f"!{{{cpus[0]}}}", f"{{{cpus[0]}}}:2:-{cpus[0] + 1}"):
            with self.subTest(places=places):
                doc, err = run_json("-n", "1e4", "--repeat", "1",
                                    env={"OMP_PLACES": places, "OMP_PROC_BIND": "close"})
                self.assertIsNone(doc["machine"]["omp_places"])
                self.assertNotIn("libgomp", err)
                self.assertTrue(any(w.startswith(f"ignoring OMP_PLACES='{places}'")
                                    for w in doc["warnings"]), doc["warnings"])
        # Every allowed CPU in a place of its own, counted down: kept.
        if cpus == list(range(cpus[0], cpus[-1] + 1)):
            down = f"{{{cpus[-1]}}}:{len(cpus)}:-1"
            doc, err = run_json("-n", "1e4", "--repeat", "1", env={"OMP_PLACES": down})
            self.assertEqual(doc["machine"]["omp_places"], down, err)


def version_line():
    """What --version says: (version, commit or None, "dirty"/"clean"/None)."""
    p = run("--version")
    m = re.fullmatch(r"psum_omp (\S+) \(commit (?:unknown|([0-9a-f]{7,64})(?:, (dirty|clean))?)\)\n",
                     p.stdout)
    if p.returncode != 0 or m is None:
        raise AssertionError(f"--version: exit {p.returncode}, {p.stdout!r}")
    return m.groups()


def utc_seconds(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


class Provenance(unittest.TestCase):
    def test_json_names_the_build_that_version_names(self):
        version, commit, state = version_line()
        doc, _ = run_json("-n", "1e4", "--repeat", "1")
        self.assertEqual(doc["version"], version)
        self.assertEqual(doc["build_commit"], commit)
        self.assertEqual(doc["build_dirty"], None if state is None else state == "dirty")

    def test_started_utc_is_the_start_of_this_run(self):
        before = int(time.time())
        doc, _ = run_json("-n", "1e4", "--repeat", "1")
        after = int(time.time())
        self.assertRegex(doc["started_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertTrue(before <= utc_seconds(doc["started_utc"]) <= after,
                        (before, doc["started_utc"], after))

    def test_csv_ends_with_the_same_provenance(self):
        version, commit, state = version_line()
        before = int(time.time())
        p = run("--format", "csv", "-n", "1e4", "--repeat", "1")
        after = int(time.time())
        self.assertEqual(p.returncode, 0, p.stderr)
        row = next(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual([row[k] for k in PROVENANCE_COLUMNS[:3]],
                         [version, commit or "", {"dirty": "true", "clean": "false"}.get(state, "")])
        self.assertTrue(before <= utc_seconds(row["started_utc"]) <= after, row["started_utc"])


class MachineRecord(unittest.TestCase):
    def test_caches_and_governor_as_sysfs_lists_them(self):
        doc, _ = run_json("-n", "1e4", "--repeat", "1")
        machine = doc["machine"]
        indexes = [d for d in os.listdir(f"{CPU0}/cache") if d.startswith("index")] \
            if os.path.isdir(f"{CPU0}/cache") else []
        if indexes:
            self.assertEqual(len(machine["caches"]), len(indexes), machine["caches"])
            for c in machine["caches"]:
                self.assertEqual(list(c), ["level", "type", "size_bytes"])
                self.assertIn(c["type"], ("Data", "Instruction", "Unified"))
                self.assertGreater(c["size_bytes"], 0)
        else:
            self.assertIsNone(machine["caches"])
        try:
            with open(f"{CPU0}/cpufreq/scaling_governor") as f:
                governor = f.readline().strip() or None
        except OSError:
            governor = None
        self.assertEqual(machine["scaling_governor"], governor)


class Csv(unittest.TestCase):
    def test_header_and_one_row(self):
        p = run("--format", "csv", "-n", "1e5", "--repeat", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(rows), 1)
        row = rows[0]
        for key in ("n", "mode", "threads", "schedule", "chunks", "sum", "expected",
                    "verified", "serial_median_s", "parallel_median_s", "speedup",
                    "efficiency", "serial_calls_per_sample", "parallel_calls_per_sample"):
            self.assertIn(key, row)
        self.assertGreaterEqual(int(row["serial_calls_per_sample"]), 1)
        self.assertGreaterEqual(int(row["parallel_calls_per_sample"]), 1)
        self.assertEqual(row["verified"], "true")
        self.assertEqual(row["sum"], str(100000 * 99999 // 2))
        self.assertEqual(p.stdout.split(",", 1)[0], "schema_version")
        self.assertEqual(row["schema_version"], "1")
        self.assertEqual(row["cpus_allowed"], str(len(os.sched_getaffinity(0))))
        header = p.stdout.split("\n", 1)[0].split(",")
        last = DEVICE_COLUMNS + STREAM_COLUMNS + PROVENANCE_COLUMNS
        self.assertEqual(header[-len(last):], last)
        self.assertEqual(row["device"], "cpu")
        self.assertEqual({row[k] for k in DEVICE_COLUMNS[1:]}, {""})
        # Materialized: no value is generated, so no stream kernel.
        self.assertEqual({row[k] for k in STREAM_COLUMNS}, {""})

    def test_csv_stream_kernel_agrees_with_the_json(self):
        p = run("--format", "csv", "-m", "stream", "-n", "1e5", "--repeat", "1",
                "--threads", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        row = next(csv.DictReader(io.StringIO(p.stdout)))
        doc, _ = run_json("-m", "stream", "-n", "1e5", "--repeat", "1")
        kernel = doc["stream_kernel"]
        self.assertIn(int(row["stream_lanes"]), kernel["widths"])
        timed = {k: row[f"stream_trial_{k}_lanes_s"] for k in (8, 4)}
        if all(timed.values()):
            # The row's own width is the faster of its own trial times.
            self.assertEqual(int(row["stream_lanes"]), min(timed, key=lambda k: float(timed[k])))
        if kernel["trial_s"] is None:
            self.assertEqual(set(timed.values()), {""})
            self.assertEqual(row["stream_trial_threads"], "")
        else:
            self.assertEqual(kernel["widths"], [8, 4])
            self.assertTrue(all(float(v) > 0 for v in timed.values()), timed)
            # The trial ran on the run's team, at most one thread per allowed CPU.
            cpus = len(os.sched_getaffinity(0))
            self.assertEqual(row["stream_trial_threads"], str(min(2, cpus)))

    def test_rows_without_header_append_to_one_file(self):
        first = run("--format", "csv", "-n", "1e4", "--repeat", "1")
        self.assertEqual(first.returncode, 0, first.stderr)
        text = first.stdout
        for mode in ("stream", "materialize"):
            p = run("--format", "csv", "--no-header", "-n", "1e4", "--repeat", "1",
                    "--mode", mode, "--no-serial")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(len(p.stdout.splitlines()), 1, p.stdout)
            text += p.stdout
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual([r["mode"] for r in rows], ["materialize", "stream", "materialize"])
        self.assertEqual(rows[1]["serial_median_s"], "")
        self.assertEqual(rows[1]["serial_noisy"], "")
        self.assertNotEqual(rows[2]["materialize_s"], "")

    def test_warnings_share_one_quoted_field(self):
        env = {k: v for k, v in os.environ.items() if k != "OMP_PROC_BIND"}
        p = subprocess.run([BIN, "--format", "csv", "-n", "1e5", "--repeat", "1",
                            "--threads", str(2 * os.cpu_count())],
                           capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(rows), 1)
        self.assertRegex(rows[0]["warnings"], r"oversubscribed.*; OMP_PROC_BIND is unset")


class Memory(unittest.TestCase):
    def test_stream_stays_small_at_large_n(self):
        doc, _ = run_json("-n", "2e10", "--mode", "stream", "--repeat", "1", "--no-serial")
        self.assertLessEqual(doc["peak_rss_bytes"], 16 * MIB)

    def test_materialize_peak_is_the_array_plus_a_little(self):
        n = 10_000_000
        doc, _ = run_json("-n", str(n), "--repeat", "1")
        self.assertLessEqual(doc["peak_rss_bytes"], n * 8 + 64 * MIB)
        self.assertGreaterEqual(doc["peak_rss_bytes"], n * 8)


class Reference(unittest.TestCase):
    """docs/reference.md names every field that psum_omp writes: the names
    come from the program's own output (its field table), not a copy."""
    DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                        "reference.md")

    def section(self, title):
        with open(self.DOC, encoding="utf-8") as f:
            text = f.read()
        start = text.index("\n## " + title)
        end = text.find("\n## ", start + 1)
        return set(re.findall(r"`([a-z0-9_]+)`", text[start:end if end >= 0 else None]))

    def test_every_csv_column_is_in_the_reference(self):
        p = run("--format", "csv", "-n", "1e4", "--repeat", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        header = p.stdout.split("\n", 1)[0].split(",")
        missing = [c for c in header if c not in self.section("CSV")]
        self.assertEqual(missing, [], "CSV columns missing from docs/reference.md")

    def test_every_json_key_is_in_the_reference(self):
        documented = self.section("JSON")
        for mode in ("materialize", "stream"):
            doc, _ = run_json("-n", "1e4", "--repeat", "1", "--mode", mode)
            keys = set(doc)
            for value in doc.values():
                if isinstance(value, dict):
                    keys |= set(value)
            missing = sorted(keys - documented)
            self.assertEqual(missing, [], f"{mode}: JSON keys missing from docs/reference.md")


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=2)
