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
    "topic_arn",
]


class JobArgumentError(Exception):
    pass


def settings_of(args: dict):
    """The rules from the job's arguments; a bad value names its argument."""
    from lake.ports import Settings

    try:
        keys = json.loads(args["key_columns"] or "[]")
        partitions = json.loads(args["partition_columns"] or "{}")
        percent = float(args["max_quarantined_percent"])
        retention = float(args["snapshot_retention_days"])
    except ValueError as err:
        raise JobArgumentError(
            "--key_columns, --partition_columns, --max_quarantined_percent or --snapshot_retention_days: %s" % err
        ) from err
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise JobArgumentError("--key_columns must be a JSON list of column names, not %s" % args["key_columns"])
    if not isinstance(partitions, dict) or not all(isinstance(v, str) for v in partitions.values()):
        raise JobArgumentError("--partition_columns must be a JSON object dataset -> column")
    if not 0 <= percent <= 100:
        raise JobArgumentError("--max_quarantined_percent must be 0-100, not %s" % percent)
    if not retention >= 1:
        raise JobArgumentError("--snapshot_retention_days must be at least 1, not %s" % args["snapshot_retention_days"])
    return Settings(tuple(k for k in keys if k.strip()), partitions, percent, retention)


# The Spark catalog of the Iceberg tables in the Glue Data Catalog, and the suffix of a dataset's quarantine table
# beside its curated one (dataset tables never hold "__": athena_name folds it).
GLUE_CATALOG = "glue_catalog"
QUARANTINE_SUFFIX = "__quarantine"


def glue_tables(spark, args: dict):
    """The datasets' tables in the curated database of the Glue Data Catalog, data under their S3 prefixes."""
    from lake.session import glue_catalog_conf, use_catalog
    from lake.tables import IcebergTables

    bucket, database = args["bucket"], args["curated_database_name"]
    use_catalog(spark, glue_catalog_conf(GLUE_CATALOG, "s3://%s/%s" % (bucket, args["output_prefix"])))
    prefixes = {"curated": args["output_prefix"], "quarantine": args["quarantine_prefix"]}
    return IcebergTables(
        spark,
        GLUE_CATALOG,
        database,
        database,
        QUARANTINE_SUFFIX,
        lambda kind, dataset: "s3://%s/%s%s" % (bucket, prefixes[kind], dataset),
    )


def run_job(
    spark,
    s3,
    glue,
    dynamodb,
    args: dict,
    run_id: str,
    quality=None,
    uri_of=None,
    tables=None,
    log=print,
    cloudwatch=None,
) -> list[dict]:
    """Converts the uploads the ledger holds for the job; returns one report per dataset that had any."""
    from lake.aws import S3Source
    from lake.convert import DatasetConversion
    from lake.csvread import UnreadableUpload, header_of
    from lake.names import table_clashes
    from lake.uploads import UploadsTable, run_has_ended

    bucket, settings = args["bucket"], settings_of(args)
    try:
        claim_seconds = 60 * float(args["claim_timeout_minutes"])
    except ValueError as err:
        raise JobArgumentError("--claim_timeout_minutes must be a number of minutes: %s" % err) from err
    source = S3Source(s3, bucket)
    ledger = UploadsTable(dynamodb, args["uploads_table"], run_id, claim_seconds, run_has_ended(glue, args["JOB_NAME"]))
    tables = tables or glue_tables(spark, args)
    reports = []
    datasets = ledger.claim(uri_of or (lambda key: "s3://%s/%s" % (bucket, key)))
    clashes = table_clashes(list(datasets))
    for dataset, todo in datasets.items():
        try:  # a dataset that cannot be converted is reported, and the others go on
            owner = tables.owner(dataset)
            if dataset in clashes or owner not in (None, dataset):
                raise UnreadableUpload(
                    clashes.get(dataset) or "dataset folders %s and %s make the same table" % (owner, dataset)
                )
            todo, headers = readable_headers(source, ledger, todo, header_of)
            conversion = DatasetConversion(spark, dataset, tables, ledger, settings, run_id, quality)
            report = conversion.run(todo, headers)
        except UnreadableUpload as err:  # waits until the file or folder is fixed
            report = failed_report(dataset, "rejected", str(err))
            ledger.reject(dataset, str(err))
        except Exception as err:  # noqa: BLE001 (reported, and the run fails at the end)
            report = failed_report(dataset, "failed", "%s: %s" % (type(err).__name__, err))
        log("%s: %s" % (dataset, json.dumps(report)))
        reports.append(report)
    if cloudwatch is not None:
        report_waiting(ledger, cloudwatch, args["JOB_NAME"])
    return reports


METRICS_NAMESPACE = "CsvToParquet"


def readable_headers(source, ledger, todo: list, header_of) -> tuple[list, dict]:
    """The uploads still in S3 and their headers. An upload whose object was deleted after it was recorded (S3
    answers its GET with NoSuchKey) is left out and marked so in the ledger; rows an earlier version committed stay."""
    from botocore.exceptions import ClientError

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


def failed_report(dataset: str, status: str, error: str) -> dict:
    from lake.report import new_report

    return {**new_report(dataset), "status": status, "error": error}


def summary(reports: list[dict], run_id: str) -> str:
    """The text the owners get: one line per dataset that had new files."""
    from lake.report import report_line

    lines = ["Job run %s:" % run_id]
    lines += ["- " + report_line(r, location=True) for r in reports if r["status"] != "unchanged"]
    return "\n".join(lines)


def finish(reports: list[dict], sns, args: dict, run_id: str) -> None:
    """Tells the owners what was put aside, and fails the run when a dataset was rejected."""
    text = summary(reports, run_id)
    print(text)
    if any(r.get("rows_quarantined") or r["status"] in ("rejected", "failed") for r in reports):
        subject = "Data quality report of %s" % args["JOB_NAME"]
        sns.publish(TopicArn=args["topic_arn"], Subject=subject[:100], Message=text)
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
    run_id = args.get("JOB_RUN_ID") or time.strftime("manual-%Y%m%dT%H%M%SZ", time.gmtime())
    # Iceberg's SQL extensions must be set before the SparkContext starts; the catalog itself is set in glue_tables.
    glue_context = GlueContext(SparkContext.getOrCreate(SparkConf().set("spark.sql.extensions", ICEBERG_EXTENSIONS)))
    spark = glue_context.spark_session
    for key, value in CORE_CONF.items():
        spark.conf.set(key, value)
    s3, glue, dynamodb = boto3.client("s3"), boto3.client("glue"), boto3.client("dynamodb")
    ruleset = glue.get_data_quality_ruleset(Name=args["ruleset_name"])["Ruleset"]
    quality = GlueQuality(glue_context, ruleset, EvaluateDataQuality, DynamicFrame)
    reports = run_job(spark, s3, glue, dynamodb, args, run_id, quality, cloudwatch=boto3.client("cloudwatch"))
    finish(reports, boto3.client("sns"), args, run_id)


if __name__ == "__main__":
    main(sys.argv)
