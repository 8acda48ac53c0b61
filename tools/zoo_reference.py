#!/usr/bin/env python3
"""NumPy reference evaluators for XGBoost JSON models and LightGBM text models.

They implement exactly what Tests/ScoreModelsTests/Fixtures/zoo/FORMATS.md describes (that file is
the spec for the Swift loaders) so tools/make_zoo_fixtures.py can prove the description against
the libraries themselves on the fixture data: every fixture's expected output is computed by the
ORIGINAL library, and these evaluators must reproduce it (they are not used to write it).

    xgb_predict(model_json_dict, X, float32_sums=True)  -> (margins [n x K], probabilities or None)
    lgb_predict(model_text, X)                          -> (raw scores [n x K], probabilities or None)

X is a float64 matrix in the model's feature order; NaN = missing.
Usage as a script (prints the worst difference against the library):
    .venv/bin/python tools/zoo_reference.py MODEL.json|MODEL.txt INPUT.csv
"""
import json
import math
import re
import sys

import numpy as np


class FormatError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# XGBoost JSON (Booster.save_model("m.json"))
# ---------------------------------------------------------------------------------------------

def parse_base_score(text):
    """'[5E-1]' (XGBoost >= 3, one value per target/class) or '5E-1' (older) -> list of float."""
    s = str(text).strip()
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1]
    return [float(np.float32(float(v))) for v in s.split(",") if v.strip()]


def xgb_load(model):
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective not in ("binary:logistic", "reg:squarederror", "multi:softprob", "multi:softmax",
                         "reg:logistic", "binary:logitraw"):
        raise FormatError(f"objective {objective!r} not supported")
    gb = learner["gradient_booster"]
    if gb["name"] != "gbtree":
        raise FormatError(f"booster {gb['name']!r} not supported (gbtree only)")
    mp = learner["learner_model_param"]
    n_class = int(mp["num_class"])
    k = max(n_class, 1)
    base = parse_base_score(mp["base_score"])
    if len(base) == 1 and k > 1:
        base = base * k
    if len(base) != k:
        raise FormatError(f"base_score has {len(base)} values, expected {k}")
    # base_score is in output space: probability for logistic objectives, margin otherwise
    if objective in ("binary:logistic", "reg:logistic"):
        base = [float(np.float32(-math.log(1.0 / b - 1.0))) for b in base]
    trees = []
    tm = gb["model"]
    info = tm["tree_info"]
    for t, grp in zip(tm["trees"], info):
        if any(int(s) != 0 for s in t.get("split_type", [])):
            raise FormatError("categorical splits not supported")
        trees.append({
            "output": int(grp),
            "left": np.asarray(t["left_children"], dtype=np.int64),
            "right": np.asarray(t["right_children"], dtype=np.int64),
            "feature": np.asarray(t["split_indices"], dtype=np.int64),
            # float32 values printed in shortest form: parse, then round to float32
            "cond": np.asarray(t["split_conditions"], dtype=np.float64).astype(np.float32),
            "default_left": np.asarray(t["default_left"], dtype=bool),
        })
    return objective, k, np.asarray(base, dtype=np.float32), trees


def xgb_predict(model, X, float32_sums=True):
    objective, k, base, trees = xgb_load(model)
    X32 = np.asarray(X, dtype=np.float64).astype(np.float32)
    n = X32.shape[0]
    dt = np.float32 if float32_sums else np.float64
    out = np.tile(base.astype(dt), (n, 1))
    rows = np.arange(n)
    for t in trees:
        idx = np.zeros(n, dtype=np.int64)
        while True:
            active = t["left"][idx] != -1
            if not active.any():
                break
            x = X32[rows, np.where(active, t["feature"][idx], 0)]
            go_left = np.where(np.isnan(x), t["default_left"][idx], x < t["cond"][idx])
            idx = np.where(active, np.where(go_left, t["left"][idx], t["right"][idx]), idx)
        out[:, t["output"]] += t["cond"][idx].astype(dt)
    if objective in ("binary:logistic", "reg:logistic"):
        p1 = (dt(1) / (dt(1) + np.exp(-out[:, 0]))).astype(np.float64)
        return out.astype(np.float64), np.column_stack([1.0 - p1, p1])
    if objective in ("multi:softprob", "multi:softmax"):
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        return out.astype(np.float64), (e / e.sum(axis=1, keepdims=True)).astype(np.float64)
    return out.astype(np.float64), None


# ---------------------------------------------------------------------------------------------
# LightGBM text model (Booster.save_model("m.txt"))
# ---------------------------------------------------------------------------------------------

K_ZERO_THRESHOLD = 1e-35


def lgb_load(text):
    head, _, rest = text.partition("\nTree=")
    if not rest:
        raise FormatError("no trees")
    header = dict(line.split("=", 1) for line in head.splitlines() if "=" in line)
    trees_text = "Tree=" + rest.split("\nend of trees")[0]
    objective = header.get("objective", "").split()
    k = int(header["num_tree_per_iteration"])
    average = "average_output" in head.splitlines()
    trees = []
    for block in re.split(r"\n\s*\n", trees_text.strip()):
        kv = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if "Tree" not in kv:
            continue
        if kv.get("is_linear", "0") != "0":
            raise FormatError("linear trees not supported")
        if int(kv.get("num_cat", "0")) != 0:
            raise FormatError("categorical splits not supported")
        leaf_value = np.array([float(v) for v in kv["leaf_value"].split()])
        nl = int(kv["num_leaves"])
        t = {"leaf_value": leaf_value, "n_leaves": nl, "index": int(kv["Tree"])}
        if nl > 1:
            t["feature"] = np.array([int(v) for v in kv["split_feature"].split()])
            t["threshold"] = np.array([float(v) for v in kv["threshold"].split()])
            dtype = np.array([int(v) for v in kv["decision_type"].split()])
            if np.any(dtype & 1):
                raise FormatError("categorical splits not supported")
            t["default_left"] = (dtype & 2) != 0
            t["missing_type"] = (dtype >> 2) & 3  # 0 none, 1 zero, 2 NaN
            t["left"] = np.array([int(v) for v in kv["left_child"].split()])
            t["right"] = np.array([int(v) for v in kv["right_child"].split()])
        trees.append(t)
    return objective, k, average, trees


def lgb_predict(text, X):
    objective, k, average, trees = lgb_load(text)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    out = np.zeros((n, k))
    rows = np.arange(n)
    for i, t in enumerate(trees):
        if t["n_leaves"] == 1:
            out[:, i % k] += t["leaf_value"][0]
            continue
        node = np.zeros(n, dtype=np.int64)      # >= 0: internal node; < 0: ~leaf
        while True:
            active = node >= 0
            if not active.any():
                break
            nd = np.where(active, node, 0)
            x = X[rows, t["feature"][nd]]
            mt = t["missing_type"][nd]
            x = np.where(np.isnan(x) & (mt != 2), 0.0, x)
            is_missing = ((mt == 1) & (np.abs(x) <= K_ZERO_THRESHOLD)) | ((mt == 2) & np.isnan(x))
            go_left = np.where(is_missing, t["default_left"][nd], x <= t["threshold"][nd])
            nxt = np.where(go_left, t["left"][nd], t["right"][nd])
            node = np.where(active, nxt, node)
        out[:, i % k] += t["leaf_value"][~node]
    if average:
        out /= len(trees) // k
    name = objective[0] if objective else ""
    if name == "binary":
        sig = 1.0
        for tok in objective[1:]:
            if tok.startswith("sigmoid:"):
                sig = float(tok.split(":", 1)[1])
        p1 = 1.0 / (1.0 + np.exp(-sig * out[:, 0]))
        return out, np.column_stack([1.0 - p1, p1])
    if name in ("multiclass", "softmax"):
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        return out, e / e.sum(axis=1, keepdims=True)
    if name in ("regression", "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1",
                "huber", "fair", "quantile", "mape"):
        return out, None
    raise FormatError(f"objective {' '.join(objective)!r} not supported")


def main(argv):
    import pandas as pd
    path, data = argv[1], argv[2]
    X = pd.read_csv(data).to_numpy(dtype=np.float64)
    if path.endswith(".json"):
        import xgboost as xgb
        model = json.load(open(path))
        margin, proba = xgb_predict(model, X)
        bst = xgb.Booster(model_file=path)
        want = bst.inplace_predict(X)
    else:
        import lightgbm as lgb
        margin, proba = lgb_predict(open(path).read(), X)
        want = lgb.Booster(model_file=path).predict(X)
    got = proba if proba is not None else margin[:, 0]
    want = np.asarray(want).reshape(got.shape[0], -1)
    if proba is not None and want.shape[1] == 1:
        want = np.column_stack([1.0 - want[:, 0], want[:, 0]])
    print(f"max |reference - library| = {np.max(np.abs(got.reshape(want.shape) - want)):.3g}")


if __name__ == "__main__":
    main(sys.argv)
