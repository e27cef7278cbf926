"""How stored files are named and measured: by their content, never by what the uploader called them."""

from __future__ import annotations

import re

from media_meta.i18n import _

NBSP = "\u00a0"  # between a number and its unit, so that « 20 Mo » never breaks across lines
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")
HASH_PREFIX = 32  # hexadecimal digits of the SHA-256 kept in the name


def stored_name(sha256_hex: str, extension: str) -> str:
    """``<the first 32 hex digits of the SHA-256><.ext>``: the same content is always stored once, under one name."""
    name = sha256_hex[:HASH_PREFIX].lower() + extension.lower()
    if not STORED_NAME.match(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return name


def display_name(uploaded: str | None, fallback: str) -> str:
    """The name an uploader gave a file, kept to show it: its last part only, printable, 255 characters at
    most; never used to build a path."""
    name = (uploaded or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:255].strip()
    return name or fallback


def download_name(name: str | None, fallback: str) -> str:
    """A file name safe in a ``Content-Disposition`` header: ASCII letters, digits, ``._-``, others as ``_``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", display_name(name, "")).strip("._")
    return safe or fallback


def file_size(size: int | float) -> str:
    """A size in bytes as people read it: ``850 Ko``, ``1,5 Mo``, ``20 Mo``, ``4 Go`` (binary units; in
    English ``1.5 MB``: the unit and the decimal mark come from the translation)."""
    if size < 1024 * 1024:
        return _("%(size)s\u00a0Ko", size=max(1, round(size / 1024)) if size else 0)
    unit, amount = ("Mo", size / 1048576) if size < 1024**3 else ("Go", size / 1024**3)
    whole, tenth = divmod(round(amount * 10), 10)
    if unit == "Mo":
        return _("%(whole)s,%(tenth)s\u00a0Mo", whole=whole, tenth=tenth) if tenth else _("%(size)s\u00a0Mo", size=whole)
    return _("%(whole)s,%(tenth)s\u00a0Go", whole=whole, tenth=tenth) if tenth else _("%(size)s\u00a0Go", size=whole)
