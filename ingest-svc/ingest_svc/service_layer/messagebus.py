"""Route a command to its handler, injecting the dependencies it names."""
import inspect
from functools import cache

from ingest_svc.service_layer.handlers import HANDLERS, submit_many


class MessageBus:
    """`uow_factory` gives each call its own unit of work (the bus is shared by threads)."""

    def __init__(self, uow_factory, handlers: dict | None = None, **dependencies):
        self.uow_factory = uow_factory
        self.dependencies = dependencies
        self.handlers = handlers or HANDLERS

    def _deps(self, handler) -> dict:
        params = _params(handler)
        return {name: self.uow_factory() if name == "uow" else self.dependencies[name]
                for name in params}

    def handle(self, cmd):
        handler = self.handlers[type(cmd)]
        return handler(cmd, **self._deps(handler))

    def handle_many(self, cmds: list):
        return submit_many(cmds, **self._deps(submit_many))


@cache
def _params(handler) -> tuple[str, ...]:
    return tuple(inspect.signature(handler).parameters)[1:]
