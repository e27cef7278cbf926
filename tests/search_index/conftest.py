import pytest

from search_index.store import IndexStore


@pytest.fixture
def new_store(tmp_path):
    """Makes index stores in the test's folder and closes their searchers afterwards."""
    stores: list[IndexStore] = []

    def make(name: str = "ix") -> IndexStore:
        stores.append(IndexStore(tmp_path / name))
        return stores[-1]

    yield make
    for store in stores:
        store.close()
