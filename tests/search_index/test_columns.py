"""What each document belongs to, read once per segment: kept while a segment lasts, let go with it."""

from search_index.documents import CueDoc, WebinarDoc
from tests.search_index.helpers import one_cue_webinar


def test_what_was_read_from_a_segment_serves_after_a_commit_that_kept_it(new_store):
    from search_index.columns import searcher_cache, segment_columns

    store = new_store()
    big = WebinarDoc(1, "w1", "Webinaire 1", "Présentation", ("law",), 0, 1,
                     tuple(CueDoc(i, 1, 1, i * 1000, i * 1000 + 900, f"plainte numéro {i}", "Intervenante") for i in range(1, 3000)))
    store.rebuild([big])
    with store.searching() as searcher:
        read_before = searcher_cache(searcher).owner
    store.replace_webinar(one_cue_webinar(2, "une autre plainte"))  # a new small segment beside the big one
    with store.searching() as searcher:
        leaves = searcher.reader().leaf_readers()
        assert len(leaves) == 2
        searcher_cache(searcher)
        assert segment_columns(leaves[0][0])[0] is read_before  # not read again
    store.rebuild([big])  # another generation: the old segment's data is let go
    with store.searching() as searcher:
        assert segment_columns(searcher.reader().leaf_readers()[0][0])[0] is not read_before
