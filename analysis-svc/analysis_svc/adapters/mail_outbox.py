"""Alert emails through an outbox: staged in the consumer's transaction, sent by a relay.

The pattern of chassis.outbox (which relays Kafka events), for SMTP: a crash can no longer lose
an email between the database commit and the send. A crash after a send and before its row is
marked can send that email again (at least once); the Message-ID is derived from the alert and
recipient, so mail clients can fold a repeat.
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


alert_mail_outbox = sa.Table("alert_mail_outbox", metadata, *columns())


def message_id(alert_event_id: str, recipient: str) -> str:
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, alert_event_id + '/' + recipient)}@analysis-svc>"


class MailRelay:
    """Sends staged alert emails in insertion order and marks each one sent."""

    def __init__(self, sessions, mailer, sender: str, clock):
        self.sessions, self.mailer, self.sender, self.clock = sessions, mailer, sender, clock

    def relay(self, limit: int = 50) -> int:
        """Send pending emails; returns how many went out. A failed send stops the round."""
        t, sent = alert_mail_outbox, 0
        with self.sessions() as session, session.begin():
            rows = session.execute(
                sa.select(t).where(t.c.sent_at.is_(None)).order_by(t.c.id).limit(limit)
                .with_for_update(skip_locked=True)).mappings().all()
            for row in rows:
                mail = plain_mail(self.sender, row["recipient"], row["subject"], row["body"],
                                  message_id(row["alert_event_id"], row["recipient"]))
                try:
                    self.mailer.send(mail)
                except (TransientMailError, PermanentMailError) as err:
                    # Kept pending, as before: the next round tries again.
                    log.warning("alert email not sent yet", extra={"error": type(err).__name__})
                    break
                session.execute(t.update().where(t.c.id == row["id"]).values(
                    sent_at=self.clock.now()))
                sent += 1
        return sent

    def relay_forever(self, stop: threading.Event, interval_s: float = 1.0) -> None:
        relay_forever(self.relay, stop, interval_s, "alert mail relay")
