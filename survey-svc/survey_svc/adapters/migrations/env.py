from chassis.alembic_env import run

from survey_svc.adapters.orm import metadata

run(metadata)
