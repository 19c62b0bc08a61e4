"""A dataset's new uploads to Parquet: read once, checked against the contract, written per upload.

Every count is taken in one aggregation over the persisted rows; the rows are then written twice at most (the
Parquet of the rows that pass, the quarantine of those that do not), both from the persisted rows, never from the
input again.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote

from pyspark import StorageLevel
from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .contract import extend, kinds_seen, propose, typed, violations
from .csvread import FILE, PARSE, RAW, read_uploads
from .names import athena_name, upload_id
from .ports import Catalog, Contract, Converted, Ledger, Settings, Sink, Upload
from .publish import UPLOAD_PARTITION, publish_uploads
from .session import input_bytes_read

REASON, DETAIL = "__reason", "__detail"
QUARANTINE_REASONS = ("unparsable", "too_many_fields", "missing_key", "type_mismatch", "rejected")


@dataclass(frozen=True)
class Layout:
    """Output folders, relative to the sink's root."""

    parquet: str = "parquet/"
    quarantine: str = "quarantine/"
    staging: str = "_staging/"


def pending(uploads: list[Upload], converted: dict[str, Converted]) -> list[Upload]:
    """The uploads new or changed since they were last converted."""
    return [u for u in uploads if u.key not in converted or converted[u.key].version != u.version]


def over_threshold(rows: int, quarantined: int, max_percent: float) -> bool:
    return rows > 0 and quarantined * 100.0 > max_percent * rows


def same_file(uri: str) -> str:
    """A file URI as Spark reports it and as a shell names it, made comparable ('file:///a%20b' -> '/a b')."""
    uri = re.sub(r"^s3[an]?://", "s3://", uri)
    return unquote(re.sub(r"^file:/*", "/", uri))


def lookup(mapping: dict[str, str], column: SparkColumn) -> SparkColumn:
    """The value of a small Python dict for each row's key (a literal map, no join)."""
    pairs = [F.lit(x) for kv in mapping.items() for x in kv]
    return F.element_at(F.create_map(*pairs), column)


def row_reason(keys: list[str], checks) -> tuple[SparkColumn, SparkColumn]:
    """Why a row goes to quarantine (parse problem, then a missing key, then a value off its type) and the detail."""
    missing = [F.col(k).isNull() for k in keys]
    any_missing = F.greatest(*missing, F.lit(False)) if missing else F.lit(False)
    any_off = F.greatest(*[c for _, _, c in checks], F.lit(False)) if checks else F.lit(False)
    reason = F.coalesce(F.col(PARSE), F.when(any_missing, "missing_key"), F.when(any_off, "type_mismatch"))
    details = [F.when(F.col(k).isNull(), F.lit("key column %s is empty" % k)) for k in keys]
    details += [
        F.when(cond, F.concat(F.lit("%s: '" % name), F.col(name), F.lit("' is not %s" % t))) for name, t, cond in checks
    ]
    detail = (
        F.when(F.col(PARSE).isNotNull(), F.col(PARSE)).otherwise(F.concat_ws("; ", *details))
        if details
        else F.col(PARSE)
    )
    return reason, detail


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
    ):
        self.spark, self.dataset, self.sink, self.ledger, self.catalog = spark, dataset, sink, ledger, catalog
        self.settings, self.run_id, self.layout = settings, run_id, layout
        self.staging = "%s%s/%s/" % (layout.staging, run_id, dataset)
        self.report: dict = {
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

    def run(self, uploads: list[Upload], headers: dict[Upload, list[str] | None]) -> dict:
        if not uploads:
            contract = self.catalog.contract(self.dataset)
            self.report["columns"] = [{"name": c.name, "type": c.type} for c in contract.columns] if contract else []
            return self.report
        before = input_bytes_read(self.spark)
        self.report["files"] = sorted(u.key for u in uploads)
        self.report["input_bytes"] = sum(u.size for u in uploads)
        readable = {u: h for u, h in headers.items() if h is not None and u in uploads}
        try:
            if readable:
                self._convert(uploads, readable)
            else:
                self._finish_without_rows(uploads)
        finally:
            self.sink.discard_staging(self.staging)
        self.report["bytes_read"] = input_bytes_read(self.spark) - before
        return self.report

    def _finish_without_rows(self, uploads: list[Upload]) -> None:
        """Empty and header-only files: nothing to write; an earlier version's rows are removed."""
        records = {u.key: Converted(u.version, "empty", self.run_id) for u in uploads}
        publish_uploads(self.sink, self.ledger, self.dataset, "", self._parquet_prefix(), uploads, records)
        contract = self.catalog.contract(self.dataset)
        self.report["columns"] = [{"name": c.name, "type": c.type} for c in contract.columns] if contract else []
        self.report["status"] = "skipped"

    def _parquet_prefix(self) -> str:
        return "%s%s/" % (self.layout.parquet, self.dataset)

    def _convert(self, uploads: list[Upload], readable: dict[Upload, list[str]]) -> None:
        frame, columns = read_uploads(self.spark, readable)
        contract = self.catalog.contract(self.dataset)
        keys = [k for k in dict.fromkeys(athena_name(c, 0) for c in self.settings.key_columns) if k in columns]
        reason, detail = row_reason(keys, violations(contract, columns))
        rows = frame.withColumn(REASON, reason).withColumn(DETAIL, detail).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            self._convert_rows(rows, columns, contract, uploads, readable)
        finally:
            rows.unpersist()

    def _convert_rows(
        self,
        rows: DataFrame,
        columns: list[str],
        contract: Contract | None,
        uploads: list[Upload],
        readable: dict[Upload, list[str]],
    ) -> None:
        new_columns = [c for c in columns if contract is None or contract.type_of(c) is None]
        usable = F.col(REASON).isNull()
        counters = [F.count(F.lit(1)).alias("#rows")] + [kinds_seen(c, usable) for c in new_columns]
        stats = rows.groupBy(FILE, REASON).agg(*counters).collect()  # the one pass over the input

        by_file = {same_file(u.uri): u for u in readable}
        file_keys = {s[FILE]: by_file[same_file(s[FILE])].key for s in stats}
        kinds = dict.fromkeys(new_columns, 0)
        per_key: dict[str, list[int]] = {u.key: [0, 0] for u in uploads}
        for s in stats:
            for name in new_columns:
                kinds[name] |= s["%s#kinds" % name] or 0
            self.report["rows_read"] += s["#rows"]
            per_key[file_keys[s[FILE]]][0 if s[REASON] is None else 1] += s["#rows"]
            if s[REASON] is not None:
                quarantined = self.report["rows_quarantined"]
                quarantined[s[REASON]] = quarantined.get(s[REASON], 0) + s["#rows"]
        partition_setting = self.settings.partition_columns.get(self.dataset)
        partition = athena_name(partition_setting, 0) if partition_setting else None
        updated = extend(contract, columns, {c: propose(kinds[c]) for c in new_columns}, partition)
        self.report["columns"] = [{"name": c.name, "type": c.type} for c in updated.columns]

        error = None
        if partition and updated.type_of(partition) is None:
            error = "partition column %s (partitionColumns) is not a column of %s" % (partition, self.dataset)
        elif over_threshold(
            self.report["rows_read"],
            sum(self.report["rows_quarantined"].values()),
            self.settings.max_quarantined_percent,
        ):
            error = "%d of %d rows quarantined, over maxQuarantinedPercent %s" % (
                sum(self.report["rows_quarantined"].values()),
                self.report["rows_read"],
                self.settings.max_quarantined_percent,
            )
        if error:
            self._reject(rows, columns, file_keys, uploads, error)
            return
        if self.report["rows_quarantined"]:
            self._quarantine(rows.filter(~usable), columns, file_keys, F.col(REASON))
        self.catalog.save_contract(self.dataset, updated)
        uids = {f: upload_id(by_file[same_file(f)].key, by_file[same_file(f)].version) for f in file_keys}
        staged = self.staging + "parquet"
        if per_key and any(n for n, _ in per_key.values()):
            partitions = [UPLOAD_PARTITION] + ([partition] if partition else [])
            good = rows.filter(usable).select(
                *[
                    typed(F.col(c.name), c.type).alias(c.name)
                    if c.name in columns
                    else F.lit(None).cast(c.type).alias(c.name)
                    for c in updated.columns
                ],
                lookup(uids, F.col(FILE)).alias(UPLOAD_PARTITION),
            )
            good.write.mode("overwrite").partitionBy(*partitions).parquet(self.sink.staging_uri(staged))
        records = {
            u.key: Converted(
                u.version,
                "converted" if per_key[u.key][0] or not per_key[u.key][1] else "quarantined",
                self.run_id,
                [],
                *per_key[u.key],
            )
            for u in uploads
        }
        publish_uploads(self.sink, self.ledger, self.dataset, staged, self._parquet_prefix(), uploads, records)
        self.report["rows_written"] = sum(n for n, _ in per_key.values())
        self.report["status"] = "written" if self.report["rows_read"] else "skipped"

    def _reject(
        self, rows: DataFrame, columns: list[str], file_keys: dict[str, str], uploads: list[Upload], error: str
    ) -> None:
        """Nothing of the dataset is written: every row goes to quarantine, the uploads are marked rejected."""
        self._quarantine(rows, columns, file_keys, F.coalesce(F.col(REASON), F.lit("rejected")))
        self.report["rows_quarantined"]["rejected"] = self.report["rows_read"] - sum(
            self.report["rows_quarantined"].values()
        )
        earlier = self.ledger.converted(self.dataset)
        self.ledger.done(
            self.dataset,
            {
                u.key: Converted(u.version, "rejected", self.run_id, earlier[u.key].outputs if u.key in earlier else [])
                for u in uploads
            },
        )
        self.report.update(status="rejected", error=error)

    def _quarantine(self, rows: DataFrame, columns: list[str], file_keys: dict[str, str], reason: SparkColumn) -> None:
        """Rows put aside as JSON lines with source file, reason and detail: quarantine/<dataset>/<run>/<reason>/."""
        staged = self.staging + "quarantine"
        rows.select(
            *columns,
            lookup(file_keys, F.col(FILE)).alias("_source_file"),
            reason.alias("_reason"),
            F.col(DETAIL).alias("_detail"),
            F.col(RAW).alias("_raw_record"),
        ).write.mode("overwrite").partitionBy("_reason").option("ignoreNullFields", "false").json(
            self.sink.staging_uri(staged)
        )
        target = "%s%s/%s/" % (self.layout.quarantine, self.dataset, self.run_id)
        for path in self.sink.staged_files(staged):
            match = re.match(r"^_reason=([^/]+)/(.+)$", path)
            if match:
                self.sink.publish("%s/%s" % (staged, path), "%s%s/%s" % (target, match.group(1), match.group(2)))
        self.report["quarantine"] = target
