"""Normalised cues back to files: WebVTT for the player's captions track, plain text to read or print."""

from __future__ import annotations

from typing import Iterable, Protocol

from media_meta.i18n import _
from media_meta.timecodes import format_clock, format_vtt


class CueLike(Protocol):
    """What is read of a cue (only read: a frozen CueData or a stored Cue alike)."""

    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def text(self) -> str: ...


def _escape(text: str) -> str:
    # Cue text is plain: only these three would be read as markup by a WebVTT parser.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_voice(name: str) -> str:
    return _escape(name).replace("\n", " ")


def to_vtt(cues: Iterable[CueLike], header: str = "") -> str:
    """A WebVTT file with one cue per stored cue, speakers as ``<v Name>`` voice spans."""
    out = ["WEBVTT" + (f" - {header}" if header else ""), ""]
    for i, cue in enumerate(cues, 1):
        body = _escape(cue.text)
        if cue.speaker:
            body = f"<v {_escape_voice(cue.speaker)}>{body}</v>"
        # A blank line inside cue text would end the cue, and "-->" would start a new one.
        body = body.replace("-->", "--&gt;")
        out += [str(i), f"{format_vtt(cue.start_ms)} --> {format_vtt(cue.end_ms)}", body, ""]
    return "\n".join(out)


def to_text(cues: Iterable[CueLike], title: str = "") -> str:
    """Readable text: a ``[12:34] Speaker`` heading at each change of speaker."""
    out = [title, "=" * len(title), ""] if title else []
    current: object = object()
    unnamed = _("Intervenant·e non précisé·e")
    for cue in cues:
        if cue.speaker != current:
            if out and out[-1] != "":
                out.append("")
            out.append(f"[{format_clock(cue.start_ms)}] {cue.speaker or unnamed}")
            current = cue.speaker
        out.append(cue.text)
    return "\n".join(out) + "\n"
