"""Optional alert emails to the directorate's business partners (best effort, after commit)."""
import logging
from typing import Callable

log = logging.getLogger(__name__)


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


def make_notifier(mailer, emails_for: Callable[[str], list[str]], dashboard_url: str):
    def notify(alerts) -> None:
        for envelope in alerts:
            subject, body = describe(envelope)
            for address in emails_for(envelope.data["directorate"]):
                try:
                    mailer.send(address, subject, body + f"\nDashboard: {dashboard_url}/dashboard\n")
                except OSError as err:
                    log.warning("alert email not sent", extra={"error": type(err).__name__})
    return notify
