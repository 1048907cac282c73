"""custseg.btyd against lifetimes on CDNOW: parameters and predictions side by side (make btyd-reference).

``python -m custseg.btyd_check --reference DIR`` reads what ``src/custseg/btyd_reference.py`` wrote
with lifetimes in its own environment (``DIR/cdnow_summary.csv``, ``DIR/lifetimes_params.json``),
fits :mod:`custseg.btyd` on the same summary, and prints per parameter lifetimes' estimate, ours and
the relative difference, both models' log-likelihoods at both parameter sets (so that an optimizer
stopping short shows), and the largest relative difference of the predictions (expected purchases,
P(alive), CLV). It exits 1 if a parameter differs by more than ``--tolerance`` (default 1%) or a
prediction by more than ``--prediction-tolerance`` (default 1%).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from custseg.btyd import (
    BetaGeoModel,
    GammaGammaModel,
    customer_lifetime_value,
    fit_bg_nbd,
    fit_gamma_gamma,
)

# lifetimes' customer_lifetime_value steps through months of this many time units per `freq`
# (its month is 30 days for 'D' but 4.345 weeks, i.e. 30.415 days, for 'W').
LIFETIMES_MONTH = {"D": (1.0, 30.0), "W": (7.0, 4.345 * 7.0), "M": (30.0, 30.0), "H": (1.0 / 24.0, 30.0)}


def relative_difference(ours: float | np.ndarray, reference: float | np.ndarray) -> float | np.ndarray:
    """|ours - reference| / |reference| (absolute difference where the reference is 0)."""
    ours, reference = np.asarray(ours, dtype=float), np.asarray(reference, dtype=float)
    scale = np.where(reference == 0, 1.0, np.abs(reference))
    return np.abs(ours - reference) / scale


def compare(reference_dir: Path, tolerance: float = 0.01, prediction_tolerance: float = 0.01) -> tuple[bool, str]:
    """Fit custseg on the reference summary; (all within tolerance, printable report)."""
    summary = pd.read_csv(reference_dir / "cdnow_summary.csv", index_col=0)
    reference = json.loads((reference_dir / "lifetimes_params.json").read_text())
    frequency, recency, age, spend = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))

    start = time.perf_counter()
    bg = fit_bg_nbd(frequency, recency, age)
    bg_seconds = time.perf_counter() - start
    repeat = summary["frequency"] > 0
    start = time.perf_counter()
    gg = fit_gamma_gamma(frequency[repeat], spend[repeat])
    gg_seconds = time.perf_counter() - start
    ref_bg = BetaGeoModel(**{k: reference["bg"][k] for k in ("r", "alpha", "a", "b")})
    ref_gg = GammaGammaModel(**{k: reference["gg"][k] for k in ("p", "q", "v")})

    lines = [f"CDNOW: {len(summary)} customers ({int(repeat.sum())} repeat), time unit {reference.get('time_unit', '?')}; "
             f"lifetimes {reference.get('versions', {}).get('lifetimes', '?')}",
             "",
             f"{'parameter':<12}{'lifetimes':>14}{'custseg':>14}{'rel. diff':>12}"]
    ok = True
    for model, ours, theirs in (("bg", bg.params, reference["bg"]), ("gg", gg.params, reference["gg"])):
        for name, value in ours.items():
            diff = float(relative_difference(value, theirs[name]))
            flag = "" if diff <= tolerance else "  > tolerance"
            ok &= diff <= tolerance
            lines.append(f"{model + '.' + name:<12}{theirs[name]:>14.6f}{value:>14.6f}{diff:>12.2e}{flag}")

    bg_ll_ours = bg.log_likelihood(frequency, recency, age)
    bg_ll_theirs = ref_bg.log_likelihood(frequency, recency, age)
    gg_ll_ours = gg.log_likelihood(frequency[repeat], spend[repeat])
    gg_ll_theirs = ref_gg.log_likelihood(frequency[repeat], spend[repeat])
    lines += ["",
              "log-likelihood (custseg's, exact)  at custseg's params  at lifetimes' params",
              f"  BG/NBD       {bg_ll_ours:>34.6f}{bg_ll_theirs:>22.6f}",
              f"  Gamma-Gamma  {gg_ll_ours:>34.6f}{gg_ll_theirs:>22.6f}",
              f"fit time: custseg BG/NBD {bg_seconds:.3f} s, Gamma-Gamma {gg_seconds:.3f} s"
              + (f"; lifetimes {reference['fit_seconds']['bg']:.3f} s, {reference['fit_seconds']['gg']:.3f} s"
                 if "fit_seconds" in reference else "")]
    if not (bg.converged and gg.converged):
        lines.append(f"custseg did not converge: BG/NBD {bg.message!r}, Gamma-Gamma {gg.message!r}")
    if bg_ll_theirs > bg_ll_ours + 1e-6 or gg_ll_theirs > gg_ll_ours + 1e-6:
        lines.append("note: lifetimes' parameters have the higher likelihood: custseg stopped short of the optimum")
    elif not ok:
        lines.append("note: custseg's parameters have the higher likelihood: lifetimes stopped short of the optimum")

    predictions = reference.get("predictions")
    if predictions:
        ids = summary.index.astype(str)
        head = summary.loc[ids.isin(predictions["customer_id"])]
        head = head.set_index(head.index.astype(str)).loc[predictions["customer_id"]]
        f, r, t, m = (head[c] for c in ("frequency", "recency", "T", "monetary_value"))
        unit_days, days_per_month = LIFETIMES_MONTH[predictions.get("clv_freq", "W")]
        ours = {
            "expected_purchases": np.asarray(bg.expected_purchases(predictions["horizon_weeks"], f, r, t)),
            "probability_alive": np.asarray(bg.probability_alive(f, r, t)),
            "clv": np.asarray(customer_lifetime_value(
                bg, gg, f, r, t, m, horizon_months=predictions["clv_months"],
                monthly_discount_rate=predictions["clv_monthly_discount_rate"],
                time_unit_days=unit_days, days_per_month=days_per_month)),
        }
        lines += ["", f"predictions for {len(head)} customers: max relative difference"]
        for name, values in ours.items():
            diff = float(np.max(relative_difference(values, predictions[name])))
            flag = "" if diff <= prediction_tolerance else "  > tolerance"
            ok &= diff <= prediction_tolerance
            lines.append(f"  {name:<20}{diff:>12.2e}{flag}")
    if ok:
        lines += ["", f"OK: parameters within {tolerance:g}, predictions within {prediction_tolerance:g} of lifetimes "
                      "(relative)"]
    else:
        lines += ["", f"FAILED: a parameter differs by more than {tolerance:g} or a prediction by more than "
                      f"{prediction_tolerance:g} (relative)"]
    return ok, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True,
                        help="folder written by src/custseg/btyd_reference.py (lifetimes' environment)")
    parser.add_argument("--tolerance", type=float, default=0.01, help="largest relative difference of a parameter")
    parser.add_argument("--prediction-tolerance", type=float, default=0.01,
                        help="largest relative difference of a prediction")
    args = parser.parse_args(argv)
    ok, report = compare(args.reference, args.tolerance, args.prediction_tolerance)
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
