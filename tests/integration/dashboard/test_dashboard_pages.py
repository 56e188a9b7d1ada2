"""The dashboard pages against a real database filled by the real consumer."""
import re

import pytest

from dashboard_seed import ADMIN, PARTNER

pytestmark = pytest.mark.integration


def csrf(client, path="/dashboard/sign-in") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def signed_in(app, token):
    client = app.test_client()
    response = client.post("/dashboard/sign-in", data={"token": token, "csrf_token": csrf(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    return client


def test_pages_need_sign_in_and_a_bad_token_is_refused(app):
    client = app.test_client()
    assert client.get("/dashboard/comments").headers["Location"].startswith("/dashboard/sign-in")
    assert client.get("/reports/board").status_code == 302
    bad = client.post("/dashboard/sign-in", data={"token": "nope", "csrf_token": csrf(client)})
    assert bad.status_code == 400 and "Enter a valid access token" in bad.get_data(as_text=True)
    no_csrf = client.post("/dashboard/sign-in", data={"token": ADMIN})
    assert no_csrf.status_code == 400 and client.get("/dashboard").status_code == 302


def test_partner_sees_only_their_directorate_everywhere(app):
    client = signed_in(app, PARTNER)
    for path in ("/dashboard", "/dashboard/comments", "/dashboard/detractors", "/reports/board"):
        html = client.get(path).get_data(as_text=True)
        assert "Adult Social Care" in html
        assert "Children&#39;s Services" not in html and "Public Health" not in html, path
    other = client.get("/dashboard/comments?directorate=Public+Health").get_data(as_text=True)
    assert "Choose one of your directorates" in other and "Public Health</td>" not in other
    assert client.get("/dashboard/compare").status_code == 403


def test_partner_cannot_follow_up_another_directorates_detractor(app):
    admin = signed_in(app, ADMIN)
    page = admin.get("/dashboard/detractors?directorate=Public+Health").get_data(as_text=True)
    case = re.search(r'id="case-([0-9a-f]+)"', page)[1]
    partner = signed_in(app, PARTNER)
    token = re.search(r'name="csrf_token" value="([^"]+)"', partner.get("/dashboard/detractors")
                      .get_data(as_text=True))[1]
    refused = partner.post(f"/dashboard/detractors/{case}/follow-up",
                           data={"note": "Not mine to close", "csrf_token": token})
    assert refused.status_code == 404
    still = admin.get("/dashboard/detractors?directorate=Public+Health").get_data(as_text=True)
    assert f'id="case-{case}"' in still and "Not mine to close" not in still


def test_hostile_comment_is_shown_as_text_in_every_view(app):
    client = signed_in(app, ADMIN)
    for path in ("/dashboard/comments?score=1", "/dashboard/detractors?directorate=Adult+Social+Care"):
        html = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html, path
        assert "<script>window.__pwned" not in html and "<b>bold" not in html


def test_follow_up_needs_a_note_is_recorded_once_and_counts(app):
    client = signed_in(app, PARTNER)
    page = client.get("/dashboard/detractors").get_data(as_text=True)
    case = re.search(r'id="case-([0-9a-f]+)"', page)[1]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    url = f"/dashboard/detractors/{case}/follow-up"
    empty = client.post(url, data={"note": " ", "csrf_token": token}, follow_redirects=True)
    assert "Enter a note saying how you followed up" in empty.get_data(as_text=True)
    done = client.post(url, data={"note": "Called back; <i>sorted</i>", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Marked as followed up." in done and f'id="case-{case}"' not in done
    assert "Called back; &lt;i&gt;sorted&lt;/i&gt;" in done
    assert client.post("/dashboard/detractors/unknown/follow-up",
                       data={"note": "x", "csrf_token": token}).status_code == 404
    overview = client.get("/dashboard?period=week").get_data(as_text=True)
    assert re.search(r"1 of \d+ detractors|Too few detractors", overview)


def test_admin_compares_two_directorates(app):
    client = signed_in(app, ADMIN)
    html = client.get("/dashboard/compare?directorate=Adult+Social+Care&directorate=Public+Health"
                      "&period=month").get_data(as_text=True)
    table = html[html.index('id="compare-table"'):]
    assert "Adult Social Care</th>" in table and "Public Health</th>" in table
    assert "Children&#39;s Services</th>" not in table


def test_bad_choices_answer_with_messages_not_errors(app):
    client = signed_in(app, ADMIN)
    html = client.get("/dashboard?period=year&from=yesterday").get_data(as_text=True)
    assert "Choose weeks or months" in html and "Enter a real date" in html
    assert client.get("/dashboard/comments?cursor=rubbish").status_code == 200
    report = client.get("/reports/board?from=2026-13-01")
    assert report.status_code == 400 and "YYYY-MM-DD" in report.get_data(as_text=True)


def test_trusted_header_signs_in_only_when_configured(seeded):
    from dataclasses import replace
    from ipaddress import ip_network

    from chassis.testing import FakePublisher

    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    header = {"X-Forwarded-Email": "asc.partner@council.example"}
    off = create_app(seeded).test_client()
    assert off.get("/dashboard", headers=header).status_code == 302
    # The test client's peer is 127.0.0.1: the proxy allowed (test_dashboard_sessions refuses others).
    trusting = build(replace(seeded.settings, trusted_header_name="X-Forwarded-Email",
                             trusted_proxy_addresses=(ip_network("127.0.0.1/32"),)),
                     publisher=FakePublisher())
    try:
        on = create_app(trusting).test_client()
        html = on.get("/dashboard", headers=header).get_data(as_text=True)
        assert "Signed in as ASC partner (Adult Social Care)" in html
        assert on.get("/dashboard", headers={"X-Forwarded-Email": "nobody@x"}).status_code == 302
    finally:
        trusting.close()


def test_overview_says_how_many_comparisons_its_fdr_control_covers(app):
    html = signed_in(app, ADMIN).get("/dashboard?period=month").get_data(as_text=True)
    family = re.search(r"We control the false discovery rate at 5% across the (\d+) comparisons "
                       r"in this view \(weighted Benjamini–Hochberg\)", html)
    assert family and int(family[1]) > 10 and "unlikely to be chance" not in html
