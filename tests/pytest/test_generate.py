"""The generator: deterministic, writes the contract, plants dirt at its documented rates, truth holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from custseg.contract import raw_tables
from custseg.generate import DEFAULT_END_DATE, DIRT, FAR_FUTURE_DAYS, PLANTED_SEGMENTS, generate, main


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("gen")
    summary = generate(6000, seed=3, out=root / "raw", truth=root / "truth", progress=False)
    return root / "raw", root / "truth", summary


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    generate(400, seed=5, out=tmp_path / "a", truth=tmp_path / "ta", progress=False)
    generate(400, seed=5, out=tmp_path / "b", truth=tmp_path / "tb", progress=False)
    generate(400, seed=6, out=tmp_path / "c", truth=tmp_path / "tc", progress=False)
    for table in raw_tables():
        a = (tmp_path / "a" / f"{table}.parquet").read_bytes()
        assert a == (tmp_path / "b" / f"{table}.parquet").read_bytes(), table
        assert a != (tmp_path / "c" / f"{table}.parquet").read_bytes(), table
    assert (tmp_path / "ta" / "source_records.parquet").read_bytes() == (tmp_path / "tb" / "source_records.parquet").read_bytes()


def test_files_follow_the_raw_contract(sample) -> None:
    raw, _, _ = sample
    for name, table in raw_tables().items():
        schema = pq.read_schema(raw / f"{name}.parquet")
        assert schema.names == [c.name for c in table.columns], name
        assert schema.types == table.arrow_schema().types, name
        assert pq.read_metadata(raw / f"{name}.parquet").num_rows > 0, name


def test_csv_on_request(tmp_path: Path) -> None:
    generate(200, seed=1, out=tmp_path / "raw", truth=tmp_path / "truth", fmt="csv", progress=False)
    header = (tmp_path / "raw" / "erp_invoices.csv").read_text().splitlines()[0]
    assert header.replace('"', "").split(",") == [c.name for c in raw_tables()["erp_invoices"].columns]


def test_exact_duplicates_match_the_summary_and_rate(sample) -> None:
    raw, _, summary = sample
    for name in raw_tables():
        total, distinct = duckdb.execute(
            f"select count(*), (select count(*) from (select distinct * from read_parquet('{raw / name}.parquet'))) "
            f"from read_parquet('{raw / name}.parquet')"
        ).fetchone()
        planted = summary["tables"][name]["exact_duplicate_rows"]
        assert total - distinct == planted, name
        if total > 3000:
            sd = (DIRT.exact_duplicate_row * (1 - DIRT.exact_duplicate_row) / total) ** 0.5
            assert planted / total == pytest.approx(DIRT.exact_duplicate_row, abs=4 * sd), name


def test_planted_invalid_rows_are_really_invalid(sample) -> None:
    raw, _, summary = sample
    con = duckdb.connect()
    invoices = f"read_parquet('{raw / 'erp_invoices.parquet'}')"
    negative = con.execute(f"select count(*) from (select distinct * from {invoices}) where amount < 0 and status != 'credit_note'").fetchone()[0]
    future = con.execute(f"select count(*) from (select distinct * from {invoices}) where invoice_date > date '2026-10-31'").fetchone()[0]
    missing = con.execute(f"select count(*) from (select distinct * from {invoices}) where invoice_id is null").fetchone()[0]
    planted = summary["tables"]["erp_invoices"]["invalid_rows"]
    assert (negative, future, missing) == (planted["negative_amount"], planted["future_date"], planted["missing_key"])
    rows = summary["tables"]["erp_invoices"]["rows"]
    assert negative / rows == pytest.approx(DIRT.invalid_row, rel=0.3)
    nps = f"read_parquet('{raw / 'surveys_nps_responses.parquet'}')"
    out_of_range = con.execute(f"select count(*) from (select distinct * from {nps}) where nps_score not between 0 and 10").fetchone()[0]
    assert out_of_range == summary["tables"]["surveys_nps_responses"]["invalid_rows"]["out_of_range"] > 0


def test_customer_record_dirt_rates(sample) -> None:
    raw, _, _ = sample
    con = duckdb.connect()
    crm = f"(select distinct * from read_parquet('{raw / 'crm_customers.parquet'}'))"
    erp = f"(select distinct * from read_parquet('{raw / 'erp_customers.parquet'}'))"
    missing_email = con.execute(f"select avg((email is null)::int) from {crm}").fetchone()[0]
    assert missing_email == pytest.approx(DIRT.crm_missing_email, abs=0.02)
    erp_missing = con.execute(f"select avg((email is null)::int) from {erp}").fetchone()[0]
    assert erp_missing == pytest.approx(DIRT.erp_missing_email, abs=0.025)
    upper_last = con.execute(f"select avg((last_name = upper(last_name))::int) from {crm}").fetchone()[0]
    assert upper_last == pytest.approx(DIRT.name_upper_case, abs=0.015)
    padded = con.execute(f"select avg((first_name != trim(first_name) or first_name like '%  %')::int) from {crm}").fetchone()[0]
    assert padded == pytest.approx(DIRT.extra_whitespace * 2 / 3, abs=0.015)  # kinds 1 and 3 pad a one-word name
    malformed = con.execute(f"select avg((email like '% at %' or email like '%@@%')::int) from {crm}").fetchone()[0]
    assert malformed == pytest.approx(DIRT.malformed_email * (1 - DIRT.crm_missing_email), abs=0.003)
    formats = con.execute(
        f"select count(distinct regexp_replace(regexp_replace(phone, '[0-9]', '9', 'g'), '9+', '9', 'g')) from {crm}"
    ).fetchone()[0]
    assert formats >= 5
    countries = con.execute(f"select count(distinct country) from {crm}").fetchone()[0]
    assert countries > 15  # codes, ISO3, names in several languages


def test_ground_truth_is_consistent(sample) -> None:
    raw, truth, _ = sample
    con = duckdb.connect()
    records = f"read_parquet('{truth / 'source_records.parquet'}')"
    entities = f"read_parquet('{truth / 'entities.parquet'}')"
    # Every customer record in a raw file has exactly one true entity, and every entity exists.
    for system, table, key in (("crm", "crm_customers", "crm_customer_id"), ("erp", "erp_customers", "erp_customer_id"), ("thirdparty", "thirdparty_firmographics", "thirdparty_id")):
        raw_ids = con.execute(f"select count(distinct {key}) from read_parquet('{raw / (table + '.parquet')}')").fetchone()[0]
        truth_ids = con.execute(f"select count(distinct source_record_id), count(*) from {records} where source_system = '{system}' and source_record_id is not null").fetchone()
        assert truth_ids == (raw_ids, raw_ids), system
    orphans = con.execute(f"select count(*) from {records} r anti join {entities} e using (entity_id)").fetchone()[0]
    assert orphans == 0
    unrepresented = con.execute(f"select count(*) from {entities} e anti join {records} r using (entity_id)").fetchone()[0]
    assert unrepresented == 0
    # Duplicates inside the CRM: about the documented share of CRM entities has two records.
    doubled = con.execute(
        f"select avg((n > 1)::int) from (select entity_id, count(*) as n from {records} where source_system = 'crm' group by 1)"
    ).fetchone()[0]
    assert doubled == pytest.approx(DIRT.crm_internal_duplicate, abs=0.012)
    # Planted segments in their documented shares.
    shares = dict(con.execute(f"select planted_segment, count(*) / sum(count(*)) over () from {entities} group by 1").fetchall())
    for segment in PLANTED_SEGMENTS:
        assert shares[segment.name] == pytest.approx(segment.share, abs=0.02), segment.name
    # Facts point at records of the system they come from, except the planted unknown references.
    unknown = con.execute(
        f"""select count(*) from read_parquet('{raw / 'erp_invoices.parquet'}') i
            where erp_customer_id not in (select original_record_id from {records} where source_system = 'erp')"""
    ).fetchone()[0]
    planted_unknown = con.execute(f"select count(*) from read_parquet('{raw / 'erp_invoices.parquet'}') where erp_customer_id like 'X%'").fetchone()[0]
    assert unknown == planted_unknown > 0


def test_segments_drive_the_facts(sample) -> None:
    """Planted segments differ in what the raw facts show, so segmentation has something to find."""
    raw, truth, _ = sample
    con = duckdb.connect()
    by_segment = dict(
        con.execute(
            f"""select e.planted_segment, count(t.ticket_id) / count(distinct e.entity_id)
                from read_parquet('{truth / 'entities.parquet'}') e
                left join read_parquet('{truth / 'source_records.parquet'}') r on r.entity_id = e.entity_id and r.source_system = 'crm'
                left join read_parquet('{raw / 'support_tickets.parquet'}') t on t.crm_customer_id = r.source_record_id
                group by 1"""
        ).fetchall()
    )
    assert by_segment["service_intensive"] > 5 * by_segment["steady_core"] > 0


# ---------------------------------------------------------------------------------------------
# --export-date: the same world as it stood on earlier dates

EXPORT_DATES = (dt.date(2026, 6, 30), dt.date(2026, 8, 31))
# The date that puts a row in an export, and the planted invalid kind that moves it into the far future.
EXPORT_DATE_COLUMNS = {
    "crm_customers": ("created_at", "future_timestamp"),
    "erp_customers": ("created_on", None),
    "erp_invoices": ("invoice_date", "future_date"),
    "billing_subscription_events": ("event_at", "future_timestamp"),
    "support_tickets": ("created_at", "future_timestamp"),
    "product_usage_daily": ("usage_date", "future_date"),
    "surveys_nps_responses": ("responded_at", "future_timestamp"),
    "thirdparty_firmographics": ("snapshot_date", None),
}
# Timestamps of things that may happen after a row was created; an export cannot show them yet.
LATER_TIMESTAMPS = {
    "crm_customers": ("updated_at",),
    "erp_customers": ("last_modified_at",),
    "support_tickets": ("first_response_at", "resolved_at"),
}
IDS = {
    "crm_customers": "crm_customer_id",
    "erp_customers": "erp_customer_id",
    "thirdparty_firmographics": "thirdparty_id",
    "erp_invoices": "invoice_id",
    "billing_subscription_events": "event_id",
    "support_tickets": "ticket_id",
    "surveys_nps_responses": "response_id",
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[tuple[dt.date, Path, Path, dict]]:
    """One world (600 customers) exported on two earlier dates and on its end date: (date, raw, truth, summary)."""
    root = tmp_path_factory.mktemp("exports")
    out = []
    for export_date in (*EXPORT_DATES, None):
        folder = root / str(export_date or "full")
        summary = generate(600, seed=9, out=folder / "raw", truth=folder / "truth", progress=False, export_date=export_date)
        out.append((export_date or DEFAULT_END_DATE, folder / "raw", folder / "truth", summary))
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_date_at_the_end_date_writes_the_default_bytes(exports, tmp_path: Path) -> None:
    _, raw, truth, _ = exports[-1]  # export_date None
    generate(600, seed=9, out=tmp_path / "raw", truth=tmp_path / "truth", progress=False, export_date=DEFAULT_END_DATE)
    assert _files(tmp_path / "raw") == _files(raw)
    assert _files(tmp_path / "truth") == _files(truth)
    assert "export_date" not in json.loads((truth / "summary.json").read_text())


def test_export_date_after_the_end_date_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="after --end-date"):
        generate(10, seed=1, out=tmp_path / "raw", truth=tmp_path / "truth", progress=False, export_date=DEFAULT_END_DATE + dt.timedelta(days=1))
    with pytest.raises(SystemExit) as refused:
        main(["--customers", "10", "--out", str(tmp_path / "raw"), "--end-date", "2026-01-31", "--export-date", "2026-02-01"])
    assert refused.value.code == 2
    assert not (tmp_path / "raw").exists()


def test_cut_exports_hold_nothing_after_the_export_date(exports) -> None:
    con = duckdb.connect()
    for export_date, raw, _, summary in exports[:-1]:
        assert summary["export_date"] == export_date.isoformat()
        next_day = f"date '{export_date + dt.timedelta(days=1)}'"
        planted_future = f"date '{DEFAULT_END_DATE + dt.timedelta(days=FAR_FUTURE_DAYS[0])}'"
        for name, (column, future_kind) in EXPORT_DATE_COLUMNS.items():
            rows = f"(select distinct * from read_parquet('{raw / name}.parquet'))"
            later, in_between = con.execute(
                f"select count(*) filter (where {column} >= {next_day}), "
                f"count(*) filter (where {column} >= {next_day} and {column} < {planted_future}) from {rows}"
            ).fetchone()
            # Only the planted far-future dates lie after the export date: every one of them, nothing else.
            assert in_between == 0, (export_date, name)
            assert later == summary["tables"][name]["invalid_rows"].get(future_kind, 0), (export_date, name)
            for later_column in LATER_TIMESTAMPS.get(name, ()):
                n = con.execute(f"select count(*) from {rows} where {later_column} >= {next_day}").fetchone()[0]
                assert n == 0, (export_date, name, later_column)
        # A ticket resolved after the export date was still open then, without a resolution or a score.
        open_mismatch, open_scored = con.execute(
            f"""select count(*) filter (where (status = 'open') != (resolved_at is null)),
                       count(*) filter (where status = 'open' and csat_score between 1 and 5)
                from read_parquet('{raw / 'support_tickets.parquet'}')"""
        ).fetchone()
        assert (open_mismatch, open_scored) == (0, 0), export_date


def test_cut_summaries_count_what_the_files_hold(exports) -> None:
    con = duckdb.connect()
    for export_date, raw, truth, summary in exports[:-1]:
        for name in raw_tables():
            total, distinct = con.execute(
                f"select count(*), (select count(*) from (select distinct * from read_parquet('{raw / name}.parquet'))) "
                f"from read_parquet('{raw / name}.parquet')"
            ).fetchone()
            assert total == summary["tables"][name]["rows"], (export_date, name)
            assert total - distinct == summary["tables"][name]["exact_duplicate_rows"], (export_date, name)
        invoices = f"(select distinct * from read_parquet('{raw / 'erp_invoices.parquet'}'))"
        found = con.execute(
            f"select count(*) filter (where amount < 0 and status != 'credit_note'), count(*) filter (where invoice_id is null) from {invoices}"
        ).fetchone()
        planted = summary["tables"]["erp_invoices"]["invalid_rows"]
        assert found == (planted["negative_amount"], planted["missing_key"]), export_date
        # The truth knows exactly the records of this export, and the customers who had signed up by then.
        records = f"read_parquet('{truth / 'source_records.parquet'}')"
        entities = f"read_parquet('{truth / 'entities.parquet'}')"
        for system, table in (("crm", "crm_customers"), ("erp", "erp_customers"), ("thirdparty", "thirdparty_firmographics")):
            raw_ids = con.execute(f"select count(distinct {IDS[table]}) from read_parquet('{raw / table}.parquet')").fetchone()[0]
            truth_ids = con.execute(
                f"select count(distinct source_record_id), count(*) from {records} where source_system = '{system}' and source_record_id is not null"
            ).fetchone()
            assert truth_ids == (raw_ids, raw_ids), (export_date, system)
        day = f"date '{export_date}'"
        assert con.execute(f"select count(*) from {entities} where signup_date > {day} or churn_date > {day}").fetchone()[0] == 0
        assert con.execute(f"select count(*) from {records} r anti join {entities} e using (entity_id)").fetchone()[0] == 0
        # Facts name records of this export, except the planted unknown references.
        for fact, key, system in (("erp_invoices", "erp_customer_id", "erp"), ("support_tickets", "crm_customer_id", "crm")):
            unknown, planted_unknown = con.execute(
                f"""select count(*) filter (where {key} not in (select original_record_id from {records} where source_system = '{system}')),
                           count(*) filter (where {key} like 'X%')
                    from read_parquet('{raw / fact}.parquet')"""
            ).fetchone()
            assert unknown == planted_unknown, (export_date, fact)


def test_later_exports_keep_the_earlier_records_and_add_facts(exports) -> None:
    con = duckdb.connect()
    for (earlier, raw_a, truth_a, summary_a), (later, raw_b, truth_b, summary_b) in zip(exports, exports[1:]):
        for name, key in IDS.items():
            ids = f"select {key} from read_parquet('{{}}/{name}.parquet') where {key} is not null"
            missing = con.execute(f"select count(*) from ({ids.format(raw_a)} except {ids.format(raw_b)})").fetchone()[0]
            assert missing == 0, (earlier, later, name)
        for name in ("erp_invoices", "billing_subscription_events", "support_tickets", "product_usage_daily"):
            assert summary_a["tables"][name]["rows"] < summary_b["tables"][name]["rows"], (earlier, later, name)
        # A planted invalid record is spoiled the same way on every date it is exported.
        spoiled = "select source_system, source_record_id, original_record_id, planted_invalid from read_parquet('{}/source_records.parquet')"
        changed = con.execute(f"select count(*) from ({spoiled.format(truth_a)} except {spoiled.format(truth_b)})").fetchone()[0]
        assert changed == 0, (earlier, later)
        entities_a, entities_b = (con.execute(f"select count(*) from read_parquet('{t}/entities.parquet')").fetchone()[0] for t in (truth_a, truth_b))
        assert entities_a < entities_b, (earlier, later)
