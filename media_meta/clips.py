"""Segments of a recording (clips): validation of their bounds, readable codes."""

from __future__ import annotations

import secrets

from media_meta.errors import MediaMetaError
from media_meta.i18n import _
from media_meta.timecodes import format_clock

MIN_CLIP_MS = 1000
# No 0/o, 1/l/i: a code can be read aloud or copied from paper without ambiguity.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes: not enumerable


class ClipError(MediaMetaError):
    """A segment that cannot be a clip; the message says why, in French."""


def validate_segment(start_ms: int, end_ms: int, duration_ms: int | None, max_ms: int) -> None:
    """Check a clip's bounds; ``max_ms`` is the portal's setting (``CLIP_MAX_MS``), the only place the limit is decided."""
    if start_ms < 0 or end_ms < 0:
        raise ClipError(_("Les temps d'un extrait ne peuvent pas être négatifs."))
    if end_ms <= start_ms:
        raise ClipError(_("La fin (%(end)s) doit venir après le début (%(start)s).", end=format_clock(end_ms), start=format_clock(start_ms)))
    if end_ms - start_ms < MIN_CLIP_MS:
        raise ClipError(_("Un extrait dure au moins une seconde."))
    if end_ms - start_ms > max_ms:
        length = format_clock(end_ms - start_ms)
        raise ClipError(_("Un extrait dure au plus %(minutes)s minutes (celui-ci : %(length)s).", minutes=max_ms // 60000, length=length))
    if duration_ms and end_ms > duration_ms + 1000:
        end, duration = format_clock(end_ms), format_clock(duration_ms)
        raise ClipError(_("La fin (%(end)s) dépasse la durée de l'enregistrement (%(duration)s).", end=end, duration=duration))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """Accept what people type or read: any case, with dashes or spaces; None if it cannot be a code."""
    code = "".join(ch for ch in (text or "").lower() if ch not in "- ")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    """``k7m2q9xd`` -> ``k7m2-q9xd``, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"
