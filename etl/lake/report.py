"""What a dataset's conversion reports (report.json, the Glue job's log lines, the owners' summary), and how the
bytes it read are counted."""

from pyspark.sql import SparkSession

from .session import input_bytes_read


class ReadCounter:
    """Bytes read from files by this JVM, split into the table's (metadata, rewritten data files) and the rest."""

    def __init__(self, spark: SparkSession | None):
        self.spark = spark
        self.start = self._now()
        self.table = 0

    def _now(self) -> int | None:
        return None if self.spark is None else input_bytes_read(self.spark)

    def table_io(self, action):
        """Runs `action` (a table read or commit), counting what it reads as the table's."""
        before = self._now()
        try:
            return action()
        finally:
            after = self._now()
            if before is not None and after is not None:
                self.table += after - before

    def input(self) -> int | None:
        now = self._now()
        return None if now is None or self.start is None else now - self.start - self.table


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
        "data_files_added": 0,
        "data_files_removed": 0,
        "table_bytes_read": 0,
        "data_bytes_rewritten": 0,
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
    if report.get("data_files_added") or report.get("data_files_removed"):
        line += ", data files +%d -%d" % (report["data_files_added"], report["data_files_removed"])
    if report.get("error"):
        line += "; NOT WRITTEN: " + report["error"]
    if report.get("still_rejected"):
        line += "; still rejected, not read again until changed or reprocessed: %s" % ", ".join(
            sorted(report["still_rejected"])
        )
    return line
