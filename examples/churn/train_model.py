#!/usr/bin/env python3
"""Train the churn example's model and export it to examples/churn/model.json.

Usage (needs scikit-learn; use the project venv):
    .venv/bin/python examples/churn/train_model.py [--seed 11]

customers.csv has no label, so this script invents one: for each clean row
    churn ~ Bernoulli(sigmoid(-0.9 - 0.035*(age-50) - 0.7*(income-50000)/25000
                              - 0.005*(credit_score-670) - 0.05*(num_transactions-30) + N(0, 0.5)))
(seeded, so the model is reproducible). It then fits Pipeline(StandardScaler, LogisticRegression)
on the four numeric features of the clean rows and writes model.json with tools/export_sklearn.py.

"Clean" applies the same rules as job.yaml: right field count, numeric and finite features,
age in [18, 120], credit_score in [300, 850], income >= 0, region in the allowed list.
"""
import argparse
import csv
import math
import os
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_sklearn import describe, export_model, write_model  # noqa: E402

FEATURES = ["age", "income", "credit_score", "num_transactions"]
ALLOWED_REGIONS = {"north", "south", "east", "west", "central", "northeast", "southwest", "islands",
                   "west, coastal\nzone"}


def clean_rows(path):
    """Rows of customers.csv that job.yaml would score, as a DataFrame of the features."""
    kept, dropped = [], 0
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for fields in reader:
            if len(fields) != len(header):
                dropped += 1
                continue
            rec = dict(zip(header, fields))
            try:
                x = {f: float(rec[f]) for f in FEATURES}
            except ValueError:
                dropped += 1
                continue
            ok = (all(math.isfinite(v) for v in x.values())
                  and 18 <= x["age"] <= 120 and 300 <= x["credit_score"] <= 850
                  and x["income"] >= 0 and rec["region"] in ALLOWED_REGIONS)
            if ok:
                kept.append(x)
            else:
                dropped += 1
    return pd.DataFrame(kept, columns=FEATURES), dropped


def churn_labels(df, rng):
    logit = (-0.9 - 0.035 * (df["age"] - 50) - 0.7 * (df["income"] - 50_000) / 25_000
             - 0.005 * (df["credit_score"] - 670) - 0.05 * (df["num_transactions"] - 30)
             + rng.normal(0.0, 0.5, size=len(df)))
    return (rng.random(len(df)) < 1.0 / (1.0 + np.exp(-logit))).astype(int).to_numpy()


def parse_args(doc, data, out):
    """The command line both churn examples take: --data (default DATA), --out (default OUT), --seed."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", default=data)
    ap.add_argument("--out", default=out)
    ap.add_argument("--seed", type=int, default=11)
    return ap.parse_args()


def train_and_export(X, y, rng, seed, dropped, out, example):
    """Fit Pipeline(StandardScaler, LogisticRegression) on X, y minus a 20% holdout drawn from rng,
    print the holdout AUC, and write the exported model to OUT (metadata: EXAMPLE, e.g. "examples/churn",
    and EXAMPLE/train_model.py as trained_by)."""
    holdout = rng.random(len(X)) < 0.2
    pipe = Pipeline([("scaler", StandardScaler()),
                     ("model", LogisticRegression(max_iter=1000, random_state=seed))])
    pipe.fit(X[~holdout], y[~holdout])
    auc = roc_auc_score(y[holdout], pipe.predict_proba(X[holdout])[:, 1])
    print(f"clean rows {len(X)} (skipped {dropped}), churn rate {y.mean():.3f}, "
          f"train {int((~holdout).sum())}, holdout {int(holdout.sum())}, holdout AUC {auc:.4f}")

    model = export_model(pipe)
    model["metadata"].update({"example": example, "trained_by": f"{example}/train_model.py",
                              "train_rows": int((~holdout).sum()), "holdout_auc": round(float(auc), 4)})
    write_model(model, out)
    print(f"wrote {out}: {describe(model)}")


def main():
    a = parse_args(__doc__, data=os.path.join(HERE, "customers.csv"), out=os.path.join(HERE, "model.json"))
    X, dropped = clean_rows(a.data)
    rng = np.random.default_rng(a.seed)
    y = churn_labels(X, rng)
    train_and_export(X, y, rng, a.seed, dropped, a.out, "examples/churn")


if __name__ == "__main__":
    main()
