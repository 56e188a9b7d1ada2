"""bootstrap.build wires one bus; overrides replace adapters by name; a command runs end to end."""
import uuid
from datetime import datetime, timezone

from chassis.testing import FakeClock

from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.views import invitation_state

from .fakes import FakeRawPublisher

AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def settings(tmp_path) -> Settings:
    return Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key="unused",
                    database_url=f"sqlite:///{tmp_path / 'ingest.db'}", spool_dir=str(tmp_path / "spool"))


def test_submit_answer_is_stored_and_its_event_delivered(tmp_path):
    publisher = FakeRawPublisher()
    bus = build(settings(tmp_path), publisher=publisher, clock=FakeClock(AT))
    inv = Invitation(uuid.uuid4().hex, Cohort("Place", "Printing"), "INC9")
    try:
        receipt = bus.handle(commands.SubmitAnswer(inv, Answer(5, "yes", "Quick."), "email_link", "survey-page"))
        assert (receipt.version, receipt.delivery, receipt.replayed) == (1, "published", False)
        assert invitation_state(inv.invitation_id, bus.uow_factory()) == (None, True)
        [event] = publisher.published
        assert event.event_type == "response.submitted" and event.key == inv.invitation_id
        assert (event.data["response_id"], event.data["score"], event.data["submitted_at"]) == (
            receipt.response_id, 5, AT)
    finally:
        bus.close()


def test_overrides_replace_any_dependency_by_name(tmp_path):
    class Refusing:
        def deliver(self, envelopes) -> str:
            self.kept = envelopes
            return "spooled"

    delivery = Refusing()
    bus = build(settings(tmp_path), publisher=FakeRawPublisher(), delivery=delivery)
    try:
        assert bus.delivery is delivery and bus.settings.spool_dir == str(tmp_path / "spool")
        outcome = bus.handle(commands.RequestOptOut(uuid.uuid4().hex, "survey_page"))
        assert outcome == "spooled" and delivery.kept[0].event_type == "optout.requested"
    finally:
        bus.close()
    assert bus.stop.is_set()


def test_batch_of_answers_is_one_command(tmp_path):
    publisher = FakeRawPublisher()
    bus = build(settings(tmp_path), publisher=publisher)
    answers = tuple(commands.SubmitSourceAnswer(Invitation(None, Cohort("Place")), Answer(score), "phone",
                                                "api:phone", f"k{score}") for score in (1, 2, 3))
    try:
        receipts = bus.handle(commands.SubmitAnswers(answers))
        assert [r.version for r in receipts] == [1, 1, 1] and {r.delivery for r in receipts} == {"published"}
        assert [e.data["score"] for e in publisher.published] == [1, 2, 3]
    finally:
        bus.close()
