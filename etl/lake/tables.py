"""The curated and quarantine tables: Apache Iceberg tables (format 2, snappy Parquet) in one Spark catalog.

A dataset's curated table holds its typed rows; its quarantine table the rows put aside. Every row carries the upload
it came from (UPLOAD_KEY, UPLOAD_VERSION, and UPLOAD_ID, a 16-character digest of the key whose column bounds Iceberg
keeps whole, so file pruning on it works). One run changes each table in one commit: the run's new rows, and the
removal of every row of the uploads it replaces (its claimed keys that may already be in the table), so a reader sees
the table before or after the run, never both versions of an upload and never neither. A commit with no replaced
upload is a plain append, which reads no data file; one with replaced uploads is a MERGE whose source carries one
marker row per replaced upload and reads only the data files whose UPLOAD_ID bounds hold one of them.
"""

import hashlib
from dataclasses import dataclass

from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.utils import AnalysisException

from .names import athena_name, doc_source, source_doc
from .ports import Column, Contract

UPLOAD_KEY, UPLOAD_VERSION, UPLOAD_ID = "_upload_key", "_upload_version", "_upload_id"
LINEAGE = (UPLOAD_KEY, UPLOAD_VERSION, UPLOAD_ID)
MARKER = "__replaces"
DATASET_PROPERTY = "lake.source-dataset"  # the dataset folder whose rows a table holds
PARTITION_PROPERTY = "lake.partition-column"
# A replaced upload's id is also given to the target scan as a literal list (pushed down to file pruning) up to this
# many; beyond it the MERGE join alone decides which files hold them.
PRUNE_LITERALS = 1000
WAP_ENABLED = "write.wap.enabled"
TABLE_PROPERTIES = {
    "format-version": "2",
    # Iceberg's default Parquet codec is zstd; the lake promises snappy, as the Spark settings of every shell write.
    "write.parquet.compression-codec": "snappy",
    # Row-level changes rewrite the data files that hold a replaced upload (no delete files for readers to merge).
    "write.delete.mode": "copy-on-write",
    "write.update.mode": "copy-on-write",
    "write.merge.mode": "copy-on-write",
    "write.metadata.metrics.column.%s" % UPLOAD_ID: "full",
    # The commit orders its rows itself (by partition, then upload): files of disjoint upload ranges, so a replaced
    # upload's id prunes all other files.
    "write.distribution-mode": "none",
    # A run may stage its commit (a snapshot tagged with a wap.id, off the main branch) and publish it once its
    # counts are in (onepass.py).
    WAP_ENABLED: "true",
}
# CSV bytes per data file an append writes: about 128 MB of Parquet.
CSV_BYTES_PER_FILE = 512 * 1024 * 1024
# Uploads this large on average are written by the tasks that read them (a file's rows are read by one task), each
# task's rows sorted: a task holds one upload or a few, and the shuffle that would bring them into CSV_BYTES_PER_FILE
# files costs more than the read (measured on the benchmark's four 25 MB files). Smaller ones are brought together.
LARGE_UPLOAD_BYTES = 16 * 1024 * 1024


def upload_id(key: str) -> str:
    """The short id of an upload key: 16 hex characters of its SHA-256 (Iceberg keeps 16-character bounds whole)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Commit:
    """What one commit did to a table: its snapshot, data files added and removed, rows added and removed, and the
    bytes of the data files it rewrote (read from the table)."""

    snapshot: int | None = None
    files_added: int = 0
    files_removed: int = 0
    rows_added: int = 0
    rows_removed: int = 0
    bytes_rewritten: int = 0


def first_value(spark: SparkSession, sql: str):
    """The first column of the first row a query returns (an aggregate, a procedure's result)."""
    row = spark.sql(sql).first()
    assert row is not None, sql
    return row[0]


def first_row(spark: SparkSession, sql: str) -> Row:
    row = spark.sql(sql).first()
    assert row is not None, sql
    return row


def quoted(name: str) -> str:
    """A column name as Spark SQL takes it whatever it is ("order", "date" and "select" are keywords)."""
    return "`%s`" % name.replace("`", "``")


def sql_string(value: str) -> str:
    return "'%s'" % value.replace("\\", "\\\\").replace("'", "\\'")


def column_sql(column: Column) -> str:
    """A contract column as CREATE TABLE and ADD COLUMNS take it, its source header as its doc (in the same
    commit as the column, so no column is ever without it)."""
    doc = " COMMENT %s" % sql_string(source_doc(column.source)) if column.source is not None else ""
    return "%s %s%s" % (quoted(column.name), column.type, doc)


class IcebergTables:
    """The tables of datasets in `catalog`: curated ones in `namespace`, quarantine ones in `quarantine_namespace`
    named with `quarantine_suffix`. `location_of(kind, dataset)` gives a new table's location (None: the catalog's
    default, as a Hadoop catalog requires)."""

    def __init__(
        self,
        spark: SparkSession,
        catalog: str,
        namespace: str,
        quarantine_namespace: str,
        quarantine_suffix: str = "",
        location_of=None,
    ):
        self.spark, self.catalog, self.namespace = spark, catalog, namespace
        self.quarantine_namespace, self.quarantine_suffix = quarantine_namespace, quarantine_suffix
        self.location_of = location_of or (lambda kind, dataset: None)

    def curated(self, dataset: str) -> str:
        return "%s.%s.%s" % (self.catalog, self.namespace, athena_name(dataset, 0))

    def quarantine(self, dataset: str) -> str:
        return "%s.%s.%s%s" % (
            self.catalog,
            self.quarantine_namespace,
            athena_name(dataset, 0),
            self.quarantine_suffix,
        )

    def shown(self, table: str) -> str:
        """A table's name as a person queries it (Athena: database.table), without the Spark catalog."""
        return table.split(".", 1)[1]

    def _properties(self, table: str) -> dict[str, str] | None:
        try:
            rows = self.spark.sql("SHOW TBLPROPERTIES %s" % table).collect()
        except AnalysisException:
            return None
        return {r["key"]: r["value"] for r in rows}

    def exists(self, table: str) -> bool:
        return self._properties(table) is not None

    def owner(self, dataset: str) -> str | None:
        """The dataset folder whose rows the dataset's table holds (None before its first batch): another folder
        that makes the same table name, such as "sales-eu" for "sales_eu", may own it."""
        properties = self._properties(self.curated(dataset))
        return None if properties is None else properties.get(DATASET_PROPERTY, dataset)

    def contract(self, dataset: str) -> Contract | None:
        """The curated table's schema, without the lineage columns: the dataset's contract, each column's source
        header from its doc (Iceberg's column doc; Athena and Glue show it as the column's comment)."""
        table = self.curated(dataset)
        properties = self._properties(table)
        if properties is None:
            return None
        schema = self.spark.table(table).schema
        columns = tuple(
            Column(f.name, f.dataType.simpleString(), doc_source(f.metadata.get("comment")))
            for f in schema.fields
            if f.name not in LINEAGE
        )
        return Contract(columns, properties.get(PARTITION_PROPERTY) or None)

    def save_contract(self, dataset: str, contract: Contract) -> None:
        """Creates the curated table from the contract, or adds the contract's new columns and grows its decimals'
        precision (no other type ever changes)."""
        table = self.curated(dataset)
        known = self.contract(dataset)
        if known is None:
            columns = [column_sql(c) for c in contract.columns] + ["%s string" % quoted(c) for c in LINEAGE]
            partition = contract.partition
            spec = ""
            if partition:
                transform = "days(%s)" if contract.type_of(partition) == "timestamp" else "%s"
                spec = "PARTITIONED BY (%s)" % (transform % quoted(partition))
            properties = {**TABLE_PROPERTIES, DATASET_PROPERTY: dataset, PARTITION_PROPERTY: partition or ""}
            self._create(table, columns, spec, properties, self.location_of("curated", dataset))
            return
        added = [c for c in contract.columns if known.type_of(c.name) is None]
        if added:
            self.spark.sql("ALTER TABLE %s ADD COLUMNS (%s)" % (table, ", ".join(column_sql(c) for c in added)))
        for column in contract.columns:  # a decimal whose precision grew (Iceberg widens decimals, never the scale)
            if known.type_of(column.name) not in (None, column.type):
                self.spark.sql("ALTER TABLE %s ALTER COLUMN %s TYPE %s" % (table, quoted(column.name), column.type))

    def ensure_quarantine(self, dataset: str, schema: T.StructType) -> str:
        table = self.quarantine(dataset)
        if self._properties(table) is None:
            columns = ["%s %s" % (quoted(f.name), f.dataType.simpleString()) for f in schema.fields]
            properties = {**TABLE_PROPERTIES, DATASET_PROPERTY: dataset}
            self._create(table, columns, "", properties, self.location_of("quarantine", dataset))
        return table

    def _create(
        self, table: str, columns: list[str], spec: str, properties: dict[str, str], location: str | None
    ) -> None:
        self.spark.sql(
            "CREATE TABLE %s (%s) USING iceberg %s %s TBLPROPERTIES (%s)"
            % (
                table,
                ", ".join(columns),
                spec,
                "LOCATION %s" % sql_string(location) if location else "",
                ", ".join("%s=%s" % (sql_string(k), sql_string(v)) for k, v in properties.items()),
            )
        )

    def stages(self, table: str) -> bool:
        """Whether a commit to the table can be staged (write-audit-publish): a new table will be."""
        properties = self._properties(table)
        return properties is None or properties.get(WAP_ENABLED) == "true"

    def staged(self, table: str, wap_id: str, rows: DataFrame, csv_bytes: int, uploads: int) -> Commit:
        """An append of `rows` committed as a staged snapshot: in the table's metadata, not on its main branch."""
        # Adaptive execution off: it replaces a plan whose shuffle came out empty with an empty relation, and with it
        # the observed metrics of the rows below (onepass.py), which would then never arrive.
        adaptive = self.spark.conf.get("spark.sql.adaptive.enabled")
        self.spark.conf.set("spark.wap.id", wap_id)
        self.spark.conf.set("spark.sql.adaptive.enabled", "false")
        try:
            return self.commit(table, rows, [], csv_bytes, uploads)
        finally:
            self.spark.conf.unset("spark.wap.id")
            self.spark.conf.set("spark.sql.adaptive.enabled", adaptive or "true")

    def publish(self, table: str, snapshot: int) -> int:
        """A staged snapshot made the table's current one (a fast-forward when nothing was committed since); returns
        the current snapshot."""
        _, namespace, name = table.split(".")
        return first_row(
            self.spark, "CALL %s.system.cherrypick_snapshot('%s.%s', %d)" % (self.catalog, namespace, name, snapshot)
        )["current_snapshot_id"]

    def drop(self, table: str) -> None:
        """A table that holds nothing published, dropped with its files."""
        self.spark.sql("DROP TABLE IF EXISTS %s PURGE" % table)

    def drop_columns(self, table: str, names: list[str]) -> None:
        if names:
            self.spark.sql("ALTER TABLE %s DROP COLUMNS (%s)" % (table, ", ".join(quoted(n) for n in names)))

    def commit(
        self, table: str, rows: DataFrame | None, replaced: list[str], csv_bytes: int = 0, uploads: int = 1
    ) -> Commit:
        """One commit of `table`: `rows` (with the table's columns, read from `csv_bytes` of CSV in `uploads` files)
        added, every row of the `replaced` upload ids removed. Nothing to add or remove commits nothing."""
        if not replaced and rows is None:
            return Commit()
        before = self._snapshot(table)
        fields = self.spark.table(table).schema.fields
        columns = [f.name for f in fields]
        if rows is not None and not replaced:
            order = [*self._partition_sources(table), UPLOAD_ID]
            ordered = rows.select(*columns)
            if csv_bytes < uploads * LARGE_UPLOAD_BYTES:
                ordered = ordered.repartitionByRange(max(1, -(-csv_bytes // CSV_BYTES_PER_FILE)), *order)
            ordered.sortWithinPartitions(*order).writeTo(table).append()
        else:
            markers = self.spark.createDataFrame([(i,) for i in replaced], "%s string" % UPLOAD_ID).select(
                *[F.col(f.name) if f.name == UPLOAD_ID else F.lit(None).cast(f.dataType).alias(f.name) for f in fields],
                F.lit(True).alias(MARKER),
            )
            source = markers if rows is None else rows.select(*columns, F.lit(False).alias(MARKER)).unionByName(markers)
            view = "lake_merge_source_%s" % hashlib.sha256(table.encode("utf-8")).hexdigest()[:12]
            source.createOrReplaceTempView(view)
            prune = ""
            if len(replaced) <= PRUNE_LITERALS:
                prune = " AND t.%s IN (%s)" % (UPLOAD_ID, ", ".join(sql_string(i) for i in replaced))
            try:
                self.spark.sql(
                    "MERGE INTO %s t USING %s s ON t.%s = s.%s AND s.%s%s "
                    "WHEN MATCHED AND s.%s THEN DELETE "
                    "WHEN NOT MATCHED AND NOT s.%s THEN INSERT (%s) VALUES (%s)"
                    % (
                        table,
                        view,
                        UPLOAD_ID,
                        UPLOAD_ID,
                        MARKER,
                        prune,
                        MARKER,
                        MARKER,
                        ", ".join(quoted(c) for c in columns),
                        ", ".join("s.%s" % quoted(c) for c in columns),
                    )
                )
            finally:
                self.spark.catalog.dropTempView(view)
        return self._commit_since(table, before)

    def _partition_sources(self, table: str) -> list[str]:
        """The columns the table is partitioned on (a day() transform's source column clusters its days)."""
        properties = self._properties(table) or {}
        column = properties.get(PARTITION_PROPERTY)
        return [column] if column else []

    def _snapshot(self, table: str) -> int | None:
        rows = self.spark.sql(
            "SELECT snapshot_id FROM %s.snapshots ORDER BY committed_at DESC, snapshot_id LIMIT 1" % table
        ).collect()
        return rows[0][0] if rows else None

    def _commit_since(self, table: str, before: int | None) -> Commit:
        """The summary of the snapshot a commit made (none when it changed nothing)."""
        after = self._snapshot(table)
        if after is None or after == before:
            return Commit(before)
        summary = first_value(self.spark, "SELECT summary FROM %s.snapshots WHERE snapshot_id = %d" % (table, after))

        def number(key: str) -> int:
            return int(summary.get(key, "0"))

        return Commit(
            after,
            number("added-data-files"),
            number("deleted-data-files"),
            number("added-records"),
            number("deleted-records"),
            number("removed-files-size"),
        )
