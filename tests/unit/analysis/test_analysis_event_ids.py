"""Stable event ids stay uuid5(NAMESPACE, "|".join(parts)): ids already published must not move."""
import uuid

import pytest

from analysis_svc.domain.alerts import NAMESPACE, stable_event_id


@pytest.mark.parametrize("parts", [("scored", "r-1", "1"), ("alert", "det-r-1"), ("",),
                                   ("scored", "réponse ✓", "12"), ("a|b", "c")])
def test_a_stable_id_is_the_uuid5_of_its_parts(parts):
    assert stable_event_id(*parts) == str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def test_a_known_id_does_not_move():
    assert stable_event_id("scored", "r-1", "1") == str(uuid.uuid5(
        uuid.UUID("6f1d3c8e-5a52-4b0e-9c55-2a8f3e0b7d11"), "scored|r-1|1"))
