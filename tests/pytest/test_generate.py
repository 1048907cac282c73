"""The generator: deterministic, writes the contract, plants dirt at its documented rates, truth holds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from custseg.contract import raw_tables
from custseg.generate import DIRT, PLANTED_SEGMENTS, generate


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
