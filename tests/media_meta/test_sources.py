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


def test_youtube_embed_uses_the_privacy_enhanced_domain_and_its_api():
    from media_meta.sources import embed_url, external_watch_url

    source = parse_media_source("youtube", "https://youtu.be/dQw4w9WgXcQ")
    assert embed_url(source, 754_500) == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?enablejsapi=1&rel=0&playsinline=1&start=754"
    assert embed_url(source, 0, 65_200).endswith("&start=0&end=66")
    assert external_watch_url(source, 90_000) == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s"


def test_vimeo_and_peertube_embeds():
    from media_meta.sources import embed_url

    vimeo = parse_media_source("vimeo", "https://vimeo.com/76979871")
    assert embed_url(vimeo, 90_000) == "https://player.vimeo.com/video/76979871?dnt=1#t=90s"
    peertube = parse_media_source("peertube", "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d")
    assert embed_url(peertube, 90_000, 120_000) == (
        "https://video.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d?api=1&warningTitle=0&start=90s&stop=120s"
    )
    assert embed_url(parse_media_source("file", "a.mp3")) is None


def test_what_is_stored_is_the_canonical_address_whatever_form_was_given():
    from media_meta.sources import external_watch_url

    for given in ("https://video.example.org/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d", "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"):
        source = parse_media_source("peertube", given)
        assert source.stored == "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d"
        assert external_watch_url(source, 90_000) == source.stored + "?start=90s"
    assert parse_media_source("youtube", "https://youtu.be/dQw4w9WgXcQ").stored == "dQw4w9WgXcQ"
