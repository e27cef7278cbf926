"""Keeps the search index in step with the database, which stays the source of truth."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

from flask import Flask, current_app, has_request_context
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from portal import metrics
from portal.extensions import db
from portal.models import Cue, IndexTask, Resource, Transcript, Webinar, WebinarSpeaker, utcnow
from search_index.documents import CueDoc, ResourceDoc, WebinarDoc
from search_index.store import IndexStore, IndexUnavailable, RebuildInProgress, RebuildStats

log = logging.getLogger(__name__)
_rebuild_lock = threading.Lock()
_catch_up_lock = threading.Lock()
_catch_up_again = threading.Event()
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


# -- updates ----------------------------------------------------------------------------------
# A change is queued in its own transaction (``queue``), then applied right after the commit
# (``webinar_changed`` & co). If the index cannot be written then (locked, damaged) or the process
# stops in between, the task stays and ``catch_up`` applies it: no change is ever lost by the index.

CATCH_UP_EVERY_S = 5.0
_last_catch_up = 0.0


def queue(*, webinar_id: int | None = None, resource_id: int | None = None) -> None:
    """Within the transaction that changes a webinar or resource: the index must follow it."""
    db.session.add(IndexTask(webinar_id=webinar_id, resource_id=resource_id))


def _task_filter(webinar_id: int | None = None, resource_id: int | None = None):
    return IndexTask.webinar_id == webinar_id if webinar_id is not None else IndexTask.resource_id == resource_id


def _last_task(**task: int) -> int | None:
    """The newest task queued for this webinar or resource, read before the index is written."""
    return db.session.scalar(select(func.max(IndexTask.id)).where(_task_filter(**task)))


def _done(upto: int | None, **task: int) -> None:
    """Clear the tasks the write just made covered: those queued before it read the database (a
    change saved meanwhile keeps its task, for the next round)."""
    if upto is None:
        return
    try:
        db.session.execute(delete(IndexTask).where(_task_filter(**task), IndexTask.id <= upto))
        db.session.commit()
    except SQLAlchemyError as err:  # the task stays: the next catch-up redoes the (idempotent) update
        db.session.rollback()
        log.warning("Index task not cleared: %s", err.__class__.__name__)


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
                return rebuild() is not None  # built elsewhere meanwhile: the task stays for the catch-up
            start_background_rebuild()
            return False
        log.warning("Search index not updated for %s: %s", what, err.reason)
    except Exception:
        log.exception("Search index update failed for %s", what)
    return False


def webinar_changed(webinar: Webinar) -> None:
    """Replace (or remove, if unpublished) one webinar's documents, after its database commit.

    A transcript too long for a request's time is indexed by a background job (its task is queued).
    """
    if has_request_context() and webinar.published and _cue_count(webinar) > current_app.config["INDEX_IN_REQUEST_CUES"]:
        start_background_catch_up()
        return
    _follow(webinar.slug, lambda wait: _write_webinar(webinar, wait), webinar_id=webinar.id)


def _write_webinar(webinar: Webinar, wait: float | None = None) -> None:
    if webinar.published:
        get_store().replace_webinar(webinar_doc(webinar), timeout=wait)
    else:
        get_store().delete_webinar(webinar.id, timeout=wait)


def webinar_deleted(webinar_id: int) -> None:
    _follow(f"deleted webinar {webinar_id}", lambda wait: get_store().delete_webinar(webinar_id, timeout=wait), webinar_id=webinar_id)


def resource_changed(resource: Resource) -> None:
    doc = resource_doc(resource)
    _follow(f"resource {resource.id}", lambda wait: get_store().replace_resource(doc, timeout=wait), resource_id=resource.id)


def resource_deleted(resource_id: int) -> None:
    _follow(f"deleted resource {resource_id}", lambda wait: get_store().delete_resource(resource_id, timeout=wait), resource_id=resource_id)


def _follow(what: str, write: Callable[[float | None], None], **task: int) -> bool:
    """Make the index follow a change just committed (its task queued in the same transaction).

    Every index write goes through here. In a request it waits a moment at most for another writer
    (a long update, a rebuild), then leaves its task to the background catch-up: the person never
    waits long and never sees an error for a change that was saved. On the command line it waits
    the configured time. True when the index has the change.
    """
    in_request = has_request_context()
    wait = min(REQUEST_LOCK_WAIT_S, get_store().writer_timeout) if in_request else None
    upto = _last_task(**task)
    if _apply(what, lambda: write(wait)):
        _done(upto, **task)
        return True
    if in_request:
        start_background_catch_up()
    return False


def _cue_count(webinar: Webinar) -> int:
    return webinar.active_transcript.cue_count if webinar.active_transcript is not None else 0


def pending(webinar: Webinar) -> "PendingUpdate | None":
    """The index update of this webinar still to do or under way (a long transcript's), if any."""
    if db.session.scalar(select(IndexTask.id).where(IndexTask.webinar_id == webinar.id).limit(1)) is None:
        return None
    done_total = get_store().progress(webinar.id)
    total = _cue_count(webinar)
    if done_total is not None:
        return PendingUpdate(done_total[0], done_total[1])
    return PendingUpdate(0, total)


@dataclass(frozen=True)
class PendingUpdate:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def catch_up(older_than_s: float = 2.0) -> int:
    """Apply the changes the index has not followed yet (queued more than ``older_than_s`` ago, so that
    a request still finishing its own is left to do it); returns how many webinars and resources."""
    since = utcnow() - timedelta(seconds=older_than_s)
    tasks = db.session.execute(select(IndexTask.webinar_id, IndexTask.resource_id).where(IndexTask.created_at <= since).distinct()).all()
    for webinar_id, resource_id in tasks:
        # Every process that serves searches catches up: one of them takes each webinar or resource.
        with get_store().claim(f"w{webinar_id}" if webinar_id is not None else f"r{resource_id}") as mine:
            if mine:
                _catch_up_one(webinar_id, resource_id)
    return len(tasks)


def _catch_up_one(webinar_id: int | None, resource_id: int | None) -> None:
    if webinar_id is not None:
        webinar = db.session.get(Webinar, webinar_id)
        if webinar is None:
            webinar_deleted(webinar_id)
        else:
            _follow(webinar.slug, lambda wait: _write_webinar(webinar, wait), webinar_id=webinar_id)
    elif resource_id is not None:
        resource = db.session.get(Resource, resource_id)
        resource_changed(resource) if resource is not None else resource_deleted(resource_id)


def maybe_catch_up() -> None:
    """Catch up at most every few seconds per process (one indexed read when nothing is pending)."""
    global _last_catch_up
    if time.monotonic() - _last_catch_up < CATCH_UP_EVERY_S:
        return
    _last_catch_up = time.monotonic()
    try:
        if db.session.scalar(select(IndexTask.id).limit(1)) is not None:
            start_background_catch_up()  # a search never waits for it
    except SQLAlchemyError as err:  # an install whose schema is not upgraded yet (`flask init`)
        db.session.rollback()
        log.warning("Index catch-up skipped: %s", err.__class__.__name__)


def rebuild(procs: int = 1) -> RebuildStats | None:
    """Rebuild the whole index aside from the database, switch to it, then catch up on changes made meanwhile.

    None when another process was rebuilding: this one waited for its end (one rebuild at a time).
    """
    started = datetime.now(timezone.utc)
    clock = time.monotonic()
    try:
        stats = get_store().rebuild((webinar_doc(w) for w in _published()), procs=procs, resources=_resources())
    except RebuildInProgress:
        log.info("Index rebuilt meanwhile by another process")
        db.session.rollback()
        return None
    metrics.observe_rebuild(time.monotonic() - clock)
    db.session.execute(delete(IndexTask).where(IndexTask.created_at < started))  # the new index has those
    db.session.commit()
    db.session.expire_all()
    for webinar in db.session.scalars(select(Webinar).where(Webinar.updated_at >= started)):
        webinar_changed(webinar)
    for resource in db.session.scalars(select(Resource).where(Resource.updated_at >= started)):
        resource_changed(resource)
    reconcile()
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


def start_background_rebuild(heal: bool = False) -> bool:
    """Rebuild in a thread of this process (the site keeps serving); False if one is already running.

    ``heal``: a rebuild nobody asked for (the index is missing or damaged): one at a time across all
    processes, and not again within a minute of the last, so a persistent fault cannot loop.
    """
    if not _rebuild_lock.acquire(blocking=False):
        return False
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                if not heal:
                    rebuild()
                    return
                with get_store(app).healing() as allowed:
                    if allowed:
                        log.warning("Rebuilding the search index by itself")
                        rebuild()
        except Exception:
            log.exception("Background index rebuild failed")
        finally:
            _rebuild_lock.release()

    threading.Thread(target=run, name="index-rebuild", daemon=True).start()
    return True


def start_background_catch_up() -> bool:
    """Apply the queued index tasks in a thread of this process; False if it is already doing so
    (it then goes round once more, for the task just queued)."""
    if not _catch_up_lock.acquire(blocking=False):
        _catch_up_again.set()
        return False
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                for _ in range(10):  # bounded: a task that keeps failing waits for the next search
                    _catch_up_again.clear()
                    catch_up(older_than_s=0)
                    db.session.remove()
                    if not _catch_up_again.is_set():
                        break
        except Exception:
            log.exception("Background index catch-up failed")
        finally:
            _catch_up_lock.release()
        if _catch_up_again.is_set():  # a task queued between the last round and the release
            with app.app_context():
                start_background_catch_up()

    threading.Thread(target=run, name="index-catch-up", daemon=True).start()
    return True


def catch_up_running() -> bool:
    return _catch_up_lock.locked()


def wait_for_background(timeout_s: float = 30.0) -> bool:
    """Wait for this process's background rebuild and catch-up to end (tests, shutdown); False if they go on."""
    deadline = time.monotonic() + timeout_s
    while (rebuild_running() or catch_up_running()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not (rebuild_running() or catch_up_running())


def rebuild_running() -> bool:
    return _rebuild_lock.locked()


def index_unavailable(err: IndexUnavailable) -> str:
    """Log why the index cannot answer, start healing it, and say so in a sentence for the page."""
    if err.code == "corrupt":
        log.error("Search index unreadable (%s); rebuilding it", err.reason, exc_info=err)
    start_background_rebuild(heal=True)
    return f"La recherche est momentanément indisponible : {err.reason} Sa reconstruction est en cours ; réessayez dans un instant."


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
    changes: int  # webinars and resources changed that the index has not followed yet
    seconds: float  # since the oldest of those changes was saved (0: none)


def lag() -> Lag:
    """How far this node's index is behind the database (readiness, metrics)."""
    key = func.coalesce(IndexTask.webinar_id, -IndexTask.resource_id)
    changes, oldest = db.session.execute(select(func.count(func.distinct(key)), func.min(IndexTask.created_at))).one()
    if not changes or oldest is None:
        return Lag(0, 0.0)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return Lag(int(changes), max(0.0, (utcnow() - oldest).total_seconds()))


@dataclass(frozen=True)
class IndexStatus:
    documents: int | None
    built_at: datetime | None
    differences: list[str]
    rebuilding: bool
    problem: str | None = None
    waiting: int = 0  # changes queued that the index has not followed yet (locked, long, or stopped)


def status() -> IndexStatus:
    store = get_store()
    meta = store.meta()
    built_at = datetime.fromtimestamp(meta["built_at"], timezone.utc) if meta.get("built_at") else None
    try:
        documents = store.doc_count()
        problem = None
    except IndexUnavailable as err:
        documents, problem = None, err.reason
    waiting = db.session.scalar(select(func.count(func.distinct(func.coalesce(IndexTask.webinar_id, -IndexTask.resource_id))))) or 0
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
        return [Difference(None, f"index indisponible : {err.reason}")]
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
            diffs.append(Difference(wid, f"{label} : absent de l'index."))
            continue
        if not got.has_webinar_doc:
            diffs.append(Difference(wid, f"{label} : la fiche du webinaire manque dans l'index."))
        want_tid = str(transcript.id) if transcript else ""
        if cue_count and got.transcript_id != want_tid:
            version = transcript.version if transcript else "aucune"
            diffs.append(
                Difference(wid, f"{label} : l'index contient une autre version de la transcription que la version active ({version}).")
            )
        elif got.cue_docs != cue_count:
            diffs.append(Difference(wid, f"{label} : {got.cue_docs} répliques dans l'index, {cue_count} dans la base."))
    for wid in indexed.keys() - expected.keys():
        webinar = db.session.get(Webinar, wid)
        what = f"{webinar.slug} (non publié)" if webinar else f"webinaire n°{wid} (supprimé)"
        diffs.append(Difference(wid, f"{what} : encore présent dans l'index."))
    in_index = store.indexed_resources()
    in_db = set(db.session.scalars(select(Resource.id)))
    for rid in sorted(in_db - in_index):
        diffs.append(Difference(None, f"ressource n°{rid} : absente de l'index.", rid))
    for rid in sorted(in_index - in_db):
        diffs.append(Difference(None, f"ressource n°{rid} (supprimée) : encore présente dans l'index.", rid))
    return diffs
