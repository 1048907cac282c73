"""Data shapes for the identity benchmark, derived from a folder the generator wrote.

The generator's ERP carries a customer type, email, phone and VAT number on every bill-to
customer, so most CRM-ERP links rest on a shared identifier. Many companies' data is harder: the
ERP knows a person by name and address only. ``cross_system_shape`` makes that shape from a
generated folder: the same people in the CRM and in the ERP, no identifier shared between them.

``python -m custseg.bench_shapes --shape cross-system --source DATA --out DIR`` writes ``DIR/raw``
and ``DIR/truth`` (the truth is unchanged: the records are the same records).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import duckdb

# What the ERP forgets in the cross-system shape: everything but its id, the name, the address and dates.
CROSS_SYSTEM_ERP_DROPPED = ("customer_type", "email", "phone", "vat_number")
SHAPES = ("default", "cross-system")


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file (the big fact tables cost nothing), copy it across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def cross_system_shape(source: str | Path, out: str | Path) -> Path:
    """Copy generated ``source/raw`` and ``source/truth`` to ``out``, the ERP customers without identifiers.

    ``erp_customers`` loses ``customer_type``, ``email``, ``phone`` and ``vat_number``; it keeps
    ``erp_customer_id``, ``customer_name``, the address, the country and the dates. Organizations stay
    in the ERP (their names read like companies). The CRM and every other table are unchanged.
    Returns ``out``.
    """
    source, out = Path(source), Path(out)
    erp = source / "raw" / "erp_customers.parquet"
    if not erp.exists():
        raise FileNotFoundError(f"No {erp}: pass a folder written by custseg.generate (raw/ and truth/)")
    for folder in ("raw", "truth"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for path in sorted((source / folder).iterdir()):
            if path.is_file() and path != erp:
                _link_or_copy(path, out / folder / path.name)
    with duckdb.connect() as con:
        columns = [row[0] for row in con.execute(f"describe select * from read_parquet('{erp.as_posix()}')").fetchall()]
        kept = [column for column in columns if column not in CROSS_SYSTEM_ERP_DROPPED]
        if "erp_customer_id" not in kept or "customer_name" not in kept:
            raise ValueError(f"{erp} lacks erp_customer_id or customer_name: columns {columns}")
        selected = ", ".join(f'"{column}"' for column in kept)
        target = (out / "raw" / "erp_customers.parquet").as_posix()
        con.execute(f"copy (select {selected} from read_parquet('{erp.as_posix()}')) to '{target}' (format parquet)")
    return out


def make_shape(shape: str, source: str | Path, out: str | Path) -> Path:
    """The folder holding ``shape`` of the generated ``source``: ``source`` itself for the default shape."""
    if shape == "default":
        return Path(source)
    if shape == "cross-system":
        return cross_system_shape(source, out)
    raise ValueError(f"Unknown data shape {shape!r}: choose one of {', '.join(SHAPES)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.bench_shapes", description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=[s for s in SHAPES if s != "default"], default="cross-system")
    parser.add_argument("--source", type=Path, required=True, help="folder with raw/ and truth/ from custseg.generate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(make_shape(args.shape, args.source, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
