"""Unit tests of custseg.segmentation and custseg.clv: policy, clustering, stable codes, hysteresis."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from custseg.btyd import simulate_bg_nbd
from custseg.clv import predict_clv
from custseg.segmentation import (
    Assignment,
    CatalogEntry,
    ClusteringConfig,
    FeatureSpec,
    PolicyError,
    apply_hysteresis,
    build_assignments,
    build_run_table,
    catalog_entries,
    fit_segmentation,
    parse_profile,
    previous_run_from_record,
    validate_policy,
)

FEATURES = (FeatureSpec("spend", 1.0, "log1p"), FeatureSpec("margin", 1.0), FeatureSpec("tickets", 1.0))
CATALOG = [
    CatalogEntry("SEG-BIG", {"spend": 2.0, "tickets": -0.5}),
    CatalogEntry("SEG-CARE", {"tickets": 2.0, "margin": -1.0}),
    CatalogEntry("SEG-SMALL", {"spend": -1.0, "tickets": -0.5}),
    CatalogEntry("SEG-SPARE", {"margin": 2.0, "tickets": -1.0}),
]
CENTERS = {"big": (5000.0, 0.35, 0.2), "care": (500.0, 0.10, 3.0), "small": (50.0, 0.30, 0.1)}


def blobs(n_per: int = 400, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    """Three well separated groups of customers; `shift` moves every group a little."""
    rng = np.random.default_rng(seed)
    frames = []
    for label, (spend, margin, tickets) in CENTERS.items():
        frames.append(
            pd.DataFrame(
                {
                    "spend": spend * (1 + shift) * rng.lognormal(0, 0.2, n_per),
                    "margin": margin + shift * 0.02 + rng.normal(0, 0.02, n_per),
                    "tickets": np.abs(tickets * (1 + shift) + rng.normal(0, 0.1, n_per)),
                    "truth": label,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "customer_id", [f"C{i:06d}" for i in rng.permutation(len(frame))])
    return frame


def config(**overrides) -> ClusteringConfig:
    return ClusteringConfig(features=FEATURES, **{"n_init": 4, **overrides})


def policy_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["feature_name", "is_allowed", "use_for_clustering", "weight", "transform"])


# --- policy ----------------------------------------------------------------------------------


def test_policy_gives_the_clustering_features_in_name_order() -> None:
    specs = validate_policy(
        policy_frame([("spend", True, True, 2.0, "log1p"), ("margin", True, True, 1.0, "none"), ("tickets", True, False, 1.0, "none")]),
        ["spend", "margin", "tickets"],
    )
    assert specs == (FeatureSpec("margin", 1.0, "none"), FeatureSpec("spend", 2.0, "log1p"))


@pytest.mark.parametrize("attribute", ["birth_date", "national_id", "gender"])
def test_sensitive_attributes_are_refused_even_when_allowed(attribute: str) -> None:
    policy = policy_frame([("spend", True, True, 1.0, "none"), ("margin", True, True, 1.0, "none"), (attribute, True, True, 1.0, "none")])
    with pytest.raises(PolicyError, match=f"{attribute} is a sensitive attribute.*segmentation_feature_policy.csv"):
        validate_policy(policy, ["spend", "margin", attribute])


def test_columns_tagged_pii_are_refused() -> None:
    policy = policy_frame([("spend", True, True, 1.0, "none"), ("margin", True, True, 1.0, "none"), ("loyalty_card", True, True, 1.0, "none")])
    with pytest.raises(PolicyError, match="loyalty_card is a sensitive attribute"):
        validate_policy(policy, ["spend", "margin", "loyalty_card"], pii_columns=["loyalty_card"])


def test_every_policy_problem_is_reported_at_once() -> None:
    policy = policy_frame(
        [
            ("spend", False, True, 1.0, "none"),
            ("margin", True, True, 0.0, "none"),
            ("tickets", True, True, 1.0, "sqrt"),
            ("shoe_size", True, True, 1.0, "none"),
        ]
    )
    with pytest.raises(PolicyError) as error:
        validate_policy(policy, ["spend", "margin", "tickets"])
    message = str(error.value)
    for expected in ("spend is marked is_allowed=false", "margin needs a positive weight", "'sqrt' is not one of", "shoe_size is not a column"):
        assert expected in message


def test_bad_configuration_fails_fast() -> None:
    with pytest.raises(PolicyError, match="within 2..6"):
        config(k_max=7)
    with pytest.raises(PolicyError, match="criterion 'elbow'"):
        config(criterion="elbow")
    with pytest.raises(PolicyError, match="feature:direction"):
        parse_profile("spend+1")


# --- clustering ------------------------------------------------------------------------------


def test_clustering_recovers_planted_groups_and_names_them_by_profile() -> None:
    frame = blobs()
    run = fit_segmentation(frame, config(), CATALOG, "2026-10-31")
    assert run.k == 3
    record = run.to_record()
    assignment = build_assignments(frame.assign(is_clusterable=True), _runs_with(record), None, 0.15)
    labels = frame[["customer_id", "truth"]].merge(assignment, on="customer_id")
    assert adjusted_rand_score(labels["truth"], labels["cluster_segment_code"]) > 0.99
    named = labels.groupby("truth")["cluster_segment_code"].agg(lambda s: s.mode()[0]).to_dict()
    assert named == {"big": "SEG-BIG", "care": "SEG-CARE", "small": "SEG-SMALL"}
    # Centroids come back in the features' own units.
    big = dict(zip(record["feature_names"], record["centroids"]["SEG-BIG"]))
    assert 4000 < big["spend"] < 6000 and 0.3 < big["margin"] < 0.4


def test_clustering_is_deterministic_and_independent_of_row_order() -> None:
    frame = blobs()
    first = fit_segmentation(frame, config(), CATALOG, "2026-10-31").to_record()
    second = fit_segmentation(frame.sample(frac=1.0, random_state=3), config(), CATALOG, "2026-10-31").to_record()
    assert first == second


def test_codes_follow_the_previous_run_when_the_data_moves_a_little() -> None:
    first = fit_segmentation(blobs(seed=0), config(), CATALOG, "2026-09-30")
    # A catalog in another order would name the clusters differently from scratch ...
    shuffled = [CATALOG[2], CATALOG[0], CATALOG[3], CATALOG[1]]
    moved = blobs(seed=1, shift=0.05)
    previous = previous_run_from_record(first.to_record())
    second = fit_segmentation(moved, config(), shuffled, "2026-10-31", previous)
    # ... but matching the previous centroids keeps every code on its group.
    for code in first.segment_codes:
        a = first.centroids_original[first.segment_codes.index(code)]
        b = second.centroids_original[second.segment_codes.index(code)]
        assert abs(np.log(a[0]) - np.log(b[0])) < 0.2
    assert set(second.matched_previous.values()) == {"previous run's centroid"}


def test_a_retired_segment_is_never_assigned_again() -> None:
    first = fit_segmentation(blobs(seed=0), config(), CATALOG, "2026-09-30")
    big = first.segment_codes.index("SEG-BIG")
    # SEG-BIG is retired; the catalog seed keeps it (with retired_on) so history stays resolvable.
    seed = pd.DataFrame(
        {
            "segment_code": [c.segment_code for c in CATALOG] + ["SEG-LARGE"],
            "assignment_source": "cluster",
            "profile": ["spend:+2 tickets:-0.5", "tickets:+2 margin:-1", "spend:-1 tickets:-0.5", "margin:+2 tickets:-1", "spend:+2 tickets:-0.5"],
            "retired_on": [pd.Timestamp("2026-10-01"), None, None, None, None],
        }
    )
    active = catalog_entries(seed)
    assert [c.segment_code for c in active] == ["SEG-CARE", "SEG-LARGE", "SEG-SMALL", "SEG-SPARE"]
    second = fit_segmentation(blobs(seed=1), config(), active, "2026-10-31", previous_run_from_record(first.to_record()))
    assert "SEG-BIG" not in second.segment_codes
    # The group it held is named afresh from its profile; the other groups keep their codes.
    large = second.segment_codes.index("SEG-LARGE")
    assert abs(np.log(second.centroids_original[large][0]) - np.log(first.centroids_original[big][0])) < 0.2
    assert second.matched_previous["SEG-LARGE"] == "catalog profile"
    assert {c for c, how in second.matched_previous.items() if how == "previous run's centroid"} == set(first.segment_codes) - {"SEG-BIG"}


def test_previous_k_is_kept_when_nearly_as_good() -> None:
    frame = blobs()
    free = fit_segmentation(frame, config(k_max=4), CATALOG, "2026-10-31")
    assert free.k == 3
    scores = {k: v["calinski_harabasz"] for k, v in free.criterion_by_k.items()}
    held = fit_segmentation(frame, config(k_max=4, k_stability_margin=0.99), CATALOG, "2026-10-31", previous_run_from_record(
        {**free.to_record(), "k": 4}
    ))
    assert scores[4] < scores[3] and held.k == 4 and "previous run's k kept" in held.chosen_by


def test_clusters_below_the_minimum_size_are_merged() -> None:
    frame = blobs(n_per=400)
    tiny = blobs(n_per=6, seed=9).assign(spend=1e6, customer_id=lambda f: "T" + f["customer_id"])
    run = fit_segmentation(pd.concat([frame, tiny]), config(k_min=4, k_max=4, min_segment_share=0.02), CATALOG, "2026-10-31")
    assert run.k == 3 and run.merged_small_clusters == 1
    assert min(run.segment_sizes.values()) >= 0.02 * run.rows_clustered


def test_agglomerative_option_finds_the_same_groups() -> None:
    frame = blobs()
    run = fit_segmentation(frame, config(algorithm="agglomerative"), CATALOG, "2026-10-31")
    assignment = build_assignments(frame.assign(is_clusterable=True), _runs_with(run.to_record()), None, 0.0)
    labels = frame.merge(assignment, on="customer_id")
    assert run.k == 3 and adjusted_rand_score(labels["truth"], labels["cluster_segment_code"]) > 0.99


def test_weights_let_cost_to_serve_pull_customers_apart() -> None:
    """Big spenders, some of them costly to serve on thinner margins: a heavy cost weight splits them off."""
    rng = np.random.default_rng(5)
    n = 300
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(3 * n)],
            "spend": np.r_[rng.lognormal(8, 0.6, 2 * n), rng.lognormal(4, 0.6, n)],
            "margin": np.r_[rng.normal(0.3, 0.08, n), rng.normal(0.25, 0.08, n), rng.normal(0.3, 0.08, n)],
            "cost_to_serve": np.r_[rng.normal(10, 3, n), rng.normal(22, 3, n), rng.normal(10, 3, n)],
        }
    )
    costly = np.r_[np.zeros(n), np.ones(n), np.zeros(n)].astype(bool)
    catalog = [CatalogEntry(f"SEG-{i}", {}) for i in range(6)]

    def split_quality(cost_weight: float) -> float:
        features = (FeatureSpec("cost_to_serve", cost_weight), FeatureSpec("margin", 1.0), FeatureSpec("spend", 1.0, "log1p"))
        run = fit_segmentation(frame, ClusteringConfig(features=features, k_min=3, k_max=3, n_init=4), catalog, "2026-10-31")
        labels = build_assignments(frame.assign(is_clusterable=True), _runs_with(run.to_record()), None, 0.0)["cluster_segment_code"]
        return adjusted_rand_score(costly[: 2 * n], labels.to_numpy()[: 2 * n])

    assert split_quality(2.0) > 0.8 > 0.2 > split_quality(0.2)


# --- hysteresis ------------------------------------------------------------------------------


def test_hysteresis_keeps_customers_unless_the_new_segment_is_better_by_the_margin() -> None:
    assignment = Assignment(
        customer_ids=np.array(["A", "B", "C", "D"]),
        codes=["S1", "S2"],
        distances=np.array([[1.0, 0.95], [1.0, 0.5], [1.0, 0.9], [2.0, 1.0]]),
    )
    previous = pd.Series({"A": "S1", "B": "S1", "D": "S9"})
    out = apply_hysteresis(assignment, previous, margin=0.15).set_index("customer_id")
    assert out.loc["A", "segment_code"] == "S1" and out.loc["A", "hysteresis_applied"]  # 5% nearer: stays
    assert out.loc["B", "segment_code"] == "S2" and not out.loc["B", "hysteresis_applied"]  # 50% nearer: moves
    assert out.loc["C", "segment_code"] == "S2"  # new customer: nearest
    assert out.loc["D", "segment_code"] == "S2"  # previous segment is gone: nearest
    with pytest.raises(PolicyError, match="hysteresis_margin"):
        apply_hysteresis(assignment, previous, margin=1.5)


def test_rebuilding_on_the_same_data_reuses_the_run_and_moves_nobody() -> None:
    frame = blobs()
    eligible = frame.assign(is_clusterable=True)
    runs = build_run_table(eligible, config(), CATALOG, "2026-10-31", None, pd.Timestamp("2026-11-01"))
    first = build_assignments(eligible, runs, None, 0.15)
    again = build_run_table(eligible, config(), CATALOG, "2026-10-31", runs, pd.Timestamp("2026-11-02"))
    pd.testing.assert_frame_equal(runs, again)
    second = build_assignments(eligible, again, first[["customer_id", "cluster_segment_code"]], 0.15)
    assert (first["cluster_segment_code"] == second["cluster_segment_code"]).all()


def test_a_new_run_links_to_the_previous_one_and_few_customers_move() -> None:
    frame = blobs()
    eligible = frame.assign(is_clusterable=True)
    runs = build_run_table(eligible, config(), CATALOG, "2026-09-30", None, pd.Timestamp("2026-10-01"))
    first = build_assignments(eligible, runs, None, 0.15)
    rng = np.random.default_rng(2)
    perturbed = eligible.copy()
    touched = rng.random(len(perturbed)) < 0.05
    perturbed.loc[touched, "spend"] *= rng.uniform(0.9, 1.1, touched.sum())
    runs2 = build_run_table(perturbed, config(), CATALOG, "2026-10-31", runs, pd.Timestamp("2026-11-01"))
    assert runs2["is_current"].tolist() == [False, True]
    assert runs2["previous_run_id"].iloc[1] == runs2["run_id"].iloc[0]
    assert runs2["adjusted_rand_index_vs_previous"].iloc[1] > 0.99
    second = build_assignments(perturbed, runs2, first[["customer_id", "cluster_segment_code"]], 0.15)
    moved = (first.set_index("customer_id")["cluster_segment_code"] != second.set_index("customer_id")["cluster_segment_code"]).mean()
    assert moved <= 0.02


def test_too_few_customers_are_recorded_as_an_unclustered_run() -> None:
    few = blobs(n_per=4).assign(is_clusterable=True)
    runs = build_run_table(few, config(), CATALOG, "2026-10-31", None, pd.Timestamp("2026-11-01"))
    assert runs["k"].tolist() == [0] and runs["is_current"].tolist() == [True]
    assert "12 customers qualify, at least 30 are needed" in runs["chosen_by"].iloc[0]
    assert build_assignments(few, runs, None, 0.15).empty
    # Once enough customers arrive, the next run clusters them (nothing to align with before it).
    runs2 = build_run_table(blobs().assign(is_clusterable=True), config(), CATALOG, "2026-11-30", runs, pd.Timestamp("2026-12-01"))
    assert runs2["k"].tolist() == [0, 3] and runs2["previous_run_id"].iloc[1] == runs["run_id"].iloc[0]


def _runs_with(record: dict) -> pd.DataFrame:
    return pd.DataFrame({"run_id": [record["run_id"]], "is_current": [True], "as_of_date": ["2026-10-31"], "run_record": [json.dumps(record)]})


# --- CLV -------------------------------------------------------------------------------------


def test_predicted_clv_recovers_the_simulated_purchase_process() -> None:
    simulated = simulate_bg_nbd(3000, r=0.8, alpha=40.0, a=0.5, b=4.0, T=365.0, seed=1)
    summary = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(3000)],
            "as_of_date": "2026-10-31",
            "frequency": simulated["frequency"],
            "recency_days": simulated["recency"],
            "customer_age_days": simulated["T"],
            "monetary_value_usd": np.where(simulated["frequency"] > 0, np.random.default_rng(2).gamma(4.0, 25.0, 3000), 0.0),
        }
    )
    clv = predict_clv(pd.concat([summary, summary.head(1).assign(customer_id="NEVER", customer_age_days=np.nan)]), 12, 0.01)
    assert "NEVER" not in set(clv["customer_id"])  # no purchase, no prediction
    assert clv["bg_nbd_r"].iloc[0] == pytest.approx(0.8, rel=0.25)
    assert clv["bg_nbd_alpha"].iloc[0] == pytest.approx(40.0, rel=0.3)
    assert (clv["predicted_clv_usd"] >= 0).all() and clv["probability_alive"].between(0, 1).all()
    # More past purchases, more expected future purchases (same age and recency).
    frequent = clv.merge(summary, on="customer_id")
    top = frequent[frequent["frequency"] >= frequent["frequency"].quantile(0.9)]["expected_purchases"].mean()
    assert top > 2 * frequent["expected_purchases"].mean()
    assert (clv["clv_model_status"] == "fitted").all()
    with pytest.raises(ValueError, match="clv_horizon_months"):
        predict_clv(summary, 0, 0.01)


def test_clv_is_left_null_with_a_reason_when_the_data_cannot_support_a_fit() -> None:
    one_time_buyers = pd.DataFrame(
        {"customer_id": ["A", "B"], "as_of_date": "2026-10-31", "frequency": [0, 0], "recency_days": [0, 0],
         "customer_age_days": [30, 60], "monetary_value_usd": [0.0, 0.0]}
    )
    clv = predict_clv(one_time_buyers, 12, 0.01)
    assert clv["predicted_clv_usd"].isna().all() and clv["expected_purchases"].isna().all()
    assert clv["clv_model_status"].str.startswith("not fitted").all()
    assert predict_clv(one_time_buyers.iloc[0:0], 12, 0.01).empty
