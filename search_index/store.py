"""Where the index lives on disk, how it is opened, written, rebuilt aside and switched.

Layout under the root folder: ``gen-<timestamp>/`` holds one complete Whoosh index and
``current-<key>`` is a symbolic link to the one in use by the code whose schema and analysis have
that key (``s7-f4fdce6a36e0``: version and fingerprint). A rebuild writes a new generation and
then replaces the link atomically, so searches never see a half-built index; searchers notice the
switch (or a commit by another process) and reopen. Code of another schema has its own link: during
an upgrade the old workers keep searching their generation while the new code builds its own.

Every process holds a shared lock on ``gen-*/.readers`` while it has searchers of that generation
(a builder, while it builds): a generation is removed only when no process holds it. One rebuild at
a time across processes: ``.rebuild.lock``.
"""

from __future__ import annotations

import fcntl
import gc
import json
import logging
import os
import shutil
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.searching import Searcher
from whoosh.scoring import BM25F

from search_index.analysis import FRENCH, language
from search_index.documents import CueDoc, ResourceDoc, WebinarDoc
from search_index.i18n import _
from search_index.schema import BRIDGE_WORDS, SCHEMA_VERSION, build_schema, fingerprint

log = logging.getLogger(__name__)
META_FILE = "portal-index.json"
JOURNAL_FILE = "journal.json"  # which changes of the database's journal this generation has applied
READERS_FILE = ".readers"  # a shared lock on it per process that reads the generation
OTHER_CODE_GRACE_S = 24 * 3600  # another code's generation (an upgrade) is kept at least this long after its link
MAX_IDLE_SEARCHERS = 8  # per process: enough for a threaded server's concurrent searches
DAMAGED_RETRY_S = 10.0

# BM25F with less length normalisation than Whoosh's default (B=0.75): a short cue ("Bonjour, on
# parle de harcèlement aujourd'hui") no longer outranks the long answer that explains it. Chosen
# with the judged queries of bench/relevance (figures in bench/RESULTS.md).
WEIGHTING = BM25F(B=0.3, K1=1.2)


class IndexUnavailable(RuntimeError):
    """The index cannot be searched (missing, unreadable or of another schema version)."""

    def __init__(self, reason: str, code: str):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # "missing", "corrupt", "outdated"


class IndexBusy(RuntimeError):
    """Another writer held the index for longer than this write was allowed to wait."""


class RebuildInProgress(RuntimeError):
    """Another process was rebuilding the index: this one waited for it to end instead of building another."""


@dataclass(frozen=True)
class RebuildStats:
    webinars: int
    cues: int
    seconds: float
    generation: str


@dataclass(frozen=True)
class JournalState:
    """How far one generation follows the database's change journal: every change up to ``applied``,
    and some after it already (``ahead``: per webinar "w<id>" or resource "r<id>", the last change applied)."""

    generation: Path
    applied: int
    ahead: dict[str, int]

    def has(self, key: str, seq: int) -> bool:
        return seq <= self.applied or self.ahead.get(key, 0) >= seq


@dataclass(frozen=True)
class IndexedWebinar:
    webinar_id: int
    transcript_id: str
    cue_docs: int
    has_webinar_doc: bool


class IndexStore:
    def __init__(self, root: str | Path, writer_timeout: float = 30.0, limitmb: int = 256, key: str | None = None):
        self.root = Path(root)
        self.writer_timeout = writer_timeout
        self.limitmb = limitmb
        # What this code can read: another schema or analysis (an upgrade) has another key, and link.
        self.key = key or f"s{SCHEMA_VERSION}-{fingerprint()}"
        self._lock = threading.Lock()
        self._readers: dict[Path, list[Any]] = {}  # generation -> [open lock file, searchers of it]
        self._idle: list[tuple[Path | None, Searcher]] = []  # searchers not in use, with their generation
        # The generations found damaged, and when: not reopened (each failed open leaks Whoosh's file)
        # for DAMAGED_RETRY_S, by when a rebuild has usually replaced them. Meanwhile searches are
        # answered by the previous generation, if it is intact.
        self._damaged: dict[Path, float] = {}

    # -- opening ------------------------------------------------------------------------

    @property
    def current_link(self) -> Path:
        return self.root / f"current-{self.key}"

    @property
    def previous_link(self) -> Path:
        return self.root / f"previous-{self.key}"

    def current_generation(self) -> Path | None:
        target = self._link_target(self.current_link)
        return self.root / target if target else None

    def previous_generation(self) -> Path | None:
        """The generation in use before the last switch, kept to answer while the current one is damaged."""
        target = self._link_target(self.previous_link)
        return self.root / target if target else None

    def _is_damaged(self, generation: Path | None) -> bool:
        found = self._damaged.get(generation) if generation is not None else None
        return found is not None and time.monotonic() - found < DAMAGED_RETRY_S

    def _mark_damaged(self, generation: Path | None) -> None:
        if generation is not None:
            self._damaged[generation] = time.monotonic()

    def serving_generation(self) -> Path | None:
        """The generation searches use: the current one, or the previous one while the current is damaged."""
        current = self.current_generation()
        if self._is_damaged(current):
            previous = self.previous_generation()
            if previous is not None and previous != current and previous.is_dir() and not self._is_damaged(previous):
                return previous
        return current

    def serving_previous(self) -> bool:
        """Whether searches are answered by the previous generation (older results) for now."""
        return self.serving_generation() != self.current_generation()

    def open(self, generation: Path | None = None) -> Any:
        """Open the index in use (or this generation of it); raise IndexUnavailable saying why it cannot be."""
        generation = generation or self.current_generation()
        if generation is None or not generation.is_dir():
            raise IndexUnavailable(_("l'index de recherche n'a pas encore été construit."), "missing")
        if self._is_damaged(generation):
            raise IndexUnavailable(_("l'index est illisible (fichiers endommagés)."), "corrupt")
        meta = self._read_meta(generation)
        if meta.get("key") != self.key:
            raise IndexUnavailable(_("l'index a été construit par une autre version du portail."), "outdated")
        try:
            return whoosh_index.open_dir(str(generation))
        except Exception as err:  # Whoosh raises many kinds on damaged files
            self._mark_damaged(generation)
            _release(err)
            detail = f"{type(err).__name__}: {err}"
            raise IndexUnavailable(_("l'index est illisible (%(error)s).", error=detail), "corrupt") from None

    def _read_meta(self, generation: Path) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = json.loads((generation / META_FILE).read_text())
            return meta
        except (OSError, ValueError):
            return {}

    def meta(self) -> dict[str, Any]:
        generation = self.current_generation()
        return self._read_meta(generation) if generation else {}

    @contextmanager
    def searching(self) -> Iterator[Searcher]:
        """A searcher of the index as it is now, for this thread alone until the block ends.

        Searchers are pooled: opening one and reading what a search needs from it costs more
        than most searches (over a second at 1,000 hours), and a Whoosh searcher must not be
        used by two threads at once. One that another generation or commit made stale is closed
        and a new one opened.
        """
        searcher = self._checkout()
        try:
            yield searcher
        except IndexUnavailable:
            self._drop(searcher)
            raise
        except Exception as err:
            # Damaged files show when they are read (struct.error, EOFError, zlib.error, ValueError…),
            # not when the index is opened. The searcher is dropped; the caller decides to rebuild.
            self._drop(searcher)
            self._mark_damaged(searcher._portal_generation)
            raise IndexUnavailable(_("l'index est illisible (%(error)s).", error=type(err).__name__), "corrupt") from err
        self._checkin(searcher)

    @contextmanager
    def healing(self, min_interval_s: float = 60.0) -> Iterator[bool]:
        """Whether this process may rebuild a damaged index now: one rebuild at a time across processes
        (a lock file), and not again within ``min_interval_s`` of the last one started here or elsewhere."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".heal.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False  # another process is rebuilding
                return
            try:
                stamp = self.root / ".last-heal"
                try:
                    recent = time.time() - stamp.stat().st_mtime < min_interval_s
                except OSError:
                    recent = False
                if recent:
                    yield False
                    return
                stamp.touch()
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def claim(self, name: str) -> Iterator[bool]:
        """Whether this process may do the job called ``name`` now: one process at a time (a lock file)."""
        if not name.isalnum():
            raise ValueError(f"job names are letters and digits: {name!r}")
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".claim-{name}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- following the database's journal -------------------------------------------------

    def journal_state(self, generation: Path | None = None) -> JournalState | None:
        """What the index in use has applied of the journal; None when there is no index yet.

        A generation built before the journal existed has applied nothing (its changes are redone).
        """
        generation = generation or self.current_generation()
        if generation is None or not generation.is_dir():
            return None
        try:
            data = json.loads((generation / JOURNAL_FILE).read_text())
            return JournalState(generation, int(data["applied"]), {str(k): int(v) for k, v in data["ahead"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return JournalState(generation, 0, {})

    def record_journal(self, generation: Path, *, applied: int | None = None, covers: tuple[str, int] | None = None) -> None:
        """Record that ``generation`` has every change up to ``applied``, or ``covers`` = (key, change).

        Only ever forward, under a lock shared by the processes of this folder. The generation is the
        one the changes were written to: if a rebuild replaced it meanwhile, the new one is untouched.
        """
        with open(self.root / ".journal.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self.journal_state(generation)
                if state is None:
                    return
                done = max(state.applied, applied or 0)
                ahead = dict(state.ahead)
                if covers is not None and covers[1] > ahead.get(covers[0], 0):
                    ahead[covers[0]] = covers[1]
                if done == state.applied and ahead == state.ahead:
                    return
                try:
                    _write_journal(generation, done, {k: v for k, v in ahead.items() if v > done})
                except OSError:
                    pass  # not recorded (disk full, generation removed): the change is applied again later
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def serialized(self, key: str, timeout: float) -> Iterator[bool]:
        """Whether this process may now write the documents of ``key`` (a webinar "w<id>", a resource
        "r<id>"): one writer of them at a time across the processes and threads of this folder, waiting
        ``timeout`` seconds at most. Each writer then reads the database after the previous one wrote,
        so that a state read earlier never lands last."""
        if not key.isalnum():
            raise ValueError(f"keys are letters and digits: {key!r}")
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".writes-{key}.lock", "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _checkout(self) -> Searcher:
        generation = self.serving_generation()
        if generation is not None and generation != self.current_generation() and not self._readers.get(generation):
            log.warning("Search index %s damaged: searches answered by the previous one, %s", self.current_generation(), generation.name)
        with self._lock:
            held = self._idle.pop() if self._idle else None
        if held is not None:
            if held[0] == generation and _up_to_date(held[1]):
                return held[1]
            # The index changed: every idle searcher is of before (each holds a whole index's
            # files open, even once its generation's folder is removed).
            self._drop(held[1])
            with self._lock:
                stale, self._idle = self._idle, []
            for _stamp, searcher in stale:
                self._drop(searcher)
        ix = self.open(generation)
        try:
            searcher = ix.searcher(weighting=WEIGHTING)
        except Exception as err:  # a segment's files damaged: its reader opened some of them before failing
            self._mark_damaged(generation)
            name = type(err).__name__
            _release(err)
            raise IndexUnavailable(_("l'index est illisible (%(error)s).", error=name), "corrupt") from None
        searcher._portal_generation = generation
        self._hold(generation)
        return searcher

    # -- who uses a generation ---------------------------------------------------------

    def _hold(self, generation: Path | None) -> None:
        """One more searcher of ``generation`` in this process (the first takes the shared lock)."""
        if generation is None:
            return
        with self._lock:
            entry = self._readers.get(generation)
            if entry is None:
                try:
                    handle = open(generation / READERS_FILE, "a+")
                except OSError:
                    return  # removed meanwhile: the searcher fails on its own
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH)
                except OSError:
                    handle.close()
                    return
                entry = self._readers[generation] = [handle, 0]
            entry[1] += 1

    def _drop(self, searcher: Searcher) -> None:
        """Close a searcher of this store; the last of its generation releases the shared lock."""
        _close_quietly(searcher)
        generation = getattr(searcher, "_portal_generation", None)
        with self._lock:
            entry = self._readers.get(generation) if generation is not None else None
            if generation is None or entry is None:
                return
            entry[1] -= 1
            if entry[1] <= 0:
                del self._readers[generation]
                entry[0].close()  # closing the file releases its lock

    def _checkin(self, searcher: Searcher) -> None:
        if searcher._portal_generation == self.serving_generation() and _up_to_date(searcher):
            with self._lock:
                if len(self._idle) < MAX_IDLE_SEARCHERS:
                    self._idle.append((searcher._portal_generation, searcher))
                    return
        self._drop(searcher)

    def close(self) -> None:
        """Close the idle searchers (their files); a later search opens a new one."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _stamp, searcher in idle:
            self._drop(searcher)

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def _writing(self, timeout: float | None = None, covers: tuple[str, int] | None = None, **options: Any) -> Iterator[Any]:
        """A writer of the index in use: committed if the block ends normally, cancelled if it raises.

        ``timeout``: how long to wait for another writer (default ``writer_timeout``); then IndexBusy.
        ``covers``: (key, change) of the journal that this write applies, recorded once committed.
        """
        generation = self.current_generation()
        wait = self.writer_timeout if timeout is None else timeout
        try:
            writer = _writer(self.open(generation), timeout=wait, **options)
        except whoosh_index.LockError:
            raise IndexBusy(f"another writer held the index for more than {wait:g} s") from None
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if covers is not None and generation is not None:
            self.record_journal(generation, covers=covers)

    def replace_webinar(self, doc: WebinarDoc, *, timeout: float | None = None, covers: tuple[str, int] | None = None) -> None:
        """Replace every document of one webinar (its description and its cues) in one commit.

        A long transcript's progress can be read meanwhile, from any process, with ``progress``.
        """
        long = len(doc.cues) > PROGRESS_EVERY
        report = (lambda done, total: self._record_progress(doc.webinar_id, done, total)) if long else None
        try:
            with self._writing(timeout=timeout, covers=covers, limitmb=self.limitmb) as writer:
                writer.delete_by_term("webinar", str(doc.webinar_id))
                _add_webinar(writer, doc, report)
        finally:
            if long:
                self._progress_file(doc.webinar_id).unlink(missing_ok=True)

    # -- progress of long updates ----------------------------------------------------------

    def _progress_file(self, webinar_id: int) -> Path:
        return self.root / f".progress-{int(webinar_id)}.json"

    def _record_progress(self, webinar_id: int, done: int, total: int) -> None:
        path = self._progress_file(webinar_id)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"done": done, "total": total, "at": time.time()}))
            os.replace(tmp, path)
        except OSError:
            pass  # progress is a courtesy: a full disk must not stop the update

    def progress(self, webinar_id: int, fresh_s: float = 120.0) -> tuple[int, int] | None:
        """(cues done, cues in all) of the update of this webinar under way, if one reported lately."""
        try:
            path = self._progress_file(webinar_id)
            data = json.loads(path.read_text())
            if time.time() - float(data["at"]) > fresh_s:
                return None  # left by a process that stopped
            return int(data["done"]), int(data["total"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def delete_webinar(self, webinar_id: int, *, timeout: float | None = None, covers: tuple[str, int] | None = None) -> None:
        with self._writing(timeout=timeout, covers=covers) as writer:
            writer.delete_by_term("webinar", str(webinar_id))

    def replace_resource(self, doc: ResourceDoc, *, timeout: float | None = None, covers: tuple[str, int] | None = None) -> None:
        with self._writing(timeout=timeout, covers=covers) as writer:
            writer.delete_by_term("doc_id", f"r:{doc.resource_id}")
            _add_resource(writer, doc)

    def delete_resource(self, resource_id: int, *, timeout: float | None = None, covers: tuple[str, int] | None = None) -> None:
        self.delete_document(f"r:{resource_id}", timeout=timeout, covers=covers)

    def delete_document(self, doc_id: str, *, timeout: float | None = None, covers: tuple[str, int] | None = None) -> None:
        """Remove one document (used by tests and repairs)."""
        with self._writing(timeout=timeout, covers=covers) as writer:
            writer.delete_by_term("doc_id", doc_id)

    def rebuild(
        self, webinars: Iterable[WebinarDoc], procs: int = 1, resources: Iterable[ResourceDoc] = (), applied: int = 0
    ) -> RebuildStats:
        """Build a complete index aside, then switch ``current`` to it atomically.

        ``applied``: the last change of the journal that the documents given include.
        One rebuild at a time across processes: if another is under way, wait for its end and raise
        RebuildInProgress (its index holds what this one would have).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        asked = time.time()
        # Per key: the code of another schema (an upgrade under way) builds its own index meanwhile.
        with open(self.root / f".rebuild-{self.key}.lock", "a+") as lock:
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    fcntl.flock(lock, fcntl.LOCK_SH)  # blocks until the other rebuild ends
                    fcntl.flock(lock, fcntl.LOCK_UN)
                    if self.meta().get("key") == self.key and self.meta().get("built_at", 0) >= asked:
                        raise RebuildInProgress(_("une reconstruction de l'index était déjà en cours dans un autre processus.")) from None
                    continue  # it failed, or ended before this was asked: build
                try:
                    return self._rebuild(webinars, procs, resources, applied)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _rebuild(self, webinars: Iterable[WebinarDoc], procs: int, resources: Iterable[ResourceDoc], applied: int) -> RebuildStats:
        started = time.monotonic()
        name = f"gen-{time.time_ns()}"
        generation = self.root / name
        generation.mkdir()
        building = open(generation / READERS_FILE, "a+")
        try:
            fcntl.flock(building, fcntl.LOCK_SH)  # not removed while it is being built
            ix = whoosh_index.create_in(str(generation), build_schema())
            options = {"limitmb": self.limitmb}
            if procs > 1:
                options.update(procs=procs, multisegment=True)
            writer = _writer(ix, **options)
            count_w = count_c = 0
            for doc in webinars:
                _add_webinar(writer, doc)
                count_w += 1
                count_c += len(doc.cues)
            for resource in resources:
                _add_resource(writer, resource)
            writer.commit(optimize=procs > 1)
            (generation / META_FILE).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "key": self.key, "built_at": time.time(), "webinars": count_w, "cues": count_c})
            )
            _write_journal(generation, applied, {})
        except BaseException:
            building.close()
            shutil.rmtree(generation, ignore_errors=True)
            raise
        try:
            self._switch_to(name)
        finally:
            building.close()
        return RebuildStats(count_w, count_c, time.monotonic() - started, name)

    def _switch_to(self, name: str) -> None:
        before = self.current_generation()
        tmp_link = self.root / f".current-{name}"
        os.symlink(name, tmp_link)
        os.replace(tmp_link, self.current_link)
        if before is not None and before.name != name and before.is_dir() and not self._is_damaged(before):
            # Kept as the fallback of the next damage (one more generation on disk); a damaged one is not.
            tmp_link = self.root / f".previous-{name}"
            os.symlink(before.name, tmp_link)
            os.replace(tmp_link, self.previous_link)
        self._remove_old_generations(keep=name)

    def _remove_old_generations(self, keep: str, grace_s: float = 60.0) -> None:
        """Remove the generations no process reads or builds, but those another code's link names
        while one of its processes still reads it (an upgrade under way); the links of a schema whose
        generation is gone go too. A grace period covers a process about to open its generation."""
        links = {path: self._link_target(path) for path in self.root.glob("current*") if path.is_symlink()}
        now = time.time()
        fallback = self._link_target(self.previous_link)
        for path in self.root.glob("gen-*"):
            if path.name in (keep, fallback) or not path.is_dir():
                continue
            named_by = [link for link, target in links.items() if target == path.name and link != self.current_link]
            try:
                if now - path.stat().st_mtime <= grace_s or _in_use(path):
                    continue
                # Code of before these locks (the "current" link) takes none: its generation stays a day.
                if any(now - link.lstat().st_mtime <= OTHER_CODE_GRACE_S for link in named_by):
                    continue
            except OSError:
                continue
            for link in named_by:
                link.unlink(missing_ok=True)
            shutil.rmtree(path, ignore_errors=True)

    def _link_target(self, link: Path) -> str | None:
        try:
            return os.readlink(link)
        except OSError:
            return None

    # -- inspecting ------------------------------------------------------------------------

    def indexed_webinars(self) -> dict[int, IndexedWebinar]:
        """What the index holds per webinar: transcript id, number of cue documents, description."""
        found: dict[int, dict[str, Any]] = {}
        with self.searching() as searcher:
            for fields in searcher.all_stored_fields():
                if fields.get("kind") == "resource":
                    continue
                webinar_id = int(fields["webinar"])
                entry = found.setdefault(webinar_id, {"transcripts": set(), "cues": 0, "webinar_doc": False})
                if fields["kind"] == "cue":
                    entry["cues"] += 1
                    entry["transcripts"].add(fields.get("transcript") or "")
                else:
                    entry["webinar_doc"] = True
        return {
            wid: IndexedWebinar(wid, ",".join(sorted(e["transcripts"])), e["cues"], e["webinar_doc"])
            for wid, e in found.items()
        }

    def indexed_resources(self) -> set[int]:
        with self.searching() as searcher:
            return {int(fields["resource"]) for fields in searcher.documents(kind="resource")}

    def doc_count(self) -> int:
        with self.searching() as searcher:
            return int(searcher.doc_count())


def _release(err: BaseException) -> None:
    """Close what a failed open left behind: Whoosh does not close the file of a table of contents it
    cannot read, and the traceback keeps it alive (then a ResourceWarning at some later collection)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        traceback.clear_frames(err.__traceback__)
        err.__traceback__ = None
        gc.collect()


def _write_journal(generation: Path, applied: int, ahead: dict[str, int]) -> None:
    path = generation / JOURNAL_FILE
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps({"applied": applied, "ahead": ahead}))
    os.replace(tmp, path)


def _up_to_date(searcher: Searcher) -> bool:
    try:
        return bool(searcher.up_to_date())
    except Exception:  # its generation was removed, or its files are damaged
        return False


def _in_use(generation: Path) -> bool:
    """Whether a process holds (reads or builds) this generation."""
    try:
        with open(generation / READERS_FILE, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def _close_quietly(searcher: Searcher) -> None:
    try:
        searcher.close()
    except Exception:
        pass


def _writer(ix: Any, **options: Any) -> Any:
    # Separate files per segment, not Whoosh's default compound file: a reader of a compound file
    # copies each part it opens into memory (stored texts, columns), 4 to 5 times the resident
    # memory of every searching process for the same speed (bench/RESULTS.md).
    return ix.writer(compound=False, **options)


PROGRESS_EVERY = 2000


def _in_language(fields: dict[str, Any], code: str, **texts: str) -> dict[str, Any]:
    """Put each text in its field of this language; the French ``text`` field stores it whatever the language."""
    lang = language(code)
    if lang is not FRENCH:
        fields["lang"] = lang.code
        if "text" in texts:
            fields["text"] = ""  # stored below, analysed in text_<lang>
            fields["_stored_text"] = texts["text"]
    for base, value in texts.items():
        fields[lang.field(base)] = value
    return fields


def _add_webinar(writer: Any, doc: WebinarDoc, progress: Callable[[int, int], None] | None = None) -> None:
    webinar = str(doc.webinar_id)
    themes = ",".join(doc.themes)
    transcript = str(doc.transcript_id or "")
    fields = dict(
        doc_id=f"w:{doc.webinar_id}",
        kind="webinar",
        webinar=webinar,
        transcript=transcript,
        themes=themes,
        start_ms=0,
        starts_at=doc.starts_at_ms,
        title=doc.title,
        folded=doc.text,
    )
    writer.add_document(**_in_language(fields, doc.language, text=doc.text, pairs=doc.text))
    total = len(doc.cues)
    for done, cue in enumerate(doc.cues, 1):
        _add_cue(writer, cue, themes, doc.starts_at_ms, doc.language)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)


def _add_cue(writer: Any, cue: CueDoc, themes: str, starts_at_ms: int, code: str = "fr") -> None:
    fields = dict(
        doc_id=f"c:{cue.cue_id}",
        kind="cue",
        webinar=str(cue.webinar_id),
        transcript=str(cue.transcript_id),
        themes=themes,
        start_ms=cue.start_ms,
        end_ms=cue.end_ms,
        starts_at=starts_at_ms,
        folded=cue.text,
    )
    if cue.speaker:
        fields["speaker"] = cue.speaker
    texts = {"text": cue.text, "pairs": cue.text}
    if cue.next_text:
        lang = language(code)
        fields["next"] = lang.edge_words(cue.next_text, BRIDGE_WORDS)
        # The pair made of this cue's last word and the next cue's first (without their articles,
        # each counted in its own cue): a two-word phrase said across the two is found at this
        # cue, and only here.
        last = lang.edge_words(cue.text, 1, last=True, articles=False)
        first = lang.edge_words(cue.next_text, 1, articles=False)
        if last and first:
            texts["cross"] = f"{last} {first}"
    writer.add_document(**_in_language(fields, code, **texts))


def _add_resource(writer: Any, doc: ResourceDoc) -> None:
    fields = dict(
        doc_id=f"r:{doc.resource_id}",
        kind="resource",
        resource=str(doc.resource_id),
        themes=",".join(doc.themes),
        start_ms=0,
        title=doc.title,
        folded=doc.text,
    )
    writer.add_document(**_in_language(fields, doc.language, text=doc.text, pairs=doc.text))
