"""Policy, reopen, reminders, expiry and answers against a real database and mail server."""
from datetime import timedelta

import pytest

from contracts.envelope import encode, make_envelope
from survey_svc.entrypoints.worker import handle_message
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = pytest.mark.integration


@pytest.fixture
def post(client, signed):
    def send(payload):
        response = client.post("/v1/tickets/resolved", **dict(zip(("data", "headers"),
                                                                  signed(payload))))
        assert response.status_code == 202, response.json
        return response.json
    return send


@pytest.fixture
def run_dispatch(survey, clock):
    mailer = survey.mailer_factory()
    yield lambda: dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer)
    mailer.close()


def _statuses(client, admin, ticket_id):
    rows = client.get(f"/v1/invitations?ticket_id={ticket_id}", headers=admin).json
    return sorted(r["status"] for r in rows)


def test_one_survey_per_requester_per_throttle_window(post, clock, ticket_payload):
    same_person = {"id": "req-7", "email": "sam@example.org", "name": "Sam"}
    first = post(ticket_payload("INC-A", clock.now(), requester=same_person))
    second = post(ticket_payload("INC-B", clock.now(), requester=same_person))
    clock.advance(timedelta(days=31))
    third = post(ticket_payload("INC-C", clock.now(), requester=same_person))
    assert [first["surveyed"], second["reason"], third["surveyed"]] == [True, "throttled", True]


@pytest.mark.parametrize("policy,changes,reason", [
    ({"excluded_categories": ["Password reset"]}, {"category": "Password reset"},
     "excluded_category"),
    ({"test_accounts": ["req-INC-X"]}, {}, "test_account"),
    ({}, {"auto_closed": True}, "auto_closed"),
    ({}, {"requester": {"id": "r1", "name": "No Mail"}}, "no_email"),
    ({"sampling_rate": 0}, {}, "not_sampled"),
])
def test_exclusions_set_through_the_api(client, admin, post, clock, ticket_payload, policy,
                                        changes, reason):
    if policy:
        assert client.put("/v1/policies/Adult Social Care", json=policy,
                          headers=admin).status_code == 200
    result = post(ticket_payload("INC-X", clock.now(), **changes))
    assert (result["surveyed"], result["reason"]) == (False, reason)


def test_opted_out_requester_is_not_surveyed_until_opted_in(client, admin, post, clock,
                                                            ticket_payload):
    assert client.post("/v1/opt-outs", json={"requester_id": "req-INC-O1"},
                       headers=admin).json["changed"]
    assert post(ticket_payload("INC-O1", clock.now()))["reason"] == "opted_out"
    assert client.delete("/v1/opt-outs/req-INC-O1", headers=admin).json["changed"]
    assert post(ticket_payload("INC-O1", clock.now(), resolution=2))["surveyed"]


def test_sampling_decides_the_same_way_on_replay(client, admin, post, clock, ticket_payload):
    client.put("/v1/policies/*", json={"sampling_rate": 50, "throttle_days": 0}, headers=admin)
    ids = [f"INC-S{i}" for i in range(40)]
    first = [post(ticket_payload(i, clock.now()))["surveyed"] for i in ids]
    replay = [post(ticket_payload(i, clock.now()))["surveyed"] for i in ids]
    assert first == replay and 0 < sum(first) < len(ids)
    audit = client.get("/v1/policies/*/audit", headers=admin).json
    assert audit[0]["changed_by"] == "tester" and audit[0]["old"] is None
    assert audit[0]["new"]["sampling_rate"] == 50


def test_reopen_cancels_unsent_survey_and_a_new_resolution_is_a_new_candidate(
        client, admin, post, clock, ticket_payload, run_dispatch, smtp_server):
    post(ticket_payload("INC-R", clock.now()))
    reopened = post(ticket_payload("INC-R", clock.now(), reopened=True))
    assert reopened["cancelled"] == 1
    clock.advance(timedelta(hours=2))
    assert run_dispatch().sent == 0
    again = post(ticket_payload("INC-R", clock.now(), resolution=2))
    assert again["surveyed"]  # the cancelled one never reached the person: no throttle
    clock.advance(timedelta(hours=1))
    assert run_dispatch().sent == 1
    assert _statuses(client, admin, "INC-R") == ["cancelled", "sent"]
    assert len(smtp_server.wait_for_messages(1)) == 1


def test_one_reminder_then_expiry(client, admin, post, clock, ticket_payload, run_dispatch,
                                  smtp_server):
    post(ticket_payload("INC-E", clock.now() - timedelta(days=1)))
    assert run_dispatch().sent == 1
    clock.advance(timedelta(days=3))
    assert run_dispatch().reminded == 1
    assert run_dispatch().reminded == 0
    messages = smtp_server.wait_for_messages(2)
    assert messages[1]["Subject"].startswith("Reminder:")
    clock.advance(timedelta(days=11))
    assert run_dispatch().expired == 1
    assert _statuses(client, admin, "INC-E") == ["expired"]


def _deliver(survey, event_type, data):
    handle_message("feedback.responses",
                   encode(make_envelope(event_type, data, "ingest-svc")), survey)


def test_an_answer_stops_the_reminder_and_counts(client, admin, post, clock, ticket_payload,
                                                 run_dispatch, survey):
    invitation_id = post(ticket_payload("INC-Q", clock.now()))["invitation_id"]
    clock.advance(timedelta(hours=1))
    run_dispatch()
    answer = {"response_id": "r" * 32, "invitation_id": invitation_id, "version": 1,
              "score": 4, "channel": "email_link", "directorate": "Adult Social Care",
              "submitted_at": clock.now()}
    _deliver(survey, "response.submitted", answer)
    _deliver(survey, "response.submitted", answer)  # redelivered
    clock.advance(timedelta(days=4))
    assert run_dispatch().reminded == 0
    stats = client.get("/v1/stats?directorate=Adult Social Care", headers=admin).json
    assert stats == [{"directorate": "Adult Social Care", "invited": 1, "sent": 1,
                      "answered": 1, "bounced": 0}]


def test_opt_out_from_a_link_stops_everything(client, admin, post, clock, ticket_payload,
                                              run_dispatch, survey):
    invitation_id = post(ticket_payload("INC-U", clock.now()))["invitation_id"]
    _deliver(survey, "optout.requested", {"invitation_id": invitation_id,
                                          "requested_at": clock.now(), "channel": "email_link"})
    clock.advance(timedelta(hours=1))
    assert run_dispatch().sent == 0
    assert _statuses(client, admin, "INC-U") == ["opted_out"]
    assert post(ticket_payload("INC-U", clock.now(), resolution=2))["reason"] == "opted_out"
