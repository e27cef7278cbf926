"""Transcript ingestion: the third-party corpus, our own malformed files, and normalisation."""

from __future__ import annotations

import csv
import re
import sys

import pytest

from media_meta.errors import TranscriptError
from media_meta.vtt import parse_chapters, parse_transcript
from tests.conftest import CORPUS

sys.path.insert(0, str(CORPUS))
import spec_oracle  # noqa: E402  (the corpus's reference parser, shipped with it)

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as _fh:
    MANIFEST = {row["file"]: row for row in csv.DictReader(_fh, delimiter="\t")}

# What the product does with each corpus file: ("accept", cues) or ("reject", line, code).
OUTCOMES = {
    "wpt/file-parsing/arrows.vtt": ("reject", 3, "bad_timestamp"),
    "wpt/file-parsing/header-garbage.vtt": ("accept", 1),
    "wpt/file-parsing/header-space.vtt": ("accept", 1),
    "wpt/file-parsing/header-tab.vtt": ("accept", 1),
    "wpt/file-parsing/header-timings.vtt": ("accept", 1),
    "wpt/file-parsing/ids.vtt": ("accept", 5),
    "wpt/file-parsing/newlines.vtt": ("accept", 4),
    "wpt/file-parsing/nulls.vtt": ("reject", 21, "bad_timestamp"),
    "wpt/file-parsing/regions-id.vtt": ("accept", 4),
    "wpt/file-parsing/regions-lines.vtt": ("accept", 13),
    "wpt/file-parsing/regions-old.vtt": ("accept", 2),
    "wpt/file-parsing/regions-regionanchor.vtt": ("accept", 20),
    "wpt/file-parsing/regions-scroll.vtt": ("accept", 6),
    "wpt/file-parsing/regions-viewportanchor.vtt": ("accept", 20),
    "wpt/file-parsing/settings-align.vtt": ("accept", 13),
    "wpt/file-parsing/settings-line.vtt": ("accept", 46),
    "wpt/file-parsing/settings-multiple.vtt": ("accept", 2),
    "wpt/file-parsing/settings-position.vtt": ("accept", 22),
    "wpt/file-parsing/settings-region.vtt": ("accept", 9),
    "wpt/file-parsing/settings-size.vtt": ("accept", 16),
    "wpt/file-parsing/settings-vertical.vtt": ("accept", 8),
    "wpt/file-parsing/signature-bom.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-no-newline.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-space-no-newline.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-space.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-tab-no-newline.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-tab.vtt": ("reject", 1, "no_cues"),
    "wpt/file-parsing/signature-timings.vtt": ("reject", 2, "no_cues"),
    "wpt/file-parsing/stylesheets.vtt": ("accept", 2),
    "wpt/file-parsing/timings-60.vtt": ("reject", 3, "bad_timestamp"),
    "wpt/file-parsing/timings-eof.vtt": ("reject", 3, "bad_timestamp"),
    "wpt/file-parsing/timings-garbage.vtt": ("reject", 3, "bad_timestamp"),
    "wpt/file-parsing/timings-negative.vtt": ("reject", 6, "end_before_start"),
    "wpt/file-parsing/timings-omitted-hours.vtt": ("accept", 3),
    "wpt/file-parsing/timings-too-long.vtt": ("reject", 6, "bad_timestamp"),
    "wpt/file-parsing/timings-too-short.vtt": ("reject", 6, "bad_timestamp"),
    "wpt/file-parsing/whitespace-chars.vtt": ("reject", 16, "bad_timestamp"),
    "wpt/cue-text/entities.vtt": ("accept", 22),
    "wpt/cue-text/tags.vtt": ("accept", 21),
    "wpt/cue-text/text.vtt": ("accept", 5),
    "wpt/cue-text/timestamps.vtt": ("accept", 4),
    "wpt/cue-text/tree-building.vtt": ("accept", 9),
    "wpt/file-parsing-current/newlines.vtt": ("accept", 3),
    "wpt/file-parsing-current/comment-in-cue-text.vtt": ("accept", 2),
    "wpt/signature-invalid/signature-lowercase.vtt": ("reject", 1, "signature"),
    "wpt/signature-invalid/signature-missing.vtt": ("reject", 1, "signature"),
    "wpt/signature-invalid/signature-missing-whitespace.vtt": ("reject", 1, "signature"),
    "wpt/signature-invalid/signature-partial.vtt": ("reject", 1, "signature"),
    "wpt/signature-invalid/signature-formfeed.vtt": ("reject", 1, "signature"),
    "wpt/signature-invalid/signature-two-boms.vtt": ("reject", 1, "signature"),
    "parser-fixtures/vttjs/file-layout__webvtt-with-bom.vtt": ("accept", 1),
    "parser-fixtures/vttjs/file-layout__blank-file-with-bom.vtt": ("reject", None, "empty"),
    "parser-fixtures/vttjs/file-layout__bad-double-webvtt.vtt": ("reject", 1, "signature"),
    "parser-fixtures/vttjs/file-layout__newline-before-webvtt.vtt": ("reject", 1, "signature"),
    "parser-fixtures/vttjs/file-layout__garbage-signature.vtt": ("reject", 1, "signature"),
    "parser-fixtures/vttjs/file-layout__header-no-new-line.vtt": ("accept", 1),
    "parser-fixtures/vttjs/file-layout__many-comments.vtt": ("accept", 2),
    "parser-fixtures/vttjs/file-layout__cue-spacing.vtt": ("accept", 3),
    "parser-fixtures/vttjs/cue-times__max-spot-digits.vtt": ("accept", 1),
    "parser-fixtures/vttjs/cue-times__missing-separator.vtt": ("reject", 3, "no_cues"),
    "parser-fixtures/vttjs/cuetext__voice__with-annotation.vtt": ("accept", 1),
    "parser-fixtures/vttjs/cuetext__voice__with-two-subclasses.vtt": ("accept", 1),
    "parser-fixtures/vttjs/cuetext__escape-characters__together.vtt": ("accept", 1),
    "parser-fixtures/vttjs/integration__spec-example.vtt": ("accept", 13),
    "parser-fixtures/vttjs/integration__cycle-collector-talk.vtt": ("accept", 16),
    "parser-fixtures/webvtt-py/sample.vtt": ("accept", 16),
    "parser-fixtures/webvtt-py/captions_with_bom.vtt": ("accept", 4),
    "parser-fixtures/webvtt-py/cue_tags.vtt": ("accept", 3),
    "parser-fixtures/webvtt-py/comments.vtt": ("accept", 3),
    "parser-fixtures/webvtt-py/styles_with_comments.vtt": ("accept", 1),
    "parser-fixtures/webvtt-py/regions.vtt": ("accept", 2),
    "parser-fixtures/webvtt-py/metadata_headers.vtt": ("accept", 2),
    "parser-fixtures/webvtt-py/using_identifiers.vtt": ("accept", 6),
    "parser-fixtures/webvtt-py/missing_caption_text.vtt": ("accept", 4),
    "parser-fixtures/webvtt-py/missing_timeframe.vtt": ("accept", 6),
    "parser-fixtures/webvtt-py/invalid_timeframe.vtt": ("reject", 6, "bad_timestamp"),
    "parser-fixtures/webvtt-py/invalid_timeframe_in_cue_text.vtt": ("accept", 3),
    "parser-fixtures/webvtt-py/invalid.vtt": ("reject", 1, "signature"),
    "parser-fixtures/webvtt-py/empty.vtt": ("reject", None, "empty"),
    "parser-fixtures/webvtt-py/no_captions.vtt": ("reject", 1, "no_cues"),
    "parser-fixtures/srt/ascii.srt": ("accept", 3),
    "parser-fixtures/srt/gb2312.srt": ("reject", 3, "encoding"),
    "parser-fixtures/srt/monsters.srt": ("accept", 3),
    "parser-fixtures/srt/monsters-win.srt": ("accept", 3),
    "parser-fixtures/srt/monsters-bad-newline.srt": ("accept", 3),
    "parser-fixtures/srt/monsters-bad-order.srt": ("accept", 3),
    "parser-fixtures/srt/webvtt-py_sample.srt": ("accept", 5),
    "real-world/youtube/youtube_dl_autogen.vtt": ("accept", 3),
    "real-world/teams/teams_style_non_padded.vtt": ("accept", 3),
    "real-world/teams/teams_timeframe.vtt": ("accept", 2),
    "real-world/zoom/zoom_meeting001_transcript.vtt": ("accept", 300),
    "real-world/whisper/small-transcribe__gossos.vtt": ("accept", 2),
    "real-world/whisper/small-transcribe-word-stamps__gossos.vtt": ("accept", 2),
    "real-world/whisper/small-transcribe-line-max-words__gossos.vtt": ("accept", 14),
    "real-world/whisper/medium-diarization__dosparlants.vtt": ("accept", 14),
}

# Where the product deliberately departs from the spec outcome in MANIFEST.tsv, and why.
BAD_TIMING = "a malformed timing line is rejected with its line number, where a spec parser silently drops the cue"
NO_CUES = "a file without a single cue is rejected: there would be nothing to publish"
EMPTY_DROPPED = "cues with no text are dropped (the spec keeps them as empty cues)"
DEVIATIONS = {
    "wpt/file-parsing/arrows.vtt": BAD_TIMING,
    "wpt/file-parsing/nulls.vtt": BAD_TIMING + " (NUL inside a timestamp)",
    "wpt/file-parsing/timings-60.vtt": BAD_TIMING,
    "wpt/file-parsing/timings-eof.vtt": BAD_TIMING,
    "wpt/file-parsing/timings-garbage.vtt": BAD_TIMING,
    "wpt/file-parsing/timings-too-long.vtt": BAD_TIMING,
    "wpt/file-parsing/timings-too-short.vtt": BAD_TIMING,
    "wpt/file-parsing/whitespace-chars.vtt": BAD_TIMING + " (vertical tab is not white space)",
    "parser-fixtures/webvtt-py/invalid_timeframe.vtt": BAD_TIMING,
    "wpt/file-parsing/timings-negative.vtt": "a cue ending before it starts is rejected with its line",
    "wpt/file-parsing/signature-bom.vtt": NO_CUES,
    "wpt/file-parsing/signature-no-newline.vtt": NO_CUES,
    "wpt/file-parsing/signature-space-no-newline.vtt": NO_CUES,
    "wpt/file-parsing/signature-space.vtt": NO_CUES,
    "wpt/file-parsing/signature-tab-no-newline.vtt": NO_CUES,
    "wpt/file-parsing/signature-tab.vtt": NO_CUES,
    "wpt/file-parsing/signature-timings.vtt": NO_CUES,
    "parser-fixtures/webvtt-py/no_captions.vtt": NO_CUES,
    "parser-fixtures/vttjs/cue-times__missing-separator.vtt": NO_CUES,
    "wpt/cue-text/entities.vtt": EMPTY_DROPPED,
    "wpt/cue-text/tags.vtt": EMPTY_DROPPED + "; a cue with two voices becomes one cue per speaker",
    "wpt/cue-text/timestamps.vtt": EMPTY_DROPPED,
    "wpt/file-parsing-current/newlines.vtt": EMPTY_DROPPED,
    "parser-fixtures/vttjs/file-layout__cue-spacing.vtt": EMPTY_DROPPED,
    "parser-fixtures/webvtt-py/missing_caption_text.vtt": EMPTY_DROPPED,
    "parser-fixtures/webvtt-py/invalid_timeframe_in_cue_text.vtt": EMPTY_DROPPED,
    "parser-fixtures/vttjs/integration__cycle-collector-talk.vtt": "a cue with two voices becomes one cue per speaker",
    "parser-fixtures/srt/gb2312.srt": "only UTF-8 is accepted; the message names the line of the first undecodable byte",
    "real-world/youtube/youtube_dl_autogen.vtt": "rolling auto-captions: the repeated bridge cue is collapsed so each word appears once",
    "real-world/teams/teams_style_non_padded.vtt": "Teams' non-padded timestamps (0:0:3.540) are kept, with a warning",
    "real-world/teams/teams_timeframe.vtt": "Teams' non-padded timestamps (0:0:3.540) are kept, with a warning",
}


def read(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_every_corpus_file_has_an_outcome():
    assert set(OUTCOMES) == set(MANIFEST)
    assert len(MANIFEST) == 95


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file_outcome(name):
    outcome = OUTCOMES[name]
    if outcome[0] == "accept":
        parsed = parse_transcript(read(name), name)
        assert len(parsed.cues) == outcome[1]
        assert all(c.text.strip() for c in parsed.cues)
        assert [c.start_ms for c in parsed.cues] == sorted(c.start_ms for c in parsed.cues)
    else:
        with pytest.raises(TranscriptError) as info:
            parse_transcript(read(name), name)
        err = info.value
        assert (err.line, err.code) == outcome[1:]
        assert err.reason and len(err.reason) > 20  # a sentence, not a code
        if err.line is not None:
            assert str(err).startswith(f"ligne {err.line} : ")


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_departures_from_the_manifest_are_recorded(name):
    row = MANIFEST[name]
    outcome = OUTCOMES[name]
    agrees = (row["expected"] == "invalid") == (outcome[0] == "reject") and (
        outcome[0] == "reject" or int(row["expected_cues"]) == outcome[1]
    )
    assert agrees != (name in DEVIATIONS), f"{name}: record the deviation, or remove a stale one"


def _plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u200b]+", " ", text).strip()


@pytest.mark.parametrize(
    "name",
    sorted(n for n, o in OUTCOMES.items() if o[0] == "accept" and n.endswith(".vtt") and n not in DEVIATIONS),
)
def test_cue_text_matches_the_reference_parser(name):
    """Tags stripped across lines, entities decoded, NUL replaced: the same text as the spec's algorithm."""
    reference = [_plain(spec_oracle.cue_plain_text(c.text)) for c in spec_oracle.parse_bytes(read(name)).cues]
    reference = [t for t in reference if t]
    ours = parse_transcript(read(name), name)
    speakers_removed = [
        re.sub(r"^(\[[^\]]+\]|[^\W\d][\w.' -]*?):\s+", "", t) if any(c.speaker for c in ours.cues) else t
        for t in reference
    ]
    ours_texts = sorted(c.text for c in ours.cues)
    assert ours_texts in (sorted(reference), sorted(speakers_removed))


def test_entities_are_decoded_after_tags_are_stripped():
    parsed = parse_transcript(read("wpt/cue-text/entities.vtt"), "entities.vtt")
    texts = [c.text for c in parsed.cues]
    assert "&" in texts and "<" in texts and ">" in texts and "©" in texts
    assert "a\u200eb" in texts and "&1;" in texts


def test_multi_speaker_cue_keeps_every_speaker_in_order():
    parsed = parse_transcript(read("parser-fixtures/vttjs/integration__cycle-collector-talk.vtt"), "talk.vtt")
    second, third = parsed.cues[1], parsed.cues[2]
    assert (second.speaker, second.text) == ("Chris Pearce", "Okay, we're good now.")
    assert third.speaker == "Kyle Huey" and third.text.startswith("Oh, now we're good?")
    assert second.start_ms == 4000 and second.end_ms == third.start_ms and third.end_ms == 5000


def test_teams_voice_tags_and_non_padded_times():
    parsed = parse_transcript(read("real-world/teams/teams_style_non_padded.vtt"), "teams.vtt")
    assert [(c.speaker, c.start_ms, c.end_ms) for c in parsed.cues[:2]] == [
        ("Jane Doe", 0, 3540),
        ("John Smith", 3540, 7230),
    ]
    assert parsed.cues[2].start_ms == 65_200  # 0:1:5.2 is a fraction of a second, not 2 ms
    assert any(w.code == "non_padded" for w in parsed.warnings)


def test_zoom_name_prefix_gives_the_speaker():
    parsed = parse_transcript(read("real-world/zoom/zoom_meeting001_transcript.vtt"), "zoom.vtt")
    first = parsed.cues[0]
    assert first.speaker == "Andrew Knight"
    assert first.text == "Okay, so we're recording. We're streaming"
    assert len(parsed.speakers) >= 3


def test_whisper_diarization_prefix_gives_the_speaker():
    parsed = parse_transcript(read("real-world/whisper/medium-diarization__dosparlants.vtt"), "w.vtt")
    assert parsed.cues[0].speaker == "SPEAKER_01" and parsed.cues[0].text == "Hola, bon dia, com et dius?"


def test_youtube_rolling_captions_give_each_word_once():
    parsed = parse_transcript(read("real-world/youtube/youtube_dl_autogen.vtt"), "yt.vtt")
    words = " ".join(c.text for c in parsed.cues).split()
    assert words == ["yeah", "what", "this", "will", "happen", "is", "I'm", "telling"]
    assert "<" not in " ".join(c.text for c in parsed.cues)


def test_a_repeated_short_line_in_an_ordinary_file_is_kept():
    raw = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOui.\n\n00:00:02.000 --> 00:00:03.000\nOui.\n"
    assert [c.text for c in parse_transcript(raw).cues] == ["Oui.", "Oui."]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_line_ends_and_bom_give_the_same_cues(newline, bom):
    lines = [b"WEBVTT", b"", b"00:00:01.000 --> 00:00:02.500", b"<v Animation>Bonjour &amp; bienvenue", b""]
    parsed = parse_transcript(bom + newline.join(lines))
    assert [(c.start_ms, c.end_ms, c.speaker, c.text) for c in parsed.cues] == [
        (1000, 2500, "Animation", "Bonjour & bienvenue")
    ]


def test_cues_are_sorted_by_start_and_nul_is_replaced():
    raw = (
        b"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nsecond\n\n"
        b"00:00:01.000 --> 00:00:02.000\nfirst\x00word\n"
    )
    parsed = parse_transcript(raw)
    assert [c.text for c in parsed.cues] == ["first\ufffdword", "second"]


def test_srt_is_accepted_with_commas():
    raw = "1\r\n00:00:01,000 --> 00:00:02,500\r\nBonjour à toutes\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n<i>et à tous</i>\r\n".encode()
    parsed = parse_transcript(raw, "x.srt")
    assert parsed.format == "srt"
    assert [(c.start_ms, c.text) for c in parsed.cues] == [(1000, "Bonjour à toutes"), (3000, "et à tous")]


# -- our own malformed files: each rejected with its line and its reason ----------------------

MALFORMED = {
    "not_webvtt": (b"Bonjour\nceci est un texte\n", 1, "signature", "ni du WebVTT ni du SubRip"),
    "binary": (bytes(range(256)) * 4, 3, "encoding", "Windows-1252"),
    "utf16_bom_but_not": (b"\xff\xfeW\x00E\x00\x00\xd8", 1, "encoding", "UTF-16"),
    "bad_timestamp": (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nun\n\n00:00:03.0a0 --> 00:00:04.000\ndeux\n", 6, "bad_timestamp", "illisible"),
    "minutes_over_59": (b"WEBVTT\n\n00:61:01.000 --> 01:00:02.000\nun\n", 3, "bad_timestamp", "00 à 59"),
    "end_before_start": (b"WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nun\n", 3, "end_before_start", "précède"),
    "no_cues": (b"WEBVTT\n\nNOTE juste un commentaire\n", 3, "no_cues", "aucune réplique"),
    "srt_commas_in_webvtt": (b"WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nun\n", 3, "srt_commas", "virgule"),
    "empty_text_only": (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<b></b>\n", 3, "no_cues", "vides"),
    "bad_srt": (b"hello\n", 1, "signature", ".srt"),
    "double_bom": (b"\xef\xbb\xbf\xef\xbb\xbfWEBVTT\n", 1, "signature", "BOM"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_rejected_with_line_and_reason(case):
    raw, line, code, words = MALFORMED[case]
    filename = "x.srt" if case == "bad_srt" else "x.vtt"
    with pytest.raises(TranscriptError) as info:
        parse_transcript(raw, filename)
    assert info.value.line == line
    assert info.value.code == code
    assert words in info.value.reason
    assert info.value.located("x.vtt") == f"x.vtt:{line}: {info.value.reason}"


def test_file_over_the_size_limit_is_rejected_before_parsing():
    raw = b"WEBVTT\n\n" + b"00:00:01.000 --> 00:00:02.000\nbla\n\n" * 100
    with pytest.raises(TranscriptError) as info:
        parse_transcript(raw, max_bytes=1000)
    assert info.value.code == "too_large" and "limite" in info.value.reason


def test_warnings_for_odd_but_accepted_files():
    raw = (
        b"WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nun\n\n00:00:04.000 --> 00:00:06.000\ndeux\n\n"
        b"00:02:00.000 --> 00:02:05.000\ntrois\n"
    )
    parsed = parse_transcript(raw, media_duration_ms=60_000)
    codes = {w.code: w for w in parsed.warnings}
    assert set(codes) == {"overlap", "gap", "past_duration", "no_speakers"}
    assert codes["overlap"].line == 6 and codes["gap"].line == 9


def test_chapters_file_gives_titles_and_starts():
    raw = b"WEBVTT\n\n00:00:00.000 --> 00:01:00.000\nIntroduction\n\n00:01:00.000 --> 00:02:00.000\nLe DSA\n"
    assert [(c.start_ms, c.title) for c in parse_chapters(raw)] == [(0, "Introduction"), (60000, "Le DSA")]


# -- encodings other than UTF-8 ------------------------------------------------------------------


def test_a_windows_1252_srt_is_read_with_its_accents_and_says_it_was_converted():
    raw = "1\r\n00:00:01,000 --> 00:00:02,500\r\nL’œuvre de l’association : « harcèlement » à 5 €.\r\n".encode("cp1252")
    parsed = parse_transcript(raw, "ancien.srt")
    assert [c.text for c in parsed.cues] == ["L’œuvre de l’association : « harcèlement » à 5 €."]
    assert parsed.encoding == "Windows-1252"
    assert str(parsed.warnings[0]) == "fichier converti depuis Windows-1252 : vérifiez les accents dans l'aperçu."


def test_a_latin1_webvtt_is_read_with_its_accents():
    raw = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Intervenante>Déjà, la procédure pénale protège.\n".encode("latin-1")
    parsed = parse_transcript(raw, "x.vtt")
    assert [(c.speaker, c.text) for c in parsed.cues] == [("Intervenante", "Déjà, la procédure pénale protège.")]
    assert parsed.encoding == "Latin-1 (ISO-8859-1)" and parsed.warnings[0].code == "converted"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_their_bom_are_read(codec):
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nÀ l’écoute des victimes\n"
    raw = ("\ufeff" + text).encode(codec) if codec == "utf-16-be" else text.encode(codec)
    parsed = parse_transcript(raw, "x.vtt")
    assert [c.text for c in parsed.cues] == ["À l’écoute des victimes"]
    assert parsed.encoding == codec[:6].upper() and parsed.warnings[0].code == "converted"


def test_utf8_files_say_nothing_about_their_encoding():
    parsed = parse_transcript("\ufeffWEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>déjà\n".encode(), "x.vtt")
    assert parsed.encoding == "UTF-8" and not [w for w in parsed.warnings if w.code == "converted"]
