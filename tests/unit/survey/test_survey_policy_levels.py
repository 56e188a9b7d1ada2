"""Survey policy per organisation (#17): defaults -> organisation -> directorate, the most
specific winning per field, with fakes for the unit of work."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from chassis.testing import FakeClock
from survey_svc.adapters.lifecycle import envelopes_for
from survey_svc.domain.commands import SetOrganisationPolicy, SetPolicy
from survey_svc.domain.model import Invitation, Ticket
from survey_svc.domain.policy import GLOBAL, PolicyInvalid, layered
from survey_svc.service_layer.policies import (current_policy, set_organisation_policy,
                                               set_policy)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


class FakePolicies(dict):
    def put(self, name, settings, who, now):
        self[name] = settings

    def all(self):
        return dict(self)


class FakeUow:
    def __init__(self, policies=None, organisations=None):
        self.policies = FakePolicies(policies or {})
        self.organisation_policies = FakePolicies(organisations or {})
        self.committed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def commit(self):
        self.committed = True


def test_the_most_specific_level_wins_field_by_field():
    policy = layered({"delay_minutes": 600, "throttle_days": 10},
                     {"delay_minutes": 0, "excluded_categories": ["Password reset"]},
                     {"delay_minutes": 30})
    assert (policy.delay_minutes, policy.throttle_days, policy.excluded_categories) == \
        (30, 10, ("Password reset",))
    assert layered({}, None, {}) == layered()


def test_only_the_merged_result_is_validated():
    # An organisation's short expiry is fine where its directorate reminds sooner.
    assert layered({"reminder_days": 3}, {"expiry_days": 3}, {"reminder_days": 1}).expiry_days == 3
    with pytest.raises(PolicyInvalid):
        layered({"reminder_days": 3}, {"expiry_days": 3})


def test_current_policy_reads_the_tickets_organisation():
    uow = FakeUow({GLOBAL: {"sampling_rate": 10}, "Parks": {"delay_minutes": 5}},
                  {"north": {"sampling_rate": 60, "delay_minutes": 0}})
    assert current_policy(uow, "Parks", "north").sampling_rate == 60
    assert current_policy(uow, "Parks", "north").delay_minutes == 5
    assert current_policy(uow, "Parks", "south").sampling_rate == 10
    assert current_policy(uow, "Parks").sampling_rate == 10
    assert current_policy(uow, "Housing", "north").delay_minutes == 0


def test_an_inconsistent_organisation_level_is_skipped_rather_than_failing_intake():
    uow = FakeUow({"Parks": {"reminder_days": 10}}, {"north": {"expiry_days": 8}})
    assert current_policy(uow, "Parks", "north").reminder_days == 10
    assert current_policy(uow, "Parks", "north").expiry_days == 14


def test_setting_an_organisation_policy_checks_its_directorates():
    uow = FakeUow({"Parks": {"reminder_days": 10}, "Housing": {"reminder_days": 12}})
    of = {"Parks": "north", "Housing": "south"}.get
    with pytest.raises(PolicyInvalid) as err:
        set_organisation_policy(SetOrganisationPolicy("north", {"expiry_days": 8}, "t"), uow,
                                FakeClock(NOW), of)
    assert "Parks" in err.value.problems["reminder_days"][0] and not uow.committed
    set_organisation_policy(SetOrganisationPolicy("north", {"expiry_days": 11}, "t"), uow,
                            FakeClock(NOW), of)
    assert uow.organisation_policies["north"] == {"expiry_days": 11} and uow.committed


def test_setting_a_directorate_policy_checks_it_within_its_organisation():
    uow = FakeUow(organisations={"north": {"expiry_days": 8}})
    with pytest.raises(PolicyInvalid):
        set_policy(SetPolicy("Parks", {"reminder_days": 9}, "t"), uow, FakeClock(NOW),
                   {"Parks": "north"}.get)
    set_policy(SetPolicy("Parks", {"reminder_days": 9}, "t"), uow, FakeClock(NOW), None)
    assert uow.policies["Parks"] == {"reminder_days": 9}


def test_the_invitations_events_carry_its_organisation_only_when_it_has_one():
    ticket = Ticket("INC1", 1, NOW, "u1", "pat@example.org", "Pat", "Parks")
    for organisation in (None, "north"):
        inv = Invitation("i" * 32, replace(ticket, organisation=organisation), NOW, NOW, 3)
        inv.created(NOW)
        inv.expire(NOW)
        for envelope in envelopes_for(inv):
            assert envelope.data.get("organisation") == organisation
            assert ("organisation" in envelope.data) == (organisation is not None)


def test_retention_keeps_invitations_as_long_as_an_organisations_throttle_looks_back():
    from survey_svc.service_layer.retention import longest_throttle_days
    uow = FakeUow({GLOBAL: {"throttle_days": 20}, "Parks": {"throttle_days": 45}},
                  {"north": {"throttle_days": 400}, "south": {"sampling_rate": 5}})
    assert longest_throttle_days(uow) == 400
    assert longest_throttle_days(FakeUow({GLOBAL: {"throttle_days": 20}})) == 20
