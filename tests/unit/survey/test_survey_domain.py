"""The decision rules, as plain Python."""
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from survey_svc.domain.model import (CANCELLED, OPTED_OUT, PENDING, SENT, Invitation, Ticket,
                                     decide)
from survey_svc.domain.policy import Policy, PolicyInvalid, effective, in_sample

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def ticket(**changes) -> Ticket:
    base = dict(ticket_id="INC100", resolution=1, resolved_at=NOW, requester_id="u1",
                requester_email="pat@example.org", requester_name="Pat", directorate="Adults",
                category="Hardware")
    return Ticket(**{**base, **changes})


def decide_for(t: Ticket, policy: Policy = Policy(), opted_out=False, last=None):
    return decide(t, policy, opted_out=opted_out, last_invited_at=last, now=NOW)


def test_sampling_is_deterministic_and_close_to_the_rate():
    ids = [f"INC{i}" for i in range(4000)]
    first = [in_sample(i, 25) for i in ids]
    assert first == [in_sample(i, 25) for i in ids]
    assert 0.22 < sum(first) / len(ids) < 0.28
    assert all(in_sample(i, 100) for i in ids[:50]) and not any(in_sample(i, 0) for i in ids[:50])


@pytest.mark.parametrize("changes,policy,kwargs,reason", [
    ({"requester_email": None}, Policy(), {}, "no_email"),
    ({}, Policy(), {"opted_out": True}, "opted_out"),
    ({}, Policy(test_accounts=("u1",)), {}, "test_account"),
    ({}, Policy(test_accounts=("pat@example.org",)), {}, "test_account"),
    ({}, Policy(excluded_categories=("Hardware",)), {}, "excluded_category"),
    ({"auto_closed": True}, Policy(), {}, "auto_closed"),
    ({}, Policy(sampling_rate=0), {}, "not_sampled"),
    ({}, Policy(), {"last": NOW - timedelta(days=29)}, "throttled"),
])
def test_every_exclusion_names_its_reason(changes, policy, kwargs, reason):
    decision = decide_for(ticket(**changes), policy, **kwargs)
    assert (decision.survey, decision.reason) == (False, reason)


def test_throttle_lets_a_survey_through_after_the_window():
    decision = decide_for(ticket(), last=NOW - timedelta(days=30))
    assert decision.survey


def test_delay_runs_from_resolution_and_old_tickets_go_at_once():
    assert decide_for(ticket()).due_at == NOW + timedelta(hours=1)
    assert decide_for(ticket(resolved_at=NOW - timedelta(days=2))).due_at == NOW


def test_policy_rejects_out_of_range_values():
    with pytest.raises(PolicyInvalid) as err:
        Policy(sampling_rate=101, expiry_days=0)
    assert set(err.value.problems) == {"sampling_rate", "expiry_days"}
    with pytest.raises(PolicyInvalid):
        Policy(reminder_days=20, expiry_days=14)


def test_directorate_overrides_apply_over_defaults():
    merged = effective(Policy(throttle_days=10), {"sampling_rate": 50,
                                                  "excluded_categories": ["A"], "x": 1})
    assert (merged.throttle_days, merged.sampling_rate, merged.excluded_categories) == (
        10, 50, ("A",))


def _invitation(**changes) -> Invitation:
    return Invitation("i" * 32, ticket(), NOW, NOW + timedelta(days=14), 3, **changes)


def test_invitation_steps_record_lifecycle_events():
    inv = _invitation()
    inv.created(NOW)
    inv.mark_sent(NOW)
    assert inv.needs_reminder(NOW + timedelta(days=3))
    inv.mark_reminded(NOW + timedelta(days=3))
    assert [step for step, _, _ in inv.events] == ["created", "sent", "reminded"]
    assert not inv.needs_reminder(NOW + timedelta(days=4))


def test_only_a_pending_invitation_can_be_cancelled():
    pending, sent = _invitation(), _invitation(status=SENT)
    assert pending.cancel("ticket reopened", NOW) and pending.status == CANCELLED
    assert not sent.cancel("ticket reopened", NOW) and sent.status == SENT


def test_opt_out_stops_an_open_invitation_once():
    inv = _invitation(status=PENDING)
    inv.opt_out(NOW)
    inv.opt_out(NOW)
    assert inv.status == OPTED_OUT and len(inv.events) == 1


def test_answered_invitation_gets_no_reminder():
    inv = _invitation()
    inv.mark_sent(NOW)
    inv.answer(NOW + timedelta(days=1))
    assert not inv.needs_reminder(NOW + timedelta(days=5))


def test_domain_imports_no_frameworks():
    code = ("import sys, survey_svc.domain.model, survey_svc.domain.policy;"
            "print(sorted({'flask','kafka','sqlalchemy','marshmallow'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
