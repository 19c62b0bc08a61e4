"""A dataset's new uploads to its Iceberg tables: read once, checked against the contract, one commit per table.

Every count is taken in one aggregation over the persisted rows; the rows are then written from the persisted rows
(the curated table's rows that pass, the quarantine table's those that do not), never from the input again. Each
table gets one commit: the run's rows, and the removal of the rows of every upload it replaces.
"""

from pyspark import StorageLevel
from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .contract import extend, partition_problem, typed, violations
from .csvread import FILE, RAW, SUSPECT, FileProblem, check_file, read_uploads, suspicions
from .inference import Inference
from .maintenance import maintain
from .names import HeaderField, assign_names, athena_name
from .onepass import convert_in_one_pass, lookup, spark_file
from .ports import QUALITY, Contract, Converted, Ledger, OpenBytes, Quality, Settings, Upload, rejected
from .quarantine import DETAIL, REASON, Tally, over_threshold, quarantine_rows, row_reason
from .report import ReadCounter, new_report
from .tables import UPLOAD_ID, UPLOAD_KEY, UPLOAD_VERSION, Commit, IcebergTables, upload_id


class DatasetConversion:
    """One dataset's conversion in one run; `run()` returns its report."""

    def __init__(
        self,
        spark: SparkSession,
        dataset: str,
        tables: IcebergTables,
        ledger: Ledger,
        settings: Settings,
        run_id: str,
        quality: Quality | None = None,
        open_bytes: OpenBytes | None = None,
    ):
        self.spark, self.dataset, self.tables, self.ledger = spark, dataset, tables, ledger
        self.open_bytes = open_bytes  # an upload's bytes, read again only for a file check_file must see
        self.settings, self.run_id, self.quality = settings, run_id, quality
        self.report = new_report(dataset)
        self.reads = ReadCounter(spark)
        self.replaced: list[str] = []
        self.committed: set[str] = set()  # the tables this run changed
        self.naming: dict[HeaderField, str] = {}  # the column of each source header in this run's files

    def run(self, uploads: list[Upload], headers: dict[Upload, list[str] | None]) -> dict:
        if not uploads:
            return self.report
        self.report["files"] = sorted(u.key for u in uploads)
        self.report["input_bytes"] = sum(u.size for u in uploads)
        held = self.ledger.may_hold(self.dataset)
        self.replaced = sorted(upload_id(u.key) for u in uploads if u.key in held)
        readable = {u: h for u, h in headers.items() if h is not None and u in uploads}
        self.ledger.begin(self.dataset, [u.key for u in uploads])
        if readable:
            self._convert(uploads, readable)
        else:  # empty and header-only files: nothing to write; an earlier version's rows are removed
            self._quarantine([])
            commit = self._commit(None)
            self._report_columns(self.reads.table_io(lambda: self.tables.contract(self.dataset)))
            self.ledger.done(
                self.dataset, {u.key: Converted(u.version, "empty", self.run_id, commit.snapshot) for u in uploads}
            )
            self.report["status"] = "skipped"
        self._maintain()
        self.report["bytes_read"] = self.reads.input()
        self.report["table_bytes_read"] = self.reads.table if self.report["bytes_read"] is not None else None
        return self.report

    def _maintain(self) -> None:
        """Compaction and snapshot expiry of the dataset's tables that this run committed to."""
        done, retention = {}, self.settings.snapshot_retention_days
        tables = {"curated": self.tables.curated(self.dataset), "quarantine": self.tables.quarantine(self.dataset)}
        for kind, table in tables.items():
            if table in self.committed:
                done[kind] = self.reads.table_io(lambda t=table: maintain(self.spark, t, retention)).as_report()
        if done:
            self.report["maintenance"] = done

    def _report_columns(self, contract: Contract | None) -> None:
        self.report["columns"] = [{"name": c.name, "type": c.type} for c in contract.columns] if contract else []

    def _convert(self, uploads: list[Upload], readable: dict[Upload, list[str]]) -> None:
        contract = self.reads.table_io(lambda: self.tables.contract(self.dataset))
        self.naming = assign_names(contract.sources() if contract else {}, readable.values())
        frame, columns = read_uploads(self.spark, readable, self.naming, self.settings.null_values)
        # A key column the dataset has (in this batch or in its table) must be set in every row; a file without it
        # in its header has it empty in every row.
        known = set(columns) | ({c.name for c in contract.columns} if contract else set())
        keys = [k for k in dict.fromkeys(athena_name(c, 0) for c in self.settings.key_columns) if k in known]
        for absent in (k for k in keys if k not in columns):
            frame = frame.withColumn(absent, F.lit(None).cast("string"))
        reason, detail = row_reason(keys, violations(contract, columns))
        rows = frame.withColumn(REASON, reason).withColumn(DETAIL, detail)
        if convert_in_one_pass(self, rows, columns, contract, uploads, readable):
            return
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
        persisted = [rows]
        try:
            self._convert_rows(rows, columns, contract, uploads, readable, persisted)
        finally:
            for frame in persisted:
                frame.unpersist()

    def _convert_rows(self, rows, columns, contract, uploads, readable, persisted: list[DataFrame]) -> None:
        usable = F.col(REASON).isNull()
        inference = Inference(contract, columns, usable)

        def counted(rows: DataFrame, *more: SparkColumn) -> list:
            """The counters per file and reason, the new columns' types proposed by a sample first."""
            inference.sample(rows)
            with_values = rows.select("*", *inference.values())
            counters = [F.count(F.lit(1)).alias("#rows"), *inference.counters(), *more]
            return with_values.groupBy(FILE, REASON).agg(*counters).collect()

        stats = counted(rows, *suspicions(columns))  # the one pass over the input

        by_file = {u.uri: u for u in readable}
        uploads_of = {s[FILE]: by_file[spark_file(s[FILE])] for s in stats}
        file_keys = {f: u.key for f, u in uploads_of.items()}
        problems = self.file_problems({s[FILE] for s in stats if s[SUSPECT]}, uploads_of)
        if problems:  # the rare file whose bytes betray it: all its rows put aside, and the rest counted again
            reasons = {f: p.reason for f, p in problems.items()}
            details = {f: p.detail for f, p in problems.items()}
            rows = rows.withColumn(REASON, F.coalesce(lookup(reasons, F.col(FILE)), F.col(REASON))).withColumn(
                DETAIL, F.coalesce(lookup(details, F.col(FILE)), F.col(DETAIL))
            )
            stats = counted(rows)
        kinds, digits = inference.kinds(stats, rows)
        lineage = [
            lookup(file_keys, F.col(FILE)).alias(UPLOAD_KEY),
            lookup({f: u.version for f, u in uploads_of.items()}, F.col(FILE)).alias(UPLOAD_VERSION),
            lookup({f: upload_id(u.key) for f, u in uploads_of.items()}, F.col(FILE)).alias(UPLOAD_ID),
        ]
        tally = Tally({u.key: [0, 0] for u in uploads})
        for s in stats:
            if s[REASON] is None:
                tally.keep(file_keys[s[FILE]], s["#rows"])
            else:
                tally.quarantine(file_keys[s[FILE]], s[REASON], s["#rows"])
        for f, problem in problems.items():  # the source records an unclosed quote's one row swallowed
            if problem.extra_records:
                tally.quarantine(file_keys[f], problem.reason, problem.extra_records)
        rows_read = self.report["rows_read"] = sum(s["#rows"] for s in stats) + sum(
            p.extra_records for p in problems.values()
        )
        partition = self.partition()
        sources = {n: s for s, n in self.naming.items()}
        updated = extend(contract, columns, kinds, partition, sources, digits)
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

        failing = F.col(QUALITY).isNotNull() if QUALITY in good.columns else F.lit(False)
        typed_columns = [c.name for c in updated.columns]
        put_aside = []
        if any(r != "failed_rules" for r in tally.reasons):
            put_aside.append(
                quarantine_rows(
                    rows.filter(~usable), columns, lineage, self.run_id, F.col(REASON), F.col(DETAIL), F.col(RAW)
                )
            )
        if error or "failed_rules" in tally.reasons:
            put_aside.append(
                quarantine_rows(
                    good if error else good.filter(failing),
                    typed_columns,
                    lineage,
                    self.run_id,
                    F.when(failing, "failed_rules").otherwise("rejected"),
                    F.col(QUALITY) if QUALITY in good.columns else F.lit(None).cast("string"),
                    F.lit(None).cast("string"),
                )
            )
        if error:  # every row is put aside
            for key, (kept, _) in tally.per_key.items():
                tally.quarantine(key, "rejected", kept, kept_before=True)
            tally.reasons = {k: v for k, v in tally.reasons.items() if v}
        self._quarantine(put_aside)
        target = self.tables.shown(self.tables.quarantine(self.dataset))
        if tally.reasons:
            self.report["quarantine"] = target
        if error:
            self._reject(uploads, error, target, tally)
            return

        if rows_read and updated != contract:
            self.reads.table_io(lambda: self.tables.save_contract(self.dataset, updated))
        written = good.filter(~failing).select(*typed_columns, *lineage) if tally.written() else None
        commit = self._commit(written)
        self.done(uploads, tally, commit, target, "written" if rows_read else "skipped")

    def done(self, uploads: list[Upload], tally: Tally, commit: Commit, quarantine: str, status: str) -> None:
        """The ledger told what became of each upload (committed in `commit`), and the report of the rows."""
        records = {}
        for u in uploads:
            kept, aside = tally.per_key[u.key]
            outcome = "converted" if kept or not aside else "quarantined"
            records[u.key] = Converted(
                u.version, outcome, self.run_id, commit.snapshot, kept, aside, quarantine=quarantine if aside else None
            )
        self.ledger.done(self.dataset, records)
        self.report.update(rows_written=tally.written(), rows_quarantined=tally.reasons, status=status)

    def file_problems(self, suspects: set[str], uploads_of: dict[str, Upload]) -> dict[str, FileProblem]:
        """The `suspects` files (whose parsed values hold U+FFFD or a line break) read again as bytes (check_file),
        with what was found wrong in them."""
        if self.open_bytes is None:
            return {}
        problems = {}
        for f in sorted(suspects):
            with self.open_bytes(uploads_of[f]) as stream:
                problem = check_file(stream)
            if problem is not None:
                problems[f] = problem
        return problems

    def partition(self) -> str | None:
        """The dataset's partition column (partitionColumns), as its column is named."""
        setting = self.settings.partition_columns.get(self.dataset)
        return athena_name(setting, 0) if setting else None

    def _commit(self, rows: DataFrame | None) -> Commit:
        """The curated table's commit (when it exists, or rows make it), its figures in the report."""
        table = self.tables.curated(self.dataset)
        if rows is None and not self.reads.table_io(lambda: self.tables.exists(table)):
            return Commit()
        csv_bytes = self.report["input_bytes"]
        commit = self.reads.table_io(
            lambda: self.tables.commit(table, rows, self.replaced, csv_bytes, len(self.report["files"]))
        )
        self.committed.add(table)
        self.report_commit(commit)
        return commit

    def report_commit(self, commit: Commit) -> None:
        self.report.update(
            snapshot=commit.snapshot,
            data_files_added=commit.files_added,
            data_files_removed=commit.files_removed,
            data_bytes_rewritten=commit.bytes_rewritten,
        )

    def _quarantine(self, frames: list[DataFrame]) -> None:
        """The quarantine table's commit: this run's put-aside rows, replacing those of the uploads it replaces."""
        table = self.tables.quarantine(self.dataset)
        if not frames and not (self.replaced and self.reads.table_io(lambda: self.tables.exists(table))):
            return
        rows = None
        for frame in frames:
            rows = frame if rows is None else rows.unionByName(frame)
        if rows is not None:
            schema = rows.schema
            self.reads.table_io(lambda: self.tables.ensure_quarantine(self.dataset, schema))
        self.reads.table_io(lambda: self.tables.commit(table, rows, self.replaced))
        self.committed.add(table)

    def _reject(self, uploads: list[Upload], error: str, quarantine: str, tally: Tally) -> None:
        """Nothing of the dataset is written: its rows are in quarantine, the uploads are marked rejected (converted
        again once they or the settings change). The rows of an earlier version stay in the curated table."""
        earlier = self.ledger.converted(self.dataset)
        fingerprint = self.settings.fingerprint(self.dataset, self.quality.rules if self.quality else "")
        self.ledger.done(self.dataset, rejected(earlier, uploads, self.run_id, error, fingerprint, quarantine))
        self.report.update(status="rejected", error=error, rows_quarantined=tally.reasons)
