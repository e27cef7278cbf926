"""How numbers and dates read in French, in one place for the pages, the services' messages and the command line (no Flask here)."""

from __future__ import annotations

from datetime import datetime

NBSP = "\u00a0"  # between a number and its unit, so that « 20 Mo » never breaks across lines


def thousands(value: int) -> str:
    """``110 000``, with the narrow no-break space French puts between thousands."""
    return f"{value:,}".replace(",", "\u202f")


def file_size(size: int | float) -> str:
    """A size in bytes as people read it: ``850 Ko``, ``1,5 Mo``, ``20 Mo``, ``4 Go`` (binary units, French decimal comma)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)) if size else 0}{NBSP}Ko"
    if size < 1024**3:
        megabytes = f"{size / 1048576:.1f}".removesuffix(".0").replace(".", ",")
        return f"{megabytes}{NBSP}Mo"
    gigabytes = f"{size / 1024**3:.1f}".removesuffix(".0").replace(".", ",")
    return f"{gigabytes}{NBSP}Go"


_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(value: datetime, with_time: bool = True) -> str:
    """``mardi 26 mars 2024 à 12 h 30``."""
    day = f"{_DAYS[value.weekday()]} {value.day}{'er' if value.day == 1 else ''} {_MONTHS[value.month - 1]} {value.year}"
    if not with_time:
        return day
    return f"{day} à {value.hour} h {value.minute:02d}"
