"""analysis-svc opens sealed comments and requester names from the log, seals the redacted
comments it publishes under the answerer's key, and rebuilds a comment that no longer opens
from the reading feedback.scored recorded for it."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from chassis.privacy.envelopes import seal_envelope
from chassis.testing import FakeClock, FakePublisher
from contracts.personal import is_sealed

from analysis_svc.adapters import orm
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import ReplayBatch
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.service_layer.scoring import ERASED_COMMENT, recorded_reading
from analysis_svc.testing import invitation, record, response

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
AT = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)


@pytest.fixture
def services(tmp_path, analyser):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token="admin",
                        privacy_vault_url=f"sqlite:///{tmp_path / 'vault.db'}",
                        privacy_master_key="analysis-unit-test-master-key-0123456789")
    services = build(settings, analyser=analyser, publisher=FakePublisher(), clock=FakeClock(NOW))
    yield services
    services.close()


def sealed(services, envelope, subject="subject-pat"):
    data = dict(envelope.data, subject=subject) if "comment" in envelope.data else envelope.data
    return seal_envelope(replace(envelope, data=data), services.key_vault, subject, at=AT)


def _responses(services):
    with services.sessions() as session:
        return [dict(r) for r in session.execute(select(orm.responses)).mappings()]


def test_sealed_fields_are_opened_and_the_outgoing_comment_sealed_again(services):
    created = sealed(services, invitation("created", "inv-1", name="Pat Jones", at=AT))
    answer = sealed(services, response("r1", score=1, comment="Pat Jones says bad and slow",
                                       invitation_id="inv-1", submitted_at=AT))
    assert is_sealed(answer.data["comment"]) and is_sealed(created.data["requester_name"])
    assert handle_records(services, [record(created), record(answer)]) == 1
    [row] = _responses(services)
    assert row["redacted_comment"] == "[name] says bad and slow" and row["subject"] == "subject-pat"
    [scored] = services.publisher.of_type("response.scored")
    [alert] = services.publisher.of_type("alert.detractor")
    for event in (scored, alert):
        assert is_sealed(event.data["redacted_comment"])
        assert services.key_vault.open(event.data["redacted_comment"]) == "[name] says bad and slow"
    services.key_vault.shred_subjects(["subject-pat"])
    assert services.key_vault.open(scored.data["redacted_comment"]) is None


def test_a_comment_gone_with_its_key_is_rebuilt_from_its_recorded_reading(services):
    answer = sealed(services, response("r1", score=4, comment="good but slow", submitted_at=AT))
    services.key_vault.shred_subjects(["subject-pat"])
    reading = recorded_reading({"label": "negative", "compound": -0.31, "themes": ["speed"],
                                "disagreement": True})
    services.handle(ReplayBatch([record(answer)], readings={("r1", 1): reading}))
    [row] = _responses(services)
    assert (row["label"], row["compound"], row["themes"], row["disagreement"]) == (
        "negative", -0.31, ["speed"], True)
    assert row["redacted_comment"] == ERASED_COMMENT
    assert services.analyser.learned == []


def test_without_a_recorded_reading_a_comment_gone_counts_as_none(services):
    answer = sealed(services, response("r1", score=4, comment="good", submitted_at=AT))
    services.key_vault.shred_subjects(["subject-pat"])
    handle_records(services, [record(answer)])
    [row] = _responses(services)
    assert row["redacted_comment"] is None and row["score"] == 4
