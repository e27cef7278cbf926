"""Numbers read from requests: never an exception, never beyond what the database can hold."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest BIGINT: SQLite and PostgreSQL refuse more (OverflowError, not a 404)


def bounded_int(value: str | None, default: int, lo: int, hi: int) -> int:
    """A number a person or a link typed, clamped to [lo, hi]; ``default`` when it is not a plain number."""
    text = (value or "").strip()
    # str.isdigit accepts "²" and other digits int() refuses; only ASCII digits (and a sign) are numbers here.
    if not text or len(text) > 30 or not text.lstrip("+-").isascii() or not text.lstrip("+-").isdigit():
        return default
    return min(hi, max(lo, int(text)))


def record_id(value: str | None) -> int | None:
    """A database id from a form or a query (1 to 2^63 − 1), or None."""
    number = bounded_int(value, 0, 0, MAX_ID + 1)
    return number if 0 < number <= MAX_ID else None


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in routes: beyond 2^63 − 1 the route does not match (404) instead of overflowing the driver."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
