"""The console script as a user runs it: tokens, score, themes, rebuild; bad input answered clearly."""
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from chassis.kafka import KafkaPublisher

from analysis_svc.adapters import orm
from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.testing import invitation, response

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]


def run(args, db_url="sqlite://", stdin="", **env):
    environ = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="", **env)
    return subprocess.run(CLI + args, input=stdin, capture_output=True, text=True, env=environ,
                          timeout=300)


def test_a_created_token_opens_only_its_directorates(db_url):
    made = run(["tokens", "create", "--directorate", "Adults", "--label", "BP"], db_url)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    app = create_app(build(Settings(database_url=db_url, admin_token="admin", model_dir="")))
    client = app.test_client()
    ok = client.get("/v1/trends", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    assert client.get("/v1/trends?directorate=Children",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 403
    listing = run(["tokens", "list"], db_url)
    assert "Adults" in listing.stdout and token not in listing.stdout
    token_id = listing.stdout.split()[0]
    assert run(["tokens", "revoke", token_id], db_url).returncode == 0
    assert client.get("/v1/trends", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("args,needle", [
    (["tokens", "create"], "--directorate"),
    (["tokens", "create", "--directorate", ""], "--directorate"),
    (["tokens", "create", "--directorate", "A", "--email", "not-an-address"], "--email"),
    (["tokens", "revoke", "999"], "no active token"),
    (["themes", "--k", "1"], "--k"),
])
def test_bad_cli_input_is_one_readable_line(tmp_path, args, needle):
    result = run(args, f"sqlite:///{tmp_path / 'c.db'}")
    assert result.returncode != 0
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_score_writes_one_line_per_input_and_rejects_bad_lines():
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(
        ["Fixed within the hour, brilliant", "Still not working, nobody called back", None]))
    result = run(["score"], stdin=lines + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["label"]) for o in out] == [(0, "positive"), (1, "negative"), (2, "neutral")]
    assert set(out[0]) == {"id", "label", "compound", "themes"}
    bad = run(["score"], stdin='{"id": 1, "text": "ok"}\n{not json\n')
    assert bad.returncode == 2 and bad.stderr.strip() == "error: line 2: not valid JSON"
    assert run(["score"], stdin='{"text": "no id"}\n').returncode == 2


def test_themes_assigns_every_input_a_theme():
    texts = ["password reset took ages"] * 10 + ["laptop screen broken and replaced"] * 10
    stdin = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    result = run(["themes", "--k", "2"], stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 20 and len({o["theme"] for o in out}) == 2
    assert out[0]["theme"] != out[10]["theme"] and "password" in " ".join(out[0]["top_terms"])


def test_rebuild_replays_the_topics_into_a_fresh_database(tmp_path, private_broker, unique):
    broker = private_broker()
    at = datetime(2026, 7, 1, tzinfo=timezone.utc)
    events = [invitation("created", f"inv-{i}", name="Jo Bloggs", at=at) for i in range(5)]
    events += [invitation("sent", f"inv-{i}", at=at) for i in range(5)]
    events += [response(f"r-{i}", invitation_id=f"inv-{i}", comment="Jo Bloggs was great",
                        submitted_at=at) for i in range(5)]
    events += [response("r-0", version=2, invitation_id="inv-0", score=1, submitted_at=at)]
    publisher = KafkaPublisher(broker.bootstrap, "analysis-test")
    publisher.publish_many(events)
    publisher.close()
    db_url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    result = run(["rebuild"], db_url, KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap)
    assert result.returncode == 0, result.stderr
    assert "rebuilt: 5 responses stored" in result.stdout
    services = build(Settings(database_url=db_url, model_dir=""))
    with services.sessions() as session:
        rows = session.execute(select(orm.responses.c.redacted_comment)).scalars().all()
        amended = session.execute(select(orm.responses.c.score, orm.responses.c.version).where(
            orm.responses.c.response_id == "r-0")).one()
        invited = session.execute(select(func.sum(orm.rollups.c.invitations)).where(
            orm.rollups.c.period_kind == "month")).scalar()
    services.close()
    assert len(rows) == 5 and not any(r and "Bloggs" in r for r in rows)
    assert invited == 5 and tuple(amended) == (1, 2)
    again = run(["rebuild"], db_url, KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap)
    assert again.returncode == 2 and "--reset" in again.stderr
