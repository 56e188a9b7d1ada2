from chassis.alembic_env import run

from ingest_svc.adapters.orm import metadata

run(metadata)
