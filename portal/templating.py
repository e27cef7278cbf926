"""What templates may call: time and date formatting, link builders."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import gettext as _

from config import Config

from media_meta.clips import display_code
from media_meta.timecodes import format_clock, format_spoken, format_vtt
from portal import links
from portal.delivery import asset_url
from media_meta.stored import file_size

def site_name() -> str:
    """The configured name, translated when it is the default one (a name set by configuration is shown as written)."""
    name = current_app.config["SITE_NAME"]
    return _("Replays : haine, harcèlement et discriminations en ligne") if name == Config.SITE_NAME else name


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        clock=format_clock,
        file_size=file_size,
        spoken=format_spoken,
        vtt_time=format_vtt,
        display_code=display_code,
    )
    app.jinja_env.globals.update(
        watch_url=links.watch_url,
        moment_links=links.moment_links,
        media_url=links.media_url,
        external_player=links.external_player,
        segment_url=links.segment_url,
        clip_url=links.clip_url,
        collection_url=links.collection_url,
        transcript_url=links.transcript_url,
        asset_url=asset_url,
        site_name=site_name,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
