"""The structure's mapping (#17): answers placed as they were and as they are now."""
from datetime import date

import pytest

from analysis_svc.domain.structure import (Named, Node, Organisation, Reorganisation, SplitRule,
                                           Structure, StructureError, normalised)
from analysis_svc.domain.structure_rules import check_change, check_dates

D = date(2023, 4, 1)
TODAY = date(2026, 1, 1)
ORGS = [Organisation("county", "County"), Organisation("north", "North"),
        Organisation("west", "West")]


def node(node_id, name, org="county", start=None, end=None):
    return Node(node_id, org, (Named(name, start, end),))


NODES = [node("adults", "Adults", end=D), node("n-adults", "North Adults", "north", D),
         node("w-adults", "West Adults", "west", D), node("housing", "Housing"),
         node("planning", "Planning"), node("place", "Place", start=D)]
SPLIT = Reorganisation("split", D, ("adults",), ("n-adults", "w-adults"),
                       SplitRule("service", {"care north": "n-adults"}, "w-adults"), id=1)
MERGE = Reorganisation("merge", D, ("housing", "planning"), ("place",), id=2)


def structure(*changes, aliases=None):
    return Structure(ORGS, NODES, aliases or {}, changes)


def test_names_compare_without_case_or_spacing():
    assert normalised("  North   ADULTS ") == "north adults"
    assert structure().resolve("north   adults", D).id == "n-adults"


def test_a_split_places_the_past_by_the_rule_and_leaves_as_was_alone():
    s = structure(SPLIT)
    before = date(2023, 3, 31)
    assert s.as_now("Adults", before, TODAY, {"service": "Care North"}).name == "North Adults"
    assert s.as_now("Adults", before, TODAY, {"service": "Anything"}).name == "West Adults"
    assert s.as_was("Adults", before) == s.as_was("adults", before)
    assert s.as_was("Adults", before).name == "Adults"
    # an answer given under the new names is already where it belongs
    assert s.as_now("North Adults", D, TODAY, {"service": "x"}).name == "North Adults"


def test_effective_dates_on_the_boundary():
    s = structure(MERGE)
    day_before = date(2023, 3, 31)
    assert s.as_now("Housing", day_before, TODAY).name == "Place"
    assert s.as_now("Housing", day_before, day_before).name == "Housing"  # not yet in force
    assert s.as_now("Housing", day_before, D).name == "Place"  # in force on its day
    assert s.as_was("Housing", day_before).name == "Housing"


def test_a_merge_joins_both_sources():
    s = structure(MERGE)
    assert {s.as_now(n, date(2022, 1, 1), TODAY).node for n in ("Housing", "Planning")} == {"place"}


def test_a_rename_keeps_the_node_and_changes_the_label_from_its_day():
    s = structure(Reorganisation("rename", date(2024, 1, 1), ("housing",), ("housing",),
                                 name="Homes"), Reorganisation(
        "rename", date(2025, 1, 1), ("housing",), ("housing",), name="Homes and Estates"))
    old = date(2023, 6, 1)
    assert s.as_was("Housing", old).name == "Housing"
    assert s.as_was("Homes", date(2024, 6, 1)).name == "Homes"
    assert s.as_now("Housing", old, TODAY) == s.as_now("Homes", date(2024, 6, 1), TODAY)
    assert s.as_now("Housing", old, TODAY).name == "Homes and Estates"
    assert s.as_now("Housing", old, date(2024, 6, 1)).name == "Homes"


def test_a_move_changes_the_organisation_from_its_day():
    s = structure(Reorganisation("move", date(2024, 1, 1), ("housing",), organisation="north"))
    assert s.as_was("Housing", date(2023, 6, 1)).organisation == "county"
    assert s.as_now("Housing", date(2023, 6, 1), TODAY).organisation == "north"
    assert s.as_now("Housing", date(2023, 6, 1), TODAY).name == "Housing"


def test_chains_apply_in_date_order():
    later = Reorganisation("rename", date(2024, 1, 1), ("n-adults",), ("n-adults",),
                           name="North Care")
    s = structure(later, SPLIT)  # given out of order
    assert s.as_now("Adults", date(2022, 1, 1), TODAY,
                    {"service": "care north"}).name == "North Care"


def test_unknown_names_are_kept_and_aliases_map_them():
    s = structure()
    assert s.as_now("Adlts", D, TODAY) .name == "Adlts" and not s.as_now("Adlts", D, TODAY).known
    mapped = structure(aliases={"ADLTS": "housing"})
    assert mapped.as_now("adlts", D, TODAY).name == "Housing"


def test_a_stale_name_still_follows_its_node():
    s = structure(SPLIT)
    after = date(2023, 5, 1)
    assert s.as_now("Adults", after, TODAY, {"service": "care north"}).name == "North Adults"


def test_markers_label_each_change():
    marks = structure(SPLIT).markers(TODAY)
    assert [(m.date, m.kind) for m in marks] == [(D, "split")]
    assert marks[0].names == {"Adults", "North Adults", "West Adults"}
    assert structure(SPLIT).markers(date(2023, 3, 31)) == []


def _faults(change, known=None, *changes):
    with pytest.raises(StructureError) as err:
        check_change(structure(*changes), change, known)
    return err.value.errors


def test_a_split_rule_must_cover_every_value_seen_and_reach_every_target():
    no_default = Reorganisation("split", D, ("adults",), ("n-adults", "w-adults"),
                                SplitRule("service", {"a": "n-adults", "b": "w-adults"}))
    assert "rule" in _faults(no_default, {"adults": {"a", "b", "c"}})
    check_change(structure(), no_default, {"adults": {"A", "b"}})
    one_target = Reorganisation("split", D, ("adults",), ("n-adults", "w-adults"),
                                SplitRule("service", {"a": "n-adults"}))
    assert "rule" in _faults(one_target)


def test_unknown_nodes_and_reversed_dates_are_refused():
    assert "sources" in _faults(Reorganisation("merge", D, ("nope", "housing"), ("place",)))
    early = Reorganisation("rename", date(2022, 1, 1), ("n-adults",), ("n-adults",), name="X")
    assert "effective" in _faults(early, None, SPLIT)
    again = Reorganisation("merge", date(2024, 1, 1), ("adults", "housing"), ("place",))
    assert "effective" in _faults(again, None, SPLIT)
    with pytest.raises(StructureError):
        check_dates(date(2024, 1, 2), date(2024, 1, 1))
    assert "organisation" in _faults(Reorganisation("move", D, ("housing",), organisation="x"))
