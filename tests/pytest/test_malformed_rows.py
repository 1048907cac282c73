"""Malformed raw rows never crash the build and are never lost: each is staged or quarantined with a reason.

A value that does not convert, or a date out of range, quarantines its row only in a column the contract
requires; in an optional column the row is staged with the value set to null, and the value is listed in
the source's field issues model with its reason.

For every raw table of the contract the test writes a CSV file with a few good rows and malformed rows of
every kind (bad encodings, a byte-order mark, wrong types, blank ids, duplicate ids, absurd dates and
amounts, ragged and badly quoted lines, control characters, very long values and lines, blank lines), then
a Parquet file with columns of the wrong physical type and null ids, and builds each folder once. Every
planted row states its fate: staged, with the values staging must give it, or quarantined, with the reason.

Rows in are counted here, independently of DuckDB: for CSV with Python's csv module, a lenient reader (a
record is a line, or several when a quoted value spans them; a blank line is no record; a quote that never
closes runs to the end of the file), and for Parquet from the file's metadata.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import Build, build
from custseg.contract import RawTable, raw_tables

# A fixed extract date, so that "future" does not depend on the day the test runs.
MAX_VALID_DATE = "2026-06-30"
# Reasons of the records the CSV reader cannot split into the file's columns or decode as UTF-8.
UNREADABLE_REASONS = ("malformed_row", "invalid_encoding")
# DuckDB's CSV reader refuses longer lines (its default max_line_size) and keeps their beginning.
READER_MAX_LINE_BYTES = 2_000_000


@dataclass(frozen=True)
class Staged:
    """The row reaches the staging model under `key`, holding these values (staging column -> value), with
    these field issues: (raw column, raw value as text, reason) of each optional value set to null."""

    key: str
    values: dict[str, object]
    issues: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Quarantined:
    """The row is in its source's quarantine with this reason; `locator` is a part of its raw record no other row has."""

    reason: str
    locator: str


@dataclass(frozen=True)
class Planted:
    fate: Staged | Quarantined
    record: bytes = b""  # CSV: the record as written, without its line break
    values: dict[str, object] | None = None  # Parquet: the row by raw column


@dataclass(frozen=True)
class Column:
    """A column of a good row: the text written, the staging column it lands in and the value it has there."""

    raw: str
    staging: str
    staged: object


@dataclass(frozen=True)
class Spec:
    """What the test needs to know of a raw table beyond the contract."""

    staging_model: str
    key: str  # raw id column (for usage, the customer half of the key), staged under the same name
    tag_column: str  # where a row without an id carries its tag: free text, or for usage a number
    text_column: str  # free text for the encoding, quoting and control-character cases
    lower_cases_text: bool  # staging lower-cases the text column
    good: dict[str, Column]
    date_key: str | None = None  # a date that is part of the staging key
    latest_wins_by: str | None = None  # among rows sharing an id, the one with the latest value here is staged


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


SPECS: dict[str, Spec] = {
    "crm_customers": Spec(
        "stg_crm__customers", "crm_customer_id", "company_name", "last_name", False,
        {
            "customer_type": Column("person", "customer_type", "person"),
            "first_name": Column("Zoë", "first_name", "Zoë"),
            "last_name": Column("Müller-Łukasiewicz", "last_name", "Müller-Łukasiewicz"),
            "company_name": Column("", "company_name", None),
            "email": Column("zoe.mueller@example.com", "email", "zoe.mueller@example.com"),
            "phone": Column("+4915112345678", "phone_e164", "+4915112345678"),
            "street": Column("Hauptstraße 5", "street", "Hauptstraße 5"),
            "postcode": Column("10115", "postcode", "10115"),
            "city": Column("Berlin", "city", "Berlin"),
            "country": Column("DE", "country_code", "DE"),
            "birth_date": Column("1984-03-02", "birth_date", _d("1984-03-02")),
            "status": Column("active", "record_status", "active"),
            "created_at": Column("2024-05-01 09:30:00", "created_at", _ts("2024-05-01 09:30:00")),
            "updated_at": Column("2025-02-03 10:00:00", "updated_at", _ts("2025-02-03 10:00:00")),
        },
        latest_wins_by="updated_at",
    ),
    "erp_customers": Spec(
        "stg_erp__customers", "erp_customer_id", "customer_name", "customer_name", False,
        {
            "customer_name": Column("Acme Tools Ltd", "customer_name", "Acme Tools Ltd"),
            "customer_type": Column("organization", "customer_type", "organization"),
            "vat_number": Column("GB123456789", "tax_id", "GB123456789"),
            "email": Column("billing@acme.example.com", "email", "billing@acme.example.com"),
            "phone": Column("+442079460958", "phone_e164", "+442079460958"),
            "address_line1": Column("1 High Street", "street", "1 High Street"),
            "postal_code": Column("SW1A1AA", "postcode", "SW1A1AA"),
            "city": Column("London", "city", "London"),
            "country_code": Column("GB", "country_code", "GB"),
            "payment_terms_days": Column("30", "payment_terms_days", 30),
            "credit_limit": Column("5000.00", "credit_limit", Decimal("5000.00")),
            "created_on": Column("2020-01-15", "opened_date", _d("2020-01-15")),
            "last_modified_at": Column("2025-03-01 12:00:00", "updated_at", _ts("2025-03-01 12:00:00")),
        },
        latest_wins_by="last_modified_at",
    ),
    "erp_invoices": Spec(
        "stg_erp__invoices", "invoice_id", "product_line", "product_line", True,
        {
            "erp_customer_id": Column("E-1", "erp_customer_id", "E-1"),
            "invoice_date": Column("2026-01-15", "invoice_date", _d("2026-01-15")),
            "amount": Column("120.50", "amount", Decimal("120.50")),
            "cost_amount": Column("80.25", "cost_amount", Decimal("80.25")),
            "currency_code": Column("EUR", "currency_code", "EUR"),
            "status": Column("paid", "invoice_status", "paid"),
            "product_line": Column("Widgets", "product_line", "widgets"),
        },
    ),
    "billing_subscription_events": Spec(
        "stg_billing__subscription_events", "event_id", "plan_code", "plan_code", True,
        {
            "subscription_id": Column("SUB-1", "subscription_id", "SUB-1"),
            "erp_customer_id": Column("E-1", "erp_customer_id", "E-1"),
            "event_type": Column("new", "event_type", "new"),
            "event_at": Column("2025-06-01 08:00:00", "event_at", _ts("2025-06-01 08:00:00")),
            "plan_code": Column("Pro", "plan_code", "pro"),
            "mrr_before": Column("0.00", "mrr_before", Decimal("0.00")),
            "mrr_after": Column("99.00", "mrr_after", Decimal("99.00")),
            "currency_code": Column("USD", "currency_code", "USD"),
        },
    ),
    "support_tickets": Spec(
        "stg_support__tickets", "ticket_id", "category", "category", True,
        {
            "crm_customer_id": Column("C-1", "crm_customer_id", "C-1"),
            "created_at": Column("2026-02-01 09:00:00", "created_at", _ts("2026-02-01 09:00:00")),
            "priority": Column("P2", "priority", "high"),
            "channel": Column("email", "channel", "email"),
            "category": Column("Billing", "category", "billing"),
            "status": Column("closed", "ticket_status", "closed"),
            "first_response_at": Column("2026-02-01 09:30:00", "first_response_at", _ts("2026-02-01 09:30:00")),
            "resolved_at": Column("2026-02-02 09:00:00", "resolved_at", _ts("2026-02-02 09:00:00")),
            "handling_minutes": Column("45.5", "handling_minutes", 45.5),
            "csat_score": Column("4", "csat_score", 4),
        },
    ),
    "product_usage_daily": Spec(
        "stg_product__usage_daily", "crm_customer_id", "events", "crm_customer_id", False,
        {
            "usage_date": Column("2026-03-01", "usage_date", _d("2026-03-01")),
            "sessions": Column("12", "sessions", 12),
            "active_users": Column("3", "active_users", 3),
            "events": Column("250", "events", 250),
            "features_used": Column("5", "features_used", 5),
            "minutes_active": Column("180.5", "minutes_active", 180.5),
        },
        date_key="usage_date",
    ),
    "surveys_nps_responses": Spec(
        "stg_surveys__nps_responses", "response_id", "comment", "comment", False,
        {
            "crm_customer_id": Column("C-1", "crm_customer_id", "C-1"),
            "respondent_email": Column("zoe.mueller@example.com", "respondent_email", "zoe.mueller@example.com"),
            "responded_at": Column("2026-03-05 14:00:00", "responded_at", _ts("2026-03-05 14:00:00")),
            "nps_score": Column("9", "nps_score", 9),
            "survey_channel": Column("email", "survey_channel", "email"),
            "comment": Column("Très bien — 很好 👍", "comment", "Très bien — 很好 👍"),
        },
    ),
    "thirdparty_firmographics": Spec(
        "stg_thirdparty__firmographics", "thirdparty_id", "industry", "company_name", False,
        {
            "company_name": Column("Acme Tools Ltd", "company_name", "Acme Tools Ltd"),
            "web_domain": Column("acme.example.com", "web_domain", "acme.example.com"),
            "tax_id": Column("GB123456789", "tax_id", "GB123456789"),
            "street": Column("1 High Street", "street", "1 High Street"),
            "postcode": Column("SW1A1AA", "postcode", "SW1A1AA"),
            "city": Column("London", "city", "London"),
            "country_code": Column("GB", "country_code", "GB"),
            "industry": Column("Manufacturing", "industry", "Manufacturing"),
            "employee_count": Column("250", "employee_count", 250),
            "annual_revenue_usd": Column("12500000.00", "annual_revenue_usd", Decimal("12500000.00")),
            "credit_score": Column("72", "credit_score", 72),
            "snapshot_date": Column("2026-01-31", "snapshot_date", _d("2026-01-31")),
        },
        latest_wins_by="snapshot_date",
    ),
}

# Values that are no value of the column's type at all: unparseable_value. Dates are read day first (the
# default of var date_day_order), so 01/15/2026 is no date; dots are always day first.
UNPARSEABLE = {
    "date": ["2026-02-30", "2026-13-01", "01/15/2026", "31/02/2026", "15.13.2026", "15/01/26", "Jan 15 2026",
             "2026011", "0000-00-00", "-0001-01-01", "epoch", "infinity", "yesterday", "n/a"],
    "timestamp": ["2026-02-30 10:00:00", "2026-01-15 25:00:00", "01/15/2026 10:00", "15/01/2026 10h00", "1700000000",
                  "epoch", "infinity", "now"],
    "integer": ["abc", "1e30", "9.5", "2.5", "NaN", "inf", "1,000", "0x10", "12 users", "99999999999"],
    "decimal": ["abc", "1e30", "-1e30", "NaN", "inf", "-inf", "Infinity", "1,234.56", "1.234,56", "$12.50", "€12",
                "12 EUR", "0x1A", "--5", "12.5.1"],
    "double": ["abc", "NaN", "inf", "-inf", "1,5", "$3", "0x10"],
}
# Dates before var min_valid_date (implausible_date) and after the extract date (future_date).
EARLY = {"date": ["0001-01-01", "1899-12-31"], "timestamp": ["0001-01-01 00:00:00", "1899-12-31 23:59:59"]}
LATE = {"date": ["9999-12-31", "2999-01-01"], "timestamp": ["9999-12-31 23:59:59", "2999-01-01 00:00:00"]}


def same_value_spellings(kind: str, good: str) -> list[str]:
    """Other spellings of a good value that staging reads as that same value."""
    if kind == "date":
        year, month, day = good.split("-")
        return [f"{year}/{month}/{day}", f"{year}-{int(month)}-{int(day)}", f"{good}T10:30:00", f" {good} ",
                f"{year}{month}{day}", f"{day}/{month}/{year}", f"{int(day)}/{int(month)}/{year}", f"{day}-{month}-{year}",
                f"{day}.{month}.{year}"]
    if kind == "timestamp":
        day_part, time_part = good.split(" ")
        year, month, day = day_part.split("-")
        return [good.replace(" ", "T"), good.replace(" ", "T") + "Z", f" {good} ", f"{day}/{month}/{year} {time_part}",
                f"{day}.{month}.{year} {time_part}"]
    if kind == "integer":
        return [f"{good}.0", f" {good} ", f"+{good}"]
    if kind == "decimal":
        return [f" {good} ", f"+{good}", f"{float(good):e}"]
    return [f" {good} ", f"{good}e0"]  # double


def kind_of(data_type: str) -> str:
    return "decimal" if data_type.lower().startswith("decimal") else data_type.lower()


class PlantedFile:
    """One raw file being planted: its table, the kind of each column, its rows and a serial for new tags."""

    def __init__(self, table: RawTable, spec: Spec) -> None:
        self.table, self.spec = table, spec
        self.kinds = {c.name: kind_of(c.data_type) for c in table.columns}
        self.rows: list[Planted] = []
        self.serial = 0


class CsvFile(PlantedFile):
    """One raw CSV file being planted: its records, as bytes, and the fate of each."""

    def tag(self) -> str:
        """A new tag, e.g. CRM0042 (for usage, whose tag column is a number, 9000042)."""
        self.serial += 1
        if self.kinds[self.spec.tag_column] != "varchar":
            return str(9_000_000 + self.serial)
        return f"{self.table.source.upper()}{self.serial:04d}"

    def record(self, key: str, **overrides: str) -> bytes:
        """A good row under `key`, with some columns written otherwise, as one CSV record."""
        row = {name: column.raw for name, column in self.spec.good.items()} | {self.spec.key: key} | overrides
        return render([row.get(c.name, "") for c in self.table.columns])

    def staged(self, key: str, issues: tuple[tuple[str, str, str], ...] = (), **overrides: object) -> Staged:
        """A good row staged under `key`, with some staging columns holding other values, and field issues."""
        values = {column.staging: column.staged for column in self.spec.good.values()}
        return Staged(key, values | {self.spec.key: key} | overrides, issues)

    def text_staged(self, text: str) -> dict[str, object]:
        return {self.spec.good[self.spec.text_column].staging: text.lower() if self.spec.lower_cases_text else text}

    def add(self, record: bytes, fate: Staged | Quarantined) -> None:
        self.rows.append(Planted(fate, record))

    def write(self, path: Path, line_break: bytes, blank_first_line: bool) -> None:
        """The file: a byte-order mark, the header (after a blank line, maybe), the records, blank lines between some."""
        lines = [b""] * blank_first_line + [render([c.name for c in self.table.columns])]
        for index, row in enumerate(self.rows):
            lines += [row.record, b""] if index in (0, 5) else [row.record]
        path.write_bytes(b"\xef\xbb\xbf" + line_break.join(lines) + line_break)


def render(fields: list[str]) -> bytes:
    """One CSV record as Python's csv module writes it: quoted only where a value needs it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue().encode()


def plant_csv_rows(table: RawTable) -> CsvFile:
    """The CSV rows of one raw table, good and malformed, each with its fate."""
    spec = SPECS[table.raw_file]
    f = CsvFile(table, spec)
    text_is_key = spec.text_column == spec.key

    # Good rows are staged untouched, and an exact copy of one is set aside.
    for _ in range(3):
        key = f.tag()
        f.add(f.record(key), f.staged(key))
    f.add(f.record(key), Quarantined("exact_duplicate", key))

    # A delimiter, doubled quotes and a line break inside one quoted value; staging collapses the whitespace.
    key = f.tag()
    if text_is_key:
        f.add(f.record(f'{key}, "x"\ny'), f.staged(f'{key}, "x" y'))
    else:
        f.add(f.record(key, **{spec.text_column: 'Smith, "Jr"\nand  Sons'}), f.staged(key, **f.text_staged('Smith, "Jr" and Sons')))

    # Two different rows under one id: one is staged, the other is set aside as duplicate_key.
    shared, first, second = f.tag(), f.tag(), f.tag()
    tag_staging = spec.good[spec.tag_column].staging
    if spec.latest_wins_by:  # the more recent row wins
        later = "2026-02-28" if spec.latest_wins_by == "snapshot_date" else "2025-12-01 00:00:00"
        later_staged = _d(later) if spec.latest_wins_by == "snapshot_date" else _ts(later)
        f.add(f.record(shared, **{spec.tag_column: first}), Quarantined("duplicate_key", first))
        f.add(f.record(shared, **{spec.tag_column: second, spec.latest_wins_by: later}),
              f.staged(shared, **{tag_staging: second, spec.good[spec.latest_wins_by].staging: later_staged}))
    else:  # the row whose raw record sorts first wins: the two differ first in their tag
        first_staged = int(first) if f.kinds[spec.tag_column] == "integer" else first.lower() if spec.lower_cases_text else first
        f.add(f.record(shared, **{spec.tag_column: first}), f.staged(shared, **{tag_staging: first_staged}))
        f.add(f.record(shared, **{spec.tag_column: second}), Quarantined("duplicate_key", second))

    # Ids that are not there: empty, spaces, quoted empty, a no-break space and a tab, control characters only.
    for blank in ["", "   ", "@quoted-empty@", "\u00a0\t", "\x01\x02"]:
        tag = f.tag()
        f.add(f.record(blank, **{spec.tag_column: tag}).replace(b"@quoted-empty@", b'""'), Quarantined("missing_key", tag))

    # An id with padding, or with a byte-order mark in front (two exports concatenated), is staged trimmed.
    for spelled in ["  {}  ", "\ufeff{}"]:
        key = f.tag()
        f.add(f.record(spelled.format(key)), f.staged(key))

    # Text that is not UTF-8: Latin-1, bytes that start no character, a sequence cut short.
    for bad in [b"M\xfcller", b"\xff\xfe", b"caf\xe9 \xe2\x82"]:
        key = f.tag()
        record = f.record(key, **{spec.text_column: "@bad@"})
        f.add(record.replace(b"@bad@", (key.encode() if text_is_key else b"") + bad), Quarantined("invalid_encoding", key))

    # Control characters (NUL, bell, escape, delete) are removed; a very long value is kept whole.
    key = f.tag()
    if text_is_key:
        f.add(f.record(f"{key}\x00\x07\x1b\x7f"), f.staged(key))
        long_key = f.tag() + "x" * 100_000
        f.add(f.record(long_key), f.staged(long_key))
    else:
        f.add(f.record(key, **{spec.text_column: "Acme\x00\x07 Tools\x1b\x7f"}), f.staged(key, **f.text_staged("Acme Tools")))
        key = f.tag()
        long_text = "Long" + "x" * 100_000
        f.add(f.record(key, **{spec.text_column: long_text}), f.staged(key, **f.text_staged(long_text)))

    # Lines that are no record of this file: too many fields, too few, text after a closing quote, only blanks.
    key = f.tag()
    f.add(f.record(key) + b",unexpected extra field", Quarantined("malformed_row", key))
    key = f.tag()
    f.add(render([key, "too few"]), Quarantined("malformed_row", key))
    key = f.tag()
    f.add(f.record(key).replace(key.encode(), f'"{key}"junk'.encode(), 1), Quarantined("malformed_row", key))
    f.add(b" \t ", Quarantined("malformed_row", '"text":" \\t "'))
    if table.raw_file == "crm_customers":  # longer than the reader takes: its beginning is kept
        key = f.tag()
        f.add(f.record(key, **{spec.text_column: "L" * READER_MAX_LINE_BYTES}), Quarantined("malformed_row", key))
    # The header again, as when two exports are concatenated: its names are no values.
    f.add(render([c.name for c in table.columns]), Quarantined("repeated_header", f'"{spec.key}":"{spec.key}"'))

    # Each typed column: values of no kind of the type, absurd dates, other spellings of the good value, blanks.
    # A bad value quarantines its row in a required column; in an optional one it is null and listed.
    for name, column in spec.good.items():
        kind = f.kinds[name]
        if kind == "varchar":
            continue
        required = next(c.required for c in table.columns if c.name == name)
        for values, reason in [(UNPARSEABLE[kind], "unparseable_value"), (EARLY.get(kind, []), "implausible_date"),
                               (LATE.get(kind, []), "future_date")]:
            for value in values:
                key = f.tag()
                if required:
                    f.add(f.record(key, **{name: value}), Quarantined(reason, key))
                else:
                    f.add(f.record(key, **{name: value}), f.staged(key, ((name, value, reason),), **{column.staging: None}))
        for value in same_value_spellings(kind, column.raw):
            key = f.tag()
            f.add(f.record(key, **{name: value}), f.staged(key))
        key = f.tag()
        if name == spec.date_key:
            f.add(f.record(key, **{name: "   "}), Quarantined("missing_key", key))
        elif required:
            f.add(f.record(key, **{name: "   "}), Quarantined("missing_required_value", key))
        else:
            f.add(f.record(key, **{name: "   "}), f.staged(key, **{column.staging: None}))

    # A well-formed but impossible number: more active minutes in a day than its users have.
    if table.raw_file == "product_usage_daily":
        key = f.tag()
        f.add(f.record(key, minutes_active="1e30"), Quarantined("out_of_range", key))

    # Last, a quote that never closes: the rest of the file is one malformed record.
    key = f.tag()
    f.add(f.record(key).replace(key.encode(), f'{key},"never closed'.encode(), 1), Quarantined("malformed_row", key))
    return f


# Parquet: one physical type per column for the whole file, each a wrong one (ids are 64-bit integers).
PARQUET_TYPES = {"integer": pa.float64(), "decimal": pa.float64(), "double": pa.string(), "date": pa.timestamp("us"),
                 "timestamp": pa.date32(), "varchar": pa.string()}
# Values of those physical types that are no value of the contract's type, or absurd: (value, reason, the
# value as text in the raw row's JSON, as a field issue lists it).
PARQUET_WRONG = {
    "integer": [(9.5, "unparseable_value", "9.5"), (float("nan"), "unparseable_value", "NaN")],
    "decimal": [(1e30, "unparseable_value", "1e30"), (float("-inf"), "unparseable_value", "-Infinity"),
                (float("nan"), "unparseable_value", "NaN")],
    "double": [("abc", "unparseable_value", "abc"), ("NaN", "unparseable_value", "NaN")],
    "date": [(dt.datetime(1, 1, 1), "implausible_date", "0001-01-01 00:00:00"),
             (dt.datetime(9999, 12, 31, 23, 59), "future_date", "9999-12-31 23:59:00")],
    "timestamp": [(dt.date(1, 1, 1), "implausible_date", "0001-01-01"), (dt.date(9999, 12, 31), "future_date", "9999-12-31")],
}


class ParquetFile(PlantedFile):
    """One raw Parquet file being planted: its rows, as values of the wrong physical types, and the fate of each."""

    def tag(self) -> int:
        self.serial += 1
        return 80_000_000 + self.serial

    def row(self, key: int | None, **overrides: object) -> dict[str, object]:
        """A good row under `key`: whole numbers and amounts as floats, dates as timestamps, timestamps as dates."""
        values: dict[str, object] = {self.spec.key: key}
        for name, column in self.spec.good.items():
            kind, text = self.kinds[name], column.raw
            if not text:
                values[name] = None
            elif kind in ("integer", "decimal"):
                values[name] = float(text)
            elif kind == "date":
                values[name] = dt.datetime.fromisoformat(text + " 10:30:00")
            elif kind == "timestamp":
                values[name] = dt.date.fromisoformat(text[:10])
            else:
                values[name] = text
        return values | overrides

    def staged(self, key: int, issues: tuple[tuple[str, str, str], ...] = (), **overrides: object) -> Staged:
        """A good row as staged: a date-only timestamp is midnight."""
        values: dict[str, object] = {}
        for name, column in self.spec.good.items():
            midnight = self.kinds[name] == "timestamp" and isinstance(column.staged, dt.datetime)
            values[column.staging] = dt.datetime.combine(column.staged.date(), dt.time()) if midnight else column.staged
        return Staged(str(key), values | {self.spec.key: str(key)} | overrides, issues)

    def add(self, values: dict[str, object], fate: Staged | Quarantined) -> None:
        self.rows.append(Planted(fate, values=values))

    def write(self, path: Path) -> None:
        types = {c.name: pa.int64() if c.name == self.spec.key else PARQUET_TYPES[self.kinds[c.name]] for c in self.table.columns}
        columns = {name: array([row.values.get(name) for row in self.rows], t) for name, t in types.items()}
        pq.write_table(pa.table(columns), path)


def array(values: list[object], arrow_type: pa.DataType) -> pa.Array:
    """A column of the file; in a text column, bytes are written as they are, UTF-8 or not."""
    if arrow_type != pa.string():
        return pa.array(values, type=arrow_type)
    as_bytes = [value.encode() if isinstance(value, str) else value for value in values]
    return pa.array(as_bytes, type=pa.binary()).view(pa.string())


def plant_parquet_rows(table: RawTable) -> ParquetFile:
    """The Parquet rows of one raw table: good rows, an exact copy, a null id, wrong values of each physical type."""
    spec = SPECS[table.raw_file]
    f = ParquetFile(table, spec)
    for _ in range(2):
        key = f.tag()
        f.add(f.row(key), f.staged(key))
    f.add(f.row(key), Quarantined("exact_duplicate", f'"{spec.key}":{key}'))
    tag = f.tag()
    f.add(f.row(None, **{spec.tag_column: float(tag) if f.kinds[spec.tag_column] == "integer" else str(tag)}),
          Quarantined("missing_key", str(tag)))
    for name, column in spec.good.items():
        required = next(c.required for c in table.columns if c.name == name)
        for value, reason, raw_text in PARQUET_WRONG.get(f.kinds[name], []):
            key = f.tag()
            if required:
                f.add(f.row(key, **{name: value}), Quarantined(reason, f'"{spec.key}":{key}'))
            else:
                f.add(f.row(key, **{name: value}), f.staged(key, ((name, raw_text, reason),), **{column.staging: None}))
        if f.kinds[name] == "decimal":  # binary floating-point noise is rounded to cents
            key = f.tag()
            f.add(f.row(key, **{name: 0.1 + 0.2}), f.staged(key, **{column.staging: Decimal("0.30")}))
    # Text that is not UTF-8, which DuckDB refuses: the row is quarantined (its raw record is the row as JSON,
    # inside the unreadable record's JSON), the rest of the file read.
    text_column = next(name for name in spec.good if PARQUET_TYPES[f.kinds[name]] == pa.string())
    for bad in [b"M\xfcller", b"\xff\xfe", b"caf\xe9 \xe2\x82"]:
        key = f.tag()
        f.add(f.row(key, **{text_column: bad}), Quarantined("invalid_encoding", f'{spec.key}\\":{key}'))
    return f


def records_in(path: Path) -> int:
    """Records of a CSV file as Python's csv module reads them, header and blank lines aside."""
    csv.field_size_limit(10 * READER_MAX_LINE_BYTES)
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    return sum(1 for record in csv.reader(io.StringIO(text, newline="")) if record) - 1


def build_malformed_folder(workdir: Path, fmt: str, *selection: str) -> tuple[Build, dict[str, list[Planted]], dict[str, int]]:
    """Plant a file of every raw table, count its rows independently, build: (build, planted rows, rows in)."""
    raw = workdir / "raw"
    raw.mkdir()
    planted: dict[str, list[Planted]] = {}
    rows_in: dict[str, int] = {}
    for name, table in raw_tables().items():
        path = raw / f"{name}.{fmt}"
        if fmt == "csv":
            csv_file = plant_csv_rows(table)
            # One file comes from Windows, one starts with a blank line.
            csv_file.write(path, line_break=b"\r\n" if name == "erp_invoices" else b"\n", blank_first_line=name == "surveys_nps_responses")
            planted[name], rows_in[name] = csv_file.rows, records_in(path)
        else:
            parquet_file = plant_parquet_rows(table)
            parquet_file.write(path)
            planted[name], rows_in[name] = parquet_file.rows, pq.ParquetFile(path).metadata.num_rows
    result = build(raw, workdir, "--vars", f"{{max_valid_date: '{MAX_VALID_DATE}'}}", *selection)
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    assert "Raw files absent" not in result.result.stdout  # every raw table's file was read
    return result, planted, rows_in


def assert_rows_in_equal_rows_staged_plus_quarantined(result: Build, planted: dict[str, list[Planted]], rows_in: dict[str, int]) -> None:
    reconciliation = {
        f"{source}_{table}": counts
        for source, table, *counts in result.query(
            "select source_name, source_table, rows_in, rows_staged, rows_quarantined from main.int_raw_row_reconciliation"
        )
    }
    for name, table in raw_tables().items():
        assert rows_in[name] == len(planted[name]), name  # every record the reader counts was planted with its fate
        assert reconciliation[name][0] == rows_in[name], name
        assert reconciliation[name][0] == reconciliation[name][1] + reconciliation[name][2], name
        in_staging = result.query(f"select count(*) from main.{SPECS[name].staging_model}")[0][0]
        in_quarantine = result.query(f"select count(*) from main.stg_{table.source}__quarantine where source_table = '{table.table}'")[0][0]
        assert (in_staging, in_quarantine) == tuple(reconciliation[name][1:]), name


def assert_every_row_has_its_fate(result: Build, planted: dict[str, list[Planted]]) -> None:
    for name, table in raw_tables().items():
        spec = SPECS[name]
        staged = [row.fate for row in planted[name] if isinstance(row.fate, Staged)]
        quarantined = [row.fate for row in planted[name] if isinstance(row.fate, Quarantined)]

        columns = sorted({column for fate in staged for column in fate.values})
        found = {row[columns.index(spec.key)]: dict(zip(columns, row)) for row in result.query(
            f"select {', '.join(columns)} from main.{spec.staging_model}"
        )}
        assert len(found) == len(staged), name  # nothing is staged that was not planted to be
        for fate in staged:
            assert found.get(fate.key) == fate.values, (name, fate.key[:40], found.get(fate.key))

        rejected = result.query(
            f"select rejection_reason, raw_record from main.stg_{table.source}__quarantine where source_table = '{table.table}'"
        )
        assert len(rejected) == len(quarantined), name
        for fate in quarantined:
            assert [reason for reason, raw_record in rejected if fate.locator in raw_record] == [fate.reason], (name, fate)


def assert_field_issues_land_where_planted(result: Build, planted: dict[str, list[Planted]]) -> None:
    """Every optional value planted bad is listed once, under its staged row, with its raw text and reason;
    nothing else is listed, and the load audit counts them."""
    for name, table in raw_tables().items():
        spec = SPECS[name]
        expected = {
            (f"{fate.key}|{fate.values[spec.date_key]}" if spec.date_key else fate.key, column, raw_value, reason)
            for row in planted[name] if isinstance(fate := row.fate, Staged)
            for column, raw_value, reason in fate.issues
        }
        typed_optional = {c.name for c in table.columns if not c.required and c.data_type != "varchar"}
        assert {column for _, column, _, _ in expected} == typed_optional, name  # every optional typed column is planted
        counted = result.query(
            f"select field_issues from main.int_raw_row_reconciliation where raw_table_id = '{table.source}__{table.table}'"
        )[0][0]
        assert counted == len(expected), name
        if not typed_optional:  # surveys: every typed column is required, so it has no field issues model
            continue
        listed = result.query(
            f"select source_record_key, column_name, raw_value, issue_reason from main.stg_{table.source}__field_issues "
            f"where source_table = '{table.table}'"
        )
        assert len(listed) == len(set(listed)) and set(listed) == expected, (name, set(listed) ^ expected)


def assert_unreadable_records_keep_their_text(result: Build, planted: dict[str, list[Planted]]) -> None:
    for name, table in raw_tables().items():
        unreadable = [row for row in planted[name] if isinstance(row.fate, Quarantined) and row.fate.reason in UNREADABLE_REASONS]
        kept = [
            (json.loads(raw_record)["text"], key)
            for raw_record, key in result.query(
                f"select raw_record, source_record_key from main.stg_{table.source}__quarantine "
                f"where source_table = '{table.table}' and rejection_reason in {UNREADABLE_REASONS}"
            )
        ]
        texts = [text for text, _ in kept]
        assert len(kept) == len(unreadable) and {key for _, key in kept} <= {None}, name  # no id was read from them
        for row in unreadable:
            written = row.record.decode(errors="replace")
            if row.fate.reason == "invalid_encoding":
                # Up to the first byte that is not UTF-8, then '?' for it (and for any a cut sequence swallows).
                readable = written.split("\ufffd")[0]
                assert any(text.startswith(readable + "?") for text in texts), (name, readable)
            elif len(row.record) > READER_MAX_LINE_BYTES:
                assert any(len(text) > 1_000 and written.startswith(text) for text in texts), name
            else:
                assert written in texts, (name, written[:80])
        counted = result.query(
            f"select unreadable_rows from main.int_raw_row_reconciliation where raw_table_id = '{table.source}__{table.table}'"
        )[0][0]
        assert counted == len(unreadable), name


def test_malformed_csv_rows_are_staged_or_quarantined_and_none_is_lost(tmp_path: Path) -> None:
    """The whole build, on a CSV file of every raw table full of malformed rows."""
    result, planted, rows_in = build_malformed_folder(tmp_path, "csv")
    assert_rows_in_equal_rows_staged_plus_quarantined(result, planted, rows_in)
    assert_every_row_has_its_fate(result, planted)
    assert_field_issues_land_where_planted(result, planted)
    assert_unreadable_records_keep_their_text(result, planted)


def test_parquet_columns_of_the_wrong_type_are_staged_or_quarantined_and_none_is_lost(tmp_path: Path) -> None:
    """Staging and the load audit, on a Parquet file of every raw table with wrong physical types and null ids.

    Only the models up to the load audit are built: what is downstream reads the typed staging models, the
    same whatever the file format, and the CSV build above runs all of it.
    """
    result, planted, rows_in = build_malformed_folder(tmp_path, "parquet", "--select", "+int_raw_row_reconciliation")
    assert_rows_in_equal_rows_staged_plus_quarantined(result, planted, rows_in)
    assert_every_row_has_its_fate(result, planted)
    assert_field_issues_land_where_planted(result, planted)
    for name, table in raw_tables().items():
        records = [json.loads(raw_record) for (raw_record,) in result.query(
            f"select raw_record from main.stg_{table.source}__quarantine "
            f"where source_table = '{table.table}' and rejection_reason = 'invalid_encoding'"
        )]
        kept = [(json.loads(record["text"]), record["record"], record["reader_error"]) for record in records]
        planted_rows = [
            (number, row) for number, row in enumerate(planted[name], start=1)
            if isinstance(row.fate, Quarantined) and row.fate.reason == "invalid_encoding"
        ]
        # Each keeps its row number and its values ('?' for the bytes that are not UTF-8) and names the column.
        assert sorted(number for _, number, _ in kept) == [number for number, _ in planted_rows], name
        for number, row in planted_rows:
            column, bad = next((c, v) for c, v in row.values.items() if isinstance(v, bytes))
            values, reader_error = next((values, error) for values, n, error in kept if n == number)
            assert values[column].startswith(bad.decode(errors="replace").split("\ufffd")[0] + "?"), (name, values)
            assert reader_error.endswith(f"column {column}"), (name, reader_error)


def test_files_mixing_line_endings_are_read_whole(tmp_path: Path) -> None:
    """Windows and Unix line ends in one file, and a bare carriage return (an old Mac line end): the reader
    alone stops on these, so a file is read through a copy with one kind of line end. A bare carriage
    return ends a line, so the record it cuts becomes two malformed rows, both kept. The second file is
    also not UTF-8, so it is split into lines byte by byte: its lines that are not UTF-8 are quarantined
    with their text, the others read as usual."""
    raw = tmp_path / "raw"
    raw.mkdir()
    header = b"crm_customer_id,customer_type,first_name,last_name,email,country"
    records = [
        b"C1,person,Ada,Lovelace,ada@mail.example,GB",
        b'C2,person,"Grace\r\nMurray",Hopper,grace@mail.example,US',  # a line break inside quotes is data
        b"C3,person,Alan,Turing,alan@mail.example,GB",
        b"C4,person,Edsger\rDijkstra,edsger@mail.example,NL",  # bare carriage return: cut in two
        b"C5,person,Barbara,Liskov,barbara@mail.example,US",
    ]
    endings = [b"\r\n", b"\n", b"\r\n", b"\n", b"\r\n", b"\n"]
    (raw / "crm_customers.csv").write_bytes(b"".join(line + end for line, end in zip([header, *records], endings)))
    erp_records = [
        b"erp_customer_id,customer_name,country_code",
        b"E1,Br\xc3\xbcder M\xfcller GmbH,DE",  # UTF-8, then a Latin-1 byte: quarantined
        b'E2,"Z\xc3\xbcrich\r\nAG",CH',  # UTF-8, a line break inside quotes: staged
        b"E3,Caf\xe9 de Flore SARL,FR",  # Latin-1: quarantined
        b"E4,\xc3\x98rsted A/S,DK",  # UTF-8: staged
        b"E5,Bare\rReturn Ltd,GB",  # cut in two by a bare carriage return
        b"E6,\xff\xfe,GB",  # bytes that start no character
    ]
    erp_endings = [b"\r\n", b"\n", b"\r\n", b"\r\n", b"\n", b"\n", b"\r\n"]
    (raw / "erp_customers.csv").write_bytes(b"".join(line + end for line, end in zip(erp_records, erp_endings)))

    result = build(raw, tmp_path, "--select", "+int_raw_row_reconciliation")
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    staged = dict(result.query("select crm_customer_id, first_name from main.stg_crm__customers"))
    assert staged == {"C1": "Ada", "C2": "Grace Murray", "C3": "Alan", "C5": "Barbara"}
    quarantined = result.query("select rejection_reason from main.stg_crm__quarantine")
    assert quarantined == [("malformed_row",), ("malformed_row",)]

    staged = dict(result.query("select erp_customer_id, customer_name from main.stg_erp__customers"))
    assert staged == {"E2": "Zürich AG", "E4": "Ørsted A/S"}
    kept = {
        json.loads(raw_record)["record"]: (reason, json.loads(raw_record)["text"])
        for reason, raw_record in result.query("select rejection_reason, raw_record from main.stg_erp__quarantine")
    }
    # Numbered as the reader numbers records (the header is 1), whatever their line breaks inside quotes.
    assert kept == {
        2: ("invalid_encoding", "E1,Brüder M?ller GmbH,DE"),
        4: ("invalid_encoding", "E3,Caf? de Flore SARL,FR"),
        6: ("malformed_row", "E5,Bare"),
        7: ("malformed_row", "Return Ltd,GB"),
        8: ("invalid_encoding", "E6,??,GB"),
    }
    assert result.query(
        "select source_table, rows_in, rows_staged, rows_quarantined, unreadable_rows from main.int_raw_row_reconciliation"
        " where source_name in ('crm', 'erp') and source_table = 'customers' order by source_name"
    ) == [("customers", 6, 4, 2, 2), ("customers", 7, 2, 5, 5)]
