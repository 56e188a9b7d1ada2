"""Sender processes: the dispatcher's work on more than one core.

One process holds the GIL for rendering, signing and the database, so its sender threads
share one core. `SURVEY_DISPATCH_PROCESSES=n` runs each round in n long-lived processes,
each with its own engine, renderer and `SURVEY_DISPATCH_CONNECTIONS` SMTP connections,
on disjoint shares of the due rows (split by invitation id), so no two pick the same mail
even on SQLite. Each process commits per mail, as one does.
"""
import multiprocessing
import os

from survey_svc.config import Settings
from survey_svc.domain.commands import SendDueMail
from survey_svc.service_layer.dispatch import Round


def _serve(settings: Settings, reuse: bool, share: tuple[int, int], conn) -> None:
    """One sender process: its own bus and connections; a round per request."""
    from survey_svc import bootstrap
    bus = bootstrap.build(settings, migrate_db=False,
                          mailers=bootstrap.smtp_mailers(settings, reuse))
    conn.send(os.getpid())
    try:
        while (limit := conn.recv()) is not None:  # EOFError when the parent is gone
            try:
                conn.send(bus.handle(SendDueMail(limit, share)))
            except Exception as err:  # the parent raises it, as it would its own
                conn.send(err)
    except EOFError:
        pass
    finally:
        bus.close()


def senders_for(bus):
    """Threads in this process, or sender processes when SURVEY_DISPATCH_PROCESSES > 1."""
    if bus.settings.dispatch_processes > 1:
        return SenderProcesses(bus.settings)
    return SenderThreads(bus)


class SenderThreads:
    """`round(limit)`: one sender thread per connection of the bus (SURVEY_DISPATCH_CONNECTIONS)."""

    def __init__(self, bus):
        self.bus = bus

    def round(self, limit: int) -> Round:
        return self.bus.handle(SendDueMail(limit))

    def close(self) -> None:
        for mailer in self.bus.mailers:
            mailer.close()


class SenderProcesses:
    """`round(limit)`: SURVEY_DISPATCH_PROCESSES processes, process k on share k of the rows."""

    def __init__(self, settings: Settings, reuse: bool = True):
        self.settings, self.reuse = settings, reuse
        self._start()

    def _start(self) -> None:
        count = max(1, self.settings.dispatch_processes)
        spawn = multiprocessing.get_context("spawn")
        self.conns, self.procs = [], []
        for k in range(count):
            mine, theirs = spawn.Pipe()
            proc = spawn.Process(target=_serve, name=f"survey-sender-{k}", daemon=True,
                                 args=(self.settings, self.reuse, (k, count), theirs))
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)
        self.pids = [conn.recv() for conn in self.conns]  # each one built and ready

    def round(self, limit: int) -> Round:
        try:
            results = self._round(limit)
        except (EOFError, OSError):  # a sender process died: start afresh for the next round
            self.close()
            self._start()
            raise
        done, failures = Round(), []
        for result in results:
            if isinstance(result, Exception):
                failures.append(result)
            else:
                done.add(result)
        if failures:
            raise failures[0]
        return done

    def _round(self, limit: int) -> list:
        for conn in self.conns:
            conn.send(limit)
        return [conn.recv() for conn in self.conns]

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.terminate()
