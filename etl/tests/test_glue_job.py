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
from conftest import crash_at_publish
from glue_stand_ins import DynamicFrame, EvaluateDataQuality
from lake.aws import GlueQuality
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


def test_a_run_converts_new_uploads_keeps_the_curated_table_and_registers_partitions(bucket):
    bucket.put("csv_data/sales/2024/jan.csv", "Order ID,Region,Amount\n1,eu/west,10\n2,,20\n3,us,x\n")
    bucket.put("csv_data/stock/s.csv", "sku,qty\n0012,4\n")
    bucket.put("csv_data/readme.txt", "not a dataset")
    reports = bucket.run("jr_1")
    assert reports["sales"]["status"] == "written" and reports["sales"]["rows_written"] == 3
    assert [(r["order_id"], r["region"], r["amount"]) for r in bucket.rows("sales")] == [
        (1, "eu/west", "10"), (2, None, "20"), (3, "us", "x")]  # fmt: skip
    table = bucket.table("sales")
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("order_id", "bigint"), ("amount", "string")]  # fmt: skip
    assert table["PartitionKeys"] == [{"Name": "region", "Type": "string"}]
    assert table["StorageDescriptor"]["Location"] == "s3://lake/parquet_data/sales/"
    partitions = bucket.glue.get_partitions(DatabaseName="curated", TableName="sales")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["__HIVE_DEFAULT_PARTITION__", "eu/west", "us"]
    assert {p["StorageDescriptor"]["Location"] for p in partitions} >= {
        "s3://lake/parquet_data/sales/region=eu%2Fwest/"
    }
    item = bucket.item("csv_data/sales/2024/jan.csv")
    assert item["status"] == "converted" and item["runId"] == "jr_1" and item["rowsWritten"] == 3
    assert "todo" not in item and "claimRun" not in item and "planned" not in item
    assert [bucket.root / o for o in item["outputs"]] and all((bucket.root / o).exists() for o in item["outputs"])
    assert [c["Type"] for c in bucket.table("stock")["StorageDescriptor"]["Columns"]] == ["string", "bigint"]
    assert not (bucket.root / "glue" / "temp").exists(), "staging is removed"


def test_a_rerun_converts_nothing_and_a_changed_object_replaces_its_rows(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,eu\n")
    bucket.run("jr_1")
    assert bucket.run("jr_2") == {}, "nothing waits in the ledger"
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Note\n1,eu,fixed\n")
    report = bucket.run("jr_3")["sales"]
    assert report["files"] == ["csv_data/sales/a.csv"]
    assert [(r["order_id"], r["note"]) for r in bucket.rows("sales")] == [(1, "fixed")]
    assert [c["Name"] for c in bucket.table("sales")["StorageDescriptor"]["Columns"]] == ["order_id", "note"]


@pytest.mark.parametrize("fail_at", [1, 2])
def test_a_crash_mid_run_then_glues_retry_leaves_every_row_once(bucket, monkeypatch, fail_at):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,us\n")
    bucket.put("csv_data/sales/b.csv", "Order ID,Region\n3,eu\n")
    reports = crash_at_publish(monkeypatch, lambda: bucket.run("jr_1"), fail_at, raises=False)
    assert reports["sales"]["status"] == "failed" and "worker lost" in reports["sales"]["error"]
    bucket.run("jr_1_attempt_1")
    assert [r["order_id"] for r in bucket.rows("sales")] == [1, 2, 3]


def test_an_unreadable_upload_holds_back_its_dataset_only(bucket):
    bucket.put("csv_data/bad/x.csv", "caf\xe9\n1\n".encode("latin-1"))
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    reports = bucket.run("jr_1")
    assert reports["bad"]["status"] == "rejected" and "csv_data/bad/x.csv" in reports["bad"]["error"]
    assert reports["sales"]["status"] == "written"


def test_data_quality_rules_run_on_the_typed_rows(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Amount\n1,eu,10\n2,eu,-5\n3,eu,7\n")
    quality = GlueQuality(
        None, 'Rules = [ ColumnValues "amount" >= 0, RowCount > 1 ]', EvaluateDataQuality, DynamicFrame
    )
    report = bucket.run("jr_1", quality)["sales"]
    assert report["rows_quarantined"] == {"failed_rules": 1} and report["rows_written"] == 2
    [failed] = [json.loads(line) for p in (bucket.root / "quarantine/sales/jr_1/failed_rules").glob("*.json")
                for line in p.read_text().splitlines()]  # fmt: skip
    assert failed["order_id"] == 2 and failed["_detail"] == 'ColumnValues "amount" >= 0'
    assert EvaluateDataQuality.calls[-1]["publishing_options"]["dataQualityEvaluationContext"] == "sales"


def test_a_dataset_level_rule_failing_rejects_the_dataset(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Amount\n1,eu,10\n")
    quality = GlueQuality(None, "Rules = [ RowCount > 5 ]", EvaluateDataQuality, DynamicFrame)
    report = bucket.run("jr_1", quality)["sales"]
    assert report["status"] == "rejected" and "RowCount > 5" in report["error"]
    assert not (bucket.root / "parquet_data").exists()


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
        glue_job.finish(reports, sns, args, "jr_9")
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    body = json.loads(message["Body"])
    assert body["Subject"] == "Data quality report of csv-to-parquet-dev-job"
    assert "- sales: rejected, 1 file(s), 3 rows read, 0 written, 3 quarantined" in body["Message"]
    assert "under quarantine/sales/jr_9/" in body["Message"]


def test_partitions_failing_to_register_are_registered_by_the_retry(bucket, monkeypatch):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    calls = []

    def throttled(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("ThrottlingException")

    monkeypatch.setattr(bucket.glue, "batch_create_partition", throttled)
    assert bucket.run("jr_1")["sales"]["status"] == "failed" and calls
    monkeypatch.undo()
    assert bucket.run("jr_2")["sales"]["status"] == "written", "not marked done before its partitions existed"
    partitions = bucket.glue.get_partitions(DatabaseName="curated", TableName="sales")["Partitions"]
    assert [p["Values"] for p in partitions] == [["eu"]]
    assert [r["order_id"] for r in bucket.rows("sales")] == [1]


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
    glue_job.main(argv(topic_arn="arn:aws:sns:eu-west-1:123456789012:alerts"))
    stubber.assert_no_pending_responses()
    assert handed["run_id"] == "jr_1" and handed["args"]["bucket"] == "lake"
    assert handed["quality"].ruleset == "Rules = [ RowCount > 0 ]"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
