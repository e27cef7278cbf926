"""Times as people write them (``754``, ``12:34``, ``1h2m3s``) to integer milliseconds, and back."""

from __future__ import annotations

import re

from media_meta.errors import TimecodeError
from media_meta.i18n import _

MAX_TIMECODE_MS = 100 * 3600 * 1000  # nothing we host is longer than 100 hours

_SECONDS = re.compile(r"^(\d{1,9})(?:[.,](\d{1,3}))?$")
_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")
_UNITS = re.compile(r"^(?:(\d{1,3})h)?(?:(\d{1,4})m(?:in)?)?(?:(\d{1,6})(?:[.,](\d{1,3}))?s)?$")


def _fraction_ms(digits: str | None) -> int:
    return int((digits or "0").ljust(3, "0")[:3])


def parse_timecode(value: str) -> int:
    """Read a time a person typed or a link carries; return milliseconds.

    Accepts seconds (``754``, ``754.5``), clock forms (``12:34``, ``1:02:03``,
    ``1:02:03.250``) and unit forms (``12m34s``, ``1h2m3s``, ``90s``, ``2h``).
    """
    text = (value or "").strip().lower().replace(" ", "")
    if not text:
        raise TimecodeError(_("Aucun temps indiqué."))
    if len(text) > 32:
        raise TimecodeError(_("Ce temps est trop long pour être lu."))
    ms: int | None = None
    if m := _SECONDS.match(text):
        ms = int(m.group(1)) * 1000 + _fraction_ms(m.group(2))
    elif m := _CLOCK.match(text):
        hours, minutes, seconds, frac = m.groups()
        if hours is not None and int(minutes) > 59:
            raise TimecodeError(_("« %(value)s » : les minutes doivent être comprises entre 0 et 59.", value=value))
        if int(seconds) > 59:
            raise TimecodeError(_("« %(value)s » : les secondes doivent être comprises entre 0 et 59.", value=value))
        ms = ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + _fraction_ms(frac)
    elif (m := _UNITS.match(text)) and any(g is not None for g in m.groups()):
        hours, minutes, seconds, frac = m.groups()
        ms = ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds or 0)) * 1000
        ms += _fraction_ms(frac)
    if ms is None:
        raise TimecodeError(
            _("« %(value)s » n'est pas un temps reconnu (exemples : 754, 12:34, 1:02:03, 12m34s).", value=value)
        )
    if ms > MAX_TIMECODE_MS:
        raise TimecodeError(_("« %(value)s » dépasse la durée maximale de 100 heures.", value=value))
    return ms


def format_clock(ms: int, precise: bool = False) -> str:
    """``754000`` -> ``12:34``; ``3723000`` -> ``1:02:03`` (whole seconds, rounded down).

    ``precise`` keeps the milliseconds when there are any: ``754560`` -> ``12:34.56``.
    """
    ms = max(0, int(ms))
    total = ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f".{ms % 1000:03d}".rstrip("0") if precise and ms % 1000 else ""
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
    return f"{minutes}:{seconds:02d}{fraction}"


def format_vtt(ms: int) -> str:
    """``754250`` -> ``00:12:34.250`` (a WebVTT timestamp)."""
    ms = max(0, int(ms))
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def format_spoken(ms: int) -> str:
    """A duration in words for screen readers and titles: ``1 h 02 min 03 s``."""
    total = max(0, int(ms)) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {seconds:02d} s"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def seconds_param(ms: int) -> str:
    """The value of a ``?t=`` link: whole seconds, or with a decimal when not on a second."""
    ms = max(0, int(ms))
    if ms % 1000 == 0:
        return str(ms // 1000)
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".")


def resolve_moment(value: str | None, duration_ms: int | None) -> tuple[int, str | None]:
    """Turn a ``?t=`` value into a start time inside the media; never raises.

    Returns ``(start_ms, notice)``; the notice, when set, tells the person why the replay
    does not start where the link said.
    """
    if value is None or value == "":
        return 0, None
    try:
        ms = parse_timecode(value)
    except TimecodeError as err:
        return 0, _("%(error)s La lecture commence au début.", error=err)
    if duration_ms and ms >= duration_ms:
        end = max(0, duration_ms - 1000)
        return end, _(
            "Le moment demandé (%(moment)s) dépasse la durée de l'enregistrement (%(duration)s) : la lecture se place à la fin.",
            moment=format_clock(ms),
            duration=format_clock(duration_ms),
        )
    return ms, None
