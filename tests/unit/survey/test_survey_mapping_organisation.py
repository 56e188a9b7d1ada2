"""A connector's mapping may say which organisation its tickets are for (#17)."""
import pytest

from survey_svc.connectors.intake import command_for
from survey_svc.connectors.mapping import Mapping, MappingError

FIELDS = {"ticket_id": "id", "resolved_at": "resolved", "requester_email": "email",
          "directorate": "group"}
PAYLOAD = {"id": "T-1", "resolved": "2026-03-02T10:00:00+00:00", "email": "pat@example.org",
           "group": "Highways", "council": "North"}


def _mapping(organisation) -> Mapping:
    return Mapping.from_dict({"fields": {**FIELDS, "organisation": organisation},
                              "lookups": {"councils": {"North": "north-council"}}})


@pytest.mark.parametrize("rule", [{"value": "north-council"},
                                  {"expr": "council", "lookup": "councils"}])
def test_a_constant_or_a_lookup_names_the_organisation(rule):
    assert command_for(_mapping(rule), PAYLOAD).ticket.organisation == "north-council"


def test_without_the_field_the_ticket_names_none():
    assert command_for(Mapping.from_dict({"fields": FIELDS}), PAYLOAD).ticket.organisation is None


def test_an_organisation_that_is_no_id_is_named_with_its_expression():
    with pytest.raises(MappingError) as err:
        command_for(_mapping({"expr": "council"}), {**PAYLOAD, "council": "North Council"})
    assert err.value.field == "organisation" and err.value.expression == "council"
