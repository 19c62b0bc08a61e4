"""Rows put aside: why (the reason and its detail), how many (Tally), whether the dataset is over its limit, and
the rows of the dataset's quarantine table (an Iceberg table, replaced by upload like the curated one).

Each row holds the reason, the detail (which column, value or rule), the row's columns as read (or typed, for rows
failing data quality) as JSON, the raw record for rows Spark could not map to the header, the run, and the upload.
"""

from dataclasses import dataclass, field

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .csvread import PARSE

REASON, DETAIL = "__reason", "__detail"


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
    if not details:
        return reason, F.col(PARSE)
    return reason, F.when(F.col(PARSE).isNotNull(), F.col(PARSE)).otherwise(F.concat_ws("; ", *details))


def over_threshold(rows: int, quarantined: int, max_percent: float) -> bool:
    return rows > 0 and quarantined * 100.0 > max_percent * rows


@dataclass
class Tally:
    """What became of the rows: per upload key [written, quarantined], and quarantined rows per reason."""

    per_key: dict[str, list[int]]
    reasons: dict[str, int] = field(default_factory=dict)

    def keep(self, key: str, rows: int) -> None:
        self.per_key[key][0] += rows

    def quarantine(self, key: str, reason: str, rows: int, kept_before: bool = False) -> None:
        if kept_before:
            self.per_key[key][0] -= rows
        self.per_key[key][1] += rows
        self.reasons[reason] = self.reasons.get(reason, 0) + rows

    def written(self) -> int:
        return sum(kept for kept, _ in self.per_key.values())


def quarantine_rows(
    rows: DataFrame,
    columns: list[str],
    lineage: list[SparkColumn],
    run_id: str,
    reason: SparkColumn,
    detail: SparkColumn,
    raw: SparkColumn,
) -> DataFrame:
    """Rows put aside, in the quarantine table's columns: why, the row's values as JSON (as read, or typed for rows
    failing data quality; nulls kept), the raw record where Spark could not map it to the header, the run, and the
    upload it came from."""
    record = F.to_json(F.struct(*[F.col(c) for c in columns]), {"ignoreNullFields": "false"})
    return rows.select(
        reason.alias("_reason"),
        detail.alias("_detail"),
        record.alias("_record"),
        raw.alias("_raw_record"),
        F.lit(run_id).alias("_run_id"),
        *lineage,
    )
