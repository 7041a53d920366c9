"""The machine record every result set carries."""
import datetime
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
    commit = _run(["git", "rev-parse", "HEAD"], cwd=repo)
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo)
    return commit, bool(dirty)


def record(psum_machine, binary, build_dir, repo, env):
    """Merges psum_omp's own machine object (from its JSON) with what only
    the driver knows: memory, flags, runtime, OMP_* variables, commit, date."""
    commit, dirty = _git(repo)
    return {
        "cpu_model": psum_machine["cpu_model"],
        "logical_cpus": psum_machine["logical_cpus"],
        "memory_bytes": meminfo_bytes("MemTotal"),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "huge_pages": psum_machine["huge_pages"],
        "compiler": psum_machine["compiler"],
        "build": psum_machine["build"],
        "compile_command": _compile_flags(build_dir),
        "openmp_version": psum_machine["openmp_version"],
        "openmp_runtime": _openmp_runtime(binary),
        "omp_env": {k: v for k, v in sorted(env.items()) if k.startswith("OMP_")},
        "python": platform.python_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def slug(machine):
    """A folder name for the machine: CPU model and logical CPUs."""
    model = re.sub(r"\((R|TM)\)|CPU|Processor|@.*", "", machine["cpu_model"])
    model = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "unknown"
    return f"{model}-{machine['logical_cpus']}cpu"


def markdown(machine):
    gib = machine["memory_bytes"] / 2**30 if machine["memory_bytes"] else 0
    omp = ", ".join(f"{k}={v}" for k, v in machine["omp_env"].items()) or "none set"
    rows = [
        ("CPU", machine["cpu_model"]),
        ("logical CPUs", machine["logical_cpus"]),
        ("memory", f"{gib:.1f} GiB"),
        ("kernel", machine["kernel"]),
        ("transparent huge pages", machine["huge_pages"]),
        ("compiler", machine["compiler"]),
        ("build", machine["build"]),
        ("compile command (src/sum.c)", f"`{machine['compile_command']}`"),
        ("OpenMP", f"{machine['openmp_version']}, runtime {machine['openmp_runtime']}"),
        ("OMP_* variables", omp),
        ("Python", machine["python"]),
        ("git commit", f"{machine['git_commit']}{' (uncommitted changes)' if machine['git_dirty'] else ''}"),
        ("date (UTC)", machine["date"]),
    ]
    return "| | |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)
