"""Findings in words, theme movers and the page's choices."""
from werkzeug.datastructures import MultiDict

from analysis_svc.entrypoints.web.choices import read_choice
from analysis_svc.entrypoints.web.presenters import fdr_text, findings, movers, pct


def test_significant_change_and_trend_are_called_out_in_words():
    rows = [{"directorate": "Adults", "service": "Printing", "period": "2026-11", "csat": 0.4,
             "change": {"previous_csat": 0.7, "delta": -0.3, "p_value": 0.0004, "significant": True},
             "trend": {"periods": 6, "direction": "down", "p_value": 0.01, "significant": True}},
            {"directorate": "Adults", "period": "2026-11", "csat": 0.8,
             "change": {"previous_csat": 0.79, "delta": 0.01, "p_value": 0.9, "significant": False},
             "trend": None}]
    lines = findings(rows, "All", "month")
    assert lines[0].startswith("Adults – Printing: satisfaction fell from 70% to 40% in 2026-11")
    assert "p < 0.001" in lines[0]
    assert "steadily worsening over the last 6 months" in lines[1]
    assert len(lines) == 2


def test_movers_rank_by_size_of_change():
    per_period = {"a": {"speed": 0.1, "equipment": 0.3}, "b": {"speed": 0.1, "equipment": 0.3},
                  "c": {"speed": 0.5, "equipment": 0.25}, "d": {"speed": 0.5, "equipment": 0.25}}
    ranked = movers(per_period, ["equipment", "speed"])
    assert [m["theme"] for m in ranked] == ["speed", "equipment"]
    assert round(ranked[0]["delta"], 2) == 0.4


def test_choices_fall_back_and_explain_bad_values():
    choice = read_choice(MultiDict({"period": "year", "directorate": "Other", "from": "2026-02-30"}),
                         ["Adults"])
    assert choice.period == "month" and choice.directorate == "Adults" and choice.start is None
    assert set(choice.errors) == {"period", "directorate", "from"}
    backwards = read_choice(MultiDict({"from": "2026-03-01", "to": "2026-01-01"}), ["A", "B"])
    assert backwards.directorate is None and "to" in backwards.errors


def test_pct_shows_a_dash_for_suppressed_figures():
    assert pct(None) == "–" and pct(0.625) == "62%"


def test_findings_give_the_adjusted_p_and_the_page_names_the_family():
    rows = [{"directorate": "Adults", "period": "2026-11", "csat": 0.4,
             "change": {"previous_csat": 0.7, "delta": -0.3, "p_value": 0.0004,
                        "p_adjusted": 0.012, "family_size": 70, "significant": True}}]
    [line] = findings(rows, "All", "month")
    assert "p < 0.001, adjusted p = 0.012" in line and "unlikely to be chance" not in line
    assert fdr_text(70, 0.05).startswith(
        "We control the false discovery rate at 5% across the 70 comparisons in this view "
        "(weighted Benjamini–Hochberg)")
    assert "weighted by its chance of detecting a 15-point change" in fdr_text(70, 0.05)
    assert fdr_text(0, 0.05) == "Too few answers in this selection to test for changes."
