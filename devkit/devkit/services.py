"""The three services as `make run` starts them: each in its own process group, pid-filed."""
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from devkit import procs, repo_root, var_dir


@dataclass(frozen=True)
class Service:
    name: str          # console script and folder, e.g. "survey-svc"
    port_var: str
    default_port: int

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def port(self) -> int:
        # analysis-svc reads "host:port" from ANALYSIS_PORT, the others a bare port
        return int(str(os.environ.get(self.port_var, self.default_port)).rsplit(":", 1)[-1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = [Service("survey-svc", "SURVEY_PORT", 8001),
            Service("ingest-svc", "INGEST_PORT", 8002),
            Service("analysis-svc", "ANALYSIS_PORT", 8003)]


def script(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def installed(service: Service) -> bool:
    return (repo_root() / service.name / "pyproject.toml").exists()


def subcommands(service: Service) -> str:
    cli = script(service.name)
    if not cli:
        return ""
    result = subprocess.run([cli, "--help"], capture_output=True, text=True, timeout=60)
    return result.stdout


def commands(service: Service) -> dict[str, list[str]]:
    """Process name -> argv: `<svc> serve` (else gunicorn on the app factory), `<svc> worker` if any."""
    cli, helptext = script(service.name), subcommands(service)
    if cli and "serve" in helptext:
        found = {service.name: [cli, "serve"]}
    else:
        found = {service.name: [script("gunicorn") or "gunicorn", "-b", f"127.0.0.1:{service.port}",
                                "-w", "2", f"{service.module}.app:create_app()"]}
    if cli and "worker" in helptext:
        found[f"{service.name}-worker"] = [cli, "worker"]
    return found


class ProcessGroup:
    """Child processes started by `devkit run`; pid files let the next run clear leftovers."""

    def __init__(self):
        self.run_dir = var_dir() / "run"
        self.log_dir = var_dir() / "log"
        self.children: dict[str, subprocess.Popen] = {}

    def clear_stale(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for pid_file in self.run_dir.glob("*.pid"):
            pid = int(pid_file.read_text().split()[0] or 0)
            if pid and procs.alive(pid) and _ours(pid):
                print(f"stopping leftover {pid_file.stem} (pid {pid}) from an earlier run")
                procs.terminate(pid, 15.0)
            pid_file.unlink(missing_ok=True)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            child = subprocess.Popen(argv, env=env, cwd=repo_root(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        (self.run_dir / f"{name}.pid").write_text(str(child.pid))
        self.children[name] = child
        return child

    def exited(self) -> dict[str, int]:
        return {name: child.returncode for name, child in self.children.items()
                if child.poll() is not None}

    def stop_all(self) -> None:
        for name, child in reversed(list(self.children.items())):
            procs.terminate(child.pid, 20.0)
            (self.run_dir / f"{name}.pid").unlink(missing_ok=True)
        self.children.clear()

    def log_tail(self, name: str, lines: int = 30) -> str:
        try:
            return "\n".join((self.log_dir / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _ours(pid: int) -> bool:
    """A leftover of ours: started from this checkout (pids get reused)."""
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return Path(cwd) == repo_root()
