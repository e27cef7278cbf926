"""How numbers read in French, in one place for the pages, the services' messages and the command line (no Flask here)."""

from __future__ import annotations

NBSP = "\u00a0"  # between a number and its unit, so that « 20 Mo » never breaks across lines


def thousands(value: int) -> str:
    """``110 000``, with the narrow no-break space French puts between thousands."""
    return f"{value:,}".replace(",", "\u202f")


def file_size(size: int | float) -> str:
    """A size in bytes as people read it: ``850 Ko``, ``1,5 Mo``, ``20 Mo`` (binary units, French decimal comma)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)) if size else 0}{NBSP}Ko"
    megabytes = f"{size / 1048576:.1f}".removesuffix(".0").replace(".", ",")
    return f"{megabytes}{NBSP}Mo"
