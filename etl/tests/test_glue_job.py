"""The Glue job shell: its arguments as awsglue parses them, its AWS calls on moto (S3, the uploads ledger on
DynamoDB, Glue catalog, SNS), and the conversion by the real core on real Spark. Spark reads and writes a local copy
of the bucket (a stand-in for EMRFS, which reads s3:// paths in Glue); the objects, the ledger, the catalog and the
topic are moto's."""

import argparse
import json

import boto3
import glue_job
import pytest
from awsglue.utils import getResolvedOptions
from glue_stand_ins import DynamicFrame, EvaluateDataQuality
from lake.aws import HEADER_BYTES, GlueQuality
from lake.tables import IcebergTables
from lake.uploads import UploadsTable
from ledger_records import JOB_ARGS as ARGS


def argv(**overrides) -> list[str]:
    values = {**ARGS, **overrides}
    return ["glue_job.py", "--JOB_RUN_ID", "jr_1", "--job-bookmark-option", "job-bookmark-disable"] + [
        x for k, v in values.items() for x in ("--" + k, v)
    ]


def test_awsglue_parses_the_arguments_and_gives_the_run_id_glue_passes():
    args = getResolvedOptions(argv(), glue_job.ARGS)
    assert (
        args["JOB_RUN_ID"] == "jr_1" and args["bucket"] == "lake" and args["partition_columns"] == '{"sales": "region"}'
    )


def test_asking_awsglue_for_the_run_id_again_fails_at_start_up():
    with pytest.raises(argparse.ArgumentError, match="conflicting option string: --JOB_RUN_ID"):
        getResolvedOptions(argv(), glue_job.ARGS + ["JOB_RUN_ID"])


def test_bad_rule_arguments_are_named():
    with pytest.raises(glue_job.JobArgumentError, match="--max_quarantined_percent"):
        glue_job.settings_of({**ARGS, "max_quarantined_percent": "150"})
    with pytest.raises(glue_job.JobArgumentError, match="--key_columns"):
        glue_job.settings_of({**ARGS, "key_columns": '{"a": 1}'})
    with pytest.raises(glue_job.JobArgumentError, match="--claim_timeout_minutes"):
        glue_job.job_args({**ARGS, "claim_timeout_minutes": "an hour"})
    with pytest.raises(glue_job.JobArgumentError, match="--snapshot_retention_days"):
        glue_job.settings_of({**ARGS, "snapshot_retention_days": "0"})
    assert glue_job.settings_of(ARGS).snapshot_retention_days == 7
    with pytest.raises(glue_job.JobArgumentError, match="--null_values must be a JSON list of texts"):
        glue_job.settings_of({**ARGS, "null_values": '["NULL", ""]'})
    assert glue_job.settings_of({**ARGS, "null_values": '["NULL", "N/A"]'}).null_values == ("NULL", "N/A")


def test_a_run_converts_new_uploads_into_iceberg_tables_partitioned_as_configured(bucket):
    bucket.put("csv_data/sales/2024/jan.csv", "Order ID,Region,Amount\n1,eu/west,10\n2,,20\n3,us,x\n")
    bucket.put("csv_data/stock/s.csv", "sku,qty\n0012,4\n")
    bucket.put("csv_data/readme.txt", "not a dataset")
    reports = bucket.run("jr_1")
    assert reports["sales"]["status"] == "written" and reports["sales"]["rows_written"] == 3
    assert [(r["order_id"], r["region"], r["amount"]) for r in bucket.rows("sales")] == [
        (1, "eu/west", "10"), (2, None, "20"), (3, "us", "x")]  # fmt: skip
    contract = bucket.tables.contract("sales")
    assert [(c.name, c.type) for c in contract.columns] == [
        ("order_id", "bigint"), ("region", "string"), ("amount", "string")]  # fmt: skip
    assert contract.partition == "region"
    partitions = bucket.spark.sql("SELECT partition.region FROM %s.partitions" % bucket.tables.curated("sales"))
    assert sorted(p["region"] or "" for p in partitions.collect()) == ["", "eu/west", "us"]
    item = bucket.item("csv_data/sales/2024/jan.csv")
    assert item["status"] == "converted" and item["runId"] == "jr_1" and item["rowsWritten"] == 3
    assert item["snapshot"] == reports["sales"]["snapshot"] and "todo" not in item and "claimRun" not in item
    assert [(c.name, c.type) for c in bucket.tables.contract("stock").columns] == [("sku", "string"), ("qty", "bigint")]
    assert bucket.tables.owner("sales") == "sales"


def test_glue_tables_are_iceberg_tables_in_the_glue_catalog_with_data_under_the_prefixes(spark):
    """The catalog "Using the Iceberg framework in AWS Glue" configures (docs.aws.amazon.com/glue/latest/dg/
    aws-glue-programming-etl-format-iceberg.html): SparkCatalog over GlueCatalog with S3FileIO, a warehouse in S3."""
    tables = glue_job.glue_tables(spark, glue_job.job_args(ARGS))
    prefix = "spark.sql.catalog.%s" % glue_job.GLUE_CATALOG
    assert spark.conf.get(prefix) == "org.apache.iceberg.spark.SparkCatalog"
    assert spark.conf.get(prefix + ".catalog-impl") == "org.apache.iceberg.aws.glue.GlueCatalog"
    assert spark.conf.get(prefix + ".io-impl") == "org.apache.iceberg.aws.s3.S3FileIO"
    assert spark.conf.get(prefix + ".warehouse") == "s3://lake/parquet_data/"
    assert tables.curated("sales") == "glue_catalog.curated.sales"
    assert tables.quarantine("sales") == "glue_catalog.curated.sales__quarantine"
    assert tables.location_of("curated", "sales") == "s3://lake/parquet_data/sales"
    assert tables.location_of("quarantine", "sales") == "s3://lake/quarantine/sales"


def test_a_rerun_converts_nothing_and_a_changed_object_replaces_its_rows(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,eu\n")
    bucket.run("jr_1")
    assert bucket.run("jr_2") == {}, "nothing waits in the ledger"
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Note\n1,eu,fixed\n")
    report = bucket.run("jr_3")["sales"]
    assert report["files"] == ["csv_data/sales/a.csv"] and report["data_files_removed"] == 1
    assert [(r["order_id"], r["note"]) for r in bucket.rows("sales")] == [(1, "fixed")]
    assert [c.name for c in bucket.tables.contract("sales").columns] == ["order_id", "region", "note"]


@pytest.mark.parametrize("fails", ["the curated commit", "marking the uploads done"])
def test_a_run_failing_mid_way_then_glues_retry_leaves_every_row_once(bucket, monkeypatch, fails):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,us\n")
    bucket.put("csv_data/sales/b.csv", "Order ID,Region\n3,eu\n")
    if fails == "the curated commit":
        real = IcebergTables.commit

        def failing_commit(self, table, *args):
            if table == self.curated("sales"):
                raise OSError("worker lost while committing")
            return real(self, table, *args)

        monkeypatch.setattr(IcebergTables, "commit", failing_commit)
    else:  # committed, then lost before the ledger heard of it

        def failing_done(self, dataset, records):
            raise OSError("worker lost while committing")

        monkeypatch.setattr(UploadsTable, "done", failing_done)
    reports = bucket.run("jr_1")
    assert reports["sales"]["status"] == "failed" and "worker lost" in reports["sales"]["error"]
    monkeypatch.undo()
    assert bucket.run("jr_1_attempt_1")["sales"]["status"] == "written"
    assert [r["order_id"] for r in bucket.rows("sales")] == [1, 2, 3]
    assert bucket.item("csv_data/sales/a.csv")["status"] == "converted"


def test_an_unreadable_upload_holds_back_its_dataset_only(bucket):
    bucket.put("csv_data/bad/x.csv", "caf\xe9\n1\n".encode("latin-1"))
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    reports = bucket.run("jr_1")
    assert reports["bad"]["status"] == "rejected" and "csv_data/bad/x.csv" in reports["bad"]["error"]
    assert reports["sales"]["status"] == "written"


def test_a_character_the_header_reads_cut_is_no_error_and_bytes_past_it_are_still_checked(bucket):
    # 'é' is two bytes: the first is the last byte of the header read (HEADER_BYTES), the second the first after it.
    filler = "1,%s\n" % ("x" * 98)
    rows = filler * ((HEADER_BYTES - 40) // len(filler))
    pad = HEADER_BYTES - 1 - len(("id,text\n" + rows + "2,").encode("utf-8"))
    good = "id,text\n" + rows + "2," + "y" * pad + "é\n3,z\n"
    assert good.encode("utf-8")[HEADER_BYTES - 1 : HEADER_BYTES + 1] == "é".encode()
    bucket.put("csv_data/good/a.csv", good)
    bucket.put(
        "csv_data/latin/a.csv", (good.replace("3,z", "3,café")).encode("utf-8").replace(b"caf\xc3\xa9", b"caf\xe9")
    )
    reports = bucket.run("jr_1")
    assert reports["good"]["status"] == "written" and reports["good"]["rows_quarantined"] == {}
    assert reports["latin"]["rows_quarantined"] == {"invalid_utf8": reports["latin"]["rows_read"]}
    assert reports["latin"]["status"] == "rejected", "every row put aside is over maxQuarantinedPercent"


def test_data_quality_rules_run_on_the_typed_rows(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Amount\n1,eu,10\n2,eu,-5\n3,eu,7\n")
    quality = GlueQuality(
        None, 'Rules = [ ColumnValues "amount" >= 0, RowCount > 1 ]', EvaluateDataQuality, DynamicFrame
    )
    report = bucket.run("jr_1", quality)["sales"]
    assert report["rows_quarantined"] == {"failed_rules": 1} and report["rows_written"] == 2
    [failed] = bucket.quarantined("sales", "failed_rules")
    assert failed["order_id"] == 2 and failed["_run_id"] == "jr_1" and failed["_detail"] == 'ColumnValues "amount" >= 0'
    assert EvaluateDataQuality.calls[-1]["publishing_options"]["dataQualityEvaluationContext"] == "sales"


def test_a_dataset_level_rule_failing_rejects_the_dataset(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Amount\n1,eu,10\n")
    quality = GlueQuality(None, "Rules = [ RowCount > 5 ]", EvaluateDataQuality, DynamicFrame)
    report = bucket.run("jr_1", quality)["sales"]
    assert report["status"] == "rejected" and "RowCount > 5" in report["error"]
    assert not bucket.tables.exists(bucket.tables.curated("sales"))
    assert [r["order_id"] for r in bucket.quarantined("sales", "rejected")] == [1]


def test_the_owners_get_a_summary_and_a_rejected_dataset_fails_the_run(bucket):
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n,us\n2,eu,extra\n")
    args = {**ARGS, "topic_arn": topic, "max_quarantined_percent": "10"}
    reports = list(bucket.run("jr_9", args=args).values())
    with pytest.raises(RuntimeError, match="Datasets not written: sales"):
        glue_job.finish(reports, sns, glue_job.job_args(args), "jr_9")
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    body = json.loads(message["Body"])
    assert body["Subject"] == "Data quality report of csv-to-parquet-dev-job"
    assert "- sales: rejected, 1 file(s), 3 rows read, 0 written, 3 quarantined" in body["Message"]
    assert "under curated.sales__quarantine" in body["Message"]


def test_awkward_object_names_are_read_and_mapped_back(bucket):
    keys = ["csv_data/sales/a b+c%20d#é.csv", "csv_data/sales/x%41y.csv", "csv_data/sales/[1]{x}.csv"]
    for n, key in enumerate(keys):
        bucket.put(key, "Order ID,Region\n%d,eu\n" % n)
    report = bucket.run("jr_1")["sales"]
    assert report["status"] == "written" and sorted(report["files"]) == sorted(keys)
    assert {k: bucket.item(k)["rowsWritten"] for k in keys} == dict.fromkeys(keys, 1)


def test_a_dataset_that_fails_or_clashes_does_not_stop_the_others(bucket):
    bucket.put("csv_data/sales-eu/a.csv", "id\n1\n")
    bucket.put("csv_data/sales_eu/a.csv", "id\n2\n")
    bucket.put("csv_data/stock/a.csv", "id\n3\n")
    reports = bucket.run("jr_1")
    assert reports["sales-eu"]["status"] == reports["sales_eu"]["status"] == "rejected"
    assert "sales-eu, sales_eu all make the table sales_eu" in reports["sales-eu"]["error"]
    assert reports["stock"]["status"] == "written"


def test_main_starts_with_glues_arguments_and_hands_the_run_its_rules(bucket, spark, monkeypatch):
    """The entry point as Glue calls it, up to the conversion: a start-up failure (the old JOB_RUN_ID clash, a
    static Spark setting set at run time) fails here. GlueContext and Glue Data Quality exist only in Glue: stand-ins;
    GetDataQualityRuleset is answered by botocore's Stubber, which checks the request against the service model."""
    import sys
    import types

    from botocore.stub import Stubber

    class GlueContext:  # awsglue.context.GlueContext(sc).spark_session (aws-glue-libs glue-5.0, context.py)
        def __init__(self, spark_context):
            self.spark_session = spark

    monkeypatch.setitem(sys.modules, "awsglue.context", types.SimpleNamespace(GlueContext=GlueContext))
    monkeypatch.setitem(sys.modules, "awsgluedq", types.ModuleType("awsgluedq"))
    monkeypatch.setitem(
        sys.modules, "awsgluedq.transforms", types.SimpleNamespace(EvaluateDataQuality=EvaluateDataQuality)
    )
    glue = boto3.client("glue")
    stubber = Stubber(glue)
    stubber.add_response(
        "get_data_quality_ruleset", {"Name": "rules", "Ruleset": "Rules = [ RowCount > 0 ]"}, {"Name": "rules"}
    )
    stubber.activate()
    real_client = boto3.client
    monkeypatch.setattr(boto3, "client", lambda name, *a, **k: glue if name == "glue" else real_client(name, *a, **k))
    handed = {}

    def run_job(spark_, s3, glue_, dynamodb, args, run_id, quality, cloudwatch):
        handed.update(args=args, run_id=run_id, quality=quality)
        return [
            {
                "dataset": "sales",
                "status": "written",
                "files": ["k"],
                "rows_read": 1,
                "rows_written": 1,
                "rows_quarantined": {},
            }
        ]

    monkeypatch.setattr(glue_job, "run_job", run_job)
    from pyspark.context import SparkContext

    confs = []
    real_get = SparkContext.getOrCreate
    monkeypatch.setattr(SparkContext, "getOrCreate", lambda conf=None: confs.append(conf) or real_get(conf))
    glue_job.main(argv(topic_arn="arn:aws:sns:eu-west-1:123456789012:alerts"))
    stubber.assert_no_pending_responses()
    assert handed["run_id"] == "jr_1" and handed["args"].bucket == "lake" and handed["args"].claim_seconds == 3600
    assert handed["quality"].ruleset == "Rules = [ RowCount > 0 ]"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    # Iceberg's SQL extensions are a static setting: given to the SparkContext Glue's script creates.
    [conf] = confs
    assert conf.get("spark.sql.extensions") == "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
