"""The processes `make run` starts: each service's server and its one background worker."""
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from devkit import procs, repo_root, var_dir


@dataclass(frozen=True)
class Service:
    name: str            # console script and folder, e.g. "survey-svc"
    prefix: str          # SURVEY -> SURVEY_HOST, SURVEY_PORT
    default_port: int
    # process name -> subcommand; each runs exactly once
    processes: dict[str, list[str]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)   # label -> path printed in the summary

    @property
    def host(self) -> str:
        return os.environ.get(f"{self.prefix}_HOST", "127.0.0.1")

    @property
    def port(self) -> int:
        return int(os.environ.get(f"{self.prefix}_PORT", self.default_port))

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def worker_metrics_port(self) -> int:
        """The background process's own /metrics (METRICS_PORT): 9101, 9102, 9103."""
        return int(os.environ.get(f"{self.prefix}_WORKER_METRICS_PORT", self.default_port + 1100))

    def process_env(self, name: str, env: dict[str, str]) -> dict[str, str]:
        """The web server as given; the worker with its metrics port."""
        if self.processes.get(name) == ["serve"]:
            return env
        return {**env, "METRICS_PORT": str(self.worker_metrics_port), "METRICS_HOST": "127.0.0.1"}


SERVICES = [
    Service("survey-svc", "SURVEY", 8001,
            {"survey-svc": ["serve"], "survey-svc-worker": ["worker"]},
            {"API docs": "/docs"}),
    Service("ingest-svc", "INGEST", 8002,
            {"ingest-svc": ["serve"], "ingest-svc-worker": ["worker"]},
            {"API docs": "/docs"}),
    # serve runs with ANALYSIS_RUN_WORKER=false; the consumer is its own process
    Service("analysis-svc", "ANALYSIS", 8003,
            {"analysis-svc": ["serve"], "analysis-svc-consumer": ["consume"]},
            {"API docs": "/docs", "dashboard": "/dashboard", "board report": "/reports/board"}),
]


def script(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def installed(service: Service) -> bool:
    return (repo_root() / service.name / "pyproject.toml").exists() and script(service.name) is not None


def commands(service: Service) -> dict[str, list[str]]:
    """Process name -> argv."""
    cli = script(service.name)
    return {name: [cli, *args] for name, args in service.processes.items()}


def service_env(env: dict[str, str]) -> dict[str, str]:
    """Variables that tie the services together on this machine (unless set already)."""
    by_name = {s.name: s for s in SERVICES}
    derived = {"PUBLIC_SURVEY_URL": by_name["ingest-svc"].url,
               "ANALYSIS_PUBLIC_URL": by_name["analysis-svc"].url}
    return {**env, **{k: v for k, v in derived.items() if not env.get(k)}, "ANALYSIS_RUN_WORKER": "false"}


class ProcessGroup:
    """Child processes started by `devkit run`; pid files let the next run clear leftovers."""

    def __init__(self):
        self.run_dir = var_dir() / "run"
        self.log_dir = var_dir() / "log"
        self.children: dict[str, subprocess.Popen] = {}
        self.optional: set[str] = set()

    def clear_stale(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for pid_file in self.run_dir.glob("*.pid"):
            pid = int(pid_file.read_text().split()[0] or 0)
            if pid and procs.alive(pid) and _ours(pid):
                print(f"stopping leftover {pid_file.stem} (pid {pid}) from an earlier run")
                procs.terminate(pid, 15.0)
            pid_file.unlink(missing_ok=True)

    def start(self, name: str, argv: list[str], env: dict[str, str],
              optional: bool = False) -> subprocess.Popen:
        """Start a child in its own session; an optional one may exit without stopping the run."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            child = subprocess.Popen(argv, env=env, cwd=repo_root(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        (self.run_dir / f"{name}.pid").write_text(str(child.pid))
        self.children[name] = child
        if optional:
            self.optional.add(name)
        return child

    def exited(self, essential_only: bool = False) -> dict[str, int]:
        return {name: child.returncode for name, child in self.children.items()
                if child.poll() is not None and not (essential_only and name in self.optional)}

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
