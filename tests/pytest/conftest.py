"""Shared fixtures: generated samples and dbt builds in temporary folders, once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from custseg.generate import generate
from custseg.segmentation_accuracy import planted_labels

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass
class Build:
    raw_dir: Path
    warehouse: Path
    target: Path
    result: subprocess.CompletedProcess

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.sql(sql).fetchall()


def run_dbt(
    args: list[str], raw_dir: Path, warehouse: Path, target: Path, project_dir: Path = PROJECT_DIR
) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this virtual environment against a given raw folder and warehouse file."""
    env = {
        **os.environ,
        "SEG_RAW_DIR": str(raw_dir),
        "SEG_WAREHOUSE_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        # The generated people are invented: a known key for their PII digests will do.
        "SEG_PII_HASH_KEY": os.environ.get("SEG_PII_HASH_KEY", "custseg-test-data-only"),
    }
    # Four threads on small test data: dbt's per-node overhead, not DuckDB, is what the cores wait on.
    threads = ["--threads", "4"] if args and args[0] in ("build", "run", "test", "seed") else []
    return subprocess.run(
        [DBT, *args, *threads, "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def build(raw_dir: Path, workdir: Path, *extra: str, project_dir: Path = PROJECT_DIR) -> Build:
    warehouse = workdir / "warehouse.duckdb"
    target = workdir / "target"
    # The unit tests' inputs are fixed rows, not the data: make test's own build runs them once.
    result = run_dbt(["build", "--exclude-resource-type", "unit_test", *extra], raw_dir, warehouse, target, project_dir)
    return Build(raw_dir, warehouse, target, result)


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no data, environment or build output), e.g. to edit its seeds."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".venv", ".git", "data", "warehouse", "target", "logs", "dbt_packages", "__pycache__")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, destination / name)
    for folder in ("models", "macros", "seeds", "snapshots", "tests", "analyses", "python_models"):
        shutil.copytree(PROJECT_DIR / folder, destination / folder, ignore=ignore)
    return destination


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """1,500 generated customers: (raw folder, truth folder, generator summary)."""
    root = tmp_path_factory.mktemp("sample")
    summary = generate(1500, seed=11, out=root / "raw", truth=root / "truth", progress=False)
    return root / "raw", root / "truth", summary


@pytest.fixture(scope="session")
def built_sample(small_sample, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The small sample built once; the clustering run also reports its agreement with the planted segments."""
    raw_dir, truth_dir, _ = small_sample
    workdir = tmp_path_factory.mktemp("build")
    labels = workdir / "planted_segments.parquet"
    planted_labels(truth_dir).to_parquet(labels, index=False)
    result = build(raw_dir, workdir, "--vars", f"{{segmentation_reference_labels: '{labels}'}}")
    assert result.result.returncode == 0, result.result.stdout[-5000:]
    return result


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With xdist (--dist loadgroup), every test on the small-sample build runs in one worker, which
    builds it once; the other worker meanwhile takes the tests that build their own warehouses."""
    for item in items:
        if "built_sample" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("built_sample"))
