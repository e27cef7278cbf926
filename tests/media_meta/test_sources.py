import pytest

from media_meta.errors import MediaSourceError
from media_meta.sources import parse_media_source


@pytest.mark.parametrize(
    "kind, src, expected",
    [
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtube", "dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("vimeo", "https://vimeo.com/76979871", "76979871"),
        ("peertube", "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", "9c9de5e8-0a1e-484a-b099-e80766180a6d"),
        ("file", "media/session.opus", "media/session.opus"),
        ("url", "https://example.org/a.mp3", "https://example.org/a.mp3"),
    ],
)
def test_valid_sources(kind, src, expected):
    source = parse_media_source(kind, src)
    assert source.kind == kind and source.src == expected


def test_file_source_knows_its_media_type():
    assert parse_media_source("file", "x.opus").media_type == "audio/ogg"
    assert parse_media_source("file", "x.mp4").media_type == "video/mp4"


@pytest.mark.parametrize(
    "kind, src",
    [
        ("tiktok", "x"),
        ("youtube", "https://example.org/watch?v=dQw4w9WgXcQ"),
        ("vimeo", "https://vimeo.com/abc"),
        ("peertube", "https://video.example.org/about"),
        ("file", "notes.txt"),
        ("url", "javascript:alert(1)"),
        ("url", ""),
    ],
)
def test_invalid_sources_are_refused_with_a_message(kind, src):
    with pytest.raises(MediaSourceError) as info:
        parse_media_source(kind, src)
    assert len(str(info.value)) > 10
