"""An ERP export without a customer type column: each name is classified person or organization from the
evidence in the data, person names are split, and the record is compared with the CRM's person or company."""

from __future__ import annotations

from pathlib import Path

from conftest import build

IDENTITY_ONLY = ("--select", "+int_identity__pair_comparisons", "--indirect-selection", "cautious")

CRM = """crm_customer_id,customer_type,first_name,last_name,company_name,email,phone,street,postcode,city,country
C1,person,Anna,Meyer,,anna.meyer@mail.example,,Goethestr. 1,10115,Berlin,DE
C2,company,Kim,Ono,Birch Labs AG,kim.ono@birchlabs.example,,Linden 4,10115,Berlin,DE
"""

# No customer_type column: many ERPs export bill-to name and address only.
ERP = """erp_customer_id,customer_name,email,address_line1,postal_code,city,country_code
1001,ACME Logistics GmbH,,Hafen 10,20095,Hamburg,DE
1002,"MEYER, Anna",anna.meyer@mail.example,Goethestraße 1,10115,Berlin,DE
1003,Dr. Jane van der Berg,,Kanaal 2,1011AB,Amsterdam,NL
1004,Bakkerij de Vries,,Markt 1,1012AB,Amsterdam,NL
1005,Lovelace & Babbage,,Strand 3,WC2R 1AA,London,GB
1006,Kim Ono,kim.ono@birchlabs.example,Linden 4,10115,Berlin,DE
1007,Zentrale 7,,Ring 7,50667,Koeln,DE
1008,SMITH Jane,,Bridge St 9,M1 1AA,Manchester,GB
"""


def test_erp_names_without_a_type_are_classified_and_split(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crm_customers.csv").write_text(CRM)
    (raw / "erp_customers.csv").write_text(ERP)
    result = build(raw, tmp_path, *IDENTITY_ONLY)
    assert result.result.returncode == 0, result.result.stdout[-5000:]

    rows = result.query(
        """select source_record_id, party_type, party_type_source, name_split_rule, first_name_std, last_name_std,
               company_name_std
           from main.int_identity__party_records where source_system = 'erp' order by 1"""
    )
    assert rows == [
        ("1001", "organization", "legal_form", None, None, None, "acme logistics"),
        ("1002", "person", "crm_same_email", "comma_last_first", "anna", "meyer", None),
        ("1003", "person", "personal_name_shape", "given_name_first", "jane", "van der berg", None),
        ("1004", "organization", "organization_word", None, None, None, "bakkerij de vries"),
        ("1005", "organization", "organization_word", None, None, None, "lovelace and babbage"),
        # The CRM knows this email as a company's: the ERP record is the company billed, not a person.
        ("1006", "organization", "crm_same_email", None, None, None, "kim ono"),
        # Nothing says: unknown, compared both as a person and as a company.
        ("1007", None, "no_evidence", "given_name_first", "zentrale", "7", "zentrale 7"),
        ("1008", "person", "personal_name_shape", "upper_case_surname_first", "jane", "smith", None),
    ]

    # Each is compared with the CRM's record as what it is: the person by name, the company billed as a
    # company. (Whether they link is the match model's call, which a handful of records cannot train.)
    compared = {
        pair: rest for pair, *rest in result.query(
            "select left_record_key || ' ' || right_record_key, person_name_level, company_name_level, "
            "shared_identifiers from main.int_identity__pair_comparisons"
        )
    }
    assert compared["crm:C1 erp:1002"] == [6, -1, ["email"]]
    assert compared["crm:C2 erp:1006"] == [-1, 0, ["email", "web_domain"]]
