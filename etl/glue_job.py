"""The Glue job: a thin shell over the conversion core (the `lake` package, shipped with --extra-py-files).

The run claims the uploads waiting in the uploads ledger (a DynamoDB table the start-crawler function fills from
S3's notifications; see lake/uploads.py), and nothing else: no listing of the bucket. Per dataset, those uploads are
read once, checked, and committed to the dataset's Iceberg tables in the Glue Data Catalog (curated and quarantine,
one commit each, replacing the rows of an earlier version of each upload); the stack's DQDL rules run on the typed
rows; each upload is marked done with the snapshot that committed it; a summary goes to the topic when anything was
quarantined. No job bookmarks: a rerun or Glue's retry takes over the claims of the run that failed, and replaces
whatever that run committed of them.

Arguments (as --name value): JOB_NAME is asked for; JOB_RUN_ID is Glue's own and is read from the parsed result
(getResolvedOptions defines it, so asking for it again fails with "conflicting option string").
"""

import json
import sys
import time
from dataclasses import dataclass
from typing import Any

ARGS = [
    "JOB_NAME",
    "bucket",
    "raw_prefix",
    "output_prefix",
    "quarantine_prefix",
    "uploads_table",
    "claim_timeout_minutes",
    "curated_database_name",
    "ruleset_name",
    "key_columns",
    "max_quarantined_percent",
    "partition_columns",
    "snapshot_retention_days",
    "null_values",
    "topic_arn",
]


class JobArgumentError(Exception):
    pass


@dataclass(frozen=True)
class JobArgs:
    """The job's arguments, parsed once: names, prefixes, the claim timeout and the conversion settings."""

    job_name: str
    bucket: str
    raw_prefix: str
    output_prefix: str
    quarantine_prefix: str
    uploads_table: str
    claim_seconds: float
    database: str
    ruleset: str
    topic_arn: str
    settings: Any  # lake.ports.Settings (imported with the core, after Glue has put it on the path)


def job_args(args: dict) -> JobArgs:
    """The arguments getResolvedOptions returned, typed; a bad value raises JobArgumentError naming it."""
    try:
        claim_seconds = 60 * float(args["claim_timeout_minutes"])
    except ValueError as err:
        raise JobArgumentError("--claim_timeout_minutes must be a number of minutes: %s" % err) from err
    return JobArgs(
        args["JOB_NAME"],
        args["bucket"],
        args["raw_prefix"],
        args["output_prefix"],
        args["quarantine_prefix"],
        args["uploads_table"],
        claim_seconds,
        args["curated_database_name"],
        args["ruleset_name"],
        args["topic_arn"],
        settings_of(args),
    )


def settings_of(args: dict):
    """The rules from the job's arguments; a bad value names its argument."""
    from lake.ports import Settings

    try:
        keys = json.loads(args["key_columns"] or "[]")
        partitions = json.loads(args["partition_columns"] or "{}")
        percent = float(args["max_quarantined_percent"])
        retention = float(args["snapshot_retention_days"])
        nulls = json.loads(args["null_values"] or "[]")
    except ValueError as err:
        raise JobArgumentError(
            "--key_columns, --partition_columns, --max_quarantined_percent, --snapshot_retention_days or "
            "--null_values: %s" % err
        ) from err
    if not isinstance(nulls, list) or not all(isinstance(v, str) and v for v in nulls):
        raise JobArgumentError("--null_values must be a JSON list of texts, not %s" % args["null_values"])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise JobArgumentError("--key_columns must be a JSON list of column names, not %s" % args["key_columns"])
    if not isinstance(partitions, dict) or not all(isinstance(v, str) for v in partitions.values()):
        raise JobArgumentError("--partition_columns must be a JSON object dataset -> column")
    if not 0 <= percent <= 100:
        raise JobArgumentError("--max_quarantined_percent must be 0-100, not %s" % percent)
    if not retention >= 1:
        raise JobArgumentError("--snapshot_retention_days must be at least 1, not %s" % args["snapshot_retention_days"])
    return Settings(tuple(k for k in keys if k.strip()), partitions, percent, retention, tuple(nulls))


# The Spark catalog of the Iceberg tables in the Glue Data Catalog, and the suffix of a dataset's quarantine table
# beside its curated one (dataset tables never hold "__": athena_name folds it).
GLUE_CATALOG = "glue_catalog"
QUARANTINE_SUFFIX = "__quarantine"


def glue_tables(spark, job: JobArgs):
    """The datasets' tables in the curated database of the Glue Data Catalog, data under their S3 prefixes."""
    from lake.session import glue_catalog_conf, use_catalog
    from lake.tables import IcebergTables

    use_catalog(spark, glue_catalog_conf(GLUE_CATALOG, "s3://%s/%s" % (job.bucket, job.output_prefix)))
    prefixes = {"curated": job.output_prefix, "quarantine": job.quarantine_prefix}
    return IcebergTables(
        spark,
        GLUE_CATALOG,
        job.database,
        job.database,
        QUARANTINE_SUFFIX,
        lambda kind, dataset: "s3://%s/%s%s" % (job.bucket, prefixes[kind], dataset),
    )


def run_job(
    spark,
    s3,
    glue,
    dynamodb,
    job: JobArgs,
    run_id: str,
    quality=None,
    uri_of=None,
    tables=None,
    log=print,
    cloudwatch=None,
) -> list[dict]:
    """Converts the uploads the ledger holds for the job; returns one report per dataset that had any."""
    from lake.aws import S3Source
    from lake.report import new_report
    from lake.run import convert_datasets
    from lake.uploads import UploadsTable, run_has_ended

    source = S3Source(s3, job.bucket)
    ledger = UploadsTable(dynamodb, job.uploads_table, run_id, job.claim_seconds, run_has_ended(glue, job.job_name))
    tables = tables or glue_tables(spark, job)
    reports = convert_datasets(
        spark,
        tables,
        ledger,
        job.settings,
        run_id,
        ledger.claim(
            uri_of or (lambda key: "s3://%s/%s" % (job.bucket, key)),
            lambda dataset: job.settings.fingerprint(dataset, quality.rules if quality else ""),
        ),
        lambda uploads: readable_headers(source, ledger, uploads),
        quality,
        on_report=lambda report: log("%s: %s" % (report["dataset"], json.dumps(report))),
        open_bytes=source.open_bytes,
    )
    # Uploads rejected before under the same settings, unchanged since: reported, not read, and no failure again.
    for dataset, keys in sorted(ledger.still_rejected.items()):
        report = next((r for r in reports if r["dataset"] == dataset), None)
        if report is None:
            report = {**new_report(dataset), "status": "unchanged"}
            reports.append(report)
        report["still_rejected"] = keys
        log("%s: %s" % (dataset, json.dumps(report)))
    if cloudwatch is not None:
        report_waiting(ledger, cloudwatch, job.job_name)
    return reports


METRICS_NAMESPACE = "CsvToParquet"


def readable_headers(source, ledger, todo: list) -> tuple[list, dict]:
    """The uploads still in S3 and their headers. An upload whose object was deleted after it was recorded (S3
    answers its GET with NoSuchKey) is left out and marked so in the ledger; rows an earlier version committed stay."""
    from botocore.exceptions import ClientError
    from lake.csvread import header_of

    kept, headers = [], {}
    for upload in todo:
        try:
            headers[upload] = header_of(source.open_text, upload)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                raise
            ledger.forget(upload.key, "the object was deleted from S3 before the job read it")
            continue
        kept.append(upload)
    return kept, headers


def report_waiting(ledger, cloudwatch, job_name: str) -> None:
    """Publishes how many uploads still wait after the run and how long the oldest has waited (an alarm watches it)."""
    count, oldest = ledger.still_waiting()
    dimensions = [{"Name": "JobName", "Value": job_name}]
    cloudwatch.put_metric_data(
        Namespace=METRICS_NAMESPACE,
        MetricData=[
            {"MetricName": "PendingUploads", "Dimensions": dimensions, "Value": count, "Unit": "Count"},
            {
                "MetricName": "OldestPendingUploadAgeSeconds",
                "Dimensions": dimensions,
                "Value": oldest,
                "Unit": "Seconds",
            },
        ],
    )


def summary(reports: list[dict], run_id: str) -> str:
    """The text the owners get: one line per dataset that had new files."""
    from lake.report import report_line

    lines = ["Job run %s:" % run_id]
    lines += ["- " + report_line(r, location=True) for r in reports if r["status"] != "unchanged"]
    return "\n".join(lines)


def finish(reports: list[dict], sns, job: JobArgs, run_id: str) -> None:
    """Tells the owners what was put aside, and fails the run when a dataset was rejected."""
    text = summary(reports, run_id)
    print(text)
    if any(r.get("rows_quarantined") or r["status"] in ("rejected", "failed") for r in reports):
        subject = "Data quality report of %s" % job.job_name
        sns.publish(TopicArn=job.topic_arn, Subject=subject[:100], Message=text)
    rejected = [r for r in reports if r["status"] in ("rejected", "failed")]
    if rejected:
        raise RuntimeError(
            "Datasets not written: " + "; ".join("%s (%s)" % (r["dataset"], r["error"]) for r in rejected)
        )


def main(argv: list[str]) -> None:
    import boto3
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.utils import getResolvedOptions
    from awsgluedq.transforms import EvaluateDataQuality
    from lake.aws import GlueQuality
    from lake.session import CORE_CONF, ICEBERG_EXTENSIONS
    from pyspark.conf import SparkConf
    from pyspark.context import SparkContext

    args = getResolvedOptions(argv, ARGS)
    job = job_args(args)
    run_id = args.get("JOB_RUN_ID") or time.strftime("manual-%Y%m%dT%H%M%SZ", time.gmtime())
    # Iceberg's SQL extensions must be set before the SparkContext starts; the catalog itself is set in glue_tables.
    glue_context = GlueContext(SparkContext.getOrCreate(SparkConf().set("spark.sql.extensions", ICEBERG_EXTENSIONS)))
    spark = glue_context.spark_session
    for key, value in CORE_CONF.items():
        spark.conf.set(key, value)
    s3, glue, dynamodb = boto3.client("s3"), boto3.client("glue"), boto3.client("dynamodb")
    ruleset = glue.get_data_quality_ruleset(Name=job.ruleset)["Ruleset"]
    quality = GlueQuality(glue_context, ruleset, EvaluateDataQuality, DynamicFrame)
    reports = run_job(spark, s3, glue, dynamodb, job, run_id, quality, cloudwatch=boto3.client("cloudwatch"))
    finish(reports, boto3.client("sns"), job, run_id)


if __name__ == "__main__":
    main(sys.argv)
