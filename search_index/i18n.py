"""Sentences for people, in the language of whoever asks.

The application installs its translator (the portal: Flask-Babel's ``gettext``); alone, this library
speaks French, the reference. Messages are marked ``_("… %(name)s …", name=value)`` so that the
application's message extraction finds them.
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = str


def install(translator: Callable[[str], str]) -> None:
    """Translate this library's messages with ``translator`` from now on."""
    global _translator
    _translator = translator


def _(message: str, **params: object) -> str:
    text = _translator(message)
    return text % params if params else text
