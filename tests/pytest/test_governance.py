"""Governance of the public marts: contracts, access, owners, model versions, and no unmasked PII."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from conftest import Build, copy_warehouse, pii_hash_key, run_dbt

# What a PII tag on a public mart's column may say: the value is masked, keyed, generalized, or a name or
# address that the golden record deliberately keeps. Raw kinds (email, phone, national_id, birth_date) may not.
PUBLIC_PII_TAGS = {"name", "address", "masked", "pseudonymized", "generalized"}


@pytest.fixture(scope="module")
def manifest(built_sample: Build) -> dict:
    return json.loads((built_sample.target / "manifest.json").read_text())


def public_models(manifest: dict) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["access"] == "public"
    }


def test_public_models_are_marts_with_contracts_owners_and_a_pii_scan(manifest: dict) -> None:
    public = public_models(manifest)
    assert len(public) >= 14
    scanned = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") == "no_unmasked_pii"
    }
    for uid, node in public.items():
        assert node["original_file_path"].startswith("models/marts/"), uid
        assert node["config"]["contract"]["enforced"], uid
        assert node["group"] and manifest["groups"][f"group.custseg.{node['group']}"]["owner"]["email"], uid
        assert node["config"]["meta"].get("owner"), uid
        assert uid in scanned, f"{uid} has no no_unmasked_pii test"
    # Staging and intermediate models are never public.
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] == "model" and not node["original_file_path"].startswith("models/marts/"):
            assert node["access"] != "public", uid


def test_public_columns_carry_no_raw_pii_tag(manifest: dict) -> None:
    tags = {
        (uid, column["name"]): column["meta"]["pii"]
        for uid, node in public_models(manifest).items()
        for column in node["columns"].values()
        if "pii" in column.get("meta", {})
    }
    assert tags, "dim_customers tags its masked and keyed columns"
    assert {tag for tag in tags.values()} <= PUBLIC_PII_TAGS, tags


def test_the_assignment_mart_is_versioned_without_breaking_existing_readers(built_sample: Build, manifest: dict) -> None:
    versions = {
        node["version"]: node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] == "dim_customer_segments"
    }
    # Version 1 keeps the relation existing reports read; the latest is its own relation.
    assert versions == {1: "dim_customer_segments", 2: "dim_customer_segments_v2"}
    latest = manifest["nodes"]["model.custseg.dim_customer_segments.v2"]["latest_version"]
    assert latest == 2
    columns = {
        name: [row[0] for row in built_sample.query(f"select column_name from information_schema.columns where table_name = '{name}' order by ordinal_position")]
        for name in ("dim_customer_segments", "dim_customer_segments_v2")
    }
    assert "decided_by" in columns["dim_customer_segments"]
    assert columns["dim_customer_segments_v2"] == [c for c in columns["dim_customer_segments"] if c != "decided_by"]
    shared = ", ".join(columns["dim_customer_segments_v2"])
    assert built_sample.query(
        f"""select count(*) from (
            (select {shared} from main.dim_customer_segments except select {shared} from main.dim_customer_segments_v2)
            union all
            (select {shared} from main.dim_customer_segments_v2 except select {shared} from main.dim_customer_segments))"""
    ) == [(0,)]


def test_direct_identifiers_leave_only_keyed_or_masked(built_sample: Build) -> None:
    rows = built_sample.query(
        """select golden.email, golden.phone_e164, golden.national_id, golden.birth_date,
                  customers.email_masked, customers.email_hash, customers.phone_hash, customers.national_id_hash,
                  customers.birth_year
           from main.dim_customers as customers
           inner join main.int_identity__golden_records as golden using (customer_id)"""
    )
    key = pii_hash_key()

    def digest(value: str | None) -> str | None:
        return None if value is None else hashlib.sha256((key + value).encode()).hexdigest()

    with_email = 0
    for email, phone, national_id, birth_date, masked, email_hash, phone_hash, national_id_hash, birth_year in rows:
        assert (email_hash, phone_hash, national_id_hash) == (digest(email), digest(phone), digest(national_id))
        assert birth_year == (birth_date.year if birth_date else None)
        if email:
            with_email += 1
            local, domain = email.split("@")
            assert masked == f"{local[0]}***@{domain}"
    assert with_email > len(rows) / 2


def test_a_build_without_a_pii_key_stops_with_a_message(built_sample: Build, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SEG_PII_HASH_KEY", "")
    result = run_dbt(["compile", "--select", "dim_customers"], built_sample.raw_dir, tmp_path / "wh.duckdb", tmp_path / "target")
    assert result.returncode != 0
    assert "set the environment variable SEG_PII_HASH_KEY" in result.stdout


@pytest.fixture(scope="module")
def corrupted(built_sample: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, int]]]:
    """A copy of the warehouse with planted faults, and each generic test's (status, failures) over it."""
    workdir = tmp_path_factory.mktemp("corrupted")
    warehouse = copy_warehouse(built_sample, workdir)
    with duckdb.connect(str(warehouse)) as con:
        email = con.execute("select email from main.int_identity__golden_records where email is not null limit 1").fetchone()[0]
        # Three people with a national id: one leaks it in a profile column, one has it as their tax id
        # (a sole proprietor's tax number), and the third's is what a stranger's postcode and tax id equal by chance.
        (leaker, leaked_id), (proprietor, proprietor_id), (_, strangers_id) = con.execute(
            """select customer_id, bare_identifier_value from main.int_governance__customer_identifiers
               where identifier_type = 'national_id'
               qualify row_number() over (partition by customer_id order by bare_identifier_value) = 1
               order by customer_id limit 3"""
        ).fetchall()
        stranger = con.execute(
            """select min(customer_id) from main.int_governance__customer_identifiers
               where customer_id not in (
                   select customer_id from main.int_governance__customer_identifiers where identifier_type = 'national_id')"""
        ).fetchone()[0]
        # PII: an email inside free text, a phone in a column nobody would tag, and the customer's own bare national id.
        con.execute("update main.dim_segments set segment_description = 'escalate to ' || ? where segment_code = 'SEG-CARE'", [email])
        con.execute("update main.dim_segments set service_model = 'hotline +49 30 1234567' where segment_code = 'SEG-CARE'")
        # A mart without customers holds nobody's identifiers: any customer's bare national id there is a leak.
        con.execute("update main.dim_segments set sla_tier = ? where segment_code = 'SEG-CARE'", [strangers_id])
        con.execute("update main.dim_customer_profiles set industry = ? where customer_id = ?", [leaked_id, leaker])
        con.execute("update main.dim_customers set tax_id = ? where customer_id = ?", [proprietor_id, proprietor])
        # Chance, not a leak: another party's bare national id as a postcode and as a (US-style) tax id.
        con.execute("update main.dim_customers set postcode = ?, tax_id = ? where customer_id = ?", [strangers_id, strangers_id, stranger])
        # A customer lost between the golden record and the assignments, and a second open snapshot version.
        con.execute("delete from main.dim_customer_segments_v2 where customer_id = (select min(customer_id) from main.dim_customer_segments_v2)")
        con.execute("insert into main.snp_customer_attributes select * from main.snp_customer_attributes where dbt_valid_to is null limit 1")
        # A cluster segment of a single customer.
        con.execute("update main.dim_customer_segments set cluster_segment_code = 'SEG-TINY' where customer_id = (select min(customer_id) from main.dim_customer_segments where cluster_segment_code is not null)")
    selection = ["test_name:no_unmasked_pii", "test_name:row_count_matches", "test_name:one_open_version_per_key", "test_name:value_share_at_least"]
    # Failures stored: the PII scan's rows say what it found (counts and kinds, never the values).
    result = run_dbt(
        ["test", "--store-failures", "--select", *selection], built_sample.raw_dir, warehouse, workdir / "target",
        steward_decisions=built_sample.steward_decisions,
    )
    assert result.returncode != 0
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return warehouse, {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results}


def test_the_pii_scan_finds_leaks_in_any_column_and_honours_recorded_waivers(corrupted) -> None:
    warehouse, outcomes = corrupted
    failed = {name: failures for name, (status, failures) in outcomes.items() if status == "fail" and name.startswith("no_unmasked_pii")}
    # dim_segments: an email, a phone and a customer's national id (three columns); dim_customer_profiles: the
    # row's own national id; dim_customers: a tax id that is the customer's own national id. The stranger's
    # postcode and tax id, equal to another customer's national id, pass.
    assert failed == {"no_unmasked_pii_dim_segments_": 3, "no_unmasked_pii_dim_customer_profiles_": 1, "no_unmasked_pii_dim_customers_": 1}
    # fct_kpi_breaches names target owners' team mailboxes: accepted in seed pii_scan_exceptions, so it passes.
    assert outcomes["no_unmasked_pii_fct_kpi_breaches_"][0] == "pass"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from main.fct_kpi_breaches where target_owner like '%@%'").fetchone()[0] > 0
        findings = {
            table: con.execute(f"select column_name, pii_kind, identifier_type, matching_rows, message from main_dbt_test__audit.{table} order by 1, 2").fetchall()
            for table in ("no_unmasked_pii_dim_customers_", "no_unmasked_pii_dim_customer_profiles_", "no_unmasked_pii_dim_segments_")
        }
    assert findings["no_unmasked_pii_dim_customers_"] == [
        ("tax_id", "own_identifier", "national_id", 1, "column tax_id: 1 row holds its customer's own national_id unmasked"),
    ]
    assert findings["no_unmasked_pii_dim_customer_profiles_"] == [
        ("industry", "own_identifier", "national_id", 1, "column industry: 1 row holds its customer's own national_id unmasked"),
    ]
    assert [(column, kind) for column, kind, *_ in findings["no_unmasked_pii_dim_segments_"]] == [
        ("segment_description", "email"), ("service_model", "phone"), ("sla_tier", "known_identifier"),
    ]


def test_generic_tests_catch_lost_rows_double_versions_and_tiny_segments(corrupted) -> None:
    _, outcomes = corrupted
    by_status = {name: status for name, (status, _) in outcomes.items() if not name.startswith("no_unmasked_pii")}
    failing = {name for name, status in by_status.items() if status == "fail"}
    assert failing == {"row_count_matches_dim_customer_segments_v2_ref_dim_customers_", "snp_customer_attributes_one_open_version_per_customer"}
    # A tiny cluster segment warns (severity warn), it does not fail the build.
    warned = {name for name, status in by_status.items() if status == "warn"}
    assert warned == {"value_share_at_least_dim_customer_segments_v1_cluster_segment_code___var_segmentation_min_segment_share_"}
    assert {"row_count_matches_dim_customer_profiles_ref_dim_customers_", "snp_customer_segments_one_open_version_per_customer"} <= {
        name for name, status in by_status.items() if status == "pass"
    }
