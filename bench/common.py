"""Helpers shared by the bench summaries (bench/compare.py, bench/*/summarize.py).

    parse_time_v(path)          -> (wall seconds, peak RSS MB, exit status) of a GNU `time -v` report
    timings(time_dir, tool)     -> median wall / max peak RSS over time_<tool>_<k>.txt, or None
    check_outputs(rows, a, b, ...) -> True if two CSV outputs agree on `prediction` and `confidence`
    parquet_as_csv(path, dir, name) -> a CSV of a Parquet output's `prediction`, `confidence` (for check_outputs)
"""
import glob
import os
import re
import statistics


def parse_time_v(path):
    """(wall seconds, peak RSS in MB, exit status) from a GNU time -v report."""
    text = open(path, encoding="utf-8", errors="replace").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    status = re.search(r"Exit status: (\d+)", text)
    if not (wall and rss):
        raise SystemExit(f"bench: cannot parse {path}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    # bench/lib.sh appends a millisecond wall time (GNU time's own is in 10 ms steps); prefer it.
    precise = re.search(r"Precise wall seconds: (\d+)e-3", text)
    if precise:
        seconds = int(precise.group(1)) / 1000.0
    return seconds, int(rss.group(1)) / 1024.0, int(status.group(1)) if status else 0


def timings(time_dir, tool):
    """Median wall seconds and largest peak RSS over the runs time_<tool>_<k>.txt (None if none)."""
    runs = [parse_time_v(p) for p in sorted(glob.glob(os.path.join(time_dir, f"time_{tool}_*.txt")))]
    if not runs:
        return None
    return {"seconds": statistics.median(r[0] for r in runs), "rss_mb": max(r[1] for r in runs),
            "runs": len(runs), "failed": sum(1 for r in runs if r[2] != 0),
            "all_seconds": [r[0] for r in runs]}


def load_timings(time_dir, tools):
    """Timings for each tool; the second value is False when one has no reports or a failed run."""
    ok = True
    t = {tool: timings(time_dir, tool) for tool in tools}
    for tool, r in t.items():
        if r is None:
            print(f"missing: no time -v reports for {tool}")
            ok = False
        elif r["failed"]:
            print(f"FAIL: {r['failed']} run(s) of {tool} exited non-zero")
            ok = False
    return t, ok


def met(ratio, target):
    """The table's "met?" cell."""
    return "yes" if ratio is not None and ratio >= target else "NO"


def check_outputs(rows, a_path, b_path, tolerance, names=("batchscore", "seed")):
    """Both CSVs have `rows` rows, the same `prediction` values and max |Δ confidence| < tolerance.
    Prints one line per check; returns True when all pass."""
    import numpy as np
    import pandas as pd
    na, nb = names
    ok = True
    cols = ["prediction", "confidence"]
    a = pd.read_csv(a_path, usecols=cols, dtype={"prediction": str}, keep_default_na=False)
    b = pd.read_csv(b_path, usecols=cols, dtype={"prediction": str}, keep_default_na=False)
    print(f"rows: {na} {len(a):,}, {nb} {len(b):,}, input {rows:,}")
    if not (len(a) == len(b) == rows):
        print("FAIL: row counts differ")
        return False
    same_text = (a["prediction"].to_numpy() == b["prediction"].to_numpy())
    if same_text.all():
        print("prediction: identical")
    else:
        num_a = pd.to_numeric(a["prediction"], errors="coerce").to_numpy()
        num_b = pd.to_numeric(b["prediction"], errors="coerce").to_numpy()
        if np.array_equal(num_a, num_b):
            i = int(np.argmin(same_text))
            print(f"prediction: identical values, different text (e.g. {a['prediction'][i]!r} "
                  f"vs {b['prediction'][i]!r})")
        else:
            bad = np.flatnonzero(num_a != num_b)
            print(f"FAIL: prediction differs in {len(bad):,} rows (first at data row {bad[0] + 1})")
            ok = False
    diff = np.abs(a["confidence"].to_numpy(np.float64) - b["confidence"].to_numpy(np.float64))
    worst = float(np.nanmax(diff)) if len(diff) else 0.0
    verdict = "ok" if worst < tolerance and not np.isnan(diff).any() else "FAIL"
    print(f"confidence: max |diff| {worst:.3g} (tolerance {tolerance:g}) {verdict}")
    return ok and verdict == "ok"


def parquet_as_csv(path, out_dir, name):
    """A CSV (OUT_DIR/check_NAME.csv) of the `prediction` and `confidence` of PATH, for check_outputs;
    PATH itself when it is not a Parquet file. pandas writes float64 round-trip exact."""
    if not path.endswith(".parquet"):
        return path
    import pyarrow.parquet as pq
    table = pq.read_table(path)
    types = {f.name: str(f.type) for f in table.schema}
    print(f"{name}: {os.path.basename(path)}: {table.num_rows:,} rows, {table.num_columns} columns; "
          f"prediction {types.get('prediction')}, confidence {types.get('confidence')}")
    csv = os.path.join(out_dir, f"check_{name}.csv")
    table.select(["prediction", "confidence"]).to_pandas().to_csv(csv, index=False)
    return csv
