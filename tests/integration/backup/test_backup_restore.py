"""A backup taken mid-stream, restored into a fresh database with the group reset to its
offsets, replays to the same /v1/totals as the run that never stopped (SQLite and PostgreSQL)."""
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from chassis.kafka import KafkaPublisher

from analysis_svc import read_model
from analysis_svc.adapters import orm
from analysis_svc.entrypoints import worker
from analysis_svc.read_model.rollup_sums import Filters
from analysis_svc.testing import response, start_group_at_end

pytestmark = pytest.mark.integration
COMMENTS = ["Quick and friendly, thank you", "Slow, nobody called back", None,
            "Fixed it but it took three visits", "Great service from the desk"]
MONTHS = [datetime(2026, 10, 14, 9, tzinfo=timezone.utc), datetime(2026, 11, 10, 9, tzinfo=timezone.utc)]


def answers(directorate: str, unique: str, count: int, start: int = 0) -> list:
    return [response(f"bk-{unique}-{i}", score=1 + i * 7 % 5, comment=COMMENTS[i % 5],
                     directorate=directorate, team=f"T{i % 2}", submitted_at=MONTHS[i % 2])
            for i in range(start, start + count)]


def stored(bus, directorate: str, *where) -> int:
    with bus.sessions() as session:
        return session.execute(select(func.count()).select_from(orm.responses).where(
            orm.responses.c.directorate == directorate, *where)).scalar()


def totals(bus, directorate: str) -> list[dict]:
    """What /v1/totals answers for the directorate, by month and by team."""
    with bus.sessions() as session:
        return [read_model.totals(session, None, Filters(
            period="month", directorate=directorate, group_by=group_by, min_cell=1))
            for group_by in (("directorate",), ("directorate", "team"))]


def test_a_restored_mid_stream_backup_replays_to_the_never_stopped_totals(
        db_url, fresh_url, make_bus, consuming, run_cli, kafka_bootstrap, unique, wait_for,
        tmp_path):
    group, directorate = f"backup-test-{unique}", f"Backup-{unique}"
    start_group_at_end(kafka_bootstrap, group, worker.TOPICS)
    publisher = KafkaPublisher(kafka_bootstrap, "backup-test")
    first, later = answers(directorate, unique, 40), answers(directorate, unique, 50, start=40)
    amended = [response(f"bk-{unique}-{i}", version=2, score=5, comment="Sorted in the end",
                        directorate=directorate, team=f"T{i % 2}", submitted_at=MONTHS[i % 2])
               for i in range(0, 40, 4)]  # answers the backup holds, changed after it
    live = make_bus(db_url)
    running = consuming(live, group)
    publisher.publish_many(first)
    wait_for(lambda: stored(live, directorate) == 40, timeout=90)

    made = run_cli(["backup", "create", str(tmp_path / "bk"), "--group", group], db_url)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert {o["group"] for o in manifest["offsets"]} == {group}
    assert manifest["alembic_revision"] and manifest["vault"] is None

    publisher.publish_many(later + amended)
    wait_for(lambda: stored(live, directorate) == 90
             and stored(live, directorate, orm.responses.c.version == 2) == 10, timeout=90)
    never_stopped = totals(live, directorate)
    assert sum(row["responses"] for row in never_stopped[0]) == 90
    running.close()

    restored = run_cli(["backup", "restore", str(tmp_path / "bk")], fresh_url)
    assert restored.returncode == 0, restored.stderr
    for saved in manifest["offsets"]:  # the group is back where the backup found it
        assert (f"{group}  {saved['topic']}[{saved['partition']}] = {saved['offset']}"
                in restored.stdout)
    again = make_bus(fresh_url, analyser=live.analyser)
    assert stored(again, directorate) == 40  # the backup's state, before any replay
    consuming(again, group)
    wait_for(lambda: stored(again, directorate) == 90
             and stored(again, directorate, orm.responses.c.version == 2) == 10, timeout=90)
    wait_for(lambda: totals(again, directorate) == never_stopped, timeout=30)
