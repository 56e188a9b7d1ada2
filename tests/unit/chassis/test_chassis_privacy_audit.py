"""The access audit's rules: what a row keeps of a query, how a person is named, the bus's clock."""
from datetime import date, datetime, timezone

from werkzeug.datastructures import MultiDict

from chassis.messagebus import MessageBus
from chassis.privacy.audit import RecordAccess, record_access, safe_filters, subject_target
from chassis.testing import FakeClock


def test_credentials_never_reach_an_audit_row():
    args = MultiDict([("directorate", "Children"), ("token", "t1"), ("access_token", "t2"),
                      ("api_key", "k"), ("csrf_token", "c"), ("X-Signature", "s"),
                      ("Password", "p")])
    assert safe_filters(args) == {"directorate": "Children"}


def test_a_repeated_argument_keeps_every_value_and_a_single_one_reads_as_a_scalar():
    args = MultiDict([("directorate", "B"), ("directorate", "A"), ("limit", "5")])
    assert safe_filters(args) == {"directorate": ["A", "B"], "limit": "5"}


def test_values_become_plain_storable_json():
    kept = safe_filters({"from": date(2026, 1, 2), "at": datetime(2026, 1, 2, tzinfo=timezone.utc),
                         "limit": 5, "odd": "a\x00b\nc\ud800", "long": "x" * 1000,
                         "subjects": {"b", "a"}})
    assert kept == {"from": "2026-01-02", "at": "2026-01-02T00:00:00+00:00", "limit": 5,
                    "odd": "abc?", "long": "x" * 200, "subjects": ["a", "b"]}


def test_bounded_in_keys():
    assert len(safe_filters({f"k{i}": i for i in range(100)})) == 30


def test_a_read_about_people_names_their_first_subject_and_how_many_more():
    assert subject_target([]) is None
    assert subject_target(["b" * 64]) == "subject:" + "b" * 64
    assert subject_target(["b" * 64, "a" * 64, None]) == "subject:" + "a" * 64 + "+1"


class FakeAudit:
    def __init__(self):
        self.rows = []

    def add(self, entry, at):
        self.rows.append((entry, at))


class FakeUow:
    def __init__(self, audit):
        self.access_audit, self.committed = audit, False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self.committed = True


def test_a_read_is_recorded_through_the_unit_of_work_at_the_bus_clock():
    audit, clock = FakeAudit(), FakeClock()
    made = []
    bus = MessageBus(commands={RecordAccess: record_access}, events={},
                     uow=lambda: made.append(FakeUow(audit)) or made[-1], clock=clock)
    entry = RecordAccess("admin-token", "responses.list", "responses", {"limit": 5}, 5)
    bus.handle(entry)
    assert audit.rows == [(entry, clock.now())]
    assert made[0].committed
