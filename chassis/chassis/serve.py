"""Run a Flask app under granian (a Rust HTTP server, WSGI), for the services' `serve` command."""
import ctypes
import logging
import multiprocessing
import os
import signal
import sys

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

from chassis import metrics

# granian's own lines go through the root logger (the service's JSON handler), not stdout.
_LOG_CONFIG = {"version": 1, "disable_existing_loggers": False,
               "loggers": {"_granian": {"propagate": True}}}
_PR_SET_PDEATHSIG = 1


def serve(app_factory, bind: str, workers: int = 1, threads: int = 8, **options) -> None:
    """Serve `app_factory()`, built once in each worker process, on host:port until SIGTERM.

    Each worker runs the app on at most `threads` Python threads (a request blocked on the
    broker holds one; further requests queue in the Rust side, off the GIL). SIGTERM stops
    accepting and lets requests in flight finish, for up to 10 s. A worker that dies is
    replaced, as gunicorn did (granian would otherwise stop the whole server). The workers'
    metrics go to PROMETHEUS_MULTIPROC_DIR (emptied now; a private one when unset), so /metrics
    answers for all of them.
    """
    host, port = bind.rsplit(":", 1)
    # The factory is a closure, so workers fork (Python 3.14 would pick forkserver).
    multiprocessing.set_start_method("fork", force=True)
    parent = os.getpid()
    metrics_dir, temporary = metrics.prepare_multiprocess_dir()

    def load(_target):
        _die_with(parent)
        metrics.mark_dead_workers()  # this worker may replace one that died
        return app_factory()
    # Backpressure counts connections, not requests: it stays at granian's default (backlog /
    # workers), or idle keep-alive connections would lock new clients out of the accept loop.
    server = Server("app_factory", address=host.strip("[]"), port=int(port),
                    interface=Interfaces.WSGI, workers=workers, blocking_threads=threads,
                    log_access=False, log_dictconfig=_LOG_CONFIG, log_level=_log_level(),
                    workers_kill_timeout=10, respawn_failed_workers=True, **options)
    if temporary:
        server.on_shutdown(lambda: metrics.remove_multiprocess_dir(metrics_dir))
    server.serve(target_loader=load)


def _log_level() -> LogLevels:
    name = logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower()
    return LogLevels(name) if name in LogLevels.__members__ else LogLevels.info


def _die_with(parent: int) -> None:
    """A worker stops when its master dies, even by SIGKILL (gunicorn's workers did; granian's don't)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the master died before the line above
        os.kill(os.getpid(), signal.SIGTERM)
