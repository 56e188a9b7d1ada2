"""Alerts to Teams and Slack through an outbox, the sibling of mail_outbox.

Staged in the consumer's transaction (one row per alert and channel), sent by a relay. The row
keeps the alert's figures and the channel's name, not the message: the redacted comment is read
from the stored answer when it is sent (so an erasure or the retention sweep reaches unsent
alerts too), and the URL from the settings (it is a credential, and can be rotated).

A failure that may pass (429, 5xx, timeout, no connection) is retried in the call with backoff
and then by later rounds, each further away; a refusal (another 4xx) or too many failed rounds
parks the row with its reason, and the relay goes on with the rest.
"""
import json
import logging
import threading
from datetime import timedelta

import sqlalchemy as sa

from chassis.db import UtcDateTime
from chassis.outbox import relay_forever

from analysis_svc.adapters.orm import metadata, responses
from analysis_svc.adapters.webhook_messages import SHAPES
from analysis_svc.adapters.webhook_post import WebhookRefused, WebhookUnavailable, post_json

log = logging.getLogger(__name__)
KIND_NAMES = {"teams": "Teams", "slack": "Slack"}


def columns() -> list:
    """The table as migration 0950 made it."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_event_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("alert", sa.Text, nullable=False),  # JSON: the alert's figures, no comment
        sa.Column("response_id", sa.String(64)),  # a detractor's answer: its stored comment
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UtcDateTime()),
        sa.Column("last_error", sa.String(300)),
        sa.Column("sent_at", UtcDateTime(), index=True),
        sa.Column("parked_at", UtcDateTime()),
        sa.Column("park_reason", sa.String(300)),
        sa.UniqueConstraint("alert_event_id", "channel", name="uq_alert_webhook_once"),
    ]


alert_webhook_outbox = sa.Table("alert_webhook_outbox", metadata, *columns())


def staged_rows(envelope, channel_names: list[str], now) -> list[dict]:
    """One row per channel for an alert envelope (its redacted comment left out)."""
    alert = {k: v for k, v in envelope.data.items() if k != "redacted_comment"}
    alert["kind"] = envelope.event_type
    return [{"alert_event_id": envelope.event_id, "channel": name, "alert": json.dumps(alert, default=str),
             "response_id": envelope.data.get("response_id"), "created_at": now}
            for name in channel_names]


class WebhookRelay:
    """Posts staged alerts to their channels in insertion order and marks each one sent."""

    def __init__(self, sessions, rules, clock, dashboard_url: str, post=post_json,
                 max_rounds: int = 8, first_delay_s: float = 30.0, max_delay_s: float = 3600.0):
        self.sessions, self.rules, self.clock, self.dashboard_url = sessions, rules, clock, dashboard_url
        self.post, self.max_rounds = post, max_rounds
        self.first_delay_s, self.max_delay_s = first_delay_s, max_delay_s

    def relay(self, limit: int = 50) -> int:
        """Post what is due; returns how many went out. A channel that fails waits for a later
        round (and holds back its later alerts this round); the others go on."""
        t, sent, down, now = alert_webhook_outbox, 0, set(), self.clock.now()
        with self.sessions() as session, session.begin():
            rows = session.execute(
                sa.select(t).where(t.c.sent_at.is_(None), t.c.parked_at.is_(None),
                                   sa.or_(t.c.next_attempt_at.is_(None), t.c.next_attempt_at <= now))
                .order_by(t.c.id).limit(limit).with_for_update(skip_locked=True)).mappings().all()
            for row in rows:
                if row["channel"] in down:
                    continue
                outcome = self._send(session, row)
                sent += outcome == "sent"
                if outcome == "later":
                    down.add(row["channel"])
        return sent

    def _send(self, session, row) -> str:
        """"sent", "parked" or "later"."""
        t = alert_webhook_outbox
        channel = self.rules.channel(row["channel"])
        if channel is None:
            self._park(session, row["id"], f"channel {row['channel']!r} is no longer configured")
            return "parked"
        name = f"{KIND_NAMES[channel.kind]} webhook {channel.name!r}"
        message = SHAPES[channel.kind](json.loads(row["alert"]), self._comment(session, row),
                                       self.dashboard_url)
        try:
            self.post(channel.url, message)
        except WebhookRefused as err:
            self._park(session, row["id"], f"{name} refused the message: {err}")
            return "parked"
        except WebhookUnavailable as err:
            self._later(session, row, f"{name}: {err}")
            return "later"
        session.execute(t.update().where(t.c.id == row["id"]).values(sent_at=self.clock.now()))
        return "sent"

    def _comment(self, session, row) -> str | None:
        if not row["response_id"]:
            return None
        return session.execute(sa.select(responses.c.redacted_comment).where(
            responses.c.response_id == row["response_id"])).scalar()

    def _later(self, session, row, error: str) -> None:
        attempts = row["attempts"] + 1
        if attempts >= self.max_rounds:
            self._park(session, row["id"], f"gave up after {attempts} rounds: {error}")
            return
        delay = min(self.max_delay_s, self.first_delay_s * 2 ** (attempts - 1))
        log.warning("alert webhook not sent yet", extra={"outbox_id": row["id"], "error": error[:300]})
        session.execute(alert_webhook_outbox.update().where(alert_webhook_outbox.c.id == row["id"])
                        .values(attempts=attempts, last_error=error[:300],
                                next_attempt_at=self.clock.now() + timedelta(seconds=delay)))

    def _park(self, session, row_id: int, reason: str) -> None:
        log.warning("alert webhook parked", extra={"outbox_id": row_id, "reason": reason[:300]})
        session.execute(alert_webhook_outbox.update().where(alert_webhook_outbox.c.id == row_id)
                        .values(parked_at=self.clock.now(), park_reason=reason[:300]))

    def relay_forever(self, stop: threading.Event, interval_s: float = 1.0) -> None:
        relay_forever(self.relay, stop, interval_s, "alert webhook relay")
