"""Numbers from requests: clamped, never an exception, never beyond a 64-bit id."""

from __future__ import annotations

import pytest

from portal.params import MAX_ID, bounded_int, record_id
from tests.conftest import ADMIN_PASSWORD, csrf_token, signed_in_client


@pytest.mark.parametrize(
    "value, expected",
    [("7", 7), (" 7 ", 7), ("0", 1), ("-5", 1), ("99999999999999999999999", 100), ("²", 3), ("٣", 3), ("7.5", 3), ("", 3), (None, 3), ("1" * 40, 3)],
)
def test_bounded_int_clamps_and_falls_back(value, expected):
    assert bounded_int(value, 3, 1, 100) == expected


@pytest.mark.parametrize("value, expected", [("1", 1), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-1", None), ("²", None), ("x", None)])
def test_record_id(value, expected):
    assert record_id(value) == expected


def test_ids_beyond_64_bits_are_not_found_rather_than_errors(demo_app):
    client = demo_app.test_client()
    for url in ("/resources/99999999999999999999", f"/resources/{MAX_ID + 1}/file", "/admin/webinars/99999999999999999999999"):
        assert client.get(url).status_code == 404, url
    admin = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    assert admin.get("/admin/audit?page=99999999999999999999999").status_code == 200
    assert admin.get(f"/admin/webinars/{MAX_ID}").status_code == 404


def test_oembed_of_an_address_that_is_not_a_url_is_not_found(demo_client):
    assert demo_client.get("/oembed?url=http://[::1").status_code == 404
    assert demo_client.get("/oembed?url=http://localhost/webinars/session-2-loi&format=").status_code == 200


def test_attaching_a_resource_with_a_non_ascii_digit_is_refused_cleanly(demo_app):
    admin = signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")
    token = csrf_token(admin, "/admin/")
    response = admin.post("/admin/resources/attach", data={"csrf_token": token, "webinar": "session-2-loi", "resource": "²", "at": "1:00"})
    assert response.status_code == 400
