"""Argument types shared by the bench scripts."""
import argparse
import decimal


def count(text):
    """A positive whole number: 1000000000, 1_000_000_000 or 1e9."""
    try:
        value = decimal.Decimal(text.replace("_", ""))
    except decimal.InvalidOperation:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': not a number")
    if not value.is_finite() or value != value.to_integral_value() or value < 1:
        raise argparse.ArgumentTypeError(f"invalid value '{text}': not a positive whole number")
    return int(value)


def count_list(text):
    """Comma-separated counts: 1,10,1e3."""
    return [count(part) for part in text.split(",")]
