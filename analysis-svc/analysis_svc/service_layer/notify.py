"""Optional alert emails to the directorate's business partners, staged with the batch."""
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
