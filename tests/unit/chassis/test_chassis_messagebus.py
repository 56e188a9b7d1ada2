"""The bus every service uses: commands to one handler, events to each, dependencies by name."""
from dataclasses import dataclass

import pytest

from chassis.messagebus import MessageBus


@dataclass(frozen=True)
class Greet:
    name: str


@dataclass(frozen=True)
class Greeted:
    name: str


class FakeUow:
    made = 0

    def __init__(self):
        FakeUow.made += 1
        self.events = []

    def collect_new_events(self):
        events, self.events = self.events, []
        return events


def test_command_goes_to_its_handler_with_named_dependencies_and_events_follow():
    seen = []

    def greet(cmd, uow, greeting):
        uow.events.append(Greeted(cmd.name))
        return f"{greeting}, {cmd.name}"

    def log_greeting(event, log):
        log.append(event.name)

    def count_greeting(event):
        seen.append("counted")

    log = []
    bus = MessageBus(commands={Greet: greet}, events={Greeted: [log_greeting, count_greeting]},
                     uow=FakeUow, greeting="Hello", log=log)
    before = FakeUow.made
    assert bus.handle(Greet("Ann")) == "Hello, Ann"
    assert log == ["Ann"] and seen == ["counted"]
    assert FakeUow.made == before + 1  # a fresh unit of work per handler that asks for one
    assert bus.greeting == "Hello"


def test_unknown_message_is_an_error():
    bus = MessageBus(commands={}, events={})
    with pytest.raises(LookupError):
        bus.handle(Greet("x"))


def test_a_failing_command_raises_to_its_caller():
    def fail(cmd):
        raise ValueError("no")
    with pytest.raises(ValueError):
        MessageBus(commands={Greet: fail}, events={}).handle(Greet("x"))


def test_a_failing_follow_on_event_handler_does_not_undo_the_command():
    def greet(cmd, uow):
        uow.events.append(Greeted(cmd.name))
        return "done"

    def broken(event):
        raise RuntimeError("boom")
    bus = MessageBus(commands={Greet: greet}, events={Greeted: [broken]}, uow=FakeUow)
    assert bus.handle(Greet("x")) == "done"
