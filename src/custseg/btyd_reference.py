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
  (``freq='W'``, 1% a month);
* ``DIR/cdnow_transactions/raw/erp_customers.csv`` and ``erp_invoices.csv``: the CDNOW sample
  transactions shipped in lifetimes (``CDNOW_sample.txt``: 6,919 orders of 2,357 customers, 1997-01 to
  1998-06) as a user would load them, the documented minimum of the bring-your-own-data contract
  (customer number and name; invoice number, customer, date as written, amount);
* ``DIR/cdnow_transactions/lifetimes_summary.csv``: lifetimes' ``summary_data_from_transaction_data``
  of those orders per customer (``freq='D'``, the observation period ending on its default, the last
  order date), every float written so that it reads back as the same double;
* ``DIR/cdnow_transactions/lifetimes_summary.json``: how that summary was made.

``python -m custseg.btyd_check --reference DIR`` then compares custseg's fits with the parameters, and
``python -m custseg.btyd_summary_check --reference DIR`` builds the project's features from the raw
files and compares them with lifetimes' summary, customer by customer.
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


def cdnow_transactions(out: Path) -> dict:
    """CDNOW_sample.txt as raw files of the project's contract, and lifetimes' summary of its orders."""
    from importlib.resources import files

    import lifetimes
    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    source = files("lifetimes") / "datasets" / "CDNOW_sample.txt"
    # Whitespace-separated: customer id in the full CDNOW data, id in the sample (1 to 2,357, the index of
    # lifetimes' CDNOW summaries), date YYYYMMDD, CDs bought, dollar amount. Read as text, so that the
    # amounts reach the raw file exactly as shipped.
    orders = pd.read_csv(source, sep=r"\s+", header=None, dtype=str,
                         names=["master_id", "customer_id", "date", "cds", "amount"])
    if orders.empty or orders.isna().any().any():
        raise ValueError(f"{source}: expected 5 whitespace-separated fields on every line")
    folder = out / "cdnow_transactions"
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    customers = pd.DataFrame({"erp_customer_id": orders["customer_id"].drop_duplicates()})
    # The contract requires a name; CDNOW has none, so each customer is named after its number.
    customers["customer_name"] = "CDNOW customer " + customers["erp_customer_id"]
    customers.to_csv(raw / "erp_customers.csv", index=False)
    pd.DataFrame({
        "invoice_id": [f"CDNOW-{n:05d}" for n in range(1, len(orders) + 1)],
        "erp_customer_id": orders["customer_id"],
        "invoice_date": orders["date"],
        "amount": orders["amount"],
    }).to_csv(raw / "erp_invoices.csv", index=False)

    transactions = pd.DataFrame({
        "customer_id": orders["customer_id"],
        "date": pd.to_datetime(orders["date"], format="%Y%m%d"),
        "amount": orders["amount"].astype(float),
    })
    start = time.perf_counter()
    summary = summary_data_from_transaction_data(transactions, "customer_id", "date", monetary_value_col="amount",
                                                 freq="D")
    seconds = time.perf_counter() - start
    summary.index.name = "customer_id"
    summary.to_csv(folder / "lifetimes_summary.csv", float_format="%.17g")
    info = {
        "source": "lifetimes/datasets/CDNOW_sample.txt",
        "function": "lifetimes.utils.summary_data_from_transaction_data",
        "arguments": {"customer_id_col": "customer_id", "datetime_col": "date", "monetary_value_col": "amount",
                      "freq": "D", "observation_period_end": None},
        "observation_period_end": str(transactions["date"].max().date()),
        "orders": int(len(orders)),
        "customers": int(len(summary)),
        "repeat_customers": int((summary["frequency"] > 0).sum()),
        "orders_of_amount_0": int((transactions["amount"] == 0).sum()),
        "negative_orders": int((transactions["amount"] < 0).sum()),
        "customer_days_with_several_orders": int(transactions.groupby(["customer_id", "date"]).size().gt(1).sum()),
        "lifetimes": lifetimes.__version__,
        "seconds": seconds,
    }
    (folder / "lifetimes_summary.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for cdnow_summary.csv and lifetimes_params.json")
    parser.add_argument("--customers", type=int, default=N_PREDICTED, help="customers whose predictions are kept")
    args = parser.parse_args(argv)
    result = run(args.out, args.customers)
    print(f"lifetimes {result['versions']['lifetimes']} on CDNOW ({result['n_customers']} customers): "
          f"BG/NBD {result['bg']}, Gamma-Gamma {result['gg']} -> {args.out}")
    info = cdnow_transactions(args.out)
    print(f"lifetimes' summary_data_from_transaction_data of CDNOW_sample.txt: {info['customers']} customers "
          f"({info['repeat_customers']} repeat) from {info['orders']} orders ({info['orders_of_amount_0']} of "
          f"amount 0; {info['customer_days_with_several_orders']} customer-days with several orders), observation "
          f"end {info['observation_period_end']} -> {args.out / 'cdnow_transactions'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
