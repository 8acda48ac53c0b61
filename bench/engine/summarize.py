#!/usr/bin/env python3
"""Summarise a bench/engine/run.sh run: the table (Markdown), then the agreement checks.

Usage:
    .venv/bin/python bench/engine/summarize.py --out-dir bench/out/engine --rows N --big-rows M \
        --wide-rows W [--note TEXT] [--markdown table.md]

Reads the `/usr/bin/time -v` reports OUT_DIR/time_<scenario>.<tool>_<k>.txt (median wall time, largest
peak RSS; bench/common.py's timings) and the outputs OUT_DIR/<scenario>.<tool>.{csv,parquet}. Shows
the scenarios that have reports. Ratios are an anchor's seconds / batchscore's seconds in the same
run. A tool with a failed run shows FAIL, and so does a target that depends on it. Exits 1 if a run
or a check failed (a missed target is reported, not an error).
"""
import argparse
import filecmp
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import check_outputs, parquet_as_csv, parse_time_v, timings  # noqa: E402  (bench/common.py)

RSS_TARGET_MB = 100      # CSV -> CSV logistic, 1M and 10M rows: peak RSS below this
SEED_TARGET = 20         # CSV -> CSV logistic, 1M rows: >= 20x seed_inmemory.py
ORT_TARGET = 3           # ... and >= 3x ort.py
WORKERS_TARGET = 1.6     # 2 workers >= 1.6x the throughput of 1 worker
HOOK_TARGET = 1.5        # with the Lua hook <= 1.5x the time without
EARLIER = 1.5            # issue 4 (MLP, HistGB vs ort.py) and issue 5 (Parquet vs arrow_parquet.py)
EXACT_TOL = 1e-9         # float64 anchors
ONNX_TOL = 1e-5          # ONNX Runtime computes in float32

HEAD = ("scenario", "tool", "seconds", "rows/s", "peak RSS MB", "ratio vs batchscore", "target", "met?")

# Agreement checks: (scenario, tool, anchor, confidence tolerance)
CHECKS = [("csv-logistic", "batchscore", "seed", EXACT_TOL), ("csv-logistic", "batchscore", "ort", ONNX_TOL),
          ("csv-logistic-10m", "batchscore", "seed", EXACT_TOL),
          ("csv-logistic-10m", "batchscore", "ort", ONNX_TOL),
          ("parquet-logistic", "batchscore", "arrow", EXACT_TOL),
          ("csv-mlp", "batchscore", "ort", ONNX_TOL), ("csv-hgb", "batchscore", "ort", ONNX_TOL),
          ("lua-hook", "batchscore-hook", "apply", EXACT_TOL),
          ("lua-hook", "batchscore-hook", "vectorized", EXACT_TOL),
          ("wide-logistic", "batchscore", "seed", EXACT_TOL), ("wide-logistic", "batchscore", "ort", ONNX_TOL)]


def ok(r):
    return r is not None and not r["failed"]


def ratio(num, den):
    """num seconds / den seconds, None unless both ran cleanly."""
    return num["seconds"] / den["seconds"] if ok(num) and ok(den) else None


def verdict(passed, *deps):
    """The met? cell for `passed` (a bool, None when not measured): FAIL if a run it depends on failed."""
    if any(d is not None and d["failed"] for d in deps):
        return "FAIL"
    return "n/a" if passed is None else "yes" if passed else "NO"


def at_least(x, target):
    return None if x is None else x >= target


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--big-rows", type=int, required=True)
    ap.add_argument("--wide-rows", type=int, required=True)
    ap.add_argument("--note", default="", help="a line above the table (date, commit, binary)")
    ap.add_argument("--markdown", help="also write the table as Markdown to this file")
    a = ap.parse_args()
    d = a.out_dir
    rows_of = {"csv-logistic-10m": a.big_rows, "wide-logistic": a.wide_rows}
    t = {}  # "scenario.tool" -> timings (None when it did not run)

    def T(key):
        if key not in t:
            t[key] = timings(d, key)
        return t[key]

    table = []

    def row(scen, tool, label, ratio_cell="", target="", met_cell=""):
        r = T(f"{scen}.{tool}")
        if r is None:
            return
        n = rows_of.get(scen, a.rows)
        title = f"{TITLES[scen]}, {n:,} rows"
        runs = f", median of {r['runs']}" if r["runs"] > 1 else ""
        if r["failed"]:
            table.append((title, label + runs, "FAIL", "—", "—", ratio_cell or "—", target, met_cell or ""))
        else:
            table.append((title, label + runs, f"{r['seconds']:.3f}", f"{n / r['seconds']:,.0f}",
                          f"{r['rss_mb']:.0f}", ratio_cell, target, met_cell))

    def vs(x):
        return f"{x:.1f}×" if x is not None else "n/a"

    def anchor_row(scen, tool, label, bs_tool="batchscore", target=None, note=""):
        r, bs = T(f"{scen}.{tool}"), T(f"{scen}.{bs_tool}")
        x = ratio(r, bs)
        if target is None:
            row(scen, tool, label, vs(x))
        else:
            row(scen, tool, label, vs(x), f"≥ {target:g}×{note}", verdict(at_least(x, target), r, bs))

    def rss_row(scen, label):
        r = T(f"{scen}.batchscore")
        under = r["rss_mb"] < RSS_TARGET_MB if ok(r) else None
        row(scen, "batchscore", label, "", f"peak RSS < {RSS_TARGET_MB} MB", verdict(under, r))

    # 1. CSV -> CSV logistic, 1M: RSS, 2 workers vs 1, the two anchors
    s = "csv-logistic"
    rss_row(s, "batchscore, workers: auto (job default)")
    row(s, "batchscore-w1", "batchscore --set runtime.workers=1")
    w1, w2 = T(f"{s}.batchscore-w1"), T(f"{s}.batchscore-w2")
    x = ratio(w1, w2)
    row(s, "batchscore-w2", "batchscore --set runtime.workers=2",
        f"{x:.2f}× workers=1" if x else "n/a", f"≥ {WORKERS_TARGET}× workers=1",
        verdict(at_least(x, WORKERS_TARGET), w1, w2))
    anchor_row(s, "seed", "seed_inmemory.py lr.joblib", target=SEED_TARGET)
    anchor_row(s, "ort", "ort.py lr.onnx", target=ORT_TARGET)
    # 2. the same on 10M rows: RSS; the anchors for context
    s = "csv-logistic-10m"
    rss_row(s, "batchscore, workers: auto (job default)")
    anchor_row(s, "seed", "seed_inmemory.py lr.joblib")
    anchor_row(s, "ort", "ort.py lr.onnx")
    # 3. Parquet -> Parquet
    row("parquet-logistic", "batchscore", "batchscore (parquet reader and writer)")
    anchor_row("parquet-logistic", "arrow", "arrow_parquet.py lr.joblib", target=EARLIER, note=" (issue 5)")
    # 4, 5. MLP, gradient boosting
    for s, m in [("csv-mlp", "mlp"), ("csv-hgb", "hgb")]:
        row(s, "batchscore", f"batchscore {m}.json")
        anchor_row(s, "ort", f"ort.py {m}.onnx", target=EARLIER, note=" (issue 4)")
    # 6. Lua hook: with vs without, then the pandas anchors against the hooked job
    s = "lua-hook"
    row(s, "batchscore-nohook", "batchscore, no hook (lr.json)")
    nohook, hook = T(f"{s}.batchscore-nohook"), T(f"{s}.batchscore-hook")
    x = ratio(hook, nohook)
    row(s, "batchscore-hook", "batchscore, Lua row hook (hook_rowwise.lua, lr_fe.json)",
        f"{x:.2f}× no-hook time" if x else "n/a", f"≤ {HOOK_TARGET}× no-hook time",
        verdict(None if x is None else x <= HOOK_TARGET, hook, nohook))
    anchor_row(s, "apply", "rowwise_hook.py --mode apply (pandas row-wise)", bs_tool="batchscore-hook")
    anchor_row(s, "vectorized", "rowwise_hook.py --mode vectorized", bs_tool="batchscore-hook")
    # 7. wide
    s = "wide-logistic"
    row(s, "batchscore", "batchscore wide_lr.json")
    anchor_row(s, "seed", "seed_inmemory.py wide_lr.joblib")
    anchor_row(s, "ort", "ort.py wide_lr.onnx")

    lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in table]
    print(f"\n{a.note}" if a.note else "")
    print("Whole process (start-up, imports, model load, read, score, write) under /usr/bin/time -v; "
          "ratio = the anchor's seconds / batchscore's (the scenario's first batchscore row, or the "
          "hooked one), measured in this run.")
    if a.rows != 1_000_000 or a.big_rows != 10_000_000:
        print(f"note: the targets are set for 1M / 10M rows; this run used {a.rows:,} / {a.big_rows:,}")
    print()
    print("\n".join(lines))
    if a.markdown:
        with open(a.markdown, "w") as fh:
            fh.write((f"{a.note}\n\n" if a.note else "") + "\n".join(lines) + "\n")
        print(f"\n(markdown table: {a.markdown})")

    good = True
    print("\nall runs (wall s):")
    for key, r in t.items():
        if r:
            print(f"  {key:<32} " + ", ".join(f"{x:.3f}" for x in r["all_seconds"]))
    for key, r in t.items():
        if r and r["failed"]:
            good = False
            for report in sorted(glob.glob(os.path.join(d, f"time_{key}_*.txt"))):
                status = parse_time_v(report)[2]
                run = os.path.basename(report)[len("time_"):-len(".txt")]   # KEY_K, as the log is named
                if status:
                    print(f"FAIL: {run}: exit {status}: {last_error(os.path.join(d, run + '.log'))}")

    # agreement
    def output(key):
        found = glob.glob(os.path.join(d, f"{key}.csv")) + glob.glob(os.path.join(d, f"{key}.parquet"))
        return found[0] if found and ok(T(key)) else None

    print()
    base = output("csv-logistic.batchscore")
    for tool in ["batchscore-w1", "batchscore-w2"]:
        other = output(f"csv-logistic.{tool}")
        if base and other:
            same = filecmp.cmp(base, other, shallow=False)
            good = good and same
            print(f"agreement: csv-logistic {tool} output vs batchscore (workers auto): "
                  f"{'byte-identical' if same else 'FAIL: the files differ'}")
    for scen, tool, anchor, tol in CHECKS:
        x, y = output(f"{scen}.{tool}"), output(f"{scen}.{anchor}")
        if x and y:
            print(f"\nagreement: {scen}: {tool} vs {anchor}")
            good = check_outputs(rows_of.get(scen, a.rows), parquet_as_csv(x, d, f"{scen}.{tool}"),
                                 parquet_as_csv(y, d, f"{scen}.{anchor}"), tol, names=(tool, anchor)) and good
    return 0 if good else 1


TITLES = {"csv-logistic": "CSV → CSV logistic", "csv-logistic-10m": "CSV → CSV logistic",
          "parquet-logistic": "Parquet → Parquet logistic", "csv-mlp": "CSV → CSV MLP (64, 32)",
          "csv-hgb": "CSV → CSV gradient boosting (HistGB, 100 trees)",
          "lua-hook": "CSV → CSV logistic + Lua feature hook",
          "wide-logistic": "CSV → CSV logistic, 64 float features"}


def last_error(log):
    """The first line of a log starting with 'error' (batchscore's), else its last (a Python exception's)."""
    try:
        text = [ln.strip() for ln in open(log, encoding="utf-8", errors="replace") if ln.strip()]
    except OSError:
        return "(no log)"
    errors = [ln for ln in text if re.match(r"error\b", ln)]
    return (errors[0] if errors else text[-1] if text else "(empty log)")[:200]


if __name__ == "__main__":
    sys.exit(main())
