"""The outside systems the service layer talks to, each behind a small protocol."""
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Protocol, Sequence


@dataclass(frozen=True)
class TextAnalysis:
    label: str  # "negative" | "neutral" | "positive"
    compound: float  # in [-1, 1]
    themes: list[str] = field(default_factory=list)
    redacted: str | None = None
    disagreement: bool = False


class AnalysisItem(NamedTuple):
    """What analyse_many takes: a (text, requester_name, score) triple."""

    text: str | None
    requester_name: str | None = None
    score: int | None = None


class TextAnalyser(Protocol):
    """Redaction, sentiment and themes (implemented in adapters/text)."""

    def analyse(self, text: str | None, *, requester_name: str | None = None,
                score: int | None = None) -> TextAnalysis: ...

    def analyse_many(self, items: Iterable[AnalysisItem]) -> list[TextAnalysis]: ...

    def learn(self, texts: Sequence[str], scores: Sequence[int]) -> None: ...


class Publisher(Protocol):
    def publish_many(self, envelopes: Sequence) -> None: ...


class Clock(Protocol):
    def now(self): ...
