"""What a monitoring system reads at ``/metrics``: requests, search latency, index lag, rebuilds.

Prometheus text format (prometheus-client). Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty folder writable by the workers so that a scrape adds up every worker's counts; without it each
worker reports its own. The index figures are read from the database and the index at scrape time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from flask import Flask, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db

# Seconds: a page is expected in tens of milliseconds, a rebuild in seconds to minutes.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REBUILD_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800)

REQUESTS = Counter("portal_requests", "HTTP requests answered, by route (Flask endpoint), method and status.", ["route", "method", "status"])
REQUEST_SECONDS = Histogram("portal_request_duration_seconds", "Time to answer a request, by route.", ["route"], buckets=REQUEST_BUCKETS)
SEARCH_SECONDS = Histogram(
    "portal_search_duration_seconds",
    "Time spent in the search index per search, by kind (word, words, phrase, prefix, within).",
    ["kind"],
    buckets=REQUEST_BUCKETS,
)
REBUILD_SECONDS = Histogram("portal_index_rebuild_duration_seconds", "Duration of whole index rebuilds.", buckets=REBUILD_BUCKETS)
SEARCH_KINDS = ("word", "words", "phrase", "prefix", "within")


def search_kind(text: str) -> str:
    """The label of a site search: a bounded set, whatever was typed."""
    if '"' in text:
        return "phrase"
    if "*" in text:
        return "prefix"
    return "words" if len(text.split()) > 1 else "word"


def observe_search(kind: str, seconds: float) -> None:
    SEARCH_SECONDS.labels(kind if kind in SEARCH_KINDS else "words").observe(seconds)


def observe_rebuild(seconds: float) -> None:
    REBUILD_SECONDS.observe(seconds)


class IndexCollector(Collector):
    """Index lag and age, read when scraped (the database and the index folder are the truth)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from portal.services import indexing  # the services use this module: imported when scraped

        with self.app.app_context():
            built_at = indexing.get_store().meta().get("built_at")
            try:
                lag = indexing.lag()
            except SQLAlchemyError:  # database down or not upgraded: no lag figures rather than no metrics
                db.session.rollback()
                lag = None
        if lag is not None:
            yield GaugeMetricFamily(
                "portal_index_lag_sequences", "Changes of the database's index journal that this node's index has not applied yet.", value=lag.sequences
            )
            yield GaugeMetricFamily("portal_index_lag_seconds", "Age of the oldest change this node's index has not applied (0: none).", value=lag.seconds)
        yield GaugeMetricFamily("portal_index_built_timestamp_seconds", "When this node's index was last rebuilt whole (0: never).", value=built_at or 0)


def exposition(app: Flask) -> tuple[bytes, str]:
    """The metrics page's body and content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, REQUEST_SECONDS, SEARCH_SECONDS, REBUILD_SECONDS):
            registry.register(collector)
    registry.register(IndexCollector(app))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def init_app(app: Flask) -> None:
    # Our metrics are exposed by our own registry only (the default one would add process figures twice).
    for collector in (REQUESTS, REQUEST_SECONDS, SEARCH_SECONDS, REBUILD_SECONDS):
        try:
            REGISTRY.unregister(collector)
        except KeyError:
            pass

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            # The endpoint, not the path: a bounded set of labels whatever URLs are tried.
            route = request.endpoint or "unmatched"
            REQUESTS.labels(route, request.method, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)
        return response
