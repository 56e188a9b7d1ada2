"""The board report's HTML: escaped quotes, plain-language caveats, suppression."""
from datetime import date

from analysis_svc.reports.board import Period
from analysis_svc.reports.privacy import coverage_statement
from analysis_svc.reports.render import render_html

FIGURES = {"responses": 120, "invitations": 400, "response_rate": 0.3, "csat": 0.65, "csat_low": 0.56,
           "csat_high": 0.73, "mean_score": 3.8, "mean_sentiment": 0.21, "sentiment_ci_low": 0.12, "sentiment_ci_high": 0.3, "detractors": 12,
           "suppressed": False}


def report(**overrides) -> dict:
    base = {"period": Period(date(2026, 1, 1), date(2026, 3, 31)), "headline": FIGURES, "previous": FIGURES,
            "headline_change": None, "monthly": [{"period": "2026-01", **FIGURES}], "groups": [],
            "themes": [{"theme": "speed", "count": 30, "share": 0.4, "previous_share": 0.3}],
            "quotes": [{"text": "<script>alert(1)</script> fixed", "score": 5, "directorate": "Adults"}],
            "min_cell": 5, "alpha": 0.05, "privacy": coverage_statement()}
    return base | overrides


def test_quotes_are_escaped_and_caveats_are_present():
    html = render_html(report())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fixed" in html and "<script>alert(1)" not in html
    for words in ("fewer than 5 answers", "Wilson interval", "sarcasm", "response rate"):
        assert words in html
    assert 'data-figure="csat">65%<' in html and "Speed" in html
    assert 'data-figure="sentiment_interval">likely range 0.12 to 0.30<' in html
    assert "<td class=\"num\">0.12 to 0.30</td>" in html  # the monthly table's range column


def test_suppressed_headline_publishes_no_figures():
    html = render_html(report(headline={**{k: None for k in FIGURES}, "suppressed": True}))
    assert "Too few people answered" in html and 'data-figure="csat"' not in html


def test_standalone_file_inlines_its_scripts_and_styles():
    html = render_html(report(), standalone=True)
    assert '<link rel="stylesheet"' not in html and "<style>" in html and "new Chart(" in html


def test_methodology_names_the_false_discovery_rate_and_the_family():
    html = render_html(report(family_size=23))
    assert "false discovery rate at 5% across the 23 comparisons in this report" in html
    assert "(weighted Benjamini–Hochberg)" in html and "unlikely to be chance" not in html
    assert "weighted by its chance of detecting a 15-point change" in html
