"""`ingest-svc smtp`: the reply listener, the spool's replay and /metrics on METRICS_PORT."""
from chassis import metrics

from ingest_svc.adapters.smtp_listener import reply_counters, start_listener
from ingest_svc.entrypoints.worker import worker_collectors


def run_smtp(bus, announce=lambda host, port: None) -> None:
    """Until bus.stop is set: take replies by SMTP and replay the spool; /metrics (the replies
    received, accepted and rejected, the spool's depth and age) on METRICS_PORT when set."""
    settings = bus.settings
    server = metrics.start_worker_metrics(worker_collectors(bus))
    reply_counters()  # after the metrics mode is chosen: every counter scrapes from the start
    bus.flusher.start()
    controller = start_listener(bus, settings.reply_domain, settings.smtp_host, settings.smtp_port)
    announce(settings.smtp_host, settings.smtp_port)
    try:
        bus.stop.wait()
    finally:
        controller.stop()
        if server is not None:
            server.close()
