"""The semantic layer (MetricFlow) on the small built sample: its metrics add up to the KPI mart they read."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Build, PROJECT_DIR, copy_warehouse

MF = str(Path(sys.executable).with_name("mf"))
KPIS = "main.fct_segment_kpis"


@pytest.fixture(scope="module")
def mf_project(built_sample: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder for mf holding the build's semantic manifest.

    mf always reads <project>/target/semantic_manifest.json (it has no target-path option), so the
    manifest the build wrote to its own target folder is put where mf looks, instead of touching the
    repository's target/.
    """
    project = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    (project / "target").mkdir()
    shutil.copy(built_sample.target / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    # mf opens the warehouse for writing: a copy, so that other workers can read the shared one.
    copy_warehouse(built_sample, project)
    return project


def mf_query(mf_project: Path, built_sample: Build, metrics: str, group_by: str) -> list[dict[str, str]]:
    """Run `mf query` against the built warehouse and return the result rows."""
    out = mf_project / f"{metrics.replace(',', '_')}.csv"
    env = {
        **os.environ,
        "SEG_WAREHOUSE_PATH": str(mf_project / "warehouse.duckdb"),
        "SEG_RAW_DIR": str(built_sample.raw_dir),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_PROJECT_DIR": str(mf_project),
        "DO_NOT_TRACK": "1",
    }
    result = subprocess.run(
        [MF, "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out), "--quiet"],
        cwd=mf_project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_revenue_by_segment_and_quarter_adds_up_to_the_mart(mf_project: Path, built_sample: Build) -> None:
    rows = mf_query(mf_project, built_sample, "revenue", "segment__segment_code,metric_time__quarter")
    (mart_revenue, segments), = built_sample.query(
        f"select sum(revenue_usd), list(distinct segment_code order by segment_code) from {KPIS}"
    )
    assert rows
    # Every segment of the mart comes through the join to dim_segments (a code missing there would be null).
    assert sorted({row["segment__segment_code"] for row in rows}) == segments
    assert abs(sum(float(row["revenue"] or 0) for row in rows) - float(mart_revenue)) < 0.005


def test_customer_counts_are_balances_not_sums(mf_project: Path, built_sample: Build) -> None:
    """Over a quarter, customers are the closing count of its last period and opening of its first."""
    rows = mf_query(mf_project, built_sample, "customers,opening_customers", "metric_time__quarter")
    expected = {}
    for quarter, closing, opening in built_sample.query(
        f"""
        with periods as (
            select
                date_trunc('quarter', period_start_date) as quarter_start,
                period_start_date,
                sum(closing_customers) as closing_customers,
                sum(opening_customers) as opening_customers
            from {KPIS}
            group by all
        )
        select
            strftime(quarter_start, '%Y-%m-%d'),
            arg_max(closing_customers, period_start_date),
            arg_min(opening_customers, period_start_date)
        from periods
        group by quarter_start
        """
    ):
        expected[quarter] = {"customers": closing, "opening_customers": opening}
    got = {
        row["metric_time__quarter"][:10]: {
            "customers": int(float(row["customers"])),
            "opening_customers": int(float(row["opening_customers"])),
        }
        for row in rows
    }
    assert got == expected
