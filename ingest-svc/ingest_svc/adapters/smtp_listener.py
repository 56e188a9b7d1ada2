"""A built-in SMTP listener (aiosmtpd) for councils that route survey replies by MX."""
import logging
from functools import cache

from aiosmtpd.controller import Controller
from prometheus_client import Counter
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from ingest_svc.domain import commands

log = logging.getLogger(__name__)
ACCEPTED = ("recorded", "kept_for_review")
REJECTED = ("no_such_mailbox", "rate_limited", "not_stored")


@cache
def reply_counters() -> tuple[Counter, Counter, Counter]:
    """Made on first use (after the process chose its metrics mode), every label at zero."""
    received = Counter("smtp_replies_received", "Messages handed over (DATA) to a survey reply address")
    accepted = Counter("smtp_replies_accepted", "Replies taken (250): a rating recorded, or kept "
                       "for review (unmatched or unreadable)", ["outcome"])
    rejected = Counter("smtp_replies_rejected", "Refused: a recipient that is no reply address "
                       "(550), or a message to try again later (451: rate limited, not stored)",
                       ["reason"])
    for outcome in ACCEPTED:
        accepted.labels(outcome)
    for reason in REJECTED:
        rejected.labels(reason)
    return received, accepted, rejected


def _rejected(reason: str) -> None:
    reply_counters()[2].labels(reason).inc()


class ReplyHandler:
    """Accept mail only for survey+<id>@REPLY_DOMAIN (or survey@); hand each message to the bus."""

    def __init__(self, bus, reply_domain: str):
        self.bus = bus
        self.reply_domain = reply_domain.lower()
        # The webhook's limit, per sending peer, in the same store (replicas count together).
        settings = bus.settings
        self.limit = parse(settings.inbound_rate_limit)
        self.window = FixedWindowRateLimiter(storage_from_string(settings.rate_limit_storage_uri))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _, domain = address.lower().rpartition("@")
        if domain != self.reply_domain or not (local == "survey" or local.startswith("survey+")):
            _rejected("no_such_mailbox")
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        received, accepted, _ = reply_counters()
        received.inc()
        if not self._allowed(session):
            _rejected("rate_limited")
            return "451 4.7.1 Too many messages, try again later"
        try:
            receipt = self.bus.handle(commands.IngestEmailReply(
                envelope.original_content or envelope.content, "smtp", tuple(envelope.rcpt_tos)))
        except Exception:  # tell the sending MTA to retry rather than lose the reply
            log.exception("reply not stored")
            _rejected("not_stored")
            return "451 4.3.0 Try again later"
        accepted.labels("recorded" if receipt is not None else "kept_for_review").inc()
        return "250 Message accepted"

    def _allowed(self, session) -> bool:
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        try:
            return self.window.hit(self.limit, "ingest-svc", "smtp", peer)
        except Exception:  # a store that is down must not stop the replies (as chassis.limits)
            log.warning("rate-limit store unavailable")
            return True


def start_listener(bus, reply_domain: str, host: str, port: int) -> Controller:
    controller = Controller(ReplyHandler(bus, reply_domain), hostname=host, port=port,
                            data_size_limit=10 * 1024 * 1024)
    controller.start()
    return controller
