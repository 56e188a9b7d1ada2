"""The worker's side of the connectors: an answer event becomes a write-back command; threads."""
import threading
from datetime import datetime, timezone

from contracts.envelope import make_envelope
from survey_svc.domain.commands import QueueWriteBack
from survey_svc.entrypoints.connectors_worker import connector_threads, write_back_command

DATA = {"directorate": "Housing", "response_id": "r1", "invitation_id": "inv1", "version": 2,
        "score": 1, "resolved": "no", "comment": "Cold", "channel": "email_link",
        "submitted_at": "2026-03-02T09:15:00+00:00"}
SEALED = "pii:v1:" + "0" * 24 + ":" + "A" * 40


class Vault:
    def open_many(self, tokens):
        return ["opened" if t == SEALED else t for t in tokens]


def test_an_answer_version_becomes_one_write_back_command():
    command = write_back_command(make_envelope("response.amended", DATA, "ingest-svc"))
    assert isinstance(command, QueueWriteBack) and command.invitation_id == "inv1"
    answer = command.answer
    assert (answer.response_id, answer.version, answer.score, answer.resolved,
            answer.comment) == ("r1", 2, 1, "no", "Cold")
    assert answer.submitted_at == datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)


def test_other_events_ask_nothing():
    optout = make_envelope("optout.requested", {
        "invitation_id": "inv1", "requested_at": "2026-03-02T09:15:00+00:00",
        "channel": "email_link"}, "ingest-svc")
    assert write_back_command(optout) is None


def test_a_sealed_comment_is_opened_with_the_vault_or_left_out():
    envelope = make_envelope("response.submitted", {**DATA, "comment": SEALED}, "ingest-svc")
    assert write_back_command(envelope, Vault()).answer.comment == "opened"
    assert write_back_command(envelope).answer.comment is None  # never the token itself


def test_a_poller_and_a_sender_per_connector():
    class Bus:
        connectors = {"rt": object(), "snow": object()}
    names = sorted(t.name for t in connector_threads(Bus(), threading.Event()))
    assert names == ["poll-rt", "poll-snow", "writeback-rt", "writeback-snow"]
    assert connector_threads(type("NoConnectors", (), {"connectors": {}})(),
                             threading.Event()) == []
