"""Locust users for bench/load.py: visitors spread over the app nodes as a load balancer would.

Not run by hand: bench/load.py starts Locust with this file and these variables:
LOAD_NODES (base URLs, comma-separated), LOAD_CLIP (a clip code), LOAD_MEDIA (a recording's stored name).
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

NODES = os.environ["LOAD_NODES"].split(",")
CLIP = os.environ["LOAD_CLIP"]
MEDIA = os.environ["LOAD_MEDIA"]
MEDIA_BYTES = int(os.environ["LOAD_MEDIA_BYTES"])
QUERIES = ["harcèlement", '"porter plainte"', "algorithme de recommandation", "signalement", "DSA", "discrimin*", "preuve", "modération des contenus"]
SLUGS = ["session-1-algorithmes", "session-2-loi", "session-3-enquetes", "session-4-contentieux"]


class Visitor(HttpUser):
    host = NODES[0]
    wait_time = between(0.2, 1.0)

    def _get(self, path: str, name: str, expect: int = 200, **kwargs) -> None:
        node = random.choice(NODES)  # round robin's effect, without its lockstep
        with self.client.get(node + path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")

    @task(4)
    def search_page(self) -> None:
        self._get("/search?q=" + random.choice(QUERIES), "/search")

    @task(3)
    def search_api(self) -> None:
        self._get("/api/v1/search?q=" + random.choice(QUERIES), "/api/v1/search")

    @task(3)
    def watch_page(self) -> None:
        self._get(f"/webinars/{random.choice(SLUGS)}?t={random.randint(0, 3000)}", "/webinars/<slug>?t=")

    @task(1)
    def clip_page(self) -> None:
        self._get(f"/c/{CLIP}", "/c/<code>")

    @task(2)
    def media_range(self) -> None:
        start = random.randrange(0, MEDIA_BYTES - 65536)
        self._get(f"/media/{MEDIA}", "/media/<name> (range)", expect=206, headers={"Range": f"bytes={start}-{start + 65535}"})
