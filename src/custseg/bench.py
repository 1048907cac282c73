"""Benchmark of the data generator: wall time and peak memory, median of several runs.

``python -m custseg.bench --customers 1000000 --runs 3`` runs the generator in fresh processes
(so that peak memory is per run) into a temporary folder and prints each run and the medians.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(customers: int, seed: int, workdir: Path) -> tuple[float, float, int, int]:
    """One generator run in a child process: (seconds, peak GiB, rows, bytes on disk)."""
    out = workdir / "raw"
    shutil.rmtree(workdir, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "custseg.generate", "--customers", str(customers), "--seed", str(seed),
         "--out", str(out), "--truth", str(workdir / "truth"), "--no-progress"],
        check=True, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    # ru_maxrss of children is the largest child so far (KiB on Linux); runs are ordered small to equal.
    peak_gib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 2**20
    rows = int(done.stdout.split()[1].replace(",", ""))
    size = sum(p.stat().st_size for p in out.iterdir())
    return seconds, peak_gib, rows, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m custseg.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="custseg-bench-") as tmp:
        for i in range(args.runs):
            r = run_once(args.customers, args.seed, Path(tmp) / "run")
            results.append(r)
            print(f"run {i + 1}: {r[0]:.1f} s, peak {r[1]:.1f} GiB, {r[2]:,} rows, {r[3] / 2**20:.0f} MiB", flush=True)
    print(
        f"generator, {args.customers:,} customers: median {statistics.median(r[0] for r in results):.1f} s wall "
        f"over {args.runs} runs; {results[0][2]:,} rows; {results[0][3] / 2**20:.0f} MiB of Parquet; "
        f"peak memory {max(r[1] for r in results):.1f} GiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
