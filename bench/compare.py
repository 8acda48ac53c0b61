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
import glob
import os
import re
import statistics
import sys

TOOLS = [("batchscore", "batchscore"), ("seed", "seed_inmemory.py")]
CONFIDENCE_TOL = 1e-9


def parse_time_v(path):
    """(wall seconds, peak RSS in MB, exit status) from a GNU time -v report."""
    text = open(path, encoding="utf-8", errors="replace").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    status = re.search(r"Exit status: (\d+)", text)
    if not (wall and rss):
        raise SystemExit(f"compare.py: cannot parse {path}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1)) / 1024.0, int(status.group(1)) if status else 0


def timings(time_dir, tool):
    runs = [parse_time_v(p) for p in sorted(glob.glob(os.path.join(time_dir, f"time_{tool}_*.txt")))]
    if not runs:
        return None
    return {"seconds": statistics.median(r[0] for r in runs), "rss_mb": max(r[1] for r in runs),
            "runs": len(runs), "failed": sum(1 for r in runs if r[2] != 0)}


def check_outputs(rows, bs_path, seed_path):
    import numpy as np
    import pandas as pd
    ok = True
    cols = ["prediction", "confidence"]
    bs = pd.read_csv(bs_path, usecols=cols, dtype={"prediction": str}, keep_default_na=False)
    seed = pd.read_csv(seed_path, usecols=cols, dtype={"prediction": str}, keep_default_na=False)
    print(f"rows: batchscore {len(bs):,}, seed {len(seed):,}, input {rows:,}")
    if not (len(bs) == len(seed) == rows):
        print("FAIL: row counts differ")
        return False
    same_text = (bs["prediction"].to_numpy() == seed["prediction"].to_numpy())
    if same_text.all():
        print("prediction: identical")
    else:
        num_b = pd.to_numeric(bs["prediction"], errors="coerce").to_numpy()
        num_s = pd.to_numeric(seed["prediction"], errors="coerce").to_numpy()
        if np.array_equal(num_b, num_s):
            i = int(np.argmin(same_text))
            print(f"prediction: identical values, different text (e.g. {bs['prediction'][i]!r} "
                  f"vs {seed['prediction'][i]!r})")
        else:
            bad = np.flatnonzero(num_b != num_s)
            print(f"FAIL: prediction differs in {len(bad):,} rows (first at data row {bad[0] + 1})")
            ok = False
    diff = np.abs(bs["confidence"].to_numpy(np.float64) - seed["confidence"].to_numpy(np.float64))
    worst = float(np.nanmax(diff)) if len(diff) else 0.0
    verdict = "ok" if worst < CONFIDENCE_TOL and not np.isnan(diff).any() else "FAIL"
    print(f"confidence: max |diff| {worst:.3g} (tolerance {CONFIDENCE_TOL:g}) {verdict}")
    return ok and verdict == "ok"


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
        ok = check_outputs(a.rows, a.batchscore_out, a.seed_out) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
