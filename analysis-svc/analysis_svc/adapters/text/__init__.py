"""Text analysis for IT-service feedback: PII redaction, sentiment, themes."""
from .analyser import Analyser, TextAnalysis, build_analyser
from .discovery import DiscoveredTheme, discover_themes
from .redaction import redact
from .taxonomy import TAXONOMY, Theme, explain_themes, match_themes

__all__ = [
    "Analyser", "DiscoveredTheme", "TAXONOMY", "TextAnalysis", "Theme", "build_analyser",
    "discover_themes", "explain_themes", "match_themes", "redact",
]
