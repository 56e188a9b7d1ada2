"""Subject access in survey-svc: the person found as an erasure finds them, our records, the
other services' parts from fake peers (complete only when all answered), and the read audited."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from chassis.privacy import subject_of
from chassis.privacy.audit import RecordAccess
from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.domain import commands
from survey_svc.domain.model import Ticket
from survey_svc.domain.subject_access import AnswerSubjectAccess, PeerUnavailable

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEY, KEYS = "reply-key", generate_keypair()
PAT = subject_of(KEY, email="pat@example.org")


class FakePeer:
    def __init__(self, records=None, down: str | None = None):
        self.records, self.down, self.asked = records or {}, down, []

    def held(self, subjects, invitation_ids, actor):
        self.asked.append((subjects, invitation_ids, actor))
        if self.down:
            raise PeerUnavailable(self.down)
        return self.records


@pytest.fixture
def peers():
    return {"ingest-svc": FakePeer({"responses": [{"response_id": "r1", "comment": "Dave fixed it"}]}),
            "analysis-svc": FakePeer({"responses": [{"response_id": "r1"}], "alerts": []})}


@pytest.fixture
def bus(tmp_path, peers):
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key=KEY,
                        signing_key=KEYS[0], database_url=f"sqlite:///{tmp_path / 's.db'}")
    bus = build(settings, publisher=FakePublisher(), clock=FakeClock(NOW), mailers=(),
                subject_peers=peers)
    bus.handle(commands.SetPolicy("*", {"throttle_days": 0}, "test"))  # every ticket surveyed
    yield bus
    bus.close()


def resolve(bus, ticket_id, requester_id="p-17", email="Pat@Example.org"):
    ticket = Ticket(ticket_id, 1, NOW - timedelta(days=1), requester_id, email, "Pat O'Neill",
                    "Adult Social Care", "Email", "Software", "Desk")
    return bus.handle(commands.ResolveTicket(ticket)).invitation_id


def audit_rows(bus) -> list[dict]:
    with bus.uow_factory() as uow:
        return uow.access_audit.page(limit=100)["items"]


def test_everything_held_is_gathered_under_every_subject_of_the_person(bus, peers):
    first = resolve(bus, "INC1")
    second = resolve(bus, "INC2", requester_id="p-99")  # the same address under another id
    resolve(bus, "INC3", requester_id="someone-else", email="sam@example.org")
    bus.handle(commands.OptOutRequester("p-17"))

    found = bus.handle(AnswerSubjectAccess("pat@EXAMPLE.org", None, "admin-token:dpo"))

    assert found["complete"] is True and found["missing"] == []
    ours = found["services"]["survey-svc"]
    assert {i["id"] for i in ours["invitations"]} == {first, second}
    assert {d["ticket_id"] for d in ours["decisions"]} == {"INC1", "INC2"}
    assert [o["requester_id"] for o in ours["opt_outs"]] == ["p-17"]
    assert {e["event"]["event_type"] for e in ours["outbox_events"]} == {"invitation.created",
                                                                  "invitation.opted_out"}
    subjects = found["request"]["subjects"]
    assert set(subjects) == {PAT, subject_of(KEY, requester_id="p-17"),
                             subject_of(KEY, requester_id="p-99")}
    assert found["request"]["invitation_ids"] == sorted([first, second])
    for peer in peers.values():
        assert peer.asked == [(subjects, sorted([first, second]), "survey-svc for admin-token:dpo")]
    assert found["services"]["ingest-svc"] == peers["ingest-svc"].records


def test_a_requester_id_alone_finds_the_person_too(bus):
    invitation = resolve(bus, "INC1")
    found = bus.handle(AnswerSubjectAccess(None, "p-17", "cli:dpo"))
    assert [i["id"] for i in found["services"]["survey-svc"]["invitations"]] == [invitation]
    assert PAT in found["request"]["subjects"]


def test_a_service_that_cannot_answer_leaves_a_partial_document_that_says_so(bus, peers):
    resolve(bus, "INC1")
    peers["analysis-svc"].down = "unreachable (ConnectionError)"
    del peers["ingest-svc"]

    found = bus.handle(AnswerSubjectAccess("pat@example.org", None, "admin-token"))

    assert found["complete"] is False
    assert found["missing"] == [
        {"service": "ingest-svc", "reason": "not configured (its admin URL is unset)"},
        {"service": "analysis-svc", "reason": "unreachable (ConnectionError)"}]
    assert found["services"]["ingest-svc"] is None and found["services"]["analysis-svc"] is None
    assert found["services"]["survey-svc"]["invitations"]


def test_the_read_is_audited_by_subject_never_by_address_or_id(bus):
    resolve(bus, "INC1")
    found = bus.handle(AnswerSubjectAccess("pat@example.org", "p-17", "admin-token:dpo"))
    [entry] = audit_rows(bus)
    assert entry["actor"] == "admin-token:dpo" and entry["action"] == "subject_access.read"
    assert entry["target"].startswith("subject:")
    assert entry["filters"]["asked_by"] == ["email", "requester_id"]
    assert set(entry["filters"]["subjects"]) == set(found["request"]["subjects"])
    assert entry["rows"] == 1 + 1 + 1 + 2  # invitation, decision, outbox event, peers' records
    assert "pat@example.org" not in json.dumps(entry, default=str).lower() and "p-17" not in json.dumps(entry, default=str)
    assert entry["at"] == NOW


def test_earlier_reads_about_the_person_are_part_of_the_document(bus):
    invitation = resolve(bus, "INC1")
    request, _ = bus.handle(commands.RequestErasure(None, "p-17", "dpo"))
    resolve(bus, "INC2")  # after the erasure, the address leads here again
    bus.handle(RecordAccess("admin-token", "subject_access.read", f"subject:{PAT}",
                            {"subjects": [PAT]}, 1))
    bus.handle(RecordAccess("admin-token", "erasure.status", f"erasure:{request['id']}", {}, 1))
    bus.handle(RecordAccess("admin-token", "invitations.list", None, {"ids": [invitation]}, 1))
    bus.handle(RecordAccess("admin-token", "responses.list", "responses", {}, 3))
    found = bus.handle(AnswerSubjectAccess("pat@example.org", None, "admin-token"))
    assert [e["action"] for e in found["services"]["survey-svc"]["access_audit"]] == [
        "subject_access.read", "erasure.status"]


def test_announced_events_are_shown_opened_and_gone_once_the_key_is_shredded(tmp_path, peers):
    from chassis.privacy.vault import KeyVault
    vault = KeyVault.from_url(f"sqlite:///{tmp_path / 'vault.db'}", "m" * 40)
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key=KEY,
                        signing_key=KEYS[0], database_url=f"sqlite:///{tmp_path / 'v.db'}")
    bus = build(settings, publisher=FakePublisher(), clock=FakeClock(NOW), mailers=(),
                subject_peers=peers, key_vault=vault)
    try:
        resolve(bus, "INC1")

        def announced_name():
            found = bus.handle(AnswerSubjectAccess("pat@example.org", None, "admin-token"))
            [event] = [e["event"] for e in found["services"]["survey-svc"]["outbox_events"]]
            return event["data"]["requester_name"]
        assert announced_name() == "Pat O'Neill"
        vault.shred_subjects([PAT])
        assert announced_name() is None
    finally:
        bus.close()
