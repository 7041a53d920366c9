"""The machine record every result set carries."""
import datetime
import hashlib
import json
import os
import platform
import re
import subprocess


def _run(cmd, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    except OSError:
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def meminfo_bytes(field):
    """A field of /proc/meminfo in bytes (MemTotal, MemAvailable), or None."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _compile_flags(build_dir):
    """The exact command that compiled src/sum.c, from compile_commands.json."""
    try:
        with open(os.path.join(build_dir, "compile_commands.json")) as f:
            for entry in json.load(f):
                if entry["file"].endswith("src/sum.c") and "portable" not in entry["output"]:
                    return entry["command"]
    except (OSError, ValueError, KeyError):
        pass
    return None


def _openmp_runtime(binary):
    libs = _run(["ldd", binary]) or ""
    found = [line.split()[0] for line in libs.splitlines() if re.search(r"lib(g|i)?omp", line)]
    return ", ".join(found) or "unknown"


def _git(repo):
    """The commit of the project's checkout, and whether it has changes; both
    None unless repo is the top of a checkout (a copy of the project inside
    another repository must not report that repository's commit)."""
    top = _run(["git", "rev-parse", "--show-toplevel"], cwd=repo)
    if top is None or os.path.realpath(top) != os.path.realpath(repo):
        return None, None
    commit = _run(["git", "rev-parse", "HEAD"], cwd=repo)
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo)
    return commit, bool(dirty)


def _python_rows(python):
    """Which interpreter ran the Python rows, with its numpy and numba."""
    if python is None:
        return None
    probe = ("import json, sys\nout = {'executable': sys.executable, "
             "'version': sys.version.split()[0]}\nfor m in ('numpy', 'numba'):\n"
             "    try:\n        out[m] = __import__(m).__version__\n"
             "    except ImportError:\n        out[m] = None\nprint(json.dumps(out))")
    text = _run([python, "-c", probe])
    try:
        return json.loads(text) if text else {"executable": python}
    except ValueError:
        return {"executable": python}


# The x86-64 microarchitecture levels, by the flags that define each one's top.
ISA_LEVELS = (("x86-64-v4", ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")),
              ("x86-64-v3", ("avx2", "bmi2", "fma", "movbe")),
              ("x86-64-v2", ("sse4_2", "popcnt", "ssse3")))
LSCPU_FIELDS = {"Model name": "model", "CPU family": "family", "Model": "model_number",
                "Stepping": "stepping", "Socket(s)": "sockets",
                "Core(s) per socket": "cores_per_socket", "Thread(s) per core":
                "threads_per_core", "NUMA node(s)": "numa_nodes", "L1d cache": "l1d",
                "L2 cache": "l2", "L3 cache": "l3", "Hypervisor vendor": "hypervisor"}


def topology():
    """What tells machines apart beyond the model name, from `lscpu -J`:
    sockets, cores, threads per core, NUMA nodes, caches, ISA level; {} when
    lscpu is missing."""
    text = _run(["lscpu", "-J"])
    try:
        fields = {e["field"].rstrip(":"): e["data"] for e in json.loads(text)["lscpu"]}
    except (TypeError, ValueError, KeyError):
        return {}
    topo = {key: fields[name] for name, key in LSCPU_FIELDS.items() if name in fields}
    flags = set(fields.get("Flags", "").split())
    topo["isa_level"] = next((level for level, need in ISA_LEVELS if flags >= set(need)),
                             "x86-64" if fields.get("Architecture") == "x86_64"
                             else fields.get("Architecture", "unknown"))
    return topo


def record(psum_machine, binary, build_dir, repo, env, python=None):
    """Merges psum_omp's own machine object (from its JSON) with what only
    the driver knows: memory, flags, runtime, OMP_* variables, the Python
    rows' interpreter, commit, date."""
    if env.get("PSUM_GIT_COMMIT"):
        # A lent GPU machine (bench/device_run.sh): the commit that
        # bench/device_pack.sh built the binaries from, as it recorded it.
        # Whatever .git that machine's copy has is not where they came from
        # (the first H200 sets recorded a stale one from it).
        commit, dirty = env["PSUM_GIT_COMMIT"], env.get("PSUM_GIT_DIRTY") == "true"
    else:
        commit, dirty = _git(repo)
        if commit is None and psum_machine.get("build_commit"):
            # An installed bench (psum-bench) has no checkout: the commit
            # psum_omp says it was built from.
            commit, dirty = psum_machine["build_commit"], psum_machine.get("build_dirty")
    return {
        "cpu_model": psum_machine["cpu_model"],
        "logical_cpus": psum_machine["logical_cpus"],
        "memory_bytes": meminfo_bytes("MemTotal"),
        "topology": topology(),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "huge_pages": psum_machine["huge_pages"],
        "compiler": psum_machine["compiler"],
        "build": psum_machine["build"],
        "compile_command": _compile_flags(build_dir),
        "openmp_version": psum_machine["openmp_version"],
        "openmp_runtime": _openmp_runtime(binary),
        "omp_env": {k: v for k, v in sorted(env.items()) if k.startswith("OMP_")},
        "python": platform.python_version(),
        "python_rows": _python_rows(python),
        "git_commit": commit,
        "git_dirty": dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def slug(machine):
    """A folder name for the machine: CPU model, logical CPUs, and a short
    hash of its topology (caches, sockets, cores, ISA level, memory), so two
    different machines that share a model name get different folders."""
    model = re.sub(r"\((R|TM)\)|CPU|Processor|@.*", "", machine["cpu_model"])
    model = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "unknown"
    topo = dict(machine.get("topology") or {},
                memory_gib=round((machine.get("memory_bytes") or 0) / 2**30))
    digest = hashlib.sha1(json.dumps(topo, sort_keys=True).encode()).hexdigest()[:6]
    return f"{model}-{machine['logical_cpus']}cpu-{digest}"


def topology_text(machine):
    t = machine.get("topology") or {}
    if not t:
        return "unknown"
    return (f"{t.get('sockets', '?')} socket(s) × {t.get('cores_per_socket', '?')} cores × "
            f"{t.get('threads_per_core', '?')} threads, {t.get('numa_nodes', '?')} NUMA "
            f"node(s); L1d {t.get('l1d', '?')}, L2 {t.get('l2', '?')}, L3 {t.get('l3', '?')}; "
            f"{t.get('isa_level', '?')}" + (f"; {t['hypervisor']} guest" if t.get("hypervisor")
                                            else ""))


def _python_text(info):
    if not info:
        return "not run"
    return (f"{info.get('executable')} {info.get('version', '?')}, numpy "
            f"{info.get('numpy') or 'missing'}, numba {info.get('numba') or 'missing'}")


def markdown(machine):
    gib = machine["memory_bytes"] / 2**30 if machine["memory_bytes"] else 0
    omp = ", ".join(f"{k}={v}" for k, v in machine["omp_env"].items()) or "none set"
    rows = [
        ("CPU", machine["cpu_model"]),
        ("logical CPUs", machine["logical_cpus"]),
        ("topology", topology_text(machine)),
        ("memory", f"{gib:.1f} GiB"),
        ("kernel", machine["kernel"]),
        ("transparent huge pages", machine["huge_pages"]),
        ("compiler", machine["compiler"]),
        ("build", machine["build"]),
        ("compile command (src/sum.c)", f"`{machine['compile_command']}`"),
        ("OpenMP", f"{machine['openmp_version']}, runtime {machine['openmp_runtime']}"),
        ("OMP_* variables", omp),
        ("Python (driver)", machine["python"]),
        ("Python rows", _python_text(machine.get("python_rows"))),
        ("git commit", f"{machine['git_commit'] or 'unknown (not run from a checkout)'}"
                       f"{' (uncommitted changes)' if machine['git_dirty'] else ''}"),
        ("date (UTC)", machine["date"]),
    ]
    return "| | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)


TEXT_FIELDS = ("cpu_model", "kernel", "huge_pages", "compiler", "build", "compile_command",
               "openmp_runtime", "python", "date")


def _line(value):
    """A string of a machine record as one line of a Markdown table cell."""
    return "".join(" " if c < " " or c == "\x7f" else c for c in value).replace("|", "\\|")


def checked(machine, warn=None):
    """A machine record read back from a result set's machine.json, fit for
    the tables, captions and index: every field of the expected type, each
    string one line (a | escaped), a field of the wrong type replaced ("?",
    None or empty) and named in one warning through warn(text).  Raises
    ValueError when logical_cpus is not a count: the tables need it."""
    if not isinstance(machine, dict):
        raise ValueError("machine.json does not hold a JSON object")
    cpus = machine.get("logical_cpus")
    if type(cpus) is not int or cpus < 1:
        raise ValueError(f"machine.json: logical_cpus {str(cpus)[:40]!r} is not a count")
    out, bad = dict(machine), []
    for key in TEXT_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = _line(out[key])
        else:
            bad += [key] if key in out else []
            out[key] = "?"
    if isinstance(out.get("git_commit"), str):
        out["git_commit"] = _line(out["git_commit"])
    elif out.get("git_commit") is not None:
        bad.append("git_commit")
        out["git_commit"] = None
    checks = {"memory_bytes": lambda v: type(v) is int and v >= 0,
              "git_dirty": lambda v: isinstance(v, bool),
              "openmp_version": lambda v: type(v) is int,
              "topology": lambda v: isinstance(v, dict),
              "omp_env": lambda v: isinstance(v, dict),
              "python_rows": lambda v: isinstance(v, dict)}
    for key, ok in checks.items():
        if out.get(key) is not None and not ok(out[key]):
            bad.append(key)
            out[key] = None
    for key in ("topology", "omp_env", "python_rows"):
        out[key] = {_line(str(k)): _line(str(v)) if v is not None else None
                    for k, v in (out.get(key) or {}).items()}
    out["python_rows"] = out["python_rows"] or None
    out["openmp_version"] = out.get("openmp_version") or "?"
    out.setdefault("git_dirty", None)
    if bad and warn:
        warn(f"machine.json: {', '.join(bad)} of the wrong type, shown as unknown")
    return out
