"""The pipeline on the sources users have: shapes of one generated company, each built end to end.

The shapes are derived from the small sample (custseg.data_shapes): orders only is the documented
minimum, a customer list with names and an order list without costs, currency or status. Each shape is
built once per run and shared by the pytest-xdist workers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Build, build, one_worker_at_a_time, shared_dir
from custseg.data_shapes import derive_shape

DERIVED_SHAPES = ("orders-only",)
# The share of customers with any activity that may land in the fallback segment, on every shape.
MAX_FALLBACK_SHARE = 0.20

# Customers with a purchase or a subscription, and customers with any activity at all.
BUYERS_OR_SUBSCRIBERS = """
    select customer_id from main.int_customer_facts__invoices_resolved where customer_id is not null
    union
    select customer_id from main.int_customer_facts__subscription_events_resolved where customer_id is not null
"""
ACTIVE_CUSTOMERS = BUYERS_OR_SUBSCRIBERS + """
    union
    select customer_id from main.int_customer_facts__usage_days_resolved where customer_id is not null
    union
    select customer_id from main.int_customer_facts__tickets_resolved where customer_id is not null
    union
    select customer_id from main.int_customer_facts__nps_responses_resolved where customer_id is not null
"""


def _built_shape(shape: str, small_sample, tmp_path_factory: pytest.TempPathFactory) -> Build:
    raw_dir, _, _ = small_sample
    workdir = shared_dir(tmp_path_factory, f"shape_{shape}")
    with one_worker_at_a_time(workdir):
        if not (workdir / "result.json").exists():
            folder = derive_shape(shape, raw_dir.parent, workdir / "data")
            result = build(folder / "raw", workdir).result
            (workdir / "result.json").write_text(json.dumps({"args": result.args, "returncode": result.returncode,
                                                             "stdout": result.stdout}))
        recorded = json.loads((workdir / "result.json").read_text())
    result = subprocess.CompletedProcess(recorded["args"], recorded["returncode"], recorded["stdout"], "")
    return Build(workdir / "data" / "raw", workdir / "warehouse.duckdb", workdir / "target", result)


@pytest.fixture(params=DERIVED_SHAPES)
def shape_build(request, small_sample, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Build]:
    return request.param, _built_shape(request.param, small_sample, tmp_path_factory)


@pytest.mark.parametrize("shape", DERIVED_SHAPES)
def test_each_shape_builds_green_with_every_data_test(shape: str, small_sample, tmp_path_factory) -> None:
    built = _built_shape(shape, small_sample, tmp_path_factory)
    assert built.result.returncode == 0, built.result.stdout[-6000:]
    # Every data test ran: nothing skipped because a model upstream failed.
    assert " SKIP=0 " in built.result.stdout, built.result.stdout[-3000:]


@pytest.mark.parametrize("shape", DERIVED_SHAPES)
def test_each_shape_passes_the_great_expectations_suites(shape: str, small_sample, tmp_path_factory, tmp_path: Path) -> None:
    built = _built_shape(shape, small_sample, tmp_path_factory)
    assert built.result.returncode == 0, built.result.stdout[-3000:]
    done = subprocess.run([sys.executable, "-m", "custseg.quality", "--warehouse", str(built.warehouse),
                           "--out", str(tmp_path / "quality")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]


def test_every_buyer_or_subscriber_has_features(shape_build: tuple[str, Build]) -> None:
    shape, built = shape_build
    assert built.result.returncode == 0, built.result.stdout[-3000:]
    (with_activity, without_features), = built.query(f"""
        select count(*), count(*) filter (where features.customer_id is null)
        from ({BUYERS_OR_SUBSCRIBERS}) as active
        left join main.int_features__customer_features as features using (customer_id)
    """)
    assert with_activity > 100, f"{shape}: too few buyers or subscribers to judge ({with_activity})"
    assert without_features == 0, f"{shape}: {without_features} of {with_activity} buyers or subscribers have no features"
    # Buyers have purchase features, subscribers subscription features: the features of their sources.
    (buyers_without_rfm,), = built.query("""
        select count(*) from main.int_customer_facts__invoices_resolved as invoices
        inner join main.int_features__customer_features as features using (customer_id)
        where features.frequency is null or features.monetary_value_usd is null
    """)
    assert buyers_without_rfm == 0, f"{shape}: invoices without RFM features"


def test_few_active_customers_fall_back(shape_build: tuple[str, Build]) -> None:
    shape, built = shape_build
    assert built.result.returncode == 0, built.result.stdout[-3000:]
    (active, fallback), = built.query(f"""
        select count(*), count(*) filter (where segments.assignment_source = 'fallback')
        from ({ACTIVE_CUSTOMERS}) as active
        inner join main.dim_customer_segments as segments using (customer_id)
    """)
    reasons = built.query(f"""
        select fallback_reason, count(*) from main.dim_customer_segments
        where assignment_source = 'fallback' and customer_id in ({ACTIVE_CUSTOMERS}) group by all order by 2 desc
    """)
    assert active > 100
    assert fallback <= MAX_FALLBACK_SHARE * active, f"{shape}: {fallback} of {active} active customers fall back: {reasons}"
    # The customers are clustered, in at least two segments.
    (clusters,), = built.query("select count(distinct cluster_segment_code) from main.dim_customer_segments "
                               "where assignment_source = 'cluster'")
    assert clusters >= 2, f"{shape}: {clusters} cluster segment(s)"
