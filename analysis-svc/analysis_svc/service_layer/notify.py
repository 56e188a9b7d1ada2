"""Alerts staged with the batch: emails to the directorate's business partners (optional), and
messages to the Teams/Slack channels the directorate's routes name (domain.channels)."""
from typing import Callable


def describe(envelope) -> tuple[str, str]:
    """Subject and plain-text body; only redacted text ever goes into an email."""
    d = envelope.data
    where = " / ".join(x for x in (d["directorate"], d.get("service"), d.get("team")) if x)
    if envelope.event_type == "alert.detractor":
        comment = d.get("redacted_comment") or "(no comment)"
        return (f"Detractor: score {d['score']} in {where}",
                f"A response scored {d['score']}/5 (sentiment {d['compound']:+.2f}).\n\n"
                f"Comment (redacted): {comment}\n\nResponse id: {d['response_id']}\n")
    return (f"Significant drop in satisfaction: {where} {d['period']}",
            f"CSAT fell from {d['previous_csat']:.0%} ({d['previous_period']}) to "
            f"{d['current_csat']:.0%} ({d['period']}), p = {d['p_value']:.4f}.\n")


def make_notifier(emails_for: Callable[[str], list[str]], dashboard_url: str):
    """notify(repo, alerts, now): stage one email per partner address in the batch's transaction
    (an outbox; the mail relay sends them), so a crash after the commit loses none."""
    def notify(repo, alerts, now) -> None:
        rows = []
        for envelope in alerts:
            subject, body = describe(envelope)
            rows += [{"alert_event_id": envelope.event_id, "recipient": address,
                      "subject": subject[:300], "created_at": now,
                      "body": body + f"\nDashboard: {dashboard_url}/dashboard\n"}
                     for address in emails_for(envelope.data["directorate"])]
        repo.stage_mails(rows)
    return notify


def make_channel_notifier(rules, staged_rows: Callable):
    """notify(repo, alerts, now): stage one row per alert and channel its directorate routes to;
    staged_rows(envelope, channel names, now) shapes them (adapters.webhook_outbox)."""
    def notify(repo, alerts, now) -> None:
        rows = []
        for envelope in alerts:
            names = rules.for_directorate(envelope.data["directorate"])
            rows += staged_rows(envelope, names, now) if names else []
        repo.stage_webhooks(rows)
    return notify


def combined(*notifiers):
    """One notify that runs each given one (None: off) in turn; None when all are off."""
    active = [n for n in notifiers if n is not None]
    if not active:
        return None

    def notify(repo, alerts, now) -> None:
        for each in active:
            each(repo, alerts, now)
    return notify
