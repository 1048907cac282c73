"""custseg.btyd: RFM summary, BG/NBD and Gamma-Gamma fits, predictions and CLV (fast, no warehouse)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import hyp2f1

from custseg import btyd
from custseg.btyd import (
    BetaGeoModel,
    GammaGammaModel,
    customer_lifetime_value,
    fit_bg_nbd,
    fit_gamma_gamma,
    rfm_summary,
    simulate_bg_nbd,
    simulate_gamma_gamma,
)
from custseg.btyd_check import LIFETIMES_MONTH, compare
from custseg.btyd_check import main as check_main

TRUE_BG = {"r": 0.5, "alpha": 10.0, "a": 0.8, "b": 2.5}
TRUE_GG = {"p": 6.0, "q": 4.0, "v": 15.0}
# Roughly CDNOW's fitted values (weeks), for the property tests.
BG = BetaGeoModel(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGammaModel(p=6.25, q=3.74, v=15.45)


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """30,000 BG/NBD customers observed for 20 to 80 weeks, a 26-week holdout, Gamma-Gamma spend."""
    rng = np.random.default_rng(20050101)
    n = 30_000
    data = simulate_bg_nbd(n, **TRUE_BG, T=rng.uniform(20, 80, n), holdout=26.0, seed=rng)
    data["monetary_value"] = simulate_gamma_gamma(data["frequency"], **TRUE_GG, seed=rng)
    return data


@pytest.fixture(scope="module")
def fitted(simulated: pd.DataFrame) -> tuple[BetaGeoModel, GammaGammaModel]:
    bg = fit_bg_nbd(simulated["frequency"], simulated["recency"], simulated["T"])
    gg = fit_gamma_gamma(simulated["frequency"], simulated["monetary_value"])
    return bg, gg


# --- RFM summary -----------------------------------------------------------------------------------


def transaction_log() -> pd.DataFrame:
    rows = [
        # A: two purchases on Jan 1 (one purchase of 15), Jan 8 (20), two on Jan 15 (40), one after as_of.
        ("A", "2024-01-01 09:00", 10.0), ("A", "2024-01-01 17:30", 5.0), ("A", "2024-01-08 12:00", 20.0),
        ("A", "2024-01-15 08:00", 30.0), ("A", "2024-01-15 20:00", 10.0), ("A", "2024-02-10 10:00", 100.0),
        # B: a single purchase.
        ("B", "2024-01-20 11:00", 50.0),
        # C: two purchases on Jan 10 (one purchase), then one on the as_of day itself (included).
        ("C", "2024-01-10 08:00", 7.0), ("C", "2024-01-10 23:00", 3.0), ("C", "2024-01-31 18:30", 12.0),
        # D: first purchase after as_of: not a customer yet.
        ("D", "2024-02-01 00:01", 99.0),
    ]
    return pd.DataFrame(rows, columns=["customer", "ts", "amount"]).sample(frac=1.0, random_state=3)


def test_rfm_summary_by_hand():
    summary = rfm_summary(transaction_log(), "customer", "ts", "amount", as_of="2024-01-31")
    expected = pd.DataFrame(
        {
            # A: days Jan 1, 8, 15 -> 2 repeats, last - first = 14 days, as_of - first = 30, (20 + 40) / 2.
            # B: one day -> 0, 0, 11 days, 0.  C: days Jan 10, 31 -> 1, 21, 21, 12.
            "frequency": [2, 0, 1],
            "recency": [14.0, 0.0, 21.0],
            "T": [30.0, 11.0, 21.0],
            "monetary_value": [30.0, 0.0, 12.0],
        },
        index=pd.Index(["A", "B", "C"], name="customer"),
    )
    pd.testing.assert_frame_equal(summary, expected)


def test_rfm_summary_in_weeks():
    summary = rfm_summary(transaction_log(), "customer", "ts", "amount", as_of=pd.Timestamp("2024-01-31"),
                          time_unit_days=7.0)
    assert summary.loc["A", "recency"] == pytest.approx(2.0)
    assert summary.loc["A", "T"] == pytest.approx(30 / 7)
    assert summary.loc["C", "frequency"] == 1 and summary.loc["C", "monetary_value"] == 12.0


def test_rfm_summary_bad_input():
    log = transaction_log()
    with pytest.raises(ValueError, match="no column"):
        rfm_summary(log, "customer", "when", "amount", as_of="2024-01-31")
    with pytest.raises(ValueError, match="missing dates"):
        rfm_summary(log.assign(ts=[None] + list(log["ts"][1:])), "customer", "ts", "amount", as_of="2024-01-31")
    with pytest.raises(ValueError, match="time_unit_days"):
        rfm_summary(log, "customer", "ts", "amount", as_of="2024-01-31", time_unit_days=0)
    with pytest.raises(ValueError, match="no transactions"):
        rfm_summary(log, "customer", "ts", "amount", as_of="2023-01-31")


# --- BG/NBD likelihood -----------------------------------------------------------------------------


def test_bg_nbd_likelihood_equals_direct_integration():
    """Eq. (6) against integrating the individual likelihood (FHL 2005 eq. 3) over lambda ~ Gamma(r, alpha)
    and p ~ Beta(a, b) numerically."""
    r, alpha, a, b = 1.7, 3.0, 1.3, 2.2
    model = BetaGeoModel(r, alpha, a, b)
    customers = [(0, 0.0, 5.0), (1, 2.0, 5.0), (3, 4.5, 6.0), (2, 0.5, 8.0)]
    log_norm = r * math.log(alpha) - math.lgamma(r) + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)

    x, t_x, big_t = (np.array(column, dtype=float) for column in zip(*customers, strict=True))
    ours = model.customer_log_likelihood(x, t_x, big_t)
    for i, (xi, txi, ti) in enumerate(customers):
        def integrand(lam: float, p: float, xi: int = xi, txi: float = txi, ti: float = ti) -> float:
            given = (1 - p) ** xi * lam ** xi * math.exp(-lam * ti)  # alive at T after x purchases
            if xi > 0:  # or dropped out right after the x-th, at t_x
                given += p * (1 - p) ** (xi - 1) * lam ** xi * math.exp(-lam * txi)
            mixing = math.exp(log_norm + (r - 1) * math.log(lam) - alpha * lam) * p ** (a - 1) * (1 - p) ** (b - 1)
            return given * mixing

        direct, _ = integrate.dblquad(integrand, 0, 1, 0, np.inf, epsabs=0, epsrel=1e-9)
        assert ours[i] == pytest.approx(math.log(direct), abs=1e-8)


def test_fast_objective_equals_sum_of_customer_likelihoods_and_its_gradient(simulated):
    data = simulated.iloc[:3000]
    x, t_x, big_t = (data[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    weights = np.random.default_rng(1).integers(0, 4, x.shape[0]).astype(float)
    prepared = btyd._BetaGeoData.build(x, t_x, big_t, weights)
    for params in ([0.3, 5.0, 0.7, 2.0], [2.0, 1.0, 3.0, 0.5]):
        params = np.array(params)
        value, gradient = btyd._bg_nbd_objective(params, prepared)
        direct = BetaGeoModel(*params).log_likelihood(x, t_x, big_t, weights=weights)
        assert value == pytest.approx(direct, rel=1e-12)
        for k in range(4):
            step = np.zeros(4)
            step[k] = 1e-6 * params[k]
            numeric = (btyd._bg_nbd_objective(params + step, prepared)[0]
                       - btyd._bg_nbd_objective(params - step, prepared)[0]) / (2 * step[k])
            assert gradient[k] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_gamma_gamma_objective_and_gradient(simulated):
    repeat = simulated[simulated["frequency"] > 0].iloc[:2000]
    x, m = repeat["frequency"].to_numpy(dtype=float), repeat["monetary_value"].to_numpy(dtype=float)
    prepared = btyd._GammaGammaData.build(x, m, np.ones_like(x))
    params = np.array([5.0, 3.0, 12.0])
    value, gradient = btyd._gamma_gamma_objective(params, prepared)
    assert value == pytest.approx(GammaGammaModel(*params).log_likelihood(x, m), rel=1e-12)
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-6 * params[k]
        numeric = (btyd._gamma_gamma_objective(params + step, prepared)[0]
                   - btyd._gamma_gamma_objective(params - step, prepared)[0]) / (2 * step[k])
        assert gradient[k] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


# --- Fitting ---------------------------------------------------------------------------------------


def test_bg_nbd_recovers_simulated_parameters(fitted):
    # Sampling sd of the estimates at 30,000 customers (Monte Carlo over seeds): about 1.4% for r,
    # 1.8% for alpha, 5% for a and b. The tolerances are about 4 sd.
    bg, _ = fitted
    assert bg.converged and bg.n_customers == 30_000
    assert bg.r == pytest.approx(TRUE_BG["r"], rel=0.06)
    assert bg.alpha == pytest.approx(TRUE_BG["alpha"], rel=0.08)
    assert bg.a == pytest.approx(TRUE_BG["a"], rel=0.20)
    assert bg.b == pytest.approx(TRUE_BG["b"], rel=0.20)


def test_gamma_gamma_recovers_simulated_parameters(fitted, simulated):
    # About 17,000 repeat customers: sd about 4% for p, 2% for q, 5% for v.
    _, gg = fitted
    assert gg.converged and gg.n_customers == (simulated["frequency"] > 0).sum()
    assert gg.p == pytest.approx(TRUE_GG["p"], rel=0.16)
    assert gg.q == pytest.approx(TRUE_GG["q"], rel=0.08)
    assert gg.v == pytest.approx(TRUE_GG["v"], rel=0.20)
    assert gg.population_mean == pytest.approx(TRUE_GG["p"] * TRUE_GG["v"] / (TRUE_GG["q"] - 1), rel=0.05)


def test_fit_is_a_maximum_of_the_likelihood(fitted, simulated):
    bg, gg = fitted
    f, r, t = simulated["frequency"], simulated["recency"], simulated["T"]
    best = bg.log_likelihood(f, r, t)
    assert best == pytest.approx(bg.fit_log_likelihood, rel=1e-12)
    for name in ("r", "alpha", "a", "b"):
        for factor in (0.99, 1.01):
            params = {**bg.params, name: bg.params[name] * factor}
            assert BetaGeoModel(**params).log_likelihood(f, r, t) < best
    repeat = simulated["frequency"] > 0
    best = gg.log_likelihood(f[repeat], simulated["monetary_value"][repeat])
    assert best == pytest.approx(gg.fit_log_likelihood, rel=1e-12)
    for name in ("p", "q", "v"):
        for factor in (0.99, 1.01):
            params = {**gg.params, name: gg.params[name] * factor}
            assert GammaGammaModel(**params).log_likelihood(f[repeat], simulated["monetary_value"][repeat]) < best


def test_weights_are_duplicated_rows(simulated):
    data = simulated.iloc[:1500]
    doubled = pd.concat([data, data])
    by_weight = fit_bg_nbd(data["frequency"], data["recency"], data["T"], weights=np.full(len(data), 2.0))
    by_rows = fit_bg_nbd(doubled["frequency"], doubled["recency"], doubled["T"])
    assert by_weight.n_customers == by_rows.n_customers == 3000
    assert by_weight.fit_log_likelihood == pytest.approx(by_rows.fit_log_likelihood, rel=1e-10)
    for name, value in by_rows.params.items():
        assert by_weight.params[name] == pytest.approx(value, rel=1e-5)
    gg_weight = fit_gamma_gamma(data["frequency"], data["monetary_value"], weights=np.full(len(data), 2.0))
    gg_rows = fit_gamma_gamma(doubled["frequency"], doubled["monetary_value"])
    for name, value in gg_rows.params.items():
        assert gg_weight.params[name] == pytest.approx(value, rel=1e-5)


def test_penalizer_shrinks_parameters(simulated):
    data = simulated.iloc[:3000]
    plain = fit_bg_nbd(data["frequency"], data["recency"], data["T"])
    penalized = fit_bg_nbd(data["frequency"], data["recency"], data["T"], penalizer=0.1)
    assert sum(v ** 2 for v in penalized.params.values()) < sum(v ** 2 for v in plain.params.values())
    assert penalized.fit_log_likelihood < plain.fit_log_likelihood


# --- Predictions -----------------------------------------------------------------------------------


def test_expected_purchases_matches_equation_10_written_directly():
    """The Euler-transformed form used in the module against eq. (10) as printed, where both are accurate."""
    x = np.array([0, 1, 2, 5, 10, 20], dtype=float)
    t_x = np.array([0, 3.0, 10.0, 20.0, 30.0, 35.0])
    big_t = np.full(6, 38.86)
    for model in (BG, BetaGeoModel(r=1.5, alpha=6.0, a=2.5, b=4.0)):
        r, alpha, a, b = model.r, model.alpha, model.a, model.b
        for t in (1.0, 10.0, 52.0):
            z = t / (alpha + big_t + t)
            numerator = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
            denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
            direct = (a + b + x - 1) / (a - 1) * numerator / denominator
            np.testing.assert_allclose(model.expected_purchases(t, x, t_x, big_t), direct, rtol=1e-9)


def test_expected_purchases_and_p_alive_are_calibrated_on_simulated_customers(simulated):
    """At the true parameters, predictions average to what the simulated customers did, by frequency."""
    model = BetaGeoModel(**TRUE_BG)
    f, r, t = simulated["frequency"], simulated["recency"], simulated["T"]
    predicted = model.expected_purchases(26.0, f, r, t)
    alive = model.probability_alive(f, r, t)
    groups = pd.cut(f, [-1, 0, 1, 3, 7, np.inf])
    for _, index in simulated.groupby(groups, observed=True).groups.items():
        actual = simulated.loc[index, "holdout_frequency"]
        se = actual.std(ddof=1) / np.sqrt(len(actual))
        assert abs(predicted[index].mean() - actual.mean()) < 4 * se + 1e-9
        is_alive = simulated.loc[index, "alive"].astype(float)
        se = max(is_alive.std(ddof=1), 0.01) / np.sqrt(len(is_alive))
        assert abs(alive[index].mean() - is_alive.mean()) < 4 * se + 1e-9


def test_expected_purchases_properties():
    x = np.array([0, 1, 4, 30, 500], dtype=float)
    t_x = np.array([0, 10.0, 30.0, 38.0, 38.5])
    big_t = np.full(5, 38.86)
    assert np.all(BG.expected_purchases(0.0, x, t_x, big_t) == 0)
    horizons = [0.5, 1, 5, 10, 52, 260]
    values = np.array([BG.expected_purchases(h, x, t_x, big_t) for h in horizons])
    assert np.isfinite(values).all()
    assert np.all(np.diff(values, axis=0) > 0)
    # One value per customer broadcasts like the scalar.
    np.testing.assert_allclose(BG.expected_purchases(np.full(5, 10.0), x, t_x, big_t), values[3])
    # A customer whose last purchase is long ago is expected to buy less than one who just bought.
    recent, lapsed = BG.expected_purchases(10.0, [5, 5], [38.0, 5.0], [38.86, 38.86])
    assert recent > lapsed
    assert BG.expected_purchases_new_customer(0.0) == 0
    assert BG.expected_purchases_new_customer(52.0) > BG.expected_purchases_new_customer(10.0) > 0


def test_probability_alive_properties():
    x = np.array([0, 0, 1, 4, 30, 500], dtype=float)
    t_x = np.array([0, 0, 10.0, 30.0, 2.0, 38.5])
    big_t = np.array([5.0, 38.86, 38.86, 38.86, 38.86, 38.86])
    alive = BG.probability_alive(x, t_x, big_t)
    assert alive[0] == alive[1] == 1.0  # no repeat purchase yet: no chance to have dropped out
    assert np.all((alive > 0) & (alive <= 1)) or alive[4] == 0.0
    assert np.all((alive >= 0) & (alive <= 1)) and np.isfinite(alive).all()
    # Buying at the very end of the window means alive with the highest probability.
    assert BG.probability_alive([3], [38.86], [38.86])[0] > BG.probability_alive([3], [10.0], [38.86])[0]


def test_series_in_series_out():
    frame = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 5.0], "T": [10.0, 10.0]}, index=["u", "v"])
    result = BG.probability_alive(frame["frequency"], frame["recency"], frame["T"])
    assert isinstance(result, pd.Series) and list(result.index) == ["u", "v"]


def test_expected_average_value():
    value = GG.expected_average_value([0, 1, 10, 1000], [0.0, 40.0, 40.0, 40.0])
    population = GG.p * GG.v / (GG.q - 1)
    assert value[0] == pytest.approx(population)
    # Shrinks the observed mean toward the population mean, less so with more transactions.
    assert population < value[1] < value[2] < value[3] < 40.0
    assert value[3] == pytest.approx(40.0, rel=0.01)


def test_expected_average_value_is_calibrated_on_simulated_customers():
    rng = np.random.default_rng(7)
    p, q, v = TRUE_GG.values()
    x = rng.integers(1, 8, 200_000).astype(float)
    nu = rng.gamma(q, 1 / v, x.shape[0])
    m = rng.gamma(p * x, 1 / (x * nu))
    true_mean = p / nu
    predicted = GammaGammaModel(p, q, v).expected_average_value(x, m)
    for k in (1, 3, 7):
        group = x == k
        error = true_mean[group] - predicted[group]
        assert abs(error.mean()) < 4 * error.std() / np.sqrt(group.sum())


def test_customer_lifetime_value():
    f, r, t, m = [0, 2, 6], [0.0, 30.43, 35.0], [38.86, 38.86, 38.86], [0.0, 22.35, 40.0]
    clv = customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=12, time_unit_days=7.0)
    assert np.all(clv > 0)
    longer = customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=24, time_unit_days=7.0)
    cheaper_money = customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=12, monthly_discount_rate=0.05,
                                            time_unit_days=7.0)
    undiscounted = customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=12, monthly_discount_rate=0.0,
                                           time_unit_days=7.0)
    assert np.all(longer > clv) and np.all(cheaper_money < clv) and np.all(undiscounted > clv)
    assert np.all(customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=0, time_unit_days=7.0) == 0)
    # Undiscounted, the months add up to the purchases over the whole horizon times the spend.
    spend = GG.expected_average_value(f, m)
    np.testing.assert_allclose(undiscounted, BG.expected_purchases(12 * 30 / 7, f, r, t) * spend, rtol=1e-10)
    # One month by hand, and the time unit only rescales the month.
    one = customer_lifetime_value(BG, GG, f, r, t, m, horizon_months=1, time_unit_days=7.0)
    np.testing.assert_allclose(one, BG.expected_purchases(30 / 7, f, r, t) * spend / 1.01, rtol=1e-10)
    in_days = customer_lifetime_value(BetaGeoModel(BG.r, BG.alpha * 7, BG.a, BG.b), GG, f, np.multiply(r, 7),
                                      np.multiply(t, 7), m, horizon_months=12, time_unit_days=1.0)
    np.testing.assert_allclose(in_days, clv, rtol=1e-9)


# --- Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1, -1], [1.0, 0.0], [2.0, 2.0], "frequency contains negative"),
        ([1, 2], [3.0, 1.0], [2.0, 2.0], "recency > T"),
        ([1, 2], [1.0], [2.0, 2.0], "lengths must match"),
        ([1, 2], [1.0, np.nan], [2.0, 2.0], "recency contains NaN"),
        ([1.5, 2], [1.0, 1.0], [2.0, 2.0], "whole numbers"),
        ([0, 2], [1.0, 1.0], [2.0, 2.0], "frequency 0 but recency"),
        ([1, 2], [1.0, 1.0], [2.0, -2.0], "T contains negative"),
        ([], [], [], "empty"),
        ([0, 0], [0.0, 0.0], [2.0, 3.0], "no customer has a repeat purchase"),
    ],
)
def test_bad_bg_nbd_input(frequency, recency, T, message):
    with pytest.raises(ValueError, match=message):
        fit_bg_nbd(frequency, recency, T)
    if "repeat purchase" not in message:  # predicting for such customers is fine
        with pytest.raises(ValueError, match=message):
            BG.expected_purchases(1.0, frequency, recency, T)


def test_bad_arguments():
    f, r, t = [1, 2], [1.0, 1.0], [2.0, 2.0]
    with pytest.raises(ValueError, match="t must be finite and >= 0"):
        BG.expected_purchases(-1.0, f, r, t)
    with pytest.raises(ValueError, match="penalizer"):
        fit_bg_nbd(f, r, t, penalizer=-1)
    with pytest.raises(ValueError, match="weights"):
        fit_bg_nbd(f, r, t, weights=[1.0])
    with pytest.raises(ValueError, match="initial"):
        fit_bg_nbd(f, r, t, initial=(1.0, 2.0, -1.0, 1.0))
    with pytest.raises(ValueError, match="monthly_discount_rate"):
        customer_lifetime_value(BG, GG, f, r, t, [1.0, 1.0], monthly_discount_rate=-1.5)


def test_bad_gamma_gamma_input():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 5, 50)
    m = rng.uniform(1, 50, 50)
    with pytest.raises(ValueError, match="monetary_value <= 0"):
        fit_gamma_gamma(x, np.where(np.arange(50) == 3, 0.0, m))
    with pytest.raises(ValueError, match="monetary_value contains negative"):
        fit_gamma_gamma(x, np.where(np.arange(50) == 3, -5.0, m))
    with pytest.raises(ValueError, match="only 4 customers have repeat purchases"):
        fit_gamma_gamma(np.r_[x[:4], np.zeros(40)], np.r_[m[:4], np.zeros(40)])
    with pytest.raises(ValueError, match="infinite"):
        GammaGammaModel(p=1.0, q=0.9, v=1.0).expected_average_value([0], [0.0])


# --- The check against lifetimes -------------------------------------------------------------------


def test_btyd_check_passes_on_matching_reference_and_fails_on_a_differing_one(tmp_path, simulated, capsys):
    """custseg.btyd_check with a reference made by custseg itself (lifetimes is not in this environment)."""
    summary = simulated.iloc[:4000][["frequency", "recency", "T", "monetary_value"]].copy()
    summary.index = pd.RangeIndex(1, len(summary) + 1, name="customer_id")
    summary.to_csv(tmp_path / "cdnow_summary.csv")
    bg = fit_bg_nbd(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    gg = fit_gamma_gamma(repeat["frequency"], repeat["monetary_value"])
    head = summary.iloc[:20]
    unit_days, days_per_month = LIFETIMES_MONTH["W"]
    reference = {
        "time_unit": "weeks",
        "bg": bg.params,
        "gg": gg.params,
        "predictions": {
            "customer_id": [str(i) for i in head.index],
            "horizon_weeks": 10.0,
            "expected_purchases": list(np.asarray(bg.expected_purchases(10.0, head["frequency"], head["recency"],
                                                                        head["T"]))),
            "probability_alive": list(np.asarray(bg.probability_alive(head["frequency"], head["recency"], head["T"]))),
            "clv_months": 12,
            "clv_monthly_discount_rate": 0.01,
            "clv_freq": "W",
            "clv": list(np.asarray(customer_lifetime_value(bg, gg, head["frequency"], head["recency"], head["T"],
                                                           head["monetary_value"], 12, 0.01, unit_days,
                                                           days_per_month))),
        },
    }
    (tmp_path / "lifetimes_params.json").write_text(json.dumps(reference))
    ok, report = compare(tmp_path)
    assert ok, report
    assert "bg.alpha" in report and "gg.v" in report
    assert check_main(["--reference", str(tmp_path)]) == 0

    reference["gg"] = {**gg.params, "q": gg.q * 1.02}
    (tmp_path / "lifetimes_params.json").write_text(json.dumps(reference))
    assert check_main(["--reference", str(tmp_path)]) == 1
    assert "gg.q" in capsys.readouterr().out
    assert check_main(["--reference", str(tmp_path), "--tolerance", "0.05"]) == 0
