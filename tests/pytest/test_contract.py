"""The raw contract is written once (sources YAML); the README's summary of it must agree."""

from __future__ import annotations

import re

import pytest

from custseg.contract import PROJECT_DIR, arrow_type, raw_tables


def test_every_raw_table_declares_types_and_requirements() -> None:
    tables = raw_tables()
    assert len(tables) == 8
    for table in tables.values():
        assert table.required_columns, table.raw_file  # every table has a key
        for column in table.columns:
            arrow_type(column.data_type)  # raises for a type the generator cannot write


def test_readme_lists_every_raw_table_with_its_required_columns() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    for table in raw_tables().values():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{table.raw_file}` |")), None)
        assert row is not None, f"README lacks a contract row for {table.raw_file}"
        assert re.findall(r"`(\w+)`", row.split("|")[3]) == table.required_columns, table.raw_file


def test_unknown_type_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="has no Arrow mapping"):
        arrow_type("hugeint")
