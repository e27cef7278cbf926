"""Units of work: what several services save together, or not at all (a catalogue import).

Services end their changes with ``units.commit()``. Alone, it commits, and the service then lets the
search index follow. Inside ``together()``, it only flushes: the whole block is committed once at the
end (or rolled back if anything in it fails), and the index follows then, from the tasks queued.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from portal.extensions import db

_together: ContextVar[bool] = ContextVar("units_together", default=False)


def commit() -> bool:
    """Commit the session, or only flush it inside ``together()``; True when it was committed."""
    if _together.get():
        db.session.flush()
        return False
    db.session.commit()
    return True


@contextmanager
def together() -> Iterator[None]:
    """One transaction for every service called in the block; the index catches up after its commit."""
    from portal.services import indexing

    token = _together.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _together.reset(token)
    indexing.catch_up()
