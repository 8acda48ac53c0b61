#!/usr/bin/env python3
"""Write the model-zoo parity fixtures (Tests/ScoreModelsTests/Fixtures/zoo/).

Usage:
    .venv/bin/pip install -r tools/requirements-fixtures.txt   # the pinned versions
    .venv/bin/python tools/make_zoo_fixtures.py [--out Tests/ScoreModelsTests/Fixtures/zoo]

Deterministic: every estimator has a fixed random_state / seed, single-threaded training, and the
NaN mask is drawn from a seeded generator. For each of scikit-learn's bundled REAL datasets

  breast_cancer  569 rows x 30 features, binary (0 = malignant, 1 = benign)
  wine           178 rows x 13 features, 3 classes
  digits         400 of the 1797 rows (seeded subsample) x 64 pixel features, 10 classes
  diabetes       442 rows x 10 features, regression
  breast_cancer_mixed  breast_cancer with two STRING columns derived from numeric ones (see
                 `mixed_table`), for ColumnTransformer(OneHotEncoder + StandardScaler) + LogisticRegression

it trains every supported model kind that fits the task on ALL the dataset's rows and writes

  <dataset>.input.csv            feature columns (header = identifiers), floats with repr()
  <dataset>.missing.input.csv    the same rows with ~3% of the cells missing, written as EMPTY
                                 fields (BatchScore's CSV reader reads an unquoted empty field as
                                 null; models must route null like the library routes NaN)
  <dataset>.<kind>.json|txt      the model: native JSON (tools/export_sklearn.py), XGBoost JSON
                                 (Booster.save_model), LightGBM text (Booster.save_model)
  <dataset>.<kind>.expected.csv  the ORIGINAL library's output on <dataset>.input.csv:
                                 classifiers "prediction,proba_<class>..."; regressors "prediction"
  <dataset>.<kind>.missing.expected.csv  the same on the missing input (tree models that accept NaN)
  index.json                     manifest: a JSON array, one object per (model, input): name
                                 (= expected file minus ".expected.csv"), format (native | xgboost |
                                 lightgbm), dataset, kind, library, model, input, expected, ...

xgboost, lightgbm and hist_gradient_boosting models are trained on the data WITH the injected
NaN, so their learnt default directions matter. Extra LightGBM variants on breast_cancer cover the
other missing types: lightgbm_nonan (trained without NaN: missing_type None, NaN is read as 0.0)
and lightgbm_zero (zero_as_missing=True: missing_type Zero); diabetes.lightgbm_rf is LightGBM's
random-forest mode ("average_output").

Before anything is written, every fixture is cross-checked: native exports with the NumPy
reference of tools/export_sklearn.py, XGBoost / LightGBM files with tools/zoo_reference.py
(the executable form of FORMATS.md), each against the library's own output.
"""
import argparse
import json
import os
import re
import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_sklearn as ex  # noqa: E402
import zoo_reference as zr  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "ScoreModelsTests", "Fixtures", "zoo")
SEED = 0
MISSING_RATE = 0.03
DIGITS_ROWS = 400
LIN_TOL = {"tolerance": 1e-9, "tolerance_mode": "relative"}
TREE_TOL = {"tolerance": 1e-6, "tolerance_mode": "absolute"}


def identifier(name):
    return re.sub(r"[^0-9A-Za-z_]+", "_", name.strip()).strip("_")


def load_dataset(name):
    from sklearn import datasets
    ds = getattr(datasets, f"load_{name}")()
    X = pd.DataFrame(ds.data, columns=[identifier(n) for n in ds.feature_names]).astype(np.float64)
    y = np.asarray(ds.target)
    if name == "digits":
        rng = np.random.default_rng(SEED)
        rows = np.sort(rng.choice(len(X), size=DIGITS_ROWS, replace=False))
        X, y = X.iloc[rows].reset_index(drop=True), y[rows]
    return X, y


def with_missing(X, seed):
    rng = np.random.default_rng(seed)
    Xm = X.copy()
    mask = rng.random(X.shape) < MISSING_RATE
    Xm = Xm.mask(mask)
    return Xm


def mixed_table():
    """breast_cancer + two string columns derived from numeric ones (replacing them):
    size_band    from mean_area quartiles (training-set quartiles): small / medium / large / xlarge
    texture_band from mean_texture: smooth (< median) / rough (>= median)
    plus 9 numeric columns standardized and 'worst_concave_points' passed through (remainder)."""
    X, y = load_dataset("breast_cancer")
    q = np.quantile(X["mean_area"], [0.25, 0.5, 0.75])
    size = np.select([X["mean_area"] < q[0], X["mean_area"] < q[1], X["mean_area"] < q[2]],
                     ["small", "medium", "large"], "xlarge")
    texture = np.where(X["mean_texture"] < X["mean_texture"].median(), "smooth", "rough")
    nums = ["mean_radius", "mean_perimeter", "mean_smoothness", "mean_compactness",
            "mean_concavity", "worst_radius", "worst_texture", "worst_area", "worst_smoothness"]
    df = X[nums + ["worst_concave_points"]].copy()
    df["size_band"] = size.astype(object)
    df["texture_band"] = texture.astype(object)
    return df, y, nums


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------

def fmt(v):
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else repr(float(v))
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def write_csv(path, df):
    for c in df.columns:
        if df[c].dtype == object:
            for v in df[c]:
                if isinstance(v, str) and any(ch in v for ch in ',"\n\r'):
                    raise ValueError(f"{c}: value needs quoting: {v!r}")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(df.columns) + "\n")
        for row in df.itertuples(index=False):
            fh.write(",".join(fmt(v) for v in row) + "\n")


def expected_frame(pred, proba, classes):
    cols = {"prediction": list(pred)}
    if proba is not None:
        for j, c in enumerate(classes):
            cols[f"proba_{c}"] = proba[:, j].astype(np.float64)
    return pd.DataFrame(cols)


class Zoo:
    def __init__(self, out):
        self.out = out
        self.entries = []

    def path(self, name):
        return os.path.join(self.out, name)

    def add(self, dataset, kind, library, model_file, task, classes, tol, inputs, n_features):
        """inputs: [(input_file, expected_df, variant)]"""
        for input_file, exp, variant in inputs:
            suffix = ".missing" if variant == "missing" else ""
            expected_file = f"{dataset}.{kind}{suffix}.expected.csv"
            write_csv(self.path(expected_file), exp)
            self.entries.append({
                "name": f"{dataset}.{kind}{suffix}",
                "format": "native" if library == "scikit-learn" else library,
                "dataset": dataset, "kind": kind, "library": library, "model": model_file,
                "input": input_file, "expected": expected_file, "missing_values": variant == "missing",
                "task": task, "classes": classes, "rows": len(exp), "features": n_features, **tol})


def _classes_list(classes):
    return [ex._class_label(c) for c in classes]


# ---------------------------------------------------------------------------------------------
# scikit-learn (native export)
# ---------------------------------------------------------------------------------------------

def sklearn_fixture(zoo, dataset, kind, est, X, y, inputs, task):
    """Fit, export (self-checked on the fixture inputs), write model + expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    data = {v: df for v, (_f, df) in inputs.items()}
    model = ex.export_model(est, check_data=data["clean"])
    if "missing" in data:
        ex.verify_against_sklearn(model, _ctx(est), data["missing"])
    model["metadata"]["dataset"] = dataset
    model["metadata"]["fixture_script"] = "tools/make_zoo_fixtures.py"
    model_file = f"{dataset}.{kind}.json"
    ex.write_model(model, zoo.path(model_file))
    out = []
    worst = 0.0
    for variant, (input_file, df) in inputs.items():
        pred, proba = ex.library_predict(_ctx(est), df)
        got_pred, got_proba = ex.native_predict(model, df)
        if proba is not None:
            worst = max(worst, float(np.max(np.abs(got_proba - proba))))
        else:
            worst = max(worst, float(np.max(np.abs(got_pred - pred))))
        out.append((input_file, expected_frame(pred, proba, model.get("classes")), variant))
    tol = TREE_TOL if model["kind"] == "tree_ensemble" else LIN_TOL
    zoo.add(dataset, kind, "scikit-learn", model_file, task, model.get("classes"), tol, out,
            len(inputs["clean"][1].columns))
    print(f"  {dataset}.{kind}: {ex.describe(model)[:90]}...; native reference vs "
          f"scikit-learn max |diff| {worst:.3g}")


def _ctx(est):
    pre, e, declared, fitted = ex.unpack(est)
    n = ex._n_features_in(pre, e)
    return ex._Ctx(est, pre, e, ex.resolve_features(None, declared, fitted, n), fitted)


# ---------------------------------------------------------------------------------------------
# XGBoost / LightGBM (their own files)
# ---------------------------------------------------------------------------------------------

def booster_fixture(zoo, dataset, kind, library, model_file, inputs, task, n_classes, n_features,
                    predict, reference, max_diff):
    """The expected outputs of a saved XGBoost / LightGBM model, added to the zoo.

    predict(df): the library's output (binary: P(class 1); multiclass: the class probabilities,
    flat or n x classes; regression: the prediction). reference(X float64): tools/zoo_reference.py's
    (raw score, probabilities), which must agree with the library within max_diff (else SystemExit
    before the expected files are written). Returns the largest difference seen."""
    classes = list(range(n_classes)) if task != "regression" else None
    out, worst = [], 0.0
    for variant, (input_file, df) in inputs.items():
        raw = np.asarray(predict(df), dtype=np.float64)
        if task == "binary":
            proba = np.column_stack([1.0 - raw, raw])
        elif task == "multiclass":
            proba = raw.reshape(len(df), n_classes)
        else:
            proba = None
        pred = raw if proba is None else np.asarray(classes)[np.argmax(proba, axis=1)]
        score, ref_proba = reference(df.to_numpy(dtype=np.float64))
        got = score[:, 0] if proba is None else ref_proba
        want = pred if proba is None else proba
        worst = max(worst, float(np.max(np.abs(got - want))))
        out.append((input_file, expected_frame(pred, proba, classes), variant))
    if worst > max_diff:
        raise SystemExit(f"{dataset}.{kind}: tools/zoo_reference.py differs from {library} by "
                         f"{worst:.3g}; FORMATS.md would be wrong")
    zoo.add(dataset, kind, library, model_file, task, classes, TREE_TOL, out, n_features)
    return worst


def xgb_fixture(zoo, dataset, X_train, y, inputs, task, n_classes):
    import xgboost as xgb
    objective = {"binary": "binary:logistic", "multiclass": "multi:softprob",
                 "regression": "reg:squarederror"}[task]
    cls = xgb.XGBRegressor if task == "regression" else xgb.XGBClassifier
    m = cls(n_estimators=30, max_depth=4, learning_rate=0.3, objective=objective,
            random_state=SEED, n_jobs=1, tree_method="hist")
    m.fit(X_train, y)
    model_file = f"{dataset}.xgboost.json"
    m.get_booster().save_model(zoo.path(model_file))
    bst = xgb.Booster(model_file=zoo.path(model_file))
    model_json = json.load(open(zoo.path(model_file)))
    worst = booster_fixture(
        zoo, dataset, "xgboost", "xgboost", model_file, inputs, task, n_classes, X_train.shape[1],
        predict=lambda df: bst.inplace_predict(df, missing=np.nan),  # float32; probabilities for classifiers
        reference=lambda X: zr.xgb_predict(model_json, X), max_diff=1e-6)
    print(f"  {dataset}.xgboost: {objective}, 30 rounds; zoo_reference vs xgboost max |diff| "
          f"{worst:.3g}")


def lgb_fixture(zoo, dataset, kind, X_train, y, inputs, task, n_classes, **params):
    import lightgbm as lgb
    cls = lgb.LGBMRegressor if task == "regression" else lgb.LGBMClassifier
    m = cls(n_estimators=30, random_state=SEED, n_jobs=1, verbose=-1, deterministic=True,
            force_row_wise=True, **params)
    m.fit(X_train, y)
    model_file = f"{dataset}.{kind}.txt"
    m.booster_.save_model(zoo.path(model_file))
    bst = lgb.Booster(model_file=zoo.path(model_file))
    text = open(zoo.path(model_file)).read()
    worst = booster_fixture(
        zoo, dataset, kind, "lightgbm", model_file, inputs, task, n_classes, X_train.shape[1],
        predict=lambda df: bst.predict(df.to_numpy(dtype=np.float64)),
        reference=lambda X: zr.lgb_predict(text, X), max_diff=1e-9)
    print(f"  {dataset}.{kind}: {params or 'defaults'}, 30 trees/class; zoo_reference vs "
          f"lightgbm max |diff| {worst:.3g}")


# ---------------------------------------------------------------------------------------------

def build(out):
    from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                                  HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                                  RandomForestClassifier, RandomForestRegressor)
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith((".csv", ".json", ".txt")):
            os.remove(os.path.join(out, f))
    zoo = Zoo(out)

    def scaled(est):
        return Pipeline([("scaler", StandardScaler()), ("model", est)])

    for seed_offset, dataset in enumerate(["breast_cancer", "wine", "digits", "diabetes"]):
        X, y = load_dataset(dataset)
        Xm = with_missing(X, SEED + 1 + seed_offset)
        clean_file, miss_file = f"{dataset}.input.csv", f"{dataset}.missing.input.csv"
        write_csv(zoo.path(clean_file), X)
        write_csv(zoo.path(miss_file), Xm)
        both = {"clean": (clean_file, X), "missing": (miss_file, Xm)}
        clean = {"clean": (clean_file, X)}
        n_classes = len(np.unique(y)) if dataset != "diabetes" else 0
        task = "regression" if dataset == "diabetes" else ("binary" if n_classes == 2
                                                           else "multiclass")
        print(f"{dataset}: {len(X)} rows x {X.shape[1]} features, {task}; "
              f"{int(Xm.isna().to_numpy().sum())} missing cells in {miss_file}")
        # the task's own models, then the tree ensembles (regressor or classifier) every task gets
        if task == "regression":
            models = [("linear", scaled(LinearRegression())),
                      ("ridge", scaled(Ridge(alpha=1.0))),
                      ("mlp", scaled(MLPRegressor(hidden_layer_sizes=(16, 8), max_iter=3000,
                                                  learning_rate_init=0.01, random_state=SEED)))]
            forest, gbm, hgb = (RandomForestRegressor, GradientBoostingRegressor,
                                HistGradientBoostingRegressor)
        else:
            models = [("logistic" if task == "binary" else "softmax",
                       scaled(LogisticRegression(max_iter=10_000, random_state=SEED))),
                      ("mlp", scaled(MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=2000,
                                                   random_state=SEED)))]
            forest, gbm, hgb = (RandomForestClassifier, GradientBoostingClassifier,
                                HistGradientBoostingClassifier)
        models += [("random_forest", forest(n_estimators=20, max_depth=6, random_state=SEED, n_jobs=1)),
                   ("gradient_boosting", gbm(n_estimators=30, max_depth=3, random_state=SEED))]
        for kind, est in models:
            sklearn_fixture(zoo, dataset, kind, est, X, y, clean, task)
        sklearn_fixture(zoo, dataset, "hist_gradient_boosting",
                        hgb(max_iter=30, early_stopping=False, random_state=SEED), Xm, y, both, task)
        xgb_fixture(zoo, dataset, Xm, y, both, task, n_classes)
        lgb_fixture(zoo, dataset, "lightgbm", Xm, y, both, task, n_classes)
        if dataset == "breast_cancer":
            lgb_fixture(zoo, dataset, "lightgbm_nonan", X, y, both, task, n_classes)
            lgb_fixture(zoo, dataset, "lightgbm_zero", X, y, both, task, n_classes,
                        zero_as_missing=True)
        if dataset == "diabetes":
            lgb_fixture(zoo, dataset, "lightgbm_rf", Xm, y, both, task, n_classes,
                        boosting_type="rf", bagging_fraction=0.7, bagging_freq=1)

    # mixed table: ColumnTransformer(OneHotEncoder + StandardScaler, passthrough remainder) + LR
    df, y, nums = mixed_table()
    dataset = "breast_cancer_mixed"
    write_csv(zoo.path(f"{dataset}.input.csv"), df)
    print(f"{dataset}: {len(df)} rows x {df.shape[1]} columns (2 string), binary")
    ct = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["size_band", "texture_band"]),
        ("num", StandardScaler(), nums)], remainder="passthrough")
    pipe = Pipeline([("pre", ct), ("model", LogisticRegression(max_iter=10_000,
                                                               random_state=SEED))])
    sklearn_fixture(zoo, dataset, "onehot_logistic", pipe, df, y,
                    {"clean": (f"{dataset}.input.csv", df)}, "binary")

    with open(zoo.path("index.json"), "w", encoding="utf-8") as fh:
        # a top-level array (one object per model x input); versions: tools/requirements-fixtures.txt
        versions_used = versions()
        json.dump([{**e, "versions": versions_used} for e in zoo.entries], fh, indent=1)
        fh.write("\n")
    total = sum(os.path.getsize(zoo.path(f)) for f in os.listdir(out))
    print(f"{len(zoo.entries)} fixtures, {len(os.listdir(out))} files, {total / 1e6:.2f} MB in {out}")


def versions():
    import lightgbm
    import sklearn
    import xgboost
    return {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__, "xgboost": xgboost.__version__,
            "lightgbm": lightgbm.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    a = ap.parse_args()
    build(a.out)


if __name__ == "__main__":
    main()
