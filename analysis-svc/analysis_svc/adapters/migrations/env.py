from chassis.alembic_env import run

from analysis_svc.adapters.orm import metadata

run(metadata)
