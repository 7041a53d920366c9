"""Finding the processes a test started, for the checks that none outlives
a sweep, an mpirun or a pool: the test tags the environment it hands down
with PSUM_TEST_TAG, and every descendant inherits it."""
import os


def tagged_processes(tag):
    """PIDs of live processes whose environment holds PSUM_TEST_TAG=tag."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"PSUM_TEST_TAG={tag}".encode() in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def command_of(pid):
    """The command line of pid, its arguments joined by spaces; '' if gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
