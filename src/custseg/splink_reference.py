"""Splink 5 as a reference deduplication for the identity benchmark (bench only; not used by dbt).

``python -m custseg.splink_reference --records R.parquet --out C.parquet`` reads the standardized
party records the project's identity models start from (``int_identity__party_records``), dedupes
them with Splink on the DuckDB backend, and writes one cluster id per record. It prints the wall
time from reading the records to the clusters.

Two configurations (``--config``): ``generated``, a typical model for the generator's customers
(persons and organizations, contact identifiers), as Splink's tutorial writes one; and ``febrl``,
for person records with name, date of birth, social security number and address, as Splink's own
FEBRL examples model them (name comparisons, date of birth, the id at Damerau-Levenshtein
thresholds, street number and postcode; blocking on the id, the full name, the birth date, the
street and the postcode; the probability of a match estimated from deterministic rules, u by
random sampling, m by expectation maximisation blocked on birth date and on postcode).

Splink is not in the project's environment: ``make bench`` installs it in ``.venv-bench`` from
``requirements-bench.lock``. Imports are therefore local to the functions.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pandas as pd


def _em(linker, *columns: str, **options) -> None:
    """One EM session. A session Splink cannot finish is skipped with a note on stdout (the model keeps
    the other sessions' estimates): a rule that pairs no records (small or sparse data), or m values
    that underflow (EM driven to a degenerate solution, seen on the cross-system shape)."""
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    try:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*columns), **options)
    except (EMTrainingException, ValueError) as error:
        print(f"splink: EM session skipped (blocked on {', '.join(columns)}): {str(error).splitlines()[0][:200]}",
              flush=True)


def generated_settings():
    """A typical Splink model for the generator's records: names, contact identifiers, address, dates."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="source_record_key",
        comparisons=[
            cl.ForenameSurnameComparison("first_name_std", "last_name_std"),
            cl.NameComparison("company_name_std"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone_e164"),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("street_std", [0.95, 0.88]),
            cl.ExactMatch("city_std"),
            cl.ExactMatch("tax_id"),
            cl.ExactMatch("national_id"),
            cl.ExactMatch("web_domain"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("postcode", "substr(last_name_std, 1, 3)"),
            block_on("postcode", "substr(company_name_std, 1, 3)"),
            block_on("email"),
            block_on("phone_e164"),
            block_on("tax_id"),
            block_on("web_domain"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def train_generated(linker, seed: int) -> None:
    """Training as Splink's tutorial does it: lambda from deterministic rules, u sampled, m by EM."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("phone_e164"), block_on("tax_id")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    _em(linker, "postcode", "substr(last_name_std, 1, 3)")
    _em(linker, "email")


def febrl_settings():
    """Person records as FEBRL holds them, modelled as Splink's FEBRL examples do."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="source_record_key",
        comparisons=[
            cl.ForenameSurnameComparison("first_name_std", "last_name_std"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]),
            cl.ExactMatch("house_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("street_std", [0.95, 0.88]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
            cl.NameComparison("city_std"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("national_id"),
            block_on("first_name_std", "last_name_std"),
            block_on("birth_date"),
            block_on("house_number", "street_std"),
            block_on("postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def train_febrl(linker, seed: int) -> None:
    """Training as Splink's FEBRL examples do it."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("national_id"), block_on("first_name_std", "last_name_std", "birth_date")], recall=0.9
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    _em(linker, "birth_date", estimate_without_term_frequencies=True)
    _em(linker, "postcode", estimate_without_term_frequencies=True)


CONFIGS = {"generated": (generated_settings, train_generated), "febrl": (febrl_settings, train_febrl)}


def run_splink(records_path: str | Path, threads: int = 2, match_probability_threshold: float = 0.95,
               seed: int = 42, config: str = "generated") -> pd.DataFrame:
    """Cluster id per record (``source_record_key``, ``cluster_id``) from Splink's connected components."""
    import duckdb
    from splink import DuckDBAPI, Linker

    if config not in CONFIGS:
        raise ValueError(f"Unknown Splink configuration {config!r}: choose one of {', '.join(CONFIGS)}")
    settings, train = CONFIGS[config]
    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    records = con.read_parquet(str(records_path)).df()
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(records, table_name="party_records"), settings(), log_level=logging.WARNING)
    train(linker, seed)
    predictions = linker.inference.predict(threshold_match_probability=match_probability_threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=match_probability_threshold
    )
    return clusters.as_pandas_dataframe()[["source_record_key", "cluster_id"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.splink_reference", description=__doc__.splitlines()[0])
    parser.add_argument("--records", required=True, type=Path, help="Parquet of party records")
    parser.add_argument("--out", required=True, type=Path, help="Parquet to write the clusters to")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=0.95, help="match probability to link at")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="generated", help="which Splink model to train")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    clusters = run_splink(args.records, threads=args.threads, match_probability_threshold=args.threshold,
                          config=args.config)
    seconds = time.perf_counter() - start
    clusters.to_parquet(args.out, index=False)
    print(f"splink: {len(clusters):,} records, {clusters['cluster_id'].nunique():,} clusters, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
