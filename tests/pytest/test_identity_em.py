"""The match model's training (custseg.identity_em): u by sampling and counting, m and the prior by EM."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from custseg.identity_em import (
    ChanceAgreement,
    Comparison,
    chance_agreement,
    comparable_pairs,
    default_m,
    train,
    u_probabilities,
)

COMPARISONS = [Comparison("name", (0, 1, 2), 2), Comparison("city", (0, 1), 1), Comparison("birth", (0, 1, 2), 2)]
TRUE_M = {"name": [0.05, 0.15, 0.8], "city": [0.1, 0.9], "birth": [0.02, 0.08, 0.9]}
TRUE_U = {"name": [0.9, 0.08, 0.02], "city": [0.7, 0.3], "birth": [0.95, 0.04, 0.01]}


def expected_patterns(pairs: float, share: float, rule: str = "block") -> pd.DataFrame:
    """Every pattern of levels with the pair count a mixture of matches and non-matches gives, exactly."""
    rows = []
    for levels in itertools.product(*(c.levels for c in COMPARISONS)):
        m = np.prod([TRUE_M[c.name][lv] for c, lv in zip(COMPARISONS, levels)])
        u = np.prod([TRUE_U[c.name][lv] for c, lv in zip(COMPARISONS, levels)])
        rows.append({**{c.column: lv for c, lv in zip(COMPARISONS, levels)}, "training_rules": [rule],
                     "pair_count": pairs * (share * m + (1 - share) * u)})
    return pd.DataFrame(rows)


def true_u() -> dict:
    """Chance agreement so well sampled that u is the true one (EM's u stays fixed: no refinement)."""
    return {c.name: ChanceAgreement(np.array(TRUE_U[c.name]) * 1e12, int(1e12)) for c in COMPARISONS}


def fit(patterns: pd.DataFrame, held_out: dict, comparable: float, **options):
    return train(patterns, COMPARISONS, held_out, true_u(), comparable_pairs=comparable, u_refinements=0, **options)


def m_of(training, name: str) -> np.ndarray:
    rows = training.parameters[training.parameters["comparison_name"] == name].sort_values("comparison_level")
    return rows["m_probability"].to_numpy()


def test_em_recovers_m_and_the_match_share_of_a_known_mixture() -> None:
    patterns = expected_patterns(100_000, 0.2)
    training = fit(patterns, {"block": []}, 1_000_000)
    for name, m in TRUE_M.items():
        assert m_of(training, name) == pytest.approx(m, abs=2e-3), name
    run = training.runs.set_index("training_rule").loc["block"]
    assert run["match_share"] == pytest.approx(0.2, abs=1e-3)
    assert run["is_converged"] and run["status"] == "trained" and 1 < run["iterations"] < 100
    assert run["last_change"] < 1e-5
    # The prior: expected matching pairs over all comparable pairs.
    assert training.prior_match_probability == pytest.approx(20_000 / 1_000_000, rel=1e-2)
    assert set(training.parameters["m_source"]) == {"em"}
    weights = training.parameters.set_index(["comparison_name", "comparison_level"])["match_weight"]
    assert weights[("name", 2)] == pytest.approx(np.log2(0.8 / 0.02), abs=0.01)


def test_a_rule_does_not_learn_the_fields_it_blocked_on() -> None:
    # Pairs blocked on the name all agree on it: learning m(name) from them would say names always agree.
    patterns = expected_patterns(50_000, 0.3)
    patterns = patterns[patterns["name_level"] == 2].copy()
    training = fit(patterns, {"block": ["name"]}, 1_000_000)
    run = training.runs.set_index("training_rule").loc["block"]
    assert run["estimated_comparisons"] == ["city", "birth"]
    name = training.parameters[training.parameters["comparison_name"] == "name"]
    assert set(name["m_source"]) == {"default"} and (name["m_training_passes"] == 0).all()
    assert m_of(training, "name") == pytest.approx(default_m((0, 1, 2)))
    for other in ("city", "birth"):
        assert m_of(training, other) == pytest.approx(TRUE_M[other], abs=5e-3)


def test_passes_are_combined_by_the_matched_pairs_each_learned_from() -> None:
    small = expected_patterns(10_000, 0.2, rule="small")
    large = expected_patterns(90_000, 0.2, rule="large")
    both = pd.concat([small, large], ignore_index=True)
    training = fit(both, {"small": ["name"], "large": []}, 10**7)
    runs = training.runs.set_index("training_rule")
    name = training.parameters[training.parameters["comparison_name"] == "name"].iloc[0]
    city = training.parameters[training.parameters["comparison_name"] == "city"].iloc[0]
    assert name["m_training_passes"] == 1 and city["m_training_passes"] == 2
    assert city["m_training_pairs"] == pytest.approx(
        runs.loc["small", "expected_matched_pairs"] + runs.loc["large", "expected_matched_pairs"], rel=1e-6
    )
    # A pair proposed by both rules counts once in the prior (its probabilities averaged).
    shared = expected_patterns(1_000, 0.5)
    shared["training_rules"] = [["large", "small"]] * len(shared)
    again = fit(shared, {"small": [], "large": []}, 10_000)
    assert again.prior_match_probability == pytest.approx(500 / 10_000, rel=2e-2)


def test_u_comes_from_random_pairs_and_exact_levels_from_value_counts() -> None:
    random_levels = pd.DataFrame({"name_level": [0] * 90 + [1] * 10 + [-1] * 50, "city_level": [0] * 150,
                                  "birth_level": [-1] * 150})
    agreement = chance_agreement(COMPARISONS, random_levels, {"name": (0.001, 500)})
    assert agreement["name"].source == "random_sample_and_value_counts" and agreement["name"].sampled.sum() == 100
    name = u_probabilities(COMPARISONS[0], agreement["name"], comparable_pairs=10**6)
    assert name[2] == pytest.approx(0.001)
    # The other levels keep their sampled proportions (90.5 : 10.5, half a pair of smoothing each).
    assert name[0] / name[1] == pytest.approx(90.5 / 10.5) and name.sum() == pytest.approx(1)
    assert agreement["city"].source == "random_sample"
    assert u_probabilities(COMPARISONS[1], agreement["city"], 10**6) == pytest.approx([150.5 / 151, 0.5 / 151])
    assert u_probabilities(COMPARISONS[2], agreement["birth"], 10**6) == pytest.approx([1 / 3] * 3)


def test_u_leaves_out_the_pairs_that_are_one_customer() -> None:
    # 10 records with an email: 45 pairs, 3 sharing one; the model expects all 3 to be duplicates.
    email = Comparison("email", (0, 1), 1)
    agreement = ChanceAgreement(np.array([90.0, 10.0]), 100, exact_share=3 / 45, exact_records=10)
    assert u_probabilities(email, agreement, 1_000)[1] == pytest.approx(3 / 45)
    assert u_probabilities(email, agreement, 1_000, matched=np.array([0.0, 3.0]))[1] == pytest.approx(0.5 / 42)
    # Sampled levels: 100 of 1,000 pairs drawn, so a tenth of the 50 expected matches are in the sample.
    street = Comparison("street", (0, 1))
    sampled = ChanceAgreement(np.array([90.0, 10.0]), 100)
    assert u_probabilities(street, sampled, 1_000, matched=np.array([0.0, 50.0])) == pytest.approx(
        [90.5 / 96, 5.5 / 96]
    )


def test_refining_u_sharpens_identifiers_that_only_duplicates_share() -> None:
    # 42 of 4,950 record pairs share an email, and all but 2 of those look like one customer; by
    # chance, two customers hardly ever share an email. Counted raw, u would say 42 in 4,950.
    comparisons = [Comparison("email", (0, 1), 1), Comparison("name", (0, 1)), Comparison("street", (0, 1))]
    patterns = pd.DataFrame({
        "email_level": [1, 1, -1, -1], "name_level": [1, 0, 1, 0], "street_level": [1, 0, 1, 0],
        "training_rules": [["shared_email"], ["shared_email"], ["block"], ["block"]], "pair_count": [40, 2, 10, 30],
    })
    agreement = {
        "email": ChanceAgreement(np.array([1000.0, 0.0]), 1000, exact_share=42 / 4950, exact_records=100),
        "name": ChanceAgreement(np.array([990.0, 10.0]), 1000),
        "street": ChanceAgreement(np.array([990.0, 10.0]), 1000),
    }
    held_out = {"shared_email": ["email"], "block": ["name"]}
    raw = train(patterns, comparisons, held_out, agreement, 4950, u_refinements=0)
    refined = train(patterns, comparisons, held_out, agreement, 4950)
    u_of = lambda t: t.parameters.set_index(["comparison_name", "comparison_level"]).loc[("email", 1), "u_probability"]  # noqa: E731
    assert u_of(raw) == pytest.approx(42 / 4950)
    assert u_of(refined) == pytest.approx(2 / (4950 - 50), rel=0.05)


def test_training_is_deterministic_and_reports_an_unfinished_pass() -> None:
    patterns = expected_patterns(100_000, 0.2)
    first = fit(patterns, {"block": []}, 10**6)
    second = fit(patterns.sample(frac=1, random_state=3), {"block": []}, 10**6)
    pd.testing.assert_frame_equal(first.parameters, second.parameters, check_exact=True)
    pd.testing.assert_frame_equal(first.runs, second.runs, check_exact=True)
    short = fit(patterns, {"block": []}, 10**6, max_iterations=1)
    run = short.runs.set_index("training_rule").loc["block"]
    assert run["iterations"] == 1 and not run["is_converged"] and run["status"] == "trained_not_converged"


def test_passes_with_nothing_to_learn_are_reported_and_skipped() -> None:
    patterns = expected_patterns(1_000, 0.2)
    training = fit(patterns, {"block": ["name", "birth"], "empty": []}, 10**5)
    status = training.runs.set_index("training_rule")["status"]
    assert status["block"] == "too_few_comparisons" and status["empty"] == "no_candidate_pairs"
    assert set(training.parameters["m_source"]) == {"default"}
    assert status["all_candidate_pairs"] == "prior_default"
    assert training.prior_match_probability == pytest.approx(1 / 10**5)


def test_bad_settings_fail_with_a_message() -> None:
    patterns = expected_patterns(1_000, 0.2)
    with pytest.raises(ValueError, match="not among the comparisons"):
        fit(patterns, {"block": ["nmae"]}, 10**5)
    with pytest.raises(ValueError, match="identity_em_max_iterations"):
        fit(patterns, {"block": []}, 10**5, max_iterations=0)


def test_comparable_pairs_never_pair_a_person_with_an_organization() -> None:
    assert comparable_pairs({"person": 4, "organization": 3}) == 6 + 3
    assert comparable_pairs({"person": 4, "organization": 3, None: 2}) == 6 + 3 + 1 + 2 * 7
