"""Regenerate the demonstration transcripts, chapters and audio from the scripts in demo/scripts/.

Each script line ``Role|text`` becomes one cue. espeak-ng (French voice) speaks it, the
spoken length gives the cue's timing, so every cue is heard exactly at its timestamp; the
lines are laid end to end with short pauses and encoded to Opus with ffmpeg. ``## Title``
lines start a chapter at the next cue. The catalogue's ``duration_s`` is updated to match.

Needs Debian's espeak-ng and ffmpeg. Run: ``make demo-media`` (or ``python demo/build_demo.py``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from media_meta.timecodes import format_vtt  # noqa: E402

SCRIPTS = HERE / "scripts"
TRANSCRIPTS = HERE / "transcripts"
CHAPTERS = HERE / "chapters"
MEDIA = HERE / "media"
CATALOGUE = HERE / "catalogue.json"

# One voice per role so that listeners hear the turns; espeak-ng's French voice with variants.
VOICES = {
    "Animation": "fr+f2",
    "Intervenante": "fr+f3",
    "Intervenante 1": "fr+f3",
    "Intervenante 2": "fr+f4",
    "Intervenante 3": "fr+f1",
    "Intervenant": "fr+m3",
    "Participante": "fr+f5",
}
RATE_WPM = "165"
LEAD_IN_S = 1.0
PAUSE_S = 0.35
TURN_PAUSE_S = 0.9
NOTICE = (
    "NOTE Transcription de démonstration écrite pour ce portail et lue par une voix de synthèse "
    "(espeak-ng). Les propos sont attribués à des rôles, pas à des personnes réelles."
)


def read_script(path: Path) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """Return the cues (role, text) and the chapters (index of their first cue, title)."""
    cues: list[tuple[str, str]] = []
    chapters: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or (line.startswith("#") and not line.startswith("##")):
            continue
        if line.startswith("## "):
            chapters.append((len(cues), line[3:].strip()))
            continue
        role, sep, text = line.partition("|")
        if not sep or role not in VOICES or not text.strip():
            raise SystemExit(f"{path}:{number}: expected 'Role|text' with a known role, got {line!r}")
        cues.append((role, text.strip()))
    return cues, chapters


def speak(text: str, voice: str, out: Path) -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", RATE_WPM, "-w", str(out), text], check=True)


def build(script: Path, workdir: Path) -> float:
    stem = script.stem
    cues, chapters = read_script(script)
    frames: list[bytes] = []
    params = None
    clock = LEAD_IN_S
    timed: list[tuple[int, int, str, str]] = []
    previous_role = None
    for i, (role, text) in enumerate(cues):
        wav_path = workdir / f"{stem}-{i}.wav"
        speak(text, VOICES[role], wav_path)
        with wave.open(str(wav_path)) as w:
            if params is None:
                params = w.getparams()
            data = w.readframes(w.getnframes())
            length = w.getnframes() / w.getframerate()
        pause = LEAD_IN_S if i == 0 else (TURN_PAUSE_S if role != previous_role else PAUSE_S)
        if i:
            clock += pause
        silence_frames = int(round(pause * params.framerate))
        frames.append(b"\x00\x00" * params.nchannels * silence_frames)
        start = clock
        clock += length
        frames.append(data)
        timed.append((round(start * 1000), round(clock * 1000), role, text))
        previous_role = role
    frames.append(b"\x00\x00" * params.nchannels * int(params.framerate))  # one second of tail
    total_s = clock + 1.0

    full = workdir / f"{stem}.wav"
    with wave.open(str(full), "wb") as w:
        w.setparams(params)
        for chunk in frames:
            w.writeframes(chunk)
    MEDIA.mkdir(exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(full), "-c:a", "libopus", "-b:a", "20k",
         "-ac", "1", "-map_metadata", "-1", "-fflags", "+bitexact", str(MEDIA / f"{stem}.opus")],
        check=True,
    )  # fmt: skip

    TRANSCRIPTS.mkdir(exist_ok=True)
    lines = ["WEBVTT - Transcription de démonstration", "", NOTICE, ""]
    for n, (start, end, role, text) in enumerate(timed, 1):
        lines += [str(n), f"{format_vtt(start)} --> {format_vtt(end)}", f"<v {role}>{text}</v>", ""]
    (TRANSCRIPTS / f"{stem}.vtt").write_text("\n".join(lines), encoding="utf-8")

    CHAPTERS.mkdir(exist_ok=True)
    chapter_lines = ["WEBVTT - Chapitres", ""]
    bounds = [timed[index][0] for index, _ in chapters] + [round(total_s * 1000)]
    for n, (_, title) in enumerate(chapters):
        chapter_lines += [f"{format_vtt(bounds[n])} --> {format_vtt(bounds[n + 1])}", title, ""]
    (CHAPTERS / f"{stem}.vtt").write_text("\n".join(chapter_lines), encoding="utf-8")
    print(f"{stem}: {len(timed)} cues, {len(chapters)} chapters, {total_s / 60:.1f} min")
    return total_s


def main() -> None:
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install espeak-ng ffmpeg")
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    by_transcript = {Path(w["transcript"]).stem: w for w in catalogue["webinars"] if w.get("transcript")}
    with tempfile.TemporaryDirectory() as tmp:
        for script in sorted(SCRIPTS.glob("*.txt")):
            total_s = build(script, Path(tmp))
            if script.stem in by_transcript:
                by_transcript[script.stem]["duration_s"] = int(total_s) + 1
    CATALOGUE.write_text(json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
