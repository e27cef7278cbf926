"""Configuration classes, one per environment.

The classes hold defaults only. ``create_app`` picks one (argument, else ``PORTAL_ENV``,
else development), then lets any ``PORTAL_<KEY>`` environment variable override a key,
then applies keyword overrides (tests). Relative paths are resolved under ``instance/``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

INSECURE_SECRET_KEYS = {"", "dev", "change-me"}


class Config:
    ENV_NAME = "base"
    SECRET_KEY = "dev"
    # A relative SQLite path is resolved against the instance folder by Flask-SQLAlchemy.
    SQLALCHEMY_DATABASE_URI = "sqlite:///portal.sqlite3"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    MEDIA_DIR = "media"
    RESOURCE_DIR = "resources"
    MAX_RESOURCE_BYTES = 20 * 1024 * 1024
    SEARCH_INDEX_DIR = "search_index"
    MAX_TRANSCRIPT_BYTES = 10 * 1024 * 1024
    # A recording uploaded in the browser (admin → webinar → Enregistrement): written to disk as it arrives.
    MAX_MEDIA_BYTES = 4 * 1024**3
    # Whole request bodies: the largest upload (a resource file) plus the form around it.
    MAX_CONTENT_LENGTH = 22 * 1024 * 1024
    SEARCH_WRITER_TIMEOUT_S = 30.0
    ORGANISATION_NAME = "VoxPublic"
    SITE_NAME = "Replays : haine, harcèlement et discriminations en ligne"
    DEFAULT_TIMEZONE = "Europe/Paris"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # "Rester connecté·e": 30 days (PORTAL_REMEMBER_COOKIE_DURATION in seconds), each sign-in revocable.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SIGN_IN_LIFETIME = timedelta(hours=24)  # a sign-in without "Rester connecté·e"
    # How many reverse proxies stand in front (nginx: 1). Their X-Forwarded-For / -Proto are then believed,
    # so that throttling and the audit log see each visitor's address, not the proxy's.
    TRUSTED_PROXIES = 0
    # Searches per address and minute (site search, its API, a recording's search box); 0: no limit.
    # Typing in a search box sends about one request per word.
    SEARCH_RATE_PER_MINUTE = 120
    KIT_PDF_RATE_PER_MINUTE = 10  # PDF handouts made from one address (each costs about a second of CPU)
    REPORT_RATE_PER_MINUTE = 5  # error reports from one address; the next waits for the minute to end
    REPORT_MIN_SECONDS = 3  # a report sent sooner after its form was shown is a robot's
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    SEND_FILE_MAX_AGE_DEFAULT = 3600
    # Hosts of external players; tests point them at local fakes that speak the same postMessage API.
    EMBED_BASES: dict[str, str] = {}
    CLIP_MAX_MS = 30 * 60 * 1000
    # The watch page renders a transcript in parts of this many lines (about 0.4 KB of HTML each): 2,000 lines
    # are about two and a half hours of speech, so most recordings are one part, and no page passes 1 MB.
    TRANSCRIPT_PART_CUES = 2000
    # A request indexes a transcript of up to this many lines itself (about 3 s); a longer one is indexed by a
    # background job whose progress the transcript page shows (110,000 lines: about 40 s).
    INDEX_IN_REQUEST_CUES = 10_000
    # /readyz answers 503 while this node's index is missing or more than this many changes behind.
    READY_MAX_LAG = 20
    # Each process checks the database's index journal this often (seconds), also when nobody searches, so
    # that a change made on another node is searchable here within about this time (0: only before searches).
    INDEX_FOLLOW_EVERY_S = 1.0
    # Journal rows older than this are pruned; a node stopped for longer rebuilds its index when it starts.
    INDEX_JOURNAL_KEEP_DAYS = 7.0
    # /metrics is for the loopback address only, or, when this is set (PORTAL_METRICS_TOKEN), for
    # requests with "Authorization: Bearer <token>" from anywhere.
    METRICS_TOKEN: str | None = None
    # Behind nginx: "/_media/" (PORTAL_MEDIA_ACCEL_REDIRECT) lets the app check who may hear a recording
    # and nginx send it (X-Accel-Redirect to an `internal` location; see README "Behind nginx").
    MEDIA_ACCEL_REDIRECT: str | None = None


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    INDEX_FOLLOW_EVERY_S = 0.0  # tests catch up explicitly, or start the loop


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = ""  # must come from PORTAL_SECRET_KEY
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # The host names the portal answers to (others get 400), e.g. PORTAL_TRUSTED_HOSTS='["replays.example.org"]':
    # links in shared pages, embed codes, oEmbed and reset links are built from the Host header.
    TRUSTED_HOSTS: list[str] | None = None


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
