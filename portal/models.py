"""The catalogue, transcripts and accounts: the source of truth (the search index derives from it)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model, db

ROLES = ("trainer", "admin")  # the only definition of the roles; the first is the default of a new account


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC and read them back aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


webinar_themes = Table(
    "webinar_themes",
    db.metadata,
    Column("webinar_id", ForeignKey("webinars.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    webinars: Mapped[list[Webinar]] = relationship(secondary=webinar_themes, back_populates="themes")

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Speaker(Model):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    bio: Mapped[str] = mapped_column(Text, default="")

    appearances: Mapped[list[WebinarSpeaker]] = relationship(back_populates="speaker")


class WebinarSpeaker(Model):
    """A speaker in one webinar, with the role they held there."""

    __tablename__ = "webinar_speakers"

    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    webinar: Mapped[Webinar] = relationship(back_populates="speaker_links")
    speaker: Mapped[Speaker] = relationship(back_populates="appearances")


class Webinar(Model):
    __tablename__ = "webinars"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(16), default="fr")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    speakers_note: Mapped[str] = mapped_column(Text, default="")
    # Demonstration content (written for the project, spoken by a speech synthesiser) is labelled as such.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    media_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    media_src: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    media_type: Mapped[str | None] = mapped_column(String(80), nullable=True)
    active_transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        secondary=webinar_themes, back_populates="webinars", order_by="Theme.position"
    )
    speaker_links: Mapped[list[WebinarSpeaker]] = relationship(
        back_populates="webinar", cascade="all, delete-orphan", order_by="WebinarSpeaker.position"
    )
    transcripts: Mapped[list[Transcript]] = relationship(
        back_populates="webinar",
        cascade="all, delete-orphan",
        foreign_keys="Transcript.webinar_id",
        order_by="Transcript.version",
        passive_deletes=True,
    )
    active_transcript: Mapped[Transcript | None] = relationship(
        foreign_keys=[active_transcript_id], post_update=True
    )
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="webinar", cascade="all, delete-orphan", order_by="Chapter.start_ms"
    )
    content_notes: Mapped[list[ContentNote]] = relationship(
        back_populates="webinar", cascade="all, delete-orphan", order_by="ContentNote.start_ms"
    )

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def has_media(self) -> bool:
        """Whether the page has a recording to offer (played here, or through an external player)."""
        return bool(self.media_kind and self.media_src)

    def __repr__(self) -> str:
        return f"<Webinar {self.slug}>"


class Chapter(Model):
    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    start_ms: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))

    webinar: Mapped[Webinar] = relationship(back_populates="chapters")


class Transcript(Model):
    """One uploaded version of a webinar's transcript, kept byte for byte."""

    __tablename__ = "transcripts"
    __table_args__ = (UniqueConstraint("webinar_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16), default="fr")
    version: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    original_filename: Mapped[str] = mapped_column(String(255))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    cue_count: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(20), default="upload")  # upload, cli, catalogue, edit
    note: Mapped[str] = mapped_column(Text, default="")
    # What the file was read as when it was not UTF-8 ("Windows-1252"…); the raw bytes stay as sent.
    encoding: Mapped[str] = mapped_column(String(40), default="UTF-8", server_default="UTF-8")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    webinar: Mapped[Webinar] = relationship(back_populates="transcripts", foreign_keys=[webinar_id])
    uploaded_by: Mapped[User | None] = relationship()
    cues: Mapped[list[Cue]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Cue.position", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.webinar is not None and self.webinar.active_transcript_id == self.id


class Cue(Model):
    __tablename__ = "cues"
    # A long transcript is read one part (a range of positions) at a time.
    __table_args__ = (Index("ix_cues_transcript_id_position", "transcript_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer, nullable=True)

    transcript: Mapped[Transcript] = relationship(back_populates="cues")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="trainer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    # The sign-in this request belongs to (set by the loader or at sign-in, never stored on the user).
    # A plain attribute, not a column: its annotation is for mypy only (the ORM would take it for a column's).
    if TYPE_CHECKING:
        sign_in_token: str | None
    sign_in_token = None

    def get_id(self) -> str:
        """What Flask-Login puts in the session and the remember cookie: the account and one revocable sign-in."""
        return f"{self.id}:{self.sign_in_token or ''}"


class SignIn(Model):
    """One sign-in on one device: its token (hashed) is in that device's session and remember cookies.

    Signing out deletes it; a password change, a reset, disabling the account or "sign out everywhere"
    delete all of the account's, so every cookie issued before stops working.
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Model):
    """Who did what to which webinar, transcript, clip or account, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    user_email: Mapped[str] = mapped_column(String(254), default="")  # kept when the account goes
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20), index=True)  # webinar, transcript, clip, account, index, speaker, theme
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_label: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User | None] = relationship()


class LoginAttempt(Model):
    """A failed sign-in, counted per account and per address to slow down guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)  # "account:<email>" or "ip:<address>"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class IndexTask(Model):
    """A change the search index has still to follow, written in the change's own transaction.

    Cleared once the index has it; if the process stopped in between, the next catch-up redoes it.
    """

    __tablename__ = "index_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # no foreign key: it may be deleted
    resource_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RequestCount(Model):
    """Requests of one kind from one address in one minute (portal/ratelimit.py), shared by every worker."""

    __tablename__ = "request_counts"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "search:<address>"
    minute: Mapped[int] = mapped_column(Integer, primary_key=True)  # minutes since the epoch
    count: Mapped[int] = mapped_column(Integer, default=0)


class PasswordReset(Model):
    """A one-time password reset link; only a hash of its token is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PendingUpload(Model):
    """An uploaded transcript shown in preview, waiting for the admin to confirm it."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    original_filename: Mapped[str] = mapped_column(String(255))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Clip(Model):
    """A named segment of a webinar saved by a trainer, shared as /c/<code>."""

    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    webinar_id: Mapped[int | None] = mapped_column(ForeignKey("webinars.id", ondelete="SET NULL"), nullable=True, index=True)
    # Kept so that a link to a deleted webinar can still say what it was.
    webinar_title: Mapped[str] = mapped_column(String(300), default="")
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # In the trash since then (its link answers 410, its owner can restore it); erased after TRASH_DAYS.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)

    user: Mapped[User | None] = relationship()
    webinar: Mapped[Webinar | None] = relationship()


class Collection(Model):
    """An ordered path through clips, for a workshop; shared as /k/<code>."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)  # in the trash since

    user: Mapped[User | None] = relationship()
    items: Mapped[list[CollectionItem]] = relationship(
        back_populates="collection", cascade="all, delete-orphan", order_by="CollectionItem.position"
    )


class CollectionItem(Model):
    __tablename__ = "collection_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    collection: Mapped[Collection] = relationship(back_populates="items")
    clip: Mapped[Clip] = relationship()


RESOURCE_KINDS = {
    "slides": _l("Diaporama"),
    "document": _l("Document"),
    "legal": _l("Texte juridique"),
    "organisation": _l("Organisation"),
    "article": _l("Article"),
    "video": _l("Vidéo"),
    "other": _l("Autre"),
}

resource_themes = Table(
    "resource_themes",
    db.metadata,
    Column("resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Resource(Model):
    """Material next to the replays: slides, documents, legal texts, organisations to turn to."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="fr")
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # An uploaded file is stored under a name derived from its content, never from its upload name.
    file_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    file_type: Mapped[str | None] = mapped_column(String(120), nullable=True)
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    original_filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")  # extracted from PDFs, for search
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    themes: Mapped[list[Theme]] = relationship(secondary=resource_themes, order_by="Theme.position")
    links: Mapped[list[ResourceLink]] = relationship(back_populates="resource", cascade="all, delete-orphan", order_by="ResourceLink.id")

    @property
    def kind_label(self) -> str:
        return str(RESOURCE_KINDS.get(self.kind, self.kind))  # in the visitor's language


class ResourceLink(Model):
    """A resource cited by a webinar, optionally at a moment of it."""

    __tablename__ = "resource_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    start_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")

    resource: Mapped[Resource] = relationship(back_populates="links")
    webinar: Mapped[Webinar] = relationship()


class SynonymGroup(Model):
    """Expressions that mean the same to the people searching (an acronym and its words, a word of
    the law and the speakers' word), applied when a query is read: editing them needs no reindex."""

    __tablename__ = "synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    expressions: Mapped[str] = mapped_column(Text)  # one per line, as written
    note: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def expression_list(self) -> list[str]:
        return [line for line in self.expressions.splitlines() if line.strip()]


class ContentNote(Model):
    """A warning on a time range of a recording ("Citation de propos racistes"): shown before the
    passage in the transcript and when playback reaches it, with a way to skip it."""

    __tablename__ = "content_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    webinar: Mapped[Webinar] = relationship(back_populates="content_notes")


REPORT_STATUSES = ("new", "fixed", "rejected")


class ErrorReport(Model):
    """A viewer's report of a transcription error: the line as it was shown, and what they propose.

    Nothing about the person is kept (no account, no address): the rate limit counts addresses
    for a minute in ``request_counts`` only."""

    __tablename__ = "error_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id", ondelete="CASCADE"), index=True)
    start_ms: Mapped[int] = mapped_column(Integer)
    said: Mapped[str] = mapped_column(Text, default="")  # the line's text when it was reported
    proposed: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    webinar: Mapped[Webinar] = relationship()
