"""The contract between the portal and the index: plain documents the portal fills from its database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CueDoc:
    cue_id: int
    webinar_id: int
    transcript_id: int
    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    next_text: str = ""  # the following cue's text, so a phrase said across two cues is found


@dataclass(frozen=True)
class WebinarDoc:
    """A webinar with what describes it (title, question, description, speaker names) and its cues."""

    webinar_id: int
    slug: str
    title: str
    text: str
    themes: tuple[str, ...]
    starts_at_ms: int  # epoch milliseconds, for sorting by date
    transcript_id: int | None = None
    cues: tuple[CueDoc, ...] = field(default_factory=tuple)
    language: str = "fr"  # analyses the webinar's text and its cues (search_index.analysis.language)


@dataclass(frozen=True)
class ResourceDoc:
    """A resource of the library: its title, description and extracted text, found beside the cues."""

    resource_id: int
    title: str
    text: str
    themes: tuple[str, ...] = ()
    language: str = "fr"
