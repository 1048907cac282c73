"""Data shapes derived from a folder the generator wrote: the sources other companies have.

The generator writes one imagined company with every source. Users bring what they have, so the
project is built and benchmarked on shapes derived from a generated folder:

* ``cross-system``: the ERP knows a person by name and address only (no customer type, email, phone
  or VAT number), so CRM-ERP links rest on no shared identifier (the identity benchmark);
* ``orders-only``: the documented minimum, ``erp_customers`` (id and name) and ``erp_invoices``
  (id, customer, date, amount: no costs, currency or status);
* ``b2c``: people only, CRM and ERP customers and their invoices, surveys; no subscriptions,
  product usage, support or firmographics;
* ``saas``: CRM, ERP accounts, subscription events and product usage; no invoices, support,
  surveys or firmographics.

``python -m custseg.data_shapes --shape SHAPE --source DATA --out DIR`` writes ``DIR/raw`` and
``DIR/truth`` (the truth lists the same records; records a shape leaves out simply do not occur).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# What the ERP forgets in the cross-system shape: everything but its id, the name, the address and dates.
CROSS_SYSTEM_ERP_DROPPED = ("customer_type", "email", "phone", "vat_number")


@dataclass(frozen=True)
class Shape:
    """Which raw tables a shape keeps, the columns it keeps of each (None: all), and the people-only filter."""

    description: str
    tables: dict[str, tuple[str, ...] | None]
    dropped_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    persons_only: bool = False


SHAPES: dict[str, Shape | None] = {
    "default": None,
    "cross-system": Shape(
        "generated customers, ERP with names and addresses only (no customer type, email, phone, VAT)",
        tables={table: None for table in (
            "crm_customers", "erp_customers", "erp_invoices", "billing_subscription_events", "support_tickets",
            "product_usage_daily", "surveys_nps_responses", "thirdparty_firmographics")},
        dropped_columns={"erp_customers": CROSS_SYSTEM_ERP_DROPPED},
    ),
    "orders-only": Shape(
        "a customer list (id and name) and an order list (id, customer, date, amount)",
        tables={"erp_customers": ("erp_customer_id", "customer_name"),
                "erp_invoices": ("invoice_id", "erp_customer_id", "invoice_date", "amount")},
    ),
    "b2c": Shape(
        "people only: CRM and ERP customers, invoices and surveys; no subscriptions, usage, support or firmographics",
        tables={"crm_customers": None, "erp_customers": None, "erp_invoices": None, "surveys_nps_responses": None},
        persons_only=True,
    ),
    "saas": Shape(
        "CRM, ERP accounts, subscription events and product usage; no invoices, support, surveys or firmographics",
        tables={"crm_customers": None, "erp_customers": None, "billing_subscription_events": None,
                "product_usage_daily": None},
    ),
}

# The column of each raw table naming the source record the truth knows (for the people-only filter).
_PERSON_KEYS = {
    "crm_customers": ("crm", "crm_customer_id"),
    "erp_customers": ("erp", "erp_customer_id"),
    "erp_invoices": ("erp", "erp_customer_id"),
    "surveys_nps_responses": ("crm", "crm_customer_id"),
}


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file (the big fact tables cost nothing), copy it across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def derive_shape(shape: str, source: str | Path, out: str | Path) -> Path:
    """Write ``shape`` of the generated folder ``source`` (raw/ and truth/) to ``out``; return the folder to read.

    The default shape is ``source`` itself. Tables a shape keeps whole are hard-linked; the others are
    rewritten with the kept columns (and, for people-only shapes, the rows of persons, by the truth).
    """
    if shape not in SHAPES:
        raise ValueError(f"Unknown data shape {shape!r}: choose one of {', '.join(SHAPES)}")
    spec, source, out = SHAPES[shape], Path(source), Path(out)
    if spec is None:
        return source
    if not (source / "raw" / "erp_customers.parquet").exists():
        raise FileNotFoundError(f"No {source / 'raw' / 'erp_customers.parquet'}: pass a folder written by custseg.generate (raw/ and truth/)")
    for folder in ("raw", "truth"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for path in sorted((source / "truth").iterdir()):
        if path.is_file():
            _link_or_copy(path, out / "truth" / path.name)
    truth = (source / "truth").as_posix()
    with duckdb.connect() as con:
        if spec.persons_only:
            con.execute(f"""
                create temp table person_records as
                select records.source_system, records.source_record_id
                from read_parquet('{truth}/source_records.parquet') as records
                inner join read_parquet('{truth}/entities.parquet') as entities using (entity_id)
                where not entities.is_organization
            """)
        for table, kept in spec.tables.items():
            raw = source / "raw" / f"{table}.parquet"
            if not raw.exists():  # absent in the source too: absent in the shape (the build reads it as empty)
                continue
            dropped = spec.dropped_columns.get(table, ())
            filtered = spec.persons_only and table in _PERSON_KEYS
            if kept is None and not dropped and not filtered:
                _link_or_copy(raw, out / "raw" / raw.name)
                continue
            columns = [row[0] for row in con.execute(f"describe select * from read_parquet('{raw.as_posix()}')").fetchall()]
            wanted = [c for c in (kept or columns) if c not in dropped]
            missing = sorted(set(wanted) - set(columns))
            if missing:
                raise ValueError(f"{raw} lacks column(s) {', '.join(missing)}: columns {columns}")
            selected = ", ".join(f'raw."{column}"' for column in wanted)
            where = ""
            if filtered:
                system, key = _PERSON_KEYS[table]
                where = (f"where raw.\"{key}\" in (select source_record_id from person_records "
                         f"where source_system = '{system}')")
            target = (out / "raw" / raw.name).as_posix()
            con.execute(f"copy (select {selected} from read_parquet('{raw.as_posix()}') as raw {where}) "
                        f"to '{target}' (format parquet)")
    return out


def cross_system_shape(source: str | Path, out: str | Path) -> Path:
    """The cross-system shape of ``source`` in ``out``: the ERP customers without identifiers (see ``derive_shape``)."""
    return derive_shape("cross-system", source, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.data_shapes", description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=[s for s in SHAPES if s != "default"], default="cross-system")
    parser.add_argument("--source", type=Path, required=True, help="folder with raw/ and truth/ from custseg.generate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(derive_shape(args.shape, args.source, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
