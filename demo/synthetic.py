"""A long synthetic webinar (90 minutes, 1,200 lines by default) for browser tests, budgets and screenshots.

``write_catalogue(folder)`` writes a catalogue file the portal imports like any other: a WebVTT
transcript whose cues start off the second (so clips keep their milliseconds), a silent WAV of
the full length (so a browser really plays and seeks it), and six chapters. The text is written
for this project, labelled as demonstration content, and spoken by roles, never by a real person.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from media_meta.timecodes import format_vtt

SLUG = "session-longue"
OPENERS = [
    "Pour commencer,", "Ensuite,", "Concrètement,", "Dans les faits,", "Autrement dit,", "Par ailleurs,", "Enfin,",
]
BODIES = [
    "une victime peut porter plainte au commissariat ou en ligne.",
    "les plaintes pour harcèlement en ligne restent trop peu nombreuses.",
    "l'algorithme de recommandation amplifie les contenus qui choquent.",
    "le signalement d'un contenu haineux doit être traité rapidement.",
    "les plateformes publient des rapports de transparence chaque semestre.",
    "le règlement sur les services numériques impose des obligations aux très grandes plateformes.",
    "une capture d'écran datée aide à documenter le harcèlement.",
    "les discriminations se retrouvent aussi dans la modération automatique.",
    "l'association accompagne les personnes visées jusqu'au procès.",
    "le juge peut ordonner le retrait d'un message illicite.",
    "les signaleurs de confiance voient leurs signalements traités en priorité.",
    "la preuve numérique doit être conservée avec soin.",
    "une enquête en source ouverte permet de retrouver l'auteur d'un compte.",
]
ROLES = ("Animation", "Intervenante 1", "Intervenante 2")
CHAPTERS = ("Ouverture", "Les algorithmes", "Le droit", "Les enquêtes", "Les contentieux", "Questions du public")


def cue_times(index: int, cues: int, minutes: int) -> tuple[int, int]:
    """Start and end of cue ``index`` in milliseconds: evenly spread, starting 120 ms after a boundary."""
    step = minutes * 60_000 // cues
    start = index * step + 120
    return start, start + step - 330


def cue_text(index: int) -> str:
    return f"{OPENERS[index % len(OPENERS)]} {BODIES[index % len(BODIES)]}"


def transcript(cues: int = 1200, minutes: int = 90) -> bytes:
    lines = ["WEBVTT", "", "NOTE Contenu de démonstration écrit pour ce portail.", ""]
    for i in range(cues):
        start, end = cue_times(i, cues, minutes)
        role = ROLES[(i // 5) % len(ROLES)]
        lines += [f"{format_vtt(start)} --> {format_vtt(end)}", f"<v {role}>{cue_text(i)}", ""]
    return "\n".join(lines).encode()


def silent_wav(path: Path, seconds: int, rate: int = 3000) -> None:
    """An 8-bit mono WAV of silence (3 kHz: 16 MB for 90 minutes; browsers refuse much lower rates)."""
    frames = seconds * rate
    with path.open("wb") as out:
        out.write(b"RIFF" + struct.pack("<I", 36 + frames) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8))
        out.write(b"data" + struct.pack("<I", frames))
        minute = b"\x80" * rate * 60
        for _ in range(seconds // 60):
            out.write(minute)
        out.write(b"\x80" * rate * (seconds % 60))


def write_catalogue(folder: Path, cues: int = 1200, minutes: int = 90, slug: str = SLUG) -> Path:
    """Write the webinar's files and catalogue into ``folder``; return the catalogue's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{slug}.vtt").write_bytes(transcript(cues, minutes))
    silent_wav(folder / f"{slug}.wav", minutes * 60)
    chapter_ms = minutes * 60_000 // len(CHAPTERS)
    entry = {
        "slug": slug,
        "title": "Une session de 90 minutes (démonstration)",
        "question": "Que faire face à la haine en ligne, de l'algorithme au procès ?",
        "description": "Session synthétique écrite pour tester le portail sur un long enregistrement.",
        "starts_at": "2024-06-20T12:30:00+02:00",
        "timezone": "Europe/Paris",
        "duration_s": minutes * 60,
        "language": "fr",
        "themes": ["law"],
        "published": True,
        "demo": True,
        "media": {"kind": "file", "src": f"{slug}.wav"},
        "transcript": f"{slug}.vtt",
        "chapters": [{"start": format_vtt(i * chapter_ms).split(".")[0], "title": title} for i, title in enumerate(CHAPTERS)],
    }
    path = folder / "catalogue.json"
    path.write_text(json.dumps({"webinars": [entry]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
