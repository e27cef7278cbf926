"""Transcript files (WebVTT, SubRip) to normalised cues; the only module that imports webvtt-py.

webvtt-py reads the cue blocks. Around it this module adds what an upload needs and the
library does not do (see the transcript corpus FINDINGS): strict decoding with a line number,
the spec's signature check, a line-numbered check of every timing line (webvtt-py silently
drops or accepts bad ones), speakers from voice tags and name prefixes, tag stripping across
lines, entity decoding, rolling-caption de-duplication, and sorting.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from media_meta.cues import Chapter, CueData, ParsedTranscript, ParseWarning
from media_meta.errors import TranscriptError
from media_meta.i18n import _
from media_meta.normalize import Segment, join_lines, name_prefix, split_voices
from media_meta.stored import file_size
from media_meta.timecodes import format_vtt

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
LONG_GAP_MS = 60_000

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WS = "[ \t\f]"
# Hours of any length, minutes and seconds of one or two digits (Teams writes 0:0:3.540),
# milliseconds of one to three digits. Minutes/seconds over 59 are checked afterwards.
_TS = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})([.,])(\d{1,3})"
_TIMING = re.compile(rf"^{_WS}*{_TS}{_WS}*-->{_WS}*{_TS}(?:({_WS}+.*)|{_WS}*)$")
_INLINE_TIMESTAMP = re.compile(r"<(?:\d+:)?\d{2}:\d{2}\.\d{3}>")
_SRT_INDEX = re.compile(r"^\s*\d+\s*$")
_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class _Timing:
    line: int
    start_ms: int
    end_ms: int
    padded: bool


def parse_transcript(
    raw: bytes,
    filename: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    media_duration_ms: int | None = None,
) -> ParsedTranscript:
    """Read an uploaded WebVTT or SRT file; raise TranscriptError naming the line and the reason."""
    lines, converted_from = _decode_lines(raw, max_bytes)
    fmt = _detect_format(lines, filename)
    timings = _scan_timings(lines, fmt)
    if not timings:
        raise _no_cues(lines, fmt)
    captions = _read_captions(lines, fmt)
    if len(captions) != len(timings):
        raise _unread_cue(captions, timings)

    warnings: list[ParseWarning] = []
    if converted_from:
        warnings.append(
            ParseWarning(_("fichier converti depuis %(encoding)s : vérifiez les accents dans l'aperçu.", encoding=converted_from), None, "converted")
        )
    if any(not t.padded for t in timings):
        first = next(t for t in timings if not t.padded)
        warnings.append(
            ParseWarning(
                _("horodatages sans zéros (« 0:0:3.540 », style Teams) : acceptés, mais hors norme WebVTT."),
                first.line,
                "non_padded",
            )
        )
    warnings.extend(_skipped_blocks(lines) if fmt == "vtt" else [])

    cues = _normalise(captions, timings)
    if not cues:
        raise TranscriptError(
            _("aucune réplique ne contient de texte : toutes sont vides."), timings[0].line, "no_cues"
        )
    cues.sort(key=lambda c: c.start_ms)  # stable: equal starts keep file order
    warnings.extend(_timeline_warnings(cues, media_duration_ms))
    return ParsedTranscript(format=fmt, cues=cues, warnings=warnings, encoding=converted_from or "UTF-8")


def parse_chapters(raw: bytes, filename: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Chapter]:
    """Read a WebVTT ``kind=chapters`` file: each cue's start and text is a chapter."""
    parsed = parse_transcript(raw, filename, max_bytes=max_bytes)
    return [Chapter(c.start_ms, c.text) for c in parsed.cues]


# -- decoding ---------------------------------------------------------------------------------


# What older Windows and Mac tools save French text in; anything else must be UTF-8 (or carry a BOM).
_WESTERN = {"cp1252": "Windows-1252", "latin_1": "Latin-1 (ISO-8859-1)", "iso8859_15": "Latin-9 (ISO-8859-15)"}
_BOM_CODECS = {b"\xff\xfe\x00\x00": "utf-32-le", b"\x00\x00\xfe\xff": "utf-32-be", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def _decode_lines(raw: bytes, max_bytes: int) -> tuple[list[str], str | None]:
    """The file's lines, and the encoding it was converted from when it was not UTF-8."""
    if len(raw) > max_bytes:
        raise TranscriptError(
            _("le fichier pèse %(size)s, au-delà de la limite de %(limit)s.", size=file_size(len(raw)), limit=file_size(max_bytes)),
            None,
            "too_large",
        )
    converted = None
    for bom in _UTF16_32_BOMS:  # longest first: a UTF-32 LE BOM begins like UTF-16 LE's
        if raw.startswith(bom):
            codec = _BOM_CODECS[bom]
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise TranscriptError(
                    _("le fichier annonce l'encodage %(encoding)s mais n'en est pas ; enregistrez-le en UTF-8.", encoding=codec[:6].upper()),
                    1,
                    "encoding",
                ) from None
            return _split(text), codec[:6].upper()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise TranscriptError(_("le fichier est vide : il ne contient ni en-tête « WEBVTT » ni réplique."), None, "empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        western = _western(raw)
        if western is None:
            line = len(_LINE_BREAK.findall(raw[: err.start].decode("utf-8", "replace"))) + 1
            byte = raw[err.start : err.start + 1].hex()
            raise TranscriptError(
                _(
                    "le fichier n'est pas encodé en UTF-8 (octet 0x%(byte)s illisible), ni dans un encodage reconnu "
                    "(Windows-1252, Latin-1) ; enregistrez-le en UTF-8 depuis votre éditeur ou votre outil d'export.",
                    byte=byte,
                ),
                line,
                "encoding",
            ) from None
        text, converted = western
    return _split(text), converted


def _western(raw: bytes) -> tuple[str, str] | None:
    """The text of a file in a Western European 8-bit encoding, when it reads as plausible text."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 (only for the rare non-UTF-8 file)

    best = from_bytes(raw, cp_isolation=list(_WESTERN), threshold=0.2).best()
    if best is None or best.encoding not in _WESTERN:
        return None
    if best.encoding == "cp1252" and not any(0x80 <= b <= 0x9F for b in raw):
        return str(best), "Latin-1 (ISO-8859-1)"  # the two agree on every byte this file uses
    return str(best), _WESTERN[best.encoding]


def _split(text: str) -> list[str]:
    # NUL would reach the database and the index; the spec replaces it with U+FFFD.
    return _LINE_BREAK.split(text.replace("\x00", "\ufffd"))


# -- format ----------------------------------------------------------------------------------


def _detect_format(lines: list[str], filename: str) -> str:
    first = lines[0]
    if first.startswith("\ufeff"):
        raise TranscriptError(
            _("le fichier commence par deux marques d'ordre d'octets (BOM) ; retirez-en une."), 1, "signature"
        )
    if first.startswith("WEBVTT"):
        if len(first) == 6 or first[6] in " \t":
            return "vtt"
        raise TranscriptError(
            _("la première ligne doit être « WEBVTT » seul, ou suivi d'un espace et d'un texte."), 1, "signature"
        )
    if first.strip().upper().startswith("WEBVTT"):
        raise TranscriptError(
            _("la première ligne doit commencer exactement par « WEBVTT » (en majuscules, sans espace avant)."),
            1,
            "signature",
        )
    first_text = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_text is None:
        raise TranscriptError(_("le fichier est vide : il ne contient ni en-tête « WEBVTT » ni réplique."), None, "empty")
    if lines[first_text].strip().startswith("WEBVTT"):
        raise TranscriptError(
            _("le fichier doit commencer par « WEBVTT » dès la première ligne ; retirez les lignes vides du début."),
            1,
            "signature",
        )
    nxt = lines[first_text + 1] if first_text + 1 < len(lines) else ""
    if _SRT_INDEX.match(lines[first_text]) and "-->" in nxt:
        return "srt"
    if "-->" in lines[first_text] and filename.lower().endswith(".srt"):
        return "srt"
    if filename.lower().endswith(".srt"):
        raise TranscriptError(
            _(
                "ce fichier .srt ne commence pas par un numéro de réplique suivi d'une ligne de minutage "
                "(« 00:00:01,000 --> 00:00:02,000 »)."
            ),
            first_text + 1,
            "signature",
        )
    raise TranscriptError(
        _("ce fichier n'est ni du WebVTT ni du SubRip (.srt) : un fichier WebVTT commence par la ligne « WEBVTT »."),
        1,
        "signature",
    )


# -- timing lines ------------------------------------------------------------------------------


def _scan_timings(lines: list[str], fmt: str) -> list[_Timing]:
    """Check every line holding ``-->``; the signature line is header text, never a cue (spec)."""
    timings: list[_Timing] = []
    first = 1 if fmt == "vtt" else 0
    for index in range(first, len(lines)):
        line = lines[index]
        if "-->" not in line:
            continue
        timings.append(_parse_timing(line, index + 1, fmt))
    return timings


def _parse_timing(line: str, line_no: int, fmt: str) -> _Timing:
    match = _TIMING.match(line)
    if not match:
        raise TranscriptError(
            _(
                "ligne de minutage illisible « %(line)s » ; attendu par exemple « %(example)s ».",
                line=_shorten(line),
                example="00:01:02.500 --> 00:01:05.000" if fmt == "vtt" else "00:01:02,500 --> 00:01:05,000",
            ),
            line_no,
            "bad_timestamp",
        )
    g = match.groups()
    start_parts, end_parts, settings = g[0:5], g[5:10], g[10]
    if fmt == "vtt" and "," in (start_parts[3], end_parts[3]):
        raise TranscriptError(
            _(
                "virgule avant les millisecondes (« 00:00:01,000 », style SubRip) dans un fichier WebVTT : "
                "le WebVTT demande un point (« 00:00:01.000 »). Enregistrez le fichier en .srt ou remplacez les virgules."
            ),
            line_no,
            "srt_commas",
        )
    if fmt == "srt" and settings and settings.strip():
        # SubRip writers sometimes add coordinates (X1:.. Y1:..) or junk after the end time; ignored.
        pass
    start_ms, start_padded = _timestamp_ms(start_parts, line, line_no)
    end_ms, end_padded = _timestamp_ms(end_parts, line, line_no)
    if end_ms < start_ms:
        raise TranscriptError(
            _("l'heure de fin (%(end)s) précède l'heure de début (%(start)s).", end=format_vtt(end_ms), start=format_vtt(start_ms)),
            line_no,
            "end_before_start",
        )
    return _Timing(line_no, start_ms, end_ms, start_padded and end_padded)


def _timestamp_ms(parts: tuple[str, ...], line: str, line_no: int) -> tuple[int, bool]:
    hours, minutes, seconds, _sep, millis = parts
    if int(minutes) > 59 or int(seconds) > 59:
        raise TranscriptError(
            _("horodatage impossible dans « %(line)s » : minutes et secondes vont de 00 à 59.", line=_shorten(line)),
            line_no,
            "bad_timestamp",
        )
    padded = len(minutes) == 2 and len(seconds) == 2 and len(millis) == 3
    padded = padded and (hours is None or len(hours) >= 2)
    ms = ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis.ljust(3, "0"))
    return ms, padded


def _shorten(line: str, width: int = 60) -> str:
    line = line.strip()
    return line if len(line) <= width else line[: width - 1] + "…"


def _no_cues(lines: list[str], fmt: str) -> TranscriptError:
    return TranscriptError(
        _("le fichier ne contient aucune réplique (aucune ligne de minutage « début --> fin »)."),
        len(lines) if lines[-1] else max(1, len(lines) - 1),
        "no_cues",
    )


# -- cue blocks (webvtt-py) --------------------------------------------------------------------


def _read_captions(lines: list[str], fmt: str) -> list[Any]:
    # webvtt-py's timestamp reader wants two-digit fields; pad Teams-style times so it keeps those cues.
    fixed = [_pad_timing(line) if "-->" in line else line for line in lines]
    if fmt == "vtt":
        fixed[0] = fixed[0]  # signature already checked
    buffer = io.StringIO("\n".join(fixed) + "\n")
    try:
        return list(webvtt.from_buffer(buffer, format=fmt).captions)
    except (MalformedFileError, MalformedCaptionError) as err:
        raise TranscriptError(_("structure du fichier illisible (%(error)s).", error=err), None, "malformed") from None


def _pad_timing(line: str) -> str:
    match = _TIMING.match(line)
    if not match:
        return line
    g = match.groups()

    def fmt(parts: tuple[str, ...]) -> str:
        hours, minutes, seconds, _sep, millis = parts
        return f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{millis.ljust(3, '0')}"

    return f"{fmt(g[0:5])} --> {fmt(g[5:10])}{g[10] or ''}"


def _unread_cue(captions: list[Any], timings: list[_Timing]) -> TranscriptError:
    for caption, timing in zip(captions, timings, strict=False):
        if caption.start_time.in_milliseconds() != timing.start_ms:
            return TranscriptError(_("cette réplique n'a pas pu être lue."), timing.line, "malformed")
    missing = timings[len(captions)] if len(captions) < len(timings) else timings[-1]
    return TranscriptError(_("cette réplique n'a pas pu être lue."), missing.line, "malformed")


# -- normalisation ---------------------------------------------------------------------------


def _normalise(captions: list[Any], timings: list[_Timing]) -> list[CueData]:
    raw_segments = [split_voices(c.raw_text) for c in captions]
    uses_voices = any(seg.speaker for segs in raw_segments for seg in segs)
    prefixed = _uses_name_prefixes(raw_segments)
    rolling = _is_rolling([c.raw_text for c in captions], raw_segments)

    cues: list[CueData] = []
    speaker: str | None = None
    previous_lines: set[str] = set()
    for timing, segments in zip(timings, raw_segments, strict=False):
        shown: list[str] = []
        pieces: list[tuple[str | None, list[str]]] = []
        for seg in segments:
            lines = list(seg.lines)
            if rolling:
                lines = [line for line in lines if line not in previous_lines]
            shown.extend(seg.lines)
            who = seg.speaker
            if prefixed and lines:
                found = name_prefix(lines[0])
                if found:
                    who, lines[0] = found
            if who is None and (uses_voices or prefixed):
                who = speaker  # a turn split over several cues keeps its speaker
            if who:
                speaker = who
            if lines:
                pieces.append((who, lines))
        previous_lines = set(shown)
        cues.extend(_spread(timing, pieces))
    return cues


def _spread(timing: _Timing, pieces: list[tuple[str | None, list[str]]]) -> list[CueData]:
    """One cue per speaker; a cue shared by several speakers gets its time split by text length."""
    texts = [(who, join_lines(lines)) for who, lines in pieces]
    texts = [(who, text) for who, text in texts if text]
    if len(texts) <= 1:
        return [CueData(timing.start_ms, timing.end_ms, t, w, timing.line) for w, t in texts]
    total = sum(len(t) for _, t in texts)
    span = timing.end_ms - timing.start_ms
    out: list[CueData] = []
    start = timing.start_ms
    for i, (who, text) in enumerate(texts):
        end = timing.end_ms if i == len(texts) - 1 else start + span * len(text) // total
        out.append(CueData(start, end, text, who, timing.line))
        start = end
    return out


def _uses_name_prefixes(raw_segments: list[list[Segment]]) -> bool:
    """Zoom and Whisper files put ``Name: `` before most cues; a stray colon in speech must not count."""
    firsts = [segs[0].lines[0] for segs in raw_segments if segs and segs[0].lines and not segs[0].speaker]
    if len(firsts) < 2:
        return False
    hits = sum(1 for line in firsts if name_prefix(line))
    return hits >= 0.6 * len(firsts)


def _is_rolling(raw_texts: list[str], raw_segments: list[list[Segment]]) -> bool:
    """YouTube auto-captions repeat the previous cue's last line at the top of the next cue.

    Ordinary transcripts may repeat a short line ("Oui."), so ask for the rolling shape:
    multi-line cues opening with the previous cue's last line, together with the word-level
    inline timestamps YouTube writes, or that shape in most cues.
    """
    multi = repeats = 0
    previous: tuple[str, ...] = ()
    for segs in raw_segments:
        lines = tuple(line for seg in segs for line in seg.lines)
        if previous and len(lines) >= 2:
            multi += 1
            repeats += lines[0] == previous[-1]
        previous = lines or previous
    word_timings = any(_INLINE_TIMESTAMP.search(text) for text in raw_texts)
    return (repeats >= 1 and word_timings) or (repeats >= 3 and repeats >= 0.5 * multi)


# -- warnings -----------------------------------------------------------------------------------


def _skipped_blocks(lines: list[str]) -> list[ParseWarning]:
    """Blocks with text but no timing line are dropped by every parser: tell the admin."""
    warnings: list[ParseWarning] = []
    block: list[int] = []
    in_header = True
    for index in range(1, len(lines) + 1):
        line = lines[index] if index < len(lines) else ""
        if line.strip():
            block.append(index)
            continue
        if block:
            first = lines[block[0]].strip()
            has_arrow = any("-->" in lines[i] for i in block)
            if not in_header and not has_arrow and not first.startswith(("NOTE", "STYLE", "REGION")):
                warnings.append(
                    ParseWarning(
                        _("bloc sans ligne de minutage ignoré : « %(text)s ».", text=_shorten(first, 40)), block[0] + 1, "skipped"
                    )
                )
            in_header = False
            block = []
        elif index > 0:
            in_header = False
    return warnings


def _timeline_warnings(cues: list[CueData], media_duration_ms: int | None) -> list[ParseWarning]:
    warnings: list[ParseWarning] = []
    overlaps = [(a, b) for a, b in zip(cues, cues[1:], strict=False) if b.start_ms < a.end_ms and b.line != a.line]
    if overlaps:
        a, b = overlaps[0]
        start, end = format_vtt(b.start_ms), format_vtt(a.end_ms)
        warnings.append(
            ParseWarning(
                _(
                    "cette réplique commence (%(start)s) avant la fin de la précédente (%(end)s) (%(count)s chevauchements en tout).",
                    start=start, end=end, count=len(overlaps),
                )  # fmt: skip
                if len(overlaps) > 1
                else _("cette réplique commence (%(start)s) avant la fin de la précédente (%(end)s).", start=start, end=end),
                b.line,
                "overlap",
            )
        )
    for a, b in zip(cues, cues[1:], strict=False):
        if b.start_ms - a.end_ms > LONG_GAP_MS:
            warnings.append(
                ParseWarning(
                    _("silence de plus d'une minute entre %(end)s et %(start)s.", end=format_vtt(a.end_ms), start=format_vtt(b.start_ms)),
                    b.line,
                    "gap",
                )
            )
    if media_duration_ms is not None:
        past = [c for c in cues if c.end_ms > media_duration_ms]
        if past:
            warnings.append(
                ParseWarning(
                    _("%(count)s réplique(s) dépassent la durée du média (%(duration)s).", count=len(past), duration=format_vtt(media_duration_ms)),
                    past[0].line,
                    "past_duration",
                )
            )
    if not any(c.speaker for c in cues):
        warnings.append(
            ParseWarning(
                _(
                    "aucun nom d'intervenant·e : ni balise « <v Nom> » ni préfixe « Nom : » ; "
                    "la recherche par intervenant·e ne trouvera rien."
                ),
                None,
                "no_speakers",
            )
        )
    return warnings
