#!/usr/bin/env python3
"""Writes Tests/ScoreIOTests/ParquetExpectations/<file>.json for the flat files of parquet-testing.

Run with the project's venv (it has pyarrow):  .venv/bin/python tools/make_parquet_expectations.py
Each expectation holds the row count, and per column its name, pyarrow type, a `kind` saying how the
values are rendered, and the first and last few values:
  int / bool -> JSON numbers / booleans; float and decimal -> repr / str strings (exact, "nan", "inf");
  string -> text; binary -> lowercase hex; temporal types -> their integer storage (days, or the unit).
Strings and hex longer than MAX_TEXT are cut to a {"prefix", "len"} object. Files pyarrow cannot read,
or that have nested columns, get no expectation. The Swift tests then need no Python.
"""
import decimal
import json
import math
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "conformance", "parquet-testing", "data")
OUT = os.path.join(ROOT, "Tests", "ScoreIOTests", "ParquetExpectations")
EDGE = 5
MAX_TEXT = 64


def kind_of(t):
    if pa.types.is_dictionary(t):
        return kind_of(t.value_type)
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_decimal(t):
        return "decimal"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "binary"
    if pa.types.is_date32(t) or pa.types.is_time(t) or pa.types.is_timestamp(t):
        return "int"
    return None


def storage(arr):
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_date32(t):
        return arr.cast(pa.int32())
    if pa.types.is_time32(t):
        return arr.cast(pa.int32())
    if pa.types.is_time64(t) or pa.types.is_timestamp(t):
        return arr.cast(pa.int64())
    return arr


def cut(text):
    return text if len(text) <= MAX_TEXT else {"prefix": text[:MAX_TEXT], "len": len(text)}


def render(v, kind):
    if v is None:
        return None
    if kind == "float":
        return "nan" if math.isnan(v) else repr(float(v))
    if kind == "decimal":
        return str(decimal.Decimal(v))
    if kind == "binary":
        return cut(bytes(v).hex())
    if kind == "string":
        return cut(v)
    return v


def expectation(name):
    table = pq.read_table(os.path.join(DATA, name))
    columns = []
    for field, chunked in zip(table.schema, table.columns):
        kind = kind_of(field.type)
        if kind is None:
            return None, f"column {field.name!r} has type {field.type}"
        arr = storage(chunked.combine_chunks() if chunked.num_chunks else pa.array([], field.type))
        n = len(arr)
        head = arr.slice(0, min(EDGE, n)).to_pylist()
        tail_start = max(min(EDGE, n), n - EDGE)
        tail = arr.slice(tail_start).to_pylist()
        columns.append({
            "name": field.name, "type": str(field.type), "kind": kind, "nulls": chunked.null_count,
            "head": [render(v, kind) for v in head], "tail_start": tail_start,
            "tail": [render(v, kind) for v in tail],
        })
    return {"file": name, "rows": table.num_rows, "columns": columns}, None


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".json"):
            os.remove(os.path.join(OUT, old))
    written, skipped = 0, []
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".parquet"):
            continue
        try:
            exp, why = expectation(name)
        except Exception as e:  # pyarrow refuses it: nothing to compare against
            exp, why = None, f"pyarrow: {type(e).__name__}: {str(e).splitlines()[0][:120]}"
        if exp is None:
            skipped.append((name, why))
            continue
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(exp, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        written += 1
    print(f"wrote {written} expectations to {os.path.relpath(OUT, ROOT)}")
    for name, why in skipped:
        print(f"  no expectation for {name}: {why}")


if __name__ == "__main__":
    sys.exit(main())
