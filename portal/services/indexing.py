"""Keeps the search index in step with the database, which stays the source of truth."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, cast

from flask import Flask, current_app, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.local import LocalProxy

from portal import metrics
from portal.extensions import db
from portal.models import Cue, IndexTask, Resource, Transcript, Webinar, WebinarSpeaker, utcnow
from search_index.documents import CueDoc, ResourceDoc, WebinarDoc
from search_index.store import IndexBusy, IndexStore, IndexUnavailable, RebuildInProgress, RebuildStats

log = logging.getLogger(__name__)
REQUEST_LOCK_WAIT_S = 3.0  # a request waits this long at most for another index writer, then leaves it queued


def get_store(app: Flask | None = None) -> IndexStore:
    app = app or current_app
    store = app.extensions.get("search_store")
    if store is None:
        store = IndexStore(app.config["SEARCH_INDEX_DIR"], writer_timeout=app.config["SEARCH_WRITER_TIMEOUT_S"])
        app.extensions["search_store"] = store
    return store


# -- documents ---------------------------------------------------------------------------------


def webinar_doc(webinar: Webinar) -> WebinarDoc:
    """The index documents of one webinar: its description and its active transcript's cues."""
    speakers = " ".join(f"{link.speaker.name} {link.speaker.affiliation}" for link in webinar.speaker_links)
    text = "\n".join(p for p in (webinar.title, webinar.question, webinar.description, speakers) if p)
    cues: list[CueDoc] = []
    if webinar.active_transcript_id is not None:
        rows = db.session.execute(
            select(Cue.id, Cue.start_ms, Cue.end_ms, Cue.speaker, Cue.text)
            .where(Cue.transcript_id == webinar.active_transcript_id)
            .order_by(Cue.position)
        ).all()
        for i, row in enumerate(rows):
            next_text = rows[i + 1].text if i + 1 < len(rows) else ""
            cues.append(
                CueDoc(row.id, webinar.id, webinar.active_transcript_id, row.start_ms, row.end_ms, row.text, row.speaker, next_text)
            )
    return WebinarDoc(
        webinar_id=webinar.id,
        slug=webinar.slug,
        title=webinar.title,
        text=text,
        themes=tuple(t.slug for t in webinar.themes),
        starts_at_ms=int(webinar.starts_at.timestamp() * 1000),
        transcript_id=webinar.active_transcript_id,
        cues=tuple(cues),
        language=webinar.language or "fr",
    )


def resource_doc(resource: Resource) -> ResourceDoc:
    text = "\n".join(p for p in (resource.title, resource.description, resource.text) if p)
    return ResourceDoc(resource.id, resource.title, text, tuple(t.slug for t in resource.themes), resource.language or "fr")


def _resources() -> Iterator[ResourceDoc]:
    for resource in db.session.scalars(select(Resource).options(selectinload(Resource.themes)).order_by(Resource.id)):
        yield resource_doc(resource)


def _published() -> Iterator[Webinar]:
    query = (
        select(Webinar)
        .where(Webinar.published.is_(True))
        .options(selectinload(Webinar.themes), selectinload(Webinar.speaker_links).selectinload(WebinarSpeaker.speaker))
        .order_by(Webinar.id)
    )
    yield from db.session.scalars(query)


# -- the journal ------------------------------------------------------------------------------
# Every change to what is searchable appends a row to ``index_tasks`` in the change's own
# transaction (``queue``): its id is the change's sequence number. Each node's index records the last
# change it has applied and, per webinar or resource, those it applied ahead of that (right after
# their commit, on the node that made them). A node applies the rows it has not seen, rebuilding
# each webinar's or resource's documents from the database: before searches (``maybe_catch_up``) and
# in a background loop (``start_following``). So every node follows every change, whichever node
# made it, and a change nobody could apply at once (index locked, process stopped) is never lost.

FOLLOW_CHECK_S = 0.5  # a search reads the journal's last number at most this often per process
CATCH_UP_BATCH = 500
PRUNE_EVERY_S = 3600.0
ALL = "all"  # the key of a rebuild's row: the other nodes check their whole index against the database


@dataclass(eq=False)  # hashable by identity: kept in a WeakSet
class _Follower:
    """One app's background index work in this process (tests run several apps in one process)."""

    rebuild_lock: threading.Lock = field(default_factory=threading.Lock)
    catch_up_lock: threading.Lock = field(default_factory=threading.Lock)
    again: threading.Event = field(default_factory=threading.Event)
    start_lock: threading.Lock = field(default_factory=threading.Lock)
    checked: float = float("-inf")
    pruned: float = float("-inf")
    loop: threading.Thread | None = None
    stopping: threading.Event = field(default_factory=threading.Event)


_followers: "weakref.WeakSet[_Follower]" = weakref.WeakSet()


def _follower(app: Flask | None = None) -> _Follower:
    app = app or current_app
    follower = app.extensions.get("index_follower")
    if follower is None:
        follower = app.extensions.setdefault("index_follower", _Follower())
        _followers.add(follower)
    return follower


def _these() -> list[_Follower]:
    """This app's follower in an app context, else every app's (tests waiting for background work)."""
    return [_follower()] if has_app_context() else list(_followers)


def queue(*, webinar_id: int | None = None, resource_id: int | None = None) -> None:
    """Within the transaction that changes a webinar or resource (neither: a rebuild): the index must follow it."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Numbers must become visible in their order, or a node could skip one committed late: one
        # journal writer at a time until its commit (reads go on). SQLite writers are serial anyway.
        db.session.execute(text("LOCK TABLE index_tasks IN EXCLUSIVE MODE"))
    db.session.add(IndexTask(webinar_id=webinar_id, resource_id=resource_id))


def _key(webinar_id: int | None = None, resource_id: int | None = None) -> str:
    if webinar_id is not None:
        return f"w{webinar_id}"
    return f"r{resource_id}" if resource_id is not None else ALL


def _task_filter(webinar_id: int | None = None, resource_id: int | None = None):
    return IndexTask.webinar_id == webinar_id if webinar_id is not None else IndexTask.resource_id == resource_id


def _last_task(**task: int) -> int:
    """The newest change of this webinar or resource, read before the index is written from the database."""
    return db.session.scalar(select(func.max(IndexTask.id)).where(_task_filter(**task))) or 0


def _top() -> int:
    return db.session.scalar(select(func.max(IndexTask.id))) or 0


def _apply(what: str, update: Callable[[], None]) -> bool:
    try:
        update()
        return True
    except IndexUnavailable as err:
        if err.code == "missing":
            # No index yet (a new install): built whole now from the database, which holds this change,
            # so that the command that made it leaves a searchable site; a request leaves it to a thread.
            if not has_request_context() and not rebuild_running():
                log.info("No search index yet: building it")
                return rebuild() is not None  # built elsewhere meanwhile: the journal has it for the catch-up
            start_background_rebuild()
            return False
        log.warning("Search index not updated for %s: %s", what, err.reason)
    except IndexBusy as err:  # expected under load: the journal keeps the change for the catch-up
        log.warning("Search index not updated yet for %s: %s", what, err)
    except Exception:
        log.exception("Search index update failed for %s", what)
    return False


def webinar_changed(webinar: Webinar) -> None:
    """Replace (or remove, if unpublished) one webinar's documents, after its database commit.

    A transcript too long for a request's time is indexed by a background job (the journal has it).
    """
    if has_request_context() and webinar.published and _cue_count(webinar) > current_app.config["INDEX_IN_REQUEST_CUES"]:
        start_background_catch_up()
        return
    _follow(webinar.slug, _webinar_write(webinar.id), webinar_id=webinar.id)


def _webinar_write(webinar_id: int) -> Callable[[float | None, tuple[str, int]], None]:
    """Write one webinar's documents as the database has it when the write starts (gone: removed)."""

    def write(wait: float | None, covers: tuple[str, int]) -> None:
        webinar = db.session.get(Webinar, webinar_id)
        if webinar is None:
            get_store().delete_webinar(webinar_id, timeout=wait, covers=covers)
        else:
            _write_webinar(webinar, wait, covers)

    return write


def _write_webinar(webinar: Webinar, wait: float | None = None, covers: tuple[str, int] | None = None) -> None:
    if webinar.published:
        get_store().replace_webinar(webinar_doc(webinar), timeout=wait, covers=covers)
    else:
        get_store().delete_webinar(webinar.id, timeout=wait, covers=covers)


def webinar_deleted(webinar_id: int) -> None:
    _follow(f"deleted webinar {webinar_id}", _webinar_write(webinar_id), webinar_id=webinar_id)


def _resource_write(resource_id: int) -> Callable[[float | None, tuple[str, int]], None]:
    def write(wait: float | None, covers: tuple[str, int]) -> None:
        resource = db.session.get(Resource, resource_id)
        if resource is None:
            get_store().delete_resource(resource_id, timeout=wait, covers=covers)
        else:
            get_store().replace_resource(resource_doc(resource), timeout=wait, covers=covers)

    return write


def resource_changed(resource: Resource) -> None:
    _follow(f"resource {resource.id}", _resource_write(resource.id), resource_id=resource.id)


def resource_deleted(resource_id: int) -> None:
    _follow(f"deleted resource {resource_id}", _resource_write(resource_id), resource_id=resource_id)


def _follow(what: str, write: Callable[[float | None, tuple[str, int]], None], **task: int) -> bool:
    """Make the index follow a change just committed (its journal row written in the same transaction).

    Every index write goes through here. One writer of a webinar's (or resource's) documents at a
    time per node, each reading the database once the previous one has written: a catch-up that read
    a webinar before its deletion cannot put it back after. In a request it waits a moment at most
    (a long update, a rebuild), then leaves the change to the background catch-up: the person never
    waits long and never sees an error for a change that was saved. On the command line it waits
    the configured time. True when the index has the change.
    """
    in_request = has_request_context()
    store = get_store()
    wait = min(REQUEST_LOCK_WAIT_S, store.writer_timeout) if in_request else store.writer_timeout
    key = _key(**task)

    def update() -> None:
        with store.serialized(key, wait) as mine:
            if not mine:
                raise IndexBusy(f"another process was writing {key} for more than {wait:g} s")
            db.session.commit()  # what is read next is the latest committed state (SQLite reads a snapshot per transaction)
            write(wait if in_request else None, (key, _last_task(**task)))  # the journal read before the documents

    if _apply(what, update):
        return True
    if in_request:
        start_background_catch_up()
    return False


def _cue_count(webinar: Webinar) -> int:
    return webinar.active_transcript.cue_count if webinar.active_transcript is not None else 0


@dataclass(frozen=True)
class _Behind:
    rows: list  # (id, webinar_id, resource_id, created_at) of the changes this node's index lacks, oldest first
    sequences: int  # how many (all of them, even past the rows read)


def _behind(limit: int = 1000) -> _Behind:
    """The journal's changes that this node's index has not applied (all of them when there is no index)."""
    state = get_store().journal_state()
    applied = state.applied if state else 0
    rows = db.session.execute(
        select(IndexTask.id, IndexTask.webinar_id, IndexTask.resource_id, IndexTask.created_at)
        .where(IndexTask.id > applied)
        .order_by(IndexTask.id)
        .limit(limit)
    ).all()
    missing = [r for r in rows if state is None or not state.has(_key(r.webinar_id, r.resource_id), r.id)]
    if len(rows) < limit:
        return _Behind(missing, len(missing))
    total = db.session.scalar(select(func.count()).select_from(IndexTask).where(IndexTask.id > applied)) or 0
    return _Behind(missing, len(missing) + total - len(rows))


def pending(webinar: Webinar) -> "PendingUpdate | None":
    """The index update of this webinar still to do or under way (a long transcript's), if any."""
    key = _key(webinar_id=webinar.id)
    if not any(_key(r.webinar_id, r.resource_id) == key for r in _behind().rows):
        return None
    done_total = get_store().progress(webinar.id)
    if done_total is not None:
        return PendingUpdate(done_total[0], done_total[1])
    return PendingUpdate(0, _cue_count(webinar))


@dataclass(frozen=True)
class PendingUpdate:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def catch_up() -> int:
    """Apply the journal's changes that this node's index has not applied; returns how many webinars
    and resources it rewrote. One process of a node at a time (the others return 0)."""
    store = get_store()
    with store.claim("journal") as mine:
        if not mine:
            return 0
        return _catch_up(store)


def _catch_up(store: IndexStore) -> int:
    state = store.journal_state()
    if state is None:
        if rebuild_running():
            return 0
        log.info("No search index on this node yet: building it from the database")
        rebuild()  # its own catch-up is left to this one, which holds the claim
        state = store.journal_state()
        if state is None:
            return 0
    first, top = db.session.execute(select(func.min(IndexTask.id), func.max(IndexTask.id))).one()
    if (top or 0) < state.applied or (first is not None and state.applied < first - 1):
        # The journal went back (a restored database) or lost what this node missed (pruned while it
        # was stopped): only a rebuild can tell what the index lacks.
        log.warning("Search index too far from the database's journal (applied %s, journal %s to %s): rebuilding", state.applied, first, top)
        rebuild()
        state = store.journal_state()
        if state is None:
            return 0
    rewritten = 0
    while True:
        rows = db.session.execute(
            select(IndexTask.id, IndexTask.webinar_id, IndexTask.resource_id)
            .where(IndexTask.id > state.applied)
            .order_by(IndexTask.id)
            .limit(CATCH_UP_BATCH)
        ).all()
        if not rows:
            return rewritten
        first_of: dict[str, int] = {}
        last_of: dict[str, int] = {}
        for row in rows:
            key = _key(row.webinar_id, row.resource_id)
            first_of.setdefault(key, row.id)
            last_of[key] = row.id
        reached = rows[-1].id
        for key, seq in sorted(last_of.items(), key=lambda item: item[1]):
            if state.has(key, seq):
                continue  # applied right after its commit, by this node
            if _apply_key(key):
                rewritten += 1
            else:
                reached = min(reached, first_of[key] - 1)  # the next round starts again from it
        store.record_journal(state.generation, applied=reached)
        db.session.commit()  # end the read: the next batch sees what was committed meanwhile
        if reached < rows[-1].id:
            return rewritten
        state = store.journal_state(state.generation)
        if state is None or state.generation != store.current_generation():
            return rewritten  # rebuilt meanwhile: the next round follows the new index


def _apply_key(key: str) -> bool:
    """Rewrite one webinar's or resource's documents from the database (or check everything)."""
    if key == ALL:
        reconcile()
        return True
    number = int(key[1:])
    if key[0] == "w":
        return _follow(f"webinar {number}", _webinar_write(number), webinar_id=number)
    return _follow(f"resource {number}", _resource_write(number), resource_id=number)


def maybe_catch_up() -> None:
    """Before a search: one indexed read of the journal's last number (at most every FOLLOW_CHECK_S per
    process); if this node's index is not there, a background catch-up (the search does not wait)."""
    follower = _follower()
    now = time.monotonic()
    if now - follower.checked < FOLLOW_CHECK_S:
        return
    follower.checked = now
    try:
        top = _top()
    except SQLAlchemyError as err:  # an install whose schema is not upgraded yet (`flask db upgrade`)
        db.session.rollback()
        log.warning("Index catch-up skipped: %s", err.__class__.__name__)
        return
    state = get_store().journal_state()
    if state is not None and top != state.applied:
        start_background_catch_up()


def prune_journal(keep_days: float | None = None) -> int:
    """Delete the journal's rows older than ``keep_days`` (INDEX_JOURNAL_KEEP_DAYS), but the newest of
    them: it marks how far the journal goes back. A node that missed pruned rows rebuilds."""
    keep_days = current_app.config["INDEX_JOURNAL_KEEP_DAYS"] if keep_days is None else keep_days
    horizon = db.session.scalar(select(func.max(IndexTask.id)).where(IndexTask.created_at < utcnow() - timedelta(days=keep_days)))
    if horizon is None:
        return 0
    # A DELETE's result is a CursorResult, which Session.execute is not typed to return.
    deleted = cast(CursorResult[Any], db.session.execute(delete(IndexTask).where(IndexTask.id < horizon))).rowcount or 0
    db.session.commit()
    return deleted


def init_app(app: Flask) -> None:
    """Each process starts following the journal with its first request."""

    @app.before_request
    def follow() -> None:
        start_following(app)


def start_following(app: Flask) -> bool:
    """Start this process's loop that makes the index follow the journal every INDEX_FOLLOW_EVERY_S
    seconds (0: only before searches), also when nobody searches; False if it runs already."""
    every = float(app.config["INDEX_FOLLOW_EVERY_S"])
    follower = _follower(app)
    if not every or follower.loop is not None:
        return False
    with follower.start_lock:
        if follower.loop is not None:
            return False

        def run() -> None:
            while not follower.stopping.wait(every):
                try:
                    with app.app_context():
                        if not _schema_ready():
                            continue
                        follower.checked = float("-inf")
                        ensure_index()  # builds a missing index, then catches up
                        if time.monotonic() - follower.pruned > PRUNE_EVERY_S:
                            follower.pruned = time.monotonic()
                            prune_journal()
                except Exception:
                    log.exception("Index follow loop")

        follower.loop = threading.Thread(target=run, name="index-follow", daemon=True)
        follower.loop.start()
    return True


def _schema_ready() -> bool:
    """Whether the database has the journal (not before `flask init` or `flask db upgrade`)."""
    try:
        _top()
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def stop_following(app: Flask) -> None:
    follower = _follower(app)
    follower.stopping.set()
    if follower.loop is not None:
        follower.loop.join(timeout=10)


def rebuild(procs: int = 1, announce: bool = False) -> RebuildStats | None:
    """Rebuild the whole index aside from the database, switch to it, then catch up on changes made meanwhile.

    ``announce``: a journal row tells the other nodes, which check their index against the database
    and fix what differs. None when another process was rebuilding: this one waited for its end.
    """
    if announce:
        queue()
        db.session.commit()
    applied = _top()  # the documents read next include every change up to this one
    clock = time.monotonic()
    try:
        stats = get_store().rebuild((webinar_doc(w) for w in _published()), procs=procs, resources=_resources(), applied=applied)
    except RebuildInProgress:
        log.info("Index rebuilt meanwhile by another process")
        db.session.rollback()
        return None
    metrics.observe_rebuild(time.monotonic() - clock)
    db.session.commit()
    db.session.expire_all()
    catch_up()
    return stats


def reconcile() -> list[str]:
    """Fix, webinar by webinar, whatever ``check`` finds different; return what was fixed."""
    differences = check()
    for diff in differences:
        if diff.resource_id is not None:
            resource = db.session.get(Resource, diff.resource_id)
            resource_changed(resource) if resource else resource_deleted(diff.resource_id)
            continue
        if diff.webinar_id is None:
            continue
        webinar = db.session.get(Webinar, diff.webinar_id)
        if webinar is None:
            webinar_deleted(diff.webinar_id)
        else:
            webinar_changed(webinar)
    return [d.message for d in differences]


def _app_object() -> Flask:
    """The application itself, for a thread (``current_app`` is a proxy to it; Flask types it as the app)."""
    return cast("LocalProxy[Flask]", current_app)._get_current_object()


def start_background_rebuild(heal: bool = False, announce: bool = False) -> bool:
    """Rebuild in a thread of this process (the site keeps serving); False if one is already running.

    ``heal``: a rebuild nobody asked for (the index is missing or damaged): one at a time across all
    processes, and not again within a minute of the last, so a persistent fault cannot loop.
    """
    follower = _follower()
    if not follower.rebuild_lock.acquire(blocking=False):
        return False
    app = _app_object()

    def run() -> None:
        try:
            with app.app_context():
                if not heal:
                    rebuild(announce=announce)
                    return
                with get_store(app).healing() as allowed:
                    if allowed:
                        log.warning("Rebuilding the search index by itself")
                        rebuild()
        except Exception:
            log.exception("Background index rebuild failed")
        finally:
            follower.rebuild_lock.release()

    threading.Thread(target=run, name="index-rebuild", daemon=True).start()
    return True


def start_background_catch_up() -> bool:
    """Apply the journal's new changes in a thread of this process; False if it is already doing so
    (it then goes round once more, for the change just saved)."""
    follower = _follower()
    if not follower.catch_up_lock.acquire(blocking=False):
        follower.again.set()
        return False
    app = _app_object()

    def run() -> None:
        try:
            with app.app_context():
                for _attempt in range(10):  # bounded: a change that keeps failing waits for the next round
                    follower.again.clear()
                    catch_up()
                    db.session.remove()
                    if not follower.again.is_set():
                        break
        except Exception:
            log.exception("Background index catch-up failed")
        finally:
            follower.catch_up_lock.release()
        if follower.again.is_set():  # a change saved between the last round and the release
            with app.app_context():
                start_background_catch_up()

    threading.Thread(target=run, name="index-catch-up", daemon=True).start()
    return True


def catch_up_running() -> bool:
    return any(f.catch_up_lock.locked() for f in _these())


def wait_for_background(timeout_s: float = 30.0) -> bool:
    """Wait for the background rebuild and catch-up (of this app, or of every app) to end (tests, shutdown);
    False if they go on."""
    deadline = time.monotonic() + timeout_s
    while (rebuild_running() or catch_up_running()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not (rebuild_running() or catch_up_running())


def rebuild_running() -> bool:
    return any(f.rebuild_lock.locked() for f in _these())


def index_unavailable(err: IndexUnavailable) -> str:
    """Log why the index cannot answer, start healing it, and say so in a sentence for the page."""
    if err.code == "corrupt":
        log.error("Search index unreadable (%s); rebuilding it", err.reason, exc_info=err)
    start_background_rebuild(heal=True)
    return _("La recherche est momentanément indisponible : %(reason)s Sa reconstruction est en cours ; réessayez dans un instant.", reason=err.reason)


def ensure_index() -> str | None:
    """Make sure there is an index to search; start a background rebuild if there is none.

    Returns None when the index is usable, else a sentence for the search page.
    """
    try:
        with get_store().searching():
            pass
    except IndexUnavailable as err:
        return index_unavailable(err)
    maybe_catch_up()
    return None


@dataclass(frozen=True)
class Lag:
    sequences: int  # changes of the journal that this node's index has not applied yet
    seconds: float  # since the oldest of those was saved (0: none)


def lag() -> Lag:
    """How far this node's index is behind the database (readiness, metrics)."""
    behind = _behind()
    if not behind.rows:
        return Lag(behind.sequences, 0.0)
    oldest = behind.rows[0].created_at
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return Lag(behind.sequences, max(0.0, (utcnow() - oldest).total_seconds()))


@dataclass(frozen=True)
class IndexStatus:
    documents: int | None
    built_at: datetime | None
    differences: list[str]
    rebuilding: bool
    problem: str | None = None
    waiting: int = 0  # webinars and resources changed that the index has not followed yet (locked, long, or stopped)


def status() -> IndexStatus:
    store = get_store()
    meta = store.meta()
    built_at = datetime.fromtimestamp(meta["built_at"], timezone.utc) if meta.get("built_at") else None
    try:
        documents = store.doc_count()
        problem = None
        if store.serving_previous():
            problem = _("l'index en service est endommagé : les recherches sont servies par sa version précédente en attendant sa reconstruction.")
    except IndexUnavailable as err:
        documents, problem = None, err.reason
    waiting = len({_key(r.webinar_id, r.resource_id) for r in _behind().rows})
    return IndexStatus(documents, built_at, [d.message for d in check()], rebuild_running(), problem, waiting)


# -- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    webinar_id: int | None
    message: str
    resource_id: int | None = None


def check() -> list[Difference]:
    """Compare the database with the index: webinars, active transcript versions, cue counts."""
    store = get_store()
    try:
        indexed = store.indexed_webinars()
    except IndexUnavailable as err:
        return [Difference(None, _("index indisponible : %(reason)s", reason=err.reason))]
    diffs: list[Difference] = []
    expected = {}
    for webinar in db.session.scalars(select(Webinar).where(Webinar.published.is_(True))):
        transcript = db.session.get(Transcript, webinar.active_transcript_id) if webinar.active_transcript_id else None
        cue_count = transcript.cue_count if transcript else 0
        expected[webinar.id] = (webinar, transcript, cue_count)
    for wid, (webinar, transcript, cue_count) in expected.items():
        got = indexed.get(wid)
        label = f"{webinar.slug}"
        if got is None:
            diffs.append(Difference(wid, _("%(slug)s : absent de l'index.", slug=label)))
            continue
        if not got.has_webinar_doc:
            diffs.append(Difference(wid, _("%(slug)s : la fiche du webinaire manque dans l'index.", slug=label)))
        want_tid = str(transcript.id) if transcript else ""
        if cue_count and got.transcript_id != want_tid:
            if transcript:
                message = _(
                    "%(slug)s : l'index contient une autre version de la transcription que la version active (%(version)s).",
                    slug=label,
                    version=transcript.version,
                )
            else:
                message = _("%(slug)s : l'index contient une autre version de la transcription que la version active (aucune).", slug=label)
            diffs.append(Difference(wid, message))
        elif got.cue_docs != cue_count:
            message = _("%(slug)s : %(indexed)s répliques dans l'index, %(stored)s dans la base.", slug=label, indexed=got.cue_docs, stored=cue_count)
            diffs.append(Difference(wid, message))
    for wid in indexed.keys() - expected.keys():
        unpublished = db.session.get(Webinar, wid)
        if unpublished:
            message = _("%(slug)s (non publié) : encore présent dans l'index.", slug=unpublished.slug)
        else:
            message = _("webinaire n°%(id)s (supprimé) : encore présent dans l'index.", id=wid)
        diffs.append(Difference(wid, message))
    in_index = store.indexed_resources()
    in_db = set(db.session.scalars(select(Resource.id)))
    for rid in sorted(in_db - in_index):
        diffs.append(Difference(None, _("ressource n°%(id)s : absente de l'index.", id=rid), rid))
    for rid in sorted(in_index - in_db):
        diffs.append(Difference(None, _("ressource n°%(id)s (supprimée) : encore présente dans l'index.", id=rid), rid))
    return diffs
