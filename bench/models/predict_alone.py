#!/usr/bin/env python3
"""Model throughput of the Python tree libraries: predict alone, inputs already in memory.

Usage:
    .venv/bin/python bench/models/predict_alone.py DATA.csv --xgb xgb.json --lgbm lgbm.txt --out-dir DIR [--repeat 3]

Loads the 4 customer features of DATA.csv once into a C-contiguous float64 numpy array (not timed),
then times only
    xgboost.Booster(model_file=xgb.json).inplace_predict(X)
    lightgbm.Booster(model_file=lgbm.txt).predict(X)
best of --repeat calls each (library threading at its defaults, as a user would run it).
Writes DIR/predict_alone.json ({library: {seconds, rows, runs, threads}}) and each library's
P(class 1) as DIR/predict_<lib>.npy, for the agreement check against BatchScore's output.
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd

FEATS = ["age", "income", "credit_score", "num_transactions"]


def best_of(fn, X, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(X)
        times.append(time.perf_counter() - t)
    return min(times), times, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--xgb", required=True)
    ap.add_argument("--lgbm", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    X = np.ascontiguousarray(pd.read_csv(a.data, usecols=FEATS)[FEATS].to_numpy(np.float64))
    rows = len(X)
    results = {}

    import xgboost as xgb
    booster = xgb.Booster(model_file=a.xgb)
    s, all_s, p = best_of(booster.inplace_predict, X, a.repeat)
    results["xgboost"] = {"seconds": s, "all_seconds": all_s, "rows": rows, "version": xgb.__version__,
                          "call": "Booster.inplace_predict(float64 ndarray)",
                          "threads": "default (all cores: %d)" % os.cpu_count()}
    np.save(os.path.join(a.out_dir, "predict_xgb.npy"), np.asarray(p, dtype=np.float64))

    import lightgbm as lgb
    booster = lgb.Booster(model_file=a.lgbm)
    s, all_s, p = best_of(booster.predict, X, a.repeat)
    results["lightgbm"] = {"seconds": s, "all_seconds": all_s, "rows": rows, "version": lgb.__version__,
                           "call": "Booster.predict(float64 ndarray)",
                           "threads": "default (OpenMP: %d)" % os.cpu_count()}
    np.save(os.path.join(a.out_dir, "predict_lgbm.npy"), np.asarray(p, dtype=np.float64))

    with open(os.path.join(a.out_dir, "predict_alone.json"), "w") as fh:
        json.dump(results, fh, indent=2)
    for lib, r in results.items():
        print(f"{lib:<9} {r['call']}: best of {a.repeat} {r['seconds']:.3f} s "
              f"({rows / r['seconds']:,.0f} rows/s; runs {', '.join(f'{t:.3f}' for t in r['all_seconds'])})")


if __name__ == "__main__":
    main()
