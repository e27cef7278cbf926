import pytest

from media_meta.errors import TimecodeError
from media_meta.timecodes import format_clock, format_vtt, parse_timecode, resolve_moment, seconds_param


@pytest.mark.parametrize(
    "text, ms",
    [
        ("754", 754_000),
        ("754.5", 754_500),
        ("754,25", 754_250),
        ("12:34", 754_000),
        ("1:02:03", 3_723_000),
        ("01:02:03.250", 3_723_250),
        ("12m34s", 754_000),
        ("1h2m3s", 3_723_000),
        ("1h", 3_600_000),
        ("90s", 90_000),
        ("5min", 300_000),
        (" 0 ", 0),
    ],
)
def test_parse_timecode_accepts_what_people_write(text, ms):
    assert parse_timecode(text) == ms


@pytest.mark.parametrize("text", ["", "abc", "-5", "12:60", "1:60:00", "1e3", "12:3", "h", "9" * 40, "1:2:3:4", "NaN", "inf"])
def test_parse_timecode_rejects_with_a_message(text):
    with pytest.raises(TimecodeError) as info:
        parse_timecode(text)
    assert str(info.value)


@pytest.mark.parametrize("ms, clock", [(0, "0:00"), (754_999, "12:34"), (3_723_000, "1:02:03"), (-5, "0:00")])
def test_format_clock(ms, clock):
    assert format_clock(ms) == clock


def test_format_vtt_and_seconds_param():
    assert format_vtt(3_723_250) == "01:02:03.250"
    assert seconds_param(754_000) == "754" and seconds_param(754_500) == "754.5"


def test_resolve_moment_never_raises_and_explains():
    assert resolve_moment(None, 60_000) == (0, None)
    assert resolve_moment("30", 60_000) == (30_000, None)
    start, notice = resolve_moment("zzz", 60_000)
    assert start == 0 and "début" in notice
    start, notice = resolve_moment("2:00", 60_000)
    assert start == 59_000 and "dépasse" in notice
