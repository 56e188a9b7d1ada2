"""Put demo history through analysis-svc's real consumer and analyser into a test database."""
from datetime import datetime, timedelta, timezone

from chassis.kafka import Record
from chassis.testing import FakePublisher
from contracts.envelope import encode, make_envelope

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from suite_demo.history import history

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
ADMIN = "admin-" + "x" * 24
PARTNER = "pt_partner_adult_social_care_token"
PARTNER_SCOPE = ["Adult Social Care"]
KEEP = {"Adult Social Care", "Children's Services", "Public Health"}
EVIL = '<script>window.__pwned = 1</script><b>bold</b> & <img src=x onerror="window.__pwned=2">'


def settings(url: str, **extra) -> Settings:
    return Settings(database_url=url, admin_token=ADMIN, run_worker=False, **extra)


def evil_response() -> list:
    at = NOW - timedelta(days=2)
    data = {"directorate": "Adult Social Care", "service": "Printing", "category": "Hardware",
            "team": "Field Services", "response_id": "evil0000000000000000000000000001",
            "invitation_id": None, "ticket_id": "INC9999999", "version": 1, "score": 1,
            "resolved": "no", "comment": "Printer broken again. " + EVIL, "channel": "api",
            "source": "test", "language": "en", "submitted_at": at}
    return [make_envelope("response.submitted", data, "ingest-svc", occurred_at=at)]


def seed(url: str, weeks: int = 8) -> object:
    """Consume `weeks` of demo history (three directorates) plus a hostile comment; return the bus."""
    services = build(settings(url), publisher=FakePublisher())
    events = [e for e in history(seed=5, now=NOW, weeks=weeks) if e.data.get("directorate", "") in KEEP]
    events += evil_response()
    for start in range(0, len(events), 1000):
        handle_records(services, [Record(e.topic, 0, start + i, e.key, encode(e))
                                  for i, e in enumerate(events[start:start + 1000])])
    services.handle(IssueToken(tuple(PARTNER_SCOPE), "ASC partner", "asc.partner@council.example",
                               token=PARTNER))
    return services
