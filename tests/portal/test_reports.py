"""Viewers report transcription errors without an account; admins correct them from a pre-filled form."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import ErrorReport, Webinar

URL = "/webinars/session-2-loi/report"


def form_fields(client, url=URL + "?t=63"):
    html = client.get(url).get_data(as_text=True)
    return html, {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
        "stamp": re.search(r'id="stamp" name="stamp" type="hidden" value="([^"]+)"', html).group(1),
    }


def test_a_visitor_reports_an_error_on_the_line_at_the_moment_and_an_admin_corrects_it(demo_app, demo_admin):
    demo_app.config["REPORT_MIN_SECONDS"] = 0
    visitor = demo_app.test_client()
    html, fields = form_fields(visitor)
    assert "Ce qui est interdit hors ligne est aussi interdit en ligne" in html  # the line said at 1:02
    proposed = "Ce qui est interdit hors ligne est aussi interdit sur internet, car internet n'est pas une zone de non-droit."
    sent = visitor.post(URL + "?t=63", data={**fields, "proposed": proposed, "website": ""})
    assert sent.status_code == 200 and "votre signalement est envoyé" in sent.get_data(as_text=True)
    with demo_app.app_context():
        report = db.session.scalar(select(ErrorReport))
        assert report.status == "new" and report.start_ms == 62_490  # the line said at 1:03 starts at 1:02.49
        report_id = report.id
    queue = demo_admin.get("/admin/reports/").get_data(as_text=True)
    assert "sur internet, car internet" in queue
    fix = re.search(r'href="(/admin/webinars/\d+/cues/\d+\?report=\d+)"', queue).group(1).replace("&amp;", "&")
    page = demo_admin.get(fix).get_data(as_text=True)
    assert "aussi interdit sur internet" in page and f"Signalement {report_id}" in page  # pre-filled
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    saved = demo_admin.post(fix, data={"csrf_token": token, "text": proposed, "speaker": "Intervenante", "note": f"Signalement {report_id}"})
    assert saved.status_code == 302
    with demo_app.app_context():
        assert db.session.get(ErrorReport, report_id).status == "fixed"
    assert "sur internet" in demo_admin.get("/api/v1/webinars/session-2-loi/search?q=%22interdit%20sur%20internet%22").get_data(as_text=True)
    assert "Aucun signalement à traiter" in demo_admin.get("/admin/reports/").get_data(as_text=True)


def test_robots_and_hurried_senders_are_refused_and_nothing_is_saved(demo_app):
    visitor = demo_app.test_client()
    _, fields = form_fields(visitor)
    hurried = visitor.post(URL + "?t=63", data={**fields, "proposed": "Autre chose."})
    assert hurried.status_code == 400 and "Envoyé trop vite" in hurried.get_data(as_text=True)
    demo_app.config["REPORT_MIN_SECONDS"] = 0
    trapped = visitor.post(URL + "?t=63", data={**fields, "proposed": "Autre chose.", "website": "http://spam.example"})
    assert trapped.status_code == 400
    unchanged = visitor.post(URL + "?t=63", data={**fields, "proposed": "Ce qui est interdit hors ligne est aussi interdit en ligne, car internet n'est pas une zone de non-droit."})
    assert "Votre texte est celui de la transcription" in unchanged.get_data(as_text=True)
    forged = visitor.post(URL + "?t=63", data={**fields, "stamp": "forged", "proposed": "Autre chose."})
    assert "a expiré" in forged.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(db.func.count(ErrorReport.id))) == 0


def test_the_sixth_report_in_a_minute_from_one_address_is_refused(demo_app):
    demo_app.config["REPORT_MIN_SECONDS"] = 0
    visitor = demo_app.test_client()
    _, fields = form_fields(visitor)
    answers = [visitor.post(URL + "?t=63", data={**fields, "proposed": f"Proposition {n}."}).status_code for n in range(6)]
    assert answers == [200] * 5 + [429]
    with demo_app.app_context():
        assert db.session.scalar(select(db.func.count(ErrorReport.id))) == 5


def test_the_watch_page_links_to_the_report_form_and_reports_are_for_admins(demo_client, trainer_client, client):
    html = demo_client.get("/webinars/session-2-loi?t=63").get_data(as_text=True)
    assert 'id="report-error" href="/webinars/session-2-loi/report?t=63"' in html
    assert client.get("/admin/reports/").status_code == 302 and trainer_client.get("/admin/reports/").status_code == 403
    assert demo_client.get("/webinars/nope/report").status_code == 404


def test_a_report_on_an_unknown_time_goes_to_the_first_line(demo_app):
    html = demo_app.test_client().get(URL + "?t=zz").get_data(as_text=True)
    with demo_app.app_context():
        first = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")).active_transcript.cues[0].text
    assert first in html
