"""Names and descriptions of cluster segments, read from their centroids.

A cluster is described by where its centroid lies against the customers the run clustered, feature by
feature, in the population's standard deviations after the feature's transform (z). Features map to
dimensions a person reads a segment by: order value, purchase frequency, recency, tenure, margin,
service load, engagement, and a few more. A dimension is *high* from z >= ``NAME_THRESHOLD``, *low* from
z <= -``NAME_THRESHOLD``, and unremarkable in between.

Two uses:

* ``match_profile`` decides whether a shipped catalog profile (``feature:z`` pairs, e.g.
  ``average_order_value_usd:+2 orders_per_month_365d:+2``) describes a centroid: the profile must name at
  least ``MIN_PROFILE_FEATURES`` features the run can measure, carrying at least ``min_coverage`` of its
  total weight (the sum of |z| over its items), and every one of those must lie within ``tolerance``
  standard deviations of the profile's value without being marked the other way (a centroid high on a
  feature the profile puts below average, or low on one it puts above). Otherwise the catalog name
  would be forced onto a cluster it does not describe.
* ``name_segments`` gives every other cluster a generated name from a closed vocabulary
  (``ALLOWED_NAME_WORDS``): the frequency and value words, then the most marked other dimensions
  ("Frequent high-spend buyers", "Occasional small-basket past buyers"). The vocabulary describes
  behaviour and never judges a customer's worth: ``BANNED_WORDS`` lists wording that must never appear,
  and the tests hold every generated name and description to both lists.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NAME_THRESHOLD = 0.5  # |z| from which a dimension is called high or low
MIN_PROFILE_FEATURES = 2  # a catalog profile must name at least this many features the run measures
BASE_EXTRA_TRAITS = 1  # traits besides frequency and value in a name, before names must be told apart


@dataclass(frozen=True)
class Dimension:
    """A way of reading a segment, with the words for its high and low ends."""

    name: str
    high_word: str  # in a name, e.g. "frequent"
    low_word: str
    high_phrase: str  # in a description, e.g. "buy often"
    low_phrase: str
    is_purchase: bool = False  # a purchase dimension makes the segment's noun "buyers"


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("frequency", "frequent", "occasional", "buy often", "buy now and then", True),
        Dimension("value", "high-spend", "small-basket", "place large orders", "keep to small baskets", True),
        Dimension("revenue", "high-revenue", "modest-revenue", "bring high yearly revenue", "bring modest yearly revenue", True),
        Dimension("recency", "past", "recent", "last ordered a while ago", "ordered recently", True),
        Dimension("tenure", "long-standing", "newer", "have been customers for long", "have been customers for a shorter time"),
        Dimension("margin", "high-margin", "thin-margin", "buy at high margins", "buy at thin margins"),
        Dimension("service", "service-intensive", "low-touch", "contact support often", "rarely need support"),
        Dimension("engagement", "product-engaged", "light-usage", "use the product widely", "use the product lightly"),
        Dimension("subscription", "subscribed", "pay-as-you-go", "hold larger subscriptions", "mostly buy without a subscription"),
        Dimension("satisfaction", "enthusiastic", "reserved", "rate the company highly", "rate the company more reservedly"),
        Dimension("size", "large-organization", "small-organization", "are larger organizations", "are smaller organizations"),
    )
}

# Which dimension a feature of int_features__customer_features speaks to. A feature not listed is still
# clustered on and described in numbers, but gives no word to the name.
FEATURE_DIMENSIONS: dict[str, str] = {
    "orders_per_month_365d": "frequency",
    "order_count_365d": "frequency",
    "frequency": "frequency",
    "average_order_value_usd": "value",
    "monetary_value_usd": "value",
    "revenue_365d_usd": "revenue",
    "days_since_last_purchase": "recency",
    "tenure_days": "tenure",
    "customer_age_days": "tenure",
    "gross_margin_rate": "margin",
    "margin_after_cost_to_serve_365d_usd": "margin",
    "tickets_per_month_365d": "service",
    "cost_to_serve_per_month_365d_usd": "service",
    "feature_adoption_rate": "engagement",
    "active_days_365d": "engagement",
    "mrr_usd": "subscription",
    "net_promoter_score_365d": "satisfaction",
    "employee_count": "size",
}

# The order words take in a name: traits in front, then frequency, value, recency, the noun.
_FRONT_ORDER = ("tenure", "service", "margin", "engagement", "subscription", "satisfaction", "size", "revenue")
_HEAD = ("frequency", "value")
_BACK = ("recency",)

NOUNS = ("buyers", "customers")
FALLBACK_WORD = "mainstream"  # a cluster no dimension marks out
ALLOWED_NAME_WORDS = frozenset(
    {w for d in DIMENSIONS.values() for w in (d.high_word, d.low_word)} | set(NOUNS) | {FALLBACK_WORD, "group"}
)
# Wording that judges customers rather than describing them: never in a generated name or description.
BANNED_WORDS = (
    "lapsed",
    "low value",
    "low-value",
    "one-time",
    "churned",
    "churner",
    "dormant",
    "inactive",
    "dead",
    "lost",
    "worst",
    "bad",
    "poor",
    "cheap",
    "unprofitable",
    "loser",
    "worthless",
    "bottom",
    "problem",
    "freeloader",
)

FEATURE_LABELS: dict[str, str] = {
    "average_order_value_usd": "order value",
    "orders_per_month_365d": "orders a month",
    "days_since_last_purchase": "days since the last order",
    "tenure_days": "days as a customer",
    "gross_margin_rate": "gross margin",
    "tickets_per_month_365d": "tickets a month",
    "feature_adoption_rate": "feature adoption",
    "revenue_365d_usd": "revenue over the last year",
    "cost_to_serve_per_month_365d_usd": "cost to serve a month",
    "margin_after_cost_to_serve_365d_usd": "margin after cost to serve over the last year",
    "mrr_usd": "monthly recurring revenue",
    "active_days_365d": "active days over the last year",
    "net_promoter_score_365d": "net promoter score",
    "employee_count": "employees",
}


def contains_banned_word(text: str) -> str | None:
    """The first banned word or phrase the text contains (whole words, any case), else None."""
    lowered = text.lower()
    for banned in BANNED_WORDS:
        if re.search(rf"(?<![a-z]){re.escape(banned)}(?![a-z])", lowered):
            return banned
    return None


def dimension_scores(z_by_feature: Mapping[str, float], clustered: Iterable[str]) -> dict[str, float]:
    """z of each dimension: the mean z of its clustered features, else of its descriptive features."""
    clustered = set(clustered)
    scores: dict[str, float] = {}
    for dimension in DIMENSIONS:
        features = [f for f in z_by_feature if FEATURE_DIMENSIONS.get(f) == dimension and _finite(z_by_feature[f])]
        preferred = [f for f in features if f in clustered] or features
        if preferred:
            scores[dimension] = float(sum(z_by_feature[f] for f in preferred) / len(preferred))
    return scores


def level(z: float) -> int:
    """+1 high, -1 low, 0 unremarkable."""
    if z >= NAME_THRESHOLD:
        return 1
    if z <= -NAME_THRESHOLD:
        return -1
    return 0


@dataclass(frozen=True)
class ProfileMatch:
    """Whether a catalog profile describes a centroid, how far it is, and why (not)."""

    matches: bool
    distance: float
    reason: str


def match_profile(z_by_feature: Mapping[str, float], profile: Mapping[str, float], tolerance: float, min_coverage: float) -> ProfileMatch:
    """Does the catalog profile describe the centroid whose z per feature is ``z_by_feature``?

    Only the profile's features the run measures (clustered or descriptive) can be judged; they must be
    at least ``MIN_PROFILE_FEATURES`` and carry ``min_coverage`` of the profile's weight, and each must
    lie within ``tolerance`` of the profile's value, and not be high (z >= NAME_THRESHOLD) where the
    profile's value is negative or low where it is positive. The distance is the root mean square
    difference.
    """
    weight = sum(abs(v) for v in profile.values())
    if not profile or weight == 0:
        return ProfileMatch(False, math.inf, "the profile names no direction")
    measured = {f: p for f, p in profile.items() if f in z_by_feature and _finite(z_by_feature[f])}
    coverage = sum(abs(p) for p in measured.values()) / weight
    unmeasured = sorted(set(profile) - set(measured))
    if len(measured) < MIN_PROFILE_FEATURES or coverage < min_coverage:
        return ProfileMatch(
            False,
            math.inf,
            f"the run measures {len(measured)} of the profile's features ({coverage:.0%} of its weight; "
            f"needs {MIN_PROFILE_FEATURES} and {min_coverage:.0%}); not measured: {', '.join(unmeasured)}",
        )
    off = {f for f, p in measured.items() if abs(z_by_feature[f] - p) > tolerance}
    opposite = {f for f, p in measured.items() if p != 0 and level(z_by_feature[f]) == -math.copysign(1, p)}
    distance = math.sqrt(sum((z_by_feature[f] - p) ** 2 for f, p in measured.items()) / len(measured))
    if off or opposite:
        detail = ", ".join(f"{f} {z_by_feature[f]:+.2f} vs {measured[f]:+g}" for f in sorted(off | opposite))
        return ProfileMatch(
            False, distance, f"centroid contradicts the profile (beyond {tolerance:g} sd, or marked the other way): {detail}"
        )
    return ProfileMatch(True, distance, f"every measured profile feature within {tolerance:g} sd (rms {distance:.2f})")


@dataclass(frozen=True)
class SegmentDescription:
    """What a cluster is, in words and numbers."""

    name: str
    description: str
    traits: dict[str, int]  # dimension -> +1 / -1 for every marked dimension


def _words(scores: Mapping[str, float], extras: int) -> list[str]:
    marked = {d: level(z) for d, z in scores.items() if level(z) != 0}
    head = [d for d in _HEAD if d in marked]
    others = sorted((d for d in marked if d not in _HEAD), key=lambda d: (-abs(scores[d]), d))[:extras]
    chosen = set(head) | set(others)
    ordered = [d for d in (*_FRONT_ORDER, *_HEAD, *_BACK) if d in chosen]
    return [DIMENSIONS[d].high_word if marked[d] > 0 else DIMENSIONS[d].low_word for d in ordered]


def _noun(scores: Mapping[str, float]) -> str:
    return "buyers" if any(DIMENSIONS[d].is_purchase for d in scores) else "customers"


def _compose(words: list[str], noun: str) -> str:
    text = " ".join([*(words or [FALLBACK_WORD]), noun])
    return text[0].upper() + text[1:]


def name_segments(scores_by_code: Mapping[str, Mapping[str, float]], taken_names: Iterable[str] = (), order: Iterable[str] | None = None) -> dict[str, str]:
    """A distinct generated name for each code, from its dimension scores.

    Names use the frequency and value words and the ``BASE_EXTRA_TRAITS`` most marked other dimensions;
    where two segments (or a segment and a name in ``taken_names``) would share a name, more traits are
    added to those, and as a last resort a group number in ``order`` (largest segment first).
    """
    codes = list(order) if order is not None else sorted(scores_by_code)
    taken = {n.lower() for n in taken_names}
    extras = {c: BASE_EXTRA_TRAITS for c in codes}
    limit = len(DIMENSIONS)
    names: dict[str, str] = {}
    while True:
        names = {c: _compose(_words(scores_by_code[c], extras[c]), _noun(scores_by_code[c])) for c in codes}
        clashes = {c for c in codes if names[c].lower() in taken or sum(names[o].lower() == names[c].lower() for o in codes) > 1}
        growable = {c for c in clashes if extras[c] < limit}
        if not growable:
            break
        for c in growable:
            extras[c] += 1
    seen: dict[str, int] = {}
    for c in codes:  # segments no trait tells apart
        key = names[c].lower()
        if key in taken or key in seen:
            number = 2
            while f"{key} (group {number})" in seen or f"{key} (group {number})" in taken:
                number += 1
            names[c] = f"{names[c]} (group {number})"
        seen[names[c].lower()] = 1
    return names


def describe(scores: Mapping[str, float], z_by_feature: Mapping[str, float], centroid: Mapping[str, float], typical: Mapping[str, float], name: str) -> SegmentDescription:
    """The generated description: the marked traits in words, then every feature against the population."""
    traits = {d: level(z) for d, z in scores.items() if level(z) != 0}
    ranked = sorted(traits, key=lambda d: (-abs(scores[d]), d))
    phrases = [DIMENSIONS[d].high_phrase if traits[d] > 0 else DIMENSIONS[d].low_phrase for d in ranked]
    subject = "Customers who " + _join(phrases) + "." if phrases else "Customers close to the typical clustered customer on every measure."
    numbers = "; ".join(
        f"{FEATURE_LABELS.get(f, f.replace('_', ' '))} {format_value(f, centroid[f])} (all clustered: {format_value(f, typical[f])})"
        for f in z_by_feature
        if f in centroid and f in typical and _finite(centroid[f]) and _finite(typical[f])
    )
    text = subject + (f" Centroid: {numbers}." if numbers else "")
    return SegmentDescription(name, text, traits)


def format_value(feature: str, value: float) -> str:
    """A feature value in its unit: dollars, percent, days or a plain number."""
    if feature.endswith("_usd"):
        return f"${value:,.0f}" if abs(value) >= 100 else f"${value:,.2f}"
    if feature.endswith("_rate"):
        return f"{value:.0%}"
    if feature.endswith("_days") or feature.startswith("days_"):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _join(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _finite(value: float | None) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)
