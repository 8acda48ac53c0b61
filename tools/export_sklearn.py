#!/usr/bin/env python3
"""Export a fitted scikit-learn linear model to BatchScore's native JSON model format.

Usage:
    .venv/bin/python tools/export_sklearn.py MODEL.joblib OUT.json [--features a,b,c]

MODEL.joblib may hold any of:
  * a Pipeline of an optional StandardScaler followed by one supported estimator
    (nested Pipelines and "passthrough" steps are fine);
  * a bare supported estimator;
  * an anchor-style bundle dict {"features": [...], "scaler": StandardScaler | None, "model": estimator}
    (the format written by ../shared/anchors/train.py).

Supported estimators and the native "kind" they become:
  LogisticRegression, LogisticRegressionCV  binary     -> logistic_regression
                                            multiclass -> softmax_regression (only when the installed
                                                          scikit-learn's predict_proba is a softmax;
                                                          one-vs-rest models are refused)
  LinearRegression, Ridge, RidgeCV, Lasso, ElasticNet  -> linear_regression (single output only)

Feature names come from --features, else the bundle's "features", else the fitted
`feature_names_in_` (set when the model was fitted on a pandas DataFrame). With none of these,
the export fails: BatchScore matches model inputs to input columns by name.

Before writing, the exported model is evaluated with a NumPy reference implementation of the
native semantics (see `native_predict`) on synthetic probe rows and compared with scikit-learn's
own predict / predict_proba; any disagreement beyond 1e-9 (relative) aborts the export.

Exit codes: 0 written; 1 bad input (unreadable file, no feature names, failed self-check);
            2 unsupported model (estimator, pipeline step, one-vs-rest, multi-output).

The functions `load_model_file`, `export_model`, `write_model` and `native_predict` are meant to
be imported by other scripts (tools/make_model_fixtures.py, examples/churn/train_model.py, bench/).
"""
import argparse
import json
import math
import sys
import warnings

import numpy as np

FORMAT = "batchscore-model"
FORMAT_VERSION = 1

CLASSIFIERS = ("LogisticRegression", "LogisticRegressionCV")
REGRESSORS = ("LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet")
SCALERS = ("StandardScaler",)
SUPPORTED_TEXT = (", ".join(CLASSIFIERS + REGRESSORS) + "; pipeline steps before the estimator: "
                  + ", ".join(SCALERS))

VERIFY_RTOL = 1e-9


class ExportError(Exception):
    """The model cannot be exported. `exit_code` is 2 for unsupported models, 1 otherwise."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


class UnsupportedModel(ExportError):
    def __init__(self, message):
        super().__init__(message, exit_code=2)


# ---------------------------------------------------------------------------------------------
# Loading and unpacking
# ---------------------------------------------------------------------------------------------

def load_model_file(path):
    """joblib.load with a readable error."""
    import joblib
    try:
        return joblib.load(path)
    except FileNotFoundError:
        raise ExportError(f"no such file: {path}")
    except Exception as e:  # noqa: BLE001 - anything joblib/pickle raises
        raise ExportError(f"could not load {path}: {type(e).__name__}: {e}")


def _type_name(obj):
    return type(obj).__name__


def _flatten_pipeline(pipe):
    """Yield the non-passthrough steps of a (possibly nested) Pipeline, in order."""
    for _name, step in pipe.steps:
        if step is None or (isinstance(step, str) and step == "passthrough"):
            continue
        if _type_name(step) == "Pipeline":
            yield from _flatten_pipeline(step)
        else:
            yield step


def unpack(obj):
    """Split a loaded object into (scalers, estimator, declared_feature_names or None, fitted_names)."""
    declared = None
    if isinstance(obj, dict):
        missing = [k for k in ("features", "model") if k not in obj]
        if missing:
            raise ExportError(f"bundle dict lacks key(s) {missing}; expected "
                              "{'features', 'scaler', 'model'}")
        declared = [str(f) for f in obj["features"]]
        steps = [] if obj.get("scaler") is None else [obj["scaler"]]
        inner = obj["model"]
        steps += list(_flatten_pipeline(inner)) if _type_name(inner) == "Pipeline" else [inner]
    elif _type_name(obj) == "Pipeline":
        steps = list(_flatten_pipeline(obj))
    else:
        steps = [obj]
    if not steps:
        raise ExportError("the pipeline has no estimator")

    *pre, estimator = steps
    for step in pre:
        if _type_name(step) not in SCALERS:
            raise UnsupportedModel(f"unsupported pipeline step: {_type_name(step)} "
                                   f"(supported: {SUPPORTED_TEXT})")
    if len(pre) > 1:  # the native format (and BatchScore's loader) takes one standardize step
        raise UnsupportedModel(f"the pipeline has {len(pre)} StandardScaler steps; at most one is "
                               "supported")
    if _type_name(estimator) not in CLASSIFIERS + REGRESSORS:
        raise UnsupportedModel(f"unsupported estimator: {_type_name(estimator)} "
                               f"(supported: {SUPPORTED_TEXT})")

    fitted = getattr(steps[0], "feature_names_in_", None)
    fitted = None if fitted is None else [str(f) for f in fitted]
    return pre, estimator, declared, fitted


def _n_features_in(pre, estimator):
    first = pre[0] if pre else estimator
    n = getattr(first, "n_features_in_", None)
    if n is None:
        raise ExportError(f"{_type_name(first)} is not fitted")
    return int(n)


def resolve_features(override, declared, fitted, n_features):
    """Pick the feature names (override > bundle > feature_names_in_) and check the count."""
    for source, names in (("--features", override), ("bundle 'features'", declared),
                          ("feature_names_in_", fitted)):
        if names:
            break
    else:
        raise ExportError("no feature names: the model was not fitted on a DataFrame and none "
                          "were given; pass --features a,b,c (in training column order)")
    names = [n.strip() for n in names]
    if len(names) != n_features:
        raise ExportError(f"{source} lists {len(names)} feature(s) but the model expects "
                          f"{n_features}")
    if len(set(names)) != len(names):
        raise ExportError(f"{source} has duplicate feature names: {names}")
    if any(not n for n in names):
        raise ExportError(f"{source} has an empty feature name")
    return names


# ---------------------------------------------------------------------------------------------
# Conversion
# ---------------------------------------------------------------------------------------------

def _floats(a, what):
    values = np.asarray(a, dtype=np.float64).tolist()
    flat = values if not values or not isinstance(values[0], list) else sum(values, [])
    if not all(math.isfinite(v) for v in flat):
        raise ExportError(f"{what} contains NaN or infinity")
    return values


def scaler_step(scaler, n_features):
    """StandardScaler -> {"type": "standardize", "mean", "scale"} (with_mean/with_std off -> 0/1)."""
    if not hasattr(scaler, "n_features_in_"):
        raise ExportError("StandardScaler is not fitted")
    mean = scaler.mean_ if getattr(scaler, "with_mean", True) and scaler.mean_ is not None \
        else np.zeros(n_features)
    # scale_ already has zero-variance features replaced by 1.0 (as transform() uses it)
    scale = scaler.scale_ if getattr(scaler, "with_std", True) and scaler.scale_ is not None \
        else np.ones(n_features)
    return {"type": "standardize",
            "mean": _floats(mean, "StandardScaler.mean_"),
            "scale": _floats(scale, "StandardScaler.scale_")}


def _class_label(c):
    """Class labels as JSON ints or strings, as the native format allows."""
    if isinstance(c, (bool, np.bool_)):
        raise UnsupportedModel("boolean class labels are not supported; encode them as 0/1")
    if isinstance(c, (int, np.integer)):
        return int(c)
    if isinstance(c, (float, np.floating)) and float(c).is_integer():
        return int(c)
    if isinstance(c, (str, np.str_)):
        return str(c)
    raise UnsupportedModel(f"class label {c!r} ({type(c).__name__}) is not an int or a string")


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _check_multiclass_is_softmax(estimator, n_features):
    """Ask the installed scikit-learn how it turns scores into probabilities.

    Recent versions always use a softmax for multiclass LogisticRegression; older ones (and
    models fitted with multi_class="ovr" or liblinear) normalise per-class sigmoids instead.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(0.0, 2.0, size=(64, n_features))
    with warnings.catch_warnings():  # "X does not have valid feature names" is expected here
        warnings.simplefilter("ignore", UserWarning)
        z = estimator.decision_function(X)
        proba = estimator.predict_proba(X)
    if np.allclose(proba, _softmax(z), rtol=VERIFY_RTOL, atol=1e-12):
        return
    sig = 1.0 / (1.0 + np.exp(-z))
    if np.allclose(proba, sig / sig.sum(axis=1, keepdims=True), rtol=1e-9, atol=1e-12):
        import sklearn
        raise UnsupportedModel(
            f"{_type_name(estimator)} is one-vs-rest: under scikit-learn {sklearn.__version__} its "
            "predict_proba normalises per-class sigmoids, which the native softmax_regression "
            "kind does not compute. Refit with the multinomial (softmax) setting.")
    raise UnsupportedModel(f"{_type_name(estimator)}: predict_proba is neither a softmax nor "
                           "one-vs-rest of its decision_function; cannot export")


def estimator_fields(estimator, n_features):
    """kind / classes / coefficients / intercept for a supported estimator."""
    name = _type_name(estimator)
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.atleast_1d(np.asarray(estimator.intercept_, dtype=np.float64))
    if name in REGRESSORS:
        if coef.ndim == 2 and coef.shape[0] != 1:
            raise UnsupportedModel(f"{name} has {coef.shape[0]} outputs; only single-output "
                                   "regression is supported")
        coef, intercept = coef.reshape(1, -1), intercept.reshape(-1)
        kind, classes = "linear_regression", None
    else:
        classes = [_class_label(c) for c in estimator.classes_]
        if len(classes) == 2:
            kind = "logistic_regression"
        elif len(classes) > 2:
            _check_multiclass_is_softmax(estimator, n_features)
            kind = "softmax_regression"
        else:
            raise UnsupportedModel(f"{name} was fitted on a single class")
    if coef.shape[1] != n_features:
        raise ExportError(f"{name}.coef_ has {coef.shape[1]} columns, expected {n_features}")
    if intercept.shape[0] != coef.shape[0]:
        raise ExportError(f"{name}: {coef.shape[0]} coefficient rows but "
                          f"{intercept.shape[0]} intercepts")
    return kind, classes, _floats(coef, f"{name}.coef_"), _floats(intercept, f"{name}.intercept_")


def export_model(obj, features=None, verify=True):
    """Convert a loaded pipeline / estimator / bundle into the native model dict.

    `features` (list of names) overrides the names recorded in the model.
    With verify=True the result is checked against scikit-learn on probe rows.
    """
    import sklearn
    pre, estimator, declared, fitted = unpack(obj)
    n = _n_features_in(pre, estimator)
    names = resolve_features(features, declared, fitted, n)
    kind, classes, coefficients, intercept = estimator_fields(estimator, n)

    model = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": kind,
             "features": names,
             "preprocessing": [scaler_step(s, n) for s in pre]}
    if classes is not None:
        model["classes"] = classes
    model["coefficients"] = coefficients
    model["intercept"] = intercept
    model["metadata"] = {
        "source": f"scikit-learn {sklearn.__version__}",
        "estimator": _type_name(estimator),
        "pipeline": [_type_name(s) for s in pre] + [_type_name(estimator)],
        "exported_by": "tools/export_sklearn.py",
    }
    if verify:
        verify_against_sklearn(model, pre, estimator, fitted)
    return model


# ---------------------------------------------------------------------------------------------
# Reference semantics and self-check
# ---------------------------------------------------------------------------------------------

def native_predict(model, X):
    """Evaluate a native model dict on X (rows x features, float64) the way BatchScore must.

    Returns (predictions, probabilities): probabilities is None for linear_regression;
    predictions are floats for regression, class labels for classifiers.
    """
    X = np.asarray(X, dtype=np.float64)
    for step in model["preprocessing"]:
        if step["type"] != "standardize":
            raise ValueError(f"unknown preprocessing step {step['type']!r}")
        X = (X - np.asarray(step["mean"])) / np.asarray(step["scale"])
    W = np.asarray(model["coefficients"], dtype=np.float64)
    z = X @ W.T + np.asarray(model["intercept"], dtype=np.float64)
    kind = model["kind"]
    if kind == "linear_regression":
        return z[:, 0], None
    classes = np.asarray(model["classes"], dtype=object)
    if kind == "logistic_regression":
        p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
        return classes[(z[:, 0] > 0).astype(int)], np.column_stack([1.0 - p1, p1])
    if kind == "softmax_regression":
        return classes[np.argmax(z, axis=1)], _softmax(z)
    raise ValueError(f"unknown kind {kind!r}")


def _sklearn_predict(pre, estimator, X, fitted_names):
    if fitted_names is not None:
        import pandas as pd
        X = pd.DataFrame(X, columns=fitted_names)
    for step in pre:
        X = step.transform(X)
    proba = estimator.predict_proba(X) if hasattr(estimator, "predict_proba") else None
    return np.asarray(estimator.predict(X)), proba


def probe_rows(model, n_rows=256, seed=0):
    """Synthetic rows spread around the scaler's training distribution."""
    rng = np.random.default_rng(seed)
    k = len(model["features"])
    mean, scale = np.zeros(k), np.ones(k)
    if model["preprocessing"]:
        mean = np.asarray(model["preprocessing"][0]["mean"])
        scale = np.asarray(model["preprocessing"][0]["scale"])
    return mean + scale * rng.normal(0.0, 1.5, size=(n_rows, k))


def _close(a, b):
    return np.allclose(a, b, rtol=VERIFY_RTOL, atol=1e-12)


def verify_against_sklearn(model, pre, estimator, fitted_names):
    X = probe_rows(model)
    want_pred, want_proba = _sklearn_predict(pre, estimator, X, fitted_names)
    got_pred, got_proba = native_predict(model, X)
    if model["kind"] == "linear_regression":
        ok = _close(got_pred, np.asarray(want_pred, dtype=np.float64).reshape(-1))
    else:
        ok = (_close(got_proba, want_proba)
              and [_class_label(c) for c in want_pred] == list(got_pred))
    if not ok:
        raise ExportError("self-check failed: the exported model does not reproduce "
                          f"scikit-learn's predictions for {_type_name(estimator)}; not writing it")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def _dump(value, indent=0):
    """JSON with one key per line and numeric arrays kept on one line (a row per line for matrices).

    Floats go through json.dumps, i.e. Python's repr: the shortest text that round-trips exactly.
    """
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {_dump(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v, allow_nan=False) for v in value) + "]"
        items = [pad + _dump(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value, allow_nan=False)


def write_model(model, path):
    text = _dump(model) + "\n"
    assert json.loads(text) == model  # the custom layout must not change a single value
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def describe(model):
    shape = f"{len(model['coefficients'])}x{len(model['features'])}"
    classes = f", classes {model['classes']}" if "classes" in model else ""
    pre = "+".join(s["type"] for s in model["preprocessing"]) or "none"
    return (f"{model['kind']} ({model['metadata']['estimator']}), {len(model['features'])} "
            f"features {model['features']}, coefficients {shape}{classes}, preprocessing: {pre}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="See the module docstring for details.")
    ap.add_argument("model", help="fitted scikit-learn pipeline / estimator / bundle (.joblib)")
    ap.add_argument("out", help="output JSON path")
    ap.add_argument("--features", help="comma-separated feature names, in training column order")
    a = ap.parse_args(argv)
    override = [f for f in a.features.split(",")] if a.features else None
    try:
        model = export_model(load_model_file(a.model), features=override)
        write_model(model, a.out)
    except ExportError as e:
        print(f"export_sklearn: error: {e}", file=sys.stderr)
        return e.exit_code
    print(f"wrote {a.out}: {describe(model)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
