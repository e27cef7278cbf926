"""Cue text as people read and search it: speakers found, tags stripped, entities decoded, repeats removed."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# A voice span start: <v Name>, <v.loud Name>; the annotation runs to the closing ">".
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t\f]+([^>]*))?>", re.IGNORECASE)
# Any tag, including inline timestamps; an unterminated "<" runs to the end (as the spec's tokenizer does).
_TAG = re.compile(r"<[^>]*(?:>|$)", re.DOTALL)
_SPACES = re.compile(r"[ \t\f\u00a0\u200b]+")
# "Andrew Knight: text" (Zoom) and "[SPEAKER_01]: text" (Whisper diarization).
_NAME_PREFIX = re.compile(r"^(?:\[([A-Za-z0-9_ .-]{1,40})\]|([^\W\d][\w.'’\- ]{0,48}?)):[ \t]+(\S.*)$", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    speaker: str | None
    lines: tuple[str, ...]


def clean_line(raw: str) -> str:
    """Strip tags and inline timestamps, decode character references, fold white space."""
    text = html.unescape(_TAG.sub("", raw))
    return _SPACES.sub(" ", text).strip()


def split_voices(raw_text: str) -> list[Segment]:
    """Split a cue's raw text into per-speaker segments (a cue may hold several ``<v>`` spans)."""
    segments: list[Segment] = []
    starts = list(_VOICE.finditer(raw_text))
    if not starts:
        return [Segment(None, _clean_lines(raw_text))]
    if starts[0].start() > 0:
        lead = _clean_lines(raw_text[: starts[0].start()])
        if lead:
            segments.append(Segment(None, lead))
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(raw_text)
        name = clean_line(match.group(1) or "") or None
        segments.append(Segment(name, _clean_lines(raw_text[match.end() : end])))
    return segments


def _clean_lines(raw: str) -> tuple[str, ...]:
    # Tags may span line breaks, so strip them over the whole text before splitting.
    stripped = html.unescape(_TAG.sub("", raw))
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.split("\n"))
    return tuple(line for line in lines if line)


def name_prefix(line: str) -> tuple[str, str] | None:
    """``"Andrew Knight: Okay"`` -> ``("Andrew Knight", "Okay")``; None if the line has no such prefix."""
    match = _NAME_PREFIX.match(line)
    if not match:
        return None
    name = (match.group(1) or match.group(2)).strip()
    if len(name.split()) > 5:
        return None
    return name, match.group(3).strip()


def join_lines(lines: tuple[str, ...] | list[str]) -> str:
    return _SPACES.sub(" ", " ".join(lines)).strip()
