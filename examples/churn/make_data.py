#!/usr/bin/env python3
"""Generate examples/churn/customers.csv: synthetic customers with ~1% deliberately bad rows.

Usage (NumPy only; system python3 is fine):
    python3 examples/churn/make_data.py [--rows 20000] [--bad 0.01] [--seed 7]

Writes, next to this script:
  customers.csv           header id,age,income,credit_score,num_transactions,region
  customers.manifest.csv  one line per planted row: physical_line,id,kind,expect
                          (expect = "rejected" or "scored"), so tests can check the quarantine

Good rows: age 18..90, income log-normal (cents), credit_score 300..850, num_transactions Poisson(30),
region one of the eight allowed regions. Bad rows (each one defect) are of these kinds:

  kind                 example                      typically caught by (examples/churn/job.yaml)
  empty_field          45,,700,30                   missing value in a required feature
  nan                  NaN / nan                    finite
  inf                  inf / -inf / Infinity / 1e400  finite
  non_numeric          abc / N/A / unknown / 12k    reader type check (not a number)
  age_out_of_range     7, 150, 17, 121, -5          range age [18, 120]
  credit_out_of_range  250, 900                     range credit_score [300, 850]
  negative_income      -1200.5                      range income [0, null]
  unknown_region       atlantis, midlands, unknown  allowed (region)
  too_many_fields      ...,north,extra              reader (field count)
  too_few_fields       last 1-2 fields missing      reader (field count)

Planted valid rows that must be scored (not rejected):
  quoted_region        "south"                      plain region written inside quotes
  quoted_multiline     "west, coastal\\nzone"        comma + line break inside quotes; this exact
                                                    text is in job.yaml's allowed list
"""
import argparse
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["id", "age", "income", "credit_score", "num_transactions", "region"]
NUMERIC = ["age", "income", "credit_score", "num_transactions"]
REGIONS = ["north", "south", "east", "west", "central", "northeast", "southwest", "islands"]
MULTILINE_REGION = "west, coastal\nzone"   # allowed in job.yaml

# kind -> relative weight among bad rows
BAD_KINDS = {
    "empty_field": 0.14, "nan": 0.12, "inf": 0.12, "non_numeric": 0.14,
    "age_out_of_range": 0.14, "credit_out_of_range": 0.06, "negative_income": 0.06,
    "unknown_region": 0.06, "too_many_fields": 0.08, "too_few_fields": 0.08,
}
GOOD_PLANTED = ["quoted_region", "quoted_region", "quoted_multiline", "quoted_multiline"]


def good_rows(n, rng):
    age = rng.integers(18, 91, size=n)
    income = np.round(np.exp(10.5 + 0.007 * (age - 18) + rng.normal(0.0, 0.5, size=n)), 2)
    credit = np.clip(np.round(rng.normal(670, 85, size=n)), 300, 850).astype(int)
    ntx = rng.poisson(30, size=n)
    region = rng.integers(0, len(REGIONS), size=n)
    return [[str(i + 1), str(age[i]), repr(float(income[i])), str(credit[i]), str(ntx[i]),
             REGIONS[region[i]]] for i in range(n)]


def corrupt(fields, kind, rng):
    """Apply one defect of `kind` to a row's text fields (in place); returns the field list."""
    pick = lambda options: options[int(rng.integers(0, len(options)))]  # noqa: E731
    col = lambda name: HEADER.index(name)  # noqa: E731
    if kind == "empty_field":
        fields[col(pick(NUMERIC))] = ""
    elif kind == "nan":
        fields[col(pick(NUMERIC))] = pick(["NaN", "nan"])
    elif kind == "inf":
        fields[col(pick(["income", "credit_score", "num_transactions"]))] = \
            pick(["inf", "-inf", "Infinity", "1e400"])
    elif kind == "non_numeric":
        fields[col(pick(NUMERIC))] = pick(["abc", "N/A", "unknown", "12k"])
    elif kind == "age_out_of_range":
        fields[col("age")] = pick(["7", "150", "17", "121", "-5"])
    elif kind == "credit_out_of_range":
        fields[col("credit_score")] = pick(["250", "900"])
    elif kind == "negative_income":
        fields[col("income")] = repr(-float(rng.integers(100, 5000)) - 0.5)
    elif kind == "unknown_region":
        fields[col("region")] = pick(["atlantis", "midlands", "unknown"])
    elif kind == "too_many_fields":
        fields += ["extra"] * int(rng.integers(1, 3))
    elif kind == "too_few_fields":
        del fields[len(fields) - int(rng.integers(1, 3)):]
    elif kind == "quoted_region":
        fields[col("region")] = '"' + fields[col("region")] + '"'
    elif kind == "quoted_multiline":
        fields[col("region")] = '"' + MULTILINE_REGION + '"'
    else:
        raise ValueError(kind)
    return fields


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--bad", type=float, default=0.01, help="fraction of bad rows")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(HERE, "customers.csv"))
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    rows = good_rows(a.rows, rng)
    n_bad = int(round(a.rows * a.bad))
    kinds = list(BAD_KINDS)
    weights = np.array([BAD_KINDS[k] for k in kinds])
    planted_kinds = [kinds[i] for i in rng.choice(len(kinds), size=n_bad, p=weights / weights.sum())]
    planted_kinds += GOOD_PLANTED
    where = rng.choice(a.rows, size=len(planted_kinds), replace=False)
    planted = dict(zip(where.tolist(), planted_kinds))

    manifest = []
    line = 1  # the header is physical line 1
    with open(a.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        for i, fields in enumerate(rows):
            kind = planted.get(i)
            if kind is not None:
                fields = corrupt(fields, kind, rng)
            text = ",".join(fields) + "\n"
            fh.write(text)
            line += 1
            if kind is not None:
                expect = "scored" if kind.startswith("quoted") else "rejected"
                manifest.append((line, fields[0], kind, expect))
            line += text.count("\n") - 1  # a quoted line break makes the record span two lines

    mpath = os.path.splitext(a.out)[0] + ".manifest.csv"
    with open(mpath, "w", encoding="utf-8", newline="") as fh:
        fh.write("physical_line,id,kind,expect\n")
        fh.writelines(f"{ln},{rid},{k},{e}\n" for ln, rid, k, e in sorted(manifest))

    counts = {}
    for _, _, k, _ in manifest:
        counts[k] = counts.get(k, 0) + 1
    n_rejected = sum(1 for m in manifest if m[3] == "rejected")
    print(f"wrote {a.out}: {a.rows} records ({line} physical lines incl. header), "
          f"{os.path.getsize(a.out)} bytes")
    print(f"  expected: {a.rows - n_rejected} scored, {n_rejected} rejected "
          f"({100.0 * n_rejected / a.rows:.2f}%)")
    print("  planted rows by kind: " + ", ".join(f"{k}={counts[k]}" for k in sorted(counts)))
    print(f"wrote {mpath}")


if __name__ == "__main__":
    main()
