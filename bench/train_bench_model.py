#!/usr/bin/env python3
"""Train a benchmark's logistic model once, in both formats the two contenders load.

Usage:
    .venv/bin/python bench/train_bench_model.py DATA.csv --out-dir bench/data/models [--sample 100000] [--hook-features]

Fits StandardScaler + LogisticRegression(max_iter=1000) on a seeded random sample of DATA.csv
(columns from ../shared/anchors/gen_data.py: age, income, credit_score, num_transactions, churn),
exactly as ../shared/anchors/train.py does for its "lr" model, then writes
  OUT_DIR/lr.joblib  anchor bundle {"name", "features", "scaler", "model"} for seed_inmemory.py
  OUT_DIR/lr.json    the same model in BatchScore's native format (tools/export_sklearn.py)

With --hook-features the model also takes the Lua-hook benchmark's engineered features (those of
../shared/anchors/rowwise_hook.py and of bench/lua's hooks), and the files are lr_fe.joblib / lr_fe.json:
    income_per_txn = income / (num_transactions + 1)
    age_bucket     = clamp((age - 18) // 10, 0, 6)
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from export_sklearn import describe, export_model, write_model  # noqa: E402

RAW = ["age", "income", "credit_score", "num_transactions"]
HOOK_FEATURES = ["income_per_txn", "age_bucket"]
SEED = 0


def add_hook_features(df):
    """The hook, vectorized (rowwise_hook.py's fe_vectorized)."""
    df["income_per_txn"] = df["income"] / (df["num_transactions"] + 1)
    df["age_bucket"] = np.clip((df["age"] - 18) // 10, 0, 6)
    return df


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "bench", "data", "models"))
    ap.add_argument("--sample", type=int, default=100_000)
    ap.add_argument("--hook-features", action="store_true", help="also train on the Lua hook's two features")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    name = "lr_fe" if a.hook_features else "lr"
    features = RAW + HOOK_FEATURES if a.hook_features else RAW

    t0 = time.perf_counter()
    df = pd.read_csv(a.data, usecols=RAW + ["churn"])
    train = df.sample(n=min(a.sample, len(df)), random_state=SEED).copy()
    if a.hook_features:
        train = add_hook_features(train)
    # Fit the scaler on a DataFrame (records feature names, as the anchors do); the model on its output.
    X = train[features].astype(np.float64)
    scaler = StandardScaler().fit(X)
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(X), train["churn"].to_numpy())
    bundle = {"name": name, "features": features, "scaler": scaler, "model": model}
    bundle_path = os.path.join(a.out_dir, f"{name}.joblib")
    joblib.dump(bundle, bundle_path)

    native = export_model(bundle)
    native["metadata"].update({"trained_by": "bench/train_bench_model.py",
                               "train_rows": len(train), "data": os.path.basename(a.data)})
    json_path = os.path.join(a.out_dir, f"{name}.json")
    write_model(native, json_path)
    print(f"trained on {len(train)} of {len(df)} rows in {time.perf_counter() - t0:.1f}s")
    print(f"wrote {bundle_path}")
    print(f"wrote {json_path}: {describe(native)}")


if __name__ == "__main__":
    main()
