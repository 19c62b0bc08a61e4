"""A dataset's new uploads to Parquet: read once, checked against the contract, written per upload.

Every count is taken in one aggregation over the persisted rows; the rows are then written from the persisted rows
(the Parquet of those that pass, the quarantine of those that do not), never from the input again.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote

from pyspark import StorageLevel
from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .contract import Kinds, extend, kinds_seen, merge, partition_problem, propose, typed, violations
from .csvread import FILE, RAW, read_uploads
from .names import athena_name, upload_id
from .ports import QUALITY, Catalog, Contract, Converted, Ledger, Quality, Settings, Sink, Upload
from .publish import UPLOAD_PARTITION, discard_unrecorded, publish_uploads
from .quarantine import DETAIL, REASON, Tally, over_threshold, row_reason, write_quarantine
from .session import input_bytes_read

SAMPLE_ROWS = 10_000


@dataclass(frozen=True)
class Layout:
    """Output folders, relative to the sink's root."""

    parquet: str = "parquet/"
    quarantine: str = "quarantine/"
    staging: str = "_staging/"


def new_report(dataset: str) -> dict:
    """A dataset's report before anything happened: what report.json and the Glue job's log lines hold."""
    return {
        "dataset": dataset,
        "status": "unchanged",
        "files": [],
        "rows_read": 0,
        "rows_written": 0,
        "rows_quarantined": {},
        "columns": [],
        "input_bytes": 0,
        "bytes_read": 0,
    }


def report_line(report: dict, location: bool = False) -> str:
    """One line of a dataset's report for a person ('orders: written, 2 file(s), 83 rows read, …'); with
    `location`, where its quarantined rows are."""
    quarantined = report["rows_quarantined"]
    line = "%s: %s" % (report["dataset"], report["status"])
    if report["status"] != "unchanged":
        counts = (len(report["files"]), report["rows_read"], report["rows_written"], sum(quarantined.values()))
        line += ", %d file(s), %d rows read, %d written, %d quarantined" % counts
        if quarantined:
            line += " (%s)" % ", ".join("%s %d" % kv for kv in sorted(quarantined.items()))
            if location:
                line += " under %s" % report.get("quarantine")
    if report.get("error"):
        line += "; NOT WRITTEN: " + report["error"]
    return line


def spark_file(uri: str) -> str:
    """A file as Spark's input_file_name() reports it (a URL-encoded URI), as the shell named it: 'file:///a%20b'
    -> '/a b', 's3a://b/x%2541' -> 's3://b/x%41'."""
    uri = re.sub(r"^s3[an]?://", "s3://", uri)
    return unquote(re.sub(r"^file:/*", "/", uri))


def lookup(mapping: dict[str, str], column: SparkColumn) -> SparkColumn:
    """The value of a small Python dict for each row's key (a literal map, no join)."""
    pairs = [F.lit(x) for kv in mapping.items() for x in kv]
    return F.element_at(F.create_map(*pairs), column)


class DatasetConversion:
    """One dataset's conversion in one run; `run()` returns its report."""

    def __init__(
        self,
        spark: SparkSession,
        dataset: str,
        sink: Sink,
        ledger: Ledger,
        catalog: Catalog,
        settings: Settings,
        run_id: str,
        layout: Layout = Layout(),
        quality: Quality | None = None,
    ):
        self.spark, self.dataset, self.sink, self.ledger, self.catalog = spark, dataset, sink, ledger, catalog
        self.settings, self.run_id, self.layout, self.quality = settings, run_id, layout, quality
        self.staging = "%s%s/%s/" % (layout.staging, run_id, dataset)
        self.report = new_report(dataset)

    def run(self, uploads: list[Upload], headers: dict[Upload, list[str] | None]) -> dict:
        if not uploads:
            self._report_columns(self.catalog.contract(self.dataset))
            return self.report
        before = input_bytes_read(self.spark)
        self.report["files"] = sorted(u.key for u in uploads)
        self.report["input_bytes"] = sum(u.size for u in uploads)
        readable = {u: h for u, h in headers.items() if h is not None and u in uploads}
        try:
            if readable:
                self._convert(uploads, readable)
            else:  # empty and header-only files: nothing to write; an earlier version's rows are removed
                records = {u.key: Converted(u.version, "empty", self.run_id) for u in uploads}
                publish_uploads(self.sink, self.ledger, self.dataset, "", self._parquet_prefix(), uploads, records)
                self._report_columns(self.catalog.contract(self.dataset))
                self.report["status"] = "skipped"
        finally:
            self.sink.discard_staging(self.staging)
        after = input_bytes_read(self.spark)
        self.report["bytes_read"] = None if before is None or after is None else after - before
        return self.report

    def _report_columns(self, contract: Contract | None) -> None:
        self.report["columns"] = [{"name": c.name, "type": c.type} for c in contract.columns] if contract else []

    def _parquet_prefix(self) -> str:
        return "%s%s/" % (self.layout.parquet, self.dataset)

    def _convert(self, uploads: list[Upload], readable: dict[Upload, list[str]]) -> None:
        frame, columns = read_uploads(self.spark, readable)
        contract = self.catalog.contract(self.dataset)
        keys = [k for k in dict.fromkeys(athena_name(c, 0) for c in self.settings.key_columns) if k in columns]
        reason, detail = row_reason(keys, violations(contract, columns))
        rows = frame.withColumn(REASON, reason).withColumn(DETAIL, detail).persist(StorageLevel.MEMORY_AND_DISK)
        persisted = [rows]
        try:
            self._convert_rows(rows, columns, contract, uploads, readable, persisted)
        finally:
            for frame in persisted:
                frame.unpersist()

    def _convert_rows(self, rows, columns, contract, uploads, readable, persisted: list[DataFrame]) -> None:
        new_columns = [c for c in columns if contract is None or contract.type_of(c) is None]
        usable = F.col(REASON).isNull()
        hints = {}
        if new_columns:  # a sample's types make the full pass one test per value (this also builds the cache)
            sample = rows.filter(usable).limit(SAMPLE_ROWS)
            found = sample.agg(*[x for c in new_columns for x in kinds_seen(c, F.lit(True))]).first()
            hints = {
                c: propose((found[2 * i], found[2 * i + 1]))
                for i, c in enumerate(new_columns)
                if found[2 * i + 1] is not None
            }
        counters = [F.count(F.lit(1)).alias("#rows")]
        counters += [x for c in new_columns for x in kinds_seen(c, usable, hints.get(c))]
        stats = rows.groupBy(FILE, REASON).agg(*counters).collect()  # the one pass over the input

        by_file = {u.uri: u for u in readable}
        file_keys = {s[FILE]: by_file[spark_file(s[FILE])].key for s in stats}
        tally = Tally({u.key: [0, 0] for u in uploads})
        kinds: dict[str, Kinds] = dict.fromkeys(new_columns, (None, None))
        for s in stats:
            for name in new_columns:
                kinds[name] = merge(kinds[name], (s["%s#low" % name], s["%s#high" % name]))
            if s[REASON] is None:
                tally.keep(file_keys[s[FILE]], s["#rows"])
            else:
                tally.quarantine(file_keys[s[FILE]], s[REASON], s["#rows"])
        rows_read = self.report["rows_read"] = sum(s["#rows"] for s in stats)
        setting = self.settings.partition_columns.get(self.dataset)
        partition = athena_name(setting, 0) if setting else None
        updated = extend(contract, columns, kinds, partition)
        self._report_columns(updated)
        good = rows.filter(usable).select(
            *[
                typed(F.col(c.name), c.type).alias(c.name)
                if c.name in columns
                else F.lit(None).cast(c.type).alias(c.name)
                for c in updated.columns
            ],
            F.col(FILE),
        )

        error = partition_problem(self.dataset, contract, updated, partition)
        if error is None and self.quality is not None and tally.written():
            good, failed_rules = self.quality.evaluate(self.dataset, good)
            good = good.persist(StorageLevel.MEMORY_AND_DISK)
            persisted.append(good)
            for r in good.filter(F.col(QUALITY).isNotNull()).groupBy(FILE).count().collect():
                tally.quarantine(file_keys[r[FILE]], "failed_rules", r["count"], kept_before=True)
            if failed_rules:
                error = "data quality rules failed for the dataset as a whole: " + "; ".join(failed_rules)
        if error is None and over_threshold(
            rows_read, sum(tally.reasons.values()), self.settings.max_quarantined_percent
        ):
            error = "%d of %d rows quarantined, over maxQuarantinedPercent %s" % (
                sum(tally.reasons.values()),
                rows_read,
                self.settings.max_quarantined_percent,
            )

        source = lookup(file_keys, F.col(FILE))
        target = "%s%s/%s/" % (self.layout.quarantine, self.dataset, self.run_id)
        failing = F.col(QUALITY).isNotNull() if QUALITY in good.columns else F.lit(False)
        typed_columns = [c.name for c in updated.columns]
        if any(r != "failed_rules" for r in tally.reasons):
            write_quarantine(
                self.sink,
                rows.filter(~usable),
                columns,
                source,
                F.col(REASON),
                F.col(DETAIL),
                F.col(RAW),
                self.staging + "quarantine",
                target,
            )
        if error or "failed_rules" in tally.reasons:
            put_aside = good if error else good.filter(failing)
            why = F.when(failing, "failed_rules").otherwise("rejected")
            write_quarantine(
                self.sink,
                put_aside,
                typed_columns,
                source,
                why,
                F.col(QUALITY) if QUALITY in good.columns else F.lit(None).cast("string"),
                F.lit(None).cast("string"),
                self.staging + "quarantine-typed",
                target,
            )
        if tally.reasons or error:
            self.report["quarantine"] = target
        if error:
            self._reject(tally, uploads, error, target)
            return

        if rows_read and updated != contract:
            self.catalog.save_contract(self.dataset, updated)
        staged = self.staging + "parquet"
        if tally.written():
            uids = {f: upload_id(by_file[spark_file(f)].key, by_file[spark_file(f)].version) for f in file_keys}
            partitions = [UPLOAD_PARTITION] + ([partition] if partition else [])
            good.filter(~failing).select(*typed_columns, lookup(uids, F.col(FILE)).alias(UPLOAD_PARTITION)).write.mode(
                "overwrite"
            ).partitionBy(*partitions).parquet(self.sink.staging_uri(staged))
        records = {}
        for u in uploads:
            kept, put_aside = tally.per_key[u.key]
            status = "converted" if kept or not put_aside else "quarantined"
            records[u.key] = Converted(
                u.version, status, self.run_id, [], kept, put_aside, quarantine=target if put_aside else None
            )
        publish_uploads(
            self.sink,
            self.ledger,
            self.dataset,
            staged,
            self._parquet_prefix(),
            uploads,
            records,
            self._register_partitions,
        )
        self.report["rows_written"] = tally.written()
        self.report["rows_quarantined"] = tally.reasons
        self.report["status"] = "written" if rows_read else "skipped"

    def _register_partitions(self, outputs: list[str]) -> None:
        self.report["partitions_added"] = self.catalog.add_partitions(self.dataset, outputs)

    def _reject(self, tally: Tally, uploads: list[Upload], error: str, quarantine: str) -> None:
        """Nothing of the dataset is written: every row is in quarantine, the uploads are marked rejected (and
        converted again next run). An earlier version's rows stay; what a crashed run moved into place goes."""
        for key, (kept, _) in tally.per_key.items():
            tally.quarantine(key, "rejected", kept, kept_before=True)
        tally.reasons = {k: v for k, v in tally.reasons.items() if v}
        discard_unrecorded(self.sink, self.ledger, self.dataset)
        earlier = self.ledger.converted(self.dataset)
        self.ledger.done(
            self.dataset,
            {
                u.key: Converted(
                    u.version,
                    "rejected",
                    self.run_id,
                    earlier[u.key].outputs if u.key in earlier else [],
                    error=error,
                    quarantine=quarantine,
                )
                for u in uploads
            },
        )
        self.report.update(status="rejected", error=error, rows_quarantined=tally.reasons)
