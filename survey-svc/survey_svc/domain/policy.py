"""Survey policy: global defaults, per-organisation and per-directorate overrides, and the
deterministic sample."""
import hashlib
from dataclasses import asdict, dataclass, fields, replace
from datetime import timedelta

GLOBAL = "*"


@dataclass(frozen=True)
class Policy:
    sampling_rate: float = 100.0
    throttle_days: int = 30
    delay_minutes: int = 60
    reminder_days: int = 3
    expiry_days: int = 14
    excluded_categories: tuple[str, ...] = ()
    test_accounts: tuple[str, ...] = ()
    exclude_auto_closed: bool = True

    def __post_init__(self):
        problems = self.problems()
        if problems:
            raise PolicyInvalid(problems)

    def problems(self) -> dict[str, list[str]]:
        checks = {
            "sampling_rate": 0 <= self.sampling_rate <= 100,
            "throttle_days": 0 <= self.throttle_days <= 3650,
            "delay_minutes": 0 <= self.delay_minutes <= 60 * 24 * 30,
            "reminder_days": 0 <= self.reminder_days <= 365,
            "expiry_days": 1 <= self.expiry_days <= 365,
        }
        problems = {name: ["Out of range."] for name, ok in checks.items() if not ok}
        if not problems and self.reminder_days >= self.expiry_days:
            problems["reminder_days"] = ["Must be shorter than expiry_days."]
        return problems

    @property
    def delay(self) -> timedelta:
        return timedelta(minutes=self.delay_minutes)

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


class PolicyInvalid(ValueError):
    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("invalid policy")
        self.problems = problems


POLICY_FIELDS = tuple(f.name for f in fields(Policy))


def effective(defaults: Policy, override: dict) -> Policy:
    """The defaults with a directorate's overridden fields applied."""
    known = {k: tuple(v) if isinstance(v, list) else v
             for k, v in override.items() if k in POLICY_FIELDS}
    return replace(defaults, **known)


def layered(*overrides: dict) -> Policy:
    """Global, then organisation, then directorate overrides: the most specific wins per field.

    Only the result is validated: a layer may rely on a more specific one to stay consistent.
    """
    merged = {}
    for layer in overrides:
        merged.update(layer or {})
    return effective(Policy(), merged)


def in_sample(ticket_id: str, rate: float) -> bool:
    """Deterministic per ticket: a replay decides the same way."""
    if rate >= 100:
        return True
    digest = hashlib.sha256(ticket_id.encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") / 2**64 * 100
    return bucket < rate

