"""The plain data a parsed transcript is made of: what the portal stores and indexes."""

from __future__ import annotations

from dataclasses import dataclass, field

from media_meta.i18n import _


@dataclass(frozen=True)
class CueData:
    """One normalised cue: integer milliseconds, the speaker if known, plain text."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    line: int | None = None  # line of the cue's timing in the uploaded file


@dataclass(frozen=True)
class ParseWarning:
    """Something accepted but odd, shown to the admin before confirming an upload."""

    message: str
    line: int | None = None
    code: str = "odd"

    def __str__(self) -> str:
        return _("ligne %(line)s : %(reason)s", line=self.line, reason=self.message) if self.line is not None else self.message


@dataclass
class ParsedTranscript:
    format: str  # "vtt" or "srt"
    cues: list[CueData]
    warnings: list[ParseWarning] = field(default_factory=list)
    encoding: str = "UTF-8"  # what the file was read as (the stored original keeps its bytes)

    @property
    def duration_ms(self) -> int:
        return max((c.end_ms for c in self.cues), default=0)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for cue in self.cues:
            if cue.speaker:
                seen.setdefault(cue.speaker, None)
        return list(seen)


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    title: str
