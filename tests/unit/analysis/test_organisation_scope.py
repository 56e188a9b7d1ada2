"""Which names an organisation's partners may see: resolved from the structure at request time."""
from datetime import date

import pytest

from analysis_svc.domain.organisation_scope import organisation_names
from analysis_svc.domain.sign_on import Grant, grant_for_groups, parse_group_scopes
from analysis_svc.domain.structure import Named, Node, Organisation, Reorganisation, Structure
from analysis_svc.service_layer.auth import ADMIN, Access, Unauthorised, access_for, scope_for

TODAY = date(2024, 6, 1)
MOVE_DAY = date(2024, 4, 1)


def _structure(*changes, aliases=None):
    orgs = [Organisation("a", "Ashby Council"), Organisation("b", "Brindle Council"),
            Organisation("empty", "No Directorates Yet")]
    nodes = [Node("a-people", "a", (Named("People"),)),
             Node("a-place", "a", (Named("Place"),)),
             Node("a-place-roads", "a", (Named("Roads"),), "service", "a-place"),
             Node("b-care", "b", (Named("Care and Health"),)),
             Node("b-ways", "b", (Named("Highways"),))]
    return Structure(orgs, nodes, aliases or {}, changes)


def test_every_name_alias_and_renamed_name_of_the_organisation():
    rename = Reorganisation("rename", date(2024, 1, 1), ("a-people",), name="Adults and Children",
                            id=1)
    names = organisation_names(_structure(rename, aliases={"PPL": "a-people"}), {"a"}, TODAY)
    assert names == {"People", "Adults and Children", "ppl", "Place"}


def test_services_are_not_directorate_names():
    assert "Roads" not in organisation_names(_structure(), {"a"}, TODAY)


def test_stored_spellings_of_its_names_count_and_others_do_not():
    names = organisation_names(_structure(), {"a"}, TODAY,
                               stored=["PEOPLE ", "place", "Highways", "Unknown Team"])
    assert names == {"People", "PEOPLE ", "Place", "place"}


def test_a_moved_directorate_belongs_to_the_receiver_from_the_move_on():
    move = Reorganisation("move", MOVE_DAY, ("b-ways",), organisation="a", id=1)
    structure = _structure(move)
    assert "Highways" in organisation_names(structure, {"a"}, TODAY)
    assert "Highways" not in organisation_names(structure, {"b"}, TODAY)
    before = date(2024, 3, 31)
    assert "Highways" not in organisation_names(structure, {"a"}, before)
    assert "Highways" in organisation_names(structure, {"b"}, before)


def test_a_name_that_also_means_another_organisations_directorate_is_left_out():
    structure = _structure(aliases={"place": "b-care"})  # B's alias collides with A's name
    assert "Place" not in organisation_names(structure, {"a"}, TODAY)
    assert "place" not in organisation_names(structure, {"b"}, TODAY)
    assert organisation_names(structure, {"a", "b"}, TODAY) >= {"Place", "Highways"}


def test_an_organisation_without_directorates_sees_nothing():
    assert organisation_names(_structure(), {"empty"}, TODAY) == frozenset()
    assert organisation_names(_structure(), {"no-such-org"}, TODAY) == frozenset()
    assert access_for((), ("empty",), lambda orgs: frozenset()) == Access(frozenset(),
                                                                          frozenset({"empty"}))


def test_access_is_directorates_plus_organisation_names():
    access = access_for(["Extra"], ["a"], lambda orgs: organisation_names(_structure(), orgs, TODAY))
    assert access.scope == {"Extra", "People", "Place"} and access.organisations == {"a"}
    assert not access.is_admin
    directorates_only = access_for(["Extra"], None, lambda orgs: pytest.fail("not resolved"))
    assert directorates_only == Access(frozenset({"Extra"}), frozenset())


def test_the_admin_token_is_everything_and_an_unknown_one_is_refused():
    assert scope_for("admin-secret", "admin-secret", lambda h: None) == ADMIN
    assert ADMIN.scope is None and ADMIN.organisations is None
    with pytest.raises(Unauthorised):
        scope_for("pt_nobody", "admin-secret", lambda h: None)
    with pytest.raises(Unauthorised):
        scope_for("", "admin-secret", lambda h: Access(frozenset()))


def test_groups_map_to_organisations_too():
    mapping = parse_group_scopes("admins=admin; north=org:north, Extra; west=org:west")
    assert grant_for_groups(["north", "west"], mapping) == Grant(frozenset({"Extra"}),
                                                                 frozenset({"north", "west"}))
    assert grant_for_groups(["west", "admins"], mapping) == Grant(None, None)


@pytest.mark.parametrize("raw", ["g=org:", "g=org: , Adults", "g="])
def test_a_group_mapped_to_an_empty_organisation_is_refused(raw):
    with pytest.raises(ValueError):
        parse_group_scopes(raw)
