"""custseg.identity.cluster_records: components, guards against over-merging, attachment paths."""

from __future__ import annotations

import pandas as pd
import pytest

from custseg.identity import ContradictoryStewardDecisions, cluster_records


def links(*pairs: tuple[str, str, float] | tuple[str, str, float, str]) -> pd.DataFrame:
    rows = [
        {
            "left_record_key": p[0],
            "right_record_key": p[1],
            "match_weight": p[2],
            "match_probability": 1 / (1 + 2 ** -p[2]),
            "link_rule": p[3] if len(p) > 3 else "probabilistic",
        }
        for p in pairs
    ]
    return pd.DataFrame(rows, columns=["left_record_key", "right_record_key", "match_weight", "match_probability", "link_rule"])


def cannot(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["left_record_key", "right_record_key"])


def clusters_of(frame: pd.DataFrame) -> list[list[str]]:
    return sorted(sorted(g["source_record_key"]) for _, g in frame.groupby("cluster_key"))


def test_a_long_chain_is_one_cluster_named_by_its_smallest_key() -> None:
    keys = [f"r{i:05d}" for i in range(5000)]
    chain = links(*[(keys[i], keys[i + 1], 20.0) for i in range(len(keys) - 1)])
    result = cluster_records(keys, chain, max_cluster_size=10_000)
    assert result["cluster_key"].nunique() == 1
    assert set(result["cluster_key"]) == {"r00000"}
    assert (result["cluster_size"] == 5000).all()


def test_unlinked_records_are_single_clusters() -> None:
    result = cluster_records(["a", "b", "c"], links(("a", "b", 15.0)))
    assert clusters_of(result) == [["a", "b"], ["c"]]
    single = result.set_index("source_record_key").loc["c"]
    assert single["cluster_size"] == 1 and pd.isna(single["linked_to_record_key"])


def test_a_cannot_link_is_never_bridged_through_a_chain() -> None:
    # a-b and b-c are strong links; a steward says a and c are different customers.
    result = cluster_records(["a", "b", "c"], links(("a", "b", 30.0), ("b", "c", 10.0)), cannot(("a", "c")))
    assert clusters_of(result) == [["a", "b"], ["c"]]  # the weaker link b-c is the one refused
    assert set(result["review_reason"]) == {"cannot_link"}


def test_an_oversized_component_is_split_at_its_weakest_links_and_flagged() -> None:
    # Two tight groups of four joined by one weak link; the limit is five records.
    group_a = [("a1", "a2", 20.0), ("a2", "a3", 20.0), ("a3", "a4", 20.0)]
    group_b = [("b1", "b2", 20.0), ("b2", "b3", 20.0), ("b3", "b4", 20.0)]
    keys = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4", "z"]
    result = cluster_records(keys, links(*group_a, *group_b, ("a4", "b1", 7.0)), max_cluster_size=5)
    assert clusters_of(result) == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"], ["z"]]
    flagged = result.set_index("source_record_key")["review_reason"]
    assert flagged["a1"] == "cluster_size_limit" and flagged["b4"] == "cluster_size_limit"
    assert pd.isna(flagged["z"])


def test_must_links_ignore_the_size_limit_but_contradictions_fail_fast() -> None:
    must = links(("a", "b", 1.0, "steward_must_link"), ("b", "c", 1.0, "steward_must_link"))
    result = cluster_records(["a", "b", "c"], must, cannot(("a", "z")), max_cluster_size=2)
    assert clusters_of(result) == [["a", "b", "c"]]
    with pytest.raises(ContradictoryStewardDecisions, match="identity_link_decisions"):
        cluster_records(["a", "b", "c"], must, cannot(("a", "c")), max_cluster_size=10)


def test_each_record_is_attached_through_its_strongest_path() -> None:
    result = cluster_records(
        ["a", "b", "c"], links(("a", "b", 25.0, "exact_email"), ("a", "c", 5.0), ("b", "c", 18.0, "exact_phone"))
    ).set_index("source_record_key")
    assert pd.isna(result.loc["a", "link_rule"])
    assert result.loc["b", "linked_to_record_key"] == "a" and result.loc["b", "link_rule"] == "exact_email"
    # c hangs on b (18 bits), not on a (5 bits).
    assert result.loc["c", "linked_to_record_key"] == "b" and result.loc["c", "link_rule"] == "exact_phone"


def test_the_result_does_not_depend_on_input_order() -> None:
    pairs = links(("a", "b", 12.0), ("b", "c", 12.0), ("c", "a", 12.0), ("d", "e", 9.0))
    first = cluster_records(["e", "d", "c", "b", "a"], pairs)
    second = cluster_records(["a", "b", "c", "d", "e"], pairs.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(first, second)


def test_links_to_unknown_records_and_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="not among the party records"):
        cluster_records(["a"], links(("a", "ghost", 10.0)))
    with pytest.raises(ValueError, match="identity_max_cluster_size"):
        cluster_records(["a"], links(), max_cluster_size=1)


def test_record_numbers_give_the_same_clusters_as_keys() -> None:
    keys = ["k1", "k2", "k3", "k4", "k5"]
    pairs = links(("k1", "k3", 12.0), ("k3", "k5", 8.0, "exact_phone"), ("k2", "k4", 3.0))
    numbers = {k: i * 10 for i, k in enumerate(keys)}  # sorts like the keys, need not be dense
    numbered = pairs.assign(
        left_record_number=pairs["left_record_key"].map(numbers), right_record_number=pairs["right_record_key"].map(numbers)
    )
    by_key = cluster_records(keys, pairs)
    by_number = cluster_records(keys, numbered, record_numbers=pd.Series([numbers[k] for k in keys]))
    pd.testing.assert_frame_equal(by_key, by_number)
    with pytest.raises(ValueError, match="record number"):
        cluster_records(keys, numbered.assign(left_record_number=999), record_numbers=pd.Series(list(numbers.values())))
