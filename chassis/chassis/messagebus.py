"""The message bus: a command goes to its one handler, an event to each of its handlers.

Handlers take the message and name their dependencies as parameters (`uow`, `clock`,
`publisher`, ...); the bus passes them by name. `uow` is a fresh unit of work per call, so one
bus serves every thread. Events a handler's unit of work collected (`collect_new_events`) are
handled after it, in order.
"""
import inspect
import logging
from collections import deque
from typing import Callable

log = logging.getLogger(__name__)


class MessageBus:
    def __init__(self, *, commands: dict[type, Callable], events: dict[type, list[Callable]],
                 uow: Callable | None = None, **dependencies):
        self.command_handlers = commands
        self.event_handlers = events
        self.uow_factory = uow
        self.dependencies = dependencies
        self._names = {}

    def __getattr__(self, name):
        # bus.clock, bus.publisher...: what was wired is readable by entry points.
        try:
            return self.__dict__["dependencies"][name]
        except KeyError:
            raise AttributeError(name) from None

    def handle(self, message):
        """Handle a command (returns its handler's result) or an event (returns None)."""
        queue = deque([message])
        result = None
        first = True
        while queue:
            current = queue.popleft()
            if type(current) in self.command_handlers:
                outcome = self._call(self.command_handlers[type(current)], current, queue)
                if first:
                    result = outcome
            elif type(current) in self.event_handlers:
                for handler in self.event_handlers[type(current)]:
                    try:
                        self._call(handler, current, queue)
                    except Exception:
                        if first:
                            raise
                        log.exception("event handler failed", extra={
                            "event": type(current).__name__, "handler": handler.__name__})
            else:
                raise LookupError(f"no handler for {type(current).__name__}")
            first = False
        return result

    def _call(self, handler, message, queue):
        names = self._names.get(handler)
        if names is None:
            names = self._names[handler] = tuple(inspect.signature(handler).parameters)[1:]
        kwargs, uow = {}, None
        for name in names:
            if name == "uow":
                kwargs[name] = uow = self.uow_factory()
            else:
                kwargs[name] = self.dependencies[name]
        result = handler(message, **kwargs)
        collect = getattr(uow, "collect_new_events", None)
        if collect is not None:
            queue.extend(collect())
        return result
