"""Errors raised by media_meta, each carrying a message meant for the person who sent the input."""

from __future__ import annotations

from media_meta.i18n import _


class MediaMetaError(ValueError):
    """Base class: ``str(err)`` is a complete French sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TimecodeError(MediaMetaError):
    """A time given by a person (``?t=``, a catalogue field) could not be read."""


class MediaSourceError(MediaMetaError):
    """A media source (kind and location) is not usable."""


class MediaProbeError(MediaMetaError):
    """An uploaded recording is not one the portal can serve (unreadable, no sound, a format browsers do not play)."""


class TranscriptError(MediaMetaError):
    """A transcript file is rejected; ``line`` is 1-based, or None when the whole file is at fault."""

    def __init__(self, reason: str, line: int | None = None, code: str = "invalid"):
        self.reason = reason
        self.line = line
        self.code = code
        super().__init__(_("ligne %(line)s : %(reason)s", line=line, reason=reason) if line is not None else reason)

    def located(self, filename: str) -> str:
        """The error as ``FILE:LINE: reason`` (compiler style), for the command line."""
        where = f"{filename}:{self.line}" if self.line is not None else filename
        return f"{where}: {self.reason}"
