"""ingest-svc served over real HTTP and analysis-svc's consumer in threads, on the real broker,
with spans kept in the SDK's InMemorySpanExporter and log lines captured as JSON."""
import dataclasses
import io
import logging
import threading
import uuid

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from werkzeug.serving import make_server

from chassis import tracing
from chassis.logs import configure_logging
from chassis.tokens import generate_keypair

MASTER_KEY = "tracing-test-master-key-0123456789abcdef"  # NOT SECRET: tests only


def _known(settings_class, values: dict) -> dict:
    names = {f.name for f in dataclasses.fields(settings_class)}
    return {k: v for k, v in values.items() if k in names}


@pytest.fixture
def spans(log_lines):
    """The services' spans, exported synchronously into memory (the services' own setup; after
    the logging's, which configures tracing from the environment)."""
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing("feedback-suite", exporter=exporter)
    yield exporter
    tracing.shutdown_tracing()


@pytest.fixture
def log_lines():
    """A function returning the JSON log lines written so far (chassis' handler, INFO)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("ingest-svc", "INFO", stream=stream)
    yield lambda: stream.getvalue().splitlines()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


class Pipeline:
    """ingest-svc at `url` (werkzeug, threaded) and analysis-svc's consumer group, both on
    their own SQLite databases and one key vault; the group starts at the topics' ends."""

    def __init__(self, bootstrap: str, tmp_path):
        from analysis_svc.bootstrap import build as build_analysis
        from analysis_svc.config import Settings as AnalysisSettings
        from analysis_svc.entrypoints import worker
        from analysis_svc.testing import start_group_at_end
        from ingest_svc.app import create_app
        from ingest_svc.bootstrap import build as build_ingest
        from ingest_svc.config import Settings as IngestSettings
        self.keys, unique = generate_keypair(), uuid.uuid4().hex[:10]
        self.directorate = f"Tracing {unique}"  # the broker is shared: ours are told apart by it
        vault = {"privacy_vault_url": f"sqlite:///{tmp_path / 'vault.db'}",
                 "privacy_master_key": MASTER_KEY}
        self.ingest = build_ingest(IngestSettings(
            survey_verify_key=self.keys[1], secret_key=unique, reply_tag_key="tracing-tag-key",
            database_url=f"sqlite:///{tmp_path / 'ingest.db'}", kafka_bootstrap_servers=bootstrap,
            spool_dir=str(tmp_path / "spool"), api_tokens=("phone:phone-token",),
            **_known(IngestSettings, vault)))
        # one record a batch: other tests' answers on the shared topic never lead our batch
        self.analysis = build_analysis(AnalysisSettings(
            database_url=f"sqlite:///{tmp_path / 'analysis.db'}", kafka_bootstrap_servers=bootstrap,
            admin_token="admin", model_dir="", group_id=f"analysis-tracing-{unique}",
            batch_size=1, **_known(AnalysisSettings, vault)))
        start_group_at_end(bootstrap, self.analysis.settings.group_id, worker.TOPICS)
        self.server = make_server("127.0.0.1", 0, create_app(self.ingest), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.stop = threading.Event()
        self.consumer = worker.make_worker(self.analysis)
        self.threads = [threading.Thread(target=self.server.serve_forever, daemon=True),
                        threading.Thread(target=self.consumer.run, args=(self.stop,), daemon=True)]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        for thread in self.threads:
            thread.join(timeout=30)
        self.ingest.close()
        self.analysis.close()


@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path):
    running = Pipeline(kafka_bootstrap, tmp_path)
    yield running
    running.close()
