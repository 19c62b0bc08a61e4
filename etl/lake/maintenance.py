"""Table maintenance, run by the job after a dataset's commits: files stay few and the history bounded.

- Compaction: once a partition of a table holds more than COMPACT_AT data files, its small files are rewritten into
  files of about TARGET_FILE_BYTES, sorted by upload id (Iceberg's rewrite_data_files, sort strategy), so that one
  upload's rows stay together and a replaced upload still prunes all files but a few.
- Snapshot expiry: snapshots older than the retention (the `snapshotRetentionDays` setting: how far back time travel
  reaches) are expired and the files only they held deleted; the current snapshot is always kept.
- Orphan files: after a compaction, files under the table's location that no snapshot references and that are older
  than ORPHAN_AGE (left by a run killed mid-commit) are deleted. Only with compaction, since it lists the location.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pyspark.sql import SparkSession

from .tables import UPLOAD_ID, first_row, first_value, sql_string

COMPACT_AT = 32
TARGET_FILE_BYTES = 128 * 1024 * 1024
# A file younger than this may belong to a commit in flight; the job runs one at a time, so a day is ample.
ORPHAN_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Maintained:
    """What maintenance did to a table: data files rewritten into fewer, snapshots expired, orphans deleted."""

    files_rewritten: int = 0
    files_written: int = 0
    snapshots_expired: int = 0
    orphans_deleted: int = 0

    def as_report(self) -> dict[str, int]:
        return {
            "compacted_data_files": self.files_rewritten,
            "compacted_into": self.files_written,
            "snapshots_expired": self.snapshots_expired,
            "orphan_files_deleted": self.orphans_deleted,
        }


def _timestamp(when: datetime) -> str:
    return "TIMESTAMP '%s'" % when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def maintain(
    spark: SparkSession,
    table: str,
    retention_days: float,
    now: datetime | None = None,
    compact_at: int = COMPACT_AT,
    orphan_age: timedelta = ORPHAN_AGE,
) -> Maintained:
    """Compacts `table` when a partition passed `compact_at` data files, and expires its old snapshots."""
    catalog, identifier = table.split(".", 1)
    now = now or datetime.now(UTC)
    most = first_value(spark, "SELECT max(file_count) FROM %s.partitions" % table) or 0
    rewritten = written = orphans = 0
    if most > compact_at:
        result = first_row(
            spark,
            "CALL %s.system.rewrite_data_files(table => %s, strategy => 'sort', sort_order => '%s ASC NULLS LAST', "
            "options => map('min-input-files', '2', 'target-file-size-bytes', '%d'))"
            % (catalog, sql_string(identifier), UPLOAD_ID, TARGET_FILE_BYTES),
        )
        rewritten, written = result["rewritten_data_files_count"], result["added_data_files_count"]
    cutoff = _timestamp(now - timedelta(days=retention_days))
    expired = 0
    if first_value(spark, "SELECT count(*) FROM %s.snapshots WHERE committed_at < %s" % (table, cutoff)):
        result = first_row(
            spark,
            "CALL %s.system.expire_snapshots(table => %s, older_than => %s, retain_last => 1)"
            % (catalog, sql_string(identifier), cutoff),
        )
        expired = int(result["deleted_manifest_lists_count"])
    if rewritten:
        removed = spark.sql(
            "CALL %s.system.remove_orphan_files(table => %s, older_than => %s)"
            % (catalog, sql_string(identifier), _timestamp(now - orphan_age))
        ).collect()
        orphans = len(removed)
    return Maintained(rewritten, written, expired, orphans)
