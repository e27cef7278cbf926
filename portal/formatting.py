"""How numbers and dates read in French, in one place for the pages, the services' messages and the command line (no Flask here)."""

from __future__ import annotations

from datetime import datetime

from media_meta.stored import NBSP, file_size  # noqa: F401 (one definition, for the libraries too)



def thousands(value: int) -> str:
    """``110 000``, with the narrow no-break space French puts between thousands."""
    return f"{value:,}".replace(",", "\u202f")


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
