"""What a media file really is, asked to ffprobe: container, streams, duration, and whether browsers play it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from media_meta.errors import MediaProbeError
from media_meta.i18n import _
from media_meta.sources import MEDIA_TYPES
from media_meta.timecodes import format_clock

PROBE_TIMEOUT_S = 60
# What <audio> and <video> play in every browser the portal supports, per container. The extension a
# file is stored under (and so its media type) follows from its container, never from its name.
_CONTAINERS = {
    # ffprobe's format name: (extension for audio only, extension with video, audio codecs, video codecs)
    "mp4": (".m4a", ".mp4", {"aac", "mp3", "opus"}, {"h264", "av1"}),
    "webm": (".webm", ".webm", {"opus", "vorbis"}, {"vp8", "vp9", "av1"}),
    "ogg": (".opus", ".ogv", {"opus", "vorbis"}, {"theora", "vp8"}),
    "mp3": (".mp3", None, {"mp3"}, set()),
    "wav": (".wav", None, {"pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_u8"}, set()),
}
_CODEC_NAMES = {
    "h264": "H.264", "aac": "AAC", "mp3": "MP3", "opus": "Opus", "vorbis": "Vorbis", "vp8": "VP8", "vp9": "VP9", "av1": "AV1",
    "pcm_s16le": "PCM", "pcm_s24le": "PCM", "pcm_f32le": "PCM", "pcm_u8": "PCM",
}  # fmt: skip


def convert_hint() -> str:
    """How to make a recording every browser plays, in the language of whoever asks (so not a constant)."""
    return _(
        "convertissez-le en MP4 (vidéo H.264, son AAC) ou en Opus, par exemple avec "
        "« ffmpeg -i enregistrement -c:v libx264 -c:a aac enregistrement.mp4 »."
    )


@dataclass(frozen=True)
class MediaInfo:
    container: str  # a key of _CONTAINERS
    duration_ms: int
    audio_codec: str
    video_codec: str | None
    width: int | None
    height: int | None
    extension: str  # under which the file is stored: ".mp4", ".opus"…

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.extension]

    def describe(self) -> str:
        """« vidéo H.264 1280 × 720, son AAC, 1:02:03 », for the admin."""
        audio = _CODEC_NAMES.get(self.audio_codec, self.audio_codec)
        duration = format_clock(self.duration_ms)
        if self.video_codec:
            video = _CODEC_NAMES.get(self.video_codec, self.video_codec)
            if self.width and self.height:
                return _(
                    "vidéo %(video)s %(width)s × %(height)s, son %(audio)s, %(duration)s",
                    video=video, width=self.width, height=self.height, audio=audio, duration=duration,
                )  # fmt: skip
            return _("vidéo %(video)s, son %(audio)s, %(duration)s", video=video, audio=audio, duration=duration)
        return _("audio seul, son %(audio)s, %(duration)s", audio=audio, duration=duration)


def probe(path: Path, ffprobe: str | None = None) -> MediaInfo:
    """Read ``path`` with ffprobe; raise MediaProbeError, in French, when the portal cannot serve it."""
    missing = MediaProbeError(_("ffprobe (paquet ffmpeg) n'est pas installé sur le serveur : l'enregistrement ne peut pas être vérifié."))
    executable = ffprobe or shutil.which("ffprobe")
    if not executable:
        raise missing
    command = [executable, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except OSError:
        raise missing from None
    except subprocess.TimeoutExpired:
        raise MediaProbeError(_("l'analyse du fichier a duré plus de %(seconds)s s : il est peut-être endommagé.", seconds=PROBE_TIMEOUT_S)) from None
    try:
        data = json.loads(done.stdout or b"{}")
    except ValueError:
        data = {}
    fmt = data.get("format") or {}
    if done.returncode != 0 or not fmt:
        first = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [_("format inconnu")])[0]
        # "[mov,mp4,… @ 0x55…] moov atom not found", "/srv/…/x.part: Invalid data found when processing input"
        reason = re.sub(r"^\[[^\]]*\]\s*", "", first).replace(f"{path}: ", "")[:200]
        raise MediaProbeError(_("ce fichier n'est pas un enregistrement lisible (%(reason)s).", reason=reason))
    streams = data.get("streams") or []
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    video = next((s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")), None)
    if audio is None:
        raise MediaProbeError(_("ce fichier ne contient pas de son : un webinaire s'écoute."))
    try:
        duration_ms = round(float(fmt.get("duration") or audio.get("duration") or 0) * 1000)
    except (TypeError, ValueError):
        duration_ms = 0
    if duration_ms <= 0:
        raise MediaProbeError(_("la durée de ce fichier est illisible : il est peut-être incomplet."))
    names = set((fmt.get("format_name") or "").split(","))
    container = next((key for key in ("mp4", "webm", "ogg", "mp3", "wav") if key in names or (key == "mp4" and "mov" in names)), None)
    audio_codec, video_codec = audio.get("codec_name") or "?", video.get("codec_name") if video else None
    if container == "webm" and "webm" not in names:
        container = None  # Matroska (.mkv) is not played by every browser
    spec = _CONTAINERS.get(container) if container else None
    playable = spec is not None and audio_codec in spec[2] and (video_codec is None or (spec[1] is not None and video_codec in spec[3]))
    if spec is None or container is None or not playable:
        video_part = video_codec and _("vidéo %(codec)s", codec=video_codec)
        what = ", ".join(p for p in (fmt.get("format_long_name") or fmt.get("format_name"), video_part, _("son %(codec)s", codec=audio_codec)) if p)
        raise MediaProbeError(_("ce fichier (%(what)s) n'est pas lisible par tous les navigateurs : %(hint)s", what=what, hint=convert_hint()))
    extension = (spec[1] if video_codec else spec[0]) or spec[0]
    if container == "ogg" and not video_codec and audio_codec == "vorbis":
        extension = ".ogg"
    return MediaInfo(
        container, duration_ms, audio_codec, video_codec,
        int(video["width"]) if video and video.get("width") else None,
        int(video["height"]) if video and video.get("height") else None,
        extension,
    )  # fmt: skip
