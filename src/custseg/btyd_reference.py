"""lifetimes 0.11.3 on CDNOW: the reference that custseg.btyd is checked against (make btyd-reference).

``python src/custseg/btyd_reference.py --out DIR`` is run by the reference environment
(``.venv-reference``, from ``requirements-reference.lock``: lifetimes needs numpy < 2 and pandas < 2,
so it cannot live in the project's environment). It imports only lifetimes, pandas and numpy, never
custseg, and writes:

* ``DIR/cdnow_summary.csv``: the CDNOW summary shipped in lifetimes (2,357 customers of the first
  purchase cohort; frequency, recency, T in weeks, monetary_value);
* ``DIR/lifetimes_params.json``: lifetimes' BG/NBD (``BetaGeoFitter``) and Gamma-Gamma
  (``GammaGammaFitter``, on the repeat customers) parameters, both unpenalized, and for the first
  customers lifetimes' expected purchases in the next 10 weeks, P(alive) and a 12-month CLV
  (``freq='W'``, 1% a month).

``python -m custseg.btyd_check --reference DIR`` then compares custseg's fits with these.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HORIZON_WEEKS = 10.0
CLV_MONTHS = 12
CLV_DISCOUNT_RATE = 0.01
N_PREDICTED = 20


def run(out: Path, n_predicted: int = N_PREDICTED) -> dict:
    import lifetimes
    import numpy as np
    import pandas as pd
    import scipy
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    out.mkdir(parents=True, exist_ok=True)
    summary = load_cdnow_summary_data_with_monetary_value()
    summary.to_csv(out / "cdnow_summary.csv")
    # summary.T is the DataFrame's transpose: the column is summary["T"].
    frequency, recency, age, spend = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))

    start = time.perf_counter()
    bg = BetaGeoFitter(penalizer_coef=0.0).fit(frequency, recency, age)
    bg_seconds = time.perf_counter() - start
    repeat = summary[summary["frequency"] > 0]
    start = time.perf_counter()
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"])
    gg_seconds = time.perf_counter() - start

    head = summary.iloc[:n_predicted]
    expected = bg.conditional_expected_number_of_purchases_up_to_time(
        HORIZON_WEEKS, head["frequency"], head["recency"], head["T"])
    alive = bg.conditional_probability_alive(head["frequency"], head["recency"], head["T"])
    clv = gg.customer_lifetime_value(bg, head["frequency"], head["recency"], head["T"], head["monetary_value"],
                                     time=CLV_MONTHS, discount_rate=CLV_DISCOUNT_RATE, freq="W")
    result = {
        "source": "lifetimes.datasets.load_cdnow_summary_data_with_monetary_value",
        "time_unit": "weeks",
        "n_customers": int(len(summary)),
        "n_repeat_customers": int(len(repeat)),
        "versions": {"lifetimes": lifetimes.__version__, "numpy": np.__version__, "pandas": pd.__version__,
                     "scipy": scipy.__version__, "python": sys.version.split()[0]},
        "bg": {name: float(value) for name, value in bg.params_.items()},
        "gg": {name: float(value) for name, value in gg.params_.items()},
        "fit_seconds": {"bg": bg_seconds, "gg": gg_seconds},
        "predictions": {
            "customer_id": [str(i) for i in head.index],
            "horizon_weeks": HORIZON_WEEKS,
            "expected_purchases": [float(v) for v in np.asarray(expected)],
            "probability_alive": [float(v) for v in np.asarray(alive)],
            "clv_months": CLV_MONTHS,
            "clv_monthly_discount_rate": CLV_DISCOUNT_RATE,
            "clv_freq": "W",
            "clv": [float(v) for v in np.asarray(clv)],
        },
    }
    (out / "lifetimes_params.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for cdnow_summary.csv and lifetimes_params.json")
    parser.add_argument("--customers", type=int, default=N_PREDICTED, help="customers whose predictions are kept")
    args = parser.parse_args(argv)
    result = run(args.out, args.customers)
    print(f"lifetimes {result['versions']['lifetimes']} on CDNOW ({result['n_customers']} customers): "
          f"BG/NBD {result['bg']}, Gamma-Gamma {result['gg']} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
