"""Put demo history through analysis-svc's real consumer and analyser into a test database."""
from datetime import datetime, timedelta, timezone

from chassis.kafka import Record
from chassis.testing import FakePublisher
from contracts.envelope import encode, make_envelope

from analysis_svc.bootstrap import bootstrap
from analysis_svc.config import Settings
from analysis_svc.service_layer.auth import hash_token
from suite_demo.history import history

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
ADMIN = "admin-" + "x" * 24
PARTNER = "pt_partner_adult_social_care_token"
PARTNER_SCOPE = ["Adult Social Care"]
KEEP = {"Adult Social Care", "Children's Services", "Public Health"}
EVIL = '<script>window.__pwned = 1</script><b>bold</b> & <img src=x onerror="window.__pwned=2">'


def settings(url: str) -> Settings:
    return Settings(database_url=url, admin_token=ADMIN, run_worker=False)


def evil_response() -> list:
    at = NOW - timedelta(days=2)
    data = {"directorate": "Adult Social Care", "service": "Printing", "category": "Hardware",
            "team": "Field Services", "response_id": "evil0000000000000000000000000001",
            "invitation_id": None, "ticket_id": "INC9999999", "version": 1, "score": 1,
            "resolved": "no", "comment": "Printer broken again. " + EVIL, "channel": "api",
            "source": "test", "language": "en", "submitted_at": at}
    return [make_envelope("response.submitted", data, "ingest-svc", occurred_at=at)]


def seed(url: str, weeks: int = 8) -> object:
    """Consume `weeks` of demo history (three directorates) plus a hostile comment; return services."""
    services = bootstrap(settings(url), publisher=FakePublisher())
    consumer = services.consumer()
    events = [e for e in history(seed=5, now=NOW, weeks=weeks) if e.data.get("directorate", "") in KEEP]
    events += evil_response()
    for start in range(0, len(events), 1000):
        consumer.handle_batch([Record(e.topic, 0, start + i, e.key, encode(e))
                               for i, e in enumerate(events[start:start + 1000])])
    services.tokens.add(hash_token(PARTNER), PARTNER_SCOPE, "ASC partner", "asc.partner@council.example", NOW)
    return services
