"""Stored files: named by their content, measured as French reads sizes."""

from __future__ import annotations

import hashlib

import pytest

from media_meta.stored import NBSP, STORED_NAME, display_name, download_name, file_size, stored_name


def test_the_same_content_has_one_name_whatever_it_was_called():
    digest = hashlib.sha256(b"un enregistrement").hexdigest()
    assert stored_name(digest, ".MP4") == digest[:32] + ".mp4" == stored_name(digest.upper(), ".mp4")
    assert STORED_NAME.match(stored_name(digest, ".opus"))


@pytest.mark.parametrize("extension", ["", ".", "mp4", ".x", "/../a", ".toolong"])
def test_a_name_is_never_built_from_something_else_than_an_extension(extension):
    with pytest.raises(ValueError):
        stored_name("a" * 64, extension)


@pytest.mark.parametrize(
    "size, shown",
    [(0, "0 Ko"), (300, "1 Ko"), (850 * 1024, "850 Ko"), (1536 * 1024, "1,5 Mo"), (20 * 1024 * 1024, "20 Mo"), (4 * 1024**3, "4 Go")],
)
def test_sizes_read_in_french(size, shown):
    assert file_size(size) == shown.replace(" ", NBSP)


@pytest.mark.parametrize(
    ("uploaded", "shown", "downloaded"),
    [
        ("séance 2.vtt", "séance 2.vtt", "s_ance_2.vtt"),
        ("C:\\Users\\moi\\notes.vtt", "notes.vtt", "notes.vtt"),
        ("../../etc/passwd", "passwd", "passwd"),
        ("bad\x00\x1fname.pdf", "badname.pdf", "badname.pdf"),
        ("", "fichier", "fichier"),
        (None, "fichier", "fichier"),
        ("...", "...", "fichier"),
        ("x" * 400 + ".pdf", "x" * 255, "x" * 255),
    ],
)
def test_an_uploaded_name_is_kept_to_show_and_cleaned_for_a_download(uploaded, shown, downloaded):
    assert display_name(uploaded, "fichier") == shown
    assert download_name(uploaded, "fichier") == downloaded
