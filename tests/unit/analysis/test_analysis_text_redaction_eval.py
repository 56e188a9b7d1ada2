"""The redaction evaluation: the committed set, its goals on the held-out splits, the stored figures
the board report and dashboard quote."""
import json

from analysis_svc.adapters.text import redact
from analysis_svc.adapters.text.redaction import coverage_statement as redaction_statement
from analysis_svc.adapters.text.redaction_eval import (
    COVERAGE, EVAL_SET, GOALS, KINDS, evaluate, load, main, stored)
from analysis_svc.reports.privacy import coverage_statement


def test_the_set_covers_every_kind_in_both_splits():
    for split in ("dev", "test"):
        kinds = {kind for row in load(split) for _, _, kind in row["spans"]}
        assert kinds == set(KINDS)
    assert {kind for row in load("test2") for _, _, kind in row["spans"]} == {"names"}


def test_the_set_says_how_it_was_made():
    meta = json.loads(EVAL_SET.read_text(encoding="utf-8").splitlines()[0])
    assert "seed" in meta["meta"] and "Faker" in meta["meta"]


def test_the_stored_figures_are_what_the_evaluation_gives_now():
    # After a change to redaction: `analysis-svc evaluate-redaction --save`, then review the diff.
    assert json.loads(COVERAGE.read_text(encoding="utf-8")) == stored(evaluate("test"), evaluate("test2"))


def test_the_goals_are_met_on_both_held_out_splits():
    for split in ("test", "test2"):
        result = evaluate(split)
        assert result.kind("names").recall >= GOALS["names_recall"]
        assert result.products_share <= GOALS["products_redacted"] and result.products > 100
    assert all(k.recall >= 0.95 for k in evaluate("test").kinds)


def test_redaction_is_idempotent_on_the_set():
    for row in load("all"):
        once = redact(row["text"], [row["requester"]])
        assert redact(once, [row["requester"]]) == once


def test_the_statement_quotes_the_measured_figures():
    statement, measured = coverage_statement(), evaluate("test")
    names = next(k for k in statement["removed"] if k["kind"] == "names")
    assert names["recall"] == statement["names_recall"] == measured.kind("names").recall
    assert f"people's names {names['recall']:.0%}" in statement["text"]
    assert f"{measured.kind('names').recall:.0%} of people's names" in statement["short"]
    assert f"On {measured.comments} synthetic" in statement["text"] and "Not removed" in statement["text"]
    assert redaction_statement() == statement


def test_main_prints_a_table_and_exits_by_the_goals(capsys):
    code = main(["--split", "dev"])
    assert "| names |" in capsys.readouterr().out
    result = evaluate("dev")
    assert code == (0 if result.kind("names").recall >= GOALS["names_recall"] else 1)
