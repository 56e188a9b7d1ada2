"""`analysis-svc backup`'s refusals: one readable line, exit 2, nothing changed."""
import pytest

from analysis_svc.entrypoints import worker
from analysis_svc.testing import start_group_at_end

pytestmark = pytest.mark.integration


def test_restore_from_a_missing_folder_or_one_without_a_manifest_is_refused(run_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    missing = run_cli(["backup", "restore", str(tmp_path / "nowhere")], url)
    assert missing.returncode == 2
    assert f"error: no backup folder at {tmp_path / 'nowhere'}" in missing.stderr
    (tmp_path / "half").mkdir()
    half = run_cli(["backup", "restore", str(tmp_path / "half")], url)
    assert half.returncode == 2 and "has no manifest.json" in half.stderr
    assert "Traceback" not in missing.stderr + half.stderr


def test_a_backup_goes_only_into_a_new_or_empty_folder(run_cli, make_bus, tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    make_bus(url)  # migrated
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "manifest.json").write_text("{}")
    refused = run_cli(["backup", "create", str(tmp_path / "used")], url)
    assert refused.returncode == 2 and "is not empty" in refused.stderr
    assert (tmp_path / "used" / "manifest.json").read_text() == "{}"


def test_restore_while_the_group_is_consuming_is_refused_and_changes_nothing(
        run_cli, make_bus, consuming, kafka_bootstrap, unique, wait_for, tmp_path):
    url, group = f"sqlite:///{tmp_path / 'a.db'}", f"backup-active-{unique}"
    start_group_at_end(kafka_bootstrap, group, worker.TOPICS)
    bus = make_bus(url)
    made = run_cli(["backup", "create", str(tmp_path / "bk"), "--group", group], url)
    assert made.returncode == 0, made.stderr
    running = consuming(bus, group)
    wait_for(lambda: running.worker.assignment(), timeout=60)
    refused = run_cli(["backup", "restore", str(tmp_path / "bk")], url)
    assert refused.returncode == 2, refused.stderr
    assert f"error: consumer group '{group}' is active (1 member)" in refused.stderr
    assert "Traceback" not in refused.stderr and "restored" not in refused.stdout
