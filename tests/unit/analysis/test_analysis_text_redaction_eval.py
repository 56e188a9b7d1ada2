"""The redaction evaluation: the committed set, its goals on the held-out split, the report's wording."""
import json

from analysis_svc.adapters.text import redact
from analysis_svc.adapters.text.redaction_eval import (
    EVAL_SET, GOALS, KINDS, coverage_statement, evaluate, load, main)


def test_the_set_covers_every_kind_in_both_splits():
    for split in ("dev", "test"):
        kinds = {kind for row in load(split) for _, _, kind in row["spans"]}
        assert kinds == set(KINDS)


def test_the_set_says_how_it_was_made():
    meta = json.loads(EVAL_SET.read_text(encoding="utf-8").splitlines()[0])
    assert "seed" in meta["meta"] and "Faker" in meta["meta"]


def test_held_out_figures_do_not_fall_below_those_reported():
    # EVALUATION.md "Redaction": names 0.878 on test (goal 0.90 not yet met), products 0.0%
    result = evaluate("test")
    assert result.kind("names").recall >= 0.87
    assert result.products_share <= GOALS["products_redacted"]
    assert result.products > 100
    assert all(k.recall >= 0.95 for k in result.kinds if k.kind != "names")


def test_redaction_is_idempotent_on_the_set():
    for row in load("all"):
        once = redact(row["text"], [row["requester"]])
        assert redact(once, [row["requester"]]) == once


def test_coverage_statement_reports_the_measured_recall():
    statement = coverage_statement()
    names = next(k for k in statement["removed"] if k["kind"] == "names")
    assert names["recall"] == evaluate("test").kind("names").recall
    assert f"people's names {names['recall']:.0%}" in statement["text"]
    assert "Not removed" in statement["text"]


def test_main_prints_a_table_and_exits_by_the_goals(capsys):
    code = main(["--split", "dev"])
    assert "| names |" in capsys.readouterr().out
    result = evaluate("dev")
    assert code == (0 if result.kind("names").recall >= GOALS["names_recall"] else 1)
