"""The text an answer keeps once its comment is gone (erased, past retention, or rebuilt from its
recorded reading): the figures count it as commented still, so an amendment subtracts exactly
what it added and the rollups never drift."""

ERASED_COMMENT = "[comment no longer held]"
