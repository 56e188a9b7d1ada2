"""Alert emails through an outbox: staged in the consumer's transaction, sent by a relay.

The pattern of chassis.outbox (which relays Kafka events), for SMTP: a crash can no longer lose
an email between the database commit and the send. A crash after a send and before its row is
marked can send that email again (at least once); the Message-ID is derived from the alert and
recipient, so mail clients can fold a repeat.

A message that cannot be built (CR/LF in a header: rows staged before the contracts refused
control characters) or that the server refuses for good is parked with its reason, and the
relay goes on with the rest; only a transient failure stops the round, to be retried.
"""
import logging
import threading
import uuid

import sqlalchemy as sa

from chassis.db import UtcDateTime
from chassis.mail import PermanentMailError, TransientMailError, plain_mail
from chassis.outbox import relay_forever

from analysis_svc.adapters.orm import metadata

log = logging.getLogger(__name__)


def columns() -> list:
    """The table as migration 0920 made it (parked_columns came with 0930)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_event_id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), index=True),
        sa.UniqueConstraint("alert_event_id", "recipient", name="uq_alert_mail_once"),
    ]


def parked_columns() -> list:
    return [sa.Column("parked_at", UtcDateTime()),
            sa.Column("park_reason", sa.String(300))]


alert_mail_outbox = sa.Table("alert_mail_outbox", metadata, *columns(), *parked_columns())


def message_id(alert_event_id: str, recipient: str) -> str:
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, alert_event_id + '/' + recipient)}@analysis-svc>"


class MailRelay:
    """Sends staged alert emails in insertion order and marks each one sent."""

    def __init__(self, sessions, mailer, sender: str, clock):
        self.sessions, self.mailer, self.sender, self.clock = sessions, mailer, sender, clock

    def relay(self, limit: int = 50) -> int:
        """Send pending emails; returns how many went out. A transient failure stops the round
        (the rest stay pending); an unbuildable or refused message is parked, not retried."""
        t, sent = alert_mail_outbox, 0
        with self.sessions() as session, session.begin():
            rows = session.execute(
                sa.select(t).where(t.c.sent_at.is_(None), t.c.parked_at.is_(None))
                .order_by(t.c.id).limit(limit).with_for_update(skip_locked=True)).mappings().all()
            for row in rows:
                try:
                    self.mailer.send(plain_mail(self.sender, row["recipient"], row["subject"],
                                                row["body"],
                                                message_id(row["alert_event_id"], row["recipient"])))
                except TransientMailError as err:
                    log.warning("alert email not sent yet", extra={"error": type(err).__name__})
                    break
                except PermanentMailError as err:
                    self._park(session, row["id"], f"refused by the mail server: {err}")
                    continue
                except ValueError as err:  # email's own check: CR/LF or the like in a header
                    self._park(session, row["id"], f"cannot be built: {err}")
                    continue
                session.execute(t.update().where(t.c.id == row["id"]).values(
                    sent_at=self.clock.now()))
                sent += 1
        return sent

    def _park(self, session, row_id: int, reason: str) -> None:
        log.warning("alert email parked", extra={"outbox_id": row_id, "reason": reason[:300]})
        session.execute(alert_mail_outbox.update().where(alert_mail_outbox.c.id == row_id).values(
            parked_at=self.clock.now(), park_reason=reason[:300]))

    def relay_forever(self, stop: threading.Event, interval_s: float = 1.0) -> None:
        relay_forever(self.relay, stop, interval_s, "alert mail relay")
