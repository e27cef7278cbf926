"""What changed between two versions of a transcript: cues added, removed, with another text, at other times."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Protocol, Sequence

# Aligning two transcripts costs time in the square of their differences: past this many cues on
# either side, only the counts of cues are compared (the page says so).
MAX_DIFF_CUES = 20_000
KINDS = ("added", "removed", "text", "times")


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


@dataclass(frozen=True)
class CueChange:
    kind: str  # one of KINDS
    before: CueLike | None  # None when added
    after: CueLike | None  # None when removed


@dataclass
class TranscriptDiff:
    changes: list[CueChange] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: int = 0
    compared: bool = True  # False when a side is longer than MAX_DIFF_CUES

    @property
    def same(self) -> bool:
        return self.compared and not self.changes


def _key(cue: CueLike) -> tuple[str, str]:
    return ((cue.speaker or "").casefold(), " ".join(cue.text.split()).casefold())


def diff_cues(before: Sequence[CueLike], after: Sequence[CueLike], max_cues: int = MAX_DIFF_CUES) -> TranscriptDiff:
    """The changes from ``before`` to ``after``, in the order of ``after`` (cues matched by speaker and text)."""
    result = TranscriptDiff()
    if len(before) > max_cues or len(after) > max_cues:
        result.compared = False
        return result

    def add(kind: str, old: CueLike | None, new: CueLike | None) -> None:
        result.changes.append(CueChange(kind, old, new))
        result.counts[kind] += 1

    matcher = SequenceMatcher(None, [_key(c) for c in before], [_key(c) for c in after], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for old, new in zip(before[i1:i2], after[j1:j2], strict=True):
                if (old.start_ms, old.end_ms) != (new.start_ms, new.end_ms):
                    add("times", old, new)
                else:
                    result.unchanged += 1
        elif tag == "replace":
            # Cue for cue, the rest added or removed: a corrected line keeps its place.
            pairs = min(i2 - i1, j2 - j1)
            for old, new in zip(before[i1 : i1 + pairs], after[j1 : j1 + pairs], strict=True):
                add("text", old, new)
            for old in before[i1 + pairs : i2]:
                add("removed", old, None)
            for new in after[j1 + pairs : j2]:
                add("added", None, new)
        elif tag == "delete":
            for old in before[i1:i2]:
                add("removed", old, None)
        else:
            for new in after[j1:j2]:
                add("added", None, new)
    return result
