"""The mpi sweep: psum_mpi through mpirun on this machine.

  strong  every split of the logical CPUs into R ranks x T threads (R x T =
          CPUs), at the sweep's N, beside psum_omp at all CPUs
  weak    1, 2, 4, ... ranks of one thread each (and one per CPU), at a
          fixed N per rank (N / CPUs, so the largest run sums N)
  python  bench/pysum_mpi.py, the mpi4py counterpart, with one rank per
          CPU, at the N of the article's Python rows (else the N their
          serial row chooses within --python-budget): a row of the contrast

Each rank is bound to T logical CPUs of its own (mpirun --use-hwthread-cpus
--map-by slot:PE=T --bind-to hwthread), its threads placed by
OMP_PROC_BIND.  Every run goes through runs.run_child, so mpirun and its
ranks form one process group that the sweep ends on every exit path, and is
recorded in runs.jsonl as {"sweep": "mpi", "kind", "spec", "doc"} with kind
"psum_mpi" or "python_mpi" (not in samples.csv).  The strong-scaling
reference, psum_omp at all CPUs, comes from the threads sweep; without it
the mpi sweep runs it (kind "psum", in samples.csv as well).  Its tables
(tables.mpi_*) and plots (plots.mpi_*) are built from the records alone."""
import os
import shutil
import subprocess

from . import cost, psum, runs

SWEEP = "mpi"
# What the tables read of a psum_mpi document beyond psum_omp's keys.
MPI_KEYS = ("ranks", "threads_per_rank", "nodes", "ranks_per_node", "imbalance", "reduce_s",
            "peak_rss_bytes")
KINDS = ("psum_mpi", "python_mpi")  # the jobs that run through mpirun


def availability(build):
    """((mpirun, psum_mpi), None) when the sweep can run, else (None, why)."""
    binary = os.path.join(build, "src", "psum_mpi")
    if not os.access(binary, os.X_OK):
        return None, (f"skipped: no psum_mpi at {binary} (Meson builds it when it finds MPI; "
                      "Debian: openmpi-bin libopenmpi-dev, which bench/run.sh installs)")
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if mpirun is None:
        return None, "skipped: mpirun not found (Debian: openmpi-bin)"
    return (mpirun, binary), None


def splits(cpus):
    """Every (ranks, threads) with ranks x threads = cpus, fewest ranks first."""
    return [(r, cpus // r) for r in range(1, cpus + 1) if cpus % r == 0]


def weak_ranks(cpus):
    ranks, r = [], 1
    while r <= cpus:
        ranks.append(r)
        r *= 2
    return ranks if ranks[-1] == cpus else ranks + [cpus]


def launch(mpirun, ranks, threads):
    """mpirun's command line for `ranks` ranks of `threads` logical CPUs each."""
    return [mpirun, "-q", "--use-hwthread-cpus", "--map-by", f"slot:PE={threads}",
            "--bind-to", "hwthread", "-np", str(ranks)]


def launch_env(env, threads):
    env = dict(env, OMP_NUM_THREADS=str(threads))
    if os.geteuid() == 0:
        # Open MPI refuses to run as root without both.
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


class MpiJob:
    """One psum_mpi run through mpirun; process: which of the configuration's
    processes it is (None: the only one)."""
    kind = "psum_mpi"
    sweep = SWEEP
    process = None

    def __init__(self, study, mode, n, ranks, threads, repeat, mpirun, binary):
        self.study, self.mode, self.n, self.ranks, self.threads = study, mode, n, ranks, threads
        self.repeat, self.mpirun, self.binary = repeat, mpirun, binary

    def describe(self):
        return (f"mpi {self.study}: {self.mode}, N={self.n:.0e}, {self.ranks} ranks x "
                f"{self.threads} threads" + runs.process_text(self.process))

    def spec(self):
        spec = {"study": self.study, "mode": self.mode, "n": self.n, "ranks": self.ranks,
                "threads": self.threads, "repeat": self.repeat, "schedule": "dynamic",
                "chunks": 100, "serial": False}
        if self.process is not None:
            spec["process"] = self.process
        return spec

    def estimate(self, cpus):
        like = runs.PsumJob(SWEEP, self.mode, self.n, self.ranks * self.threads, self.repeat,
                            serial=False)
        return like.estimate(cpus) + 0.7  # mpirun's start

    def command(self):
        return launch(self.mpirun, self.ranks, self.threads) + [
            self.binary, "--format", "json", "-n", str(self.n), "--mode", self.mode,
            "--repeat", str(self.repeat), "--no-serial"]

    def run(self, env):
        cmd = self.command()
        rc, out, err = runs.run_child(cmd, launch_env(env, self.threads))
        if rc in (130, -2):
            raise KeyboardInterrupt
        if rc != 0:
            raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        doc = runs.json_doc(cmd, out, runs.PSUM_KEYS + MPI_KEYS)
        if not doc["verified"]:
            raise runs.RunFailed(f"{self.describe()} did not verify: sum {doc['sum']}, "
                                 f"expected {doc['expected']}")
        runs.check_sum(self.describe(), self.n, doc["sum"])
        return doc


def _imports_mpi4py(python):
    try:
        p = subprocess.run([python, "-c", "import mpi4py"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


class PythonMpiJob:
    """bench/pysum_mpi.py through mpirun, one rank per CPU, at the N of the
    article's rows once the python sweep has settled it; else at the N that
    the article's serial row chooses within its budget (pysum.py list
    --calibrate-only), up to max_n."""
    kind = "python_mpi"
    sweep = SWEEP

    def __init__(self, ranks, max_n, repeat, budget, mpirun, scripts, pythons, group=None):
        self.ranks, self.max_n, self.repeat, self.budget = ranks, max_n, repeat, budget
        self.mpirun, self.pythons, self.group = mpirun, pythons, group
        self.script, self.pysum = scripts
        self.n = None

    def describe(self):
        return f"mpi python: mpi4py, {self.ranks} ranks"

    def spec(self):
        return {"row": "mpi4py", "ranks": self.ranks, "n": self.n, "max_n": self.max_n,
                "repeat": self.repeat, "budget_s": self.budget}

    def estimate(self, cpus):
        return self.budget * 1.5 + 1.0

    def python(self):
        """The first candidate interpreter that imports mpi4py, else the first."""
        found = [p for p in self.pythons if p]
        return next((p for p in found if _imports_mpi4py(p)), found[0])

    def choose_n(self, python, env):
        """(N, a note that says how it was chosen)."""
        if self.group is not None and self.group.n is not None:
            return self.group.n, f"N = {self.group.n:,}, the article's rows' shared N"
        serial = runs.PythonJob("list", "list", self.max_n, self.repeat, budget=self.budget)
        doc = serial.call(python, self.pysum, env, ["--calibrate-only"])
        if not doc.get("available"):
            n = min(self.max_n, 10**6)
            return n, f"N = {n:,}: the serial row, which would choose it, cannot run"
        model = cost.Fit(doc["fixed_s"], doc["per_element_s"])
        return doc["n"], (f"N = {doc['n']:,}, the N the article's serial row chooses by its "
                          f"{cost.describe_fit(model, doc['calibration'])} within its "
                          f"{self.budget:g} s budget")

    def run(self, env):
        python = self.python()
        self.n, note = self.choose_n(python, env)
        cmd = launch(self.mpirun, self.ranks, 1) + [
            python, self.script, "--n", str(self.n), "--repeat", str(self.repeat)]
        rc, out, err = runs.run_child(cmd, launch_env(env, 1))
        if rc in (130, -2):
            raise KeyboardInterrupt
        if rc not in (0, 3):
            raise runs.RunFailed(f"{' '.join(cmd)} exited {rc}: {err.strip()}")
        doc = runs.json_doc(cmd, out, ("impl", "available"))
        if doc["available"]:
            runs.check_sum(self.describe(), doc["n"], doc["sum"])
            doc["n_note"] = note
        return doc


def plan(args, cpus, build, group, pythons, reference):
    """The sweep's jobs, or ([], why) when psum_mpi or mpirun is missing.
    With reference, psum_omp at all CPUs runs too (as a psum job of this
    sweep): the threads sweep, when it runs, measures that already."""
    found, why = availability(build)
    if found is None:
        return [], why
    mpirun, binary = found
    jobs = []
    for mode in psum.describe(psum.binary(build))["names"]["modes"]:
        if reference:
            jobs.append(runs.PsumJob(SWEEP, mode, args.n, cpus, args.repeat, serial=False))
        jobs += [MpiJob("strong", mode, args.n, r, t, args.repeat, mpirun, binary)
                 for r, t in splits(cpus)]
        per_rank = max(args.n // cpus, 1)
        jobs += [MpiJob("weak", mode, per_rank * r, r, 1, args.repeat, mpirun, binary)
                 for r in weak_ranks(cpus)]
    bench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scripts = (os.path.join(bench, "pysum_mpi.py"), os.path.join(bench, "pysum.py"))
    jobs.append(PythonMpiJob(cpus, args.python_n, args.python_repeat, args.python_budget,
                             mpirun, scripts, pythons, group))
    return jobs, None

