"""The three services in one process, each on its own database (SQLite or PostgreSQL), on the
real broker; each worker started (and stopped) when a test says."""
import dataclasses
import threading
import uuid

import pytest

from analysis_svc.testing import start_group_at_end
from chassis.tokens import generate_keypair
from contracts import topics

REPLY_TAG_KEY, ADMIN = "erasure-reply-tag-key", "erasure-admin-token"
MASTER_KEY = "erasure-test-master-key-0123456789abcdef"


def _known(settings_class, values: dict) -> dict:
    """The values a service's Settings takes (the vault's, where the service has one)."""
    names = {f.name for f in dataclasses.fields(settings_class)}
    return {k: v for k, v in values.items() if k in names}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """database_url(name) -> a fresh database of the test's kind."""
    if request.param == "sqlite":
        return lambda name: f"sqlite:///{tmp_path / f'{name}.db'}"
    return lambda name: request.getfixturevalue("postgres_url_factory")(name)


class Suite:
    """survey-svc, ingest-svc and analysis-svc buses; workers in threads, groups starting at
    the topics' current ends (the shared broker's history belongs to other tests)."""

    def __init__(self, database_url, bootstrap: str, smtp_port: int, tmp_path):
        from analysis_svc.bootstrap import build as build_analysis
        from analysis_svc.config import Settings as AnalysisSettings
        from ingest_svc.bootstrap import build as build_ingest
        from ingest_svc.config import Settings as IngestSettings
        from survey_svc.bootstrap import build as build_survey
        from survey_svc.config import Settings as SurveySettings
        keys, unique = generate_keypair(), uuid.uuid4().hex[:10]
        self.bootstrap, self.threads = bootstrap, []
        vault = {"privacy_vault_url": database_url("vault"), "privacy_master_key": MASTER_KEY}
        # Other tests share the broker: this suite's people and figures are told apart by these.
        self.directorate, self.unique = f"Erasure {unique}", unique
        self.groups = {"survey": f"survey-erasure-{unique}", "ingest": f"ingest-erasure-{unique}",
                       "analysis": f"analysis-erasure-{unique}"}
        self.survey = build_survey(SurveySettings(
            webhook_secret="secret", admin_token=ADMIN, reply_tag_key=REPLY_TAG_KEY,
            signing_key=keys[0], database_url=database_url("survey"), smtp_port=smtp_port,
            kafka_bootstrap_servers=bootstrap, **_known(SurveySettings, vault)))
        self.ingest = build_ingest(IngestSettings(
            survey_verify_key=keys[1], secret_key=unique, reply_tag_key=REPLY_TAG_KEY,
            database_url=database_url("ingest"), kafka_bootstrap_servers=bootstrap,
            spool_dir=str(tmp_path / "spool"), consumer_group=self.groups["ingest"],
            **_known(IngestSettings, vault)))
        self.analysis = build_analysis(AnalysisSettings(
            database_url=database_url("analysis"), kafka_bootstrap_servers=bootstrap,
            admin_token="admin", model_dir="", group_id=self.groups["analysis"],
            **_known(AnalysisSettings, vault)))
        for group, subscribed in (
                (self.groups["survey"], [topics.TICKETS_RESOLVED, topics.FEEDBACK_RESPONSES,
                                         topics.PRIVACY_REQUESTS]),
                (self.groups["ingest"], [topics.SURVEYS_LIFECYCLE, topics.PRIVACY_REQUESTS]),
                (self.groups["analysis"], [topics.FEEDBACK_RESPONSES, topics.SURVEYS_LIFECYCLE]),
                (self.groups["analysis"] + "-privacy", [topics.PRIVACY_REQUESTS])):
            start_group_at_end(bootstrap, group, subscribed)
        self.survey_stop, self.analysis_stop = threading.Event(), threading.Event()

    def _thread(self, target, *args, **kwargs) -> None:
        thread = threading.Thread(target=target, args=args, kwargs=kwargs, daemon=True)
        thread.start()
        self.threads.append(thread)

    def start_survey(self) -> None:
        from survey_svc.entrypoints import worker
        self._thread(worker.run, self.survey, self.survey_stop, self.groups["survey"])

    def start_ingest(self) -> None:
        from ingest_svc.entrypoints.worker import run_worker
        self._thread(run_worker, self.ingest)

    def start_analysis(self) -> None:
        from analysis_svc.entrypoints import worker
        self._thread(worker.run, self.analysis, self.analysis_stop,
                     group_id=self.groups["analysis"])

    def close(self) -> None:
        self.survey_stop.set(), self.analysis_stop.set(), self.ingest.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        for bus in (self.survey, self.ingest, self.analysis):
            bus.close()


@pytest.fixture
def suite(database_url, kafka_bootstrap, smtp_server, tmp_path):
    made = Suite(database_url, kafka_bootstrap, smtp_server.port, tmp_path)
    yield made
    made.close()


@pytest.fixture
def admin():
    return {"Authorization": f"Bearer {ADMIN}", "X-Actor": "dpo"}
