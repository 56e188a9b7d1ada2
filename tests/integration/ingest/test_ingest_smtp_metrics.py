"""`ingest-svc smtp`'s own /metrics on METRICS_PORT, scraped after real deliveries to its
aiosmtpd listener: replies received, accepted (recorded, kept for review) and rejected."""
import smtplib
import threading
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devkit.testing import free_port

from ingest_svc.bootstrap import build
from ingest_svc.entrypoints.smtp import run_smtp
from ingest_svc.entrypoints.worker import handle_message

from .test_ingest_api_integration import invitation_created, reply, reply_address

pytestmark = pytest.mark.integration


def scrape(port: int) -> dict[tuple, float]:
    """(sample name, sorted labels) -> value, from /metrics over HTTP."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def replies(scraped: dict) -> dict[str, float]:
    """The reply counters only, by a short name (counters are per process: compare deltas)."""
    return {name[len("smtp_replies_"):-len("_total")] + "".join(f":{v}" for _, v in labels): value
            for (name, labels), value in scraped.items()
            if name.startswith("smtp_replies_") and name.endswith("_total")}


def test_smtp_listener_counts_replies_on_its_metrics_port(db_url, kafka_bootstrap, make_settings,
                                                          monkeypatch, wait_for):
    metrics_port, smtp_port = free_port(), free_port()
    monkeypatch.setenv("METRICS_PORT", str(metrics_port))
    monkeypatch.setenv("METRICS_HOST", "127.0.0.1")
    bus = build(make_settings(db_url, kafka_bootstrap, smtp_host="127.0.0.1", smtp_port=smtp_port,
                              reply_domain="replies.localhost"))
    known = "ab" * 16
    handle_message(invitation_created(known), bus)
    listening = threading.Event()
    running = threading.Thread(target=run_smtp, args=(bus, lambda *_: listening.set()))
    running.start()
    try:
        assert listening.wait(30), "the listener did not start"
        before = replies(scrape(metrics_port))
        assert before.keys() >= {"received", "accepted:recorded", "accepted:kept_for_review",
                                 "rejected:no_such_mailbox", "rejected:rate_limited",
                                 "rejected:not_stored"}  # every figure from the start
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as smtp:
            smtp.sendmail("a@example.org", [reply_address(known)], reply(known, "5\r\nQuick fix."))
            smtp.sendmail("a@example.org", [reply_address("cd" * 16)], reply("cd" * 16, "4"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("a@example.org", ["postmaster@elsewhere.org"], b"Subject: x\r\n\r\n4")
        after = replies(scrape(metrics_port))
        assert {k: after[k] - before[k] for k in before if after[k] != before[k]} == {
            "received": 2, "accepted:recorded": 1, "accepted:kept_for_review": 1,
            "rejected:no_such_mailbox": 1}
        scraped = scrape(metrics_port)
        assert scraped[("spool_pending_messages", (("spool", "ingest"),))] == 0  # all published
    finally:
        bus.stop.set()
        running.join(30)
        bus.close()
    assert not running.is_alive()
