"""Which input columns a model can learn from in this run, and why the others are left out.

The project's Python models (churn propensity, CLV) run on whatever sources a user has: without
support tickets every CSAT value is null, without subscriptions every MRR is 0, a handful of survey
answers leaves a column nearly empty. Such a column teaches a model nothing, and some estimators
fail on it outright (scikit-learn's HistGradientBoosting raises ``ValueError: window shape cannot be
larger than input array shape`` on an all-NaN column). :func:`screen_features` looks at each column
in every window a model is fitted on and drops the ones that are:

* **all null** (or not finite) in a window;
* **nearly empty**: fewer than :data:`MIN_FEATURE_VALUES` values in a window. Twenty is the point
  below which a tree split or a distribution fit rests on a few customers' noise; the out-of-time
  windows of the project hold hundreds to millions of customers, so only a column that is missing
  for almost everyone falls under it;
* **constant**: one distinct value in a window, which no split or fit can use.

The used and dropped columns, with the reason for each drop, are written on the model's rows
(``churn_model_features_*``, ``clv_model_inputs_*``) so a steward reads them beside the scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_FEATURE_VALUES = 20


@dataclass(frozen=True)
class FeatureScreen:
    """The columns a model uses, and the dropped ones with the reason (in the order given)."""

    used: tuple[str, ...]
    dropped: dict[str, str] = field(default_factory=dict)

    def used_text(self) -> str:
        """The used columns, comma-separated (empty when none is left)."""
        return ", ".join(self.used)

    def dropped_text(self) -> str | None:
        """``column (reason); ...`` for every dropped column, or None when every column is used."""
        if not self.dropped:
            return None
        return "; ".join(f"{name} ({reason})" for name, reason in self.dropped.items())


def column_problem(values: pd.Series, where: str, min_values: int = MIN_FEATURE_VALUES) -> str | None:
    """Why a column cannot be learned from (``where``: e.g. "in the training window"), or None when it can."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    numbers = numbers[np.isfinite(numbers.to_numpy())]
    count = len(numbers)
    if count == 0:
        return f"all null {where}"
    if count < min_values:
        return f"nearly empty {where}: {count} values, fewer than {min_values}"
    if numbers.nunique() < 2:
        return f"constant {where}: every value is {numbers.iloc[0]:g}"
    return None


def screen_features(
    windows: Mapping[str, pd.DataFrame], features: Sequence[str], min_values: int = MIN_FEATURE_VALUES
) -> FeatureScreen:
    """Keep the features usable in every window (e.g. ``{"training window": ..., "validation window": ...}``).

    A feature is dropped for the first problem found, windows taken in the order given.
    """
    if min_values < 1:
        raise ValueError(f"min_values must be at least 1, got {min_values}")
    used: list[str] = []
    dropped: dict[str, str] = {}
    for feature in features:
        problem = next(
            (reason for window, frame in windows.items() if (reason := column_problem(frame[feature], f"in the {window}", min_values))),
            None,
        )
        if problem is None:
            used.append(feature)
        else:
            dropped[feature] = problem
    return FeatureScreen(tuple(used), dropped)
