"""The index store: pooled searchers, replaced when the index changes, closed with the store."""

import os
import threading
import time

from search_index.documents import CueDoc, WebinarDoc
from search_index.query import SearchRequest, search
from tests.search_index.helpers import one_cue_webinar


def test_a_searcher_is_reused_until_a_commit_then_replaced_and_closed(new_store):
    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")])
    with store.searching() as first:
        pass
    with store.searching() as again:
        assert again is first  # pooled, not reopened
    store.replace_webinar(one_cue_webinar(2, "une autre plainte"))
    with store.searching() as fresh:
        assert fresh is not first and first.is_closed
        assert fresh.doc_count() == 4
    assert search(store, SearchRequest(text="plainte")).total_hits == 2


def test_each_thread_searching_at_once_has_its_own_searcher(new_store):
    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")])
    inside, release = threading.Barrier(3), threading.Event()
    held = []

    def hold() -> None:
        with store.searching() as searcher:
            held.append(searcher)
            inside.wait()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    with store.searching() as mine:
        assert mine not in held and held[0] is not held[1]
    release.set()
    for t in threads:
        t.join()


def test_close_closes_the_idle_searchers(new_store):
    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")])
    with store.searching() as searcher:
        pass
    store.close()
    assert searcher.is_closed
    assert search(store, SearchRequest(text="plainte")).total_hits == 1  # a new one opens


def test_no_searcher_of_an_older_index_stays_in_the_pool(new_store):
    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")])
    with store.searching() as before:  # in use while the index is rebuilt
        store.rebuild([one_cue_webinar(1, "porter plainte"), one_cue_webinar(2, "plainte")])
        with store.searching() as after:
            pass
    assert before.is_closed and not after.is_closed  # not put back: it was out of date
    with store.searching() as one, store.searching() as two:
        pass
    store.replace_webinar(one_cue_webinar(3, "encore une plainte"))  # both idle searchers are now out of date
    with store.searching() as fresh:
        assert one.is_closed and two.is_closed and fresh.doc_count() == 6


def test_a_failed_write_changes_nothing_and_releases_the_lock(new_store):
    import pytest

    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")])
    broken = WebinarDoc(1, "w1", "Webinaire 1", "Présentation", ("law",), 0, 1, (object(),))  # not a cue
    with pytest.raises(AttributeError):
        store.replace_webinar(broken)
    assert search(store, SearchRequest(text="plainte")).total_hits == 1  # the delete was cancelled too
    store.replace_webinar(one_cue_webinar(1, "une autre plainte"))  # the writer's lock was released
    assert search(store, SearchRequest(text="autre")).total_hits == 1


def test_a_long_update_reports_its_progress_to_other_readers_then_clears_it(new_store, monkeypatch):
    import search_index.store as store_module

    store = new_store()
    store.rebuild([])
    seen: list[tuple[int, int] | None] = []
    original = store._record_progress

    def record(webinar_id, done, total):
        original(webinar_id, done, total)
        seen.append(new_store("ix").progress(webinar_id))  # what another process reads, from the files

    monkeypatch.setattr(store_module, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(store, "_record_progress", record)
    cues = tuple(CueDoc(100 + i, 7, 1, i * 1000, i * 1000 + 900, f"réplique {i}", None) for i in range(5))
    store.replace_webinar(WebinarDoc(7, "w7", "Webinaire 7", "", ("law",), 0, 1, cues))
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert store.progress(7) is None  # finished: nothing reported any more


def test_progress_left_by_a_stopped_process_is_not_believed(new_store):
    store = new_store()
    store.root.mkdir(parents=True, exist_ok=True)
    store._record_progress(3, 10, 100)
    assert store.progress(3) == (10, 100)
    assert store.progress(3, fresh_s=-1) is None
    (store.root / ".progress-3.json").write_text("{not json")
    assert store.progress(3) is None


# -- generations shared by processes, rebuilds one at a time, upgrades ------------------------------


def _slow(docs, delay: float, started: threading.Event | None = None):
    for doc in docs:
        if started is not None:
            started.set()
        time.sleep(delay)
        yield doc


def _found(store, word: str) -> int:
    return search(store, SearchRequest(word)).total_hits


def test_two_processes_asked_to_rebuild_at_once_run_one_rebuild(tmp_path):
    from search_index.store import IndexStore, RebuildInProgress

    first, second = IndexStore(tmp_path / "ix"), IndexStore(tmp_path / "ix")  # two lock files: two processes
    started = threading.Event()
    builder = threading.Thread(target=first.rebuild, args=(_slow([one_cue_webinar(1, "ornithorynque"), one_cue_webinar(2, "tapir")], 0.4, started),))
    builder.start()
    assert started.wait(5)
    consumed: list[int] = []

    def never():
        consumed.append(1)
        yield one_cue_webinar(3, "zèbre")

    try:
        second.rebuild(never())
        raise AssertionError("a second rebuild ran")
    except RebuildInProgress:
        pass
    builder.join()
    assert consumed == [] and len(list((tmp_path / "ix").glob("gen-*"))) == 1
    assert _found(second, "tapir") == 1  # it waited: the index it finds is the finished one
    first.close()
    second.close()


def test_during_a_rebuild_for_another_schema_the_old_generation_keeps_answering(tmp_path):
    from search_index.store import IndexStore, IndexUnavailable

    old, new = IndexStore(tmp_path / "ix", key="s6-ancien"), IndexStore(tmp_path / "ix", key="s7-nouveau")
    old.rebuild([one_cue_webinar(1, "ornithorynque")])
    assert _found(old, "ornithorynque") == 1
    try:
        new.doc_count()
        raise AssertionError("the new code read an index of another schema")
    except IndexUnavailable as err:
        assert err.code == "missing"
    started = threading.Event()
    builder = threading.Thread(target=new.rebuild, args=(_slow([one_cue_webinar(1, "ornithorynque"), one_cue_webinar(2, "tapir")], 0.3, started),))
    builder.start()
    assert started.wait(5)
    answers = []
    while builder.is_alive():
        answers.append(_found(old, "ornithorynque"))  # the old workers, during the upgrade
        time.sleep(0.05)
    builder.join()
    assert answers and set(answers) == {1}
    assert _found(new, "tapir") == 1 and _found(old, "ornithorynque") == 1  # each reads its own generation
    old_generation = old.current_generation()
    new._remove_old_generations(keep=new.current_generation().name, grace_s=0)
    assert old_generation.is_dir()  # an old worker still reads it
    old.close()  # the old workers stopped
    new._remove_old_generations(keep=new.current_generation().name, grace_s=0)
    assert old_generation.is_dir()  # kept a day: code from before these locks takes none
    day_ago = time.time() - 25 * 3600
    os.utime(old.current_link, (day_ago, day_ago), follow_symlinks=False)
    new._remove_old_generations(keep=new.current_generation().name, grace_s=0)
    assert not old_generation.exists() and not old.current_link.exists()
    assert _found(new, "tapir") == 1
    new.close()


def test_a_generation_is_removed_only_when_no_process_reads_it(tmp_path):
    from search_index.store import IndexStore

    reader, builder = IndexStore(tmp_path / "ix"), IndexStore(tmp_path / "ix")
    builder.rebuild([one_cue_webinar(1, "ornithorynque")])
    assert _found(reader, "ornithorynque") == 1  # the reader holds a searcher of the first generation
    first = reader.current_generation()
    builder.rebuild([one_cue_webinar(1, "tapir")])
    second = builder.current_generation()
    builder.rebuild([one_cue_webinar(1, "tapir")])  # the first is no longer even the fallback (the second is)
    builder._remove_old_generations(keep=builder.current_generation().name, grace_s=0)
    assert first.is_dir()
    assert _found(reader, "tapir") == 1  # it moved to the new generation, and let go of the old one
    builder._remove_old_generations(keep=builder.current_generation().name, grace_s=0)
    assert not first.exists() and second.is_dir()
    reader.close()
    builder.close()


def test_an_index_built_with_another_analysis_is_not_read(tmp_path, monkeypatch):
    from search_index import analysis, schema
    from search_index.store import IndexStore, IndexUnavailable

    before = schema.fingerprint()
    stop = next(f for f in analysis.STEMMING.items if type(f).__name__ == "StopFilter")
    monkeypatch.setattr(stop, "stops", frozenset(stop.stops) - {"ne"})  # a stop word less, no version bump
    schema.fingerprint.cache_clear()
    try:
        changed = schema.fingerprint()
        assert changed != before
        store = IndexStore(tmp_path / "ix", key=f"s{schema.SCHEMA_VERSION}-{before}")
        store.rebuild([one_cue_webinar(1, "ornithorynque")])
        store.close()
        reread = IndexStore(tmp_path / "ix")
        (reread.root / f"current-{reread.key}").symlink_to(store.current_generation().name)  # as if the link were shared
        try:
            reread.doc_count()
            raise AssertionError("an index of another analysis was searched")
        except IndexUnavailable as err:
            assert err.code == "outdated"
        reread.close()
    finally:
        monkeypatch.undo()
        schema.fingerprint.cache_clear()
    assert schema.fingerprint() == before


def test_a_rebuild_that_waited_for_one_that_failed_builds_the_index_itself(tmp_path):
    import fcntl

    from search_index.store import IndexStore

    store = IndexStore(tmp_path / "ix")
    store.root.mkdir(parents=True)
    holder = open(store.root / f".rebuild-{store.key}.lock", "a+")
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process's rebuild, which will end without an index
    threading.Timer(0.3, holder.close).start()
    stats = store.rebuild([one_cue_webinar(1, "ornithorynque")])
    assert stats.webinars == 1 and _found(store, "ornithorynque") == 1
    store.close()


def test_a_write_that_waits_too_long_for_another_writer_raises_index_busy_and_changes_nothing(new_store):
    import pytest
    from whoosh.index import open_dir

    from search_index.store import IndexBusy

    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")], applied=4)
    blocker = open_dir(str(store.current_generation())).writer()  # another process writing
    try:
        with pytest.raises(IndexBusy):
            store.replace_webinar(one_cue_webinar(2, "ornithorynque"), timeout=0.1, covers=("w2", 5))
    finally:
        blocker.cancel()
    assert search(store, SearchRequest(text="ornithorynque")).total_hits == 0
    assert store.journal_state().applied == 4 and store.journal_state().ahead == {}  # not recorded as applied


def test_the_journal_state_only_moves_forward_and_forgets_what_the_applied_number_covers(new_store):
    store = new_store()
    store.rebuild([one_cue_webinar(1, "porter plainte")], applied=3)
    generation = store.current_generation()
    store.replace_webinar(one_cue_webinar(1, "porter plainte"), covers=("w1", 7))
    assert store.journal_state().ahead == {"w1": 7} and store.journal_state().has("w1", 7)
    assert not store.journal_state().has("w2", 5) and store.journal_state().has("w2", 3)
    store.record_journal(generation, applied=5)
    assert store.journal_state().applied == 5 and store.journal_state().ahead == {"w1": 7}
    store.record_journal(generation, applied=2)  # never back
    assert store.journal_state().applied == 5
    store.record_journal(generation, applied=8)
    assert store.journal_state().applied == 8 and store.journal_state().ahead == {}
    store.rebuild([one_cue_webinar(1, "porter plainte")], applied=9)
    store.record_journal(generation, applied=20)  # the old generation: the new one is untouched
    assert store.journal_state().applied == 9


def _damage(generation) -> None:
    for path in generation.iterdir():
        if path.is_file() and not path.name.endswith(".json"):
            path.write_bytes(os.urandom(max(path.stat().st_size, 64)))


def test_while_the_current_generation_is_damaged_the_previous_one_answers_until_a_rebuild(new_store):
    import pytest

    from search_index.store import IndexUnavailable

    store = new_store()
    store.rebuild([one_cue_webinar(1, "ornithorynque")])
    first = store.current_generation()
    store.rebuild([one_cue_webinar(1, "ornithorynque"), one_cue_webinar(2, "tapir")])
    second = store.current_generation()
    assert store.previous_generation() == first and first.is_dir()  # kept as the fallback
    assert search(store, SearchRequest(text="tapir")).total_hits == 1
    store.close()
    _damage(second)
    with pytest.raises(IndexUnavailable):  # the search that finds the damage is told
        search(store, SearchRequest(text="tapir"))
    assert store.serving_previous()
    assert search(store, SearchRequest(text="ornithorynque")).total_hits == 1  # the next ones are answered, from before
    assert search(store, SearchRequest(text="tapir")).total_hits == 0
    store.rebuild([one_cue_webinar(1, "ornithorynque"), one_cue_webinar(2, "tapir")])
    assert not store.serving_previous()
    assert search(store, SearchRequest(text="tapir")).total_hits == 1
    assert store.previous_generation() == first  # the damaged generation is not kept as a fallback
    store._remove_old_generations(keep=store.current_generation().name, grace_s=0)
    assert not second.exists() and first.is_dir()
