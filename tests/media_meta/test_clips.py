import pytest

from media_meta.clips import CODE_LENGTH, ClipError, display_code, new_code, normalise_code, validate_segment


@pytest.mark.parametrize(
    "start, end, duration, words",
    [
        (10_000, 10_000, None, "après le début"),
        (20_000, 10_000, None, "après le début"),
        (0, 500, None, "au moins une seconde"),
        (0, 31 * 60_000, None, "au plus 30 minutes"),
        (0, 70_000, 60_000, "dépasse la durée"),
        (-1, 5_000, None, "négatifs"),
    ],
)
def test_bad_segments_are_explained(start, end, duration, words):
    with pytest.raises(ClipError, match=words):
        validate_segment(start, end, duration, 30 * 60_000)


def test_good_segment_passes():
    validate_segment(754_000, 884_000, 5_400_000, 30 * 60_000)


def test_codes_are_readable_and_forgiving():
    code = new_code()
    assert len(code) == CODE_LENGTH and not set(code) & set("01ilo")
    assert normalise_code(display_code(code).upper()) == code
    assert normalise_code(" " + code[:4] + " " + code[4:]) == code
    assert normalise_code("abc") is None and normalise_code("0" * CODE_LENGTH) is None
    assert len({new_code() for _ in range(1000)}) == 1000
