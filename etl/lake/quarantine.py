"""Rows put aside, as JSON lines a person can read: quarantine/<dataset>/<run>/<reason>/part-….json.

Each line holds the row's columns as read (or typed, for rows failing data quality), its source file, the reason,
the detail (which column, value or rule), and for rows Spark could not map to the header the raw record.
"""

import re

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame

from .ports import Sink


def write_quarantine(
    sink: Sink,
    rows: DataFrame,
    columns: list[str],
    source_file: SparkColumn,
    reason: SparkColumn,
    detail: SparkColumn,
    raw: SparkColumn,
    staging: str,
    target: str,
) -> list[str]:
    """Writes the rows under `target`<reason>/ through a staging folder; returns the objects written."""
    rows.select(
        *columns,
        source_file.alias("_source_file"),
        reason.alias("_reason"),
        detail.alias("_detail"),
        raw.alias("_raw_record"),
    ).write.mode("overwrite").partitionBy("_reason").option("ignoreNullFields", "false").json(sink.staging_uri(staging))
    written = []
    for path in sink.staged_files(staging):
        match = re.match(r"^_reason=([^/]+)/(.+)$", path)
        if match:
            final = "%s%s/%s" % (target, match.group(1), match.group(2))
            sink.publish("%s/%s" % (staging.rstrip("/"), path), final)
            written.append(final)
    return written
