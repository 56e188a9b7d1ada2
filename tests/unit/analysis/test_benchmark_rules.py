"""The benchmarking view's peer statistics and small-cell rules (domain.benchmarks, #17)."""
from analysis_svc.domain.benchmarks import (MIN_ANSWERS, MIN_PEERS, Cell, benchmark,
                                            peer_statistics)

NAMES = {"a": "Council A", "b": "Council B", "c": "Council C", "d": "Council D",
         "e": "Council E"}


def _cells(**figures) -> list[Cell]:
    """org=(responses, satisfied)."""
    return [Cell(org, n, s) for org, (n, s) in figures.items()]


def test_own_figure_beside_the_peer_median_and_quartiles():
    row = benchmark("a", _cells(a=(20, 15), b=(10, 5), c=(40, 30), d=(20, 18)), set(), NAMES)
    assert (row["responses"], row["csat"], row["suppressed"]) == (20, 0.75, False)
    assert row["peers"] == 3 and not row["peer_suppressed"]
    assert (row["peer_q1"], row["peer_median"], row["peer_q3"]) == (0.625, 0.75, 0.825)
    assert row["named_peers"] == []


def test_quartiles_are_the_inclusive_ones():
    assert peer_statistics([0.1, 0.2, 0.3, 0.4, 0.5]) == {
        "peers": 5, "peer_q1": 0.2, "peer_median": 0.3, "peer_q3": 0.4, "peer_suppressed": False}


def test_an_own_cell_under_the_minimum_is_suppressed():
    row = benchmark("a", _cells(a=(MIN_ANSWERS - 1, 9), b=(10, 5), c=(10, 6), d=(10, 7)),
                    set(), NAMES)
    assert row["suppressed"] and row["csat"] is None and row["responses"] is None
    assert row["peer_median"] == 0.6  # the peers' view does not depend on one's own size


def test_a_peer_under_the_minimum_is_left_out_of_the_distribution():
    row = benchmark("a", _cells(a=(20, 10), b=(10, 5), c=(10, 6), d=(10, 7), e=(9, 0)),
                    set(), NAMES)
    assert row["peers"] == 3 and row["peer_median"] == 0.6


def test_fewer_than_three_peers_gives_no_statistic():
    row = benchmark("a", _cells(a=(20, 10), b=(10, 5), c=(10, 6), d=(9, 9)), set(), NAMES)
    assert row["peers"] == MIN_PEERS - 1 and row["peer_suppressed"]
    assert row["peer_q1"] is row["peer_median"] is row["peer_q3"] is None
    assert peer_statistics([0.5])["peer_median"] is None
    assert peer_statistics([])["peers"] == 0


def test_the_own_organisation_is_never_its_own_peer():
    row = benchmark("a", _cells(a=(100, 100), b=(10, 5), c=(10, 6)), set(), NAMES)
    assert row["peers"] == 2 and row["peer_suppressed"]


def test_named_figures_only_of_organisations_that_opted_in():
    cells = _cells(a=(20, 10), b=(10, 5), c=(10, 6), d=(10, 7), e=(10, 8))
    assert benchmark("a", cells, set(), NAMES)["named_peers"] == []
    everyone = benchmark("a", cells, {"a", "b", "c", "d", "e"}, NAMES)["named_peers"]
    assert [p["organisation"] for p in everyone] == ["b", "c", "d", "e"]
    assert everyone[0] == {"organisation": "b", "name": "Council B", "responses": 10, "csat": 0.5}


def test_a_suppressed_peer_is_never_named():
    row = benchmark("a", _cells(a=(20, 10), b=(9, 5), c=(10, 6)), {"b", "c"}, NAMES)
    assert [p["organisation"] for p in row["named_peers"]] == ["c"]


def test_names_are_withheld_when_they_would_give_the_un_named_rest_away():
    # b and c named beside d's and e's unnamed figures and the quartiles: d and e could be
    # solved for, so no one is named; with three unnamed peers the names may show.
    four = _cells(a=(20, 10), b=(10, 5), c=(10, 6), d=(10, 7), e=(10, 8))
    assert benchmark("a", four, {"b", "c"}, NAMES)["named_peers"] == []
    three_unnamed = benchmark("a", four, {"b"}, NAMES)
    assert [p["organisation"] for p in three_unnamed["named_peers"]] == ["b"]
    # no statistic (two peers): a named peer reveals nothing of the other
    two = benchmark("a", _cells(a=(20, 10), b=(10, 5), c=(10, 6)), {"b"}, NAMES)
    assert [p["organisation"] for p in two["named_peers"]] == ["b"]
