#!/usr/bin/env python3
"""Reads every crimefacts table back with pyarrow and checks it against the
contract that `crimefacts schema --json` prints: column names and order, Arrow
types, no nulls where the contract forbids them, the file metadata, and the
offset rule (Python's text[start:end] equals the row's text).

Usage: check_tables.py OUT_DIR CONTRACT_JSON
Exit status 1 with one line per problem when anything is off.
"""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

STRING = {pa.string(), pa.large_string(), getattr(pa, "string_view", pa.string)()}


def type_ok(contract_type, arrow_type):
    if contract_type == "Utf8":
        return arrow_type in STRING
    if contract_type == "Int64":
        return arrow_type == pa.int64()
    if contract_type == "Float64":
        return arrow_type == pa.float64()
    if contract_type == "Boolean":
        return arrow_type == pa.bool_()
    if contract_type == "Date32":
        return arrow_type == pa.date32()
    if contract_type == "List<Utf8>":
        is_list = pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or (
            hasattr(pa.types, "is_list_view") and (pa.types.is_list_view(arrow_type) or pa.types.is_large_list_view(arrow_type)))
        return is_list and arrow_type.value_type in STRING
    return False


def main():
    out_dir, contract_path = sys.argv[1], sys.argv[2]
    contract = json.load(open(contract_path))
    problems = []
    texts = {}
    for table in contract["tables"]:
        name = table["name"]
        path = f"{out_dir}/{name}.parquet"
        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # noqa: BLE001 - report every unreadable table
            problems.append(f"{name}: cannot read {path}: {e}")
            continue
        data = pf.read()
        meta = pf.metadata.metadata or {}
        for key in (b"crimefacts.version", b"crimefacts.contract_version", b"crimefacts.pipeline"):
            if key not in meta:
                problems.append(f"{name}: key-value metadata {key.decode()} missing")
        if meta.get(b"crimefacts.contract_version", b"").decode() != contract["contract_version"]:
            problems.append(f"{name}: contract_version differs from the binary's")
        got = [f.name for f in data.schema]
        want = [c["name"] for c in table["columns"]]
        if got != want:
            problems.append(f"{name}: columns {got} != contract {want}")
            continue
        for column in table["columns"]:
            arrow_type = data.schema.field(column["name"]).type
            if not type_ok(column["type"], arrow_type):
                problems.append(f"{name}.{column['name']}: {arrow_type} is not {column['type']}")
            if not column["nullable"] and data.column(column["name"]).null_count:
                problems.append(f"{name}.{column['name']}: nulls in a non-null column")
        if name == "documents":
            texts = dict(zip(data.column("doc_id").to_pylist(), data.column("text").to_pylist()))
        if name in ("sentences", "mentions", "amounts", "dates"):
            for row in data.select(["doc_id", "start", "end", "text"]).to_pylist():
                span = texts.get(row["doc_id"], "")[row["start"]:row["end"]]
                if span != row["text"]:
                    problems.append(f"{name}: {row['doc_id']} [{row['start']}:{row['end']}] is {span!r}, row says {row['text']!r}")
                    break
        print(f"ok  {name:<14} {data.num_rows:>7} rows  {len(want)} columns")
    for p in problems:
        print("FAIL", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
