"""The tables on real Iceberg: maintenance (compaction sorted by upload, snapshot expiry, orphan files) and the SQL
that creates, widens and merges into them."""

import os
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
from conftest import data_files, read_table
from lake.maintenance import maintain
from lake.ports import Column, Contract, Settings
from lake.session import hadoop_catalog_conf, use_catalog
from lake.tables import LARGE_UPLOAD_BYTES, LINEAGE, IcebergTables, upload_id
from pyspark.sql import functions as F

CATALOG = "maintained"


def tables_in(spark, tmp_path, name: str) -> IcebergTables:
    catalog = "%s_%s" % (CATALOG, name)
    use_catalog(spark, hadoop_catalog_conf(catalog, (tmp_path / "wh").as_uri()))
    return IcebergTables(spark, catalog, "parquet", "quarantine")


def uploads(spark, first: int, count: int):
    """`count` uploads of two rows each, keys u<first>… (the lineage columns as the core writes them)."""
    rows = [
        (i * 10 + r, "u%04d" % i, "v1", upload_id("u%04d" % i)) for i in range(first, first + count) for r in (0, 1)
    ]
    return spark.createDataFrame(rows, "id bigint, _upload_key string, _upload_version string, _upload_id string")


def test_small_commits_are_compacted_sorted_by_upload_and_replacing_one_then_rewrites_one_file(spark, tmp_path):
    tables = tables_in(spark, tmp_path, "compact")
    tables.save_contract("t", Contract((Column("id", "bigint"),)))
    table = tables.curated("t")
    for n in range(6):
        tables.commit(table, uploads(spark, n * 5, 5), [])
    assert len(data_files(spark, table)) == 6
    done = maintain(spark, table, retention_days=7, compact_at=4)
    assert (done.files_rewritten, done.files_written) == (6, 1)
    assert sorted(r["id"] for r in read_table(spark, table).to_pylist()) == sorted(
        i * 10 + r for i in range(30) for r in (0, 1)
    )
    [path] = data_files(spark, table)
    ids = [r["_upload_id"] for r in read_table(spark, table).to_pylist()]
    assert ids == sorted(ids), "one upload's rows together, in id order"
    for n in range(2):  # two more small files, each with its own range of ids
        tables.commit(table, uploads(spark, 100 + n * 5, 5), [])
    commit = tables.commit(
        table, uploads(spark, 100, 1).withColumn("_upload_version", F.lit("v2")), [upload_id("u0100")]
    )
    assert (commit.files_removed, commit.files_added) == (1, 1), "only the file holding u0100 is rewritten"
    assert path in data_files(spark, table), "the compacted file is untouched"


def test_large_uploads_are_written_by_the_tasks_that_read_them_small_ones_brought_together(spark, tmp_path):
    """Uploads of LARGE_UPLOAD_BYTES on average: no shuffle, each task's rows in a file of their own, sorted by
    upload; smaller ones: one file per CSV_BYTES_PER_FILE, each upload's rows together."""
    tables = tables_in(spark, tmp_path, "large")
    tables.save_contract("t", Contract((Column("id", "bigint"),)))
    table = tables.curated("t")
    tasks = uploads(spark, 0, 8).repartition(4, "_upload_key")
    busy = tasks.select(F.spark_partition_id().alias("task")).distinct().count()
    large = tables.commit(table, tasks, [], csv_bytes=8 * LARGE_UPLOAD_BYTES, uploads=8)
    assert large.files_added == busy > 1
    small = tables.commit(table, uploads(spark, 10, 8).repartition(4, "_upload_key"), [], csv_bytes=8000, uploads=8)
    assert small.files_added == 1
    for path in data_files(spark, table):
        ids = [r["_upload_id"] for r in pq.read_table(path).to_pylist()]
        assert ids == sorted(ids), "each file's rows sorted by upload"


def test_snapshots_older_than_the_retention_are_expired_and_the_current_one_kept(spark, tmp_path):
    tables = tables_in(spark, tmp_path, "expire")
    tables.save_contract("t", Contract((Column("id", "bigint"),)))
    table = tables.curated("t")
    for n in range(3):
        tables.commit(table, uploads(spark, n, 1), [upload_id("u%04d" % n)] if n else [])
    first = spark.sql("SELECT snapshot_id FROM %s.snapshots ORDER BY committed_at LIMIT 1" % table).first()[0]
    assert maintain(spark, table, retention_days=7).snapshots_expired == 0, "within the retention"
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert maintain(spark, table, retention_days=0, now=later).snapshots_expired == 2
    assert spark.sql("SELECT count(*) FROM %s.snapshots" % table).first()[0] == 1
    assert len(read_table(spark, table)) == 6, "the current snapshot's rows are all there"
    try:
        spark.sql("SELECT * FROM %s VERSION AS OF %d" % (table, first)).collect()
        raise AssertionError("an expired snapshot was still readable")
    except Exception as err:  # noqa: BLE001 (Iceberg's ValidationException through py4j)
        assert "Cannot find a snapshot" in str(err) or str(first) in str(err)


def test_old_orphan_files_are_deleted_with_a_compaction_and_young_ones_kept(spark, tmp_path):
    tables = tables_in(spark, tmp_path, "orphans")
    tables.save_contract("t", Contract((Column("id", "bigint"),)))
    table = tables.curated("t")
    for n in range(3):
        tables.commit(table, uploads(spark, n, 1), [])
    folder = tmp_path / "wh" / "parquet" / "t" / "data"
    old, young = folder / "crashed-old.parquet", folder / "crashed-young.parquet"
    for orphan in (old, young):
        orphan.write_bytes(next(folder.glob("*.parquet")).read_bytes())
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    done = maintain(spark, table, retention_days=7, compact_at=2)
    assert done.files_rewritten == 3 and done.orphans_deleted == 1
    assert not old.exists() and young.exists()


def test_a_run_reports_its_maintenance_and_keeps_history_for_the_retention(lake):
    lake.settings = replace(Settings(), snapshot_retention_days=0)
    path = lake.csv("m/1.csv", "id\n1\n")
    lake.convert()
    lake.csv("m/1.csv", "id\n2\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    report = lake.dataset(lake.convert(), "m")
    assert report["maintenance"]["curated"]["snapshots_expired"] == 1
    assert lake.spark.sql("SELECT count(*) FROM %s.snapshots" % lake.name("m")).first()[0] == 1
    assert [r["id"] for r in lake.table("m").to_pylist()] == [2]


def test_column_names_that_are_sql_keywords_work_where_the_parser_reserves_them(spark, tmp_path):
    """Headers such as Order, Date or Select become columns of those names: every name in the tables' SQL is quoted,
    so creating, widening and merging into the table holds even with ANSI SQL's reserved keywords enforced."""
    tables = tables_in(spark, tmp_path, "keywords")
    strict = {"spark.sql.ansi.enabled": "true", "spark.sql.ansi.enforceReservedKeywords": "true"}
    before = {k: spark.conf.get(k) for k in strict}
    try:
        for key, value in strict.items():
            spark.conf.set(key, value)
        tables.save_contract("k", Contract((Column("order", "bigint"), Column("select", "string"))))
        tables.save_contract(
            "k", Contract((Column("order", "bigint"), Column("select", "string"), Column("from", "string")))
        )
        table = tables.curated("k")
        row = "`order` bigint, `select` string, `from` string, " + ", ".join("%s string" % c for c in LINEAGE)
        tables.commit(table, spark.createDataFrame([(1, "a", "b", "k", "v1", upload_id("k"))], row), [])
        tables.commit(table, spark.createDataFrame([(2, "c", "d", "k", "v2", upload_id("k"))], row), [upload_id("k")])
    finally:
        for key, value in before.items():
            spark.conf.set(key, value)
    assert [(r["order"], r["select"], r["from"]) for r in read_table(spark, table).to_pylist()] == [(2, "c", "d")]
