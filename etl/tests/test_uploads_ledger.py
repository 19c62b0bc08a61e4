"""The uploads ledger end to end: uploads recorded as the start-crawler function records them, claimed and marked done
by the Glue shell on moto's DynamoDB, converted by the real core on real Spark. Every fault ends with each upload's
latest version converted once: its rows present, none twice."""

import pytest
from lake.ports import Converted
from lake.tables import IcebergTables
from lake.uploads import UploadsTable
from ledger_records import JOB_ARGS as ARGS
from ledger_records import RECORDED_ITEM, LedgerBucket, mark_for_reprocessing, padded, record
from moto import mock_aws


def ids(bucket) -> list[int]:
    return [r["order_id"] for r in bucket.rows("sales")]


def test_the_python_recorder_writes_the_item_the_node_function_writes(bucket):
    """The same fixture is what the Node function writes for AWS's sample event (tests/uploadsLedger.test.ts)."""
    record(bucket.dynamodb, "uploads", "csv_data/sales/2026-11-21.csv", "0A1B2C3D4E5F678901", 1024,
           "0123456789abcdef0123456789abcdef", "2026-11-21T10:00:00.000Z")  # fmt: skip
    item = bucket.dynamodb.get_item(TableName="uploads", Key={"key": {"S": "csv_data/sales/2026-11-21.csv"}})["Item"]
    assert item == RECORDED_ITEM


def test_a_run_reads_only_the_ledger_and_the_claimed_objects_never_a_listing(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    bucket.put("csv_data/sales/old.csv", "Order ID,Region\n9,eu\n", notify=False)  # in the lake, not waiting
    calls = []
    bucket.s3.meta.events.register(
        "before-parameter-build.s3.*", lambda model, params, **_: calls.append((model.name, params.get("Prefix")))
    )
    reports = bucket.run("jr_1")
    assert reports["sales"]["files"] == ["csv_data/sales/a.csv"] and ids(bucket) == [1]
    assert sorted(calls) == [("GetObject", None)], "one header, no listing of the lake"


def test_a_duplicate_notification_converts_the_upload_once(bucket):
    event = bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,us\n")
    assert bucket.notify(event) is False
    bucket.run("jr_1")
    assert bucket.notify(event) is False, "redelivered after the conversion: nothing waits again"
    assert bucket.run("jr_2") == {}
    assert ids(bucket) == [1, 2] and bucket.item("csv_data/sales/a.csv")["status"] == "converted"
    assert bucket.metric("PendingUploads") == 0 and bucket.metric("OldestPendingUploadAgeSeconds") == 0


def test_versions_notified_out_of_order_leave_the_latest_versions_rows(bucket):
    first = bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n", notify=False)
    second = bucket.put("csv_data/sales/a.csv", "Order ID,Region\n2,eu\n3,us\n", notify=False)
    assert bucket.notify(second) and not bucket.notify(first)
    bucket.run("jr_1")
    assert ids(bucket) == [2, 3]
    assert bucket.item("csv_data/sales/a.csv")["sequencer"] == padded(second["sequencer"])


def test_a_new_version_during_a_run_stays_pending_and_the_next_run_replaces_the_older_rows(bucket, monkeypatch):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,eu\n")
    real = UploadsTable.done

    def newer_version_lands_first(self, dataset, records):
        bucket.put("csv_data/sales/a.csv", "Order ID,Region\n7,eu\n")
        monkeypatch.setattr(UploadsTable, "done", real)
        real(self, dataset, records)

    monkeypatch.setattr(UploadsTable, "done", newer_version_lands_first)
    bucket.run("jr_1")
    item = bucket.item("csv_data/sales/a.csv")
    assert item["status"] == "pending" and item["todo"] == "todo" and "claimRun" not in item
    assert item["snapshot"], "the snapshot holding the first run's rows is recorded for the next run to replace"
    assert bucket.metric("PendingUploads") == 1 and bucket.metric("OldestPendingUploadAgeSeconds") > 0
    bucket.run("jr_2")
    assert ids(bucket) == [7]
    assert bucket.item("csv_data/sales/a.csv")["status"] == "converted"


def test_a_crash_after_the_commit_then_glues_retry_takes_over_the_claims_and_replaces_the_rows(bucket, monkeypatch):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,us\n")
    bucket.put("csv_data/sales/b.csv", "Order ID,Region\n3,eu\n")
    monkeypatch.setattr(UploadsTable, "done", lambda *_: (_ for _ in ()).throw(OSError("driver lost")))
    assert bucket.run("jr_1")["sales"]["status"] == "failed"
    assert ids(bucket) == [1, 2, 3], "committed, but the ledger never heard of it"
    assert bucket.item("csv_data/sales/a.csv")["claimRun"] == "jr_1"
    monkeypatch.undo()
    # Glue's retry is another run; moto knows no run jr_1, so the claim counts as one whose run has ended.
    report = bucket.run("jr_1_attempt_1")["sales"]
    assert report["status"] == "written" and report["data_files_removed"] == 2, "one per region, all replaced"
    assert ids(bucket) == [1, 2, 3]
    assert {bucket.item(k)["status"] for k in ("csv_data/sales/a.csv", "csv_data/sales/b.csv")} == {"converted"}


def test_a_crash_between_claim_and_conversion_is_taken_over(bucket, monkeypatch):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    monkeypatch.setattr(IcebergTables, "contract", lambda *_: (_ for _ in ()).throw(OSError("driver lost")))
    assert bucket.run("jr_1")["sales"]["status"] == "failed"
    monkeypatch.undo()
    bucket.run("jr_2")
    assert ids(bucket) == [1]


def test_a_live_runs_claim_is_left_alone_until_it_is_older_than_the_job_timeout(bucket, spark):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    clock = [1_000_000.0]
    live = UploadsTable(bucket.dynamodb, "uploads", "jr_live", 3600, run_ended=lambda run: False, now=lambda: clock[0])
    assert list(live.claim(str, str)) == ["sales"]
    other = UploadsTable(
        bucket.dynamodb, "uploads", "jr_other", 3600, run_ended=lambda run: False, now=lambda: clock[0]
    )
    assert other.claim(str, str) == {}, "held by a live run"
    clock[0] += 3601
    assert list(other.claim(str, str)) == ["sales"], "older than the job timeout: taken over"
    with pytest.raises(bucket.dynamodb.exceptions.ConditionalCheckFailedException):
        live.done("sales", {"csv_data/sales/a.csv": Converted("e", "converted", "jr_live", 1)})
    item = bucket.item("csv_data/sales/a.csv")
    assert item["claimRun"] == "jr_other" and item["status"] == "pending", "a run whose claim was taken marks nothing"


def test_a_claim_of_a_run_glue_reports_ended_is_taken_over_at_once(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    bucket.put("csv_data/sales/b.csv", "Order ID,Region\n2,eu\n")
    UploadsTable(bucket.dynamodb, "uploads", "jr_1", 3600, run_ended=lambda run: False).claim(str, str)
    asked = []
    retry = UploadsTable(bucket.dynamodb, "uploads", "jr_2", 3600, run_ended=lambda run: asked.append(run) or True)
    assert list(retry.claim(str, str)) == ["sales"] and len(retry.claimed) == 2
    assert asked == ["jr_1"], "Glue is asked once per run holding claims"


def test_an_unreadable_upload_is_rejected_with_why_and_converted_once_fixed(bucket):
    bucket.put("csv_data/sales/a.csv", "caf\xe9\n1\n".encode("latin-1"))
    assert bucket.run("jr_1")["sales"]["status"] == "rejected"
    item = bucket.item("csv_data/sales/a.csv")
    assert item["status"] == "rejected" and "UTF-8" in item["error"] and item["todo"] == "todo"
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n4,eu\n")
    bucket.run("jr_2")
    item = bucket.item("csv_data/sales/a.csv")
    assert ids(bucket) == [4] and item["status"] == "converted" and "error" not in item


def test_a_rejected_dataset_is_tried_again_and_its_uploads_say_why(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,eu\n,us\n")
    args = {**ARGS, "max_quarantined_percent": "10"}
    assert bucket.run("jr_1", args=args)["sales"]["status"] == "rejected"
    item = bucket.item("csv_data/sales/a.csv")
    assert item["status"] == "rejected" and "maxQuarantinedPercent" in item["error"] and item["todo"] == "todo"
    again = bucket.run("jr_2", args=args)["sales"]
    assert again["status"] == "unchanged" and again["still_rejected"] == {"csv_data/sales/a.csv": item["error"]}
    assert bucket.item("csv_data/sales/a.csv")["runId"] == "jr_1", "not claimed, not read, not failed again"
    assert bucket.run("jr_3")["sales"]["status"] == "written", "read again under other settings"
    assert ids(bucket) == [1, 2]


def test_reprocessing_replaces_each_uploads_rows_and_never_adds_them_twice(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region,Amount\n1,eu,10\n2,eu,x\n")
    bucket.put("csv_data/sales/b.csv", "Order ID,Region,Amount\n3,us,7\n")
    args = {**ARGS, "key_columns": "[]"}
    bucket.run("jr_1", args=args)
    keys = ("csv_data/sales/a.csv", "csv_data/sales/b.csv")
    before = {k: bucket.item(k)["snapshot"] for k in keys}
    for key in keys:
        mark_for_reprocessing(bucket.dynamodb, "uploads", key)
    report = bucket.run("jr_2", args=args)["sales"]
    assert sorted(report["files"]) == sorted(keys)
    assert ids(bucket) == [1, 2, 3], "each row once"
    assert {bucket.item(k)["snapshot"] for k in keys} == {report["snapshot"]} != set(before.values())
    assert {bucket.item(k)["runId"] for k in keys} == {"jr_2"}


def test_quarantined_rows_are_located_on_their_uploads_item(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n,us\n")
    bucket.run("jr_1")
    item = bucket.item("csv_data/sales/a.csv")
    assert item["rowsQuarantined"] == 1 and item["quarantine"] == "curated.sales__quarantine"
    [row] = bucket.quarantined("sales", "missing_key")
    assert row["_upload_key"] == "csv_data/sales/a.csv" and row["_run_id"] == "jr_1" and row["region"] == "us"


def test_an_upload_deleted_before_the_run_is_marked_and_holds_nothing_back(bucket):
    bucket.put("csv_data/sales/gone.csv", "Order ID,Region\n9,eu\n")
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")
    bucket.s3.delete_object(Bucket="lake", Key="csv_data/sales/gone.csv")
    (bucket.root / "csv_data/sales/gone.csv").unlink()
    report = bucket.run("jr_1")["sales"]
    assert report["status"] == "written" and report["files"] == ["csv_data/sales/a.csv"] and ids(bucket) == [1]
    item = bucket.item("csv_data/sales/gone.csv")
    assert item["status"] == "deleted" and "deleted from S3" in item["error"] and "todo" not in item
    assert bucket.run("jr_2") == {}, "nothing waits any more"


def test_a_deleted_upload_keeps_the_rows_its_earlier_version_committed(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n2,us\n")
    bucket.run("jr_1")
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n5,eu\n")
    bucket.s3.delete_object(Bucket="lake", Key="csv_data/sales/a.csv")
    (bucket.root / "csv_data/sales/a.csv").unlink()
    bucket.run("jr_2")
    assert ids(bucket) == [1, 2], "nothing was read of the new version; the committed rows stay"
    item = bucket.item("csv_data/sales/a.csv")
    assert item["status"] == "deleted" and "todo" not in item


def test_a_rejection_does_not_overwrite_a_newer_version_recorded_during_the_run(bucket, monkeypatch):
    bucket.put("csv_data/sales/a.csv", "caf\xe9\n1\n".encode("latin-1"))
    real = UploadsTable.reject

    def newer_version_lands_first(self, dataset, uploads, error, settings):
        bucket.put("csv_data/sales/a.csv", "Order ID,Region\n5,eu\n")
        real(self, dataset, uploads, error, settings)

    monkeypatch.setattr(UploadsTable, "reject", newer_version_lands_first)
    assert bucket.run("jr_1")["sales"]["status"] == "rejected"
    item = bucket.item("csv_data/sales/a.csv")
    assert item["status"] == "pending" and "error" not in item and "claimRun" not in item
    monkeypatch.undo()
    bucket.run("jr_2")
    assert ids(bucket) == [5]


def test_a_new_dataset_whose_table_another_dataset_owns_is_rejected(bucket):
    bucket.put("csv_data/sales-eu/a.csv", "Order ID\n1\n")
    bucket.run("jr_1")
    bucket.put("csv_data/sales_eu/a.csv", "Order ID\n2\n")
    report = bucket.run("jr_2")["sales_eu"]
    assert report["status"] == "rejected" and "sales-eu and sales_eu" in report["error"]
    assert [r["order_id"] for r in bucket.rows("sales-eu")] == [1]


def test_a_throttled_ledger_fails_the_run_before_anything_is_written(bucket):
    bucket.put("csv_data/sales/a.csv", "Order ID,Region\n1,eu\n")

    class Throttled:
        exceptions = bucket.dynamodb.exceptions

        def query(self, **_):
            raise bucket.dynamodb.exceptions.ProvisionedThroughputExceededException(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Query"
            )

    with pytest.raises(bucket.dynamodb.exceptions.ProvisionedThroughputExceededException):
        bucket.run("jr_1", dynamodb=Throttled())
    assert not bucket.tables.exists(bucket.tables.curated("sales"))
    assert bucket.run("jr_2")["sales"]["status"] == "written"
    assert bucket.item("csv_data/sales/a.csv")["snapshot"] and ids(bucket) == [1]


def requests_of_a_run_into_a_lake_of(bucket, existing: int, run_id: str) -> list[str]:
    """The AWS requests one run makes for one new upload, after `existing` objects were uploaded and converted."""
    for n in range(existing):
        key = "csv_data/sales/2026-10-%02d/old-%05d.csv" % (1 + n % 28, n)
        bucket.s3.put_object(Bucket="lake", Key=key, Body=b"Order ID,Region\n1,eu\n")
        bucket.dynamodb.put_item(
            TableName="uploads",
            Item={"key": {"S": key}, "dataset": {"S": "sales"}, "status": {"S": "converted"}, "sequencer": {"S": "0"}},
        )
    bucket.put("csv_data/sales/2026-11-21/new-%s.csv" % run_id, "Order ID,Region\n%d,eu\n" % existing)
    calls = []

    def note(model, params, **_):
        calls.append(model.name + (" " + params["Prefix"] if "Prefix" in params else ""))

    for client in (bucket.s3, bucket.dynamodb, bucket.glue):
        client.meta.events.register("before-parameter-build.*.*", note)
    bucket.run(run_id)
    for client in (bucket.s3, bucket.dynamodb, bucket.glue):
        client.meta.events.unregister("before-parameter-build.*.*", note)
    return sorted(calls)


def test_a_runs_requests_do_not_grow_with_the_lake(spark, tmp_path, monkeypatch):
    """The real job on moto: one upload into a lake of 10 objects and into one of 1,000 makes the same requests."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    made = {}
    for existing in (10, 1000):
        with mock_aws():
            made[existing] = requests_of_a_run_into_a_lake_of(
                LedgerBucket(spark, tmp_path / str(existing), ARGS), existing, "jr_%d" % existing
            )
    assert made[10] == made[1000]
    assert not [c for c in made[1000] if c.startswith("ListObjects")], "no listing"
    assert "Scan" not in made[1000]
