"""Seal an event's personal fields before it is published; open them after it is decoded.

contracts names the fields (contracts.registry.PERSONAL); the vault (KeyVault, or Unsealed in
tests) does the cryptography. A field that can no longer be opened reads as None: the person is
gone, the rest of the event (what the figures need) stays.
"""
from dataclasses import replace
from datetime import datetime

from contracts.envelope import Envelope
from contracts.personal import is_sealed
from contracts.registry import personal_fields_of


def _get(data: dict, path: str):
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _with(data: dict, values: dict[str, object]) -> dict:
    """A copy of `data` with the dotted paths set (nested dicts copied, never shared)."""
    out = dict(data)
    for path, value in values.items():
        *parents, last = path.split(".")
        target = out
        for key in parents:
            target[key] = dict(target[key])
            target = target[key]
        target[last] = value
    return out


def _plain(data: dict, path: str) -> bool:
    value = _get(data, path)
    return isinstance(value, str) and not is_sealed(value)


def seal_envelopes(envelopes: list[Envelope], vault, subjects: list[str | None],
                   ats: list[datetime | None] | None = None) -> list[Envelope]:
    """Each envelope with its personal plaintexts sealed under its subject's key for the month of
    its `at` (the data's own time; default occurred_at), so retention shreds it with that month.
    One vault query for the keys of the whole batch."""
    ats = ats or [None] * len(envelopes)
    places = [(i, path) for i, env in enumerate(envelopes)
              for path in personal_fields_of(env.event_type) if _plain(env.data, path)]
    if not places:
        return list(envelopes)
    sealed = vault.seal_many([(subjects[i], ats[i] or envelopes[i].occurred_at,
                               _get(envelopes[i].data, path)) for i, path in places])
    changes: dict[int, dict] = {}
    for (i, path), token in zip(places, sealed):
        changes.setdefault(i, {})[path] = token
    return [replace(env, data=_with(env.data, changes[i])) if i in changes else env
            for i, env in enumerate(envelopes)]


def seal_envelope(envelope: Envelope, vault, subject: str | None,
                  at: datetime | None = None) -> Envelope:
    return seal_envelopes([envelope], vault, [subject], [at])[0]


def open_envelope(envelope: Envelope, vault) -> Envelope:
    return open_envelopes([envelope], vault)[0]


def open_envelopes(envelopes: list[Envelope], vault) -> list[Envelope]:
    """Each envelope with its sealed fields opened (None where the key is gone): one vault query
    for the whole batch."""
    places = [(i, path, value) for i, env in enumerate(envelopes)
              for path in personal_fields_of(env.event_type)
              if is_sealed(value := _get(env.data, path))]
    if not places:
        return list(envelopes)
    opened = vault.open_many([value for _, _, value in places])
    changes: dict[int, dict] = {}
    for (i, path, _), plain in zip(places, opened):
        changes.setdefault(i, {})[path] = plain
    return [replace(env, data=_with(env.data, changes[i])) if i in changes else env
            for i, env in enumerate(envelopes)]


def open_data(event_type: str, data: dict, vault) -> dict:
    """open_envelopes for a payload outside an envelope (e.g. a webhook body)."""
    return open_envelopes([Envelope(event_type, data, "-")], vault)[0].data
