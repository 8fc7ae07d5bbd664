#!/usr/bin/env python3
"""Interop test: the tables of a single-file run and of a sharded (hive) run read
the same in pyarrow, DuckDB and polars, and answer SQL consistently.

For every table of the contract (`crimefacts schema --json`), in both layouts:
column names, order and types match the contract in all three libraries (the
hive `shard` partition column is allowed in the hive layout only), non-null
columns hold no nulls, and the three libraries count the same rows. Every table
must hold as many rows in the hive layout as in the single layout (aggregates
over the parts equal the single run's).

Then DuckDB runs one query per aggregate over the hive layout (per-document
tables read from their shard folders), prints the answer, and checks it against
the per-document part files, e.g. flows_summary's documents recomputed from
flows joined with documents (aggregates leave out near-duplicates). Analysts will run exactly these kinds of queries,
so a table that reads but does not join is a failure too.

Usage: check_interop.py --single DIR --hive DIR --contract CONTRACT_JSON
Exit status 1 with one FAIL line per problem when anything is off.
"""
import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

# Mirrors AGGREGATE_TABLES in crates/model/src/schema.rs: the contract does not
# say which tables are cross-document, and only those stay single files in a
# sharded output. Every other table must be a folder of shard=I part files there.
# Cross-document tables: single files in both layouts. Read from the contract's
# "kind" in main(), so a new aggregate needs no edit here.
AGGREGATES: tuple[str, ...] = ()
PARTITION = "shard"

STRINGS = {pa.string(), pa.large_string(), pa.string_view()}
DUCKDB_TYPES = {"Utf8": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE", "Boolean": "BOOLEAN",
                "Date32": "DATE", "List<Utf8>": "VARCHAR[]"}
POLARS_TYPES = {"Utf8": pl.String, "Int64": pl.Int64, "Float64": pl.Float64, "Boolean": pl.Boolean,
                "Date32": pl.Date, "List<Utf8>": pl.List(pl.String)}

problems: list[str] = []


def fail(message: str) -> None:
    problems.append(message)


def arrow_type_ok(contract_type: str, arrow_type: pa.DataType) -> bool:
    if contract_type == "Utf8":
        return arrow_type in STRINGS
    if contract_type == "List<Utf8>":
        is_list = (pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type)
                   or pa.types.is_list_view(arrow_type) or pa.types.is_large_list_view(arrow_type))
        return is_list and arrow_type.value_type in STRINGS
    return arrow_type == {"Int64": pa.int64(), "Float64": pa.float64(), "Boolean": pa.bool_(),
                          "Date32": pa.date32()}.get(contract_type)


@dataclass
class Source:
    """Where one table lives in one layout."""
    layout: str  # "single" or "hive"
    table: str
    files: list[Path]
    partitioned: bool  # a folder of shard=I part files
    root: Path  # the file, or the table's folder

    @property
    def glob(self) -> str:
        # The glob an analyst would type; quotes doubled for SQL string literals.
        path = f"{self.root}/{PARTITION}=*/*.parquet" if self.partitioned else str(self.root)
        return path.replace("'", "''")

    def duckdb_scan(self) -> str:
        if self.partitioned:
            return f"read_parquet('{self.glob}', hive_partitioning = true)"
        return f"read_parquet('{self.glob}')"

    def polars_scan(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.glob, hive_partitioning=self.partitioned)


def locate(layout: str, root: Path, table: str) -> Source | None:
    """The table's files in `root`; None (and a FAIL) when the layout is wrong."""
    single = root / f"{table}.parquet"
    folder = root / table
    if layout == "single" or table in AGGREGATES:
        if folder.is_dir():
            fail(f"{layout}: {table} is a folder {folder}; expected the single file {single}")
            return None
        if not single.is_file():
            fail(f"{layout}: {table}: {single} is missing")
            return None
        return Source(layout, table, [single], False, single)
    if single.exists():
        fail(f"{layout}: {table} is a single file {single}; per-document tables of a sharded run "
             f"are folders {folder}/{PARTITION}=I/part.parquet")
        return None
    if not folder.is_dir():
        fail(f"{layout}: {table}: folder {folder} is missing")
        return None
    files = []
    for entry in sorted(folder.iterdir()):
        if not (entry.is_dir() and re.fullmatch(rf"{PARTITION}=\d+", entry.name)):
            fail(f"{layout}: {table}: unexpected {entry}; only {PARTITION}=I folders belong there")
            continue
        parts = sorted(entry.glob("*.parquet"))
        if not parts:
            fail(f"{layout}: {table}: {entry} holds no .parquet part")
        files += parts
    if not files:
        fail(f"{layout}: {table}: no part files under {folder}")
        return None
    return Source(layout, table, files, True, folder)


def strip_partition(source: Source, names: list[str], library: str) -> list[str]:
    if PARTITION in names and not source.partitioned:
        fail(f"{source.layout}: {source.table}: {library} sees a '{PARTITION}' column in a single-file table")
    if source.partitioned:
        names = [n for n in names if n != PARTITION]
    return names


def check_columns(source: Source, library: str, got: dict[str, object], spec: dict, type_ok) -> None:
    """`got` maps column name to the library's type, in file order."""
    names = strip_partition(source, list(got), library)
    want = [c["name"] for c in spec["columns"]]
    if names != want:
        fail(f"{source.layout}: {source.table}: {library} columns {names} != contract {want}")
        return
    for column in spec["columns"]:
        if not type_ok(column["type"], got[column["name"]]):
            fail(f"{source.layout}: {source.table}.{column['name']}: {library} reads "
                 f"{got[column['name']]}, contract says {column['type']}")


def read_pyarrow(source: Source, spec: dict) -> int:
    # Each part on its own: a dataset takes its schema from one file and would
    # hide a part that disagrees with the others.
    for path in source.files:
        schema = pq.read_schema(path)
        check_columns(source, f"pyarrow ({path.name} of {path.parent.name})" if source.partitioned else "pyarrow",
                      {f.name: f.type for f in schema}, spec, arrow_type_ok)
        non_null = [c["name"] for c in spec["columns"] if not c["nullable"] and c["name"] in schema.names]
        if non_null:
            data = pq.read_table(path, columns=non_null)
            for name in non_null:
                if data.column(name).null_count:
                    fail(f"{source.layout}: {source.table}.{name}: nulls in a non-null column ({path})")
    dataset = ds.dataset(source.root, format="parquet", partitioning="hive" if source.partitioned else None)
    return dataset.count_rows()


def read_duckdb(con: duckdb.DuckDBPyConnection, source: Source, spec: dict) -> int:
    described = con.execute(f"DESCRIBE SELECT * FROM {source.duckdb_scan()}").fetchall()
    check_columns(source, "duckdb", {row[0]: row[1] for row in described}, spec,
                  lambda contract, got: DUCKDB_TYPES[contract] == got)
    return con.execute(f"SELECT count(*) FROM {source.duckdb_scan()}").fetchone()[0]


def read_polars(source: Source, spec: dict) -> int:
    frame = source.polars_scan()
    check_columns(source, "polars", dict(frame.collect_schema()), spec,
                  lambda contract, got: POLARS_TYPES[contract] == got)
    return frame.select(pl.len()).collect().item()


def read_everywhere(con, layout: str, root: Path, contract: dict) -> dict[str, int]:
    """Row count per table that all three libraries agree on."""
    rows = {}
    for spec in contract["tables"]:
        source = locate(layout, root, spec["name"])
        if source is None:
            continue
        counts = {}
        for library, read in (("pyarrow", lambda: read_pyarrow(source, spec)),
                              ("duckdb", lambda: read_duckdb(con, source, spec)),
                              ("polars", lambda: read_polars(source, spec))):
            try:
                counts[library] = read()
            except Exception as e:  # noqa: BLE001 - one unreadable table must not hide the others
                fail(f"{layout}: {spec['name']}: {library} cannot read {source.glob}: {type(e).__name__}: {e}")
        if len(set(counts.values())) > 1:
            fail(f"{layout}: {spec['name']}: row counts differ between libraries: {counts}")
        elif len(counts) == 3:
            rows[spec["name"]] = counts["pyarrow"]
        shards = f"  ({len(source.files)} parts)" if source.partitioned else ""
        print(f"  {layout:<6} {spec['name']:<15} {counts.get('pyarrow', '-'):>8} rows{shards}")
    return rows


def show(con, title: str, sql: str, limit: int = 8) -> None:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchmany(limit + 1)
    print(f"\n-- {title}")
    if not rows:
        print("   (no rows)")
        return
    print("   " + " | ".join(columns))
    for row in rows[:limit]:
        print("   " + " | ".join("" if v is None else f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
    if len(rows) > limit:
        print("   ...")


def expect_none(con, what: str, sql: str, limit: int = 5) -> None:
    """Fails with the first offending rows when `sql` returns any."""
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchmany(limit)
    if rows:
        sample = "; ".join(str(dict(zip(columns, row))) for row in rows)
        fail(f"sql: {what}: {sample}")


def queries(con, hive: Path, contract: dict) -> None:
    for spec in contract["tables"]:
        source = locate("hive", hive, spec["name"])
        con.execute(f"CREATE OR REPLACE VIEW {spec['name']} AS SELECT * FROM {source.duckdb_scan()}")
    names = {t["name"] for t in contract["tables"]}

    # Every aggregate row must point at documents of this very output.
    for table in sorted(names & set(AGGREGATES)):
        if "doc_ids" in {c["name"] for c in next(t for t in contract["tables"] if t["name"] == table)["columns"]}:
            expect_none(con, f"{table}.doc_ids name documents absent from documents/", f"""
                SELECT DISTINCT d.doc_id FROM (SELECT unnest(doc_ids) AS doc_id FROM {table}) d
                ANTI JOIN documents USING (doc_id)""")

    if "entity_stats" in names:
        show(con, "entity_stats: most mentioned entities", """
            SELECT entity_id, canonical_name, documents, mentions FROM entity_stats
            ORDER BY mentions DESC, entity_id LIMIT 5""")
        expect_none(con, "entity_stats differs from mentions/ of documents/ where duplicate_of IS NULL", """
            WITH recount AS (SELECT m.entity_id, count(DISTINCT m.doc_id) AS documents, count(*) AS mentions
                             FROM mentions m JOIN documents d USING (doc_id)
                             WHERE d.duplicate_of IS NULL GROUP BY m.entity_id)
            SELECT coalesce(s.entity_id, r.entity_id) AS entity_id, s.documents, s.mentions,
                   r.documents AS recount_documents, r.mentions AS recount_mentions
            FROM entity_stats s FULL JOIN recount r USING (entity_id)
            WHERE s.documents IS DISTINCT FROM r.documents OR s.mentions IS DISTINCT FROM r.mentions""")

    if "price_ladder" in names:
        show(con, "price_ladder: rungs priced per kg, cheapest first (USD)", """
            SELECT drug, coalesce(place_name, '?') AS place, year, level,
                   price_usd_min AS min, price_usd_median AS median, price_usd_max AS max, mentions
            FROM price_ladder WHERE per = 'kg'
            ORDER BY price_usd_median, drug, place""")
        expect_none(con, "price_ladder rungs where min <= median <= max does not hold", """
            SELECT drug, per, place_id, year, price_usd_min, price_usd_median, price_usd_max FROM price_ladder
            WHERE NOT (price_usd_min <= price_usd_median AND price_usd_median <= price_usd_max)""")

    if "seizure_totals" in names:
        show(con, "seizure_totals: kg by country and year (incidents and period totals kept apart)", """
            SELECT country, year, sum(kg_incidents) AS kg_incidents, sum(incidents) AS incidents,
                   sum(kg_period_totals) AS kg_period_totals, sum(period_totals) AS period_totals
            FROM seizure_totals GROUP BY ALL ORDER BY country NULLS LAST, year NULLS LAST""")
        expect_none(con, "seizure_totals rows with negative kilograms or counts", """
            SELECT * EXCLUDE (doc_ids) FROM seizure_totals
            WHERE kg_incidents < 0 OR kg_period_totals < 0 OR incidents < 0 OR period_totals < 0 OR repeats < 0""")

    if "group_presence" in names:
        show(con, "group_presence: criminal groups per country", """
            SELECT country, count(DISTINCT group_id) AS groups, count(DISTINCT place_id) AS places,
                   sum(sentences) AS sentences, string_agg(DISTINCT group_name, ', ' ORDER BY group_name) AS names
            FROM group_presence GROUP BY country ORDER BY groups DESC, country NULLS LAST""")
        expect_none(con, "group_presence rows whose counts or dates do not add up", """
            SELECT group_id, place_id, year, documents, len(doc_ids) AS doc_ids, sentences, first_seen, last_seen
            FROM group_presence
            WHERE documents <> len(doc_ids) OR sentences < documents OR first_seen > last_seen""")
        # Each listed document must name group and place in one sentence of mentions/.
        expect_none(con, "group_presence pairs not found in one sentence of mentions/ (group, place, doc)", """
            WITH claimed AS (SELECT group_id, place_id, unnest(doc_ids) AS doc_id FROM group_presence)
            SELECT c.group_id, c.place_id, c.doc_id FROM claimed c
            WHERE NOT EXISTS (
                SELECT 1 FROM mentions g JOIN mentions p USING (doc_id, sentence)
                WHERE g.doc_id = c.doc_id AND g.entity_id = c.group_id AND p.entity_id = c.place_id)""")

    if "cooccurrence" in names:
        show(con, "cooccurrence: top pairs by documents, then PMI", """
            SELECT name_a, name_b, type_a, type_b, documents, sentences, round(lift, 2) AS lift, round(pmi, 2) AS pmi
            FROM cooccurrence ORDER BY documents DESC, pmi DESC, entity_a, entity_b""")
        expect_none(con, "cooccurrence rows out of order, or PMI not log2(lift)", """
            SELECT entity_a, entity_b, lift, pmi FROM cooccurrence
            WHERE entity_a >= entity_b OR lift <= 0 OR abs(pmi - log2(lift)) > 1e-9 * greatest(1, abs(pmi))""")
        if "entity_stats" in names:
            expect_none(con, "cooccurrence pairs in more documents than one of their entities", """
                SELECT c.entity_a, c.entity_b, c.documents, a.documents AS documents_a, b.documents AS documents_b
                FROM cooccurrence c JOIN entity_stats a ON a.entity_id = c.entity_a
                JOIN entity_stats b ON b.entity_id = c.entity_b
                WHERE c.documents > least(a.documents, b.documents)""")

    if "flows_summary" in names:
        show(con, "flows_summary: routes by documents", """
            SELECT origin_name, destination_name, drug, mode, documents, statements,
                   share_percent_min, share_percent_max
            FROM flows_summary ORDER BY documents DESC, statements DESC, origin, destination""")
        # The aggregate recomputed from the shard folders: routes of documents that
        # are not near-duplicates of another document.
        expect_none(con, "flows_summary differs from flows/ joined with documents/ where duplicate_of IS NULL", """
            WITH recount AS (
                SELECT f.origin, f.destination, f.drug, f.mode,
                       count(DISTINCT f.doc_id) AS documents, count(*) AS statements
                FROM flows f JOIN documents d USING (doc_id)
                WHERE d.duplicate_of IS NULL
                GROUP BY ALL)
            SELECT coalesce(s.origin, r.origin) AS origin, coalesce(s.destination, r.destination) AS destination,
                   coalesce(s.drug, r.drug) AS drug, coalesce(s.mode, r.mode) AS mode,
                   s.documents, r.documents AS recount_documents, s.statements, r.statements AS recount_statements
            FROM flows_summary s FULL JOIN recount r
              ON s.origin = r.origin AND s.destination = r.destination
             AND s.drug IS NOT DISTINCT FROM r.drug AND s.mode IS NOT DISTINCT FROM r.mode
            WHERE s.documents IS DISTINCT FROM r.documents OR s.statements IS DISTINCT FROM r.statements""")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--single", type=Path, required=True, help="output of a plain run (one file per table)")
    ap.add_argument("--hive", type=Path, required=True, help="output of sharded runs plus `crimefacts aggregate`")
    ap.add_argument("--contract", type=Path, required=True, help="output of `crimefacts schema --json`")
    args = ap.parse_args()
    for folder in (args.single, args.hive):
        if not folder.is_dir():
            sys.exit(f"check_interop: {folder} is not a folder")
    contract = json.loads(args.contract.read_text())
    global AGGREGATES
    AGGREGATES = tuple(t["name"] for t in contract["tables"] if t["kind"] == "aggregate")
    con = duckdb.connect()

    print(f"tables ({len(contract['tables'])} in the contract) read by pyarrow, duckdb and polars:")
    single = read_everywhere(con, "single", args.single, contract)
    hive = read_everywhere(con, "hive", args.hive, contract)
    for spec in contract["tables"]:
        name = spec["name"]
        if name not in single or name not in hive:
            continue
        # Aggregates too: computed over the parts they must equal the single run's.
        if single[name] != hive[name]:
            where = "across the shards of" if name not in AGGREGATES else "in"
            fail(f"{name}: {hive[name]} rows {where} {args.hive}, {single[name]} in {args.single}")

    if not problems:
        try:
            queries(con, args.hive, contract)
        except duckdb.Error as e:
            fail(f"sql: a query failed on {args.hive}: {e}")
    else:
        print("\n(queries skipped: the tables do not read cleanly)")

    print()
    for p in problems:
        print("FAIL", p)
    print(f"interop: {'FAILED, ' + str(len(problems)) + ' problem(s)' if problems else 'ok'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
