#!/usr/bin/env python3
"""Train the Lua-hook benchmark's model on the 6 engineered features, in both formats.

Usage:
    .venv/bin/python bench/lua/train_fe_model.py DATA.csv --out-dir bench/data/models/1m [--sample 100000]

The features are those of ../shared/anchors/rowwise_hook.py (and of the benchmark's Lua hooks):
    income_per_txn = income / (num_transactions + 1)
    age_bucket     = clamp((age - 18) // 10, 0, 6)
StandardScaler + LogisticRegression(max_iter=1000) on a seeded sample of DATA.csv
(features: age, income, credit_score, num_transactions, income_per_txn, age_bucket; label: churn), as
bench/train_bench_model.py does for the 4 raw features. Writes
  OUT_DIR/lr_fe.joblib  anchor bundle {"name", "features", "scaler", "model"} for rowwise_hook.py --model
  OUT_DIR/lr_fe.json    the same model in BatchScore's native format (tools/export_sklearn.py)
"""
import argparse
import os
import sys
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from export_sklearn import describe, export_model, write_model  # noqa: E402

RAW = ["age", "income", "credit_score", "num_transactions"]
FEATURES = RAW + ["income_per_txn", "age_bucket"]
SEED = 0


def add_features(df):
    """The hook, vectorized (rowwise_hook.py's fe_vectorized)."""
    df["income_per_txn"] = df["income"] / (df["num_transactions"] + 1)
    df["age_bucket"] = np.clip((df["age"] - 18) // 10, 0, 6)
    return df


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "bench", "data", "models"))
    ap.add_argument("--sample", type=int, default=100_000)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)

    t0 = time.perf_counter()
    df = pd.read_csv(a.data, usecols=RAW + ["churn"])
    train = add_features(df.sample(n=min(a.sample, len(df)), random_state=SEED).copy())
    scaler = StandardScaler().fit(train[FEATURES].astype(np.float64))
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(train[FEATURES].astype(np.float64)),
                                                  train["churn"].to_numpy())
    bundle = {"name": "lr_fe", "features": FEATURES, "scaler": scaler, "model": model}
    bundle_path = os.path.join(a.out_dir, "lr_fe.joblib")
    joblib.dump(bundle, bundle_path)

    native = export_model(bundle)
    native["metadata"].update({"trained_by": "bench/lua/train_fe_model.py",
                               "train_rows": len(train), "data": os.path.basename(a.data)})
    json_path = os.path.join(a.out_dir, "lr_fe.json")
    write_model(native, json_path)
    print(f"trained on {len(train)} of {len(df)} rows in {time.perf_counter() - t0:.1f}s")
    print(f"wrote {bundle_path}")
    print(f"wrote {json_path}: {describe(native)}")


if __name__ == "__main__":
    main()
