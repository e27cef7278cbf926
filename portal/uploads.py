"""Large uploads (recordings) written straight to the media folder while they arrive, hashed on the way.

Werkzeug's form parser asks the request for a file to write each uploaded file into. For the media
upload route that file is in ``MEDIA_DIR/.incoming/`` (the same disk as the media, so that keeping
it is a hard link, not a copy of gigabytes), named ``*.part`` (never backed up), and its SHA-256 is
computed as the bytes are written: nothing is held in memory and nothing is read twice. What the
view does not keep is removed at the end of the request, whatever happened.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

from flask import Flask, current_app, g
from flask import Request as FlaskRequest

MEDIA_UPLOAD_ENDPOINT = "media_upload.upload"
INCOMING = ".incoming"


class HashingFile:
    """A ``*.part`` file that hashes what is written to it; the form parser's container for one upload."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.NamedTemporaryFile(dir=directory, prefix="upload-", suffix=".part", delete=False)
        self.path = Path(self._file.name)
        self.size = 0
        self._digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._file.write(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def __getattr__(self, name: str):  # seek, read, tell, flush… for Werkzeug's FileStorage
        return getattr(self._file, name)

    def close(self) -> None:
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


class PortalRequest(FlaskRequest):
    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        # The media upload's own limit (MAX_MEDIA_BYTES), also for the CSRF check that reads the form first.
        if self.endpoint == MEDIA_UPLOAD_ENDPOINT and current_app:
            return current_app.config["MAX_MEDIA_BYTES"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        if self.endpoint != MEDIA_UPLOAD_ENDPOINT:
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)
        stream = HashingFile(Path(current_app.config["MEDIA_DIR"]) / INCOMING)
        g.setdefault("uploads", []).append(stream)
        return stream


def init_app(app: Flask) -> None:
    app.request_class = PortalRequest

    @app.teardown_request
    def _remove_unkept(_exc: BaseException | None) -> None:
        for stream in g.pop("uploads", []):
            stream.discard()  # kept uploads were linked under their final name before this


def remove_stale_parts(directory: Path, older_than_s: float = 24 * 3600) -> None:
    """Remove what a killed worker left in the incoming folder (an upload cut off mid-way)."""
    now = time.time()
    for path in directory.glob("*.part"):
        try:
            if now - path.stat().st_mtime > older_than_s:
                path.unlink()
        except OSError:
            pass
