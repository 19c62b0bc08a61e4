"""A batch converted in one read of its input: its typed rows written while every count is taken.

The rows that pass are written to the curated table as a staged snapshot (Iceberg's write-audit-publish: a snapshot
tagged with a `wap.id`, committed to the table's metadata but not to its main branch, so no reader sees it), and the
counts come with the write as observed metrics (`DataFrame.observe`): rows per file and reason, the rows put aside
themselves (few and narrow), the files to check as bytes, and the type checks of inference.py. Then the quarantine
table's commit, and the staged snapshot published (`cherrypick_snapshot`, a fast-forward of main).

Whatever the one pass cannot settle is done by the persisted-rows path (convert.py) instead, which reads the input
again: a value that contradicts its column's sampled type or is larger than its decimal holds, a value in a column
the sample had none in, a file whose bytes must be checked, a batch over the quarantine limit, or nothing read. The
staged snapshot is then never published (snapshot expiry removes it) and a table or columns created for it are
dropped first. Batches that replace earlier uploads (a MERGE) or are checked by data quality rules take the
persisted-rows path from the start.
"""

import json
import re
import threading
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, Observation
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .contract import extend, partition_problem, typed
from .csvread import FILE, RAW, suspect
from .inference import Inference
from .ports import Contract
from .quarantine import DETAIL, REASON, Tally, over_threshold
from .tables import UPLOAD_ID, UPLOAD_KEY, UPLOAD_VERSION, upload_id

if TYPE_CHECKING:
    from .convert import DatasetConversion

# Every reason a row is put aside for before the write (row_reason), by index; None: written.
REASONS = (None, "unparsable", "too_many_fields", "repeated_header", "missing_key", "type_mismatch")
OBSERVED_WAIT = 300
BAD_ROW_FIELDS = ("file", "reason", "detail", "record", "raw")
BAD_ROW = T.StructType([T.StructField(n, T.StringType()) for n in BAD_ROW_FIELDS])


def spark_file(uri: str) -> str:
    """A file as Spark's _metadata.file_path reports it (a URL-encoded URI), as the shell named it: 'file:///a%20b'
    -> '/a b', 's3a://b/x%2541' -> 's3://b/x%41'."""
    uri = re.sub(r"^s3[an]?://", "s3://", uri)
    return unquote(re.sub(r"^file:/*", "/", uri))


def lookup(mapping: dict, column: SparkColumn) -> SparkColumn:
    """The value of a small Python dict for each row's key (a literal map, no join)."""
    pairs = [F.lit(x) for kv in mapping.items() for x in kv]
    return F.element_at(F.create_map(*pairs), column)


@dataclass
class Observed:
    """What the pass counted: rows per (file, reason), the files to check, the rows put aside, whether a typed
    value came out null, and the aggregates inference.py reads (one row's worth, as a dict)."""

    counts: dict[tuple[str, str | None], int]
    suspects: set[str]
    bad_rows: list
    lost: bool
    unknown_file: bool  # a row from a file spark_paths did not name
    aggregates: dict


class OnePass:
    """The rows a batch's one pass writes, with its metrics observed on the way; `observed()` after the write."""

    def __init__(self, names: dict[str, str], columns: list[str], inference: Inference):
        """`names`: every name the rows' files may have, to the one each file is counted under."""
        self.names, self.files = names, sorted(set(names.values()))
        self.columns, self.inference = columns, inference
        self.observation = Observation("one-pass")
        self.slots = len(REASONS) + 1  # the last one for a reason not in REASONS (never expected)

    def rows_to_write(self, rows: DataFrame, contract: Contract, lineage: list[SparkColumn]) -> DataFrame:
        """The usable rows with the contract's columns typed (and their lineage), every row counted on the way."""
        usable = F.col(REASON).isNull()
        position = {u: i for i, u in enumerate(self.files)}
        index = lookup({f: position[self.names[f]] for f in self.names}, F.col(FILE))
        reason = F.coalesce(
            F.when(usable, F.lit(0)),
            lookup({r: i for i, r in enumerate(REASONS) if r}, F.col(REASON)),
            F.lit(len(REASONS)),
        )
        # Spark's histogram_numeric keeps one bin per distinct value while there are no more values than bins, and
        # merges equal values first: with a bin for every (file, reason) (its #slot), its counts are exact.
        record = F.to_json(F.struct(*[F.col(c) for c in self.columns]), {"ignoreNullFields": "false"})
        fields = [F.col(FILE), F.col(REASON), F.col(DETAIL), record, F.col(RAW)]
        bad = F.when(~usable, F.struct(*[f.alias(n) for f, n in zip(fields, BAD_ROW_FIELDS, strict=True)]))
        present = [c for c in contract.columns if c.name in self.columns]
        as_typed = {c.name: "#typed %s" % c.name for c in present}  # each value cast once
        # A value that came out null: a decimal larger than its precision holds.
        nulled = [F.col(c.name).isNotNull() & F.col(as_typed[c.name]).isNull() for c in present]
        lost = F.greatest(*nulled, F.lit(False), F.lit(False))  # greatest takes two columns or more
        # Every per-row value computed in one projection (generated code); the observed aggregates only gather them.
        prepared = rows.select("*", *[typed(F.col(c.name), c.type).alias(as_typed[c.name]) for c in present])
        prepared = prepared.select(
            "*",
            *self.inference.values(),
            (index * self.slots + reason).alias("#slot"),
            suspect(self.columns).alias("#suspect"),
            bad.alias("#bad"),
            (usable & lost).alias("#lost"),
            index.isNull().alias("#unknown"),
        )
        metrics = [
            F.histogram_numeric(F.col("#slot"), F.lit(len(self.files) * self.slots)).alias("#counts"),
            F.collect_set(F.when(F.col("#suspect"), F.col(FILE))).alias("#suspects"),
            F.collect_list(F.col("#bad")).alias("#bad"),
            F.max(F.col("#lost")).alias("#lost"),
            F.max(F.col("#unknown")).alias("#unknown"),
            *self.inference.counters(),
        ]
        # One JSON text: PySpark hands an observed array over as a Java object.
        every = F.to_json(F.struct(*metrics), {"ignoreNullFields": "false"}).alias("metrics")
        observed = prepared.observe(self.observation, every)
        values = [
            (F.col(as_typed[c.name]) if c.name in as_typed else F.lit(None).cast(c.type)).alias(c.name)
            for c in contract.columns
        ]
        return observed.filter(usable).select(*values, *lineage)

    def observed(self) -> Observed | None:
        """The metrics of the write just done; None if Spark has not delivered them within OBSERVED_WAIT seconds
        (they come through its listener bus, just after the action)."""
        got: list = []
        waiter = threading.Thread(target=lambda: got.append(self.observation.get["metrics"]), daemon=True)
        waiter.start()
        waiter.join(OBSERVED_WAIT)
        if not got:
            return None
        metrics = json.loads(got[0], parse_float=Decimal)
        counts: dict[tuple[str, str | None], int] = {}
        for point in metrics["#counts"] or []:
            slot = int(point["x"])
            reason = slot % self.slots
            if reason >= len(REASONS):
                raise ValueError("a row was put aside for a reason the one pass does not know")
            key = (self.files[slot // self.slots], REASONS[reason])
            counts[key] = counts.get(key, 0) + int(point["y"])
        suspects = set(metrics["#suspects"] or [])
        bad = list(metrics["#bad"] or [])
        return Observed(counts, suspects, bad, bool(metrics["#lost"]), bool(metrics["#unknown"]), dict(metrics))


def spark_paths(rows: DataFrame, uploads) -> dict[str, Any] | None:
    """Each upload under the name Spark's _metadata.file_path gives its rows: the files Spark listed for the read
    (inputFiles: from its file index, nothing read), each mapped back with spark_file. None if one is not an upload;
    the pass also checks that every row's file is one of these."""
    by_uri = {u.uri: u for u in uploads}
    named = {f: by_uri.get(spark_file(f)) for f in rows.inputFiles()}
    if not all(named.values()) or len(named) != len(by_uri):
        return None
    # A URI without authority comes as 'file:///a' from the file index and as 'file:/a' in the rows: both named.
    return {**named, **{re.sub(r"^([a-z0-9]+):///", r"\1:/", f): u for f, u in named.items()}}


def convert_in_one_pass(conv: "DatasetConversion", rows: DataFrame, columns, contract, uploads, readable) -> bool:
    """The batch converted in one read of its input (module doc); False when the persisted-rows path must do it,
    with nothing published."""
    tables, dataset, reads = conv.tables, conv.dataset, conv.reads
    table = tables.curated(dataset)
    if conv.quality is not None or conv.replaced or not reads.table_io(lambda: tables.stages(table)):
        return False
    usable = F.col(REASON).isNull()
    inference = Inference(contract, columns, usable)
    inference.sample(rows)
    partition = conv.partition()
    sources = {n: s for s, n in conv.naming.items()}
    guess = extend(contract, columns, inference.sampled, partition, sources)
    if partition_problem(dataset, contract, guess, partition):
        return False
    named = spark_paths(rows, readable)
    if named is None:
        return False
    counted_as = {u.uri: f for f, u in sorted(named.items())}  # one name per upload: the counts'
    keys = {f: u.key for f, u in named.items()}
    lineage = [
        lookup(keys, F.col(FILE)).alias(UPLOAD_KEY),
        lookup({f: u.version for f, u in named.items()}, F.col(FILE)).alias(UPLOAD_VERSION),
        lookup({f: upload_id(u.key) for f, u in named.items()}, F.col(FILE)).alias(UPLOAD_ID),
    ]
    one = OnePass({f: counted_as[u.uri] for f, u in named.items()}, columns, inference)
    written = one.rows_to_write(rows, guess, lineage)
    if "CollectMetrics" not in written._jdf.queryExecution().optimizedPlan().toString():
        # A plan the optimizer reduced to one without the observing node would never deliver its metrics.
        return False
    added = [c.name for c in guess.columns if contract is None or contract.type_of(c.name) is None]
    if guess != contract:
        reads.table_io(lambda: tables.save_contract(dataset, guess))
    stage = "%s/%s" % (conv.run_id, dataset)
    # Not counted as the table's reads: this is the read of the input (the commit reads a little metadata).
    commit = tables.staged(table, stage, written, conv.report["input_bytes"], len(conv.report["files"]))
    seen = one.observed()
    if seen is None:
        undo(conv, contract, added)
        return False
    tally = Tally({u.key: [0, 0] for u in uploads})
    for (f, reason), count in seen.counts.items():
        if reason is None:
            tally.keep(keys[f], count)
        else:
            tally.quarantine(keys[f], reason, count)
    rows_read = sum(seen.counts.values())
    settled = (
        rows_read
        and not seen.unknown_file
        and not seen.lost
        and not inference.unsettled([seen.aggregates])
        and not conv.file_problems(seen.suspects, {f: named[f] for f in seen.suspects})
        and not over_threshold(rows_read, sum(tally.reasons.values()), conv.settings.max_quarantined_percent)
    )
    kinds, digits = inference.kinds([seen.aggregates], rows) if settled else ({}, {})
    if not settled or extend(contract, columns, kinds, partition, sources, digits) != guess:
        undo(conv, contract, added)
        return False
    conv.report["rows_read"] = rows_read
    conv._report_columns(guess)
    bad = conv.spark.createDataFrame(seen.bad_rows, BAD_ROW) if seen.bad_rows else None
    conv._quarantine([quarantine_rows_of(bad, lineage, conv.run_id)] if bad is not None else [])
    target = tables.shown(tables.quarantine(dataset))
    if tally.reasons:
        conv.report["quarantine"] = target
    if commit.snapshot is not None:
        published = reads.table_io(lambda: tables.publish(table, commit.snapshot))
        commit = replace(commit, snapshot=published)
        conv.committed.add(table)
    conv.report_commit(commit)
    conv.done(uploads, tally, commit, target, "written")
    return True


def quarantine_rows_of(bad: DataFrame, lineage: list[SparkColumn], run_id: str) -> DataFrame:
    """The rows the pass put aside (collected as BAD_ROW), in the quarantine table's columns (quarantine_rows)."""
    return bad.withColumnRenamed("file", FILE).select(
        F.col("reason").alias("_reason"),
        F.col("detail").alias("_detail"),
        F.col("record").alias("_record"),
        F.col("raw").alias("_raw_record"),
        F.lit(run_id).alias("_run_id"),
        *lineage,
    )


def undo(conv: "DatasetConversion", contract: Contract | None, added: list[str]) -> None:
    """The table as it was before the pass (its staged snapshot is never published): a table the pass created is
    dropped, columns it added are dropped."""
    table = conv.tables.curated(conv.dataset)
    if contract is None:
        conv.reads.table_io(lambda: conv.tables.drop(table))
    else:
        conv.reads.table_io(lambda: conv.tables.drop_columns(table, added))
