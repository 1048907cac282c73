"""Customer segmentation: the logic behind the dbt Python models of models/../python_models/intermediate/segmentation.

The flow, each step a function tested on its own:

1. ``validate_policy`` turns the policy seed into the candidate clustering features, refusing sensitive
   attributes (birth date, national id, gender, anything tagged PII) with an error that says what to fix.
2. ``select_features`` keeps the candidates the data can carry: enough coverage among the customers
   eligible for clustering (var segmentation_min_feature_coverage) and not constant; each decision is
   recorded with its reason. Missing values of a kept feature are imputed only where the policy says
   so (``impute``: median or zero); customers missing any other kept feature are not clustered.
3. ``fit_segmentation`` transforms and standardizes the features, applies their weights, fits k-means
   (mini-batch k-means on large data, or Ward agglomerative clustering on a sample) for every k in
   the configured range, chooses k by a measured criterion, merges clusters below the minimum size
   into their nearest neighbour, and gives every cluster a segment code: the previous run's code
   when it matches a previous centroid (Hungarian assignment on centroid distances), else the
   catalog entry whose profile the centroid matches (``custseg.segment_naming.match_profile``), else
   a generated code (``SEG-GEN-nn``) with a name and description generated from the centroid.
4. ``assign_segments`` places customers on the nearest centroid of a run, and ``apply_hysteresis``
   keeps a customer in their previous segment unless the new one is closer by a margin.

Everything is deterministic for a given seed, input order aside (inputs are sorted by customer id).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from custseg import segment_naming

# Attributes that may never drive a segmentation, whatever the policy seed says (protected
# characteristics and direct identifiers). Columns tagged PII in the project's YAML are added to these.
SENSITIVE_ATTRIBUTES = frozenset(
    {
        "birth_date",
        "date_of_birth",
        "age",
        "gender",
        "sex",
        "national_id",
        "ethnicity",
        "race",
        "religion",
        "marital_status",
        "disability",
        "sexual_orientation",
        "first_name",
        "last_name",
        "email",
        "phone_e164",
        "street",
        "postcode",
        "tax_id",
    }
)
TRANSFORMS = ("none", "log1p")
IMPUTATIONS = ("none", "median", "zero")
GENERATED_CODE_PREFIX = "SEG-GEN-"
CRITERIA = ("calinski_harabasz", "silhouette", "davies_bouldin")
ALGORITHMS = ("kmeans", "agglomerative")


class PolicyError(ValueError):
    """The segmentation policy or configuration is not usable; the message says what to change."""


@dataclass(frozen=True)
class FeatureSpec:
    """A clustering feature: its column, weight after standardization, transform before it, and how
    a customer's missing value is filled (``none``: the customer is not clustered)."""

    name: str
    weight: float = 1.0
    transform: str = "none"
    impute: str = "none"


# Features that describe a cluster without being clustered on (unless the policy clusters on them):
# how long ago customers last ordered and how long they have been customers.
DESCRIPTIVE_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("days_since_last_purchase", 1.0, "log1p"),
    FeatureSpec("tenure_days", 1.0, "log1p"),
)


@dataclass(frozen=True)
class ClusteringConfig:
    """How to cluster; every field comes from a dbt variable (see dbt_project.yml, segmentation_*).

    ``features`` are the features to cluster on: the policy's candidates before ``select_features``,
    the selected ones when ``fit_segmentation`` is called.
    """

    features: tuple[FeatureSpec, ...]
    k_min: int = 2
    k_max: int = 6
    criterion: str = "calinski_harabasz"
    algorithm: str = "kmeans"
    seed: int = 42
    n_init: int = 10
    minibatch_above: int = 200_000  # rows above which k-means runs mini-batch
    criterion_sample_size: int = 20_000  # rows the criterion is measured on
    agglomerative_sample_size: int = 10_000  # rows Ward clustering is fitted on
    min_segment_share: float = 0.02  # clusters smaller than this share are merged into their nearest
    k_stability_margin: float = 0.05  # keep the previous run's k unless another k is better by this share
    min_feature_coverage: float = 0.8  # share of eligible customers with a value a feature needs to be used
    profile_tolerance: float = 1.0  # sd a catalog profile's value may be off the centroid's and still match
    profile_min_coverage: float = 0.75  # share of a catalog profile's weight the run must measure to judge it
    descriptive: tuple[FeatureSpec, ...] = DESCRIPTIVE_FEATURES

    def __post_init__(self) -> None:
        problems = []
        if not self.features:
            problems.append("no clustering features: mark at least two rows use_for_clustering=true in the policy seed")
        if not 2 <= self.k_min <= self.k_max <= 6:
            problems.append(f"k range {self.k_min}..{self.k_max} must lie within 2..6 (vars segmentation_k_min, segmentation_k_max)")
        if self.criterion not in CRITERIA:
            problems.append(f"criterion {self.criterion!r} is not one of {', '.join(CRITERIA)} (var segmentation_k_criterion)")
        if self.algorithm not in ALGORITHMS:
            problems.append(f"algorithm {self.algorithm!r} is not one of {', '.join(ALGORITHMS)} (var segmentation_algorithm)")
        if not 0 <= self.min_segment_share < 0.5:
            problems.append("segmentation_min_segment_share must be in [0, 0.5)")
        if not 0 < self.min_feature_coverage <= 1:
            problems.append(f"segmentation_min_feature_coverage must be in (0, 1], got {self.min_feature_coverage}")
        if not self.profile_tolerance > 0:
            problems.append(f"segmentation_profile_tolerance must be positive, got {self.profile_tolerance}")
        if not 0 < self.profile_min_coverage <= 1:
            problems.append(f"segmentation_profile_min_coverage must be in (0, 1], got {self.profile_min_coverage}")
        if problems:
            raise PolicyError("; ".join(problems))

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    def fingerprint(self) -> dict:
        return asdict(self)


def validate_policy(policy: pd.DataFrame, available_columns: list[str], pii_columns: list[str] | tuple[str, ...] = ()) -> tuple[FeatureSpec, ...]:
    """The candidate clustering features the policy seed allows, or a PolicyError listing every problem.

    ``policy`` has columns feature_name, is_allowed, use_for_clustering, weight, transform and, optionally,
    impute (none, median or zero; none when the column is absent or empty). A feature marked for
    clustering must be allowed, must not be sensitive (``SENSITIVE_ATTRIBUTES`` or tagged PII in the
    project: ``pii_columns``), must be a column of the feature table, have a positive weight, a known
    transform and a known imputation. Whether the data can carry it is decided per run (``select_features``).
    """
    required = {"feature_name", "is_allowed", "use_for_clustering", "weight", "transform"}
    missing = required - set(policy.columns)
    if missing:
        raise PolicyError(f"the policy seed lacks columns {sorted(missing)}")
    sensitive = SENSITIVE_ATTRIBUTES | {c.lower() for c in pii_columns}
    available = set(available_columns)
    problems: list[str] = []
    specs: list[FeatureSpec] = []
    for row in policy.sort_values("feature_name").itertuples(index=False):
        name = str(row.feature_name).strip()
        if not _truthy(row.use_for_clustering):
            continue
        if name.lower() in sensitive:
            problems.append(
                f"{name} is a sensitive attribute and may not be used for segmentation: "
                "set use_for_clustering=false for it in seeds/segmentation/segmentation_feature_policy.csv"
            )
            continue
        if not _truthy(row.is_allowed):
            problems.append(f"{name} is marked is_allowed=false but use_for_clustering=true: allow it or stop using it")
            continue
        if name not in available:
            problems.append(f"{name} is not a column of int_features__customer_features")
            continue
        weight = float(row.weight) if row.weight is not None and not pd.isna(row.weight) else float("nan")
        if not weight > 0:
            problems.append(f"{name} needs a positive weight, got {row.weight}")
            continue
        transform = str(row.transform or "none").strip()
        if transform not in TRANSFORMS:
            problems.append(f"{name}: transform {transform!r} is not one of {', '.join(TRANSFORMS)}")
            continue
        raw_impute = getattr(row, "impute", None)
        impute = "none" if raw_impute is None or pd.isna(raw_impute) or not str(raw_impute).strip() else str(raw_impute).strip()
        if impute not in IMPUTATIONS:
            problems.append(f"{name}: impute {impute!r} is not one of {', '.join(IMPUTATIONS)}")
            continue
        specs.append(FeatureSpec(name, weight, transform, impute))
    if problems:
        raise PolicyError("segmentation policy refused: " + "; ".join(problems))
    if len(specs) < 2:
        raise PolicyError("segmentation needs at least two candidate clustering features (use_for_clustering=true in the policy seed)")
    return tuple(specs)


# ---------------------------------------------------------------------------------------------
# which candidates the data can carry


@dataclass(frozen=True)
class FeatureDecision:
    """Whether a candidate feature is clustered on in a run, and why (recorded in the run record)."""

    feature_name: str
    is_used: bool
    eligible_customers: int
    customers_with_value: int
    coverage_rate: float
    impute: str
    impute_value: float | None
    imputed_customers: int
    reason: str


def select_features(eligible: pd.DataFrame, config: ClusteringConfig) -> tuple[tuple[FeatureSpec, ...], list[FeatureDecision]]:
    """The candidate features this run clusters on, and a decision with its reason for every candidate.

    Coverage is measured on ``eligible``, the customers who pass every eligibility check that does not
    depend on the features (purchases, tenure, completeness): a feature is used when at least
    ``config.min_feature_coverage`` of them have a value and the values are not all the same. A feature
    whose source the user does not have is null for everyone, so it is dropped here with its coverage
    of 0. A used feature with impute median (the median of the eligible values) or zero fills the
    missing values; with impute none, customers missing it are not clustered (fallback reason
    missing_clustering_feature, naming the feature).
    """
    total = len(eligible)
    used: list[FeatureSpec] = []
    decisions: list[FeatureDecision] = []
    threshold = config.min_feature_coverage
    for spec in config.features:
        values = pd.to_numeric(eligible[spec.name], errors="coerce") if spec.name in eligible else pd.Series(np.nan, index=eligible.index)
        observed = values.dropna()
        coverage = len(observed) / total if total else 0.0
        missing = total - len(observed)
        impute_value: float | None = None
        if total == 0:
            reason = "dropped: no customer is eligible for clustering"
        elif observed.empty:
            reason = "dropped: no eligible customer has a value (is its source loaded?)"
        elif coverage < threshold:
            reason = f"dropped: {coverage:.1%} of eligible customers have a value, below segmentation_min_feature_coverage ({threshold:.0%})"
        elif observed.nunique() < 2:
            reason = f"dropped: constant, every eligible customer with a value has {observed.iloc[0]:g}"
        else:
            if spec.impute == "median":
                impute_value = float(observed.median())
            elif spec.impute == "zero":
                impute_value = 0.0
            if missing and impute_value is None:
                detail = f"{missing} customers without a value fall back (impute none)"
            elif missing:
                detail = f"{missing} customers without a value get the {spec.impute} {impute_value:g}"
            else:
                detail = "every eligible customer has a value"
            reason = f"used: {coverage:.1%} of eligible customers have a value; {detail}"
            used.append(spec)
        decisions.append(
            FeatureDecision(
                spec.name,
                reason.startswith("used"),
                total,
                len(observed),
                round(coverage, 6),
                spec.impute,
                impute_value,
                missing if impute_value is not None else 0,
                reason,
            )
        )
    return tuple(used), decisions


def impute_features(frame: pd.DataFrame, imputation: dict[str, float]) -> pd.DataFrame:
    """``frame`` with the run's imputed values filled in (features the policy imputes only)."""
    if not imputation:
        return frame
    frame = frame.copy()
    for name, value in imputation.items():
        frame[name] = pd.to_numeric(frame[name], errors="coerce").fillna(value)
    return frame


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "t", "1", "yes", "y"}
    return bool(value) and not pd.isna(value)


# ---------------------------------------------------------------------------------------------
# feature matrix


def transformed_features(frame: pd.DataFrame, features: tuple[FeatureSpec, ...]) -> np.ndarray:
    """Features after their transform (signed log1p keeps credit-note negatives ordered), as floats."""
    columns = []
    for spec in features:
        values = pd.to_numeric(frame[spec.name], errors="coerce").to_numpy(dtype=float)
        if spec.transform == "log1p":
            values = np.sign(values) * np.log1p(np.abs(values))
        columns.append(values)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


@dataclass(frozen=True)
class Scaler:
    """Standardization learnt on one run: z = (x - mean) / std * weight."""

    means: tuple[float, ...]
    stds: tuple[float, ...]
    weights: tuple[float, ...]

    @classmethod
    def fit(cls, x: np.ndarray, features: tuple[FeatureSpec, ...]) -> Scaler:
        means = np.nanmean(x, axis=0)
        stds = np.nanstd(x, axis=0)
        stds = np.where(stds > 0, stds, 1.0)  # a constant feature carries no information, and no NaN
        return cls(tuple(map(float, means)), tuple(map(float, stds)), tuple(float(f.weight) for f in features))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - np.array(self.means)) / np.array(self.stds) * np.array(self.weights)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return z / np.array(self.weights) * np.array(self.stds) + np.array(self.means)


def original_units(z: np.ndarray, scaler: Scaler, features: tuple[FeatureSpec, ...]) -> np.ndarray:
    """Centroids back in the features' own units (dollars, counts, rates)."""
    x = scaler.inverse(z)
    for j, spec in enumerate(features):
        if spec.transform == "log1p":
            x[:, j] = np.sign(x[:, j]) * np.expm1(np.abs(x[:, j]))
    return x


# ---------------------------------------------------------------------------------------------
# clustering


@dataclass
class PreviousRun:
    """What the previous run left behind: its k and its centroids in original units, by segment code."""

    k: int
    feature_names: list[str]
    centroids: dict[str, list[float]]  # segment code -> centroid in original units


@dataclass(frozen=True)
class CatalogEntry:
    """A segment of the catalog seed that clustering may use, with the profile its name describes."""

    segment_code: str
    profile: dict[str, float]  # feature -> expected direction in standard deviations (-1, 0, +1...)
    segment_name: str = ""


def parse_profile(text: str | None) -> dict[str, float]:
    """'orders_per_month_365d:+1 gross_margin_rate:-1' -> {'orders_per_month_365d': 1.0, 'gross_margin_rate': -1.0}."""
    profile: dict[str, float] = {}
    for token in (text or "").split():
        name, sep, value = token.partition(":")
        if not sep:
            raise PolicyError(f"catalog profile item {token!r} must read feature:direction, e.g. gross_margin_rate:+1")
        try:
            profile[name] = float(value)
        except ValueError as error:
            raise PolicyError(f"catalog profile item {token!r}: direction must be a number") from error
    return profile


@dataclass
class SegmentationRun:
    """The outcome of one clustering run: what the run table and the assignments are built from."""

    run_id: str
    k: int
    features: tuple[FeatureSpec, ...]
    scaler: Scaler
    segment_codes: list[str]
    centroids_z: np.ndarray  # k x features, standardized and weighted
    centroids_original: np.ndarray  # k x features, original units
    segment_sizes: dict[str, int]
    criterion_by_k: dict[int, dict[str, float]]
    chosen_by: str
    merged_small_clusters: int
    matched_previous: dict[str, str] = field(default_factory=dict)  # code -> how it was matched
    rows_clustered: int = 0
    segments: dict[str, dict] = field(default_factory=dict)  # code -> origin, names, description, z per feature
    released_codes: dict[str, str] = field(default_factory=dict)  # previous code -> why no cluster keeps it
    feature_selection: list[dict] = field(default_factory=list)  # every candidate feature and why (not) used
    imputation: dict[str, float] = field(default_factory=dict)  # feature -> value filled in for missing ones

    def to_record(self) -> dict:
        """JSON-ready description, stored in the model run table and read back as PreviousRun."""
        return {
            "run_id": self.run_id,
            "k": self.k,
            "feature_names": [f.name for f in self.features],
            "feature_weights": [f.weight for f in self.features],
            "feature_transforms": [f.transform for f in self.features],
            "scaler_means": list(self.scaler.means),
            "scaler_stds": list(self.scaler.stds),
            "segment_codes": list(self.segment_codes),
            "centroids": {c: [round(float(v), 6) for v in row] for c, row in zip(self.segment_codes, self.centroids_original)},
            "centroids_standardized": {c: [round(float(v), 6) for v in row] for c, row in zip(self.segment_codes, self.centroids_z)},
            "segment_sizes": self.segment_sizes,
            "criterion_by_k": {str(k): v for k, v in self.criterion_by_k.items()},
            "chosen_by": self.chosen_by,
            "merged_small_clusters": self.merged_small_clusters,
            "matched_previous": self.matched_previous,
            "segments": self.segments,
            "released_codes": self.released_codes,
            "feature_selection": self.feature_selection,
            "imputation": self.imputation,
            # Features a customer must have to be clustered (used and not imputed): read by eligibility.
            "required_features": [f.name for f in self.features if f.name not in self.imputation],
        }


def version_hash(config: ClusteringConfig, catalog: list[CatalogEntry], as_of_date: str, frame: pd.DataFrame) -> str:
    """Hash of the configuration, the catalog, the data window and the data itself (a run's identity)."""
    digest = hashlib.sha256()
    digest.update(json.dumps(config.fingerprint(), sort_keys=True, default=str).encode())
    digest.update(json.dumps([asdict(c) for c in catalog], sort_keys=True).encode())
    digest.update(str(as_of_date).encode())
    described = [d.name for d in config.descriptive if d.name in frame.columns and d.name not in config.feature_names]
    data = frame[["customer_id", *config.feature_names, *described]].sort_values("customer_id")
    digest.update(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def _criteria(z: np.ndarray, labels: np.ndarray, rng_seed: int, sample_size: int) -> dict[str, float]:
    n = len(z)
    if n > sample_size:
        index = np.random.default_rng(rng_seed).choice(n, sample_size, replace=False)
        z, labels = z[index], labels[index]
    if len(np.unique(labels)) < 2:
        return {"silhouette": float("nan"), "calinski_harabasz": float("nan"), "davies_bouldin": float("nan")}
    return {
        "silhouette": round(float(silhouette_score(z, labels)), 6),
        "calinski_harabasz": round(float(calinski_harabasz_score(z, labels)), 4),
        "davies_bouldin": round(float(davies_bouldin_score(z, labels)), 6),
    }


def _fit_centroids(z: np.ndarray, k: int, config: ClusteringConfig) -> np.ndarray:
    if config.algorithm == "agglomerative":
        sample = z
        if len(z) > config.agglomerative_sample_size:
            index = np.random.default_rng(config.seed).choice(len(z), config.agglomerative_sample_size, replace=False)
            sample = z[np.sort(index)]
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(sample)
        return np.vstack([sample[labels == c].mean(axis=0) for c in range(k)])
    if len(z) > config.minibatch_above:
        model = MiniBatchKMeans(n_clusters=k, random_state=config.seed, n_init=config.n_init, batch_size=4096)
    else:
        model = KMeans(n_clusters=k, random_state=config.seed, n_init=config.n_init)
    return model.fit(z).cluster_centers_


def nearest(z: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid and the distances to all of them (rows x centroids)."""
    distances = np.sqrt(((z[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2))
    return distances.argmin(axis=1), distances


def _merge_small(z: np.ndarray, centroids: np.ndarray, min_share: float) -> tuple[np.ndarray, int]:
    """Drop the smallest cluster below min_share, re-assign its members to the nearest remaining, repeat."""
    merged = 0
    while len(centroids) > 2:
        labels, _ = nearest(z, centroids)
        counts = np.bincount(labels, minlength=len(centroids))
        smallest = int(counts.argmin())
        if counts[smallest] >= min_share * len(z):
            break
        centroids = np.delete(centroids, smallest, axis=0)
        labels, _ = nearest(z, centroids)
        centroids = np.vstack([z[labels == c].mean(axis=0) if (labels == c).any() else centroids[c] for c in range(len(centroids))])
        merged += 1
    return centroids, merged


def _choose_k(criterion_by_k: dict[int, dict[str, float]], config: ClusteringConfig, previous: PreviousRun | None) -> tuple[int, str]:
    higher_is_better = config.criterion != "davies_bouldin"
    scores = {k: v[config.criterion] for k, v in criterion_by_k.items() if not math.isnan(v[config.criterion])}
    if not scores:
        return config.k_min, "fewest clusters: no criterion could be measured"
    best = max(scores, key=scores.get) if higher_is_better else min(scores, key=scores.get)
    if previous is not None and previous.k in scores and previous.k != best:
        gap = (scores[best] - scores[previous.k]) if higher_is_better else (scores[previous.k] - scores[best])
        if gap <= config.k_stability_margin * abs(scores[best]):
            return previous.k, f"previous run's k kept: {config.criterion} within {config.k_stability_margin:.0%} of the best k={best}"
    return best, f"best {config.criterion}"


@dataclass(frozen=True)
class ClusterProfile:
    """Where a cluster lies against the customers the run clustered, feature by feature."""

    z: dict[str, float]  # feature -> centroid in population standard deviations (after the transform)
    centroid: dict[str, float]  # feature -> centroid in the feature's own units
    typical: dict[str, float]  # feature -> the population's centre in the same units
    scores: dict[str, float]  # dimension (value, frequency, ...) -> z, see custseg.segment_naming


def _inverse_transform(value: float, transform: str) -> float:
    return float(np.sign(value) * np.expm1(abs(value))) if transform == "log1p" else float(value)


def cluster_profiles(
    frame: pd.DataFrame, labels: np.ndarray, centroids_z: np.ndarray, scaler: Scaler, config: ClusteringConfig
) -> list[ClusterProfile]:
    """Every cluster's profile: clustered features from the centroid, descriptive features (recency,
    tenure) from the cluster members' mean, both against all clustered customers."""
    features = config.features
    names = [f.name for f in features]
    unweighted = centroids_z / np.array([f.weight for f in features])
    centroid_x = original_units(centroids_z.copy(), scaler, features)
    typical_x = original_units(np.zeros((1, len(features))), scaler, features)[0]
    extra = tuple(d for d in config.descriptive if d.name in frame.columns and d.name not in names)
    xd = transformed_features(frame, extra)
    finite = np.isfinite(xd)
    profiles = []
    for c in range(len(centroids_z)):
        z = {n: float(unweighted[c, j]) for j, n in enumerate(names)}
        centroid = {n: float(centroid_x[c, j]) for j, n in enumerate(names)}
        typical = {n: float(typical_x[j]) for j, n in enumerate(names)}
        for j, spec in enumerate(extra):
            everyone, members = xd[finite[:, j], j], xd[(labels == c) & finite[:, j], j]
            if len(members) == 0 or len(everyone) < 2 or not np.std(everyone) > 0:
                continue
            mean, std, member_mean = float(everyone.mean()), float(everyone.std()), float(members.mean())
            z[spec.name] = (member_mean - mean) / std
            centroid[spec.name] = _inverse_transform(member_mean, spec.transform)
            typical[spec.name] = _inverse_transform(mean, spec.transform)
        profiles.append(ClusterProfile(z, centroid, typical, segment_naming.dimension_scores(z, names)))
    return profiles


def _catalog_matches(profiles: list[ClusterProfile], free: list[CatalogEntry], config: ClusteringConfig) -> tuple[dict[int, str], dict[int, dict[str, str]]]:
    """Cluster index -> catalog code for the clusters a free catalog profile matches (the best total
    fit when several could: Hungarian assignment on the profile distances), and every verdict."""
    verdicts: dict[int, dict[str, str]] = {i: {} for i in range(len(profiles))}
    if not free or not profiles:
        return {}, verdicts
    impossible = 1e9
    cost = np.full((len(profiles), len(free)), impossible)
    for i, profile in enumerate(profiles):
        for j, entry in enumerate(free):
            verdict = segment_naming.match_profile(profile.z, entry.profile, config.profile_tolerance, config.profile_min_coverage)
            verdicts[i][entry.segment_code] = ("matches: " if verdict.matches else "no match: ") + verdict.reason
            if verdict.matches:
                cost[i, j] = verdict.distance
    rows, cols = linear_sum_assignment(cost)
    return {int(r): free[c].segment_code for r, c in zip(rows, cols) if cost[r, c] < impossible}, verdicts


def generated_codes(count: int, reserved: set[str]) -> list[str]:
    """The next ``count`` generated codes (SEG-GEN-01, ...) that no catalog row or earlier run used."""
    codes: list[str] = []
    number = 1
    while len(codes) < count:
        code = f"{GENERATED_CODE_PREFIX}{number:02d}"
        if code not in reserved:
            codes.append(code)
        number += 1
    return codes


def validate_catalog(catalog: list[CatalogEntry], available_columns: list[str]) -> None:
    """Catalog profiles may name any column of the feature table (one the run does not measure simply
    cannot match); a name that is no column is a typo, and codes must not look generated."""
    problems = []
    for entry in catalog:
        unknown = sorted(set(entry.profile) - set(available_columns))
        if unknown:
            problems.append(f"catalog segment {entry.segment_code} profiles {unknown}, which are not columns of int_features__customer_features")
        if entry.segment_code.startswith(GENERATED_CODE_PREFIX):
            problems.append(f"catalog segment {entry.segment_code}: codes starting {GENERATED_CODE_PREFIX} are kept for generated segments")
    if problems:
        raise PolicyError("segment catalog refused: " + "; ".join(problems))


# A previous code follows a new cluster only when their centroids lie this close (root mean square of
# the difference per feature, in the population's standard deviations): a code never jumps to a
# group that merely took its place in the assignment.
MAX_ALIGNMENT_DISTANCE = 1.0


def _align_to_previous(
    centroids_z: np.ndarray, scaler: Scaler, features: tuple[FeatureSpec, ...], previous: PreviousRun
) -> dict[int, tuple[str, float]]:
    """New cluster index -> (previous code, distance), matching centroids by least total distance
    (Hungarian). The distance is the root mean square over features of the difference in population
    standard deviations (weights removed), comparable with ``MAX_ALIGNMENT_DISTANCE``."""
    if previous.feature_names != [f.name for f in features] or not previous.centroids:
        return {}
    codes = sorted(previous.centroids)
    old = np.array([previous.centroids[c] for c in codes], dtype=float)
    old_x = old.copy()
    for j, spec in enumerate(features):
        if spec.transform == "log1p":
            old_x[:, j] = np.sign(old_x[:, j]) * np.log1p(np.abs(old_x[:, j]))
    old_z = scaler.transform(old_x)
    cost = np.sqrt(((centroids_z[:, None, :] - old_z[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(cost)
    weights = np.array([f.weight for f in features])
    rms = np.sqrt((((centroids_z[:, None, :] - old_z[None, :, :]) / weights) ** 2).mean(axis=2))
    return {int(r): (codes[c], float(rms[r, c])) for r, c in zip(rows, cols)}


def min_customers_to_cluster(config: ClusteringConfig) -> int:
    """Fewer clusterable customers than this and no clustering is attempted (all go to the fallback)."""
    return max(config.k_max * 5, 20)


def fit_segmentation(
    frame: pd.DataFrame,
    config: ClusteringConfig,
    catalog: list[CatalogEntry],
    as_of_date: str,
    previous: PreviousRun | None = None,
    reserved_codes: set[str] | frozenset[str] = frozenset(),
    taken_names: tuple[str, ...] | list[str] = (),
    run_id: str | None = None,
    earlier_names: dict[str, str] | None = None,
) -> SegmentationRun:
    """Cluster the customers of ``frame`` (customer_id plus the feature columns, no missing values;
    descriptive columns such as days_since_last_purchase may be there, with missing values).

    ``reserved_codes`` are codes never to hand out again (every code of earlier runs), ``taken_names``
    names a generated segment may not take (the catalog's), ``earlier_names`` the names of generated
    segments of earlier runs (code -> name), which a new segment may not take while its code is
    not in this run.
    """
    frame = frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    if frame[config.feature_names].isna().any().any():
        missing = frame[config.feature_names].isna().sum()
        raise PolicyError(f"clustering input has missing values: {missing[missing > 0].to_dict()} (send such customers to the fallback)")
    if len(frame) < min_customers_to_cluster(config):
        raise PolicyError(f"only {len(frame)} customers qualify for clustering: too few to find {config.k_min}..{config.k_max} segments")
    x = transformed_features(frame, config.features)
    scaler = Scaler.fit(x, config.features)
    z = scaler.transform(x)
    fitted: dict[int, np.ndarray] = {}
    criterion_by_k: dict[int, dict[str, float]] = {}
    for k in range(config.k_min, config.k_max + 1):
        centroids = _fit_centroids(z, k, config)
        labels, _ = nearest(z, centroids)
        fitted[k] = centroids
        criterion_by_k[k] = _criteria(z, labels, config.seed, config.criterion_sample_size)
    k, chosen_by = _choose_k(criterion_by_k, config, previous)
    centroids, merged = _merge_small(z, fitted[k], config.min_segment_share)
    labels, _ = nearest(z, centroids)
    counts = np.bincount(labels, minlength=len(centroids))
    profiles = cluster_profiles(frame, labels, centroids, scaler, config)
    codes: list[str] = [""] * len(centroids)
    matched: dict[str, str] = {}
    released: dict[str, str] = {}
    by_code = {entry.segment_code: entry for entry in catalog}
    if previous is not None:
        for index, (code, distance) in _align_to_previous(centroids, scaler, config.features, previous).items():
            if distance > MAX_ALIGNMENT_DISTANCE:
                released[code] = f"no cluster of this run lies near its centroid (nearest {distance:.2f} sd away)"
            elif code.startswith(GENERATED_CODE_PREFIX):
                codes[index], matched[code] = code, "previous run's centroid"
            elif code not in by_code:  # a segment retired since the previous run gets a new code
                released[code] = "retired from the catalog"
            else:
                verdict = segment_naming.match_profile(profiles[index].z, by_code[code].profile, config.profile_tolerance, config.profile_min_coverage)
                if verdict.matches:
                    codes[index], matched[code] = code, "previous run's centroid"
                else:  # the catalog name would no longer describe the cluster
                    released[code] = "its catalog profile no longer matches the centroid: " + verdict.reason
    unmatched = [i for i, c in enumerate(codes) if not c]
    free = [entry for entry in catalog if entry.segment_code not in set(codes)]
    from_catalog, verdicts = _catalog_matches([profiles[i] for i in unmatched], free, config)
    for position, code in from_catalog.items():
        codes[unmatched[position]], matched[code] = code, "catalog profile"
    still = sorted((i for i, c in enumerate(codes) if not c), key=lambda i: (-counts[i], i))
    taken = set(reserved_codes) | set(by_code) | set(previous.centroids if previous else ()) | set(codes)
    for index, code in zip(still, generated_codes(len(still), taken)):
        codes[index], matched[code] = code, "generated from the centroid"
    by_size = sorted(range(len(centroids)), key=lambda i: (-counts[i], i))
    still_named = [name for code, name in (earlier_names or {}).items() if code not in codes]
    names = segment_naming.name_segments({i: profiles[i].scores for i in by_size}, [*taken_names, *still_named], order=by_size)
    segments: dict[str, dict] = {}
    catalog_verdicts = {unmatched[p]: v for p, v in verdicts.items()}
    for i, code in enumerate(codes):
        described = segment_naming.describe(profiles[i].scores, profiles[i].z, profiles[i].centroid, profiles[i].typical, names[i])
        origin = "generated" if code.startswith(GENERATED_CODE_PREFIX) else "catalog"
        segments[code] = {
            "origin": origin,
            "name": names[i] if origin == "generated" else (by_code[code].segment_name or code),
            "generated_name": names[i],
            "description": described.description,
            "traits": described.traits,
            "z": {f: round(v, 4) for f, v in profiles[i].z.items()},
            "centroid": {f: round(v, 6) for f, v in profiles[i].centroid.items()},
            "typical": {f: round(v, 6) for f, v in profiles[i].typical.items()},
            "catalog_verdicts": catalog_verdicts.get(i, {}),
        }
    sizes = {codes[c]: int(n) for c, n in enumerate(counts)}
    order = np.argsort(codes)
    return SegmentationRun(
        run_id=run_id or version_hash(config, catalog, as_of_date, frame),
        k=len(centroids),
        features=config.features,
        scaler=scaler,
        segment_codes=[codes[i] for i in order],
        centroids_z=centroids[order],
        centroids_original=original_units(centroids[order].copy(), scaler, config.features),
        segment_sizes=dict(sorted(sizes.items())),
        criterion_by_k=criterion_by_k,
        chosen_by=chosen_by + (f"; {merged} cluster(s) below the minimum size merged" if merged else ""),
        merged_small_clusters=merged,
        matched_previous=dict(sorted(matched.items())),
        released_codes=dict(sorted(released.items())),
        rows_clustered=len(frame),
        segments=dict(sorted(segments.items())),
    )


def run_from_record(record: dict) -> tuple[Scaler, tuple[FeatureSpec, ...], list[str], np.ndarray]:
    """Scaler, features, codes and standardized centroids of a stored run (the run table's JSON)."""
    features = tuple(
        FeatureSpec(n, float(w), t) for n, w, t in zip(record["feature_names"], record["feature_weights"], record["feature_transforms"])
    )
    scaler = Scaler(tuple(record["scaler_means"]), tuple(record["scaler_stds"]), tuple(float(f.weight) for f in features))
    codes = list(record["segment_codes"])
    centroids = np.array([record["centroids_standardized"][c] for c in codes], dtype=float)
    return scaler, features, codes, centroids


def previous_run_from_record(record: dict) -> PreviousRun:
    return PreviousRun(k=int(record["k"]), feature_names=list(record["feature_names"]), centroids=dict(record["centroids"]))


# ---------------------------------------------------------------------------------------------
# assignment and hysteresis


@dataclass
class Assignment:
    """Customers placed on a run's segments: nearest segment and the distance to every segment."""

    customer_ids: np.ndarray
    codes: list[str]
    distances: np.ndarray  # customers x segments, standardized and weighted units

    @property
    def nearest_index(self) -> np.ndarray:
        return self.distances.argmin(axis=1)


def assign_segments(frame: pd.DataFrame, record: dict) -> Assignment:
    """Distances of every customer of ``frame`` to the segments of a stored run."""
    scaler, features, codes, centroids = run_from_record(record)
    z = scaler.transform(transformed_features(frame, features))
    _, distances = nearest(z, centroids)
    return Assignment(frame["customer_id"].to_numpy(), codes, distances)


def apply_hysteresis(assignment: Assignment, previous_codes: pd.Series, margin: float) -> pd.DataFrame:
    """Keep each customer's previous segment unless the nearest one is closer by more than ``margin``.

    ``margin`` is relative: a customer moves only when d(nearest) < (1 - margin) * d(previous). A previous
    segment that is not in the run holds nobody; customers without a previous segment take the nearest.
    Returns customer_id, nearest_segment_code, previous_segment_code, segment_code, segment_distance,
    distance_margin (how much closer the nearest segment is than the chosen one, relative) and
    hysteresis_applied (the customer stayed although another segment was nearer).
    """
    if not 0 <= margin < 1:
        raise PolicyError(f"segmentation_hysteresis_margin must be in [0, 1), got {margin}")
    codes = np.array(assignment.codes, dtype=object)
    rows = np.arange(len(assignment.customer_ids))
    nearest_index = assignment.nearest_index
    nearest_distance = assignment.distances[rows, nearest_index]
    previous = pd.Series(assignment.customer_ids).map(previous_codes).to_numpy(dtype=object)
    code_position = {c: i for i, c in enumerate(assignment.codes)}
    previous_index = np.array([code_position.get(p, -1) if isinstance(p, str) else -1 for p in previous])
    has_previous = previous_index >= 0
    previous_distance = np.where(has_previous, assignment.distances[rows, np.maximum(previous_index, 0)], np.inf)
    stay = has_previous & (previous_index != nearest_index) & ~(nearest_distance < (1 - margin) * previous_distance)
    chosen_index = np.where(stay, previous_index, nearest_index)
    chosen_distance = assignment.distances[rows, chosen_index]
    with np.errstate(divide="ignore", invalid="ignore"):
        distance_margin = np.where(chosen_distance > 0, 1 - nearest_distance / chosen_distance, 0.0)
    return pd.DataFrame(
        {
            "customer_id": assignment.customer_ids,
            "nearest_segment_code": codes[nearest_index],
            "previous_segment_code": pd.Series(previous, dtype="object").where(pd.notna(previous), None),
            "segment_code": codes[chosen_index],
            "segment_distance": np.round(chosen_distance, 6),
            "distance_margin": np.round(distance_margin, 6),
            "hysteresis_applied": stay,
        }
    )


# ---------------------------------------------------------------------------------------------
# the run table and the assignments, as the dbt Python models return them

RUN_TABLE_COLUMNS = [
    "run_id",
    "is_current",
    "as_of_date",
    "recorded_at",
    "previous_run_id",
    "algorithm",
    "criterion",
    "k",
    "chosen_by",
    "customers_clustered",
    "segment_sizes",
    "criterion_by_k",
    "adjusted_rand_index_vs_previous",
    "adjusted_rand_index_vs_reference",
    "churn_model_auc_out_of_time",
    "run_record",
    "config",
]


def catalog_entries(catalog: pd.DataFrame) -> list[CatalogEntry]:
    """Active cluster segments of the catalog seed (assignment_source = cluster, not retired), in code order."""
    active = catalog["retired_on"].isna() if "retired_on" in catalog.columns else True
    rows = catalog[(catalog["assignment_source"] == "cluster") & active].sort_values("segment_code")
    names = rows["segment_name"] if "segment_name" in rows.columns else pd.Series("", index=rows.index)
    return [
        CatalogEntry(str(r.segment_code), parse_profile(r.profile), "" if pd.isna(name) else str(name))
        for r, name in zip(rows.itertuples(index=False), names)
    ]


def _labels_under(record: dict, frame: pd.DataFrame) -> np.ndarray:
    assignment = assign_segments(frame, record)
    return np.array(assignment.codes, dtype=object)[assignment.nearest_index]


def build_run_table(
    eligible: pd.DataFrame,
    config: ClusteringConfig,
    catalog: list[CatalogEntry],
    as_of_date: str,
    history: pd.DataFrame | None,
    recorded_at: pd.Timestamp,
    reference_labels: pd.Series | None = None,
    churn_model_auc: float | None = None,
    taken_names: tuple[str, ...] | list[str] = (),
) -> pd.DataFrame:
    """The model run table after this build: every earlier run plus this one, which is marked current.

    ``eligible`` holds the customers eligible for clustering (every check that does not depend on the
    features passed) with the candidate features of ``config`` and, when available, the descriptive ones;
    ``select_features`` decides which candidates the run uses. A run whose id (configuration, catalog,
    as-of date and data) is already in the history is not fitted again: the build reuses it, so
    rebuilding on unchanged data changes nothing. Otherwise the run is fitted with the current run as its
    predecessor (codes carried over, k kept when nearly as good). ``taken_names`` are names a generated
    segment may not take (the catalog's).
    """
    from sklearn.metrics import adjusted_rand_score

    described = [d.name for d in config.descriptive if d.name in eligible.columns and d.name not in config.feature_names]
    eligible = eligible[["customer_id", *config.feature_names, *described]].sort_values("customer_id", kind="stable")
    history = (history if history is not None else pd.DataFrame(columns=RUN_TABLE_COLUMNS))[RUN_TABLE_COLUMNS].copy()
    run_id = version_hash(config, catalog, as_of_date, eligible)
    if run_id in set(history["run_id"]):
        history["is_current"] = history["run_id"] == run_id
        return _typed_run_table(history)
    current = history[history["is_current"].astype(bool)]
    previous_record = json.loads(current["run_record"].iloc[0]) if len(current) else None
    if previous_record is not None and not previous_record.get("segment_codes"):
        previous_record = None  # a run that clustered nobody leaves nothing to align with
    previous = previous_run_from_record(previous_record) if previous_record else None
    reserved: set[str] = set()
    earlier_names: dict[str, str] = {}
    for text in history.sort_values("recorded_at", kind="stable")["run_record"]:
        earlier = json.loads(text)
        reserved |= set(earlier.get("segment_codes", []))
        earlier_names |= {c: v["name"] for c, v in earlier.get("segments", {}).items() if v.get("origin") == "generated"}
    used, decisions = select_features(eligible, config)
    selection = [asdict(d) for d in decisions]
    imputation = {d.feature_name: d.impute_value for d in decisions if d.is_used and d.impute_value is not None}
    required = [f.name for f in used if f.name not in imputation]
    frame = impute_features(eligible, imputation).dropna(subset=[f.name for f in used])
    if len(used) < 2 or len(frame) < min_customers_to_cluster(config):
        if len(used) < 2:
            reason = f"not clustered: {len(used)} of the {len(config.features)} candidate features have enough coverage and vary (at least 2 are needed)"
        else:
            reason = f"not clustered: {len(frame)} customers qualify, at least {min_customers_to_cluster(config)} are needed"
        unclustered = _unclustered_run(run_id, config, as_of_date, reason, recorded_at, current, selection, required)
        return _typed_run_table(_append_run(history, {**unclustered, "churn_model_auc_out_of_time": churn_model_auc}))
    run_config = replace(config, features=used)
    run = fit_segmentation(frame, run_config, catalog, as_of_date, previous, reserved, taken_names, run_id, earlier_names)
    run.feature_selection, run.imputation = selection, imputation
    record = run.to_record()
    labels = _labels_under(record, frame)
    ari_previous = None
    if previous_record and previous_record["feature_names"] == run_config.feature_names:
        ari_previous = round(float(adjusted_rand_score(_labels_under(previous_record, frame), labels)), 6)
    ari_reference = None
    if reference_labels is not None:
        known = frame["customer_id"].map(reference_labels)
        mask = known.notna().to_numpy()
        if mask.sum() >= 2:
            ari_reference = round(float(adjusted_rand_score(known[mask].astype(str), labels[mask])), 6)
    row = {
        "run_id": run_id,
        "is_current": True,
        "as_of_date": pd.Timestamp(as_of_date).date(),
        "recorded_at": recorded_at,
        "previous_run_id": current["run_id"].iloc[0] if len(current) else None,
        "algorithm": config.algorithm if config.algorithm == "agglomerative" or len(frame) <= config.minibatch_above else "minibatch_kmeans",
        "criterion": config.criterion,
        "k": run.k,
        "chosen_by": run.chosen_by,
        "customers_clustered": run.rows_clustered,
        "segment_sizes": json.dumps(run.segment_sizes, sort_keys=True),
        "criterion_by_k": json.dumps({str(k): v for k, v in run.criterion_by_k.items()}, sort_keys=True),
        "adjusted_rand_index_vs_previous": ari_previous,
        "adjusted_rand_index_vs_reference": ari_reference,
        "churn_model_auc_out_of_time": churn_model_auc,
        "run_record": json.dumps(record, sort_keys=True),
        "config": json.dumps(config.fingerprint(), sort_keys=True, default=str),
    }
    return _typed_run_table(_append_run(history, row))


def _append_run(history: pd.DataFrame, row: dict) -> pd.DataFrame:
    history = history.copy()
    history["is_current"] = False
    return pd.concat([history, pd.DataFrame([row])], ignore_index=True) if len(history) else pd.DataFrame([row])


def _unclustered_run(
    run_id: str, config: ClusteringConfig, as_of_date: str, reason: str, recorded_at: pd.Timestamp, current: pd.DataFrame,
    selection: list[dict], required: list[str],
) -> dict:
    """The run row when the data cannot be clustered: recorded, with k = 0, so the reason is visible."""
    record = {
        "run_id": run_id,
        "k": 0,
        "feature_names": config.feature_names,
        "feature_weights": [f.weight for f in config.features],
        "feature_transforms": [f.transform for f in config.features],
        "segment_codes": [],
        "centroids": {},
        "centroids_standardized": {},
        "segment_sizes": {},
        "segments": {},
        "chosen_by": reason,
        "feature_selection": selection,
        "imputation": {},
        "required_features": required,
    }
    return {
        "run_id": run_id,
        "is_current": True,
        "as_of_date": pd.Timestamp(as_of_date).date(),
        "recorded_at": recorded_at,
        "previous_run_id": current["run_id"].iloc[0] if len(current) else None,
        "algorithm": config.algorithm,
        "criterion": config.criterion,
        "k": 0,
        "chosen_by": reason,
        "customers_clustered": 0,
        "segment_sizes": "{}",
        "criterion_by_k": "{}",
        "adjusted_rand_index_vs_previous": None,
        "adjusted_rand_index_vs_reference": None,
        "run_record": json.dumps(record, sort_keys=True),
        "config": json.dumps(config.fingerprint(), sort_keys=True, default=str),
    }


def _typed_run_table(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[RUN_TABLE_COLUMNS].copy()
    for column in ("run_id", "previous_run_id", "algorithm", "criterion", "chosen_by", "segment_sizes", "criterion_by_k", "run_record", "config"):
        frame[column] = frame[column].astype("string")
    frame["is_current"] = frame["is_current"].astype(bool)
    frame["k"] = frame["k"].astype("int64")
    frame["customers_clustered"] = frame["customers_clustered"].astype("int64")
    for column in ("adjusted_rand_index_vs_previous", "adjusted_rand_index_vs_reference", "churn_model_auc_out_of_time"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    frame["as_of_date"] = pd.to_datetime(frame["as_of_date"]).dt.date
    return frame.sort_values("recorded_at", kind="stable").reset_index(drop=True)


ASSIGNMENT_COLUMNS = [
    "customer_id",
    "run_id",
    "as_of_date",
    "nearest_segment_code",
    "previous_segment_code",
    "cluster_segment_code",
    "segment_distance",
    "distance_margin",
    "hysteresis_applied",
]


def build_assignments(eligible: pd.DataFrame, runs: pd.DataFrame, previous_state: pd.DataFrame | None, margin: float) -> pd.DataFrame:
    """Cluster segment of every clusterable customer under the current run, with hysteresis.

    ``previous_state`` is this table as the previous build left it (customer_id, cluster_segment_code):
    customers keep that segment unless the nearest one is closer by more than ``margin``.
    """
    current = runs[runs["is_current"].astype(bool)]
    if len(current) != 1:
        raise PolicyError(f"the segmentation run table must have exactly one current run, found {len(current)}")
    record = json.loads(current["run_record"].iloc[0])
    frame = impute_features(eligible, record.get("imputation", {}))
    frame = frame.dropna(subset=record["feature_names"]).sort_values("customer_id", kind="stable")
    if not record["segment_codes"]:  # the run clustered nobody: every customer falls back
        empty = pd.DataFrame({c: pd.Series(dtype="string") for c in ASSIGNMENT_COLUMNS})
        empty["as_of_date"] = pd.Series(dtype="object")
        empty["segment_distance"] = empty["distance_margin"] = pd.Series(dtype="float64")
        empty["hysteresis_applied"] = pd.Series(dtype="bool")
        return empty
    previous_codes = pd.Series(dtype="object")
    if previous_state is not None and len(previous_state):
        previous_codes = previous_state.set_index("customer_id")["cluster_segment_code"]
    out = apply_hysteresis(assign_segments(frame, record), previous_codes, margin)
    out.insert(1, "run_id", current["run_id"].iloc[0])
    out.insert(2, "as_of_date", current["as_of_date"].iloc[0])
    out = out.rename(columns={"segment_code": "cluster_segment_code"})
    for column in ("customer_id", "run_id", "nearest_segment_code", "previous_segment_code", "cluster_segment_code"):
        out[column] = out[column].astype("string")
    out["as_of_date"] = pd.to_datetime(out["as_of_date"]).dt.date
    return out[ASSIGNMENT_COLUMNS].reset_index(drop=True)


def reference_segments(path: str | None, crosswalk: pd.DataFrame) -> pd.Series | None:
    """Reference labels by customer, to measure how far clusters agree with a known segmentation.

    ``path`` (var segmentation_reference_labels, null by default) names a Parquet or CSV file with
    source_system, source_record_id and reference_label, e.g. the segments sales uses today, or the
    generator's planted segments. A customer takes the label most of its source records carry.
    """
    if path in (None, "", "None", "none"):
        return None
    reader = pd.read_csv if str(path).endswith(".csv") else pd.read_parquet
    try:
        labels = reader(path)
    except FileNotFoundError as error:
        raise PolicyError(f"var segmentation_reference_labels names {path}, which does not exist") from error
    missing = {"source_system", "source_record_id", "reference_label"} - set(labels.columns)
    if missing:
        raise PolicyError(f"{path} lacks columns {sorted(missing)}")
    joined = crosswalk.merge(labels, on=["source_system", "source_record_id"], how="inner")
    if joined.empty:
        return pd.Series(dtype="object")
    counts = joined.groupby(["customer_id", "reference_label"]).size().reset_index(name="records")
    counts = counts.sort_values(["customer_id", "records", "reference_label"], ascending=[True, False, True])
    return counts.drop_duplicates("customer_id").set_index("customer_id")["reference_label"]
