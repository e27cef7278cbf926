"""Where a recording lives: a local file, a direct URL, or a YouTube, PeerTube or Vimeo video."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from media_meta.errors import MediaSourceError
from media_meta.i18n import _

HOSTED_KINDS = ("youtube", "peertube", "vimeo")  # played in the host's embedded player
PLAYED_KINDS = ("file", "url")  # played by the page's own <audio>/<video>
MEDIA_KINDS = (*PLAYED_KINDS, *HOSTED_KINDS)
MEDIA_TYPES = {
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_PEERTUBE_PATH = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{6,64})/?$")
_VIMEO_ID = re.compile(r"^\d{3,12}$")


@dataclass(frozen=True)
class MediaSource:
    """A validated source: ``src`` is an id (youtube, vimeo), an https URL, or a file name."""

    kind: str
    src: str
    media_type: str | None = None
    host: str | None = None  # PeerTube instance

    @property
    def stored(self) -> str:
        """What the database keeps: the id, address or file name; for PeerTube its canonical watch address."""
        return f"https://{self.host}/w/{self.src}" if self.kind == "peertube" else self.src


def media_type_for(name: str) -> str | None:
    suffix = PurePosixPath(name.lower()).suffix
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0]


def parse_media_source(kind: str, src: str) -> MediaSource:
    """Validate a media source as the catalogue or the admin gives it; raise MediaSourceError."""
    kind = (kind or "").strip().lower()
    src = (src or "").strip()
    if kind not in MEDIA_KINDS:
        raise MediaSourceError(_("type de média inconnu « %(kind)s » : choisissez parmi %(kinds)s.", kind=kind, kinds=", ".join(MEDIA_KINDS)))
    if not src:
        raise MediaSourceError(_("la source du média est vide."))
    if kind == "file":
        media_type = media_type_for(src)
        if media_type is None or media_type.split("/")[0] not in ("audio", "video"):
            raise MediaSourceError(
                _("« %(src)s » n'est pas un fichier audio ou vidéo reconnu (%(types)s).", src=src, types=", ".join(sorted(MEDIA_TYPES)))
            )
        return MediaSource("file", src, media_type)
    if kind == "youtube":
        return MediaSource("youtube", _youtube_id(src))
    if kind == "vimeo":
        return MediaSource("vimeo", _vimeo_id(src))
    url = _https_url(src)
    if kind == "peertube":
        parts = urlsplit(url)
        match = _PEERTUBE_PATH.match(parts.path)
        if not match:
            raise MediaSourceError(
                _("adresse PeerTube non reconnue : attendu https://instance/w/IDENTIFIANT ou /videos/watch/UUID.")
            )
        return MediaSource("peertube", match.group(1), host=parts.netloc)
    media_type = media_type_for(urlsplit(url).path)
    if media_type is not None and media_type.split("/")[0] not in ("audio", "video"):
        raise MediaSourceError(_("« %(src)s » ne désigne pas un fichier audio ou vidéo.", src=src))
    return MediaSource("url", url, media_type)


def _https_url(src: str) -> str:
    parts = urlsplit(src)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise MediaSourceError(_("« %(src)s » n'est pas une adresse web (https://…).", src=src))
    return src


def _youtube_id(src: str) -> str:
    if _YOUTUBE_ID.match(src):
        return src
    parts = urlsplit(src)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    candidate = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [None])[0]
        elif parts.path.startswith(("/embed/", "/live/", "/shorts/")):
            candidate = parts.path.split("/")[2]
    elif host == "youtu.be":
        candidate = parts.path.lstrip("/")
    if candidate and _YOUTUBE_ID.match(candidate):
        return candidate
    raise MediaSourceError(_("« %(src)s » n'est pas une vidéo YouTube reconnue (identifiant de 11 caractères).", src=src))


def _vimeo_id(src: str) -> str:
    if _VIMEO_ID.match(src):
        return src
    parts = urlsplit(src)
    host = parts.netloc.lower().removeprefix("www.")
    last = parts.path.rstrip("/").split("/")[-1] if parts.path else ""
    if host in ("vimeo.com", "player.vimeo.com") and _VIMEO_ID.match(last):
        return last
    raise MediaSourceError(_("« %(src)s » n'est pas une vidéo Vimeo reconnue (https://vimeo.com/NUMÉRO).", src=src))


EMBED_BASES = {
    "youtube": "https://www.youtube-nocookie.com",
    "vimeo": "https://player.vimeo.com",
}


def embed_url(source: MediaSource, start_ms: int = 0, end_ms: int | None = None, *, bases: dict[str, str] | None = None) -> str | None:
    """The iframe address of an external player, starting at ``start_ms`` (and stopping at ``end_ms`` where the host can).

    YouTube goes through its privacy-enhanced domain; every player is asked for its JavaScript API.
    """
    bases = {**EMBED_BASES, **(bases or {})}
    start_s = max(0, start_ms // 1000)
    if source.kind == "youtube":
        params = f"enablejsapi=1&rel=0&playsinline=1&start={start_s}"
        if end_ms is not None:
            params += f"&end={-(-end_ms // 1000)}"
        return f"{bases['youtube']}/embed/{source.src}?{params}"
    if source.kind == "vimeo":
        return f"{bases['vimeo']}/video/{source.src}?dnt=1#t={start_s}s"
    if source.kind == "peertube":
        base = bases.get("peertube") or f"https://{source.host}"
        params = f"api=1&warningTitle=0&start={start_s}s"
        if end_ms is not None:
            params += f"&stop={-(-end_ms // 1000)}s"
        return f"{base}/videos/embed/{source.src}?{params}"
    return None


def external_watch_url(source: MediaSource, start_ms: int = 0) -> str | None:
    """A plain link to the video on its host, for people without JavaScript."""
    start_s = max(0, start_ms // 1000)
    if source.kind == "youtube":
        return f"https://www.youtube.com/watch?v={source.src}&t={start_s}s"
    if source.kind == "vimeo":
        return f"https://vimeo.com/{source.src}#t={start_s}s"
    if source.kind == "peertube":
        return f"{source.stored}?start={start_s}s"
    return None
