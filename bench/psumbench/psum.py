"""What psum_omp says about itself: the one authority for its limits,
defaults, names and number grammar.  The bench scripts ask it
(`psum_omp --describe`, `--parse-count`) instead of repeating them, as any
user script would (docs/reference.md, "Questions for scripts").

The psum_omp asked is the build's: BUILD/src/psum_omp for a script given
--build, else $PSUM_OMP, else the checkout's build/src/psum_omp.  A script
that starts another (the sweep starting pysum.py) passes it on in
$PSUM_OMP, so both ask the same program."""
import functools
import json
import os
import subprocess

ENV = "PSUM_OMP"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUESTION_TIMEOUT_S = 60


class Unavailable(RuntimeError):
    """psum_omp cannot be asked: not built, or it did not answer.  str() is
    one line for the user."""


def binary(build=None):
    """The psum_omp to ask: BUILD/src/psum_omp, else $PSUM_OMP, else the
    checkout's build."""
    if build is not None:
        return os.path.join(build, "src", "psum_omp")
    return os.environ.get(ENV) or os.path.join(REPO, "build", "src", "psum_omp")


def _ask(path, args):
    """(exit status, stdout) of psum_omp asked one question."""
    if not os.access(path, os.X_OK):
        raise Unavailable(f"no {os.path.basename(path)} at {path}: build first (meson setup "
                          "build && ninja -C build; bench/run.sh does)")
    try:
        p = subprocess.run([path, *args], capture_output=True, text=True,
                           errors="replace", timeout=QUESTION_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Unavailable(f"{path} {args[0]}: {e}") from None
    return p.returncode, p.stdout


@functools.lru_cache(maxsize=None)
def describe(path):
    """psum_omp --describe of the program at path, as a dict (limits,
    defaults, names, exit_status: docs/reference.md); the bench program
    psum_limits answers --describe with its own bounds.  Raises Unavailable."""
    rc, out = _ask(path, ["--describe"])
    try:
        if rc == 0:
            return json.loads(out)
    except ValueError:
        pass
    raise Unavailable(f"{path} --describe gave no description (exit {rc})")


def limit(path, name):
    """One of --describe's limits: elements_max, chunks_max, ..."""
    return describe(path)["limits"][name]


def parse_count(path, text, maximum):
    """The count that text spells in psum_omp's grammar, in [1, maximum];
    raises ValueError with psum_omp's reason ("trailing characters",
    "must not exceed 64"), or Unavailable."""
    rc, out = _ask(path, [f"--parse-count={text}", f"--count-max={maximum}"])
    try:
        answer = json.loads(out)
    except ValueError:
        answer = None
    if rc == 0 and isinstance(answer, dict) and isinstance(answer.get("value"), int):
        return answer["value"]
    if rc == 2 and isinstance(answer, dict) and isinstance(answer.get("error"), str):
        raise ValueError(answer["error"])
    raise Unavailable(f"{path} --parse-count gave no answer (exit {rc}): is it psum_omp?")
