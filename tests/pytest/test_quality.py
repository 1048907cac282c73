"""Great Expectations suites over the warehouse (custseg.quality): on a copy of a correct build with planted
faults, exactly those fail; unusable input is refused with exit code 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR, Build, copy_warehouse
from custseg import quality

# Faults planted in one copy of the built warehouse, each in its own rows and columns.
CORRUPTIONS = (
    # A duplicated key: one customer takes another's id.
    """update main.dim_customers set customer_id = (select min(customer_id) from main.dim_customers)
       where customer_id = (select max(customer_id) from main.dim_customers)""",
    # A segment code outside the catalog, on a customer placed by clustering.
    """update main.dim_customer_segments set segment_code = 'SEG-UNKNOWN'
       where customer_id = (select min(customer_id) from main.dim_customer_segments where assignment_source = 'cluster')""",
    # A rate out of its range.
    """update main.dim_customer_profiles set churn_risk_score = 1.7
       where customer_id = (select min(customer_id) from main.dim_customer_profiles)""",
    # Rows deleted from a reconciled table: three linked records (their customers keep their anchor).
    """delete from main.dim_customer_crosswalk where source_record_key in (
           select source_record_key from main.dim_customer_crosswalk
           where link_rule not in ('anchor_record', 'single_record') order by 1 limit 3)""",
)

# (suite, expectation, target, parameters it is held to) of exactly the expectations that must fail.
EXPECTED_FAILURES = {
    ("dim_customers", "expect_column_values_to_be_unique", "customer_id", ()),
    (
        "dim_customer_segments",
        "expect_column_values_to_be_in_set",
        "segment_code",
        ("segment_code_values_of_int_segmentation__segments",),
    ),
    ("dim_customer_profiles", "expect_column_values_to_be_between", "churn_risk_score", ()),
    ("dim_customer_crosswalk", "expect_table_row_count_to_equal", "table", ("rows_of_int_identity__party_records",)),
    ("dim_customer_crosswalk", "expect_table_row_count_to_equal", "table", ("rows_of_int_identity__crosswalk",)),
    ("dim_customers", "expect_column_sum_to_be_between", "source_record_count", ("rows_of_dim_customer_crosswalk",)),
    # The fallback threshold, set just below the sample's share of fallback customers (both versions of the mart).
    *(
        (table, "expect_column_values_to_not_be_in_set", "assignment_source", ("min_share_of_customers_outside_fallback",))
        for table in ("dim_customer_segments", "dim_customer_segments_v2")
    ),
}

# The identity outputs the suites must cover beside the public marts.
IDENTITY_OUTPUTS = {
    "int_identity__crosswalk",
    "int_identity__golden_records",
    "int_identity__clusters",
    "int_identity__customer_id_registry",
    "int_identity__link_decisions",
    "int_identity__review_queue",
}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, dict]:
    """The CLI in this process (GX is imported once per test session): exit code, stdout, summary."""
    out = Path(args[args.index("--out") + 1])
    code = quality.main(list(args))
    printed = capsys.readouterr().out
    summary = json.loads((out / quality.SUMMARY_FILE).read_text()) if (out / quality.SUMMARY_FILE).exists() else {}
    return code, printed, summary


def test_exactly_the_planted_faults_fail_and_every_suite_writes_its_docs(
    built_sample: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One run of every suite on a copy of a correct build with planted faults: exactly the planted faults
    fail, so every other expectation passes on the correct data (make test also runs the suites on its own
    build, where all must pass)."""
    warehouse = copy_warehouse(built_sample, tmp_path / "corrupt")
    with duckdb.connect(str(warehouse)) as con:
        fallback_share = con.sql(
            "select avg(case when assignment_source = 'fallback' then 1.0 else 0.0 end) from main.dim_customer_segments"
        ).fetchall()[0][0]
        for statement in CORRUPTIONS:
            con.execute(statement)
    assert 0.05 < fallback_share < quality.DEFAULT_MAX_FALLBACK_SHARE, "the default threshold passes the sample"

    out = tmp_path / "out"
    code, printed, summary = run_cli(
        capsys, "--warehouse", str(warehouse), "--out", str(out), "--max-fallback-share", f"{fallback_share - 0.02:.4f}"
    )
    assert code == 1
    assert not summary["success"]
    failed = {(row["suite"], row["expectation"], row["target"], tuple(row["params"])) for row in summary["failures"]}
    assert failed == EXPECTED_FAILURES
    assert len(summary["failures"]) == len(EXPECTED_FAILURES)
    # Each failure is printed in words, with what was found.
    assert "Failed expectations:" in printed
    assert "dim_customer_profiles: expect_column_values_to_be_between on churn_risk_score" in printed
    assert "1 of " in printed and "e.g. 1.7" in printed
    assert "dim_customer_segments: expect_column_values_to_be_in_set on segment_code" in printed and "SEG-UNKNOWN" in printed

    # Every expectation of every suite was evaluated (none skipped); one line per suite says how many failed.
    evaluated = {row["suite"]: row["evaluated"] for row in summary["suites"]}
    assert evaluated == {item.name: len(item.checks) for item in quality.SUITES}
    failed_per_suite = {row["suite"]: row["failed"] for row in summary["suites"]}
    planted_per_suite = {item.name: sum(1 for fault in EXPECTED_FAILURES if fault[0] == item.name) for item in quality.SUITES}
    assert failed_per_suite == planted_per_suite
    lines = printed.splitlines()
    for item in quality.SUITES:
        expected_line_end = f" {planted_per_suite[item.name]} failed"
        assert any(line.startswith(item.name + " ") and line.endswith(expected_line_end) for line in lines), item.name

    # Data Docs: the index is where the CLI says, and it names every suite.
    index = out / quality.DOCS_FOLDER / "index.html"
    assert f"Data Docs: {index.resolve()}" in printed
    html = index.read_text()
    missing = [item.name for item in quality.SUITES if item.name not in html]
    assert missing == []
    assert len(list((out / quality.DOCS_FOLDER / "validations").rglob("*.html"))) == len(quality.SUITES)
    # The overview page reads offline (no script) and links every suite's pages, which exist.
    overview = (out / quality.OVERVIEW_FILE).read_text()
    assert "<script" not in overview
    links = re.findall(r'href="([^"]+)"', overview)
    assert all((out / link).is_file() for link in links)
    for item in quality.SUITES:
        assert f"{quality.DOCS_FOLDER}/expectations/{item.name}.html" in links
        assert any(link.startswith(f"{quality.DOCS_FOLDER}/validations/{item.name}/") for link in links), item.name
    # Only the output folder was written: the Data Docs, the overview and the summary.
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted([quality.DOCS_FOLDER, quality.OVERVIEW_FILE, quality.SUMMARY_FILE])


def test_a_missing_table_or_column_stops_with_exit_code_2(built_sample: Build, tmp_path: Path) -> None:
    warehouse = copy_warehouse(built_sample, tmp_path)
    out = tmp_path / "out"

    def cli() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "custseg.quality", "--warehouse", str(warehouse), "--out", str(out)],
            capture_output=True, text=True, check=False, cwd=PROJECT_DIR,
        )

    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table main.dim_customer_profiles drop column churn_risk_score")
    column = cli()
    assert column.returncode == 2, column.stdout + column.stderr
    assert "main.dim_customer_profiles" in column.stderr and "no column churn_risk_score" in column.stderr
    assert "make build" in column.stderr

    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table main.int_identity__review_queue")
    table = cli()
    assert table.returncode == 2, table.stdout + table.stderr
    assert "main.int_identity__review_queue" in table.stderr and "make build" in table.stderr
    assert not out.exists(), "nothing is written when the input is unusable"


def test_a_missing_warehouse_file_stops_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = quality.main(["--warehouse", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert code == 2
    assert "absent.duckdb" in error and "make build" in error


def test_every_public_mart_and_identity_output_has_a_suite() -> None:
    marts = set()
    for path in (PROJECT_DIR / "models" / "marts").rglob("_*models.yml"):
        marts.update(model["name"] for model in yaml.safe_load(path.read_text())["models"])
    assert marts, "the marts' YAML lists models"
    suites = {item.name for item in quality.SUITES}
    assert marts | IDENTITY_OUTPUTS <= suites, sorted((marts | IDENTITY_OUTPUTS) - suites)


def test_suites_read_no_direct_identifier_of_dim_customers() -> None:
    # These columns are replaced by digests and masks; a suite that read them would break the run.
    assert not set(quality.DIM_CUSTOMERS.columns()) & {"email", "phone_e164", "national_id", "birth_date"}


def test_a_parameter_name_means_one_query() -> None:
    queries: dict[str, tuple[str | None, bool]] = {}
    for item in quality.SUITES:
        for param in item.params():
            assert queries.setdefault(param.name, (param.sql, param.as_list)) == (param.sql, param.as_list), param.name


def test_an_expectation_is_skipped_with_its_reason_only_when_the_run_lacks_the_raw_column_it_needs(
    built_sample: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer without a party type fails not_null(party_type) while the ERP states customer types; once
    int_raw_sources_present records the ERP export without that column (an orders-only export), the check is
    not evaluated, and the report, summary and overview say which column the run lacks. One suite, to stay cheap."""
    monkeypatch.setattr(quality, "SUITES", (quality.DIM_CUSTOMERS,))
    warehouse = copy_warehouse(built_sample, tmp_path / "warehouse")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update main.dim_customers set party_type = null where customer_id = (select min(customer_id) from main.dim_customers)")
    code, _, summary = run_cli(capsys, "--warehouse", str(warehouse), "--out", str(tmp_path / "with_column"))
    assert code == 1 and summary["skipped"] == []
    assert [(row["expectation"], row["target"]) for row in summary["failures"]] == [("expect_column_values_to_not_be_null", "party_type")]

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update main.int_raw_sources_present set value_count = 0, is_present = false,"
            " absence_reason = 'no staged value' where source_item = 'erp_customers.customer_type'"
        )
    out = tmp_path / "without_column"
    code, printed, summary = run_cli(capsys, "--warehouse", str(warehouse), "--out", str(out))
    assert code == 0, printed
    assert summary["skipped"] == [
        {
            "suite": "dim_customers",
            "expectation": "expect_column_values_to_not_be_null",
            "target": "party_type",
            "reason": "the run lacks erp_customers.customer_type (no staged value)",
        }
    ]
    assert summary["suites"][0]["evaluated"] == len(quality.DIM_CUSTOMERS.checks) - 1
    assert "1 not evaluated" in printed and "not evaluated, the run lacks erp_customers.customer_type" in printed
    assert "erp_customers.customer_type" in (out / quality.OVERVIEW_FILE).read_text()


def test_a_check_needing_an_item_outside_the_contract_is_refused(built_sample: Build) -> None:
    typo = quality.suite("dim_customers", "a typo", quality.not_null("party_type", needs=("erp_customers.customer_typ",)))
    with duckdb.connect(str(built_sample.warehouse), read_only=True) as con:
        with pytest.raises(quality.BadInput, match="erp_customers.customer_typ, which main.int_raw_sources_present"):
            quality.checks_to_skip(con, [typo])
        assert quality.checks_to_skip(con, quality.SUITES) == {}, "the sample has every source"
