"""Several senders, and several dispatchers: every due mail goes out exactly once."""
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from contracts.envelope import decode
from survey_svc.adapters.orm import invitations, metadata
from survey_svc.domain.commands import ResolveTicket
from survey_svc.domain.model import Ticket
from survey_svc.entrypoints.senders import SenderProcesses
from survey_svc.service_layer.dispatch import dispatch_due_parallel

pytestmark = pytest.mark.integration


def _resolve(survey, clock, count: int, prefix: str) -> None:
    for n in range(count):
        survey.handle(ResolveTicket(Ticket(
            f"{prefix}-{n}", 1, clock.now() - timedelta(days=1), f"req-{prefix}-{n}",
            f"{prefix.lower()}-{n}@example.org", "Pat O'Neill", "Adult Social Care")))


def _sent_events(survey) -> Counter:
    outbox = metadata.tables["event_outbox"]
    with survey.engine.connect() as conn:
        events = [decode(row.payload) for row in conn.execute(select(outbox.c.payload))]
    return Counter(e.data["invitation_id"] for e in events if e.event_type == "invitation.sent")


class Gate:
    """Holds each sender at its first mail until all have loaded and locked one."""

    def __init__(self, mailer, barrier: threading.Barrier):
        self.mailer, self.barrier, self.first = mailer, barrier, True

    def send(self, message):
        if self.first:
            self.first = False
            self.barrier.wait(timeout=20)
        self.mailer.send(message)

    def close(self):
        self.mailer.close()


def test_parallel_senders_send_each_mail_once_and_announce_it(survey, clock, smtp_server):
    _resolve(survey, clock, 20, "INC-P")
    mailers = [survey.mailer_factory() for _ in range(4)]
    done = dispatch_due_parallel(survey.uow_factory, clock, mailers, survey.renderer)
    for mailer in mailers:
        mailer.close()
    assert (done.sent, done.deferred, done.bounced) == (20, 0, 0)
    ids = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(ids) == 20 and set(ids.values()) == {1}
    with survey.engine.connect() as conn:
        statuses = conn.execute(select(invitations.c.status)).scalars().all()
    assert Counter(statuses) == {"sent": 20}
    assert sorted(_sent_events(survey).values()) == [1] * 20


def test_two_dispatchers_on_postgresql_never_send_a_mail_twice(survey, clock, smtp_server):
    if not survey.settings.database_url.startswith("postgresql"):
        pytest.skip("row locks need PostgreSQL; SQLite runs one dispatcher per database file")
    _resolve(survey, clock, 30, "INC-T")
    barrier, results = threading.Barrier(6), []
    mailers = [[Gate(survey.mailer_factory(), barrier) for _ in range(3)] for _ in range(2)]
    runs = [threading.Thread(target=lambda m=m: results.append(dispatch_due_parallel(
        survey.uow_factory, clock, m, survey.renderer))) for m in mailers]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)
    for mailer in mailers[0] + mailers[1]:
        mailer.close()
    assert len(results) == 2 and sum(r.sent for r in results) == 30
    assert all(r.sent for r in results)  # both really took part
    ids = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(ids) == 30 and set(ids.values()) == {1}
    assert sorted(_sent_events(survey).values()) == [1] * 30


def test_a_crash_with_parallel_senders_repeats_only_the_mail_in_flight(
        survey, clock, smtp_server, crash_after_sending):
    _resolve(survey, clock, 9, "INC-K")
    mailers = [survey.mailer_factory() for _ in range(3)]
    with pytest.raises(SystemExit):
        dispatch_due_parallel(survey.uow_factory, clock,
                              [crash_after_sending(mailers[0], 2), *mailers[1:]], survey.renderer)
    again = dispatch_due_parallel(survey.uow_factory, clock, mailers, survey.renderer)
    for mailer in mailers:
        mailer.close()
    ids = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(ids) == 9 and sorted(ids.values()) == [1] * 8 + [2]
    assert again.sent >= 1 and sorted(_sent_events(survey).values()) == [1] * 9


def test_sender_processes_share_the_due_mail_and_send_each_once(survey, clock, smtp_server):
    """Two processes (their own engines and clocks) on SQLite or PostgreSQL, no row locks needed."""
    _resolve(survey, clock, 24, "INC-S")
    settings = replace(survey.settings, dispatch_processes=2, dispatch_connections=2)
    senders = SenderProcesses(settings)
    try:
        done = senders.round(1000)
        assert (done.sent, done.deferred, done.bounced) == (24, 0, 0)
        assert senders.round(1000).sent == 0
    finally:
        senders.close()
    ids = Counter(m["Message-ID"] for m in smtp_server.wait_for_messages(24))
    assert len(ids) == 24 and set(ids.values()) == {1}
    assert sorted(_sent_events(survey).values()) == [1] * 24


def test_a_dead_sender_process_fails_its_round_and_the_next_round_sends_all(
        survey, clock, smtp_server):
    _resolve(survey, clock, 6, "INC-K")
    senders = SenderProcesses(replace(survey.settings, dispatch_processes=2))
    try:
        senders.procs[0].kill()
        senders.procs[0].join(10)
        with pytest.raises((EOFError, OSError)):
            senders.round(1000)
        senders.round(1000)  # the dead one's share (the live one sent its own already)
        assert senders.round(1000).sent == 0
    finally:
        senders.close()
    ids = Counter(m["Message-ID"] for m in smtp_server.wait_for_messages(6))
    assert len(ids) == 6 and set(ids.values()) == {1}
