"""ffprobe's view of a recording: what the portal accepts, and the reason it gives for the rest."""

from __future__ import annotations

import os

import pytest

from media_meta.errors import MediaProbeError
from media_meta.probe import probe
from tests.conftest import make_media


def test_an_opus_recording_is_read_with_its_real_duration(tmp_path):
    info = probe(make_media(tmp_path / "talk.bin", 5, "opus"))  # the name says nothing: the content decides
    assert info.extension == ".opus" and info.media_type == "audio/ogg" and info.video_codec is None
    assert abs(info.duration_ms - 5000) < 100
    assert info.describe() == "audio seul, son Opus, 0:05"


def test_an_mp4_video_is_read_with_its_codecs_and_size(tmp_path):
    info = probe(make_media(tmp_path / "zoom.mp4", 3, "mp4"))
    assert (info.extension, info.media_type, info.video_codec, info.audio_codec) == (".mp4", "video/mp4", "h264", "aac")
    assert (info.width, info.height) == (320, 240)
    assert info.describe().startswith("vidéo H.264 320 × 240, son AAC, 0:03")


@pytest.mark.parametrize(
    "kind, words",
    [("flac", "n'est pas lisible par tous les navigateurs : convertissez-le en MP4"), ("silent-mp4", "ne contient pas de son")],
)
def test_what_browsers_cannot_play_is_refused_with_the_reason(tmp_path, kind, words):
    with pytest.raises(MediaProbeError) as err:
        probe(make_media(tmp_path / f"file.{kind}", 2, kind))
    assert words in str(err.value)


def test_a_corrupt_file_is_refused_with_ffprobes_reason_without_internal_paths(tmp_path):
    path = tmp_path / "broken.mp4"
    path.write_bytes(os.urandom(40_000))
    with pytest.raises(MediaProbeError) as err:
        probe(path)
    message = str(err.value)
    assert message.startswith("ce fichier n'est pas un enregistrement lisible (") and str(tmp_path) not in message and "0x" not in message


def test_a_truncated_recording_is_refused(tmp_path):
    path = make_media(tmp_path / "cut.mp4", 3, "mp4")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    with pytest.raises(MediaProbeError):
        probe(path)


def test_without_ffprobe_the_reason_says_what_to_install(tmp_path):
    with pytest.raises(MediaProbeError) as err:
        probe(make_media(tmp_path / "a.opus", 1), ffprobe=str(tmp_path / "no-ffprobe-here"))
    assert "ffprobe" in str(err.value)
