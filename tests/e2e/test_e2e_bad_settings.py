"""Each service, started with a bad variable, stops at once with one line naming it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chassis.tokens import generate_keypair

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("service, variable, value", [
    ("survey-svc", "SURVEY_PORT", "not-a-port"),
    ("survey-svc", "WEBHOOK_SECRET", ""),
    ("ingest-svc", "INGEST_PORT", "70000"),
    ("ingest-svc", "SURVEY_VERIFY_KEY", "/nonexistent/key.pem"),
    ("analysis-svc", "ANALYSIS_PORT", "eighty"),
    ("analysis-svc", "MIN_CELL_SIZE", "five"),
])
def test_a_bad_variable_stops_the_service_with_one_readable_line(service, variable, value, tmp_path):
    private, public = generate_keypair()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "WEBHOOK_SECRET": "w",
           "ADMIN_TOKEN": "a", "REPLY_TAG_KEY": "r", "SURVEY_SIGNING_KEY": private, "SURVEY_VERIFY_KEY": public,
           "INGEST_SECRET_KEY": "s", "INGEST_API_TOKENS": "kiosk:t", "INGEST_INBOUND_TOKEN": "i",
           "DASHBOARD_SESSION_SECRET": "d", "PRIVACY_MASTER_KEY": "m" * 32, variable: value}
    result = subprocess.run([str(BIN / service), "serve"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
