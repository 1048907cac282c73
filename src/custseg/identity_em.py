"""Fellegi-Sunter match parameters learned from the data: u by sampling and counting, m and the prior by EM.

The logic behind python_models/intermediate/identity/int_identity__comparison_parameters.py and
int_identity__em_training_runs.py. Method (Fellegi & Sunter 1969; EM as in Winkler 1988 and Splink's
``estimate_parameters_using_expectation_maximisation``):

* **u** (how often two *unrelated* records reach a comparison level by chance) comes from record pairs
  drawn at random: the share of comparable random pairs at each level, smoothed by half a pair per
  level so that an unseen level keeps a finite weight. For levels that are one exact key equality
  (same full name, same postcode, same national id ...) the share is counted directly from the value
  counts instead (the chance that two distinct records share a value, sum of c(c-1) over n(n-1)); the
  other levels of that comparison share the rest of the mass in the sampled proportions. Both counts
  include the pairs that are one customer, which for an identifier only duplicates share is nearly all
  of them; so after a round of EM the matching pairs it expects at each level are taken out and EM
  runs again (``U_REFINEMENTS`` rounds).
* **m** (how often records of the *same* customer reach a level) and the match share are trained by
  expectation-maximization on the blocked candidate pairs, aggregated to comparison patterns (one row
  per distinct vector of levels, with its pair count). There is one training pass per blocking rule,
  on that rule's pairs only, with the comparisons of the rule's own fields held out: pairs that were
  chosen because they agree on a field say nothing about how often matches agree on it. u stays fixed
  (from the random pairs) during EM, as Splink does. Each pass reports its iterations and the last
  change; the m of a level is the mean of the passes that estimated it, weighted by the expected
  matched pairs each pass learned it from.
* **The prior** (the probability that two random records match) is the expected number of matching
  candidate pairs (each pair's match probability within its passes, averaged over the passes it is in)
  over the number of comparable record pairs.
* A level that no pass could learn (no comparable matched pairs, or held out by every rule) falls back
  to the documented defaults ``DEFAULT_M``; the parameter rows say so.

Everything is deterministic: the start values are fixed and no sampling happens here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Start values and fall-backs of m: most matches agree exactly, few disagree entirely.
DEFAULT_TOP_LEVEL_M = 0.9
DEFAULT_BOTTOM_LEVEL_M = 0.02
DEFAULT_START_MATCH_SHARE = 0.3
# Half a pair per level: keeps a level never seen in a sample at a small, finite probability.
SMOOTHING_PAIRS = 0.5
# A training pass must expect at least this many matched pairs to teach m anything.
MIN_EXPECTED_MATCHES = 1.0
# Rounds of taking the expected matches out of u and training again (they settle within two).
U_REFINEMENTS = 2

PARAMETER_COLUMNS = [
    "comparison_name",
    "comparison_level",
    "m_probability",
    "u_probability",
    "match_weight",
    "m_source",
    "u_source",
    "m_training_pairs",
    "u_training_pairs",
    "m_training_passes",
    "term_frequency_scale",
]
RUN_COLUMNS = [
    "training_rule",
    "held_out_comparisons",
    "candidate_pairs",
    "comparison_patterns",
    "estimated_comparisons",
    "match_share",
    "expected_matched_pairs",
    "iterations",
    "last_change",
    "is_converged",
    "status",
]


@dataclass(frozen=True)
class Comparison:
    """One field comparison: its name and its levels (-1, not comparable, is not one of them)."""

    name: str
    levels: tuple[int, ...]
    exact_level: int | None = None  # the level that means "one key equal", its u counted directly

    @property
    def column(self) -> str:
        return f"{self.name}_level"


@dataclass
class Training:
    parameters: pd.DataFrame
    runs: pd.DataFrame
    prior_match_probability: float


def default_m(levels: Sequence[int]) -> np.ndarray:
    """The fall-back (and EM start) m of each level: the top level most, the bottom one least."""
    k = len(levels)
    if k == 1:
        return np.ones(1)
    if k == 2:
        return np.array([1 - DEFAULT_TOP_LEVEL_M, DEFAULT_TOP_LEVEL_M])
    middle = (1 - DEFAULT_TOP_LEVEL_M - DEFAULT_BOTTOM_LEVEL_M) / (k - 2)
    return np.array([DEFAULT_BOTTOM_LEVEL_M] + [middle] * (k - 2) + [DEFAULT_TOP_LEVEL_M])


@dataclass(frozen=True)
class ChanceAgreement:
    """What u of one comparison is estimated from: random pairs per level, and value counts of its exact level."""

    sampled: np.ndarray  # random pairs at each level (comparable ones only)
    sampled_pairs_total: int  # all random pairs drawn, comparable on this comparison or not
    exact_share: float | None = None  # share of distinct record pairs with the key that share its value
    exact_records: int = 0  # records with the key

    @property
    def source(self) -> str:
        return "random_sample_and_value_counts" if self.exact_share is not None and self.exact_records >= 2 else "random_sample"


def chance_agreement(
    comparisons: Sequence[Comparison],
    random_levels: pd.DataFrame,
    exact_agreement: Mapping[str, tuple[float, int]] | None = None,
) -> dict[str, ChanceAgreement]:
    """The counts u is estimated from, per comparison.

    ``random_levels`` has one row per random pair (or per pattern, with ``pair_count``) and a
    ``<name>_level`` column per comparison. ``exact_agreement`` maps a comparison name to (share of
    distinct record pairs that agree exactly, records counted).
    """
    counts = random_levels["pair_count"] if "pair_count" in random_levels else pd.Series(1, index=random_levels.index)
    result = {}
    for comparison in comparisons:
        observed = random_levels[comparison.column].to_numpy()
        tally = np.array([counts[observed == level].sum() for level in comparison.levels], dtype=float)
        share, records = (exact_agreement or {}).get(comparison.name, (None, 0))
        if comparison.exact_level is None:
            share, records = None, 0
        result[comparison.name] = ChanceAgreement(tally, int(counts.sum()), share, int(records))
    return result


def u_probabilities(
    comparison: Comparison,
    agreement: ChanceAgreement,
    comparable_pairs: float,
    matched: np.ndarray | None = None,
) -> np.ndarray:
    """u per level: the chance share of each level among pairs of *different* customers.

    Random pairs and value counts include the few pairs that are one customer; with ``matched`` (the
    expected matching pairs at each level, from a trained model) those are taken out first, so that an
    identifier only duplicates share does not look common by chance. Half a pair per level smooths.
    """
    sampled = agreement.sampled.astype(float)
    comparable_sampled = sampled.sum()
    if matched is not None and comparable_sampled > 0 and agreement.sampled_pairs_total > 0:
        # The sample holds about this share of the comparable population's pairs, matches included.
        population = comparable_pairs * comparable_sampled / agreement.sampled_pairs_total
        sampling_fraction = min(1.0, comparable_sampled / max(population, 1.0))
        sampled = np.maximum(sampled - sampling_fraction * matched, 0.0)
    u = (sampled + SMOOTHING_PAIRS) / (sampled.sum() + SMOOTHING_PAIRS * len(sampled))
    if agreement.source == "random_sample_and_value_counts":
        at = list(comparison.levels).index(comparison.exact_level)
        pairs = agreement.exact_records * (agreement.exact_records - 1) / 2
        agreeing = float(agreement.exact_share) * pairs
        if matched is not None:
            agreeing, pairs = max(agreeing - matched[at], 0.0), max(pairs - matched.sum(), 1.0)
        exact = min(max(agreeing, SMOOTHING_PAIRS) / pairs, 1 - 1e-9)
        others = np.delete(u, at)
        u = np.insert(others / others.sum() * (1 - exact), at, exact)
    return u


def _pattern_matrix(patterns: pd.DataFrame, comparisons: Sequence[Comparison]) -> np.ndarray:
    """Patterns as level indices per comparison (-1 where not comparable)."""
    matrix = np.full((len(patterns), len(comparisons)), -1, dtype=np.int64)
    for j, comparison in enumerate(comparisons):
        observed = patterns[comparison.column].to_numpy()
        for i, level in enumerate(comparison.levels):
            matrix[observed == level, j] = i
    return matrix


def _log_table(probabilities: Sequence[np.ndarray]) -> list[np.ndarray]:
    return [np.log(np.clip(p, 1e-300, None)) for p in probabilities]


def _posterior(matrix: np.ndarray, active: np.ndarray, log_m: list[np.ndarray], log_u: list[np.ndarray], share: float) -> np.ndarray:
    """P(match | pattern) with the comparisons in ``active`` (others ignored)."""
    logit = np.full(len(matrix), np.log(share) - np.log1p(-share))
    for j in np.flatnonzero(active):
        present = matrix[:, j] >= 0
        idx = matrix[present, j]
        logit[present] += log_m[j][idx] - log_u[j][idx]
    return 1 / (1 + np.exp(-np.clip(logit, -700, 700)))


def expectation_maximisation(
    matrix: np.ndarray,
    counts: np.ndarray,
    comparisons: Sequence[Comparison],
    active: np.ndarray,
    u: Sequence[np.ndarray],
    max_iterations: int,
    tolerance: float,
) -> dict:
    """EM for m (active comparisons) and the match share, u fixed. Returns the fit and its convergence."""
    m = [default_m(c.levels) for c in comparisons]
    share = DEFAULT_START_MATCH_SHARE
    log_u = _log_table(u)
    change, iterations = np.inf, 0
    for iterations in range(1, max_iterations + 1):
        p = _posterior(matrix, active, _log_table(m), log_u, share)
        weights = counts * p
        new_share = float(np.clip(weights.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        new_m = [level_m.copy() for level_m in m]
        for j in np.flatnonzero(active):
            present = matrix[:, j] >= 0
            tally = np.bincount(matrix[present, j], weights=weights[present], minlength=len(comparisons[j].levels))
            new_m[j] = (tally + SMOOTHING_PAIRS) / (tally.sum() + SMOOTHING_PAIRS * len(tally))
        change = max([abs(new_share - share)] + [float(np.abs(new_m[j] - m[j]).max()) for j in np.flatnonzero(active)])
        m, share = new_m, new_share
        if change < tolerance:
            break
    p = _posterior(matrix, active, _log_table(m), log_u, share)
    learned = np.array(
        [float((counts * p)[matrix[:, j] >= 0].sum()) if active[j] else 0.0 for j in range(len(comparisons))]
    )
    return {
        "m": m,
        "share": share,
        "posterior": p,
        "learned_from": learned,
        "iterations": iterations,
        "last_change": float(change),
        "converged": bool(change < tolerance),
    }


def _training_round(
    matrix: np.ndarray,
    counts: np.ndarray,
    rules: pd.Series,
    comparisons: Sequence[Comparison],
    held_out: Mapping[str, Sequence[str]],
    u_tables: Sequence[np.ndarray],
    max_iterations: int,
    tolerance: float,
) -> tuple[list[dict], dict, np.ndarray]:
    """One EM pass per training rule. Returns the runs, the fits that may teach m, and each pattern's
    match probability averaged over the passes it was in (nan where none)."""
    runs, fits = [], {}
    posterior_sum = np.zeros(len(matrix))
    posterior_passes = np.zeros(len(matrix))
    for rule in sorted(held_out):
        rows = rules.apply(lambda r, rule=rule: rule in r).to_numpy(dtype=bool)
        active = np.array([c.name not in held_out[rule] for c in comparisons])
        active &= (matrix[rows] >= 0).any(axis=0) if rows.any() else False
        run = {
            "training_rule": rule,
            "held_out_comparisons": sorted(held_out[rule]),
            "candidate_pairs": int(counts[rows].sum()),
            "comparison_patterns": int(rows.sum()),
            "estimated_comparisons": [c.name for c, a in zip(comparisons, active) if a],
            "match_share": None,
            "expected_matched_pairs": None,
            "iterations": 0,
            "last_change": None,
            "is_converged": False,
        }
        if not rows.any():
            runs.append({**run, "status": "no_candidate_pairs"})
            continue
        if active.sum() < 2:
            runs.append({**run, "status": "too_few_comparisons"})
            continue
        fit = expectation_maximisation(matrix[rows], counts[rows], comparisons, active, u_tables, max_iterations, tolerance)
        expected = float((counts[rows] * fit["posterior"]).sum())
        posterior_sum[rows] += fit["posterior"]
        posterior_passes[rows] += 1
        status = "trained" if expected >= MIN_EXPECTED_MATCHES else "too_few_matches"
        if status == "trained":
            fits[rule] = fit
        runs.append(
            {
                **run,
                "match_share": fit["share"],
                "expected_matched_pairs": expected,
                "iterations": fit["iterations"],
                "last_change": fit["last_change"],
                "is_converged": fit["converged"],
                "status": status if fit["converged"] else f"{status}_not_converged",
            }
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        posterior = np.where(posterior_passes > 0, posterior_sum / np.maximum(posterior_passes, 1), np.nan)
    return runs, fits, posterior


def train(
    patterns: pd.DataFrame,
    comparisons: Sequence[Comparison],
    held_out: Mapping[str, Sequence[str]],
    agreement: Mapping[str, ChanceAgreement],
    comparable_pairs: float,
    max_iterations: int = 100,
    tolerance: float = 1e-5,
    u_refinements: int = U_REFINEMENTS,
) -> Training:
    """Train m and the prior on candidate-pair ``patterns``, and refine u by taking out expected matches.

    ``patterns``: a ``<name>_level`` column per comparison, ``training_rules`` (the list of rules that
    proposed the pairs; pairs proposed by none are ignored) and ``pair_count``. ``held_out`` maps each
    training rule to the comparisons of its own fields. ``agreement`` holds what u is estimated from
    (``chance_agreement``). ``comparable_pairs`` is the number of record pairs a match could be among
    (the prior's denominator). After a round of EM, the matching pairs it expects at each level are
    taken out of the random pairs and value counts and EM runs again (``u_refinements`` times).
    """
    names = [c.name for c in comparisons]
    unknown = sorted({c for cs in held_out.values() for c in cs} - set(names))
    if unknown:
        raise ValueError(f"Held-out comparisons {unknown} are not among the comparisons {names}")
    if max_iterations < 1 or tolerance <= 0:
        raise ValueError(
            f"EM needs at least one iteration and a positive tolerance (got {max_iterations}, {tolerance}): "
            "set vars identity_em_max_iterations and identity_em_tolerance"
        )
    # One order whatever order the warehouse returned the patterns in: sums, and so every float, repeat exactly.
    patterns = patterns.assign(_rules=patterns["training_rules"].apply(lambda r: [] if r is None else sorted(r)))
    patterns = patterns.assign(_rule_key=patterns["_rules"].apply("|".join))
    patterns = patterns.sort_values([c.column for c in comparisons] + ["_rule_key"], kind="stable").reset_index(drop=True)
    rules = patterns["_rules"]
    matrix = _pattern_matrix(patterns, comparisons)
    counts = patterns["pair_count"].to_numpy(dtype=float)

    u_tables = [u_probabilities(c, agreement[c.name], comparable_pairs) for c in comparisons]
    for refinement in range(u_refinements + 1):
        runs, fits, posterior = _training_round(matrix, counts, rules, comparisons, held_out, u_tables, max_iterations, tolerance)
        if refinement == u_refinements:
            break
        trained = ~np.isnan(posterior)
        matched_pairs = np.where(trained, counts * np.nan_to_num(posterior), 0.0)
        u_tables = [
            u_probabilities(
                c, agreement[c.name], comparable_pairs,
                np.bincount(matrix[matrix[:, j] >= 0, j], weights=matched_pairs[matrix[:, j] >= 0], minlength=len(c.levels)),
            )
            for j, c in enumerate(comparisons)
        ]

    trained = ~np.isnan(posterior)
    expected_matches = float((counts[trained] * posterior[trained]).sum())
    denominator = max(float(comparable_pairs), 1.0)
    prior = float(np.clip(expected_matches / denominator, 1e-12, 0.5)) if expected_matches > 0 else 1 / max(denominator, 2.0)
    runs.append(
        {
            "training_rule": "all_candidate_pairs",
            "held_out_comparisons": [],
            "candidate_pairs": int(counts[trained].sum()),
            "comparison_patterns": int(trained.sum()),
            "estimated_comparisons": [],
            "match_share": prior,
            "expected_matched_pairs": expected_matches,
            "iterations": 0,
            "last_change": None,
            "is_converged": True,
            "status": "prior" if expected_matches > 0 else "prior_default",
        }
    )

    rows = []
    for j, comparison in enumerate(comparisons):
        weights = np.array([fits[r]["learned_from"][j] for r in sorted(fits)])
        estimates = [fits[r]["m"][j] for r in sorted(fits)]
        used = weights > 0
        if used.any():
            m = np.average(np.vstack(estimates)[used], axis=0, weights=weights[used])
            m_source, m_pairs, passes = "em", float(weights[used].sum()), int(used.sum())
        else:
            m, m_source, m_pairs, passes = default_m(comparison.levels), "default", 0.0, 0
        for i, level in enumerate(comparison.levels):
            rows.append(
                {
                    "comparison_name": comparison.name,
                    "comparison_level": int(level),
                    "m_probability": float(m[i]),
                    "u_probability": float(u_tables[j][i]),
                    "match_weight": float(np.log2(max(m[i], 1e-300) / u_tables[j][i])),
                    "m_source": m_source,
                    "u_source": agreement[comparison.name].source,
                    "m_training_pairs": m_pairs,
                    "u_training_pairs": int(agreement[comparison.name].sampled.sum()),
                    "m_training_passes": passes,
                    "term_frequency_scale": _term_frequency_scale(comparison, agreement[comparison.name], level, u_tables[j][i]),
                }
            )
    parameters = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    run_frame = pd.DataFrame(runs, columns=RUN_COLUMNS)
    return Training(parameters, run_frame, prior)


def _term_frequency_scale(comparison: Comparison, agreement: ChanceAgreement, level: int, u: float) -> float | None:
    """For the exact level: u over the raw share of agreeing pairs. Value frequencies count the records of
    one customer too; scaled by this, they average to u, the chance agreement of different customers."""
    if level != comparison.exact_level or agreement.source != "random_sample_and_value_counts" or not agreement.exact_share:
        return None
    return float(u / agreement.exact_share)


def comparable_pairs(records_by_party_type: Mapping[str | None, int]) -> float:
    """Record pairs that could be one customer: same party type, or either type unknown."""
    persons = int(records_by_party_type.get("person", 0))
    organizations = int(records_by_party_type.get("organization", 0))
    unknown = sum(int(n) for t, n in records_by_party_type.items() if t not in ("person", "organization"))
    pairs = lambda n: n * (n - 1) / 2  # noqa: E731
    return pairs(persons) + pairs(organizations) + pairs(unknown) + unknown * (persons + organizations)


def train_from_tables(
    comparison_levels: pd.DataFrame,
    training_rules: pd.DataFrame,
    patterns: pd.DataFrame,
    random_levels: pd.DataFrame,
    records_by_party_type: Mapping[str | None, int],
    max_iterations: int = 100,
    tolerance: float = 1e-5,
) -> Training:
    """``train`` on the identity models' tables: int_identity__comparison_levels, __training_rules,
    __comparison_patterns, __random_pair_comparisons and the party records counted by type."""
    comparisons, exact = [], {}
    for name, group in comparison_levels.sort_values(["comparison_name", "comparison_level"]).groupby("comparison_name", sort=False):
        exact_rows = group[group["is_exact_level"].astype(bool)]
        exact_level = int(exact_rows["comparison_level"].iloc[0]) if len(exact_rows) else None
        comparisons.append(Comparison(str(name), tuple(int(v) for v in group["comparison_level"]), exact_level))
        if len(exact_rows) and pd.notna(exact_rows["exact_agreement_share"].iloc[0]):
            exact[str(name)] = (float(exact_rows["exact_agreement_share"].iloc[0]), int(exact_rows["exact_agreement_records"].iloc[0]))
    held_out = {str(r): [str(c) for c in cs] for r, cs in zip(training_rules["training_rule"], training_rules["held_out_comparisons"])}
    agreement = chance_agreement(comparisons, random_levels, exact)
    return train(patterns, comparisons, held_out, agreement, comparable_pairs(records_by_party_type), max_iterations, tolerance)


def train_from_relations(
    comparison_levels,  # noqa: ANN001 - DuckDB relations a dbt Python model gets from dbt.ref
    training_rules,  # noqa: ANN001
    patterns,  # noqa: ANN001
    random_pairs,  # noqa: ANN001
    comparable_records,  # noqa: ANN001
    max_iterations: int | str,
    tolerance: float | str,
) -> Training:
    """``train_from_tables`` on the relations of the identity models, as a dbt Python model refs them.
    The random pairs are counted by pattern of levels in the warehouse: a few hundred rows reach Python,
    not one per pair."""
    levels = ", ".join(column for column in random_pairs.columns if column.endswith("_level"))
    return train_from_tables(
        comparison_levels.df(),
        training_rules.df(),
        patterns.df(),
        random_pairs.aggregate(f"{levels}, count(*) as pair_count", levels).df(),
        dict(comparable_records.aggregate("party_type, count(*)").fetchall()),
        max_iterations=int(max_iterations),
        tolerance=float(tolerance),
    )
