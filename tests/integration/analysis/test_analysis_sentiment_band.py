"""The sentiment sum of squares: backfilled by its migration, and published with the feeds."""
from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from chassis.db import migrate
from chassis.testing import FakePublisher

from analysis_svc.adapters.orm import rollups
from analysis_svc.bootstrap import MIGRATIONS, build
from analysis_svc.config import Settings
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import FakeAnalyser, record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
COMMENTS = ["good"] * 4 + ["bad"] * 2 + ["meh", None, None]  # compounds 0.7, -0.8, 0.0


def squares(services) -> dict:
    with services.sessions() as session:
        return {(r.period_kind, r.team): r.sentiment_sq_sum for r in session.execute(
            select(rollups.c.period_kind, rollups.c.team, rollups.c.sentiment_sq_sum))}


def test_migration_backfills_existing_cells_and_feeds_publish_the_band(db_url):
    services = build(Settings(database_url=db_url, admin_token="admin-secret", model_dir=""),
                     analyser=FakeAnalyser(), publisher=FakePublisher())
    handle_records(services, [record(response(comment=c, team=team, submitted_at=AT))
                              for team in ("Desk", "Field") for c in COMMENTS])
    expected = squares(services)
    assert expected[("week", "Desk")] == pytest.approx(4 * 0.49 + 2 * 0.64)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    command.downgrade(config, "0900_followups")
    migrate(db_url, MIGRATIONS)
    assert squares(services) == pytest.approx(expected)

    from analysis_svc.app import create_app
    client = create_app(services).test_client()
    auth = {"Authorization": "Bearer admin-secret"}
    (row,) = client.get("/v1/trends?period=month&group_by=", headers=auth).get_json()
    # 14 comments: eight 0.7, four -0.8, two 0.0 -> mean 0.1714; squared deviations sum to
    # 6.0686, s = sqrt(6.0686 / 13) = 0.6832, se = s / sqrt(14) = 0.1826; t(0.975, 13) = 2.1604
    assert row["mean_sentiment"] == pytest.approx(0.171, abs=1e-3)
    assert row["sentiment_ci_low"] == pytest.approx(0.1714 - 0.3945, abs=1e-3)
    assert row["sentiment_ci_high"] == pytest.approx(0.1714 + 0.3945, abs=1e-3)
    (summary,) = client.get("/v1/summary?period=week&group_by=", headers=auth).get_json()
    assert summary["sentiment_ci_low"] < summary["mean_sentiment"] < summary["sentiment_ci_high"]
    services.close()
