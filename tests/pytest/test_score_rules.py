"""The metadata lint (dbt-score with custseg.score_rules) passes the project and fails what the rules forbid."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_DIR, Build

DBT_SCORE = str(Path(sys.executable).with_name("dbt-score"))


def score(manifest: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    # Run from the project folder: the rules and thresholds are in its pyproject.toml.
    return subprocess.run(
        [DBT_SCORE, "lint", "--manifest", str(path), "--show", "failing-rules"],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )


def test_the_project_passes_and_each_project_rule_catches_its_violation(built_sample: Build, tmp_path: Path) -> None:
    manifest = json.loads((built_sample.target / "manifest.json").read_text())
    passing = score(manifest, tmp_path)
    assert passing.returncode == 0, passing.stdout[-3000:]

    nodes = manifest["nodes"]
    # A public mart loses its contract; another loses its PII scan; a mart reads staging and a source.
    nodes["model.custseg.dim_segments"]["config"]["contract"]["enforced"] = False
    scan = next(uid for uid, n in nodes.items() if n["resource_type"] == "test" and n.get("attached_node") == "model.custseg.fct_company_kpis"
                and n["test_metadata"]["name"] == "no_unmasked_pii")
    del nodes[scan]
    nodes["model.custseg.dim_dates"]["depends_on"]["nodes"] += ["model.custseg.stg_erp__invoices", "source.custseg.erp.erp_invoices"]
    # An intermediate model without a key test, and one named like a mart.
    for uid, node in list(nodes.items()):
        if node["resource_type"] == "test" and node.get("attached_node") == "model.custseg.int_kpis__fiscal_periods":
            del nodes[uid]
    nodes["model.custseg.int_features__nps"]["name"] = "fct_nps"
    failing = score(manifest, tmp_path)
    assert failing.returncode == 1
    expected = {
        "dim_segments": "public_model_has_an_enforced_contract",
        "fct_company_kpis": "public_model_is_scanned_for_pii",
        "int_kpis__fiscal_periods": "model_has_a_primary_key_test",
        "fct_nps": "model_is_named_for_its_layer",
    }
    for model, rule in expected.items():
        assert f"Model: {model}" in failing.stdout and f"custseg.score_rules.{rule}" in failing.stdout, (model, rule)
    assert "custseg.score_rules.only_staging_reads_sources" in failing.stdout
    assert "custseg.score_rules.marts_do_not_read_staging" in failing.stdout
