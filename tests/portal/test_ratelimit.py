"""Searches per address and minute: counted across workers in the database, answered 429 in French."""

from __future__ import annotations

from portal.ratelimit import WINDOW_S, hit


def test_hits_are_counted_per_key_and_minute(app):
    with app.app_context():
        now = 1_000 * WINDOW_S + 10
        assert [hit("search:a", 3, now) for _ in range(3)] == [0, 0, 0]
        assert hit("search:a", 3, now) == WINDOW_S - 10  # the fourth waits for the next minute
        assert hit("search:b", 3, now) == 0  # another address
        assert hit("search:a", 3, now + WINDOW_S) == 0  # a new minute


def test_search_beyond_the_limit_answers_429_with_retry_after_in_french(demo_app):
    demo_app.config["SEARCH_RATE_PER_MINUTE"] = 5
    visitor, other = demo_app.test_client(), demo_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(5):
        assert visitor.get("/search?q=plainte").status_code == 200
    page = visitor.get("/search?q=plainte")
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= WINDOW_S
    assert "Trop de recherches en peu de temps" in page.get_data(as_text=True)
    api = visitor.get("/api/v1/search?q=plainte")  # the same count for the API and a recording's box
    assert api.status_code == 429 and api.get_json()["error"]["status"] == 429
    assert visitor.get("/api/v1/webinars/session-2-loi/search?q=plainte").status_code == 429
    assert other.get("/search?q=plainte").status_code == 200  # other addresses are not affected
    assert visitor.get("/webinars/session-2-loi").status_code == 200  # nor other pages


def test_no_limit_when_set_to_zero(demo_app):
    demo_app.config["SEARCH_RATE_PER_MINUTE"] = 0
    client = demo_app.test_client()
    assert all(client.get("/api/v1/search?q=plainte").status_code == 200 for _ in range(10))


def test_search_still_answers_when_the_counts_cannot_be_written(demo_app, caplog):
    from portal.extensions import db
    from portal.models import RequestCount

    with demo_app.app_context():
        RequestCount.__table__.drop(db.engine)  # as on an install not upgraded yet, or a full disk
    demo_app.config["SEARCH_RATE_PER_MINUTE"] = 1
    client = demo_app.test_client()
    assert [client.get("/api/v1/search?q=plainte").status_code for _ in range(3)] == [200, 200, 200]
    assert "Rate limit not counted" in caplog.text
