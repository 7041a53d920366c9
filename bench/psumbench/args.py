"""The argument parser and argument types shared by the bench scripts.

Counts follow psum_omp's own grammar (src/parse.h): decimal digits with
single underscores between digits (1_000_000), exact scientific forms whose
value is whole (1e9, 2.5e9, 1.25E+3); no signs, white space, fractions or
trailing characters.  Each option checks psum_omp's own limit, so a value
psum_omp would refuse is refused here, before anything runs or is written."""
import argparse
import os
import re

# psum_omp's limits (PSUM_MAX_* in src/config.h).
MAX_ELEMENTS = 2**62
MAX_CHUNKS = 10**9
MAX_REPEAT = 10**6
MAX_THREADS = 1024

_NUMBER = re.compile(r"(?P<int>[0-9](?:_?[0-9])*)(?:\.(?P<frac>[0-9](?:_?[0-9])*))?"
                     r"(?:[eE]\+?(?P<exp>[0-9]+))?")


class Parser(argparse.ArgumentParser):
    """argparse with psum_omp's convention for usage errors: one line on
    stderr naming the option and the value, then exit 2 (plain argparse
    prints its usage first, several lines).  prog names the script as it
    is run from the checkout's top (bench/sweep.py): the line starts with
    its file name and ends with the --help hint."""

    def error(self, message):
        name = os.path.basename(self.prog)
        self.exit(2, f"{name}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text):
    """text with its control characters escaped as psum_omp escapes them
    (a newline as \\n, others as \\xNN), so a value that holds one still
    makes one line."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(named.get(c, f"\\x{ord(c):02x}") if ord(c) < 32 or ord(c) == 127 else c
                   for c in text)


def parse_count(text, maximum):
    """The whole number that text spells, in [1, maximum]; raises ValueError
    with a short reason.  Never builds a huge integer: 1e999999999 is
    refused from the length of its exponent."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        raise ValueError("empty value" if text == "" else
                         "must be positive" if text.startswith("-") else
                         "not a number" if not text[:1].isdigit() else
                         "not a number of the form 1000, 1_000 or 1e3")
    digits = m["int"].replace("_", "")
    frac = (m["frac"] or "").replace("_", "").rstrip("0")
    exp = m["exp"] or "0"
    significant = (digits + frac).lstrip("0")
    if not significant:
        raise ValueError("must be at least 1")
    if len(exp.lstrip("0")) > 4:  # 10^10000 and up: over any limit
        raise ValueError(f"must not exceed {maximum}")
    shift = int(exp) - len(frac)
    if shift < 0:
        raise ValueError("not a whole number")
    if len(significant) + shift > len(str(maximum)):
        raise ValueError(f"must not exceed {maximum}")
    value = int(significant) * 10**shift
    if value > maximum:
        raise ValueError(f"must not exceed {maximum}")
    return value


def count_type(maximum):
    """An argparse type for a count in [1, maximum]."""
    def convert(text):
        try:
            return parse_count(text, maximum)
        except ValueError as e:
            raise argparse.ArgumentTypeError(f"invalid value '{text}': {e}") from None
    return convert


def count_list_type(maximum):
    """Comma-separated counts, each in [1, maximum]: 1,10,1e3."""
    one = count_type(maximum)
    return lambda text: [one(part) for part in text.split(",")]


count = count_type(MAX_ELEMENTS)
count_list = count_list_type(MAX_ELEMENTS)


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
