"""The argument parser and argument types shared by the bench scripts.

Counts follow psum_omp's own grammar (docs/reference.md: 1e9, 2.5e9,
1_000_000), and psum_omp reads them: Parser.parse_args asks the script's
psum_omp (psumbench.psum) for each count given, with the option's limit,
so a value psum_omp would refuse is refused here with psum_omp's reason,
before anything runs or is written.  psum_omp's own limits are named as
--describe names them ("elements_max"), never repeated here."""
import argparse
import os

from . import psum


class Parser(argparse.ArgumentParser):
    """argparse with psum_omp's convention for usage errors: one line on
    stderr naming the option and the value, then exit 2 (plain argparse
    prints its usage first, several lines).  prog names the script as it
    is run from the checkout's top (bench/sweep.py): the line starts with
    its file name and ends with the --help hint.

    parse_args reads the counts (count_type) once all arguments are read,
    from the psum_omp of the script's --build if it has one (psumbench.psum
    says which otherwise).  Without a psum_omp to ask, one line and exit 1."""

    def error(self, message):
        name = os.path.basename(self.prog)
        self.exit(2, f"{name}: {one_line(message)} (see {self.prog} --help)\n")

    def unavailable(self, error):
        """psum_omp could not be asked (psum.Unavailable): one line, exit 1."""
        self.exit(1, f"{os.path.basename(self.prog)}: {one_line(str(error))}\n")

    def parse_args(self, args=None, namespace=None):
        ns = super().parse_args(args, namespace)
        try:
            self._read_counts(ns)
        except psum.Unavailable as e:
            self.unavailable(e)
        return ns

    def _read_counts(self, ns):
        path = psum.binary(getattr(ns, "build", None))
        for action in self._actions:
            value = getattr(ns, action.dest, None)
            items = value if isinstance(value, list) else [value]
            if not any(isinstance(v, Count) for v in items):
                continue
            read = []
            for v in items:
                try:
                    read.append(v.read(path, ns) if isinstance(v, Count) else v)
                except ValueError as e:
                    name = "/".join(action.option_strings) or action.metavar or action.dest
                    self.error(f"argument {name}: invalid value '{v.text}': {e}")
            setattr(ns, action.dest, read if isinstance(value, list) else read[0])

    def ask(self, question, *args):
        """question(*args), a psumbench.psum question, or one line and exit
        1 when psum_omp cannot be asked."""
        try:
            return question(*args)
        except psum.Unavailable as e:
            self.unavailable(e)


def one_line(text):
    """text with its control characters escaped as psum_omp escapes them
    (a newline as \\n, others as \\xNN), so a value that holds one still
    makes one line."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(named.get(c, f"\\x{ord(c):02x}") if ord(c) < 32 or ord(c) == 127 else c
                   for c in text)


class Count:
    """A count as given on the command line, read by Parser.parse_args."""

    def __init__(self, text, maximum):
        self.text, self.maximum = text, maximum

    def read(self, path, ns):
        """The count, in [1, maximum], read by the psum_omp at path:
        maximum is a number, the name of one of psum_omp's limits, or a
        function of the parsed arguments ns that returns a number.
        ValueError with psum_omp's reason."""
        maximum = self.maximum
        if isinstance(maximum, str):
            maximum = psum.limit(path, maximum)
        elif callable(maximum):
            maximum = maximum(ns)
        return psum.parse_count(path, self.text, maximum)


def count_type(maximum):
    """An argparse type for a count in [1, maximum]: a number (the script's
    own bound), the name of one of psum_omp's limits ("elements_max",
    "chunks_max", "repeat_max": psum_omp --describe), or a function of the
    parsed arguments (another program's bound).  The value becomes an int
    in Parser.parse_args."""
    return lambda text: Count(text, maximum)


def count_list_type(maximum):
    """Comma-separated counts, each in [1, maximum]: 1,10,1e3."""
    return lambda text: [Count(part, maximum) for part in text.split(",")]


count = count_type("elements_max")
count_list = count_list_type("elements_max")


def seconds(text):
    """A positive duration in seconds (0.5, 15)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': not a number") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': must be in (0, 86400]")
    return value


def short(n):
    """A count written back in the grammar above, shortest exact form:
    1000000 -> 1e6, 2500000 -> 2.5e6, 123456 -> 123,456, 7 -> 7."""
    mantissa, exponent = f"{n:e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    if int(exponent) < 3 or len(mantissa.replace(".", "")) > 3 or \
            float(f"{mantissa}e{exponent}") != n:
        return f"{n:,}"
    return f"{mantissa}e{int(exponent)}"
