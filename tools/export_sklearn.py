#!/usr/bin/env python3
"""Export a fitted scikit-learn model to BatchScore's native JSON model format (version 1).

Usage:
    .venv/bin/python tools/export_sklearn.py MODEL.joblib OUT.json [--features a,b,c]
                                             [--check-data rows.csv]

MODEL.joblib may hold any of:
  * a Pipeline of optional preprocessing followed by one supported estimator
    (nested Pipelines and "passthrough" steps are fine);
  * a bare supported estimator;
  * an anchor-style bundle dict {"features": [...], "scaler": StandardScaler | None, "model": estimator}
    (the format written by ../shared/anchors/train.py).

Preprocessing (at most one of these, before the estimator):
  StandardScaler                -> {"type": "standardize"}
  ColumnTransformer of OneHotEncoder / StandardScaler / "passthrough" / "drop" transformers
  (remainder "passthrough" or "drop")
                                -> "one_hot" steps, then one "standardize" over the expanded vector
      How a ColumnTransformer is written: the model's "features" are the transformer's INPUT columns
      re-ordered into the transformer's OUTPUT order (transformers in order, each transformer's
      columns in the order it was given them, then the passthrough remainder in input order; dropped
      columns are not listed). Each one-hot encoded column then gets a "one_hot" step (in that
      order) that replaces it, at its position, by one 0/1 slot per category (category order =
      OneHotEncoder.categories_, i.e. sorted). The final "standardize" step covers the expanded
      vector: the scaler's mean/scale for the scaled slots, mean 0 / scale 1 for one-hot and
      passthrough slots. The resulting vector equals ColumnTransformer.transform() column for column.
      OneHotEncoder: string categories only; drop=None; handle_unknown "error" -> "error",
      "ignore" / "infrequent_if_exist" / "warn" without infrequent categories -> "ignore";
      min_frequency / max_categories that created infrequent categories are refused.

Supported estimators and the native "kind" they become:
  LogisticRegression, LogisticRegressionCV  binary     -> logistic_regression
                                            multiclass -> softmax_regression (only when the installed
                                                          scikit-learn's predict_proba is a softmax;
                                                          one-vs-rest models are refused)
  LinearRegression, Ridge, RidgeCV, Lasso, ElasticNet  -> linear_regression (single output only)
  MLPClassifier (binary, multiclass; not multilabel), MLPRegressor (single output) -> mlp
  RandomForestClassifier / Regressor, ExtraTreesClassifier / Regressor,
  DecisionTreeClassifier / Regressor                   -> tree_ensemble, aggregation "mean"
      classifiers: "values" per node = the tree's class-probability vector (value / value.sum(), as
      DecisionTreeClassifier.predict_proba), n_outputs = number of classes (also when binary),
      link "identity"; regressors: "value", n_outputs 1.
  GradientBoostingClassifier (binary, multiclass) / GradientBoostingRegressor -> tree_ensemble "sum"
      leaf value = learning_rate * tree value (the exact product scikit-learn adds),
      base_score = the init estimator's raw prediction (default init only: the class prior /
      the loss's constant; init="zero" gives 0); any other init estimator is refused.
      Binary: link logistic (loss "exponential": leaf values and base doubled, which is exact, since
      scikit-learn's probability is expit(2 * raw)); multiclass: one tree per class per stage,
      tree "output" = class index, link softmax; regression: link identity.
  HistGradientBoostingClassifier / Regressor (numeric features only) -> tree_ensemble "sum"
      leaf values as stored (shrinkage already applied), base_score = the baseline prediction,
      missing values go left/right per node as missing_go_to_left; categorical splits are refused.
      Regression: identity-link losses only (squared_error, absolute_error, quantile).

Tree semantics written (see the contract): node i is a leaf when left[i] == -1 (then feature is
-1 and threshold 0.0); internal nodes carry "value" 0.0. scikit-learn trees (forests, GB) go left
when float32(x) <= threshold, with threshold the float64 scikit-learn stores (NOT rounded to
float32): "comparison": "le", "feature_precision": "float32". HistGradientBoosting compares the
float64 x with its float64 threshold: "float64". NaN goes left iff default_left (scikit-learn's
missing_go_to_left, learnt when training saw NaN, else the child with more training samples).
Feature indices refer to the model's input vector after preprocessing.

Feature names come from --features, else the bundle's "features", else the fitted
`feature_names_in_` (set when the model was fitted on a pandas DataFrame). With none of these,
the export fails: BatchScore matches model inputs to input columns by name.

Before writing, the exported model is evaluated with a NumPy re-implementation of the native
semantics (`native_predict`) on probe rows (synthetic rows around the training distribution; for
trees also every threshold, its float32/float64 neighbours and NaN where the estimator accepts
NaN) and on --check-data rows if given, and compared with the estimator's own predict /
predict_proba: 1e-9 relative for linear models and MLPs, 1e-6 absolute for tree ensembles;
predicted labels must be identical (except exact near-ties). Any disagreement aborts the export.

Exit codes: 0 written; 1 bad input (unreadable file, no feature names, failed self-check);
            2 unsupported model (estimator, pipeline step, one-vs-rest, multi-output, categorical).

The functions `load_model_file`, `export_model`, `write_model`, `native_predict` and
`library_predict` are meant to be imported by other scripts (tools/make_model_fixtures.py,
tools/make_zoo_fixtures.py, examples/churn/train_model.py, bench/).
"""
import argparse
import json
import math
import sys
import warnings

import numpy as np

FORMAT = "batchscore-model"
FORMAT_VERSION = 1

LINEAR_CLASSIFIERS = ("LogisticRegression", "LogisticRegressionCV")
LINEAR_REGRESSORS = ("LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet")
MLPS = ("MLPClassifier", "MLPRegressor")
FORESTS = ("RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
           "ExtraTreesRegressor")
SINGLE_TREES = ("DecisionTreeClassifier", "DecisionTreeRegressor")
GBS = ("GradientBoostingClassifier", "GradientBoostingRegressor")
HGBS = ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor")
# kept for importers of the previous version
CLASSIFIERS = LINEAR_CLASSIFIERS
REGRESSORS = LINEAR_REGRESSORS
ESTIMATORS = LINEAR_CLASSIFIERS + LINEAR_REGRESSORS + MLPS + FORESTS + SINGLE_TREES + GBS + HGBS
SCALERS = ("StandardScaler",)
PREPROCESSORS = ("StandardScaler", "ColumnTransformer (of OneHotEncoder, StandardScaler, "
                 "'passthrough', 'drop')")
SUPPORTED_TEXT = (", ".join(ESTIMATORS) + "; preprocessing before the estimator (at most one): "
                  + ", ".join(PREPROCESSORS))

VERIFY_RTOL = 1e-9      # linear models and MLPs (relative)
TREE_ATOL = 1e-6        # tree ensembles (absolute, margins / probabilities / regression values)


class ExportError(Exception):
    """The model cannot be exported. `exit_code` is 2 for unsupported models, 1 otherwise."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


class UnsupportedModel(ExportError):
    def __init__(self, message):
        super().__init__(message, exit_code=2)


def _unsupported(what, name):
    return UnsupportedModel(f"unsupported {what}: {name} (supported: {SUPPORTED_TEXT})")


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


def _is_passthrough(step):
    return step is None or (isinstance(step, str) and step == "passthrough")


def _flatten_pipeline(pipe):
    """Yield the non-passthrough steps of a (possibly nested) Pipeline, in order."""
    for _name, step in pipe.steps:
        if _is_passthrough(step):
            continue
        if _type_name(step) == "Pipeline":
            yield from _flatten_pipeline(step)
        else:
            yield step


def unpack(obj):
    """Split a loaded object into (preprocessors, estimator, declared_feature_names or None, fitted_names)."""
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
        if _type_name(step) not in ("StandardScaler", "ColumnTransformer"):
            raise _unsupported("pipeline step", _type_name(step))
    if len(pre) > 1:  # the native format (and BatchScore's loader) takes one standardize step
        raise UnsupportedModel(f"the pipeline has {len(pre)} preprocessing steps "
                               f"({', '.join(_type_name(s) for s in pre)}); at most one "
                               "StandardScaler or ColumnTransformer is supported")
    if _type_name(estimator) not in ESTIMATORS:
        raise _unsupported("estimator", _type_name(estimator))

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
# Preprocessing
# ---------------------------------------------------------------------------------------------

def _floats(a, what):
    values = np.asarray(a, dtype=np.float64).tolist()
    flat = values if not values or not isinstance(values[0], list) else sum(values, [])
    if not all(math.isfinite(v) for v in flat):
        raise ExportError(f"{what} contains NaN or infinity")
    return values


def _scaler_arrays(scaler, n_features):
    if not hasattr(scaler, "n_features_in_"):
        raise ExportError("StandardScaler is not fitted")
    mean = scaler.mean_ if getattr(scaler, "with_mean", True) and scaler.mean_ is not None \
        else np.zeros(n_features)
    # scale_ already has zero-variance features replaced by 1.0 (as transform() uses it)
    scale = scaler.scale_ if getattr(scaler, "with_std", True) and scaler.scale_ is not None \
        else np.ones(n_features)
    return np.asarray(mean, dtype=np.float64), np.asarray(scale, dtype=np.float64)


def scaler_step(scaler, n_features):
    """StandardScaler -> {"type": "standardize", "mean", "scale"} (with_mean/with_std off -> 0/1)."""
    mean, scale = _scaler_arrays(scaler, n_features)
    return {"type": "standardize",
            "mean": _floats(mean, "StandardScaler.mean_"),
            "scale": _floats(scale, "StandardScaler.scale_")}


def _one_hot_categories(enc, j, column):
    if getattr(enc, "drop", None) is not None:
        raise UnsupportedModel(f"OneHotEncoder(drop={enc.drop!r}) on {column!r}: only drop=None "
                               "is supported")
    infrequent = getattr(enc, "infrequent_categories_", None)
    if infrequent is not None and infrequent[j] is not None and len(infrequent[j]):
        raise UnsupportedModel(f"OneHotEncoder on {column!r} groups infrequent categories "
                               "(min_frequency / max_categories); not supported")
    cats = list(enc.categories_[j])
    for c in cats:
        if not isinstance(c, (str, np.str_)):
            raise UnsupportedModel(f"OneHotEncoder on {column!r} has a non-string category {c!r} "
                                   f"({type(c).__name__}); only string columns can be one-hot "
                                   "encoded (missing values as a category are not supported)")
    hu = enc.handle_unknown
    if hu == "error":
        mode = "error"
    elif hu in ("ignore", "infrequent_if_exist", "warn"):
        mode = "ignore"
    else:
        raise UnsupportedModel(f"OneHotEncoder(handle_unknown={hu!r}) is not supported")
    return [str(c) for c in cats], mode


def column_transformer_steps(ct, input_names):
    """ColumnTransformer -> (features in output order, [one_hot..., standardize], kinds per slot)."""
    if not hasattr(ct, "transformers_"):
        raise ExportError("ColumnTransformer is not fitted")
    to_input = getattr(ct, "_transformer_to_input_indices", None)
    if to_input is None:
        raise ExportError("this scikit-learn's ColumnTransformer lacks _transformer_to_input_indices; "
                          "cannot resolve its columns")
    features, one_hots, means, scales = [], [], [], []
    used = set()
    expected_start = 0
    for name, trans, _cols in ct.transformers_:
        idx = list(to_input.get(name, []))
        if _is_passthrough(trans) and name == "remainder" and not idx:
            continue
        if isinstance(trans, str) and trans == "drop":
            continue
        if not idx:
            continue
        out = ct.output_indices_.get(name)
        if out is None or out.start != expected_start:
            raise ExportError(f"ColumnTransformer output of {name!r} is not where expected")
        cols = [input_names[i] for i in idx]
        if used & set(cols):
            raise UnsupportedModel(f"ColumnTransformer uses column(s) {sorted(used & set(cols))} "
                                   "in more than one transformer; not supported")
        used |= set(cols)
        tname = "passthrough" if _is_passthrough(trans) else _type_name(trans)
        if tname == "FunctionTransformer" and getattr(trans, "func", 0) is None:
            tname = "passthrough"  # how recent scikit-learn stores remainder="passthrough"
        if tname == "passthrough":
            width = len(cols)
            means += [0.0] * width
            scales += [1.0] * width
        elif tname == "StandardScaler":
            m, s = _scaler_arrays(trans, len(cols))
            width = len(cols)
            means += m.tolist()
            scales += s.tolist()
        elif tname == "OneHotEncoder":
            width = 0
            for j, col in enumerate(cols):
                cats, mode = _one_hot_categories(trans, j, col)
                one_hots.append({"type": "one_hot", "column": col, "categories": cats,
                                 "handle_unknown": mode})
                width += len(cats)
                means += [0.0] * len(cats)
                scales += [1.0] * len(cats)
        else:
            raise _unsupported(f"ColumnTransformer transformer {name!r}", tname)
        if out.stop - out.start != width:
            raise ExportError(f"ColumnTransformer transformer {name!r} outputs "
                              f"{out.stop - out.start} columns, expected {width}")
        expected_start = out.stop
        features += cols
    steps = one_hots + [{"type": "standardize", "mean": _floats(means, "ColumnTransformer means"),
                         "scale": _floats(scales, "ColumnTransformer scales")}]
    return features, steps


# ---------------------------------------------------------------------------------------------
# Estimators
# ---------------------------------------------------------------------------------------------

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


def _classes(estimator):
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise ExportError(f"{_type_name(estimator)} is not fitted")
    classes = np.asarray(classes)
    if classes.ndim != 1:
        raise UnsupportedModel(f"{_type_name(estimator)} is multi-output; not supported")
    if len(classes) < 2:
        raise UnsupportedModel(f"{_type_name(estimator)} was fitted on a single class")
    return [_class_label(c) for c in classes]


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


def linear_fields(estimator, n_features):
    """kind / classes / coefficients / intercept for a linear estimator."""
    name = _type_name(estimator)
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.atleast_1d(np.asarray(estimator.intercept_, dtype=np.float64))
    if name in LINEAR_REGRESSORS:
        if coef.ndim == 2 and coef.shape[0] != 1:
            raise UnsupportedModel(f"{name} has {coef.shape[0]} outputs; only single-output "
                                   "regression is supported")
        coef, intercept = coef.reshape(1, -1), intercept.reshape(-1)
        kind, classes = "linear_regression", None
    else:
        classes = _classes(estimator)
        if len(classes) == 2:
            kind = "logistic_regression"
        else:
            _check_multiclass_is_softmax(estimator, n_features)
            kind = "softmax_regression"
    if coef.shape[1] != n_features:
        raise ExportError(f"{name}.coef_ has {coef.shape[1]} columns, expected {n_features}")
    if intercept.shape[0] != coef.shape[0]:
        raise ExportError(f"{name}: {coef.shape[0]} coefficient rows but "
                          f"{intercept.shape[0]} intercepts")
    fields = {"kind": kind}
    if classes is not None:
        fields["classes"] = classes
    fields["coefficients"] = _floats(coef, f"{name}.coef_")
    fields["intercept"] = _floats(intercept, f"{name}.intercept_")
    return fields


# kept for importers of the previous version
def estimator_fields(estimator, n_features):
    f = linear_fields(estimator, n_features)
    return f["kind"], f.get("classes"), f["coefficients"], f["intercept"]


def mlp_fields(estimator, n_features):
    name = _type_name(estimator)
    if not hasattr(estimator, "coefs_"):
        raise ExportError(f"{name} is not fitted")
    hidden = estimator.activation
    out_act = estimator.out_activation_
    if hidden not in ("relu", "tanh", "logistic", "identity"):
        raise UnsupportedModel(f"{name}(activation={hidden!r}) is not supported")
    fields = {"kind": "mlp"}
    if name == "MLPClassifier":
        classes = _classes(estimator)
        if out_act not in ("logistic", "softmax") or (out_act == "logistic" and len(classes) != 2):
            raise UnsupportedModel(f"{name} is multilabel (output {out_act!r} with "
                                   f"{estimator.n_outputs_} units); not supported")
        fields["classes"] = classes
    else:
        if estimator.n_outputs_ != 1 or out_act != "identity":
            raise UnsupportedModel(f"{name} has {estimator.n_outputs_} outputs; only "
                                   "single-output regression is supported")
    if estimator.coefs_[0].shape[0] != n_features:
        raise ExportError(f"{name} expects {estimator.coefs_[0].shape[0]} inputs, "
                          f"preprocessing gives {n_features}")
    layers = []
    n_layers = len(estimator.coefs_)
    for i, (W, b) in enumerate(zip(estimator.coefs_, estimator.intercepts_)):
        layers.append({"weights": _floats(np.asarray(W).T, f"{name}.coefs_[{i}]"),
                       "bias": _floats(b, f"{name}.intercepts_[{i}]"),
                       "activation": out_act if i == n_layers - 1 else hidden})
    fields["layers"] = layers
    return fields


def _tree_nodes(tree, *, value=None, values=None):
    """sklearn Tree -> native node arrays (leaf: left == right == -1, feature -1, threshold 0.0)."""
    left = tree.children_left.astype(np.int64)
    right = tree.children_right.astype(np.int64)
    is_leaf = left == -1
    feature = np.where(is_leaf, -1, tree.feature).astype(np.int64)
    threshold = np.where(is_leaf, 0.0, tree.threshold).astype(np.float64)
    mgl = getattr(tree, "missing_go_to_left", None)
    default_left = (np.zeros(len(left), dtype=bool) if mgl is None
                    else np.asarray(mgl).astype(bool)) & ~is_leaf
    nodes = {"feature": feature.tolist(), "threshold": _floats(threshold, "tree thresholds"),
             "left": left.tolist(), "right": right.tolist(),
             "default_left": [bool(v) for v in default_left]}
    if values is not None:
        v = np.where(is_leaf[:, None], values, 0.0)
        nodes["values"] = _floats(v, "tree leaf values")
    else:
        nodes["value"] = _floats(np.where(is_leaf, value, 0.0), "tree leaf values")
    return nodes


def _ensemble(task, aggregation, base, link, n_outputs, comparison, precision, trees):
    return {"kind": "tree_ensemble", "task": task, "aggregation": aggregation,
            "base_score": _floats(base, "base_score"), "link": link, "n_outputs": n_outputs,
            "comparison": comparison, "feature_precision": precision, "trees": trees}


def forest_fields(estimator, n_features):
    name = _type_name(estimator)
    trees = [estimator] if name in SINGLE_TREES else getattr(estimator, "estimators_", None)
    if trees is None or not hasattr(trees[0], "tree_"):
        raise ExportError(f"{name} is not fitted")
    if getattr(estimator, "n_outputs_", 1) != 1:
        raise UnsupportedModel(f"{name} is multi-output; not supported")
    if trees[0].tree_.n_features != n_features:
        raise ExportError(f"{name} expects {trees[0].tree_.n_features} inputs, "
                          f"preprocessing gives {n_features}")
    out = []
    if name.endswith("Classifier"):
        classes = _classes(estimator)
        k = len(classes)
        for t in trees:
            v = np.asarray(t.tree_.value[:, 0, :k], dtype=np.float64)
            norm = v.sum(axis=1, keepdims=True)
            norm[norm == 0.0] = 1.0
            out.append({"output": 0, "nodes": _tree_nodes(t.tree_, values=v / norm)})
        fields = _ensemble("binary" if k == 2 else "multiclass", "mean", [0.0] * k, "identity",
                           k, "le", "float32", out)
        return {"kind": "tree_ensemble", "classes": classes,
                **{k_: v_ for k_, v_ in fields.items() if k_ != "kind"}}
    for t in trees:
        out.append({"output": 0, "nodes": _tree_nodes(t.tree_, value=t.tree_.value[:, 0, 0])})
    return _ensemble("regression", "mean", [0.0], "identity", 1, "le", "float32", out)


def gb_fields(estimator, n_features):
    name = _type_name(estimator)
    if not hasattr(estimator, "estimators_"):
        raise ExportError(f"{name} is not fitted")
    init = estimator.init_
    if isinstance(init, str) and init == "zero":
        base = np.zeros(estimator.estimators_.shape[1])
    elif _type_name(init) in ("DummyClassifier", "DummyRegressor") and estimator.init is None:
        # the default prior / constant: the same raw value for every row
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base = np.asarray(estimator._raw_predict_init(np.zeros((1, n_features))))[0]
    else:
        raise UnsupportedModel(f"{name}(init={estimator.init!r}): only the default init (class "
                               "prior / loss constant, init=None) or init='zero' can be exported")
    lr = float(estimator.learning_rate)
    K = estimator.estimators_.shape[1]
    factor = 1.0
    if name == "GradientBoostingClassifier":
        classes = _classes(estimator)
        if estimator.loss == "exponential":
            factor = 2.0  # predict_proba = expit(2 * raw); doubling is exact
        elif estimator.loss != "log_loss":
            raise UnsupportedModel(f"{name}(loss={estimator.loss!r}) is not supported")
        task = "binary" if len(classes) == 2 else "multiclass"
        link = "logistic" if task == "binary" else "softmax"
    else:
        classes, task, link = None, "regression", "identity"
    trees = []
    for stage in estimator.estimators_:
        for k, t in enumerate(stage):
            if t.tree_.n_features != n_features:
                raise ExportError(f"{name} expects {t.tree_.n_features} inputs, "
                                  f"preprocessing gives {n_features}")
            v = lr * np.asarray(t.tree_.value[:, 0, 0], dtype=np.float64)  # scikit-learn's product
            trees.append({"output": k, "nodes": _tree_nodes(t.tree_, value=factor * v)})
    fields = _ensemble(task, "sum", factor * np.asarray(base, dtype=np.float64), link, K,
                       "le", "float32", trees)
    if classes is not None:
        fields = {"kind": "tree_ensemble", "classes": classes,
                  **{k_: v_ for k_, v_ in fields.items() if k_ != "kind"}}
    return fields


def hgb_fields(estimator, n_features):
    name = _type_name(estimator)
    if not hasattr(estimator, "_predictors"):
        raise ExportError(f"{name} is not fitted")
    is_cat = getattr(estimator, "is_categorical_", None)
    if getattr(estimator, "_preprocessor", None) is not None or \
            (is_cat is not None and np.any(is_cat)):
        raise UnsupportedModel(f"{name} has categorical features (categorical splits); only "
                               "numeric features are supported — one-hot encode the categories "
                               "or refit with categorical_features=None")
    link_name = _type_name(estimator._loss.link)
    if name == "HistGradientBoostingClassifier":
        classes = _classes(estimator)
        task = "binary" if len(classes) == 2 else "multiclass"
        link = {"binary": "logistic", "multiclass": "softmax"}[task]
        expected_link = "LogitLink" if task == "binary" else "MultinomialLogit"
        if link_name != expected_link:
            raise UnsupportedModel(f"{name}: loss link {link_name} is not supported")
    else:
        classes, task, link = None, "regression", "identity"
        if link_name != "IdentityLink":
            raise UnsupportedModel(f"{name}(loss={estimator.loss!r}) uses a {link_name}; only "
                                   "identity-link losses (squared_error, absolute_error, "
                                   "quantile) are supported")
    if estimator.n_features_in_ != n_features:
        raise ExportError(f"{name} expects {estimator.n_features_in_} inputs, "
                          f"preprocessing gives {n_features}")
    trees = []
    for it in estimator._predictors:
        for k, pred in enumerate(it):
            nd = pred.nodes
            if np.any(nd["is_categorical"][nd["is_leaf"] == 0]):
                raise UnsupportedModel(f"{name} has categorical splits; not supported")
            is_leaf = nd["is_leaf"].astype(bool)
            nodes = {"feature": np.where(is_leaf, -1, nd["feature_idx"]).astype(np.int64).tolist(),
                     "threshold": _floats(np.where(is_leaf, 0.0, nd["num_threshold"]),
                                          "thresholds"),
                     "left": np.where(is_leaf, -1, nd["left"].astype(np.int64)).tolist(),
                     "right": np.where(is_leaf, -1, nd["right"].astype(np.int64)).tolist(),
                     "default_left": [bool(b) for b in (nd["missing_go_to_left"].astype(bool)
                                                        & ~is_leaf)],
                     "value": _floats(np.where(is_leaf, nd["value"], 0.0), "leaf values")}
            trees.append({"output": k, "nodes": nodes})
    base = np.asarray(estimator._baseline_prediction, dtype=np.float64).reshape(-1)
    fields = _ensemble(task, "sum", base, link, estimator.n_trees_per_iteration_, "le", "float64",
                       trees)
    if classes is not None:
        fields = {"kind": "tree_ensemble", "classes": classes,
                  **{k_: v_ for k_, v_ in fields.items() if k_ != "kind"}}
    return fields


def estimator_to_fields(estimator, n_features):
    name = _type_name(estimator)
    if name in LINEAR_CLASSIFIERS + LINEAR_REGRESSORS:
        return linear_fields(estimator, n_features)
    if name in MLPS:
        return mlp_fields(estimator, n_features)
    if name in FORESTS + SINGLE_TREES:
        return forest_fields(estimator, n_features)
    if name in GBS:
        return gb_fields(estimator, n_features)
    if name in HGBS:
        return hgb_fields(estimator, n_features)
    raise _unsupported("estimator", name)


def export_model(obj, features=None, verify=True, check_data=None):
    """Convert a loaded pipeline / estimator / bundle into the native model dict.

    `features` (list of names) overrides the names recorded in the model (input order).
    With verify=True the result is checked against scikit-learn on probe rows and, when given,
    on `check_data` (a pandas DataFrame holding at least the feature columns).
    """
    import sklearn
    pre, estimator, declared, fitted = unpack(obj)
    n = _n_features_in(pre, estimator)
    names = resolve_features(features, declared, fitted, n)

    preprocessing, model_features = [], names
    if pre and _type_name(pre[0]) == "ColumnTransformer":
        model_features, preprocessing = column_transformer_steps(pre[0], names)
        n_model_inputs = len(preprocessing[-1]["mean"])
    else:
        preprocessing = [scaler_step(s, n) for s in pre]
        n_model_inputs = n
    fields = estimator_to_fields(estimator, n_model_inputs)

    model = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": fields.pop("kind"),
             "features": model_features, "preprocessing": preprocessing}
    if "classes" in fields:
        model["classes"] = fields.pop("classes")
    model.update(fields)
    model["metadata"] = {
        "source": f"scikit-learn {sklearn.__version__}",
        "estimator": _type_name(estimator),
        "pipeline": [_type_name(s) for s in pre] + [_type_name(estimator)],
        "exported_by": "tools/export_sklearn.py",
    }
    if verify:
        ctx = _Ctx(obj, pre, estimator, names, fitted)
        verify_against_sklearn(model, ctx, check_data)
    return model


# ---------------------------------------------------------------------------------------------
# Reference semantics (NumPy) of the native format
# ---------------------------------------------------------------------------------------------

def _as_columns(model, X):
    """X (DataFrame with the feature columns, or rows x features array) -> list of column arrays."""
    feats = model["features"]
    if hasattr(X, "columns"):
        return [X[f].to_numpy() for f in feats]
    X = np.asarray(X, dtype=object if np.asarray(X).dtype == object else np.float64)
    if X.ndim != 2 or X.shape[1] != len(feats):
        raise ValueError(f"expected {len(feats)} columns, got shape {X.shape}")
    return [X[:, j] for j in range(len(feats))]


def _is_missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, np.floating) and np.isnan(v))


def preprocess(model, X):
    """Apply the preprocessing steps -> (float64 model-input matrix, rejected-row mask)."""
    cols = _as_columns(model, X)
    names = list(model["features"])
    n = len(cols[0]) if cols else 0
    rejected = np.zeros(n, dtype=bool)
    mats = [None] * len(cols)  # per column: 2-D float block
    one_hot = {s["column"]: s for s in model["preprocessing"] if s["type"] == "one_hot"}
    for j, name in enumerate(names):
        if name in one_hot:
            step = one_hot[name]
            cats = step["categories"]
            pos = {c: i for i, c in enumerate(cats)}
            block = np.zeros((n, len(cats)))
            for r, v in enumerate(cols[j]):
                i = pos.get(v) if isinstance(v, str) else None
                if i is None:
                    if step["handle_unknown"] == "error" or _is_missing(v):
                        rejected[r] = True
                    continue
                block[r, i] = 1.0
            mats[j] = block
        else:
            mats[j] = np.asarray(cols[j], dtype=np.float64).reshape(n, 1)
    Z = np.hstack(mats) if mats else np.zeros((n, 0))
    for step in model["preprocessing"]:
        if step["type"] == "one_hot":
            continue
        if step["type"] != "standardize":
            raise ValueError(f"unknown preprocessing step {step['type']!r}")
        Z = (Z - np.asarray(step["mean"])) / np.asarray(step["scale"])
    return Z, rejected


_ACT = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "identity": lambda z: z,
    "softmax": _softmax,
}


def _tree_leaf_index(nodes, X, comparison, precision):
    feature = np.asarray(nodes["feature"])
    thr = np.asarray(nodes["threshold"], dtype=np.float64)
    left = np.asarray(nodes["left"])
    right = np.asarray(nodes["right"])
    dleft = np.asarray(nodes["default_left"], dtype=bool)
    miss = nodes.get("missing")
    if miss is not None and any(m != "nan" for m in miss):
        raise ValueError("reference evaluator: only missing == 'nan' is implemented")
    if precision == "float32":
        X = X.astype(np.float32).astype(np.float64)
    n = X.shape[0]
    idx = np.zeros(n, dtype=np.int64)
    rows = np.arange(n)
    while True:
        active = left[idx] != -1
        if not active.any():
            return idx
        f = np.where(active, feature[idx], 0)
        x = X[rows, f]
        if comparison == "le":
            go_left = x <= thr[idx]
        else:
            go_left = x < thr[idx]
        go_left = np.where(np.isnan(x), dleft[idx], go_left)
        nxt = np.where(go_left, left[idx], right[idx])
        idx = np.where(active, nxt, idx)


def tree_ensemble_raw(model, Z):
    """Aggregated margins (rows x n_outputs) of a tree_ensemble on the model-input matrix Z."""
    n_out = model["n_outputs"]
    out = np.zeros((Z.shape[0], n_out))
    for tree in model["trees"]:
        nodes = tree["nodes"]
        leaf = _tree_leaf_index(nodes, Z, model["comparison"], model["feature_precision"])
        if "values" in nodes:
            out += np.asarray(nodes["values"], dtype=np.float64)[leaf]
        else:
            out[:, tree["output"]] += np.asarray(nodes["value"], dtype=np.float64)[leaf]
    if model["aggregation"] == "mean":
        out /= len(model["trees"])
    return out + np.asarray(model["base_score"], dtype=np.float64)


def native_predict(model, X):
    """Evaluate a native model dict on X the way BatchScore must.

    X: rows x features (float64, or object with strings for one-hot columns), or a DataFrame
    holding the feature columns (NaN / None = missing). Returns (predictions, probabilities):
    probabilities is None for regression; predictions are floats for regression, class labels for
    classifiers. Rows rejected by a one_hot step (unknown category with "error") get NaN.
    """
    Z, rejected = preprocess(model, X)
    kind = model["kind"]
    if kind == "mlp":
        a = Z
        for layer in model["layers"]:
            a = _ACT[layer["activation"]](a @ np.asarray(layer["weights"], dtype=np.float64).T
                                          + np.asarray(layer["bias"], dtype=np.float64))
        if "classes" not in model:
            return a[:, 0], None
        proba = np.column_stack([1.0 - a[:, 0], a[:, 0]]) if a.shape[1] == 1 else a
    elif kind == "tree_ensemble":
        raw = tree_ensemble_raw(model, Z)
        link = model["link"]
        if "classes" not in model:
            return raw[:, 0], None
        if link == "logistic":
            p1 = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            proba = np.column_stack([1.0 - p1, p1])
        elif link == "softmax":
            proba = _softmax(raw)
        else:
            proba = raw
    else:
        W = np.asarray(model["coefficients"], dtype=np.float64)
        z = Z @ W.T + np.asarray(model["intercept"], dtype=np.float64)
        if kind == "linear_regression":
            return z[:, 0], None
        if kind == "logistic_regression":
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            classes = np.asarray(model["classes"], dtype=object)
            return classes[(z[:, 0] > 0).astype(int)], np.column_stack([1.0 - p1, p1])
        if kind == "softmax_regression":
            proba = _softmax(z)
        else:
            raise ValueError(f"unknown kind {kind!r}")
    proba = np.where(rejected[:, None], np.nan, proba)
    classes = np.asarray(model["classes"], dtype=object)
    return classes[np.argmax(np.nan_to_num(proba, nan=-1.0), axis=1)], proba


# ---------------------------------------------------------------------------------------------
# Self-check against the library
# ---------------------------------------------------------------------------------------------

class _Ctx:
    def __init__(self, obj, pre, estimator, input_names, fitted_names):
        self.obj, self.pre, self.estimator = obj, pre, estimator
        self.input_names, self.fitted_names = input_names, fitted_names


def library_predict(ctx_or_obj, df):
    """The estimator's own (predict, predict_proba or None) on a DataFrame of the input columns."""
    ctx = ctx_or_obj
    if not isinstance(ctx, _Ctx):
        pre, est, declared, fitted = unpack(ctx_or_obj)
        n = _n_features_in(pre, est)
        ctx = _Ctx(ctx_or_obj, pre, est, resolve_features(None, declared, fitted, n), fitted)
    X = df[ctx.input_names]
    if ctx.fitted_names is not None:
        X = X.set_axis(ctx.fitted_names, axis=1)
    else:
        X = X.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for step in ctx.pre:
            X = step.transform(X)
        est = ctx.estimator
        proba = est.predict_proba(X) if hasattr(est, "predict_proba") and \
            hasattr(est, "classes_") else None
        return np.asarray(est.predict(X)), proba


def _supports_nan(ctx):
    est = ctx.estimator
    name = _type_name(est)
    if ctx.pre or name not in FORESTS + SINGLE_TREES + HGBS:
        return False
    try:
        X = np.full((1, est.n_features_in_), np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.predict(X)
        return True
    except ValueError:
        return False


def probe_frame(model, ctx, n_rows=256, seed=0):
    """Probe rows (a DataFrame of the input columns): around the training distribution and, for
    trees, at and next to every threshold (float32 and float64 neighbours) and NaN."""
    import pandas as pd
    rng = np.random.default_rng(seed)
    feats = model["features"]
    one_hot = {s["column"]: s for s in model["preprocessing"] if s["type"] == "one_hot"}
    numeric = [f for f in feats if f not in one_hot]
    std = [s for s in model["preprocessing"] if s["type"] == "standardize"]
    # location/scale of each numeric input
    loc, scl = {f: 0.0 for f in numeric}, {f: 1.0 for f in numeric}
    if std:
        pos, i = {}, 0
        for f in feats:
            if f in one_hot:
                i += len(one_hot[f]["categories"])
            else:
                pos[f] = i
                i += 1
        for f in numeric:
            loc[f], scl[f] = std[0]["mean"][pos[f]], std[0]["scale"][pos[f]]
    thresholds = {f: [] for f in numeric}
    if model["kind"] == "tree_ensemble" and not std:
        for tree in model["trees"]:
            nd = tree["nodes"]
            for f, t, l in zip(nd["feature"], nd["threshold"], nd["left"]):
                if l != -1:
                    thresholds[feats[f]].append(t)
        for f in numeric:
            if thresholds[f]:
                a = np.asarray(thresholds[f])
                loc[f], scl[f] = float(np.median(a)), float(np.std(a)) or 1.0
    n_thr = max([len(v) for v in thresholds.values()] + [0])
    n = n_rows + (3 * min(n_thr, 2000) if n_thr else 0)
    data = {}
    nan_ok = _supports_nan(ctx)
    for f in feats:
        if f in one_hot:
            cats = one_hot[f]["categories"]
            vals = np.asarray(cats, dtype=object)[rng.integers(0, len(cats), n)]
            if one_hot[f]["handle_unknown"] == "ignore":
                vals[rng.random(n) < 0.05] = "__unseen_category__"
            data[f] = vals
            continue
        v = loc[f] + scl[f] * rng.normal(0.0, 1.5, n)
        t = np.asarray(thresholds[f])
        if len(t):
            pick = t[rng.integers(0, len(t), n)]
            t32 = pick.astype(np.float32)
            choice = rng.integers(0, 6, n)
            v = np.select([choice == 0, choice == 1, choice == 2, choice == 3, choice == 4],
                          [pick, np.nextafter(pick, -np.inf), np.nextafter(pick, np.inf),
                           np.nextafter(t32, np.float32(-np.inf)).astype(np.float64),
                           np.nextafter(t32, np.float32(np.inf)).astype(np.float64)], v)
        if nan_ok:
            v[rng.random(n) < 0.05] = np.nan
        data[f] = v
    return pd.DataFrame(data)


def _compare(model, ctx, df, what):
    want_pred, want_proba = library_predict(ctx, df)
    got_pred, got_proba = native_predict(model, df)
    tree = model["kind"] == "tree_ensemble"
    if "classes" not in model:
        want = np.asarray(want_pred, dtype=np.float64).reshape(-1)
        if tree:
            err = np.abs(got_pred - want)
            bad = ~(err <= TREE_ATOL)
        else:
            err = np.abs(got_pred - want) / np.maximum(np.abs(want), 1e-300)
            bad = ~np.isclose(got_pred, want, rtol=VERIFY_RTOL, atol=1e-12)
        if bad.any():
            r = int(np.argmax(np.where(bad, 1, 0)))
            raise ExportError(f"self-check failed on {what}: {int(bad.sum())} row(s) differ, e.g. "
                              f"row {r}: exported {got_pred[r]!r} vs scikit-learn {want[r]!r}; "
                              "not writing the model")
        return float(np.max(err)) if len(err) else 0.0
    want_proba = np.asarray(want_proba, dtype=np.float64)
    if tree:
        err = np.abs(got_proba - want_proba)
        bad = ~(err <= TREE_ATOL).all(axis=1)
    else:
        err = np.abs(got_proba - want_proba)
        bad = ~np.isclose(got_proba, want_proba, rtol=VERIFY_RTOL, atol=1e-12).all(axis=1)
    labels = [_class_label(c) for c in want_pred]
    top2 = np.sort(want_proba, axis=1)[:, -2:]
    tie = (top2[:, 1] - top2[:, 0]) <= (TREE_ATOL if tree else 1e-12)
    label_bad = np.array([a != b for a, b in zip(labels, list(got_pred))]) & ~tie
    if bad.any() or label_bad.any():
        r = int(np.argmax(bad | label_bad))
        raise ExportError(f"self-check failed on {what}: {int((bad | label_bad).sum())} row(s) "
                          f"differ, e.g. row {r}: exported {got_pred[r]!r} {got_proba[r].tolist()} "
                          f"vs scikit-learn {labels[r]!r} {want_proba[r].tolist()}; "
                          "not writing the model")
    return float(np.max(err)) if err.size else 0.0


def verify_against_sklearn(model, ctx, check_data=None):
    """Raise ExportError unless native_predict reproduces the estimator; returns the worst error."""
    worst = _compare(model, ctx, probe_frame(model, ctx), "probe rows")
    if check_data is not None:
        missing = [f for f in ctx.input_names if f not in check_data.columns]
        if missing:
            raise ExportError(f"--check-data lacks column(s) {missing}")
        worst = max(worst, _compare(model, ctx, check_data, "--check-data rows"))
    return worst


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
        if all(isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)
               for v in value) and len(value) > 64:
            # long lists of short vectors (per-node class probabilities): one line
            return json.dumps(value, allow_nan=False, separators=(", ", ": "))
        items = [pad + _dump(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value, allow_nan=False)


def write_model(model, path):
    text = _dump(model) + "\n"
    assert json.loads(text) == model  # the custom layout must not change a single value
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def describe(model):
    kind = model["kind"]
    if kind == "mlp":
        shape = "layers " + "-".join(str(len(layer["bias"])) for layer in model["layers"])
    elif kind == "tree_ensemble":
        shape = (f"{len(model['trees'])} trees ({model['task']}, {model['aggregation']}, "
                 f"link {model['link']})")
    else:
        shape = f"coefficients {len(model['coefficients'])}x{len(model['coefficients'][0])}"
    classes = f", classes {model['classes']}" if "classes" in model else ""
    pre = "+".join(s["type"] for s in model["preprocessing"]) or "none"
    return (f"{kind} ({model['metadata']['estimator']}), {len(model['features'])} "
            f"features {model['features']}, {shape}{classes}, preprocessing: {pre}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="See the module docstring for details.")
    ap.add_argument("model", help="fitted scikit-learn pipeline / estimator / bundle (.joblib)")
    ap.add_argument("out", help="output JSON path")
    ap.add_argument("--features", help="comma-separated feature names, in training column order")
    ap.add_argument("--check-data", help="CSV with the feature columns (header = names; empty "
                                         "field = missing) to self-check on as well")
    a = ap.parse_args(argv)
    override = [f for f in a.features.split(",")] if a.features else None
    try:
        check = None
        if a.check_data:
            import pandas as pd
            try:
                check = pd.read_csv(a.check_data)
            except Exception as e:  # noqa: BLE001
                raise ExportError(f"could not read --check-data {a.check_data}: {e}")
        model = export_model(load_model_file(a.model), features=override, check_data=check)
        write_model(model, a.out)
    except ExportError as e:
        print(f"export_sklearn: error: {e}", file=sys.stderr)
        return e.exit_code
    print(f"wrote {a.out}: {describe(model)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
