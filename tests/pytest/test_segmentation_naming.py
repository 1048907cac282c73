"""Clustering on the features the data has, and segment names that describe their centroids.

Unit level, on synthetic populations shaped like real shops: orders only (order value and frequency),
everything, and everything but margin. Each test checks a run's names against the centroids it
recomputes itself from the clustered customers, not against what the code says about them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from custseg import segment_naming
from custseg.segmentation import (
    CatalogEntry,
    ClusteringConfig,
    FeatureSpec,
    PolicyError,
    build_assignments,
    build_run_table,
    catalog_entries,
    select_features,
    validate_catalog,
    validate_policy,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "segmentation"
CANDIDATES = (
    FeatureSpec("average_order_value_usd", 1.5, "log1p"),
    FeatureSpec("feature_adoption_rate", 0.5),
    FeatureSpec("gross_margin_rate", 1.5),
    FeatureSpec("orders_per_month_365d", 1.0, "log1p"),
    FeatureSpec("tickets_per_month_365d", 1.0, "log1p"),
)
# Planted groups: order value, orders a month, margin, tickets a month, adoption, days since last order.
GROUPS = {
    "partners": (2500.0, 2.0, 0.38, 0.5, 0.7, 10.0),
    "care": (600.0, 0.8, 0.12, 1.2, 0.3, 30.0),
    "core": (300.0, 0.5, 0.32, 0.1, 0.2, 40.0),
    "past_small_baskets": (14.0, 0.05, 0.28, 0.02, 0.02, 400.0),
    "digital": (60.0, 0.3, 0.55, 0.02, 0.9, 60.0),
}
SHAPES = ("orders_only", "full", "margin_absent")


def population(shape: str, n_per: int = 160, seed: int = 0, shift: float = 0.0, groups: dict | None = None) -> pd.DataFrame:
    """Customers eligible for clustering, as int_features__customer_features has them for a shape."""
    rng = np.random.default_rng(seed)
    frames = []
    for label, (aov, freq, margin, tickets, adoption, recency) in (groups or GROUPS).items():
        frames.append(
            pd.DataFrame(
                {
                    "truth": label,
                    "average_order_value_usd": aov * (1 + shift) * rng.lognormal(0, 0.25, n_per),
                    "orders_per_month_365d": freq * (1 + shift) * rng.lognormal(0, 0.25, n_per),
                    "gross_margin_rate": margin + rng.normal(0, 0.03, n_per),
                    "tickets_per_month_365d": tickets * rng.lognormal(0, 0.25, n_per),
                    "feature_adoption_rate": np.clip(adoption + rng.normal(0, 0.05, n_per), 0, 1),
                    "days_since_last_purchase": recency * rng.lognormal(0, 0.3, n_per),
                    "tenure_days": rng.uniform(200, 1500, n_per),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "customer_id", [f"C{i:06d}" for i in rng.permutation(len(frame))])
    if shape == "orders_only":  # no costs, no support, no usage feed
        frame["gross_margin_rate"] = np.nan
        frame["tickets_per_month_365d"] = 0.0
        frame["feature_adoption_rate"] = np.nan
    elif shape == "margin_absent":
        frame["gross_margin_rate"] = np.nan
    return frame


def config(**overrides) -> ClusteringConfig:
    return ClusteringConfig(features=CANDIDATES, **{"n_init": 4, **overrides})


def shipped_catalog() -> pd.DataFrame:
    return pd.read_csv(SEEDS / "segment_catalog.csv", parse_dates=["retired_on"])


def run(frame: pd.DataFrame, catalog: list[CatalogEntry], history: pd.DataFrame | None = None, as_of: str = "2026-10-31", **overrides):
    runs = build_run_table(frame, config(**overrides), catalog, as_of, history, pd.Timestamp(as_of) + pd.Timedelta(days=1),
                           taken_names=list(shipped_catalog()["segment_name"]))
    record = json.loads(runs.loc[runs["is_current"], "run_record"].iloc[0])
    return runs, record


def observed_z(frame: pd.DataFrame, runs: pd.DataFrame, record: dict) -> dict[str, dict[str, float]]:
    """Per segment, z of every clustered and descriptive feature: the segment's members' mean against
    all clustered customers, after each feature's transform, recomputed from the data."""
    clustered = frame.dropna(subset=record["required_features"])
    labels = build_assignments(clustered, runs, None, 0.0).set_index("customer_id")["cluster_segment_code"]
    clustered = clustered.assign(code=clustered["customer_id"].map(labels))
    transforms = dict(zip(record["feature_names"], record["feature_transforms"])) | {"days_since_last_purchase": "log1p", "tenure_days": "log1p"}
    out: dict[str, dict[str, float]] = {code: {} for code in record["segment_codes"]}
    for feature, transform in transforms.items():
        values = pd.to_numeric(clustered[feature], errors="coerce").fillna(record["imputation"].get(feature, np.nan))
        values = np.log1p(values) if transform == "log1p" else values
        mean, std = values.mean(), values.std(ddof=0)
        for code in out:
            out[code][feature] = float((values[clustered["code"] == code].mean() - mean) / std)
    return out


# Each word a generated name may hold, with the feature and sign of z it claims.
WORD_CLAIMS = {
    "frequent": ("orders_per_month_365d", +1),
    "occasional": ("orders_per_month_365d", -1),
    "high-spend": ("average_order_value_usd", +1),
    "small-basket": ("average_order_value_usd", -1),
    "past": ("days_since_last_purchase", +1),
    "recent": ("days_since_last_purchase", -1),
    "high-margin": ("gross_margin_rate", +1),
    "thin-margin": ("gross_margin_rate", -1),
    "service-intensive": ("tickets_per_month_365d", +1),
    "low-touch": ("tickets_per_month_365d", -1),
    "product-engaged": ("feature_adoption_rate", +1),
    "light-usage": ("feature_adoption_rate", -1),
    "long-standing": ("tenure_days", +1),
    "newer": ("tenure_days", -1),
}
TOLERANCE = 0.05  # the run's centroids and the members' means differ by k-means' last step at most


def assert_names_describe_centroids(frame: pd.DataFrame, runs: pd.DataFrame, record: dict, catalog: list[CatalogEntry]) -> None:
    z = observed_z(frame, runs, record)
    profiles = {entry.segment_code: entry.profile for entry in catalog}
    for code, segment in record["segments"].items():
        words = segment["generated_name"].lower().split()
        claims = [WORD_CLAIMS[w] for w in words if w in WORD_CLAIMS]
        for feature, sign in claims:
            assert sign * z[code][feature] >= segment_naming.NAME_THRESHOLD - TOLERANCE, (code, segment["generated_name"], feature, z[code])
        # Frequency and order value are always named when they mark the segment out.
        for feature, high, low in (("orders_per_month_365d", "frequent", "occasional"), ("average_order_value_usd", "high-spend", "small-basket")):
            if feature in record["feature_names"] and abs(z[code][feature]) >= segment_naming.NAME_THRESHOLD + TOLERANCE:
                assert (high if z[code][feature] > 0 else low) in words, (code, segment["generated_name"], z[code])
        if segment["origin"] == "catalog":
            assert segment["name"] != segment["generated_name"]
            profile = profiles[code]
            measured = {f: p for f, p in profile.items() if f in z[code]}
            assert len(measured) >= 2 and sum(map(abs, measured.values())) >= 0.75 * sum(map(abs, profile.values()))
            for feature, expected in measured.items():
                assert abs(z[code][feature] - expected) <= 1.0 + TOLERANCE, (code, feature, z[code][feature], expected)
                # Never high where the profile says below average, nor low where it says above.
                assert np.sign(expected) * z[code][feature] > -segment_naming.NAME_THRESHOLD - TOLERANCE, (code, feature, z[code])
        else:
            assert code.startswith("SEG-GEN-") and segment["name"] == segment["generated_name"]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_generated_name_describes_its_centroid(shape: str) -> None:
    frame = population(shape)
    runs, record = run(frame, [])
    assert 2 <= record["k"] <= 6
    assert all(s["origin"] == "generated" for s in record["segments"].values())
    assert_names_describe_centroids(frame, runs, record, [])
    names = [s["name"] for s in record["segments"].values()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("shape", SHAPES)
def test_catalog_names_are_used_only_where_the_centroid_matches_the_profile(shape: str) -> None:
    frame = population(shape)
    catalog = catalog_entries(shipped_catalog())
    runs, record = run(frame, catalog)
    assert_names_describe_centroids(frame, runs, record, catalog)
    origins = {s["origin"] for s in record["segments"].values()}
    if shape == "full":
        assert origins == {"catalog"}  # the catalog was written for a shop that has every source
    if shape == "orders_only":
        # Care and digital profiles lean on margin, tickets and adoption, which an orders-only shop lacks.
        assert not {"SEG-CARE", "SEG-DIGITAL"} & set(record["segment_codes"])


def test_the_issues_past_small_baskets_are_not_called_digital_self_serve() -> None:
    """An orders-only shop whose catalog was edited as in the issue (margin, tickets and adoption taken
    out of the profiles): $14 baskets of customers who stopped ordering long ago match no profile."""
    frame = population("orders_only")
    edited = shipped_catalog()
    edited.loc[edited["segment_code"] == "SEG-DIGITAL", "profile"] = "average_order_value_usd:-1 orders_per_month_365d:+0.5"
    edited.loc[edited["segment_code"] == "SEG-CARE", "profile"] = "average_order_value_usd:+1"
    catalog = catalog_entries(edited)
    runs, record = run(frame, catalog)
    z = observed_z(frame, runs, record)
    small = min(record["segment_codes"], key=lambda c: z[c]["average_order_value_usd"])
    assert record["centroids"][small][record["feature_names"].index("average_order_value_usd")] < 30
    assert small not in {"SEG-DIGITAL", "SEG-CARE"}
    assert "no match" in record["segments"][small]["catalog_verdicts"]["SEG-DIGITAL"]
    name = record["segments"][small]["name"].lower()
    assert "small-basket" in name and "occasional" in name
    # Frequent big spenders do match the partner profile: order value and frequency carry 80% of it.
    assert record["segments"]["SEG-PARTNER"]["name"] == "Strategic partners"
    assert z["SEG-PARTNER"]["average_order_value_usd"] > 1 and z["SEG-PARTNER"]["orders_per_month_365d"] > 1
    assert_names_describe_centroids(frame, runs, record, catalog)


def test_profile_matching_rule() -> None:
    centroid = {"average_order_value_usd": -1.6, "orders_per_month_365d": -1.2, "days_since_last_purchase": 1.4}
    digital = {"feature_adoption_rate": 1.5, "gross_margin_rate": 2.0, "average_order_value_usd": -1.0, "tickets_per_month_365d": -0.5}
    verdict = segment_naming.match_profile(centroid, digital, 1.0, 0.75)
    assert not verdict.matches and "1 of the profile's features" in verdict.reason
    contradicted = segment_naming.match_profile(centroid, {"average_order_value_usd": -1.0, "orders_per_month_365d": 0.5}, 1.0, 0.75)
    assert not contradicted.matches and "orders_per_month_365d" in contradicted.reason
    # Within the tolerance but marked the other way: a mild "below average" does not fit a high centroid.
    growth = {"orders_per_month_365d": 1.0, "average_order_value_usd": -0.3}
    marked = segment_naming.match_profile({"orders_per_month_365d": 0.4, "average_order_value_usd": 0.6}, growth, 1.0, 0.75)
    assert not marked.matches and "average_order_value_usd +0.60 vs -0.3" in marked.reason
    assert segment_naming.match_profile({"orders_per_month_365d": 0.4, "average_order_value_usd": 0.4}, growth, 1.0, 0.75).matches
    occasional = {"orders_per_month_365d": -1.0, "average_order_value_usd": -0.7, "feature_adoption_rate": -0.5}
    assert segment_naming.match_profile(centroid, occasional, 1.0, 0.75).matches  # 1.7 of 2.2 measured
    assert not segment_naming.match_profile(centroid, occasional, 1.0, 0.8).matches
    assert not segment_naming.match_profile(centroid, {"average_order_value_usd": -1.5}, 1.0, 0.75).matches  # one feature is not enough


def test_generated_codes_stay_with_their_segments_across_runs() -> None:
    first_runs, first = run(population("orders_only", seed=0), [], as_of="2026-09-30")
    assert sorted(first["segment_codes"]) == [f"SEG-GEN-{i:02d}" for i in range(1, first["k"] + 1)]
    moved = population("orders_only", seed=1, shift=0.05)
    second_runs, second = run(moved, [], first_runs, as_of="2026-10-31")
    assert second_runs["is_current"].tolist() == [False, True]
    assert set(second["segment_codes"]) == set(first["segment_codes"])
    for code in first["segment_codes"]:
        assert second["matched_previous"][code] == "previous run's centroid"
        a, b = first["centroids"][code], second["centroids"][code]
        assert abs(np.log(a[0]) - np.log(b[0])) < 0.2  # the same group keeps the code
    # A third run on data with one more group: the old codes stay, the new group gets a new number.
    groups = {**GROUPS, "bulk": (20000.0, 0.2, 0.3, 0.1, 0.1, 90.0)}
    third_runs, third = run(population("orders_only", seed=2, groups=groups), [], second_runs, as_of="2026-11-30")
    new = set(third["segment_codes"]) - set(second["segment_codes"])
    assert new and all(int(c.rsplit("-", 1)[1]) > second["k"] for c in new)


def test_coverage_drops_sparse_and_constant_features_and_records_why() -> None:
    frame = population("full")
    rng = np.random.default_rng(4)
    frame.loc[rng.random(len(frame)) < 0.3, "gross_margin_rate"] = np.nan  # 70% coverage
    frame.loc[rng.random(len(frame)) < 0.1, "feature_adoption_rate"] = np.nan  # 90% coverage
    frame["tickets_per_month_365d"] = 0.0
    runs, record = run(frame, [])
    selection = {d["feature_name"]: d for d in record["feature_selection"]}
    assert record["feature_names"] == ["average_order_value_usd", "feature_adoption_rate", "orders_per_month_365d"]
    assert not selection["gross_margin_rate"]["is_used"]
    assert "below segmentation_min_feature_coverage (80%)" in selection["gross_margin_rate"]["reason"]
    assert 0.65 < selection["gross_margin_rate"]["coverage_rate"] < 0.75
    assert not selection["tickets_per_month_365d"]["is_used"] and "constant" in selection["tickets_per_month_365d"]["reason"]
    assert selection["feature_adoption_rate"]["is_used"] and record["required_features"] == record["feature_names"]
    # Customers without adoption (impute none) are not clustered; the others all are.
    assert record["segment_sizes"] and sum(record["segment_sizes"].values()) == frame["feature_adoption_rate"].notna().sum()
    # With coverage required at 60%, margin comes back; imputed with the median, nobody lacks it.
    imputed = tuple(FeatureSpec(f.name, f.weight, f.transform, "median" if f.name == "gross_margin_rate" else "none") for f in CANDIDATES)
    used, decisions = select_features(frame, ClusteringConfig(features=imputed, min_feature_coverage=0.6))
    margin = next(d for d in decisions if d.feature_name == "gross_margin_rate")
    assert "gross_margin_rate" in [f.name for f in used] and margin.imputed_customers == frame["gross_margin_rate"].isna().sum()
    assert margin.impute_value == pytest.approx(frame["gross_margin_rate"].median())


def test_too_few_usable_features_is_a_recorded_run_not_a_crash() -> None:
    frame = population("orders_only").assign(orders_per_month_365d=np.nan)
    runs, record = run(frame, catalog_entries(shipped_catalog()))
    assert record["k"] == 0 and "1 of the 5 candidate features" in runs["chosen_by"].iloc[0]
    assert build_assignments(frame, runs, None, 0.15).empty


def test_turning_features_off_never_trips_over_catalog_profiles() -> None:
    policy = pd.read_csv(SEEDS / "segmentation_feature_policy.csv")
    columns = [*policy["feature_name"], "days_since_last_purchase", "tenure_days"]
    policy.loc[policy["feature_name"].isin(["gross_margin_rate", "tickets_per_month_365d", "feature_adoption_rate"]), "use_for_clustering"] = False
    features = validate_policy(policy, columns)
    assert [f.name for f in features] == ["average_order_value_usd", "orders_per_month_365d"]
    catalog = catalog_entries(shipped_catalog())
    validate_catalog(catalog, columns)  # profiles naming features that are off are fine ...
    frame = population("full")
    runs = build_run_table(frame, ClusteringConfig(features=features, n_init=4), catalog, "2026-10-31", None, pd.Timestamp("2026-11-01"))
    assert runs["k"].iloc[0] >= 2
    with pytest.raises(PolicyError, match="SEG-X profiles \\['gross_margn_rate'\\], which are not columns"):
        validate_catalog([CatalogEntry("SEG-X", {"gross_margn_rate": 1.0})], columns)  # ... a typo is not
    with pytest.raises(PolicyError, match="impute 'mean' is not one of"):
        validate_policy(policy.assign(impute="mean"), columns)


def test_generated_words_come_from_the_vocabulary_and_never_demean() -> None:
    rng = np.random.default_rng(0)
    dimensions = list(segment_naming.DIMENSIONS)
    for _ in range(300):
        k = int(rng.integers(2, 7))
        scores = {i: {d: float(rng.normal(0, 1.5)) for d in rng.choice(dimensions, int(rng.integers(1, len(dimensions))), replace=False)} for i in range(k)}
        names = segment_naming.name_segments(scores)
        assert len({n.lower() for n in names.values()}) == k
        for i, name in names.items():
            words = name.lower().replace("(", " ").replace(")", " ").split()
            assert all(w in segment_naming.ALLOWED_NAME_WORDS or w.isdigit() for w in words), name
            assert segment_naming.contains_banned_word(name) is None, name
            text = segment_naming.describe(scores[i], {}, {}, {}, name).description
            assert segment_naming.contains_banned_word(text) is None, text
    assert segment_naming.contains_banned_word("Lapsed one-time buyers") == "lapsed"
    assert segment_naming.contains_banned_word("Low value accounts") == "low value"
    assert segment_naming.contains_banned_word("Low-touch buyers") is None
