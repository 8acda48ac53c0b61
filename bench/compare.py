#!/usr/bin/env python3
"""Summarise a bench/run.sh run: timing table, ratio, and an output agreement check.

Usage:
    .venv/bin/python bench/compare.py --rows N --time-dir bench/out \
        [--batchscore-out bench/out/batchscore.csv] [--seed-out bench/out/seed.csv]

Reads the `/usr/bin/time -v` reports bench/out/time_<tool>_<k>.txt (k = repetition) and takes the
median wall time and the largest peak RSS per tool. When both outputs are given it checks that
they have the same number of rows (= N), identical `prediction` columns and
max |confidence difference| < 1e-9. Exits 1 if a check fails.
"""
import argparse
import sys

from common import check_outputs, timings  # bench/common.py (this script's folder is on sys.path)

TOOLS = [("batchscore", "batchscore"), ("seed", "seed_inmemory.py")]
CONFIDENCE_TOL = 1e-9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--time-dir", required=True)
    ap.add_argument("--batchscore-out")
    ap.add_argument("--seed-out")
    a = ap.parse_args()

    results = {key: timings(a.time_dir, key) for key, _ in TOOLS}
    print(f"\n{a.rows:,} rows, CSV -> CSV, StandardScaler + LogisticRegression "
          "(whole process: start-up, imports, model load, read, score, write)")
    print(f"{'tool':<18} {'seconds':>9} {'rows/s':>12} {'peak RSS MB':>12} {'runs':>5}")
    for key, label in TOOLS:
        r = results[key]
        if r is None:
            print(f"{label:<18} {'(not run)':>9}")
            continue
        failed = f"  ({r['failed']} failed)" if r["failed"] else ""
        print(f"{label:<18} {r['seconds']:>9.2f} {a.rows / r['seconds']:>12,.0f} "
              f"{r['rss_mb']:>12.1f} {r['runs']:>5}{failed}")
    bs, seed = results["batchscore"], results["seed"]
    if bs and seed:
        print(f"ratio (seed seconds / batchscore seconds): {seed['seconds'] / bs['seconds']:.2f}x; "
              f"peak RSS seed / batchscore: {seed['rss_mb'] / bs['rss_mb']:.2f}x")

    ok = all(r is None or r["failed"] == 0 for r in results.values())
    if a.batchscore_out and a.seed_out:
        print()
        ok = check_outputs(a.rows, a.batchscore_out, a.seed_out, CONFIDENCE_TOL) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
