"""The argument parser and argument types shared by the bench scripts.

Counts follow psum_omp's own grammar (src/parse.h): decimal digits with
single underscores between digits (1_000_000), exact scientific forms whose
value is whole (1e9, 2.5e9, 1.25E+3); no signs, white space, fractions, a
decimal point without an exponent (1.0) or trailing characters.  Each option checks psum_omp's own limit, so a value
psum_omp would refuse is refused here, before anything runs or is written."""
import argparse
import os

# psum_omp's limits (PSUM_MAX_* in src/config.h).
MAX_ELEMENTS = 2**62
MAX_CHUNKS = 10**9
MAX_REPEAT = 10**6
MAX_THREADS = 1024

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


_DIGITS = "0123456789"  # ASCII only, as psum_omp's isdigit in the C locale


def _digits(text, pos):
    """Reads digits with single underscores between them from text[pos:];
    returns (position after them, the digits without underscores).  Raises
    ValueError("misplaced underscore") as psum_omp does."""
    digits = []
    while pos < len(text) and (text[pos] in _DIGITS or text[pos] == "_"):
        if text[pos] == "_":
            if not digits or text[pos + 1:pos + 2] not in tuple(_DIGITS):
                raise ValueError("misplaced underscore")
        else:
            digits.append(text[pos])
        pos += 1
    return pos, "".join(digits)


def _scan(text):
    """(integer digits, fraction digits, exponent digits) of text, or
    ValueError with the reason psum_omp's psum_parse_count gives, checked
    in the same order, so both name the same fault."""
    if text == "":
        raise ValueError("empty value")
    if text[0] == "-":
        raise ValueError("must be positive")
    if text[0] not in _DIGITS:
        raise ValueError("not a number")
    pos, digits = _digits(text, 0)
    frac = ""
    if text[pos:pos + 1] == ".":
        pos, frac = _digits(text, pos + 1)
        if not frac:
            raise ValueError("missing digits after the decimal point")
    exp = ""
    if text[pos:pos + 1] in ("e", "E"):
        pos += 1
        if text[pos:pos + 1] == "-":
            raise ValueError("negative exponent")
        pos += text[pos:pos + 1] == "+"
        end = pos
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if end == pos:
            raise ValueError("missing exponent digits")
        pos, exp = end, text[pos:end]
    if pos != len(text):
        raise ValueError("trailing characters")
    return digits, frac, exp


def _too_big(maximum):
    """psum_omp's words for a value over maximum: a large power of two is
    named as one too (must not exceed 4611686018427387904 (2^62))."""
    if maximum >= 1 << 20 and maximum & (maximum - 1) == 0:
        return f"must not exceed {maximum} (2^{maximum.bit_length() - 1})"
    return f"must not exceed {maximum}"


def parse_count(text, maximum):
    """The whole number that text spells, in [1, maximum]; raises ValueError
    with psum_omp's reason.  Never builds a huge integer: 1e999999999 is
    refused from the length of its exponent."""
    digits, frac, exp = _scan(text)
    point_alone = "." in text and not exp
    frac = frac.rstrip("0")
    significant = (digits + frac).lstrip("0")
    if not significant:
        raise ValueError("must be at least 1")
    exp = exp.lstrip("0") or "0"
    # Capped at 10^6 as src/parse.c's EXP_CAP: over any limit, and above any
    # argument's fraction length, so the cap never turns whole into not.
    shift = (int(exp) if len(exp) <= 6 else 10**6) - len(frac)
    if shift < 0:
        raise ValueError("not a whole number")
    if point_alone:
        raise ValueError("a decimal point needs an exponent, as in 2.5e9")
    if len(significant) + shift > len(str(maximum)):
        raise ValueError(_too_big(maximum))
    value = int(significant) * 10**shift
    if value > maximum:
        raise ValueError(_too_big(maximum))
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
