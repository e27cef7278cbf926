"""Liveness, readiness and metrics, over HTTP."""

from __future__ import annotations

import shutil

from prometheus_client.parser import text_string_to_metric_families

from portal import create_app
from portal.services import indexing
from tests.conftest import close_app


def test_healthz_answers_ok_without_touching_the_index(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_a_built_index(demo_client):
    response = demo_client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["index"] == "ok"


def test_readyz_answers_503_while_the_index_is_missing_then_200_once_rebuilt(demo_app):
    shutil.rmtree(demo_app.config["SEARCH_INDEX_DIR"])
    client = demo_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unready"
    assert body["checks"]["index"].startswith("missing:")
    # The failed check started the rebuild: the node becomes ready by itself.
    assert indexing.wait_for_background(60)
    assert client.get("/readyz").status_code == 200


def test_readyz_answers_503_when_the_index_is_too_far_behind(demo_app):
    from portal.models import Webinar
    from portal.extensions import db

    demo_app.config["READY_MAX_LAG"] = 1
    with demo_app.app_context():
        for webinar in db.session.query(Webinar).limit(2):
            indexing.queue(webinar_id=webinar.id)  # saved, not applied yet
        db.session.commit()
        assert indexing.lag().sequences == 2
    response = demo_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["lag"].startswith("2 changes behind")


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = _app_on(tmp_path, "missing-folder/portal.sqlite3")
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"].startswith("unreachable")
    finally:
        close_app(app)


def _app_on(tmp_path, database: str, **overrides):
    """An app on this SQLite file (under ``tmp_path``), without the schema the fixtures create."""
    return create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path / "instance"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / database}",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        **overrides,
    )


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_parse_as_prometheus_text_with_requests_searches_and_index_lag(demo_client):
    assert demo_client.get("/search?q=algorithme").status_code == 200
    assert demo_client.get('/search?q="en+ligne"').status_code == 200
    response = demo_client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    families = _families(response.get_data(as_text=True))
    requests = [s for s in families["portal_requests"].samples if s.name == "portal_requests_total"]
    searched = [s for s in requests if s.labels["route"] == "search.results" and s.labels["status"] == "200"]
    assert searched and searched[0].value >= 2
    kinds = {s.labels["kind"] for s in families["portal_search_duration_seconds"].samples if s.name.endswith("_count") and s.value > 0}
    assert {"word", "phrase"} <= kinds
    assert any(s.labels.get("route") == "search.results" for s in families["portal_request_duration_seconds"].samples)
    assert families["portal_index_lag_sequences"].samples[0].value == 0
    assert families["portal_index_lag_seconds"].samples[0].value == 0
    assert families["portal_index_built_timestamp_seconds"].samples[0].value > 0
    assert "portal_index_rebuild_duration_seconds" in families


def test_metrics_count_an_unknown_path_under_one_label(demo_client):
    demo_client.get("/no/such/page/12345")
    families = _families(demo_client.get("/metrics").get_data(as_text=True))
    routes = {s.labels["route"] for s in families["portal_requests"].samples}
    assert "unmatched" in routes
    assert not any("12345" in route for route in routes)


def test_metrics_are_hidden_from_a_remote_address(demo_client):
    response = demo_client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404
    assert b"portal_requests" not in response.data


def test_metrics_with_a_token_need_it_from_anywhere(demo_app):
    demo_app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    client = demo_app.test_client()
    assert client.get("/metrics").status_code == 404  # loopback alone is no longer enough
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}, environ_base=remote)
    assert response.status_code == 200
    assert "portal_index_lag_sequences" in _families(response.get_data(as_text=True))


def test_probes_answer_a_load_balancer_calling_by_address_while_pages_still_refuse_it(tmp_path):
    app = _app_on(tmp_path, "portal.sqlite3", TRUSTED_HOSTS=["replays.example.org"])
    try:
        client = app.test_client()
        assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
        assert client.get("/", headers={"Host": "10.0.0.5:8000"}).status_code == 400
    finally:
        close_app(app)


def test_readyz_and_metrics_on_a_database_never_upgraded_answer_without_a_500(tmp_path):
    app = _app_on(tmp_path, "empty.sqlite3")
    try:
        client = app.test_client()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["checks"]["database"].startswith("schema not upgraded")
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        families = _families(metrics.get_data(as_text=True))
        assert "portal_index_lag_sequences" not in families and "portal_requests" in families
    finally:
        close_app(app)
