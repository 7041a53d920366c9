"""Writing output files whole or not at all: a reader (the results index,
device_run.sh copying a table into a result set) never finds a file cut
short by an interrupt, a full disk or a failed write.  And reading result
files back as data: JSON with its strings valid UTF-8 and its nesting
bounded, messages about them one line."""
import io
import json
import os
import tempfile

from . import args


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


MAX_DEPTH = 32  # deeper than any result file nests (run.json: 3 levels)


def _clean(value, depth=0):
    """value with every string made valid UTF-8 (a lone surrogate, which
    JSON allows, cannot be written back out) and no nesting past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_clean(k, depth + 1): _clean(v, depth + 1) for k, v in value.items()}
    return value


def loads(text):
    """The JSON value in text, cleaned as _clean says; ValueError for
    anything else (invalid JSON, nesting that exhausts the parser)."""
    try:
        return _clean(json.loads(text))
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None


def read_json(path):
    """The JSON object in the file at path, read as loads() reads it:
    OSError, or ValueError when it is not one JSON object."""
    with open(path, encoding="utf-8", errors="replace") as f:
        value = loads(f.read())
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def one_line(text, limit=200):
    """Text from a result file made fit for one line of a message: control
    characters escaped as args.one_line escapes them, at most limit
    characters."""
    text = args.one_line(str(text))
    return text if len(text) <= limit else text[:limit] + "…"


class AtomicText(io.StringIO):
    """`with AtomicText(path) as f: f.write(...)`: the text reaches path
    through write_atomic when the block ends without an exception, and
    never otherwise (a .dat file beside a plot is whole or absent)."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def __exit__(self, kind, value, trace):
        if kind is None:
            write_atomic(self.path, self.getvalue())
        return super().__exit__(kind, value, trace)
