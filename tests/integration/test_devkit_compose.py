"""docker-compose.yml stays in step with the contracts and is valid compose."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from contracts.topics import TOPICS
from devkit import repo_root


def test_compose_topic_init_matches_contracts():
    script = (repo_root() / "infra" / "kafka" / "create-topics.sh").read_text()
    listed = re.search(r'TOPICS="([^"]+)"', script).group(1).split()
    assert {name: int(count) for name, count in (s.split(":") for s in listed)} == TOPICS


def test_compose_file_is_valid():
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        pytest.fail("no compose implementation (make system-deps installs docker-compose)")
    result = subprocess.run([*command, "-f", str(Path(repo_root(), "docker-compose.yml")), "config", "-q"],
                            capture_output=True, text=True, cwd=repo_root())
    assert result.returncode == 0, result.stderr
