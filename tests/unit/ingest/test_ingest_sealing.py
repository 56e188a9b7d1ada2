"""ingest-svc seals an answer's comment under its answerer's key before it is published or
spooled, and records who answered (responses.subject)."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from chassis.privacy import subject_of
from chassis.testing import FakeClock
from contracts.personal import is_sealed

from ingest_svc.adapters.orm import responses
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation

from .fakes import FakeRawPublisher

AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEY = "reply-tag-key"
COMMENT = "Dave Smith sorted it, my password is Hunter2!"


def bus_for(tmp_path, publisher):
    settings = Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key=KEY,
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        spool_dir=str(tmp_path / "spool"),
                        privacy_vault_url=f"sqlite:///{tmp_path / 'vault.db'}",
                        privacy_master_key="ingest-unit-test-master-key-0123456789")
    return build(settings, publisher=publisher, clock=FakeClock(AT))


def invited(bus, subject: str) -> Invitation:
    inv = Invitation(uuid.uuid4().hex, Cohort("Place", "Printing"), "INC9", invitee=subject)
    bus.handle(commands.RecordInvitation(inv))
    return inv


def test_the_comment_leaves_sealed_and_the_answerer_is_recorded(tmp_path):
    publisher = FakeRawPublisher()
    bus = bus_for(tmp_path, publisher)
    subject = subject_of(KEY, email="pat@example.org")
    try:
        inv = invited(bus, subject)
        # a page answer: its link token names the invitation, not the invitee
        claim = Invitation(inv.invitation_id, inv.cohort, "INC9")
        bus.handle(commands.SubmitAnswer(claim, Answer(2, "no", COMMENT), "email_link", "survey-page"))
        [event] = publisher.published
        assert is_sealed(event.data["comment"]) and event.data["subject"] == subject
        assert bus.key_vault.open(event.data["comment"]) == COMMENT
        with bus.engine.connect() as conn:
            assert conn.execute(select(responses.c.subject)).scalar_one() == subject
        bus.key_vault.shred_subjects([subject])
        assert bus.key_vault.open(event.data["comment"]) is None
    finally:
        bus.close()


def test_the_spool_holds_it_sealed_too(tmp_path):
    publisher = FakeRawPublisher()
    publisher.down = True
    bus = bus_for(tmp_path, publisher)
    try:
        inv = invited(bus, subject_of(KEY, email="pat@example.org"))
        receipt = bus.handle(commands.SubmitAnswer(inv, Answer(4, "yes", COMMENT), "email_link",
                                                   "survey-page"))
        assert receipt.delivery == "spooled"
        spooled = b"".join(value for _, _, _, value in bus.spool.peek())
        assert b"Hunter2" not in spooled and b"pii:v1:" in spooled
    finally:
        bus.close()


def test_an_answer_without_an_invitation_is_sealed_under_the_months_anonymous_key(tmp_path):
    publisher = FakeRawPublisher()
    bus = bus_for(tmp_path, publisher)
    try:
        bus.handle(commands.SubmitSourceAnswer(Invitation(None, Cohort("Place")),
                                               Answer(3, None, COMMENT), "phone", "api:phone", "k1"))
        [event] = publisher.published
        assert event.data["subject"] is None and is_sealed(event.data["comment"])
        assert bus.key_vault.shred_before("2026-04") == 1
        assert bus.key_vault.open(event.data["comment"]) is None
    finally:
        bus.close()
