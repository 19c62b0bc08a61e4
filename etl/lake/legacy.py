"""Upgrading a lake converted before the uploads ledger existed, once, by the first run after the upgrade.

Earlier versions kept what they converted in one JSON object per dataset, s3://<bucket>/<state prefix><dataset>.json
({"converted": {key: {version, status, run_id, outputs, rows_written, rows_quarantined}}, "planned": {key: [...]}}),
and found new uploads by listing the raw prefix. Their Parquet objects are only known from those files, so the run
that finds them brings them into the ledger before it claims anything:
- each converted upload gets an item with its outputs (so a new version replaces them, never adds to them);
- outputs a crashed run had planned are recorded, and the upload waits, so the run cleans them up;
- a rejected upload waits, as rejected uploads do;
- a CSV under the raw prefix that neither file knows waits too: it was uploaded but not yet converted.
Every write keeps what the ledger already holds (`if_not_exists`; new items only for unknown keys), so a crash
mid-import is repaired by the next run, and the JSON objects are deleted last. Later runs list the empty prefix only.
"""

import json

from .uploads import TODO_VALUE, paths_attr, string_attr, update_item

OLDEST = "0" * 64  # any sequencer S3 sends is later
EPOCH = "1970-01-01T00:00:00.000Z"


def import_legacy_ledger(s3, dynamodb, bucket: str, state_prefix: str, raw_prefix: str, table: str, log=print) -> int:
    """Imports and removes the per-dataset JSON ledgers; returns how many uploads were brought in."""
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=state_prefix).get("Contents", [])
    states = [o["Key"] for o in listed if o["Key"].endswith(".json")]
    if not states:
        return 0
    known: set[str] = set()
    for state_key in states:
        dataset = state_key[len(state_prefix) : -len(".json")]
        state = json.loads(s3.get_object(Bucket=bucket, Key=state_key)["Body"].read())
        for key, record in state.get("converted", {}).items():
            _import(dynamodb, table, key, dataset, record, state.get("planned", {}).get(key))
            known.add(key)
        for key, planned in state.get("planned", {}).items():
            if key not in known:
                _import(dynamodb, table, key, dataset, None, planned)
                known.add(key)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=raw_prefix):
        for item in page.get("Contents", []):
            parts = item["Key"][len(raw_prefix) :].split("/")
            if item["Key"] in known or len(parts) < 2 or not parts[0] or not item["Key"].lower().endswith(".csv"):
                continue
            _record_unconverted(dynamodb, table, item, parts[0])
            known.add(item["Key"])
    for state_key in states:
        s3.delete_object(Bucket=bucket, Key=state_key)
    log("imported %d upload(s) from the earlier ledger files under %s" % (len(known), state_prefix))
    return len(known)


def _import(dynamodb, table: str, key: str, dataset: str, record: dict | None, planned: list[str] | None) -> None:
    waits = record is None or record.get("status") == "rejected" or bool(planned)
    values = {
        ":dataset": string_attr(dataset),
        ":oldest": string_attr(OLDEST),
        ":etag": string_attr(record["version"] if record else ""),
        ":size": {"N": "1"},  # unknown; only 0 means an empty file
        ":epoch": string_attr(EPOCH),
        ":status": string_attr("pending" if record is None else record["status"]),
    }
    sets = [
        "#dataset = if_not_exists(#dataset, :dataset)",
        "#sequencer = if_not_exists(#sequencer, :oldest)",
        "#etag = if_not_exists(#etag, :etag)",
        "#size = if_not_exists(#size, :size)",
        "#eventTime = if_not_exists(#eventTime, :epoch)",
        "#status = if_not_exists(#status, :status)",
    ]
    if record is not None:
        values.update(
            {":outputs": paths_attr(record.get("outputs", [])), ":run": string_attr(record.get("run_id", ""))}
        )
        values.update(
            {":written": {"N": str(record.get("rows_written", 0))}, ":converted": string_attr(record["version"])}
        )
        sets += [
            "outputs = if_not_exists(outputs, :outputs)",
            "runId = if_not_exists(runId, :run)",
            "rowsWritten = if_not_exists(rowsWritten, :written)",
            "convertedEtag = if_not_exists(convertedEtag, :converted)",
        ]
    if planned:
        values[":planned"] = paths_attr(planned)
        sets.append("#planned = if_not_exists(#planned, :planned)")
    if waits:
        values[":todo"] = string_attr(TODO_VALUE)
        sets.append("#todo = :todo")
    update_item(dynamodb, table, key, "SET " + ", ".join(sets), None, values)


def _record_unconverted(dynamodb, table: str, listed: dict, dataset: str) -> None:
    values = {
        ":dataset": string_attr(dataset),
        ":oldest": string_attr(OLDEST),
        ":etag": string_attr(listed["ETag"].strip('"')),
        ":size": {"N": str(listed["Size"])},
        ":time": string_attr(listed["LastModified"].strftime("%Y-%m-%dT%H:%M:%S.000Z")),
        ":pending": string_attr("pending"),
        ":todo": string_attr(TODO_VALUE),
    }
    expression = (
        "SET #dataset = :dataset, #sequencer = :oldest, #etag = :etag, #size = :size, #eventTime = :time, "
        "#status = :pending, #todo = :todo"
    )
    try:
        update_item(dynamodb, table, listed["Key"], expression, "attribute_not_exists(#key)", values)
    except dynamodb.exceptions.ConditionalCheckFailedException:
        pass  # recorded by the function since the upgrade
