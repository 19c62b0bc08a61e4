"""What the start-crawler function writes to the uploads ledger, for the Python tests, and a bucket on moto whose
uploads are recorded as the function records them.

`record` sends the request functions/uploadsLedger.ts `recordUpload` sends (the same update and condition): both
are checked against testkit/fixtures/ledger-recorded-item.json, the item each writes for AWS's sample S3 event (the
Node side in tests/uploadsLedger.test.ts, this side in test_uploads_ledger.py). The table is created from
testkit/fixtures/uploads-table.json, which the Node tests check against the component.
"""

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import glue_job
from boto3.dynamodb.types import TypeDeserializer
from lake.ledger_item import TODO_VALUE
from lake.session import hadoop_catalog_conf, use_catalog
from lake.tables import IcebergTables
from lake.uploads import update_item

ROOT = Path(__file__).resolve().parents[2]
JOB_ARGS = {  # the job's arguments as the component passes them, for a bucket "lake"
    "JOB_NAME": "csv-to-parquet-dev-job",
    "bucket": "lake",
    "raw_prefix": "csv_data/",
    "output_prefix": "parquet_data/",
    "quarantine_prefix": "quarantine/",
    "uploads_table": "uploads",
    "claim_timeout_minutes": "60",
    "curated_database_name": "curated",
    "ruleset_name": "rules",
    "key_columns": '["Order ID"]',
    "max_quarantined_percent": "50",
    "partition_columns": '{"sales": "region"}',
    "snapshot_retention_days": "7",
    "null_values": "[]",
    "topic_arn": "",
}
RECORDED_ITEM = json.loads((ROOT / "testkit" / "fixtures" / "ledger-recorded-item.json").read_text())
UPLOADS_TABLE = json.loads((ROOT / "testkit" / "fixtures" / "uploads-table.json").read_text())


def padded(sequencer: str) -> str:
    """The stored form of comparableSequencer in functions/messages.ts: significant digits after their count."""
    digits = sequencer.upper().lstrip("0") or "0"
    return f"{len(digits):08d}-{digits}"


def record(dynamodb, table: str, key: str, sequencer: str, size: int, etag: str, event_time: str) -> bool:
    """Records an upload as the start-crawler function does; False when the ledger holds this version or a later one."""
    try:
        update_item(
            dynamodb,
            table,
            key,
            "SET #dataset = :dataset, #sequencer = :sequencer, #size = :size, #etag = :etag, "
            "#eventTime = :eventTime, #status = :pending, #todo = :todo REMOVE #error",
            "attribute_not_exists(#sequencer) OR #sequencer < :sequencer",
            {
                ":dataset": {"S": key.split("/")[1]},
                ":sequencer": {"S": padded(sequencer)},
                ":size": {"N": str(size)},
                ":etag": {"S": etag},
                ":eventTime": {"S": event_time},
                ":pending": {"S": "pending"},
                ":todo": {"S": TODO_VALUE},
            },
        )
        return True
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False


def mark_for_reprocessing(dynamodb, table: str, key: str) -> None:
    """What `npm run reprocess` does to an upload's item (ops/uploads.ts, markForReprocessing)."""
    update_item(
        dynamodb,
        table,
        key,
        "SET #todo = :todo, #status = :pending REMOVE #error",
        "attribute_exists(#key) AND attribute_not_exists(#claimRun)",
        {":todo": {"S": TODO_VALUE}, ":pending": {"S": "pending"}},
    )


def create_uploads_table(dynamodb, table: str) -> None:
    """The table as components/uploadsTable.ts declares it: testkit/fixtures/uploads-table.json is the CreateTable
    request the Node tests derive from the component and compare with that file."""
    dynamodb.create_table(**{**UPLOADS_TABLE, "TableName": table})


CATALOGS = itertools.count(1)


class LedgerBucket:
    """moto's S3, DynamoDB and Glue, with a local copy of the bucket for Spark; each upload is put in S3 and
    recorded in the ledger with the next sequencer, as S3's notification and the start-crawler function do."""

    def __init__(self, spark, root: Path, args: dict):
        self.spark, self.root, self.args = spark, root, args
        self.s3, self.glue, self.dynamodb = boto3.client("s3"), boto3.client("glue"), boto3.client("dynamodb")
        self.cloudwatch = boto3.client("cloudwatch")
        self.s3.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.glue.create_database(DatabaseInput={"Name": "curated"})
        create_uploads_table(self.dynamodb, args["uploads_table"])
        # The Glue Data Catalog's Iceberg tables, as a Hadoop catalog over the local copy (GlueCatalog cannot run
        # here); the same namespace and quarantine suffix as glue_tables, locations left to the catalog.
        self.catalog = "glue%d" % next(CATALOGS)
        use_catalog(spark, hadoop_catalog_conf(self.catalog, root.as_uri()))
        self.tables = IcebergTables(spark, self.catalog, "curated", "curated", glue_job.QUARANTINE_SUFFIX)
        self.sequence = 0

    def put(self, key: str, content, notify: bool = True) -> dict:
        """Writes an object; returns its notification's fields, recorded in the ledger unless notify is False."""
        body = content if isinstance(content, bytes) else content.encode("utf-8")
        etag = self.s3.put_object(Bucket="lake", Key=key, Body=body)["ETag"].strip('"')
        (self.root / key).parent.mkdir(parents=True, exist_ok=True)
        (self.root / key).write_bytes(body)
        self.sequence += 1
        event = {"key": key, "sequencer": "%X" % (0x5500 + self.sequence), "size": len(body), "etag": etag}
        event["event_time"] = "2026-11-21T10:%02d:00.000Z" % self.sequence
        if notify:
            self.notify(event)
        return event

    def notify(self, event: dict) -> bool:
        return record(self.dynamodb, self.args["uploads_table"], **event)

    def run(self, run_id: str, quality=None, args=None, dynamodb=None) -> dict[str, dict]:
        reports = glue_job.run_job(
            self.spark,
            self.s3,
            self.glue,
            dynamodb or self.dynamodb,
            glue_job.job_args(args or self.args),
            run_id,
            quality,
            uri_of=lambda key: str(self.root / key),
            tables=self.tables,
            log=lambda _: None,
            cloudwatch=self.cloudwatch,
        )
        return {r["dataset"]: r for r in reports}

    def metric(self, name: str) -> float:
        """The last value the job published of one of its metrics."""
        found = self.cloudwatch.list_metrics(Namespace="CsvToParquet", MetricName=name)["Metrics"]
        assert found, "the job published no %s" % name
        answer = self.cloudwatch.get_metric_data(
            MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": found[0], "Period": 60, "Stat": "Maximum"}}],
            StartTime=datetime.now(UTC) - timedelta(hours=1),
            EndTime=datetime.now(UTC) + timedelta(hours=1),
        )
        return answer["MetricDataResults"][0]["Values"][0]

    def rows(self, dataset: str, order_by: str = "order_id") -> list[dict]:
        from conftest import read_table

        found = read_table(self.spark, self.tables.curated(dataset))
        return sorted(found.to_pylist(), key=lambda r: r[order_by])

    def quarantined(self, dataset: str, reason: str) -> list[dict]:
        from conftest import quarantined_rows

        return quarantined_rows(self.spark, self.tables.quarantine(dataset), reason)

    def item(self, key: str) -> dict:
        """The ledger's item of an object key, as plain values."""
        found = self.dynamodb.get_item(
            TableName=self.args["uploads_table"], Key={"key": {"S": key}}, ConsistentRead=True
        )
        return {k: TypeDeserializer().deserialize(v) for k, v in found.get("Item", {}).items()}
