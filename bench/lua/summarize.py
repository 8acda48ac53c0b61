#!/usr/bin/env python3
"""Summarise a bench/lua/run.sh run: timings, hook throughput, ratios against pandas, output checks.

Usage:
    .venv/bin/python bench/lua/summarize.py --rows N --out-dir bench/out/lua [--variants nohook rowwise ...]

Reads the `/usr/bin/time -v` reports OUT/time_<name>_<k>.txt (median wall and CPU = user + sys,
largest peak RSS per name), the anchors' `RESULT ... hook_s=...` lines from OUT/pandas_*_<k>.log,
and the outputs OUT/<variant>.csv and OUT/pandas_*.csv.

Hook throughput for a variant V whose job runs the hook as K identical steps (--hook-steps K):
    per core (CPU)  rows * K / (CPU(V) - CPU(nohook))    CPU seconds the hooks added, whatever the parallelism
    wall            rows * K / (wall(V) - wall(nohook))  wall seconds they added, on all workers
The V runs use a model with 2 more features (6 instead of 4); its extra cost (a 6-wide instead of a
4-wide dot product per row) is counted as the hook's, so the figures are a slight underestimate.
Exits 1 if an output check fails.
"""
import argparse
import glob
import os
import re
import statistics
import sys

TOL = 1e-9


def parse_time_v(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    def grab(pattern):
        m = re.search(pattern, text)
        if not m:
            raise SystemExit(f"summarize.py: cannot parse {path} ({pattern})")
        return m.group(1)
    seconds = 0.0
    for part in grab(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)").split(":"):
        seconds = seconds * 60 + float(part)
    cpu = float(grab(r"User time \(seconds\): ([\d.]+)")) + float(grab(r"System time \(seconds\): ([\d.]+)"))
    rss = int(grab(r"Maximum resident set size \(kbytes\): (\d+)")) / 1024.0
    return seconds, cpu, rss


def timings(out_dir, name):
    runs = [parse_time_v(p) for p in sorted(glob.glob(os.path.join(out_dir, f"time_{name}_*.txt")))]
    if not runs:
        return None
    return {"wall": statistics.median(r[0] for r in runs), "cpu": statistics.median(r[1] for r in runs),
            "rss": max(r[2] for r in runs), "runs": len(runs)}


def anchor_hook_seconds(out_dir, name):
    """Median in-script `hook_s` (the apply / vectorized phase alone) from the anchor's RESULT lines."""
    vals = []
    for p in glob.glob(os.path.join(out_dir, f"{name}_*.log")):
        for line in open(p, encoding="utf-8", errors="replace"):
            m = re.search(r"^RESULT .*\bhook_s=([\d.]+)", line)
            if m:
                vals.append(float(m.group(1)))
    return statistics.median(vals) if vals else None


def fmt_rate(r):
    return f"{r / 1e6:,.2f} M" if r >= 1e6 else f"{r / 1e3:,.0f} k"


def check_outputs(rows, out_dir, variants):
    import numpy as np
    import pandas as pd
    ref_name = next((n for n in ("pandas_apply", "pandas_vectorized")
                     if os.path.exists(os.path.join(out_dir, f"{n}.csv"))), None)
    cols = ["id", "prediction", "confidence"]
    ok = True
    ref = None
    if ref_name:
        ref = pd.read_csv(os.path.join(out_dir, f"{ref_name}.csv"), usecols=cols + ["income_per_txn", "age_bucket"])
        print(f"reference: {ref_name}.csv ({len(ref):,} rows, the 6-feature model lr_fe.joblib)")
    for v in variants:
        path = os.path.join(out_dir, f"{v}.csv")
        if not os.path.exists(path):
            print(f"{v}: no output")
            ok = False
            continue
        got = pd.read_csv(path, usecols=cols)
        line = f"{v}: {len(got):,} rows"
        if len(got) != rows:
            print(line + f"  FAIL: expected {rows:,}")
            ok = False
            continue
        if v == "nohook" or ref is None:
            print(line + ("  (4-feature model: not compared)" if v == "nohook" else ""))
            continue
        same_ids = (got["id"].to_numpy() == ref["id"].to_numpy()).all()
        pred = (pd.to_numeric(got["prediction"]).to_numpy() == ref["prediction"].to_numpy())
        diff = float(np.max(np.abs(got["confidence"].to_numpy(float) - ref["confidence"].to_numpy(float))))
        good = same_ids and pred.all() and diff < TOL
        ok &= good
        print(line + f", ids {'same order' if same_ids else 'DIFFER'}, prediction "
              f"{'identical' if pred.all() else f'differs in {int((~pred).sum()):,} rows'}, "
              f"max |d confidence| {diff:.2g} {'ok' if good else 'FAIL'} (vs {ref_name})")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--variants", nargs="*", default=["nohook", "rowwise", "columnar", "plugins"])
    ap.add_argument("--hook-steps", type=int, default=1, help="K: how many copies of the hook each job runs")
    a = ap.parse_args()
    rows = a.rows
    K = a.hook_steps
    cores = os.cpu_count() or 1

    names = [f"batchscore_{v}" for v in a.variants] + ["pandas_apply", "pandas_vectorized"]
    t = {n: timings(a.out_dir, n) for n in names}
    print(f"{rows:,} rows, {cores} cores, each Lua hook run as {K} step(s); medians of the runs shown\n")
    print(f"| run | runs | wall s | CPU s | rows/s (wall) | peak RSS MB |")
    print(f"|---|---|---|---|---|---|")
    for n in names:
        if t[n]:
            r = t[n]
            print(f"| {n} | {r['runs']} | {r['wall']:.2f} | {r['cpu']:.2f} | {fmt_rate(rows / r['wall'])} | {r['rss']:.0f} |")

    base = t.get("batchscore_nohook")
    apply_hook = anchor_hook_seconds(a.out_dir, "pandas_apply")
    vec_hook = anchor_hook_seconds(a.out_dir, "pandas_vectorized")
    if base:
        print(f"\nHook throughput: rows x {K} hook steps / (time with the hooks - time without); "
              "includes the model's 2 extra features:\n")
        print("| variant | +CPU s | hook rows/s per core (CPU) | +wall s | hook rows/s (wall, all workers) |")
        print("|---|---|---|---|---|")
        for v in a.variants:
            n = f"batchscore_{v}"
            if v == "nohook" or not t.get(n):
                continue
            dc, dw = t[n]["cpu"] - base["cpu"], t[n]["wall"] - base["wall"]
            rc = fmt_rate(rows * K / dc) if dc > 0.005 else "n/a (below timer resolution)"
            rw = fmt_rate(rows * K / dw) if dw > 0.005 else "n/a (no slower than without)"
            print(f"| {v} | {dc:+.2f} | {rc} | {dw:+.2f} | {rw} |")
    if apply_hook:
        print(f"\npandas apply: the hook phase alone (df.apply) took {apply_hook:.2f} s = "
              f"{apply_hook / rows * 1e6:.1f} µs per row = {fmt_rate(rows / apply_hook)} rows/s on one core")
    if vec_hook:
        print(f"pandas vectorized: the hook phase alone took {vec_hook:.3f} s = {fmt_rate(rows / vec_hook)} rows/s")

    print("\nRatios (pandas / batchscore; > 1 means batchscore is faster):")
    for v in a.variants:
        n = f"batchscore_{v}"
        if v == "nohook" or not t.get(n):
            continue
        parts = []
        # The whole job with ONE copy of the hook: measured when K == 1, else nohook + (V - nohook) / K.
        wall1 = t[n]["wall"] if K == 1 or not base else base["wall"] + (t[n]["wall"] - base["wall"]) / K
        for anchor in ("pandas_apply", "pandas_vectorized"):
            if t.get(anchor):
                parts.append(f"whole job vs {anchor}: {t[anchor]['wall'] / wall1:.1f}x wall"
                             f"{' (single-hook job, derived: %.2f s)' % wall1 if K > 1 and base else ''}, "
                             f"{t[anchor]['rss'] / t[n]['rss']:.1f}x peak RSS")
        if base and apply_hook:
            dc = t[n]["cpu"] - base["cpu"]
            if dc > 0.005:
                parts.append(f"hook alone vs df.apply: {apply_hook / (dc / K):.0f}x (CPU)")
        if parts:
            print(f"  {v}: " + "; ".join(parts))

    print("\nOutput checks:")
    ok = check_outputs(rows, a.out_dir, a.variants)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
