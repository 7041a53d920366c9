"""Writing output files whole or not at all: a reader (the results index,
device_run.sh copying a table into a result set) never finds a file cut
short by an interrupt, a full disk or a failed write."""
import os
import tempfile


def write_atomic(path, text):
    """Writes text to path through a temporary file in the same folder,
    synced and then renamed over path, so path holds either its old content
    or all of text.  The file gets the mode a plain open() would give it.
    Raises OSError; the temporary file is removed on every failure."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(f.fileno(), 0o666 & ~mask)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
