"""The raw data contract, read from the dbt sources YAML so that it is written down only once.

Every raw table is a dbt source table whose ``meta.raw_file`` names the file (without extension)
expected in the raw folder; each column declares a DuckDB ``data_type`` and ``meta.required``.
The generator writes exactly this contract and the tests check it against what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCES_GLOB = "models/staging/*/_*__sources.yml"


@dataclass(frozen=True)
class RawColumn:
    name: str
    data_type: str
    required: bool
    pii: str | None


@dataclass(frozen=True)
class RawTable:
    source: str
    table: str
    raw_file: str
    columns: tuple[RawColumn, ...]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, arrow_type(c.data_type)) for c in self.columns])


def arrow_type(data_type: str) -> pa.DataType:
    """Map a DuckDB type name used in the contract to the Arrow type the generator writes."""
    t = data_type.strip().lower()
    if t.startswith("decimal"):
        precision, scale = (int(x) for x in t[t.index("(") + 1 : t.index(")")].split(","))
        return pa.decimal128(precision, scale)
    mapping = {
        "varchar": pa.string(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "integer": pa.int32(),
        "bigint": pa.int64(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
    }
    if t not in mapping:
        raise ValueError(f"raw contract type {data_type!r} has no Arrow mapping; use one of {sorted(mapping)} or decimal(p,s)")
    return mapping[t]


@cache
def raw_tables(project_dir: Path = PROJECT_DIR) -> dict[str, RawTable]:
    """All raw tables of the contract, keyed by raw file name (e.g. ``erp_invoices``)."""
    tables: dict[str, RawTable] = {}
    files = sorted(project_dir.glob(SOURCES_GLOB))
    if not files:
        raise FileNotFoundError(f"no sources YAML found under {project_dir / SOURCES_GLOB}")
    for path in files:
        doc = yaml.safe_load(path.read_text())
        for source in doc.get("sources", []):
            for table in source.get("tables", []):
                raw_file = table["meta"]["raw_file"]
                columns = tuple(
                    RawColumn(
                        name=c["name"],
                        data_type=c["data_type"],
                        required=bool(c.get("meta", {}).get("required", False)),
                        pii=c.get("meta", {}).get("pii"),
                    )
                    for c in table["columns"]
                )
                tables[raw_file] = RawTable(source["name"], table["name"], raw_file, columns)
    return tables
