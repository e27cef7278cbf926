"""WCAG 2.1 AA on the home, catalogue, watch and search pages, checked by axe-core in Chromium."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


@pytest.mark.parametrize(
    "url",
    ["/", "/webinars", "/webinars/session-2-loi?t=90", "/search?q=harc%C3%A8lement", "/search?q=zzzz", "/themes/law", "/webinars/n-existe-pas"],
)
@pytest.mark.parametrize("width", [1280, 360])
def test_no_serious_or_critical_violations(page, url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    results = Axe().run(page, options=OPTIONS)
    assert results.response["testEngine"]["name"] == "axe-core"
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad)
    assert not bad, report
