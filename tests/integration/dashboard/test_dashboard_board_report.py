"""The board report: a PDF whose pages convert to images, with the feeds' numbers."""
import re
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner

from dashboard_seed import ADMIN, PARTNER

pytestmark = pytest.mark.integration
MONTH = ("2026-10-01", "2026-10-31")


def cells(html: str, table_id: str) -> dict[str, list[str]]:
    """Rows of a report table: first cell -> the other cells, tags stripped."""
    body = html[html.index(f'id="{table_id}"'):]
    body = body[:body.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        texts = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[texts[0].replace("&#39;", "'")] = texts[1:]
    return rows


def pct(value) -> str:
    return f"{value * 100:.0f}%"


def test_report_directorates_and_headline_equal_the_feeds(app):
    feeds = app.test_client()
    trends = feeds.get(f"/v1/trends?period=month&from={MONTH[0]}&to={MONTH[1]}",
                       headers={"Authorization": f"Bearer {ADMIN}"}).get_json()
    october = {r["directorate"]: r for r in trends if r["period"] == "2026-10"}
    client = app.test_client()
    client.get("/reports/board", headers={"Authorization": f"Bearer {ADMIN}"})
    html = client.get(f"/reports/board?from={MONTH[0]}&to={MONTH[1]}",
                      headers={"Authorization": f"Bearer {ADMIN}"}).get_data(as_text=True)
    rows = cells(html, "directorates")
    assert set(rows) == set(october)
    for name, feed in october.items():
        assert rows[name][:3] == [str(feed["responses"]), pct(feed["response_rate"]), pct(feed["csat"])]
    partner_feed = feeds.get(f"/v1/trends?period=month&from={MONTH[0]}&to={MONTH[1]}",
                             headers={"Authorization": f"Bearer {PARTNER}"}).get_json()
    partner = client.get(f"/reports/board?from={MONTH[0]}&to={MONTH[1]}",
                         headers={"Authorization": f"Bearer {PARTNER}"}).get_data(as_text=True)
    headline = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', partner))
    (feed,) = [r for r in partner_feed if r["period"] == "2026-10"]
    assert headline["csat"] == pct(feed["csat"]) and headline["responses"] == str(feed["responses"])
    assert headline["mean_score"] == str(feed["mean_score"])
    assert "Public Health" not in partner and "How these figures are made" in partner


def test_report_headline_and_directorates_equal_the_totals_feed_over_several_months(app):
    span = ("2026-10-01", "2026-11-30")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {ADMIN}"}
    (whole,) = client.get(f"/v1/totals?period=month&group_by=&from={span[0]}&to={span[1]}",
                          headers=auth).get_json()
    per_directorate = client.get(f"/v1/totals?period=month&from={span[0]}&to={span[1]}",
                                 headers=auth).get_json()
    html = client.get(f"/reports/board?from={span[0]}&to={span[1]}", headers=auth).get_data(as_text=True)
    headline = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', html))
    assert whole["period_from"] == "2026-10" and whole["period_to"] == "2026-11"
    assert headline["responses"] == str(whole["responses"]) and headline["csat"] == pct(whole["csat"])
    assert headline["response_rate"] == pct(whole["response_rate"])
    assert headline["mean_score"] == str(whole["mean_score"])
    assert headline["mean_sentiment"] == f"{whole['mean_sentiment']:.2f}"
    assert whole["sentiment_ci_low"] < whole["mean_sentiment"] < whole["sentiment_ci_high"]
    assert headline["sentiment_interval"] == (
        f"likely range {whole['sentiment_ci_low']:.2f} to {whole['sentiment_ci_high']:.2f}")
    assert whole["responses"] == sum(r["responses"] for r in per_directorate)
    rows = cells(html, "directorates")
    assert set(rows) == {r["directorate"] for r in per_directorate}
    for feed in per_directorate:
        assert rows[feed["directorate"]] == [str(feed["responses"]), pct(feed["response_rate"]),
                                             pct(feed["csat"]),
                                             f"{pct(feed['csat_low'])}–{pct(feed['csat_high'])}"]


def test_cli_writes_a_pdf_whose_pages_convert_to_images(seeded, tmp_path, monkeypatch):
    from analysis_svc.entrypoints.cli import cli
    monkeypatch.setenv("ANALYSIS_DATABASE_URL", seeded.settings.database_url)
    out = tmp_path / "board.pdf"
    result = CliRunner().invoke(cli, ["report", "--from", "2026-09-01", "--to", "2026-11-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(out), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 1000 for p in pages)
    html = tmp_path / "board.html"
    assert CliRunner().invoke(cli, ["report", "--from", "2026-09-01", "--to", "2026-11-30",
                                    "--out", str(html)]).exit_code == 0
    assert "<script>window.__pwned" not in html.read_text()


def test_report_page_downloads_as_pdf(app):
    answer = app.test_client().get(f"/reports/board?from={MONTH[0]}&to={MONTH[1]}&format=pdf",
                                   headers={"Authorization": f"Bearer {PARTNER}"})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF") and "attachment" in answer.headers["Content-Disposition"]


def test_cli_refuses_bad_input_in_one_line(seeded, monkeypatch, tmp_path):
    from analysis_svc.entrypoints.cli import cli
    monkeypatch.setenv("ANALYSIS_DATABASE_URL", seeded.settings.database_url)
    bad_date = CliRunner().invoke(cli, ["report", "--from", "2026-13-01", "--to", "2026-11-30", "--out", "x.pdf"])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    bad_ext = CliRunner().invoke(cli, ["report", "--from", "2026-09-01", "--to", "2026-11-30",
                                       "--out", str(tmp_path / "x.docx")])
    assert bad_ext.exit_code != 0
    assert date(2026, 9, 1)
