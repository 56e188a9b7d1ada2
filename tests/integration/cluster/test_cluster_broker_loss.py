"""A broker SIGKILLed mid-stream and restarted: every answer ingest-svc acknowledged is counted by
analysis-svc exactly once, and the cluster returns to full replication."""
import threading
import uuid

import pytest
from sqlalchemy import func, select

from chassis.tokens import generate_keypair
from devkit.testing import WaitTimeout
from contracts.topics import FEEDBACK_RESPONSES, TOPICS

from analysis_svc import bootstrap as analysis_bootstrap
from analysis_svc.adapters import orm
from analysis_svc.app import create_app as analysis_app
from analysis_svc.config import Settings as AnalysisSettings
from analysis_svc.entrypoints import worker

from ingest_svc import bootstrap as ingest_bootstrap
from ingest_svc.app import create_app as ingest_app
from ingest_svc.config import Settings as IngestSettings

# the first test also pays for starting the cluster (a minute on a busy two-core box)
pytestmark = [pytest.mark.integration, pytest.mark.cluster, pytest.mark.slow,
              pytest.mark.timeout(600)]
ADMIN = {"Authorization": "Bearer cluster-admin"}


class Poster:
    """Posts answers to ingest-svc's API on a thread until stopped; keeps what each got."""

    def __init__(self, app, directorate: str):
        self.app, self.directorate = app, directorate
        self.acked: list[str] = []  # response ids answered 202, in order
        self.refused: list[tuple[int, object]] = []
        self.deliveries: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="poster", daemon=True)

    def _run(self) -> None:
        client = self.app.test_client()
        i = 0
        while not self.stop.is_set():
            i += 1
            reply = client.post("/v1/responses", headers={"Authorization": "Bearer kiosk-token"},
                                json={"score": 1 + i % 5, "directorate": self.directorate,
                                      "ticket_id": f"T{i}"})
            if reply.status_code != 202:
                self.refused.append((reply.status_code, reply.json))
                continue
            self.acked.append(reply.json["response_id"])
            delivery = reply.json["delivery"]
            self.deliveries[delivery] = self.deliveries.get(delivery, 0) + 1
            # a steady stream, not a flood: the box is shared and the point is the timeline
            self.stop.wait(0.004)

    def wait_acked(self, count: int, wait_for, timeout: float = 90.0) -> None:
        wait_for(lambda: self._check() and len(self.acked) >= count, timeout=timeout,
                 message=f"{count} answers acknowledged")

    def _check(self) -> bool:
        assert not self.refused, f"ingest-svc refused answers: {self.refused[:3]}"
        return True


def stored(analysis, directorate: str) -> tuple[set, int, int]:
    """(response ids stored, rows stored, responses counted in the weekly rollups)."""
    with analysis.sessions() as session:
        ids = {row[0] for row in session.execute(select(orm.responses.c.response_id).where(
            orm.responses.c.directorate == directorate))}
        rows = session.execute(select(func.count()).select_from(orm.responses).where(
            orm.responses.c.directorate == directorate)).scalar()
        rolled = session.execute(select(func.sum(orm.rollups.c.responses)).where(
            orm.rollups.c.directorate == directorate, orm.rollups.c.period_kind == "week")).scalar()
    return ids, rows, rolled or 0


def test_topics_are_replicated_three_times_with_min_isr_2(kafka_cluster):
    from kafka.admin import ConfigResource, ConfigResourceType
    from devkit.kafka_admin import admin_client
    replicas = kafka_cluster.replicas()
    assert {topic for topic, _ in replicas} == set(TOPICS)
    assert all(len(state["replicas"]) == 3 for state in replicas.values())
    admin = admin_client(kafka_cluster.bootstrap, "cluster-test", {})
    try:
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)
                                            for name in TOPICS])
    finally:
        admin.close()
    topics = next(iter(described.values()))  # {name: {config key: {"value": ...}}}
    min_isr = {name: configs["min.insync.replicas"]["value"] for name, configs in topics.items()}
    assert min_isr == {name: "2" for name in TOPICS}


def build_ingest(bootstrap: str, tmp_path, privacy_settings):
    return ingest_bootstrap.build(IngestSettings(
        database_url=f"sqlite:///{tmp_path / 'ingest.db'}", spool_dir=str(tmp_path / "spool"),
        kafka_bootstrap_servers=bootstrap, survey_verify_key=generate_keypair()[1],
        secret_key=uuid.uuid4().hex, reply_tag_key=uuid.uuid4().hex,
        api_tokens=("kiosk:kiosk-token",), ack_timeout_s=2.0, **privacy_settings))


def build_analysis(bootstrap: str, tmp_path, privacy_settings):
    return analysis_bootstrap.build(AnalysisSettings(
        database_url=f"sqlite:///{tmp_path / 'analysis.db'}", model_dir="",
        kafka_bootstrap_servers=bootstrap, admin_token="cluster-admin", **privacy_settings))


def test_a_broker_killed_mid_stream_loses_and_doubles_no_answer(
        kafka_cluster, tmp_path, unique, privacy_settings, wait_for):
    directorate = f"Cluster-{unique}"
    ingest = build_ingest(kafka_cluster.bootstrap, tmp_path, privacy_settings)
    analysis = build_analysis(kafka_cluster.bootstrap, tmp_path, privacy_settings)
    stop_worker = threading.Event()
    consumer = threading.Thread(target=worker.run, args=(analysis, stop_worker), daemon=True,
                                kwargs={"group_id": f"analysis-cluster-{unique}"})
    # background: its spool flusher replays what missed the ack bound, as `ingest-svc serve` does
    poster = Poster(ingest_app(ingest, background=True), directorate)
    victim = kafka_cluster.leader_of(FEEDBACK_RESPONSES, 0)

    def until(predicate, timeout: float, message: str) -> None:
        """wait_for, and on a timeout say how far the stream got."""
        try:
            wait_for(predicate, timeout=timeout, message=message)
        except WaitTimeout as timeout_error:
            raise WaitTimeout(f"{timeout_error}: {len(poster.acked)} acknowledged "
                              f"{poster.deliveries}, {ingest.spool.count()} spooled, "
                              f"{stored(analysis, directorate)[1]} counted") from None

    consumer.start()
    poster.thread.start()
    try:
        poster.wait_acked(200, wait_for)
        kafka_cluster.kill(victim)  # SIGKILL: no controlled shutdown, no leadership handed over
        at_kill = len(poster.acked)
        assert not kafka_cluster.nodes[victim].is_running()
        kafka_cluster.wait_brokers(set(kafka_cluster.nodes) - {victim}, timeout=30)
        wait_for(lambda: kafka_cluster.leader_of(FEEDBACK_RESPONSES, 0) not in (victim, -1),
                 timeout=30, message="a new leader for the killed node's partition")
        # Two nodes left: min ISR 2 still holds, so answers keep flowing and being counted.
        poster.wait_acked(at_kill + 200, wait_for)
        until(lambda: len(stored(analysis, directorate)[0]) >= at_kill + 100, timeout=90,
              message="answers counted while a broker is down")
        kafka_cluster.restart(victim)
        poster.wait_acked(len(poster.acked) + 100, wait_for)
        poster.stop.set()
        poster.thread.join(timeout=30)
        acked = set(poster.acked)
        assert len(acked) == len(poster.acked) and not poster.refused
        until(lambda: ingest.spool.count() == 0, timeout=60, message="ingest spool drained")
        until(lambda: stored(analysis, directorate)[1] >= len(acked), timeout=120,
              message=f"{len(acked)} answers counted")
        wait_for(lambda: not kafka_cluster.under_replicated(), timeout=90, message="ISR restored")
    finally:
        poster.stop.set()
        stop_worker.set()
        consumer.join(timeout=60)
        ingest.close()
        if not kafka_cluster.nodes[victim].is_running():  # a failed run leaves the next a whole cluster
            kafka_cluster.restart(victim)
    try:
        # Settled, consumer stopped: nothing lost, nothing counted twice.
        ids, rows, rolled = stored(analysis, directorate)
        assert ids == acked
        assert rows == rolled == len(acked)
        totals = analysis_app(analysis).test_client().get(
            f"/v1/totals?directorate={directorate}&group_by=directorate", headers=ADMIN)
        assert totals.status_code == 200, totals.json
        assert [row["responses"] for row in totals.json] == [len(acked)]
    finally:
        analysis.close()
