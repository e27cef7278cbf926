"""Segments of a recording (clips): validation of their bounds, readable codes."""

from __future__ import annotations

import secrets

from media_meta.errors import MediaMetaError
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
        raise ClipError("Les temps d'un extrait ne peuvent pas être négatifs.")
    if end_ms <= start_ms:
        raise ClipError(f"La fin ({format_clock(end_ms)}) doit venir après le début ({format_clock(start_ms)}).")
    if end_ms - start_ms < MIN_CLIP_MS:
        raise ClipError("Un extrait dure au moins une seconde.")
    if end_ms - start_ms > max_ms:
        raise ClipError(f"Un extrait dure au plus {max_ms // 60000} minutes (celui-ci : {format_clock(end_ms - start_ms)}).")
    if duration_ms and end_ms > duration_ms + 1000:
        raise ClipError(f"La fin ({format_clock(end_ms)}) dépasse la durée de l'enregistrement ({format_clock(duration_ms)}).")


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
