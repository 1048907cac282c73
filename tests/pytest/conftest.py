"""Shared fixtures: generated samples and dbt builds in temporary folders, once per session."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    # The steward decisions the build asked for: None (the project's default, as a user's build), own
    # (seeds/steward/) or sample (seeds/sample/).
    steward_decisions: str | None = None

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.sql(sql).fetchall()


def pii_hash_key() -> str:
    """The key of the PII digests in test builds: the environment's, else a known one (the people are invented)."""
    return os.environ.get("SEG_PII_HASH_KEY", "custseg-test-data-only")


def dbt_env(raw_dir: Path, warehouse: Path, steward_decisions: str | None = None) -> dict[str, str]:
    """The environment of a dbt command run from the warehouse's folder. The warehouse path is relative to
    it, so that the profile, which dbt's saved parse depends on, is the same for every test's warehouse.
    SEG_STEWARD_DECISIONS is the test's, never inherited (make exports `sample` when it builds the sample):
    unset, as in a user's shell, unless the test asks for the sample's decisions (or names `own`)."""
    env = {
        **os.environ,
        "SEG_RAW_DIR": str(raw_dir),
        "SEG_WAREHOUSE_PATH": warehouse.name,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "SEG_PII_HASH_KEY": pii_hash_key(),
    }
    env.pop("SEG_STEWARD_DECISIONS", None)
    if steward_decisions is not None:
        env["SEG_STEWARD_DECISIONS"] = steward_decisions
    return env


# A folder shared by the pytest-xdist workers, holding one parse of the project per choice of steward
# decisions (set once per run).
_shared_parse: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def shared_parse_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    _shared_parse.append(shared_dir(tmp_path_factory, "dbt_parse"))


def start_from_shared_parse(target: Path, steward_decisions: str | None) -> None:
    """Give a new target folder the project as parsed once for the run: dbt then parses only what differs
    (nothing, unless the command sets other vars or the PII key), not the whole project again (~15 s)."""
    if not _shared_parse or (target / "partial_parse.msgpack").exists():
        return
    folder = _shared_parse[0] / (steward_decisions or "default")
    folder.mkdir(exist_ok=True)
    saved = folder / "target" / "partial_parse.msgpack"
    with one_worker_at_a_time(folder):
        if not saved.exists():
            parse = subprocess.run(
                [DBT, "parse", "--project-dir", str(PROJECT_DIR), "--target-path", str(folder / "target"),
                 "--log-path", str(folder / "logs")],
                cwd=folder, env=dbt_env(folder / "raw", folder / "warehouse.duckdb", steward_decisions),
                capture_output=True, text=True, check=False,
            )
            assert parse.returncode == 0, parse.stdout[-5000:]
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, target / "partial_parse.msgpack")


def run_dbt(
    args: list[str], raw_dir: Path, warehouse: Path, target: Path, project_dir: Path = PROJECT_DIR,
    steward_decisions: str | None = None,
) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this virtual environment against a given raw folder and warehouse file, with the
    project's default steward decisions, or those asked for (`sample`: the sample's, on generated data)."""
    warehouse, target = warehouse.absolute(), target.absolute()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    # The saved parse names its project's files: a copy of the project is parsed afresh. Other vars make dbt
    # parse afresh anyway.
    if project_dir == PROJECT_DIR and "--vars" not in args:
        start_from_shared_parse(target, steward_decisions)
    # Four threads on small test data: dbt's per-node overhead, not DuckDB, is what the cores wait on.
    threads = ["--threads", "4"] if args and args[0] in ("build", "run", "test", "seed") else []
    return subprocess.run(
        [DBT, *args, *threads, "--project-dir", str(project_dir), "--target-path", str(target),
         "--log-path", str(target / "logs")],
        cwd=warehouse.parent,
        env=dbt_env(raw_dir, warehouse, steward_decisions),
        capture_output=True,
        text=True,
        check=False,
    )


def build(
    raw_dir: Path, workdir: Path, *extra: str, project_dir: Path = PROJECT_DIR, steward_decisions: str | None = None
) -> Build:
    warehouse = workdir / "warehouse.duckdb"
    target = workdir / "target"
    # The unit tests' inputs are fixed rows, not the data: make test's own build runs them once.
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test", *extra], raw_dir, warehouse, target, project_dir, steward_decisions
    )
    return Build(raw_dir, warehouse, target, result, steward_decisions)


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no data, environment or build output), e.g. to edit its seeds."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".venv", ".git", "data", "warehouse", "target", "logs", "dbt_packages", "__pycache__")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, destination / name)
    for folder in ("models", "macros", "seeds", "snapshots", "tests", "analyses", "python_models"):
        shutil.copytree(PROJECT_DIR / folder, destination / folder, ignore=ignore)
    return destination


def shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder all pytest-xdist workers of this run share (each worker's own temp folder otherwise)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def one_worker_at_a_time(folder: Path) -> Iterator[None]:
    """Hold the folder's lock: the first worker makes what is shared, the others wait, then reuse it."""
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """1,500 generated customers: (raw folder, truth folder, generator summary), made once per run."""
    root = shared_dir(tmp_path_factory, "small_sample")
    with one_worker_at_a_time(root):
        if not (root / "summary.json").exists():
            summary = generate(1500, seed=11, out=root / "raw", truth=root / "truth", progress=False)
            (root / "summary.json").write_text(json.dumps(summary))
    return root / "raw", root / "truth", json.loads((root / "summary.json").read_text())


@pytest.fixture(scope="session")
def built_sample(small_sample, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The small sample built once per run and shared by the workers, read-only: a test that runs dbt on it
    (which opens the warehouse for writing) works on a copy. The clustering run also reports its agreement
    with the planted segments. It applies the sample's steward decisions (seeds/sample/): they were written
    for the 5,000-customer sample, so here they name other (equally invented) customers, which is all the
    tests of overrides, stewards, targets and PII waivers need."""
    raw_dir, truth_dir, _ = small_sample
    workdir = shared_dir(tmp_path_factory, "built_sample")
    warehouse, target = workdir / "warehouse.duckdb", workdir / "target"
    with one_worker_at_a_time(workdir):
        if not (workdir / "result.json").exists():
            labels = workdir / "planted_segments.parquet"
            planted_labels(truth_dir).to_parquet(labels, index=False)
            result = build(
                raw_dir, workdir, "--vars", f"{{segmentation_reference_labels: '{labels}'}}", steward_decisions="sample"
            ).result
            (workdir / "result.json").write_text(json.dumps({"args": result.args, "returncode": result.returncode, "stdout": result.stdout}))
        recorded = json.loads((workdir / "result.json").read_text())
    result = subprocess.CompletedProcess(recorded["args"], recorded["returncode"], recorded["stdout"], "")
    assert result.returncode == 0, result.stdout[-5000:]
    return Build(raw_dir, warehouse, target, result, "sample")


def copy_warehouse(source: Build, destination: Path) -> Path:
    """A private copy of a build's warehouse file (with its write-ahead log, if any), for a test that runs
    dbt on it or changes it."""
    destination.mkdir(parents=True, exist_ok=True)
    copy = destination / "warehouse.duckdb"
    shutil.copy(source.warehouse, copy)
    wal = source.warehouse.with_name(source.warehouse.name + ".wal")
    if wal.exists():
        shutil.copy(wal, copy.with_name(copy.name + ".wal"))
    return copy
