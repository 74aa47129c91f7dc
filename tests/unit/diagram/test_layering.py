"""Columns by longest path, dummies for long edges, loops set aside, packing by wish."""

from __future__ import annotations

from lanes.diagram.layering import is_dummy, layer, pack


def test_columns_follow_the_longest_path() -> None:
    layering = layer(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])

    assert layering.column_of["a"] == 0
    assert layering.column_of["c"] == 2  # a -> b -> c is longer than a -> c
    assert layering.column_of["d"] == 3


def test_a_long_edge_gets_one_dummy_per_column_it_crosses() -> None:
    layering = layer(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    (dummy_1, dummy_2) = layering.chains[("a", "d")]

    assert is_dummy(dummy_1) and is_dummy(dummy_2)
    assert layering.column_of[dummy_1] == 1 and layering.column_of[dummy_2] == 2
    assert sorted(layering.predecessors["d"]) == sorted(["c", dummy_2])


def test_a_loop_back_is_set_aside_and_layering_still_ends() -> None:
    layering = layer(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])

    assert layering.back_edges == {("c", "b")}
    assert [layering.column_of[n] for n in "abc"] == [0, 1, 2]


def test_children_are_ordered_by_their_parents_positions() -> None:
    # x's children appear in the document before w's, but x sits below w.
    edges = [("w", "p"), ("x", "q"), ("x", "r"), ("w", "s")]
    layering = layer(["w", "x", "q", "r", "p", "s"], edges)

    assert layering.columns[1] == ["p", "s", "q", "r"]


def test_pack_puts_boxes_at_their_wish_when_they_fit() -> None:
    assert pack([10, 10], [0, 100], 5) == [-5, 95]


def test_pack_centres_colliding_boxes_on_their_mean_wish() -> None:
    tops = pack([20, 20, 20], [50, 50, 50], 10)

    assert tops == [10, 40, 70]  # centres 20, 50, 80: mean 50


def test_pack_keeps_the_gap_between_merged_blocks() -> None:
    tops = pack([10, 10, 10], [0, 0, 100], 10)

    assert tops[1] - (tops[0] + 10) >= 10
    assert tops[2] == 95


def test_dummies_stop_at_the_budget_shortest_edges_first() -> None:
    chain = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")]
    layering = layer(list("abcde"), [*chain, ("a", "e"), ("b", "d")], dummy_budget=2)

    assert len(layering.chains[("b", "d")]) == 1  # spans one column: made first
    assert ("a", "e") not in layering.chains  # would need three more
    assert "a" in layering.predecessors["e"]
