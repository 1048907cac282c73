"""Synthetic multi-source customer data: the raw exports a segmentation program integrates.

``python -m custseg.generate --customers N --seed S --out DIR`` writes one file per raw table of
the contract (see ``custseg.contract``) plus, in a separate truth folder that no model reads, the
real entity behind every source customer record and the segment each entity was planted in.

Design:
* Entities (real customers) are drawn first, each planted in one of ``PLANTED_SEGMENTS`` whose
  parameters drive every fact (purchases, margin, tickets, usage, subscriptions, NPS).
* Each entity is then rendered into source-system records (CRM, ERP, third-party) with the dirt
  real exports have, at the rates in ``DIRT``: duplicates inside a system, typos, casing,
  whitespace, abbreviations, phone formats, missing and placeholder values, stale addresses,
  conflicting identifiers, exact duplicate rows and invalid rows.
* All randomness comes from one ``numpy.random.Generator`` seeded by ``--seed``; string work is
  vectorized (numpy, pandas/Arrow, DuckDB SQL over the frames). There is no per-row Python loop,
  so a million customers take minutes.
* ``--export-date D`` writes the exports as they stood on an earlier date D of the same world: dirt
  is planted on the full world, then every table is cut to the rows that existed on D (by their
  clean dates) and later changes are undone (tickets still open, updates not yet made). Successive
  export dates of one seed thus show one world evolving, with each row spoiled the same way on every
  date it is exported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from tqdm import tqdm

from custseg import vocab
from custseg.contract import RawTable, raw_tables

DEFAULT_END_DATE = dt.date(2026, 10, 31)
HISTORY_MONTHS = 24
DAYS_PER_MONTH = 30.4375
COUNTRIES = ("US", "GB", "DE", "FR", "NL")
COUNTRY_WEIGHTS = (0.45, 0.17, 0.16, 0.12, 0.10)


@dataclass(frozen=True)
class Segment:
    """A planted customer segment: the behaviour every entity in it is drawn from."""

    name: str
    share: float
    organization_share: float
    purchases_per_month: float
    order_value_usd: float
    gross_margin: float
    tickets_per_month: float
    handling_minutes: float
    usage_probability: float
    usage_days: float
    subscription_probability: float
    mrr_usd: float
    nps_mean: float
    churn_probability: float


PLANTED_SEGMENTS: tuple[Segment, ...] = (
    Segment("strategic_partners", 0.08, 0.95, 2.0, 2500.0, 0.38, 0.50, 45.0, 0.90, 60, 0.90, 3000.0, 8.5, 0.03),
    Segment("service_intensive", 0.14, 0.70, 0.8, 600.0, 0.12, 1.00, 75.0, 0.50, 20, 0.50, 400.0, 6.0, 0.12),
    Segment("steady_core", 0.30, 0.50, 0.5, 300.0, 0.32, 0.10, 20.0, 0.30, 10, 0.30, 150.0, 7.5, 0.08),
    Segment("occasional_buyers", 0.30, 0.20, 0.1, 80.0, 0.28, 0.04, 15.0, 0.05, 4, 0.02, 20.0, 7.0, 0.30),
    Segment("digital_self_serve", 0.18, 0.30, 0.3, 60.0, 0.55, 0.02, 10.0, 0.95, 40, 0.95, 60.0, 8.0, 0.15),
)


@dataclass(frozen=True)
class DirtRates:
    """Documented rates of planted dirt (share of the rows or records concerned)."""

    crm_presence: float = 0.90  # share of entities with a CRM record
    erp_presence: float = 0.92  # share of entities with an ERP record
    thirdparty_presence: float = 0.70  # share of organizations in the third-party delivery
    crm_internal_duplicate: float = 0.05  # entities entered twice in the CRM
    erp_internal_duplicate: float = 0.03  # entities opened twice in the ERP
    name_typo: float = 0.04
    name_upper_case: float = 0.06
    name_lower_case: float = 0.03
    extra_whitespace: float = 0.05
    abbreviation: float = 0.20  # street types, legal forms written another way
    crm_missing_email: float = 0.10
    erp_missing_email: float = 0.20
    placeholder_email: float = 0.01
    placeholder_phone: float = 0.007
    malformed_email: float = 0.005
    stale_record: float = 0.05  # record keeps an old address and an old update time
    conflicting_identifier: float = 0.008  # tax/national id with a wrong digit
    exact_duplicate_row: float = 0.01  # rows exported twice, in every table
    invalid_row: float = 0.004  # per planted invalid kind, in every table
    unknown_customer_reference: float = 0.003  # fact rows pointing at no customer


DIRT = DirtRates()
FAR_FUTURE_DAYS = (2000, 9000)  # future dates land 5 to 25 years after the end date

# Helper columns of an export date cut; never written (write_table selects the contract's columns).
# Written beside the raw exports: the folder holds generated (invented) data. dbt reads it before applying the
# sample's steward decisions (seeds/sample/), which name generated customers and people (macro check_steward_decisions).
GENERATED_MARKER = "_custseg_generated.json"
EXPORTED_FROM = "_exported_from"  # first moment the row is in an export (from its clean, pre-dirt dates)
EXPORT_ROW = "_export_row"  # the row before exact duplicates were planted, to tell a copy from its original
RESPONDENT_RECORD = "_respondent_record_id"  # the CRM record a survey response came from, anonymous or not


# ---------------------------------------------------------------------------------------------
# helpers


def _bijection(index: np.ndarray, modulus: int, multiplier: int, offset: int) -> np.ndarray:
    """Unique pseudo-random numbers below a prime modulus: an affine bijection of the index."""
    return (index.astype(np.int64) * multiplier + offset) % modulus


def _pick(values: tuple[str, ...] | list[str], index: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object)[index]


def _choose_with_variant(
    rng: np.random.Generator, ci: np.ndarray, options: dict[str, list[tuple[str, tuple[str, ...]]]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, one of its country's options and one of that option's variants (vectorized).

    Options are laid out in a (country, option, variant) cube, padded by cycling, so a row's pick
    is plain fancy indexing.
    """
    n_opt = max(len(v) for v in options.values())
    n_var = max(len(o[1]) for v in options.values() for o in v)
    canonical = np.empty((len(COUNTRIES), n_opt), dtype=object)
    variant = np.empty((len(COUNTRIES), n_opt, n_var), dtype=object)
    n_options = np.zeros(len(COUNTRIES), dtype=np.int64)
    for k, c in enumerate(COUNTRIES):  # a loop over the small vocabulary, not over rows
        n_options[k] = len(options[c])
        for o in range(n_opt):
            name, variants = options[c][o % len(options[c])]
            canonical[k, o] = name
            for v in range(n_var):
                variant[k, o, v] = variants[v % len(variants)]
    oi = (rng.random(len(ci)) * n_options[ci]).astype(np.int64)
    vi = rng.integers(0, n_var, len(ci))
    return canonical[ci, oi], variant[ci, oi, vi]


def _sql(con: duckdb.DuckDBPyConnection, query: str, **frames: pd.DataFrame) -> pd.DataFrame:
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        return con.execute(query).df()
    finally:
        for name in frames:
            con.unregister(name)


# SQL macros for the per-row string dirt (positions and kinds drawn in numpy beforehand).
_DIRT_MACROS = """
create or replace macro typo(s, kind, u, c) as
    case
        when s is null or length(s) < 4 or kind = 0 then s
        when kind = 1 then substr(s, 1, 1 + cast(floor(u * (length(s) - 2)) as integer))
            || substr(s, 3 + cast(floor(u * (length(s) - 2)) as integer))
        when kind = 2 then substr(s, 1, 1 + cast(floor(u * (length(s) - 3)) as integer))
            || substr(s, 3 + cast(floor(u * (length(s) - 3)) as integer), 1)
            || substr(s, 2 + cast(floor(u * (length(s) - 3)) as integer), 1)
            || substr(s, 4 + cast(floor(u * (length(s) - 3)) as integer))
        else substr(s, 1, 1 + cast(floor(u * (length(s) - 2)) as integer)) || c
            || substr(s, 3 + cast(floor(u * (length(s) - 2)) as integer))
    end;
create or replace macro recase(s, kind) as
    case kind when 1 then upper(s) when 2 then lower(s) else s end;
create or replace macro respace(s, kind) as
    case kind when 1 then ' ' || s || ' ' when 2 then replace(s, ' ', '  ') when 3 then s || '  ' else s end;
create or replace macro phone_format(cc, nat, kind) as
    case kind
        when 0 then '+' || cc || nat
        when 1 then '+' || cc || ' ' || substr(nat, 1, 3) || ' ' || substr(nat, 4, 3) || ' ' || substr(nat, 7)
        when 2 then case when cc = '1'
            then '(' || substr(nat, 1, 3) || ') ' || substr(nat, 4, 3) || '-' || substr(nat, 7)
            else '0' || substr(nat, 1, 2) || ' ' || substr(nat, 3, 4) || ' ' || substr(nat, 7) end
        when 3 then '00' || cc || '-' || nat
        else case when cc = '1'
            then substr(nat, 1, 3) || '.' || substr(nat, 4, 3) || '.' || substr(nat, 7)
            else '0' || nat end
    end;
"""


class _Draws:
    """Draws of dirt kinds for n rows, from the shared generator (so the output is deterministic)."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.n = n

    def flag(self, rate: float) -> np.ndarray:
        return self.rng.random(self.n) < rate

    def typo(self) -> dict[str, np.ndarray]:
        kind = np.where(self.flag(DIRT.name_typo), self.rng.integers(1, 4, self.n), 0)
        return {
            "kind": kind,
            "u": self.rng.random(self.n),
            "c": _pick(list("abcdefghiklmnoprstuvwy"), self.rng.integers(0, 22, self.n)),
        }

    def case(self) -> np.ndarray:
        u = self.rng.random(self.n)
        return np.select([u < DIRT.name_upper_case, u < DIRT.name_upper_case + DIRT.name_lower_case], [1, 2], 0)

    def space(self) -> np.ndarray:
        return np.where(self.flag(DIRT.extra_whitespace), self.rng.integers(1, 4, self.n), 0)


# ---------------------------------------------------------------------------------------------
# entities


def _long_tail_names(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace the common names of all but the heads' shares of people by composed tail names."""
    n = len(first)

    def composed(*parts: tuple[str, ...]) -> np.ndarray:
        names = pd.Series([""] * n, dtype="str")
        for part in parts:
            names = names + pd.Series(_pick(part, rng.integers(0, len(part), n)), dtype="str")
        return names.to_numpy(dtype=object)

    tail_first = rng.random(n) >= vocab.FIRST_NAME_HEAD_SHARE
    tail_last = rng.random(n) >= vocab.LAST_NAME_HEAD_SHARE
    first = np.where(tail_first, composed(vocab.FIRST_NAME_STEMS, vocab.FIRST_NAME_ENDINGS), first)
    last = np.where(tail_last, composed(vocab.LAST_NAME_STEMS, vocab.LAST_NAME_LINKS, vocab.LAST_NAME_ENDINGS), last)
    return first, last


def _us_zip_prefixes(rng: np.random.Generator, city: np.ndarray, stem: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Each US customer's postcode stem: one of the city's three-digit ZIP prefixes, uniformly."""
    stem = stem.copy()
    u = rng.random(len(city))
    for name, prefixes in vocab.US_CITY_ZIP_PREFIXES.items():  # a loop over cities, not rows
        rows = (country == "US") & (city == name)
        stem[rows] = np.asarray(prefixes, dtype=object)[(u[rows] * len(prefixes)).astype(np.int64)]
    return stem


def make_entities(n: int, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    """Real customers with their clean attributes, planted segment and timeline."""
    idx = np.arange(n)
    shares = np.array([s.share for s in PLANTED_SEGMENTS])
    segment = rng.choice(len(PLANTED_SEGMENTS), size=n, p=shares / shares.sum())
    org_share = np.array([s.organization_share for s in PLANTED_SEGMENTS])[segment]
    is_org = rng.random(n) < org_share
    country_i = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_WEIGHTS)
    country = _pick(COUNTRIES, country_i)

    first = _pick(vocab.FIRST_NAMES, rng.integers(0, len(vocab.FIRST_NAMES), n))
    last = _pick(vocab.LAST_NAMES, rng.integers(0, len(vocab.LAST_NAMES), n))
    # The names' long tails draw from a stream of their own, so that every other column stays as it was.
    first, last = _long_tail_names(np.random.Generator(rng.bit_generator.jumped()), first, last)

    # Company names: several patterns so that names are about as diverse as real ones.
    w1 = _pick(vocab.COMPANY_WORDS, rng.integers(0, len(vocab.COMPANY_WORDS), n))
    w2 = _pick(vocab.COMPANY_WORDS, rng.integers(0, len(vocab.COMPANY_WORDS), n))
    trade = _pick(vocab.COMPANY_TRADES, rng.integers(0, len(vocab.COMPANY_TRADES), n))
    founder2 = _pick(vocab.LAST_NAMES, rng.integers(0, len(vocab.LAST_NAMES), n))
    pattern = rng.choice(5, size=n, p=(0.25, 0.30, 0.15, 0.20, 0.10))
    core = pd.Series(w1, dtype="str")
    core = core.where(pattern != 1, pd.Series(w1, dtype="str") + " " + pd.Series(w2, dtype="str"))
    core = core.where(pattern != 2, pd.Series(last, dtype="str"))
    core = core.where(pattern != 3, pd.Series(last, dtype="str") + " & " + pd.Series(founder2, dtype="str"))
    core = core.where(pattern != 4, pd.Series(w1, dtype="str") + " " + pd.Series(last, dtype="str"))
    core = core + " " + pd.Series(trade, dtype="str")

    suffix, suffix_variant = _choose_with_variant(rng, country_i, vocab.COMPANY_SUFFIXES)
    company = core + " " + pd.Series(suffix, dtype="str")

    # Web domains: slug of the name core, made unique with a counter, country top-level domain.
    tld = pd.Series(_pick(("com", "co.uk", "de", "fr", "nl"), country_i), dtype="str")
    slug = core.str.lower().str.replace("&", "and", regex=False).str.replace(r"[^a-z0-9]+", "", regex=True)
    dup_no = slug.groupby(slug).cumcount()
    slug = slug.where(dup_no == 0, slug + (dup_no + 1).astype("str"))
    domain = slug + "." + tld

    # Person emails: name based, unique per entity.
    local = (pd.Series(first, dtype="str") + "." + pd.Series(last, dtype="str")).str.lower()
    style = rng.integers(0, 3, n)
    local = local.where(style != 1, pd.Series(first, dtype="str").str.lower().str[0] + pd.Series(last, dtype="str").str.lower())
    local = local.where(style != 2, local + pd.Series(rng.integers(1, 99, n), dtype="str"))
    freemail = pd.Series(_pick(vocab.FREE_MAIL_DOMAINS, rng.integers(0, len(vocab.FREE_MAIL_DOMAINS), n)), dtype="str")
    address = local + "@" + freemail
    dup_no = address.groupby(address).cumcount()
    local = local.where(dup_no == 0, local + "." + (dup_no + 1).astype("str"))
    person_email = local + "@" + freemail
    role = pd.Series(_pick(("info", "sales", "accounts", "office"), rng.integers(0, 4, n)), dtype="str")
    contact_local = (pd.Series(first, dtype="str") + "." + pd.Series(last, dtype="str")).str.lower()
    org_email = contact_local.where(rng.random(n) < 0.6, role) + "@" + domain
    email = org_email.where(is_org, person_email)

    # Addresses.
    city, stem = _choose_with_variant(rng, country_i, {c: [(name, (pc,)) for name, pc in v] for c, v in vocab.CITIES.items()})
    # From a stream of its own (every other column stays as it was): the US city's ZIP prefix.
    stem = _us_zip_prefixes(np.random.Generator(rng.bit_generator.jumped(2)), city, stem, country)
    street_type, street_abbrev = _choose_with_variant(rng, country_i, vocab.STREET_TYPES)
    frame = pd.DataFrame(
        {
            "entity_index": idx,
            "entity_id": pd.Series(idx + 1, dtype="str").str.zfill(8).radd("E"),
            "is_org": is_org,
            "segment_index": segment,
            "planted_segment": _pick([s.name for s in PLANTED_SEGMENTS], segment),
            "country": country,
            "calling_code": _pick([vocab.CALLING_CODES[c] for c in COUNTRIES], country_i),
            "currency": _pick([vocab.CURRENCIES[c] for c in COUNTRIES], country_i),
            "first_name": first,
            "last_name": last,
            "company_core": core,
            "company_name": company,
            "legal_suffix": suffix,
            "legal_suffix_variant": suffix_variant,
            "domain": domain,
            "email": email,
            "street_name": _pick(vocab.STREET_NAMES, rng.integers(0, len(vocab.STREET_NAMES), n)),
            "street_type": street_type,
            "street_type_variant": street_abbrev,
            "house_number": rng.integers(1, 250, n),
            "city": city,
            "postcode_stem": stem,
            "postcode_digits": rng.integers(0, 1000, n),
            "postcode_letters": rng.integers(0, 26 * 26, n),
            "phone_subscriber": _bijection(idx, 99_999_989, 48_271, 12_345_678),
            "phone_prefix": rng.integers(10, 99, n),
            "tax_number": _bijection(idx, 999_999_937, 16_807, 100_000_000),
            "national_number": _bijection(idx, 999_999_929, 69_621, 200_000_000),
            "birth_date": pd.to_datetime(end_date) - pd.to_timedelta(rng.integers(18 * 365, 85 * 365, n), unit="D"),
            "industry": _pick(vocab.INDUSTRIES, rng.integers(0, len(vocab.INDUSTRIES), n)),
        }
    )
    # Timeline: tenure (10% are new in the last six months), churn inside the history window.
    new = rng.random(n) < 0.10
    tenure_days = np.where(new, rng.integers(1, 180, n), rng.integers(180, 6 * 365, n))
    end = pd.Timestamp(end_date)
    signup = end - pd.to_timedelta(tenure_days, unit="D")
    window_start = end - pd.DateOffset(months=HISTORY_MONTHS)
    active_start = signup.where(signup > window_start, window_start)
    churn_p = np.array([s.churn_probability for s in PLANTED_SEGMENTS])[segment]
    churned = rng.random(n) < churn_p
    span = (end - active_start).days.to_numpy()
    churn_at = active_start + pd.to_timedelta((rng.random(n) * span).astype(np.int64), unit="D")
    frame["signup_date"] = signup.normalize()
    frame["active_start"] = active_start.normalize()
    frame["active_end"] = pd.Series(churn_at.where(churned, end)).dt.normalize().to_numpy()
    frame["churn_date"] = pd.Series(churn_at.where(churned, pd.NaT)).dt.normalize().to_numpy()
    frame["active_months"] = (frame["active_end"] - frame["active_start"]).dt.days.clip(lower=0) / DAYS_PER_MONTH
    # Each entity's own level around its segment's, so that segments overlap a little as in life.
    frame["value_factor"] = rng.lognormal(0.0, 0.25, n)
    frame["margin"] = np.clip(
        np.array([s.gross_margin for s in PLANTED_SEGMENTS])[segment] + rng.normal(0, 0.04, n), -0.2, 0.9
    )
    return frame


# ---------------------------------------------------------------------------------------------
# source-system records


def make_records(
    entities: pd.DataFrame, rng: np.random.Generator, presence: np.ndarray, duplicate_rate: float
) -> pd.DataFrame:
    """Which entity each record of one system belongs to; some entities get a second record."""
    copies = presence.astype(np.int64) * (1 + (rng.random(len(entities)) < duplicate_rate))
    entity_index = np.repeat(entities["entity_index"].to_numpy(), copies)
    copy_number = np.arange(len(entity_index)) - np.repeat(np.cumsum(copies) - copies, copies)
    order = rng.permutation(len(entity_index))  # record ids must not reveal the entity order
    return pd.DataFrame({"entity_index": entity_index[order], "copy_number": copy_number[order]})


def _record_draws(rng: np.random.Generator, records: pd.DataFrame) -> pd.DataFrame:
    n = len(records)
    d = _Draws(rng, n)
    out = records.copy()
    out["record_order"] = np.arange(n)  # DuckDB joins in parallel: results are put back in this order
    for field in ("first", "last", "company", "street"):
        t = d.typo()
        out[f"{field}_typo"], out[f"{field}_u"], out[f"{field}_c"] = t["kind"], t["u"], t["c"]
        out[f"{field}_case"] = d.case()
        out[f"{field}_space"] = d.space()
    out["abbreviate"] = d.flag(DIRT.abbreviation)
    out["email_case"] = np.where(d.flag(0.05), 1, 0)
    out["email_space"] = np.where(d.flag(0.03), 3, 0)
    out["placeholder_email"] = d.flag(DIRT.placeholder_email)
    out["placeholder_email_value"] = _pick(vocab.PLACEHOLDER_EMAILS, rng.integers(0, len(vocab.PLACEHOLDER_EMAILS), n))
    out["malformed_email"] = d.flag(DIRT.malformed_email)
    out["placeholder_phone"] = d.flag(DIRT.placeholder_phone)
    out["placeholder_phone_value"] = _pick(vocab.PLACEHOLDER_PHONES, rng.integers(0, len(vocab.PLACEHOLDER_PHONES), n))
    out["phone_format"] = rng.integers(0, 5, n)
    out["country_format"] = rng.choice(5, size=n, p=(0.55, 0.10, 0.20, 0.10, 0.05))
    # Later copies of a duplicated entity are more often the stale ones.
    out["stale"] = rng.random(n) < np.where(out["copy_number"] > 0, 0.5, DIRT.stale_record * 0.5)
    out["stale_house_number"] = rng.integers(1, 250, n)
    out["stale_street"] = _pick(vocab.STREET_NAMES, rng.integers(0, len(vocab.STREET_NAMES), n))
    out["conflicting_id"] = d.flag(DIRT.conflicting_identifier)
    out["conflict_digit"] = rng.integers(1, 9, n)
    out["days_since_update"] = rng.integers(0, 120, n)
    out["stale_days"] = rng.integers(400, 2000, n)
    out["record_age_days"] = rng.integers(0, 400, n)
    return out


def _rendered_columns() -> str:
    """SQL for the dirty values of one record, shared by the customer-master renderers."""
    # A stale record keeps the address the customer had before moving.
    name = "case when r.stale then r.stale_street else e.street_name end"
    number = "cast(case when r.stale then r.stale_house_number else e.house_number end as varchar)"
    kind = "case when r.abbreviate then e.street_type_variant else e.street_type end"
    street = f"""case e.country
        when 'FR' then {number} || ' ' || {kind} || ' ' || {name}
        when 'DE' then {name} || {kind} || ' ' || {number}
        when 'NL' then {name} || {kind} || ' ' || {number}
        else {number} || ' ' || {name} || ' ' || {kind}
    end"""
    return f"""
        respace(recase(typo(e.first_name, r.first_typo, r.first_u, r.first_c), r.first_case), r.first_space) as d_first,
        respace(recase(typo(e.last_name, r.last_typo, r.last_u, r.last_c), r.last_case), r.last_space) as d_last,
        respace(recase(typo(
            replace(e.company_core, ' & ', case when r.abbreviate then ' and ' else ' & ' end)
            || ' ' || case when r.abbreviate then e.legal_suffix_variant else e.legal_suffix end,
            r.company_typo, r.company_u, r.company_c), r.company_case), r.company_space) as d_company,
        case
            when r.placeholder_email then r.placeholder_email_value
            when r.malformed_email then replace(e.email, '@', case when r.first_u < 0.5 then ' at ' else '@@' end)
            else respace(recase(e.email, r.email_case), r.email_space)
        end as d_email,
        case
            when r.placeholder_phone then r.placeholder_phone_value
            else phone_format(e.calling_code, cast(e.phone_prefix as varchar) || lpad(cast(e.phone_subscriber as varchar), 8, '0'), r.phone_format)
        end as d_phone,
        respace(recase(typo({street}, r.street_typo, r.street_u, r.street_c), r.street_case), r.street_space) as d_street,
        case e.country
            when 'US' then e.postcode_stem || lpad(cast(e.postcode_digits % 100 as varchar), 2, '0')
                || case when r.first_u < 0.05 then '-' || lpad(cast(e.postcode_letters % 10000 as varchar), 4, '0') else '' end
            when 'GB' then e.postcode_stem || cast(1 + e.postcode_digits % 9 as varchar)
                || case when r.abbreviate then '' else ' ' end
                || cast(e.postcode_digits % 10 as varchar) || chr(cast(65 + e.postcode_letters // 26 as integer)) || chr(cast(65 + e.postcode_letters % 26 as integer))
            when 'NL' then e.postcode_stem || lpad(cast(e.postcode_digits % 100 as varchar), 2, '0')
                || case when r.abbreviate then '' else ' ' end || chr(cast(65 + e.postcode_letters // 26 as integer)) || chr(cast(65 + e.postcode_letters % 26 as integer))
            else e.postcode_stem || lpad(cast(e.postcode_digits as varchar), 3, '0')
        end as d_postcode,
        recase(e.city, r.street_case) as d_city,
        case r.country_format
            when 0 then e.country
            when 1 then ({_country_name_sql(0)})
            when 2 then ({_country_name_sql(1)})
            when 3 then lower(e.country)
            else ({_country_name_sql(2)})
        end as d_country,
        case when r.conflicting_id
            then cast((e.tax_number + r.conflict_digit * 1000) % 1000000000 as varchar)
            else cast(e.tax_number as varchar) end as d_tax_digits,
        case when r.conflicting_id
            then cast((e.national_number + r.conflict_digit * 10) % 1000000000 as varchar)
            else cast(e.national_number as varchar) end as d_national_digits
    """


def _country_name_sql(k: int) -> str:
    whens = " ".join(f"when '{c}' then '{names[k]}'" for c, names in vocab.COUNTRY_NAMES.items())
    return f"case e.country {whens} end"


def _tax_id_sql(digits: str) -> str:
    """Country-shaped VAT/tax numbers, sometimes typed with separators."""
    return f"""case country
        when 'US' then substr({digits}, 1, 2) || '-' || substr({digits}, 3)
        when 'GB' then 'GB' || {digits}
        when 'DE' then 'DE' || {digits}
        when 'FR' then 'FR' || '12' || {digits}
        else 'NL' || {digits} || 'B01'
    end"""


def render_crm(con: duckdb.DuckDBPyConnection, entities: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    draws = _record_draws(rng, records)
    draws["crm_customer_id"] = pd.Series(np.arange(len(draws)) + 1, dtype="str").str.zfill(7).radd("C")
    draws["has_email"] = ~(rng.random(len(draws)) < DIRT.crm_missing_email)
    draws["has_national_id"] = rng.random(len(draws)) < 0.4
    draws["has_birth_date"] = rng.random(len(draws)) < 0.6
    draws["has_tax_id"] = rng.random(len(draws)) < 0.7
    draws["has_website"] = rng.random(len(draws)) < 0.7
    draws["website_style"] = rng.integers(0, 4, len(draws))
    draws["type_spelling"] = rng.integers(0, 3, len(draws))
    draws["tax_separator"] = rng.random(len(draws)) < 0.1
    end = pd.Timestamp(end_date)
    query = f"""
    with rendered as (
        select r.*, e.*, {_rendered_columns()}
        from draws as r
        inner join entities as e using (entity_index)
    )
    select
        crm_customer_id,
        case when is_org then ['organization', 'company', 'B2B'][type_spelling + 1]
             else ['person', 'Person', 'B2C'][type_spelling + 1] end as customer_type,
        d_first as first_name,
        d_last as last_name,
        case when is_org then d_company end as company_name,
        case when has_email then d_email end as email,
        d_phone as phone,
        d_street as street,
        d_postcode as postcode,
        d_city as city,
        d_country as country,
        case when not is_org and has_national_id then
            case when tax_separator then substr(d_national_digits, 1, 3) || '-' || substr(d_national_digits, 4, 2) || '-' || substr(d_national_digits, 6)
                 else d_national_digits end
        end as national_id,
        case when is_org and has_tax_id then
            case when tax_separator then replace({_tax_id_sql('d_tax_digits')}, 'B01', ' B01')
                 else {_tax_id_sql('d_tax_digits')} end
        end as tax_id,
        case when not is_org and has_birth_date then cast(birth_date as date) end as birth_date,
        case when is_org and has_website then
            ['https://www.', 'http://', 'www.', ''][website_style + 1] || domain || case when website_style = 0 then '/' else '' end
        end as website,
        case when stale and first_u < 0.5 then 'inactive' else 'active' end as status,
        least(cast(signup_date + to_seconds(record_age_days * 3600) as timestamp), timestamp '{end}') as created_at,
        cast(timestamp '{end}' - to_days(cast(case when stale then stale_days else days_since_update end as integer))
             - to_seconds(cast(first_u * 86000 as bigint)) as timestamp) as updated_at,
        entity_id,
        stale as is_stale
    from rendered
    order by record_order
    """
    return _sql(con, query, draws=draws, entities=entities)


def render_erp(con: duckdb.DuckDBPyConnection, entities: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    draws = _record_draws(rng, records)
    # ERP numbers are numeric and start at 100000.
    draws["erp_customer_id"] = pd.Series(np.arange(len(draws)) + 100001, dtype="str")
    draws["has_email"] = ~(rng.random(len(draws)) < DIRT.erp_missing_email)
    draws["has_vat"] = rng.random(len(draws)) < 0.9
    draws["last_first"] = rng.random(len(draws)) < 0.5
    draws["terms"] = _pick(["14", "30", "30", "45", "60"], rng.integers(0, 5, len(draws))).astype(np.int64)
    draws["credit_units"] = rng.integers(1, 200, len(draws))
    end = pd.Timestamp(end_date)
    query = f"""
    with rendered as (
        select r.*, e.*, {_rendered_columns()}
        from draws as r
        inner join entities as e using (entity_index)
    )
    select
        erp_customer_id,
        case when is_org then d_company
             when last_first then upper(d_last) || ', ' || d_first
             else d_first || ' ' || d_last end as customer_name,
        case when is_org then 'O' else 'P' end as customer_type,
        case when is_org and has_vat then {_tax_id_sql('d_tax_digits')} end as vat_number,
        case when has_email then d_email end as email,
        d_phone as phone,
        d_street as address_line1,
        d_postcode as postal_code,
        upper(d_city) as city,
        case when country_format in (1, 2, 4) then country else d_country end as country_code,
        terms as payment_terms_days,
        cast(credit_units * case when is_org then 500 else 50 end as decimal(18, 2)) as credit_limit,
        least(cast(signup_date + to_days(cast(record_age_days // 4 as integer)) as date), date '{end_date}') as created_on,
        cast(timestamp '{end}' - to_days(cast(case when stale then stale_days else days_since_update end as integer)) as timestamp) as last_modified_at,
        entity_id,
        stale as is_stale
    from rendered
    order by record_order
    """
    return _sql(con, query, draws=draws, entities=entities)


def render_thirdparty(con: duckdb.DuckDBPyConnection, entities: pd.DataFrame, records: pd.DataFrame, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    draws = _record_draws(rng, records)
    draws["thirdparty_id"] = pd.Series(_bijection(np.arange(len(draws)), 899_999_963, 7_919, 0) + 100_000_000, dtype="str")
    draws["employees"] = np.maximum(1, rng.lognormal(3.0, 1.4, len(draws))).astype(np.int64)
    draws["credit"] = np.clip(rng.normal(65, 18, len(draws)), 1, 100).astype(np.int64)
    draws["has_domain"] = rng.random(len(draws)) < 0.85
    query = f"""
    with rendered as (
        select r.*, e.*, {_rendered_columns()}
        from draws as r
        inner join entities as e using (entity_index)
    )
    select
        thirdparty_id,
        upper(e_company) as company_name,
        case when has_domain then domain end as web_domain,
        {_tax_id_sql('d_tax_digits')} as tax_id,
        d_street as street,
        d_postcode as postcode,
        upper(d_city) as city,
        country as country_code,
        industry,
        cast(employees * value_factor * case when planted_segment = 'strategic_partners' then 8 else 1 end as integer) as employee_count,
        cast(employees * value_factor * 95000 as decimal(18, 2)) as annual_revenue_usd,
        credit as credit_score,
        date '{end_date}' - to_days(cast(days_since_update as integer)) as snapshot_date,
        entity_id,
        stale as is_stale
    from (select *, company_core || ' ' || legal_suffix as e_company from rendered)
    order by record_order
    """
    return _sql(con, query, draws=draws, entities=entities)


# ---------------------------------------------------------------------------------------------
# facts


def _segment_param(entities: pd.DataFrame, name: str) -> np.ndarray:
    return np.array([getattr(s, name) for s in PLANTED_SEGMENTS])[entities["segment_index"].to_numpy()]


def _pick_record(rng: np.random.Generator, entity_index: np.ndarray, records: pd.DataFrame, id_column: str) -> np.ndarray:
    """For each fact row of an entity, one of that entity's records in the system (uniformly)."""
    ordered = records.sort_values(["entity_index", "copy_number"], kind="stable")
    ent = ordered["entity_index"].to_numpy()
    n_entities = int(max(entity_index.max(initial=-1), ent.max(initial=-1))) + 1
    counts = np.bincount(ent, minlength=n_entities)
    starts = np.cumsum(counts) - counts
    k = counts[entity_index]
    offset = (rng.random(len(entity_index)) * np.maximum(k, 1)).astype(np.int64)
    return ordered[id_column].to_numpy()[starts[entity_index] + offset]


def _dates_in_window(rng: np.random.Generator, entities: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    owner = np.repeat(entities["entity_index"].to_numpy(), counts)
    start = entities["active_start"].to_numpy()[owner]
    span = (entities["active_end"].to_numpy()[owner] - start) / np.timedelta64(1, "s")
    moment = start + (rng.random(len(owner)) * np.maximum(span, 0)).astype("timedelta64[s]")
    return owner, pd.Series(moment)


def make_invoices(entities: pd.DataFrame, erp: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    has_erp = np.isin(entities["entity_index"].to_numpy(), erp["entity_index"].to_numpy())
    rate = _segment_param(entities, "purchases_per_month") * entities["value_factor"].to_numpy()
    counts = rng.poisson(rate * entities["active_months"].to_numpy()) * has_erp
    owner, moment = _dates_in_window(rng, entities, counts)
    n = len(owner)
    ent = entities.iloc[owner]
    value_usd = _segment_param(ent, "order_value_usd") * ent["value_factor"].to_numpy() * rng.lognormal(-0.125, 0.5, n)
    fx = ent["currency"].map(vocab.USD_TO_LOCAL).to_numpy(dtype=float)
    amount = np.round(value_usd * fx, 2)
    margin = np.clip(ent["margin"].to_numpy() + rng.normal(0, 0.03, n), -0.3, 0.95)
    status = rng.choice(4, size=n, p=(0.90, 0.07, 0.02, 0.01))
    amount = np.where(status == 3, -amount, amount)  # credit notes are negative on purpose
    frame = pd.DataFrame(
        {
            "erp_customer_id": _pick_record(rng, owner, erp, "erp_customer_id"),
            "invoice_date": moment.dt.normalize().dt.date,
            "amount": amount,
            "cost_amount": np.round(amount * (1 - margin), 2),
            "currency_code": ent["currency"].to_numpy(),
            "status": _pick(("paid", "open", "void", "credit_note"), status),
            "product_line": _pick(vocab.PRODUCT_LINES, rng.integers(0, len(vocab.PRODUCT_LINES), n)),
            "entity_id": ent["entity_id"].to_numpy(),
        }
    )
    frame = frame.sort_values(["invoice_date", "erp_customer_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "invoice_id", pd.Series(np.arange(len(frame)) + 1, dtype="str").str.zfill(9).radd("INV"))
    return frame


def make_subscription_events(entities: pd.DataFrame, erp: pd.DataFrame, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    has_erp = np.isin(entities["entity_index"].to_numpy(), erp["entity_index"].to_numpy())
    subscribed = (rng.random(len(entities)) < _segment_param(entities, "subscription_probability")) & has_erp
    subs = entities[subscribed]
    # Each subscription: a 'new' event, some changes/renewals, and a cancel if the entity churned.
    changes = rng.poisson(np.clip(subs["active_months"].to_numpy() / 6, 0, None))
    churned = subs["churn_date"].notna().to_numpy()
    counts = 1 + changes + churned
    owner = np.repeat(subs["entity_index"].to_numpy(), counts)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    n_events = np.repeat(counts, counts)
    ent = entities.iloc[owner]
    is_last = position == n_events - 1
    is_cancel = is_last & np.repeat(churned, counts)
    kind = rng.choice(3, size=len(owner), p=(0.5, 0.3, 0.2))  # renew, upgrade, downgrade
    event_type = np.where(position == 0, "new", _pick(("renew", "upgrade", "downgrade"), kind))
    event_type = np.where(is_cancel, "cancel", event_type)
    factor = np.select([event_type == "upgrade", event_type == "downgrade"], [rng.uniform(1.15, 1.6, len(owner)), rng.uniform(0.55, 0.9, len(owner))], 1.0)
    base = _segment_param(ent, "mrr_usd") * ent["value_factor"].to_numpy() * rng.lognormal(0, 0.3, len(owner))
    base = pd.Series(np.where(position == 0, base, np.nan)).ffill().to_numpy()
    fx = ent["currency"].map(vocab.USD_TO_LOCAL).to_numpy(dtype=float)
    mrr_after = np.round(base * pd.Series(factor).groupby(owner).cumprod().to_numpy() * fx, 2)
    mrr_after = np.where(event_type == "cancel", 0.0, mrr_after)
    mrr_before = pd.Series(mrr_after).groupby(owner).shift(1).fillna(0.0).to_numpy()
    # Event times: spread evenly over the active span, cancel at the churn date.
    start = ent["active_start"].to_numpy()
    end = ent["active_end"].to_numpy()
    fraction = np.where(n_events > 1, position / np.maximum(n_events - 1, 1), 0.0)
    jitter = rng.uniform(0, 86_400, len(owner)).astype("timedelta64[s]")
    at = start + ((end - start) / np.timedelta64(1, "s") * fraction * 0.999).astype("timedelta64[s]") + jitter
    at = np.minimum(at, np.datetime64(pd.Timestamp(end_date) + pd.Timedelta(hours=23)))
    plan = _pick(("starter", "team", "business", "enterprise"), np.clip(np.searchsorted((100, 500, 2000), mrr_after), 0, 3))
    frame = pd.DataFrame(
        {
            "subscription_id": pd.Series(owner + 1, dtype="str").str.zfill(8).radd("SUB"),
            "erp_customer_id": pd.Series(_pick_record(rng, subs["entity_index"].to_numpy(), erp, "erp_customer_id"), dtype="str")
            .repeat(counts).to_numpy(),
            "event_type": event_type,
            "event_at": pd.Series(at).dt.floor("s"),
            "plan_code": plan,
            "mrr_before": mrr_before,
            "mrr_after": mrr_after,
            "currency_code": ent["currency"].to_numpy(),
            "entity_id": ent["entity_id"].to_numpy(),
        }
    )
    frame = frame.sort_values(["event_at", "subscription_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "event_id", pd.Series(np.arange(len(frame)) + 1, dtype="str").str.zfill(9).radd("EVT"))
    return frame


def make_tickets(entities: pd.DataFrame, crm: pd.DataFrame, rng: np.random.Generator, end_date: dt.date) -> pd.DataFrame:
    has_crm = np.isin(entities["entity_index"].to_numpy(), crm["entity_index"].to_numpy())
    counts = rng.poisson(_segment_param(entities, "tickets_per_month") * entities["active_months"].to_numpy()) * has_crm
    owner, moment = _dates_in_window(rng, entities, counts)
    n = len(owner)
    ent = entities.iloc[owner]
    priority = rng.choice(4, size=n, p=(0.3, 0.45, 0.2, 0.05))
    first_response = pd.to_timedelta(rng.exponential(np.array([600, 240, 60, 20])[priority]), unit="m")
    resolution = pd.to_timedelta(rng.exponential(np.array([4000, 2500, 900, 300])[priority]) + 30, unit="m")
    created = moment.dt.floor("s")
    resolved = created + first_response + resolution
    open_now = resolved > pd.Timestamp(end_date) + pd.Timedelta(days=1)
    handling = np.round(_segment_param(ent, "handling_minutes") * rng.lognormal(-0.18, 0.6, n), 1)
    csat_mean = 2.0 + _segment_param(ent, "nps_mean") / 3.5
    csat = np.clip(np.round(rng.normal(csat_mean, 0.9)), 1, 5)
    frame = pd.DataFrame(
        {
            "crm_customer_id": _pick_record(rng, owner, crm, "crm_customer_id"),
            "created_at": created,
            "priority": _pick(("low", "normal", "high", "urgent"), priority),
            "channel": _pick(vocab.SUPPORT_CHANNELS, rng.integers(0, len(vocab.SUPPORT_CHANNELS), n)),
            "category": _pick(vocab.SUPPORT_CATEGORIES, rng.integers(0, len(vocab.SUPPORT_CATEGORIES), n)),
            "status": np.where(open_now, "open", "closed"),
            "first_response_at": (created + first_response).dt.floor("s"),
            "resolved_at": resolved.dt.floor("s").where(~open_now),
            "handling_minutes": handling,
            "csat_score": pd.array(np.where((rng.random(n) < 0.4) & ~open_now, csat, np.nan)).astype("Int32"),
            "entity_id": ent["entity_id"].to_numpy(),
        }
    )
    frame = frame.sort_values(["created_at", "crm_customer_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "ticket_id", pd.Series(np.arange(len(frame)) + 1, dtype="str").str.zfill(8).radd("T"))
    return frame


def make_usage(entities: pd.DataFrame, crm: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    has_crm = np.isin(entities["entity_index"].to_numpy(), crm["entity_index"].to_numpy())
    uses = (rng.random(len(entities)) < _segment_param(entities, "usage_probability")) & has_crm
    months = entities["active_months"].to_numpy()
    draws = rng.poisson(_segment_param(entities, "usage_days") * months / HISTORY_MONTHS * entities["value_factor"].to_numpy()) * uses
    owner, moment = _dates_in_window(rng, entities, draws)
    ent = entities.iloc[owner]
    # One product account per entity: its first CRM record.
    first_record = crm.sort_values(["entity_index", "copy_number"], kind="stable").drop_duplicates("entity_index")
    account = pd.Series(first_record["crm_customer_id"].to_numpy(), index=first_record["entity_index"].to_numpy())
    frame = pd.DataFrame(
        {
            "crm_customer_id": account.reindex(owner).to_numpy(),
            "usage_date": moment.dt.normalize().dt.date,
            "entity_id": ent["entity_id"].to_numpy(),
            "intensity": _segment_param(ent, "usage_days") / 20 * ent["value_factor"].to_numpy(),
        }
    ).drop_duplicates(["crm_customer_id", "usage_date"])  # a day is active or not
    n = len(frame)
    intensity = frame.pop("intensity").to_numpy()
    users = 1 + rng.poisson(intensity * 1.5)
    frame["sessions"] = users + rng.poisson(intensity * 2)
    frame["active_users"] = users
    frame["events"] = frame["sessions"] * rng.integers(5, 60, n)
    frame["features_used"] = np.clip(rng.binomial(12, np.clip(intensity / 4, 0.05, 0.9)), 1, 12)
    frame["minutes_active"] = np.round(frame["sessions"] * rng.gamma(2.0, 9.0, n), 1)
    frame = frame[["crm_customer_id", "usage_date", "sessions", "active_users", "events", "features_used", "minutes_active", "entity_id"]]
    return frame.sort_values(["usage_date", "crm_customer_id"], kind="stable").reset_index(drop=True)


def make_nps(entities: pd.DataFrame, crm: pd.DataFrame, crm_rendered: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    has_crm = np.isin(entities["entity_index"].to_numpy(), crm["entity_index"].to_numpy())
    counts = rng.binomial(3, 0.15, len(entities)) * has_crm
    owner, moment = _dates_in_window(rng, entities, counts)
    n = len(owner)
    ent = entities.iloc[owner]
    score = np.clip(np.round(rng.normal(_segment_param(ent, "nps_mean"), 1.8)), 0, 10).astype(np.int64)
    crm_id = _pick_record(rng, owner, crm, "crm_customer_id")
    email_by_id = crm_rendered.set_index("crm_customer_id")["email"]
    anonymous = rng.random(n) < 0.08
    comments = np.where(score >= 9, "Great service", np.where(score <= 6, "Too slow to respond", "Fine overall"))
    frame = pd.DataFrame(
        {
            "crm_customer_id": pd.Series(crm_id, dtype="str").where(~anonymous),
            "respondent_email": email_by_id.reindex(crm_id).to_numpy(),
            "responded_at": moment.dt.floor("s"),
            "nps_score": score,
            "survey_channel": _pick(("email", "in_app", "sms"), rng.integers(0, 3, n)),
            "comment": pd.Series(comments, dtype="str").where(rng.random(n) < 0.3),
            "entity_id": ent["entity_id"].to_numpy(),
            RESPONDENT_RECORD: crm_id,  # kept for anonymous responses too: an export date cut needs it
        }
    )
    frame = frame.sort_values(["responded_at"], kind="stable").reset_index(drop=True)
    frame.insert(0, "response_id", pd.Series(np.arange(len(frame)) + 1, dtype="str").str.zfill(8).radd("R"))
    return frame


# ---------------------------------------------------------------------------------------------
# invalid rows and exact duplicates


@dataclass(frozen=True)
class InvalidKind:
    name: str  # the reason code staging is expected to give
    column: str
    value: str  # how to spoil the column: 'negate', 'future', 'unknown_ref', 'null', or a literal


INVALID_KINDS: dict[str, tuple[InvalidKind, ...]] = {
    "crm_customers": (InvalidKind("missing_key", "crm_customer_id", "null"), InvalidKind("future_timestamp", "created_at", "future")),
    "erp_customers": (InvalidKind("missing_key", "erp_customer_id", "null"),),
    "erp_invoices": (
        InvalidKind("negative_amount", "amount", "negate"),
        InvalidKind("future_date", "invoice_date", "future"),
        InvalidKind("missing_key", "invoice_id", "null"),
    ),
    "billing_subscription_events": (
        InvalidKind("unknown_category", "event_type", "migrate"),
        InvalidKind("negative_amount", "mrr_after", "negate"),
        InvalidKind("future_timestamp", "event_at", "future"),
    ),
    "support_tickets": (
        InvalidKind("negative_duration", "handling_minutes", "negate"),
        InvalidKind("out_of_range", "csat_score", "9"),
        InvalidKind("future_timestamp", "created_at", "future"),
    ),
    "product_usage_daily": (InvalidKind("negative_count", "sessions", "negate"), InvalidKind("future_date", "usage_date", "future")),
    "surveys_nps_responses": (InvalidKind("out_of_range", "nps_score", "11"), InvalidKind("future_timestamp", "responded_at", "future")),
    "thirdparty_firmographics": (InvalidKind("negative_count", "employee_count", "negate"), InvalidKind("out_of_range", "credit_score", "250")),
}

# Fact tables whose customer reference is spoiled (points at no customer) at DIRT.unknown_customer_reference.
UNKNOWN_REFERENCE_COLUMNS = {
    "erp_invoices": "erp_customer_id",
    "billing_subscription_events": "erp_customer_id",
    "support_tickets": "crm_customer_id",
    "product_usage_daily": "crm_customer_id",
}


def plant_invalid(frame: pd.DataFrame, table: str, rng: np.random.Generator, end_date: dt.date) -> tuple[pd.DataFrame, dict[str, int]]:
    """Spoil disjoint random rows, one kind each; returns the frame and counts per reason."""
    frame = frame.copy()
    planted: dict[str, int] = {}
    frame["planted_invalid"] = pd.Series([None] * len(frame), dtype="str")
    free = np.ones(len(frame), dtype=bool)
    kinds = list(INVALID_KINDS.get(table, ()))
    if table in UNKNOWN_REFERENCE_COLUMNS:
        kinds.append(InvalidKind("unknown_customer_reference", UNKNOWN_REFERENCE_COLUMNS[table], "unknown_ref"))
    for kind in kinds:
        rate = DIRT.unknown_customer_reference if kind.value == "unknown_ref" else DIRT.invalid_row
        hit = free & (rng.random(len(frame)) < rate)
        if kind.value == "negate":
            hit &= frame[kind.column].fillna(0).to_numpy() > 0
        free &= ~hit
        rows = np.flatnonzero(hit)
        col = frame[kind.column]
        if kind.value == "null":
            frame.loc[rows, kind.column] = None
        elif kind.value == "negate":
            frame.loc[rows, kind.column] = -col.iloc[rows]
        elif kind.value == "future":
            shift = pd.to_timedelta(rng.integers(*FAR_FUTURE_DAYS, len(rows)), unit="D")
            base = pd.Timestamp(end_date)
            future = (base + shift) if pd.api.types.is_datetime64_any_dtype(col) else (base + shift).date
            frame.loc[rows, kind.column] = future
        elif kind.value == "unknown_ref":
            frame.loc[rows, kind.column] = pd.Series(rng.integers(90_000_000, 99_999_999, len(rows)), dtype="str").radd("X").to_numpy()
        elif kind.value == "migrate":
            frame.loc[rows, kind.column] = "migrated"
        else:
            frame.loc[rows, kind.column] = int(kind.value)
        frame.loc[rows, "planted_invalid"] = kind.name
        planted[kind.name] = len(rows)
    return frame, planted


def plant_exact_duplicates(frame: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Export some rows twice; copies sit right after their original, as a re-sent batch would."""
    repeat = 1 + (rng.random(len(frame)) < DIRT.exact_duplicate_row)
    out = frame.loc[frame.index.repeat(repeat)].reset_index(drop=True)
    return out, int((repeat - 1).sum())


# ---------------------------------------------------------------------------------------------
# the exports as they stood on an earlier date

# The clean date that puts a row in the exports (third-party records: the entity's signup date).
EXPORT_DATE_COLUMNS = {
    "crm_customers": "created_at",
    "erp_customers": "created_on",
    "erp_invoices": "invoice_date",
    "billing_subscription_events": "event_at",
    "support_tickets": "created_at",
    "product_usage_daily": "usage_date",
    "surveys_nps_responses": "responded_at",
}
# The customer record each fact belongs to: a fact is exported only once that record exists.
FACT_RECORDS = {
    "erp_invoices": ("erp_customer_id", "erp_customers"),
    "billing_subscription_events": ("erp_customer_id", "erp_customers"),
    "support_tickets": ("crm_customer_id", "crm_customers"),
    "product_usage_daily": ("crm_customer_id", "crm_customers"),
    "surveys_nps_responses": (RESPONDENT_RECORD, "crm_customers"),
}


def _moments(values: pd.Series | np.ndarray) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")


def mark_export_moments(tables: dict[str, pd.DataFrame], entities: pd.DataFrame) -> None:
    """Give every row of the clean world the first moment it is in an export (before dirt spoils dates).

    A fact is exported from its own date, or from the creation of the customer record it names when
    that comes later: ERP records are opened up to 100 days after signup, while facts start at signup.
    Also numbers the rows, so that the cut can tell planted exact duplicates from their originals.
    """
    created = {
        master: pd.Series(_moments(tables[master][EXPORT_DATE_COLUMNS[master]]), index=tables[master][key].to_numpy())
        for master, key in (("crm_customers", "crm_customer_id"), ("erp_customers", "erp_customer_id"))
    }
    signup = pd.Series(_moments(entities["signup_date"]), index=entities["entity_id"].to_numpy())
    for name, frame in tables.items():
        if name == "thirdparty_firmographics":  # the vendor knows a company once it is a customer
            moment = signup.reindex(frame["entity_id"].to_numpy()).to_numpy()
        else:
            moment = _moments(frame[EXPORT_DATE_COLUMNS[name]])
        if name in FACT_RECORDS:
            column, master = FACT_RECORDS[name]
            moment = np.maximum(moment, created[master].reindex(frame[column].to_numpy()).to_numpy())
        if np.isnat(moment).any():
            raise RuntimeError(f"{name}: rows without an export moment")
        frame[EXPORTED_FROM] = moment
        frame[EXPORT_ROW] = np.arange(len(frame))


def cut_to_export_date(
    frame: pd.DataFrame, table: str, export_date: dt.date, invalid_kinds: list[str]
) -> tuple[pd.DataFrame, int, dict[str, int]]:
    """The rows of a table (dirt planted on the full world) that existed on export_date, as they stood then.

    Rows are kept by their clean export moment, so a planted invalid row (a future date, a missing
    key) is in every export from its clean date on, spoiled the same way. Returns the cut frame
    without helper columns, its exact duplicate rows and its invalid rows per planted kind.
    """
    next_day = pd.Timestamp(export_date) + pd.Timedelta(days=1)
    last_second = next_day - pd.Timedelta(seconds=1)
    frame = frame.loc[frame[EXPORTED_FROM].to_numpy() < next_day.to_datetime64()].reset_index(drop=True)
    # What happened after the export date is not in it yet: later updates, resolutions, first responses.
    if table == "crm_customers":
        frame["updated_at"] = frame["updated_at"].clip(upper=last_second)
    elif table == "erp_customers":
        frame["last_modified_at"] = frame["last_modified_at"].clip(upper=last_second)
    elif table == "thirdparty_firmographics":
        frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"]).clip(upper=pd.Timestamp(export_date))
    elif table == "support_tickets":
        open_then = (frame["resolved_at"] >= next_day).to_numpy()
        frame.loc[open_then, "status"] = "open"
        frame.loc[open_then, "resolved_at"] = pd.NaT
        # A planted out-of-range score stays: the row is invalid the same way on every date.
        frame.loc[open_then & (frame["planted_invalid"] != "out_of_range").to_numpy(), "csat_score"] = pd.NA
        frame.loc[(frame["first_response_at"] >= next_day).to_numpy(), "first_response_at"] = pd.NaT
    is_copy = frame[EXPORT_ROW].duplicated().to_numpy()
    invalid = {kind: int(((frame["planted_invalid"] == kind).to_numpy() & ~is_copy).sum()) for kind in invalid_kinds}
    return frame.drop(columns=[EXPORTED_FROM, EXPORT_ROW]), int(is_copy.sum()), invalid


# ---------------------------------------------------------------------------------------------
# writing


def write_table(frame: pd.DataFrame, table: RawTable, out: Path, fmt: str) -> Path:
    """Write one raw table exactly as the contract declares it (column order and types)."""
    schema = table.arrow_schema()
    columns = []
    for f in schema:
        values = frame[f.name]
        if pa.types.is_decimal(f.type):
            values = values.astype("float64").round(f.type.scale)
            arr = pa.array(values, type=pa.float64(), from_pandas=True).cast(f.type)
        elif pa.types.is_date(f.type):
            arr = pa.array(pd.to_datetime(values).dt.date, type=f.type, from_pandas=True)
        elif pa.types.is_timestamp(f.type):
            arr = pa.array(pd.to_datetime(values).astype("datetime64[us]"), type=f.type, from_pandas=True)
        else:
            arr = pa.array(values, from_pandas=True).cast(f.type)
        columns.append(arr)
    arrow = pa.Table.from_arrays(columns, schema=schema)
    path = out / f"{table.raw_file}.{fmt}"
    if fmt == "parquet":
        pq.write_table(arrow, path, compression="zstd", row_group_size=500_000)
    else:
        pacsv.write_csv(arrow, path)
    return path


def generate(
    customers: int,
    seed: int,
    out: Path,
    truth: Path,
    fmt: str = "parquet",
    end_date: dt.date = DEFAULT_END_DATE,
    progress: bool = True,
    export_date: dt.date | None = None,
) -> dict:
    """Generate every raw table and the ground truth; returns the summary written to truth/summary.json.

    The world is always drawn up to end_date. An export_date before it writes the exports (and the
    truth) as they stood on that date, so that successive export dates of one seed show the same
    world evolving; None or end_date writes the full exports.
    """
    if customers < 1:
        raise ValueError("--customers must be at least 1")
    if export_date is not None and export_date > end_date:
        raise ValueError(f"--export-date {export_date} is after --end-date {end_date}: the world ends there")
    cut = export_date is not None and export_date < end_date
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    con.execute("set threads to 2")
    con.execute(_DIRT_MACROS)
    contract = raw_tables()
    steps = tqdm(total=11, desc="generate", unit="step", disable=not progress, file=sys.stderr)

    def step(label: str) -> None:
        steps.set_postfix_str(label)
        steps.update(1)

    entities = make_entities(customers, rng, end_date)
    step("entities")
    in_crm = rng.random(customers) < DIRT.crm_presence
    in_erp = rng.random(customers) < DIRT.erp_presence
    in_crm |= ~(in_crm | in_erp)  # every real customer is known to at least one system
    in_tp = entities["is_org"].to_numpy() & (rng.random(customers) < DIRT.thirdparty_presence)
    crm_records = make_records(entities, rng, in_crm, DIRT.crm_internal_duplicate)
    erp_records = make_records(entities, rng, in_erp, DIRT.erp_internal_duplicate)
    tp_records = make_records(entities, rng, in_tp, 0.0)
    crm = render_crm(con, entities, crm_records, rng, end_date)
    crm_records["crm_customer_id"] = crm["crm_customer_id"].to_numpy()
    step("crm")
    erp = render_erp(con, entities, erp_records, rng, end_date)
    erp_records["erp_customer_id"] = erp["erp_customer_id"].to_numpy()
    step("erp")
    thirdparty = render_thirdparty(con, entities, tp_records, rng, end_date)
    step("third party")
    tables = {
        "crm_customers": crm,
        "erp_customers": erp,
        "thirdparty_firmographics": thirdparty,
        "erp_invoices": make_invoices(entities, erp_records, rng),
    }
    step("invoices")
    tables["billing_subscription_events"] = make_subscription_events(entities, erp_records, rng, end_date)
    step("subscriptions")
    tables["support_tickets"] = make_tickets(entities, crm_records, rng, end_date)
    step("tickets")
    tables["product_usage_daily"] = make_usage(entities, crm_records, rng)
    step("usage")
    tables["surveys_nps_responses"] = make_nps(entities, crm_records, crm, rng)
    step("nps")

    if cut:
        mark_export_moments(tables, entities)
    summary: dict = {"customers": customers, "seed": seed, "end_date": end_date.isoformat()}
    if cut:
        summary["export_date"] = export_date.isoformat()
    summary |= {"format": fmt, "dirt_rates": asdict(DIRT), "tables": {}}
    truth_records = []
    customer_tables = {"crm_customers": "crm", "erp_customers": "erp", "thirdparty_firmographics": "thirdparty"}
    for name in sorted(tables):
        id_col = contract[name].columns[0].name
        if name in customer_tables:  # the truth keeps the id a record had before dirt spoiled it
            tables[name]["original_record_id"] = tables[name][id_col]
        frame, invalid = plant_invalid(tables[name], name, rng, end_date)
        frame, duplicates = plant_exact_duplicates(frame, rng)
        if cut:  # dirt first, on the full world, so a row is spoiled the same way on every export date
            frame, duplicates, invalid = cut_to_export_date(frame, name, export_date, list(invalid))
        write_table(frame, contract[name], out, fmt)
        summary["tables"][name] = {"rows": len(frame), "exact_duplicate_rows": duplicates, "invalid_rows": invalid}
        if name in customer_tables:
            truth_records.append(
                frame.drop_duplicates()[[id_col, "original_record_id", "entity_id", "is_stale", "planted_invalid"]]
                .rename(columns={id_col: "source_record_id"})
                .assign(source_system=customer_tables[name])
            )
    marker = {key: summary[key] for key in ("customers", "seed", "end_date", "export_date") if key in summary}
    (out / GENERATED_MARKER).write_text(json.dumps({"generator": "custseg.generate", **marker}, indent=2) + "\n")
    step("write raw")
    records = pd.concat(truth_records, ignore_index=True)[
        ["source_system", "source_record_id", "original_record_id", "entity_id", "is_stale", "planted_invalid"]
    ]
    pq.write_table(pa.Table.from_pandas(records, preserve_index=False), truth / "source_records.parquet")
    truth_entities = entities[["entity_id", "is_org", "planted_segment", "country", "signup_date", "churn_date"]].rename(
        columns={"is_org": "is_organization"}
    )
    if cut:  # customers who had signed up by the export date, churned only if that was before it
        day = pd.Timestamp(export_date)
        truth_entities = truth_entities.loc[truth_entities["signup_date"] <= day].reset_index(drop=True)
        truth_entities["churn_date"] = truth_entities["churn_date"].where(truth_entities["churn_date"] <= day)
    pq.write_table(pa.Table.from_pandas(truth_entities, preserve_index=False), truth / "entities.parquet")
    (truth / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    step("truth")
    steps.close()
    con.close()
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000, help="number of real customers (entities); default 5000")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same files")
    parser.add_argument("--out", type=Path, default=Path("data/sample/raw"), help="folder for the raw exports")
    parser.add_argument("--truth", type=Path, default=None, help="folder for the ground truth (default: <out>/../truth)")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--end-date", type=dt.date.fromisoformat, default=DEFAULT_END_DATE, help="last day of history (YYYY-MM-DD)")
    parser.add_argument(
        "--export-date",
        type=dt.date.fromisoformat,
        default=None,
        help="write the exports as they stood on this date (YYYY-MM-DD, at most --end-date; default: the end date)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    if args.export_date is not None and args.export_date > args.end_date:
        parser.error(f"--export-date {args.export_date} is after --end-date {args.end_date}: the world ends there")
    truth = args.truth or args.out.parent / "truth"
    summary = generate(
        args.customers, args.seed, args.out, truth, args.format, args.end_date, progress=not args.no_progress, export_date=args.export_date
    )
    total = sum(t["rows"] for t in summary["tables"].values())
    print(f"wrote {total:,} rows in {len(summary['tables'])} tables to {args.out}; ground truth in {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

