"""The project's own dbt-score rules: dbt-project-evaluator's checks, written by hand.

dbt-project-evaluator is a dbt Hub package, which cannot be installed here, so its rules that the project
follows (shared conventions: layers and names, primary-key tests, contracts on public models) run as
dbt-score rules instead, beside dbt-score's own. `make lint` loads them through `rule_namespaces` in
pyproject.toml. They are critical: one violation scores the model 0 and fails the lint.
"""

from dbt_score import Model, RuleViolation, Severity, rule

# Name prefixes by the folder a model lives in (STYLE.md, "Layers and names").
LAYER_PREFIXES = {
    "models/staging/": ("stg_", "base_"),
    "models/intermediate/": ("int_",),
    "python_models/intermediate/": ("int_",),
    "models/marts/": ("dim_", "fct_"),
}
KEY_TESTS = {"unique", "columns_unique_together"}


def _layer(model: Model) -> str | None:
    return next((folder for folder in LAYER_PREFIXES if model.original_file_path.startswith(folder)), None)


@rule(severity=Severity.CRITICAL)
def model_is_named_for_its_layer(model: Model) -> RuleViolation | None:
    """A model's prefix says its layer: stg_/base_ in staging, int_ in intermediate, dim_/fct_ in marts."""
    layer = _layer(model)
    if layer is None:
        return RuleViolation(f"{model.original_file_path} is outside the staging, intermediate and marts folders.")
    if not model.name.startswith(LAYER_PREFIXES[layer]):
        return RuleViolation(f"Models in {layer} are named {' or '.join(LAYER_PREFIXES[layer])}...")
    return None


@rule(severity=Severity.CRITICAL)
def model_has_a_primary_key_test(model: Model) -> RuleViolation | None:
    """Every model states its grain with a test: unique on a column, or columns_unique_together."""
    if model.original_file_path.startswith("models/staging/") and model.name.startswith("base_"):
        return None  # base_ views type every raw row, duplicates included: their stg_ model is keyed.
    column_tests = {test.type for column in model.columns for test in column.tests}
    model_tests = {test.type for test in model.tests}
    if not (column_tests | model_tests) & KEY_TESTS:
        return RuleViolation("No primary key test (unique, or columns_unique_together).")
    return None


@rule(severity=Severity.CRITICAL)
def public_model_has_an_enforced_contract(model: Model) -> RuleViolation | None:
    """A public model is read by BI and downstream systems: its columns and types are a contract."""
    if model.access == "public" and not model.config.get("contract", {}).get("enforced"):
        return RuleViolation("Public model without an enforced contract.")
    return None


@rule(severity=Severity.CRITICAL)
def public_model_is_scanned_for_pii(model: Model) -> RuleViolation | None:
    """A public model carries the no_unmasked_pii test, so that no direct identifier leaks into it."""
    if model.access == "public" and "no_unmasked_pii" not in {test.type for test in model.tests}:
        return RuleViolation("Public model without the no_unmasked_pii test.")
    return None


@rule(severity=Severity.CRITICAL)
def only_staging_reads_sources(model: Model) -> RuleViolation | None:
    """Sources are read in staging only; every other layer reads models (ref)."""
    reads_sources = any(node.startswith("source.") for node in model.depends_on.get("nodes", []))
    if reads_sources and _layer(model) != "models/staging/":
        return RuleViolation("Reads a source outside staging.")
    return None


@rule(severity=Severity.CRITICAL)
def marts_do_not_read_staging(model: Model) -> RuleViolation | None:
    """Marts read intermediate models or other marts, never staging (no layer is skipped)."""
    if _layer(model) == "models/marts/":
        staging = [node for node in model.depends_on.get("nodes", []) if node.split(".")[-1].startswith(("stg_", "base_"))]
        if staging:
            return RuleViolation(f"Reads staging: {', '.join(sorted(staging))}.")
    return None
