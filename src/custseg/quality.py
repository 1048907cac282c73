"""Great Expectations suites over the warehouse: every public mart and the identity outputs.

``python -m custseg.quality --warehouse PATH --out DIR [--max-fallback-share X]`` reads each table of
the DuckDB warehouse into pandas, validates it against its suite, writes static Data Docs to
``DIR/data_docs/index.html`` and exits 0 when every expectation holds, 1 when any fails and 2 when
the input is unusable (no warehouse file, or a table or column the suites read is missing).

Why pandas and not GX's SQL datasource: the SQL route fails every expectation on DuckDB
(``MetricResolutionError: list index out of range``; GX reads results after closing the connection,
and duckdb_engine drops them on close). Reading each table with ``duckdb.connect(path,
read_only=True).sql(...).df()`` gives GX DataFrames it validates correctly, and only the columns the
suite checks are read, so no direct identifier is loaded or shown in Data Docs.

The suites complement dbt's data tests rather than repeat them alone: besides keys, value sets and
ranges, they reconcile row counts and sums across models (crosswalk rows = party records, golden
records = customer ids of the crosswalk, one assignment per customer of ``dim_customers``...), with
the expected figure read from the upstream table when the suites run and handed to GX as a suite
parameter, so Data Docs show both the rule and the figure it was held to.

Sources the user does not have: an expectation that holds only with an optional raw column (``needs``,
e.g. ``party_type`` is set for every customer only when each customer table states a customer type) is
not evaluated when the run lacks that column, as ``int_raw_sources_present`` records it. It is listed as
skipped, with the reason, in the printed report, the summary, the overview page and the suite's notes in
Data Docs; with the column present it is evaluated as always.

Fallback threshold (``--max-fallback-share``, default :data:`DEFAULT_MAX_FALLBACK_SHARE`): the largest
share of customers allowed in the fallback segment, where customers go when too little is known
about them to segment them. Measured: 0.302 on the 5,000-customer sample (1,512 customers: 1,012
without transactions, 399 missing a clustering feature, 94 new, 7 with too little data) and 0.300
on the 1,500-customer test sample. The default of 0.40 leaves ten points for sampling noise and for
a real base that knows its customers less well, and still fails when an invoice or usage feed stops
arriving or a clustering feature goes missing for a large part of the base: then the segments
describe too few customers to steer by.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.expectations.row_conditions import Condition

DEFAULT_MAX_FALLBACK_SHARE = 0.40
SCHEMA = "main"
DOCS_FOLDER = "data_docs"
DOCS_SITE = "custseg_quality"
SUMMARY_FILE = "summary.json"
OVERVIEW_FILE = "index.html"
DATASOURCE = "warehouse"
# Dates before this are typing errors (the default of var min_valid_date).
EARLIEST_VALID_TIME = dt.datetime(1900, 1, 1)
# Listed by review_reason of the identity clusters and crosswalk (doc block cluster_review_reason).
CLUSTER_REVIEW_REASONS = ["cluster_size_limit", "cannot_link"]
# Outcomes of a link the cluster guards refused (int_identity__link_explanations.outcome).
REFUSALS = ["refused", *(f"refused_{reason}" for reason in CLUSTER_REVIEW_REASONS)]
SOURCE_SYSTEMS = ["crm", "erp", "thirdparty"]
LINK_RULES = [
    "steward_must_link",
    "exact_tax_id",
    "exact_national_id",
    "exact_email",
    "exact_phone",
    "exact_web_domain",
    "probabilistic",
]
CUSTOMER_ID_PATTERN = r"^CUST\d{9}$"
RECORD_KEY_PATTERN = r"^(?:crm|erp|thirdparty):.+$"
COUNTRY_CODE_PATTERN = r"^[A-Z]{2}$"
# Where the run records which raw tables and optional raw columns it has (models/intermediate/quality).
SOURCES_PRESENT = "int_raw_sources_present"
# The raw columns that state whether a customer is a person or an organization. With them, every customer has
# a party_type; without (e.g. an orders-only export), it is inferred from the name where it can be, else null.
STATED_PARTY_TYPE = ("crm_customers.customer_type", "erp_customers.customer_type")
PARTY_TYPE_SET = "Every customer's records state a customer type, so every customer has a party type."


# --- The vocabulary of the suite tables --------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A value an expectation is held to that is only known when the suites run.

    GX receives it as a suite parameter (``{"$PARAMETER": name}``), so Data Docs name the rule and
    show the figure. With ``sql`` it is read from the warehouse (one value, or one column when
    ``as_list``); without, it is a setting of the run (e.g. the fallback threshold).
    """

    name: str
    sql: str | None = None
    relations: tuple[str, ...] = ()
    as_list: bool = False


def rows_of(table: str, where: str | None = None) -> Param:
    """The number of rows of an upstream table (optionally of those meeting ``where``)."""
    condition = f" where {where}" if where else ""
    suffix = f"_where_{_slug(where)}" if where else ""
    return Param(f"rows_of_{table}{suffix}", f"select count(*) from {SCHEMA}.{table}{condition}", (table,))


def distinct_of(table: str, *columns: str) -> Param:
    """The number of distinct values (or value combinations) of columns of an upstream table."""
    tuple_sql = f"({', '.join(columns)})" if len(columns) > 1 else columns[0]
    return Param(
        f"distinct_{'_'.join(columns)}_of_{table}",
        f"select count(distinct {tuple_sql}) from {SCHEMA}.{table}",
        (table,),
    )


def values_of(table: str, column: str, where: str | None = None) -> Param:
    """The distinct values of a column of an upstream table (e.g. the codes of a seed)."""
    condition = f" where {where}" if where else ""
    suffix = f"_where_{_slug(where)}" if where else ""
    return Param(
        f"{column}_values_of_{table}{suffix}",
        f"select distinct {column} from {SCHEMA}.{table}{condition} order by 1",
        (table,),
        as_list=True,
    )


def _slug(text: str) -> str:
    """A parameter-name-safe version of a SQL condition."""
    return "".join(char if char.isalnum() else "_" for char in text).strip("_").lower()


# Settings of the run, not read from the warehouse.
MIN_SHARE_OUTSIDE_FALLBACK = Param("min_share_of_customers_outside_fallback")
LATEST_VALID_TIME = Param("latest_valid_time")

# Reference values read from the warehouse's seeds and upstream models.
# Segment codes: the catalog's and those clustering generated (int_segmentation__segments).
CATALOG_CODES = values_of("int_segmentation__segments", "segment_code")
FALLBACK_CODES = values_of("segment_catalog", "segment_code", "assignment_source = 'fallback'")
FISCAL_PERIODS = values_of("int_kpis__fiscal_calendar", "fiscal_period")


@dataclass(frozen=True)
class Where:
    """A row condition: the expectation applies only to the rows that meet it (a literal value)."""

    column: str
    operator: str  # ==, !=, >, in, not in, is null, is not null
    value: Any = None


@dataclass(frozen=True)
class Check:
    """One expectation of a suite: the GX expectation class, its arguments, and why it holds."""

    expectation: str
    args: Mapping[str, Any] = field(default_factory=dict)
    where: Where | None = None
    why: str | None = None
    # Optional raw columns (``raw_table.column``) the expectation holds only with: it is skipped when one of
    # them is absent from a raw table that has rows (a table without rows brings no record to check).
    needs: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        """The table columns the expectation reads (so that only those are loaded)."""
        names = {self.args[key] for key in ("column", "column_A", "column_B") if key in self.args}
        names.update(self.args.get("column_list", ()))
        if self.where:
            names.add(self.where.column)
        return names

    def params(self) -> list[Param]:
        """The run-time parameters among the arguments, each once."""
        return list(dict.fromkeys(value for value in self.args.values() if isinstance(value, Param)))


def key(column: str) -> tuple[Check, ...]:
    """A primary key: never null, never repeated."""
    return not_null(column), Check("ExpectColumnValuesToBeUnique", {"column": column})


def compound_key(*columns: str, nullable: Sequence[str] = ()) -> tuple[Check, ...]:
    """A key of several columns (the grain says so): each column set, the combination unique."""
    required = tuple(not_null(column) for column in columns if column not in nullable)
    return (*required, Check("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)}))


def not_null(column: str, where: Where | None = None, why: str | None = None, needs: tuple[str, ...] = ()) -> Check:
    """Every value (of the rows meeting ``where``) is set (only when the run has the raw columns it ``needs``)."""
    return Check("ExpectColumnValuesToNotBeNull", {"column": column}, where, why, needs)


def is_null(column: str, where: Where | None = None, why: str | None = None) -> Check:
    """No value (of the rows meeting ``where``) is set."""
    return Check("ExpectColumnValuesToBeNull", {"column": column}, where, why)


def in_set(column: str, values: Sequence[Any] | Param, where: Where | None = None, why: str | None = None) -> Check:
    """Every non-null value is one of ``values``."""
    value_set = values if isinstance(values, Param) else list(values)
    return Check("ExpectColumnValuesToBeInSet", {"column": column, "value_set": value_set}, where, why)


def share_not_in(column: str, values: Sequence[Any], mostly: Param, why: str) -> Check:
    """At least the ``mostly`` share of rows has a value outside ``values``."""
    return Check("ExpectColumnValuesToNotBeInSet", {"column": column, "value_set": list(values), "mostly": mostly}, why=why)


def between(
    column: str, low: Any = None, high: Any = None, where: Where | None = None, why: str | None = None
) -> Check:
    """Every non-null value lies in [low, high] (an open side when None)."""
    return Check("ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high}, where, why)


def rate(column: str) -> Check:
    """A rate or probability: 0..1."""
    return between(column, 0, 1)


def non_negative(column: str) -> Check:
    """A count, duration or amount that cannot go below zero."""
    return between(column, 0, None)


def in_date_window(column: str) -> Check:
    """A business date or time no earlier than 1900 and no later than tomorrow (time zones)."""
    return between(column, EARLIEST_VALID_TIME, LATEST_VALID_TIME)


def matches(column: str, pattern: str) -> Check:
    """Every non-null value matches the regular expression."""
    return Check("ExpectColumnValuesToMatchRegex", {"column": column, "regex": pattern})


def greater(column_a: str, column_b: str, or_equal: bool = False, why: str | None = None) -> Check:
    """``column_a`` > (or >=) ``column_b`` wherever both are set."""
    args = {"column_A": column_a, "column_B": column_b, "or_equal": or_equal, "ignore_row_if": "either_value_is_missing"}
    return Check("ExpectColumnPairValuesAToBeGreaterThanB", args, why=why)


def row_count(expected: Param, where: Where | None = None, why: str | None = None) -> Check:
    """The table (or the rows meeting ``where``) has exactly the expected number of rows."""
    return Check("ExpectTableRowCountToEqual", {"value": expected}, where, why)


def distinct_count(column: str, expected: Param, why: str | None = None) -> Check:
    """The column holds exactly the expected number of distinct values."""
    args = {"column": column, "min_value": expected, "max_value": expected}
    return Check("ExpectColumnUniqueValueCountToBeBetween", args, why=why)


def one_value(column: str, why: str) -> Check:
    """Every row carries the same value (e.g. one as-of date per build)."""
    return Check("ExpectColumnUniqueValueCountToBeBetween", {"column": column, "min_value": 1, "max_value": 1}, why=why)


def column_sum(column: str, low: Any, high: Any = None, where: Where | None = None, why: str | None = None) -> Check:
    """The column's sum (over the rows meeting ``where``) lies in [low, high] (equals low when high is None)."""
    high = low if high is None else high
    return Check("ExpectColumnSumToBeBetween", {"column": column, "min_value": low, "max_value": high}, where, why)


def json_text(column: str) -> Check:
    """Every non-null value is valid JSON."""
    return Check("ExpectColumnValuesToBeJsonParseable", {"column": column})


@dataclass(frozen=True)
class Suite:
    """The expectations of one table, named after it (the table is ``main.<name>``)."""

    name: str
    purpose: str
    checks: tuple[Check, ...]

    def columns(self) -> list[str]:
        """The columns to read, in a stable order."""
        return sorted(set().union(*(check.columns() for check in self.checks)))

    def params(self) -> list[Param]:
        """The run-time parameters of the suite's expectations."""
        return [param for check in self.checks for param in check.params()]


def suite(name: str, purpose: str, *checks: Check | Iterable[Check]) -> Suite:
    """A suite from checks and groups of checks (such as a key's not-null and unique)."""
    flat: list[Check] = []
    for item in checks:
        flat.extend([item] if isinstance(item, Check) else item)
    return Suite(name, purpose, tuple(flat))


# --- The suites: one table of expectations per model --------------------------------------------

ANCHOR_OR_SINGLE = Where("link_rule", "in", ["anchor_record", "single_record"])
LINKED_RECORD = Where("link_rule", "not in", ["anchor_record", "single_record"])


def crosswalk_checks() -> tuple[Check, ...]:
    """What holds for the crosswalk, in the identity stage as in its public mart."""
    return (
        *key("source_record_key"),
        *compound_key("source_system", "source_record_id"),
        matches("source_record_key", RECORD_KEY_PATTERN),
        in_set("source_system", SOURCE_SYSTEMS),
        not_null("customer_id"),
        matches("customer_id", CUSTOMER_ID_PATTERN),
        row_count(
            rows_of("int_identity__party_records"),
            why="Every standardized party record is mapped to exactly one customer.",
        ),
        distinct_count(
            "customer_id",
            rows_of("int_identity__golden_records"),
            why="Its customers are exactly those with a golden record.",
        ),
        in_set("link_rule", [*LINK_RULES, "anchor_record", "single_record"]),
        is_null("linked_to_record_key", ANCHOR_OR_SINGLE, why="An anchor or a lone record hangs on no other."),
        not_null("linked_to_record_key", LINKED_RECORD, why="Every other record names the record it is linked to."),
        not_null("match_probability", LINKED_RECORD),
        between("customer_record_count", 1, 1, Where("link_rule", "==", "single_record")),
        between("customer_record_count", 2, None, Where("link_rule", "!=", "single_record")),
        rate("match_probability"),
        in_set("review_reason", CLUSTER_REVIEW_REASONS),
    )


DIM_CUSTOMERS = suite(
    "dim_customers",
    "The golden record mart: one row per customer id, as many as the identity stage resolved.",
    key("customer_id"),
    matches("customer_id", CUSTOMER_ID_PATTERN),
    row_count(rows_of("int_identity__golden_records"), why="The mart publishes every golden record, no more."),
    row_count(
        distinct_of("dim_customer_crosswalk", "customer_id"),
        why="Every customer of the crosswalk has a golden record.",
    ),
    column_sum(
        "source_record_count",
        rows_of("dim_customer_crosswalk"),
        why="Each crosswalk record is counted under exactly one customer.",
    ),
    in_set("party_type", ["person", "organization"]),
    not_null("party_type", why=PARTY_TYPE_SET, needs=STATED_PARTY_TYPE),
    matches("country_code", COUNTRY_CODE_PATTERN),
    between("source_record_count", 1, None),
    not_null("name_source_record_key"),
    matches("name_source_record_key", RECORD_KEY_PATTERN),
    in_date_window("first_seen_at"),
    in_date_window("last_updated_at"),
)

DIM_CUSTOMER_CROSSWALK = suite(
    "dim_customer_crosswalk",
    "The public crosswalk: every source customer record and the customer it belongs to.",
    crosswalk_checks(),
    row_count(rows_of("int_identity__crosswalk"), why="The mart publishes the identity stage's crosswalk whole."),
)

DIM_CUSTOMER_SEGMENTS = suite(
    "dim_customer_segments",
    "One segment per customer of dim_customers, from the catalog, with what decided it.",
    key("customer_id"),
    row_count(rows_of("dim_customers"), why="One assignment per customer of dim_customers."),
    not_null("segment_code"),
    in_set("segment_code", CATALOG_CODES),
    in_set("cluster_segment_code", CATALOG_CODES),
    not_null("segment_name"),
    not_null("assignment_source"),
    in_set("assignment_source", ["override", "rule", "cluster", "fallback"]),
    share_not_in(
        "assignment_source",
        ["fallback"],
        MIN_SHARE_OUTSIDE_FALLBACK,
        why="At most --max-fallback-share of customers may sit in the fallback segment.",
    ),
    in_set("segment_code", FALLBACK_CODES, Where("assignment_source", "==", "fallback")),
    not_null("fallback_reason", Where("assignment_source", "==", "fallback"), why="A fallback customer says why."),
    is_null("fallback_reason", Where("assignment_source", "!=", "fallback")),
    in_set(
        "fallback_reason",
        ["no_transactions", "new_customer", "low_data_completeness", "missing_clustering_feature", "not_clustered"],
    ),
    not_null("override_id", Where("assignment_source", "==", "override"), why="An override decision names the override."),
    not_null("segment_rule_id", Where("assignment_source", "==", "rule"), why="A rule decision names the rule."),
    not_null("value_tier"),
    in_set("value_tier", values_of("segmentation_rules", "outcome", "dimension = 'value_tier'")),
    not_null("lifecycle_stage"),
    in_set("lifecycle_stage", values_of("segmentation_rules", "outcome", "dimension = 'lifecycle_stage'")),
    not_null("model_version"),
    one_value("model_version", "One clustering run decides a build's assignments."),
    not_null("as_of_date"),
    one_value("as_of_date", "A build assigns every customer as of one date."),
    in_date_window("as_of_date"),
)

# Version 2 of the assignment mart (dbt model versions): the same rows and rules, without decided_by.
DIM_CUSTOMER_SEGMENTS_V2 = Suite(
    "dim_customer_segments_v2",
    "Version 2 of the assignment mart: " + DIM_CUSTOMER_SEGMENTS.purpose,
    DIM_CUSTOMER_SEGMENTS.checks,
)

DIM_SEGMENTS = suite(
    "dim_segments",
    "Every segment (catalog and generated) with what it holds: sizes add up to the assignments.",
    key("segment_code"),
    row_count(rows_of("int_segmentation__segments"), why="One row per segment, generated and retired ones included."),
    column_sum("customer_count", rows_of("dim_customer_segments"), why="Segment sizes add up to the customers assigned."),
    column_sum(
        "clustered_customer_count",
        rows_of("dim_customer_segments", "assignment_source = 'cluster'"),
        why="Clustered customers add up to the assignments clustering decided.",
    ),
    column_sum(
        "overridden_customer_count",
        rows_of("dim_customer_segments", "assignment_source = 'override'"),
        why="Overridden customers add up to the assignments overrides decided.",
    ),
    column_sum("customer_share", 0.995, 1.005, why="Shares of all customers add up to 1 (rounded per segment)."),
    rate("customer_share"),
    non_negative("customer_count"),
    non_negative("clustered_customer_count"),
    non_negative("overridden_customer_count"),
    in_set("assignment_source", ["cluster", "rule", "fallback"]),
    between("sla_first_response_hours", 1, None),
    not_null("is_retired"),
    in_set("is_retired", [False], Where("customer_count", ">", 0), why="Nobody is assigned to a retired segment."),
    json_text("centroid"),
    in_date_window("as_of_date"),
)

DIM_CUSTOMER_PROFILES = suite(
    "dim_customer_profiles",
    "Segmentation inputs per customer of dim_customers, in their own units.",
    key("customer_id"),
    row_count(rows_of("dim_customers"), why="One profile per customer of dim_customers."),
    in_set("party_type", ["person", "organization"]),
    matches("country_code", COUNTRY_CODE_PATTERN),
    non_negative("employee_count"),
    non_negative("tenure_days"),
    non_negative("average_order_value_usd"),
    non_negative("orders_per_month_365d"),
    between("gross_margin_rate", None, 1, why="Margin cannot exceed revenue (it may be negative)."),
    non_negative("tickets_per_month_365d"),
    non_negative("cost_to_serve_per_month_365d_usd"),
    non_negative("mrr_usd"),
    between("active_days_365d", 0, 366),
    rate("feature_adoption_rate"),
    between("net_promoter_score_365d", -100, 100),
    non_negative("predicted_clv_usd"),
    rate("churn_risk_score"),
    rate("data_completeness_score"),
    in_date_window("customer_since_date"),
    greater("as_of_date", "customer_since_date", or_equal=True, why="Nobody is a customer after the as-of date."),
    one_value("as_of_date", "A build profiles every customer as of one date."),
    in_date_window("as_of_date"),
)

DIM_DATES = suite(
    "dim_dates",
    "The date dimension: every day of the fiscal calendar once, with its fiscal period.",
    key("date_day"),
    row_count(
        Param(
            "days_of_fiscal_calendar",
            f"select coalesce(max(period_end_date) - min(period_start_date) + 1, 0) from {SCHEMA}.int_kpis__fiscal_calendar",
            ("int_kpis__fiscal_calendar",),
        ),
        why="One row per day from the calendar's first to its last day.",
    ),
    not_null("fiscal_period", why="The fiscal calendar has no gaps."),
    in_set("fiscal_period", FISCAL_PERIODS),
    row_count(
        rows_of("int_kpis__fiscal_calendar"),
        Where("is_fiscal_period_end", "==", True),
        why="Each fiscal period ends on one day.",
    ),
    greater("date_day", "fiscal_period_start_date", or_equal=True),
    greater("fiscal_period_end_date", "date_day", or_equal=True),
    between("fiscal_quarter", 1, 4),
    between("fiscal_period_number", 1, None),
    between("day_of_fiscal_period", 1, None),
    between("calendar_quarter", 1, 4),
    between("calendar_month", 1, 12),
    between("iso_day_of_week", 1, 7),
    in_set("day_name", ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
    in_set("is_weekend", [True], Where("iso_day_of_week", "in", [6, 7])),
    in_set("is_weekend", [False], Where("iso_day_of_week", "in", [1, 2, 3, 4, 5])),
)

FCT_SEGMENTATION_AS_OF_DATES = suite(
    "fct_segmentation_as_of_dates",
    "The as-of dates the snapshots hold, each with the one before it.",
    key("as_of_date"),
    row_count(
        Param(
            "distinct_as_of_dates_of_snapshots",
            f"select count(*) from (select as_of_date from {SCHEMA}.snp_customer_segments"
            f" union select as_of_date from {SCHEMA}.snp_customer_attributes)",
            ("snp_customer_segments", "snp_customer_attributes"),
        ),
        why="Every as-of date either snapshot recorded, once.",
    ),
    greater("as_of_date", "previous_as_of_date", why="The previous date comes before."),
    row_count(
        Param(
            "one_first_as_of_date_when_any",
            f"select least(count(*), 1) from (select as_of_date from {SCHEMA}.snp_customer_segments"
            f" union select as_of_date from {SCHEMA}.snp_customer_attributes)",
            ("snp_customer_segments", "snp_customer_attributes"),
        ),
        Where("previous_as_of_date", "is null"),
        why="Only the first date has no predecessor.",
    ),
    in_date_window("as_of_date"),
    in_date_window("first_recorded_at"),
)

FCT_CUSTOMER_SEGMENT_HISTORY = suite(
    "fct_customer_segment_history",
    "Each customer's segment versions in business time: the feed of changes for CRM and ticketing.",
    compound_key("customer_id", "valid_from_date"),
    row_count(
        distinct_of("snp_customer_segments", "customer_id", "as_of_date"),
        why="One version per customer and snapshotted as-of date.",
    ),
    row_count(
        rows_of("dim_customer_segments"),
        Where("is_current", "==", True),
        why="Every customer of the current assignment has exactly one current version.",
    ),
    in_set("segment_code", CATALOG_CODES),
    in_set("previous_segment_code", CATALOG_CODES),
    in_set("change_type", ["entered", "moved", "reclassified"]),
    is_null("previous_segment_code", Where("change_type", "==", "entered"), why="A first version has no predecessor."),
    not_null("previous_segment_code", Where("change_type", "!=", "entered")),
    in_set("assignment_source", ["override", "rule", "cluster", "fallback"]),
    greater("valid_to_date", "valid_from_date", why="A version ends after it starts."),
    is_null("valid_to_date", Where("is_current", "==", True), why="A current version is still open."),
    not_null("valid_to_date", Where("is_removed", "==", True), why="A removed customer's version is closed."),
    in_date_window("valid_from_date"),
)

FCT_SEGMENT_MIGRATIONS = suite(
    "fct_segment_migrations",
    "Movement between segments from one snapshotted as-of date to the next.",
    compound_key(
        "from_as_of_date", "to_as_of_date", "from_segment_code", "to_segment_code",
        nullable=("from_segment_code", "to_segment_code"),
    ),
    in_set("movement_type", ["entered", "left", "stayed", "moved"]),
    is_null("from_segment_code", Where("movement_type", "==", "entered"), why="An entering customer comes from no segment."),
    is_null("to_segment_code", Where("movement_type", "==", "left"), why="A leaving customer goes to no segment."),
    not_null("from_segment_code", Where("movement_type", "in", ["stayed", "moved", "left"])),
    not_null("to_segment_code", Where("movement_type", "in", ["stayed", "moved", "entered"])),
    in_set("from_segment_code", CATALOG_CODES),
    in_set("to_segment_code", CATALOG_CODES),
    greater("to_as_of_date", "from_as_of_date", why="A migration runs forward in time."),
    in_set("from_as_of_date", values_of("fct_segmentation_as_of_dates", "as_of_date")),
    between("customer_count", 1, None),
    greater("from_segment_customer_count", "customer_count", or_equal=True, why="A flow is part of its origin segment."),
    rate("share_of_from_segment"),
    column_sum(
        "customer_count",
        rows_of("fct_customer_segment_history", "change_type = 'moved'"),
        where=Where("movement_type", "==", "moved"),
        why="Customers who moved are the history's moved versions.",
    ),
)

FCT_SEGMENT_KPIS = suite(
    "fct_segment_kpis",
    "The scorecard by segment and fiscal period.",
    compound_key("fiscal_period", "segment_code"),
    in_set("fiscal_period", FISCAL_PERIODS),
    in_set("segment_code", CATALOG_CODES),
    in_set("segment_basis", ["as_assigned", "earliest_assignment"]),
    in_set("churn_definition", ["no_purchase", "downgrade"]),
    between("fiscal_quarter", 1, 4),
    greater("period_end_date", "period_start_date"),
    *(
        non_negative(column)
        for column in (
            "opening_customers", "new_customers", "reactivated_customers", "lost_customers", "churned_customers",
            "closing_customers", "cost_to_serve_usd", "ticket_count", "tickets_per_customer", "nps_response_count",
            "csat_response_count", "sla_ticket_count", "median_days_to_activation", "migrated_in_customers",
            "migrated_out_customers",
        )
    ),
    greater("churned_customers", "lost_customers", or_equal=True, why="Every lost customer churned."),
    greater("sla_ticket_count", "sla_met_ticket_count", or_equal=True),
    rate("gross_revenue_retention_rate"),
    rate("logo_churn_rate"),
    rate("sla_attainment_rate"),
    rate("feature_adoption_rate"),
    between("gross_margin_rate", None, 1, why="Margin cannot exceed revenue."),
    between("net_promoter_score", -100, 100),
    between("csat_average", 1, 5),
)

FCT_COMPANY_KPIS = suite(
    "fct_company_kpis",
    "Company totals by fiscal period, summed over the segment scorecard.",
    key("fiscal_period"),
    in_set("fiscal_period", FISCAL_PERIODS),
    row_count(distinct_of("fct_segment_kpis", "fiscal_period"), why="One row per period of the segment scorecard."),
    column_sum("segment_count", rows_of("fct_segment_kpis"), why="Segments counted = rows of the segment scorecard."),
    column_sum(
        "revenue_usd",
        Param(
            "segment_revenue_less_a_cent_a_period",
            f"select coalesce(sum(revenue_usd), 0) - 0.01 * count(distinct fiscal_period) from {SCHEMA}.fct_segment_kpis",
            ("fct_segment_kpis",),
        ),
        Param(
            "segment_revenue_plus_a_cent_a_period",
            f"select coalesce(sum(revenue_usd), 0) + 0.01 * count(distinct fiscal_period) from {SCHEMA}.fct_segment_kpis",
            ("fct_segment_kpis",),
        ),
        why="Company revenue is the segments' revenue (to the cent, rounded per period).",
    ),
    greater("segment_count", "cross_subsidized_segment_count", or_equal=True),
    *(
        non_negative(column)
        for column in (
            "segment_count", "opening_customers", "new_customers", "reactivated_customers", "lost_customers",
            "churned_customers", "closing_customers", "cost_to_serve_usd", "ticket_count", "nps_response_count",
            "csat_response_count", "cross_subsidized_segment_count",
        )
    ),
    rate("logo_churn_rate"),
    rate("revenue_weighted_logo_churn_rate"),
    rate("revenue_weighted_gross_revenue_retention_rate"),
    rate("revenue_weighted_sla_attainment_rate"),
    rate("revenue_weighted_feature_adoption_rate"),
    between("gross_margin_rate", None, 1),
    between("revenue_weighted_gross_margin_rate", None, 1),
    between("revenue_weighted_net_promoter_score", -100, 100),
    between("revenue_weighted_csat_average", 1, 5),
)

FCT_KPI_BREACHES = suite(
    "fct_kpi_breaches",
    "Targets against actuals: breach flags and severities per period, segment and KPI.",
    compound_key("fiscal_period", "segment_code", "kpi_name"),
    in_set("fiscal_period", FISCAL_PERIODS),
    in_set("segment_code", CATALOG_CODES),
    in_set("kpi_name", values_of("kpi_targets", "kpi_name")),
    in_set("target_id", values_of("kpi_targets", "target_id")),
    in_set("direction", ["at_least", "at_most"]),
    in_set("evaluation_status", ["judged", "insufficient_data", "no_value", "source_absent"]),
    not_null(
        "unavailable_reason",
        Where("evaluation_status", "==", "source_absent"),
        why="A KPI left unjudged for lack of its source says which source and why.",
    ),
    in_set("severity", ["none", "warning", "critical"]),
    in_set("evaluation_status", ["judged"], Where("is_breach", "==", True), why="Only a judged KPI can breach."),
    in_set("severity", ["warning", "critical"], Where("is_breach", "==", True), why="A breach has a severity."),
    in_set("severity", ["none"], Where("is_breach", "==", False)),
    non_negative("response_count"),
)

FCT_SEGMENT_FEATURE_DRIFT = suite(
    "fct_segment_feature_drift",
    "Population stability of each clustering feature in each segment between consecutive as-of dates.",
    compound_key("from_as_of_date", "to_as_of_date", "segment_code", "feature_name"),
    in_set("segment_code", CATALOG_CODES),
    in_set("feature_name", values_of("segmentation_feature_policy", "feature_name", "use_for_clustering")),
    greater("to_as_of_date", "from_as_of_date"),
    non_negative("population_stability_index"),
    non_negative("expected_customer_count"),
    non_negative("actual_customer_count"),
    in_set("drift_level", ["stable", "moderate", "significant", "no_customers"]),
    in_set(
        "is_retrain_recommended",
        [True],
        Where("exceeds_threshold", "==", True),
        why="A feature past the threshold recommends retraining.",
    ),
)

INT_IDENTITY__CROSSWALK = suite(
    "int_identity__crosswalk",
    "Every source customer record mapped to exactly one customer id, with the link that put it there.",
    crosswalk_checks(),
)

INT_IDENTITY__GOLDEN_RECORDS = suite(
    "int_identity__golden_records",
    "One golden record per customer id of the crosswalk.",
    key("customer_id"),
    matches("customer_id", CUSTOMER_ID_PATTERN),
    row_count(
        distinct_of("int_identity__crosswalk", "customer_id"),
        why="Golden records = distinct customer ids of the crosswalk.",
    ),
    row_count(
        rows_of("int_identity__customer_id_registry", "id_status = 'active'"),
        why="One golden record per active customer id of the registry.",
    ),
    column_sum(
        "source_record_count",
        rows_of("int_identity__crosswalk"),
        why="Each crosswalk record is counted under exactly one customer.",
    ),
    between("source_record_count", 1, None),
    in_set("party_type", ["person", "organization"]),
    not_null("party_type", why=PARTY_TYPE_SET, needs=STATED_PARTY_TYPE),
    matches("country_code", COUNTRY_CODE_PATTERN),
    not_null("name_source_record_key"),
    matches("address_source_record_key", RECORD_KEY_PATTERN),
    in_date_window("first_seen_at"),
    in_date_window("last_updated_at"),
)

INT_IDENTITY__CLUSTERS = suite(
    "int_identity__clusters",
    "Clusters of linked records (connected components with cannot-link and size guards).",
    key("source_record_key"),
    row_count(rows_of("int_identity__party_records"), why="Every party record is in exactly one cluster."),
    not_null("cluster_key"),
    distinct_count("cluster_key", rows_of("int_identity__golden_records"), why="One customer per cluster."),
    row_count(
        rows_of("int_identity__golden_records"),
        Where("linked_to_record_key", "is null"),
        why="Each cluster has one record hanging on none: its anchor.",
    ),
    between("cluster_size", 1, None),
    in_set("link_rule", LINK_RULES),
    not_null("link_rule", Where("linked_to_record_key", "is not null"), why="Every link says what made it."),
    rate("match_probability"),
    in_set("review_reason", CLUSTER_REVIEW_REASONS),
)

INT_IDENTITY__CUSTOMER_ID_REGISTRY = suite(
    "int_identity__customer_id_registry",
    "Every customer id ever issued: active, merged into another, or retired.",
    key("customer_id"),
    matches("customer_id", CUSTOMER_ID_PATTERN),
    not_null("id_status"),
    in_set("id_status", ["active", "merged", "retired"]),
    row_count(
        rows_of("int_identity__golden_records"),
        Where("id_status", "==", "active"),
        why="The active ids are exactly the customers with a golden record.",
    ),
    column_sum(
        "member_count",
        rows_of("int_identity__party_records"),
        where=Where("id_status", "==", "active"),
        why="Active ids hold every party record once.",
    ),
    not_null("merged_into_customer_id", Where("id_status", "==", "merged"), why="A merged id names the id that survived."),
    is_null("merged_into_customer_id", Where("id_status", "!=", "merged")),
    matches("merged_into_customer_id", CUSTOMER_ID_PATTERN),
    matches("split_from_customer_id", CUSTOMER_ID_PATTERN),
    matches("anchor_record_key", RECORD_KEY_PATTERN),
    between("member_count", 1, None, Where("id_status", "==", "active")),
    in_date_window("issued_at"),
    greater("status_changed_at", "issued_at", or_equal=True),
)

INT_IDENTITY__LINK_DECISIONS = suite(
    "int_identity__link_decisions",
    "Data stewards' must-link and cannot-link decisions, one orientation per pair.",
    compound_key("left_record_key", "right_record_key"),
    row_count(rows_of("identity_link_decisions"), why="Every decision of the seed, once."),
    not_null("decision"),
    in_set("decision", ["must_link", "cannot_link"]),
    greater("right_record_key", "left_record_key", why="The smaller key is on the left."),
    matches("left_record_key", RECORD_KEY_PATTERN),
    matches("right_record_key", RECORD_KEY_PATTERN),
    not_null("decided_by"),
    not_null("reason"),
    in_date_window("decided_on"),
)

INT_IDENTITY__LINK_EXPLANATIONS = suite(
    "int_identity__link_explanations",
    "For every scored pair: its evidence, the decision and what became of it.",
    compound_key("left_record_key", "right_record_key"),
    row_count(rows_of("int_identity__scored_pairs"), why="Every scored pair is explained once."),
    greater("right_record_key", "left_record_key"),
    in_set("decision", ["linked", "possible_match", "cannot_link"]),
    in_set("outcome", ["same_customer", "not_linked", *REFUSALS]),
    in_set("outcome", ["not_linked"], Where("decision", "!=", "linked"), why="Only a link can join or be refused."),
    in_set("link_rule", LINK_RULES),
    rate("match_probability"),
    not_null("evidence_summary"),
)

INT_IDENTITY__REVIEW_QUEUE = suite(
    "int_identity__review_queue",
    "Pairs a data steward should look at: possible matches and links the cluster guards refused.",
    compound_key("left_record_key", "right_record_key"),
    greater("right_record_key", "left_record_key"),
    matches("left_record_key", RECORD_KEY_PATTERN),
    matches("right_record_key", RECORD_KEY_PATTERN),
    in_set("review_reason", ["possible_match", *REFUSALS]),
    row_count(
        rows_of("int_identity__scored_pairs", "decision = 'possible_match'"),
        Where("review_reason", "==", "possible_match"),
        why="Every possible match of the scored pairs is queued.",
    ),
    rate("match_probability"),
    not_null("evidence_summary"),
)

SUITES: tuple[Suite, ...] = (
    DIM_CUSTOMERS,
    DIM_CUSTOMER_CROSSWALK,
    DIM_CUSTOMER_SEGMENTS,
    DIM_CUSTOMER_SEGMENTS_V2,
    DIM_SEGMENTS,
    DIM_CUSTOMER_PROFILES,
    DIM_DATES,
    FCT_SEGMENTATION_AS_OF_DATES,
    FCT_CUSTOMER_SEGMENT_HISTORY,
    FCT_SEGMENT_MIGRATIONS,
    FCT_SEGMENT_KPIS,
    FCT_COMPANY_KPIS,
    FCT_KPI_BREACHES,
    FCT_SEGMENT_FEATURE_DRIFT,
    INT_IDENTITY__CROSSWALK,
    INT_IDENTITY__GOLDEN_RECORDS,
    INT_IDENTITY__CLUSTERS,
    INT_IDENTITY__CUSTOMER_ID_REGISTRY,
    INT_IDENTITY__LINK_DECISIONS,
    INT_IDENTITY__LINK_EXPLANATIONS,
    INT_IDENTITY__REVIEW_QUEUE,
)


# --- Running the suites ---------------------------------------------------------------------------


class BadInput(Exception):
    """The warehouse cannot be validated as given (missing file, table or column): exit code 2."""


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold, in words: what, on which column(s) and rows, held to what."""

    suite: str
    expectation: str
    target: str
    params: tuple[str, ...]
    why: str | None
    detail: str

    def __str__(self) -> str:
        reason = f" ({self.why})" if self.why else ""
        return f"{self.suite}: {self.expectation} on {self.target}{reason}: {self.detail}"


@dataclass(frozen=True)
class Skipped:
    """An expectation not evaluated in this run: it needs a raw column the user's data does not have."""

    suite: str
    expectation: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.suite}: {self.expectation} on {self.target}: not evaluated, {self.reason}"


@dataclass(frozen=True)
class SuiteOutcome:
    """How one suite fared: expectations evaluated, those that failed, and those skipped for lack of a source."""

    suite: str
    rows: int
    evaluated: int
    failures: tuple[Failure, ...]
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True)
class QualityReport:
    """Every suite's outcome and where the Data Docs are."""

    outcomes: tuple[SuiteOutcome, ...]
    docs_index: Path

    @property
    def failures(self) -> list[Failure]:
        return [failure for outcome in self.outcomes for failure in outcome.failures]

    @property
    def skipped(self) -> list[Skipped]:
        return [skipped for outcome in self.outcomes for skipped in outcome.skipped]

    @property
    def success(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (written beside the Data Docs for CI and scripts)."""
        return {
            "success": self.success,
            "suites": [
                {
                    "suite": item.suite,
                    "rows": item.rows,
                    "evaluated": item.evaluated,
                    "failed": len(item.failures),
                    "skipped": len(item.skipped),
                }
                for item in self.outcomes
            ],
            "failures": [{**asdict(failure), "params": list(failure.params)} for failure in self.failures],
            "skipped": [asdict(skipped) for skipped in self.skipped],
            "data_docs": str(self.docs_index),
        }


def relations_read(suites: Sequence[Suite] = SUITES) -> list[str]:
    """Every table the suites validate or read reference figures from (or the sources present, for ``needs``)."""
    names = {item.name for item in suites}
    names.update(relation for item in suites for param in item.params() for relation in param.relations)
    if any(check.needs for item in suites for check in item.checks):
        names.add(SOURCES_PRESENT)
    return sorted(names)


def absent_raw_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Optional raw columns the run lacks although their table has rows, with the reason (int_raw_sources_present)."""
    rows = con.sql(
        f"select source_item, absence_reason from {SCHEMA}.{SOURCES_PRESENT}"
        " where item_type = 'column' and not is_present and staged_row_count > 0"
    ).fetchall()
    return dict(rows)


def checks_to_skip(
    con: duckdb.DuckDBPyConnection, suites: Sequence[Suite] = SUITES
) -> dict[tuple[str, int], str]:
    """(suite, position of the check) -> why, for every check that needs a raw column the run lacks.

    Raises :class:`BadInput` when a check needs an item that is no optional raw column of the contract.
    """
    needed = sorted({item for suite_ in suites for check in suite_.checks for item in check.needs})
    if not needed:
        return {}
    known = {row[0] for row in con.sql(f"select source_item from {SCHEMA}.{SOURCES_PRESENT} where item_type = 'column'").fetchall()}
    unknown = [item for item in needed if item not in known]
    if unknown:
        raise BadInput(
            f"the suites need {', '.join(unknown)}, which {SCHEMA}.{SOURCES_PRESENT} does not list as an optional raw "
            "column: write `raw_table.column` as the sources YAML names it."
        )
    absent = absent_raw_columns(con)
    skips = {}
    for suite_ in suites:
        for position, check in enumerate(suite_.checks):
            missing = [item for item in check.needs if item in absent]
            if missing:
                skips[(suite_.name, position)] = "the run lacks " + "; ".join(f"{item} ({absent[item]})" for item in missing)
    return skips


def check_warehouse(con: duckdb.DuckDBPyConnection, label: str, suites: Sequence[Suite] = SUITES) -> None:
    """Fail early, naming what is missing, before GX is loaded: a table or a column the suites read."""
    rows = con.sql(
        f"select table_name, column_name from information_schema.columns where table_schema = '{SCHEMA}'"
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    missing_tables = [name for name in relations_read(suites) if name not in columns]
    if missing_tables:
        listed = ", ".join(f"{SCHEMA}.{name}" for name in missing_tables)
        them = "it" if len(missing_tables) == 1 else "them"
        raise BadInput(
            f"{label} has no table {listed}: `make build` creates {them} (or `dbt build` into this warehouse file)."
        )
    for item in suites:
        absent = [column for column in item.columns() if column not in columns[item.name]]
        if absent:
            raise BadInput(
                f"{SCHEMA}.{item.name} in {label} has no column {', '.join(absent)}: the warehouse was built by "
                "another version of the project. `make build` rebuilds it."
            )


def resolve_params(
    con: duckdb.DuckDBPyConnection, suites: Sequence[Suite], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """The value of every suite parameter: run settings as given, reference figures read from the warehouse."""
    values: dict[str, Any] = {}
    for param in (param for item in suites for param in item.params()):
        if param.name in values:
            continue
        if param.sql is None:
            values[param.name] = settings[param.name]
        elif param.as_list:
            values[param.name] = [_comparable(row[0]) for row in con.sql(param.sql).fetchall()]
        else:
            values[param.name] = _comparable(con.sql(param.sql).fetchall()[0][0])
    return values


def _comparable(value: Any) -> Any:
    """A warehouse value as pandas holds it: DuckDB dates arrive in DataFrames as datetime64."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def read_table(con: duckdb.DuckDBPyConnection, item: Suite) -> pd.DataFrame:
    """The columns the suite checks, and only those (no direct identifier is ever loaded)."""
    columns = ", ".join(f'"{column}"' for column in item.columns())
    return con.sql(f"select {columns} from {SCHEMA}.{item.name}").df()


def run_settings(max_fallback_share: float) -> dict[str, Any]:
    """The parameters that come from the run rather than the warehouse."""
    return {
        MIN_SHARE_OUTSIDE_FALLBACK.name: round(1 - max_fallback_share, 10),
        LATEST_VALID_TIME.name: dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=1),
    }


def _import_gx() -> None:
    """Load GX only when there is something to validate (it takes seconds), without usage analytics."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations  # noqa: F401


def _context(docs_dir: Path) -> AbstractDataContext:
    """An ephemeral GX context whose only output is the Data Docs site under ``docs_dir``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _condition(where: Where) -> Condition:
    """A GX row condition from a :class:`Where`."""
    from great_expectations.expectations.row_conditions import Column

    column = Column(where.column)
    if where.operator == "is null":
        return column.is_null()
    if where.operator == "is not null":
        return column.is_not_null()
    if where.operator == "in":
        return column.is_in(where.value)
    if where.operator == "not in":
        return column.is_not_in(where.value)
    comparisons = {"==": column.__eq__, "!=": column.__ne__, ">": column.__gt__}
    return comparisons[where.operator](where.value)


def build_expectation(check: Check) -> Any:
    """The GX expectation of a check; parameters become ``{"$PARAMETER": name}``."""
    import great_expectations.expectations as gxe

    args = {name: {"$PARAMETER": value.name} if isinstance(value, Param) else value for name, value in check.args.items()}
    if check.where is not None:
        args["row_condition"] = _condition(check.where)
    if check.why:
        args["notes"] = check.why
    return getattr(gxe, check.expectation)(**args)


def _validate(
    context: AbstractDataContext, item: Suite, frame: pd.DataFrame, params: Mapping[str, Any], run_id: Any
) -> tuple[ExpectationSuiteValidationResult, dict[str, Check]]:
    """Validate one table through its own checkpoint, which also updates the Data Docs.

    One checkpoint per table: a checkpoint hands the same batch parameters to all its validation
    definitions, and each table is a different DataFrame.
    """
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    asset = context.data_sources.get(DATASOURCE).add_dataframe_asset(item.name)
    batch = asset.add_batch_definition_whole_dataframe(item.name)
    expectations = [build_expectation(check) for check in item.checks]
    suite_ = context.suites.add(gx.ExpectationSuite(name=item.name, expectations=expectations, notes=item.purpose))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=item.name, data=batch, suite=suite_))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=item.name,
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])],
            result_format={"result_format": "BASIC"},
        )
    )
    suite_params = {param.name: params[param.name] for param in item.params()}
    result = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=suite_params, run_id=run_id)
    checks_by_id = {str(expectation.id): check for expectation, check in zip(suite_.expectations, item.checks)}
    return next(iter(result.run_results.values())), checks_by_id


def describe_failure(suite_name: str, result: ExpectationValidationResult, check: Check) -> Failure:
    """A failed expectation in words: what was expected, on what, and what was found."""
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    params = tuple(param.name for param in check.params())
    return Failure(suite_name, config.type, _target(check), params, check.why, _detail(kwargs, result, params))


def _target(check: Check) -> str:
    """The column(s) an expectation is about, with its row condition."""
    if "column_list" in check.args:
        target = "(" + ", ".join(check.args["column_list"]) + ")"
    elif "column_A" in check.args:
        target = f"{check.args['column_A']} vs {check.args['column_B']}"
    else:
        target = check.args.get("column", "table")
    if check.where is None:
        return target
    value = "" if check.where.value is None else f" {check.where.value}"
    return f"{target} where {check.where.column} {check.where.operator}{value}"


def _detail(kwargs: Mapping[str, Any], result: ExpectationValidationResult, params: Sequence[str]) -> str:
    """Expected against found, or the error GX met."""
    info = result.exception_info or {}
    messages = [info.get("exception_message")] if "raised_exception" in info else [
        value.get("exception_message") for value in info.values() if isinstance(value, dict)
    ]
    messages = list(dict.fromkeys(message for message in messages if message))
    if messages:
        return "could not be evaluated: " + "; ".join(messages)
    shown = ("value", "min_value", "max_value", "value_set", "regex", "mostly")
    expected = {name: kwargs[name] for name in shown if kwargs.get(name) is not None}
    if "value_set" in expected and len(expected["value_set"]) > 12:
        expected["value_set"] = f"{len(expected['value_set'])} values"
    found = result.result or {}
    if "unexpected_count" in found:
        distinct = dict.fromkeys(str(value) for value in found.get("partial_unexpected_list") or [])
        sample = ", ".join(list(distinct)[:5])
        observed = (
            f"{found['unexpected_count']} of {found.get('element_count')} rows unexpected "
            f"({found.get('unexpected_percent') or 0:.2f}%)" + (f", e.g. {sample}" if sample else "")
        )
    else:
        observed = f"observed {found.get('observed_value')}"
    wanted = ", ".join(f"{name}={value}" for name, value in expected.items())
    held_to = f" [{', '.join(params)}]" if params else ""
    return f"expected {wanted or 'every value to pass'}{held_to}; {observed}"


def run_quality(
    warehouse: str | Path, out: str | Path, max_fallback_share: float = DEFAULT_MAX_FALLBACK_SHARE
) -> QualityReport:
    """Validate every suite against the warehouse and write the Data Docs under ``out``.

    Raises :class:`BadInput` when the warehouse file, a table or a column is missing.
    """
    path = Path(warehouse)
    if not path.is_file():
        raise BadInput(f"no warehouse file at {path}. `make build` creates it (warehouse/custseg.duckdb).")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise BadInput(f"cannot open {path} as a DuckDB warehouse: {error}") from error
    with con:
        check_warehouse(con, str(path))
        params = resolve_params(con, SUITES, run_settings(max_fallback_share))
        return _run_gx(con, params, Path(out), checks_to_skip(con, SUITES))


def _expectation_name(check: Check) -> str:
    """GX's snake-case name of a check's expectation (ExpectColumnValuesToNotBeNull -> expect_column_...)."""
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in check.expectation).lstrip("_")


def _runnable(item: Suite, skips: Mapping[tuple[str, int], str]) -> tuple[Suite, tuple[Skipped, ...]]:
    """The suite without the checks this run skips (named in its notes), and those skipped."""
    skipped = tuple(
        Skipped(item.name, _expectation_name(check), _target(check), skips[(item.name, position)])
        for position, check in enumerate(item.checks)
        if (item.name, position) in skips
    )
    if not skipped:
        return item, ()
    checks = tuple(check for position, check in enumerate(item.checks) if (item.name, position) not in skips)
    notes = item.purpose + " Not evaluated in this run: " + "; ".join(
        f"{skip.expectation} on {skip.target} ({skip.reason})" for skip in skipped
    )
    return Suite(item.name, notes, checks), skipped


def _run_gx(
    con: duckdb.DuckDBPyConnection,
    params: Mapping[str, Any],
    out: Path,
    skips: Mapping[tuple[str, int], str] | None = None,
) -> QualityReport:
    """The GX part: a context, a checkpoint per suite, Data Docs rebuilt from this run only.

    Tables are read one at a time, just before their suite runs, so memory holds one table at once.
    Checks in ``skips`` (see :func:`checks_to_skip`) are left out of their suite and reported.
    """
    _import_gx()
    from great_expectations.core.run_identifier import RunIdentifier

    docs_dir = out.resolve() / DOCS_FOLDER
    if docs_dir.exists():
        shutil.rmtree(docs_dir)  # pages of an earlier run would linger beside the new index
    context = _context(docs_dir)
    context.data_sources.add_pandas(DATASOURCE)
    run_id = RunIdentifier(run_name="custseg-quality", run_time=dt.datetime.now(dt.timezone.utc))
    outcomes = []
    for full_suite in SUITES:
        item, skipped = _runnable(full_suite, skips or {})
        frame = read_table(con, item)
        result, checks_by_id = _validate(context, item, frame, params, run_id)
        failures = tuple(
            describe_failure(item.name, outcome, checks_by_id[str(outcome.expectation_config.id)])
            for outcome in result.results
            if not outcome.success
        )
        evaluated = int(result.statistics["evaluated_expectations"])
        outcomes.append(SuiteOutcome(item.name, len(frame), evaluated, failures, skipped))
    return QualityReport(tuple(outcomes), docs_dir / "index.html")


def write_overview(report: QualityReport, out: Path) -> Path:
    """A plain HTML page of every suite's outcome, linking to its Data Docs pages.

    GX's own index lists the suites with JavaScript loaded from CDNs, so offline it shows an empty
    page; this one has no script or stylesheet and reads anywhere.
    """
    docs = report.docs_index.parent
    rows = []
    for outcome in report.outcomes:
        pages = sorted((docs / "validations" / outcome.suite).rglob("*.html"))
        result_link = f'<a href="{pages[0].relative_to(out.resolve()).as_posix()}">result</a>' if pages else ""
        suite_link = f'<a href="{DOCS_FOLDER}/expectations/{outcome.suite}.html">expectations</a>'
        status = "passed" if not outcome.failures else f"<strong>{len(outcome.failures)} failed</strong>"
        rows.append(
            f"<tr><td>{html.escape(outcome.suite)}</td><td>{outcome.rows}</td><td>{outcome.evaluated}</td>"
            f"<td>{status}</td><td>{result_link} {suite_link}</td></tr>"
        )
    failures = "".join(f"<li>{html.escape(str(failure))}</li>" for failure in report.failures) or "<li>none</li>"
    skipped = "".join(f"<li>{html.escape(str(skip))}</li>" for skip in report.skipped) or "<li>none</li>"
    page = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>custseg quality</title></head><body>\n"
        "<h1>custseg quality: Great Expectations suites</h1>\n"
        f"<p>{len(report.outcomes)} suites, {sum(item.evaluated for item in report.outcomes)} expectations, "
        f"{len(report.failures)} failed. Full Data Docs: <a href=\"{DOCS_FOLDER}/index.html\">{DOCS_FOLDER}/index.html</a>"
        " (its tables need the internet).</p>\n"
        "<table border=\"1\"><tr><th>suite (table)</th><th>rows</th><th>expectations</th><th>outcome</th>"
        "<th>Data Docs</th></tr>\n" + "\n".join(rows) + "\n</table>\n"
        f"<h2>Failed expectations</h2>\n<ul>{failures}</ul>\n"
        f"<h2>Not evaluated: the run lacks a source they need</h2>\n<ul>{skipped}</ul>\n</body></html>\n"
    )
    path = out.resolve() / OVERVIEW_FILE
    path.write_text(page)
    return path


def print_report(report: QualityReport) -> None:
    """One line per suite, then every failed expectation, then where the Data Docs are."""
    width = max(len(outcome.suite) for outcome in report.outcomes)
    for outcome in report.outcomes:
        skipped = f", {len(outcome.skipped)} not evaluated" if outcome.skipped else ""
        print(
            f"{outcome.suite:<{width}}  {outcome.rows:>8} rows  {outcome.evaluated:>3} expectations evaluated"
            f"  {len(outcome.failures):>3} failed{skipped}"
        )
    evaluated = sum(outcome.evaluated for outcome in report.outcomes)
    skipped_total = f", {len(report.skipped)} not evaluated" if report.skipped else ""
    print(f"\n{len(report.outcomes)} suites, {evaluated} expectations, {len(report.failures)} failed{skipped_total}")
    if report.failures:
        print("\nFailed expectations:")
        for failure in report.failures:
            print(f"  - {failure}")
    if report.skipped:
        print("\nNot evaluated (the run lacks a source they need):")
        for skip in report.skipped:
            print(f"  - {skip}")
    print(f"\nData Docs: {report.docs_index}")


def _share(text: str) -> float:
    """A share between 0 and 1, for argparse."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """The CLI: 0 when every expectation holds, 1 when any fails, 2 on unusable input."""
    parser = argparse.ArgumentParser(prog="python -m custseg.quality", description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="DuckDB file the project was built into")
    parser.add_argument("--out", required=True, help="folder for the Data Docs (written under DIR/data_docs)")
    parser.add_argument(
        "--max-fallback-share",
        type=_share,
        default=DEFAULT_MAX_FALLBACK_SHARE,
        help=f"largest share of customers allowed in the fallback segment (default {DEFAULT_MAX_FALLBACK_SHARE})",
    )
    args = parser.parse_args(argv)
    try:
        report = run_quality(args.warehouse, args.out, args.max_fallback_share)
    except BadInput as error:
        print(f"custseg.quality: {error}", file=sys.stderr)
        return 2
    print_report(report)
    out = Path(args.out)
    (out / SUMMARY_FILE).write_text(json.dumps(report.as_dict(), indent=2, default=str) + "\n")
    print(f"Overview (no internet needed): {write_overview(report, out)}")
    return 0 if report.success else 1


if __name__ == "__main__":
    sys.exit(main())
