#!/usr/bin/env python3
"""Train the churn-hooks example's model and export it to examples/churn-hooks/model.json.

Usage (needs scikit-learn; use the project venv):
    .venv/bin/python examples/churn-hooks/train_model.py [--seed 11]

Same data, the same invented label and the same training as examples/churn/train_model.py (it imports
`clean_rows`, `churn_labels` and `train_and_export` from there, so they live in one place), but the
model also sees the two features the job's Lua hooks compute:
    income_per_txn = income / (num_transactions + 1)        plugin ratio, offset 1
    age_bucket     = clamp((age - 18) // 10, 0, 6)          plugin bucketize, edges [28, 38, ..., 78]
Pipeline(StandardScaler, LogisticRegression) on
    age, income, credit_score, num_transactions, income_per_txn, age_bucket
(fitted on a DataFrame, so the exported model names its features), written with
tools/export_sklearn.py. The rows are the ones job.yaml accepts (the churn example's rules).
Seeded: rerunning it reproduces model.json byte for byte.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _load_churn_trainer():
    """examples/churn/train_model.py as a module (same file name as this one, so load it by path)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "churn_train_model", os.path.join(ROOT, "examples", "churn", "train_model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_churn = _load_churn_trainer()
clean_rows, churn_labels, train_and_export = _churn.clean_rows, _churn.churn_labels, _churn.train_and_export

FEATURES = ["age", "income", "credit_score", "num_transactions", "income_per_txn", "age_bucket"]
AGE_EDGES = [28, 38, 48, 58, 68, 78]


def add_hook_features(df):
    """What the job's two feature steps compute (ratio with offset 1; bucketize with AGE_EDGES)."""
    df = df.copy()
    df["income_per_txn"] = df["income"] / (df["num_transactions"] + 1)
    # bucketize (clamp mode, left-closed): the number of edges <= age
    df["age_bucket"] = np.searchsorted(np.asarray(AGE_EDGES, dtype=float), df["age"].to_numpy(), side="right")
    assert (df["age_bucket"] == np.clip((df["age"] - 18) // 10, 0, 6)).all()
    return df


def main():
    a = _churn.parse_args(__doc__, data=os.path.join(ROOT, "examples", "churn", "customers.csv"),
                          out=os.path.join(HERE, "model.json"))
    raw, dropped = clean_rows(a.data)
    rng = np.random.default_rng(a.seed)
    y = churn_labels(raw, rng)            # the label depends on the raw features only
    X = add_hook_features(raw)[FEATURES]
    train_and_export(X, y, rng, a.seed, dropped, a.out, "examples/churn-hooks")


if __name__ == "__main__":
    main()
