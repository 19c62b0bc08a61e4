"""The uploads ledger on DynamoDB: the Glue job's Ledger port and where it finds its work.

The start-crawler function records every uploaded object as an item (functions/uploadsLedger.ts: key, dataset,
sequencer, size, ETag, event time, status pending, and `todo` set, which puts it in the `todo` index). A run:
1. claims the waiting uploads: a conditional update carrying its run id, on the version it saw, and only if no live
   run holds the item (a claim by a run that has ended, or older than the job timeout, is taken over);
2. converts exactly those through the core, which commits them to the dataset's tables and then marks each done
   with the snapshot that committed it and its counts, conditionally on the version it claimed.
A newer version recorded meanwhile makes that last condition fail: the item keeps the newer version pending, and
records that rows of the key are in the tables, which the next run replaces. Nothing is listed and no other item is
read. An upload whose claim this run took over from a run that did not finish may have been committed by it: its
rows are replaced, never added again.
"""

import time
from collections.abc import Callable
from datetime import datetime

from .ledger_item import (
    CLAIM_RUN,
    CLAIMED_AT,
    CONVERTED_AT,
    CONVERTED_ETAG,
    DATASET,
    ERROR,
    ETAG,
    EVENT_TIME,
    KEY,
    NAMES,
    RUN_ID,
    SEQUENCER,
    SETTINGS,
    SIZE,
    SNAPSHOT,
    STATUS,
    TODO,
    TODO_INDEX,
    TODO_VALUE,
)
from .ports import Converted, Upload

LIVE_RUN_STATES = ("STARTING", "RUNNING", "STOPPING", "WAITING")


def run_has_ended(glue, job_name: str) -> Callable[[str], bool]:
    """Whether a run of the job is over (GetJobRun's JobRunState); a run Glue does not know is over."""

    def ended(run_id: str) -> bool:
        try:
            state = glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]["JobRunState"]
        except glue.exceptions.EntityNotFoundException:
            return True
        return state not in LIVE_RUN_STATES

    return ended


def _epoch(iso: str) -> float:
    """'2026-11-21T10:00:00.000Z' (as the function records event times) -> seconds since the epoch."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def string_attr(value) -> dict:
    return {"S": value}


def update_item(dynamodb, table: str, key: str, expression: str, condition: str | None, values: dict, **extra) -> dict:
    """One UpdateItem of a ledger item, with the placeholders of NAMES that the expressions use (DynamoDB rejects
    unused ones); `extra` adds request parameters such as ReturnValues. Returns DynamoDB's answer."""
    text = expression + " " + (condition or "")
    return dynamodb.update_item(
        TableName=table,
        Key={KEY: string_attr(key)},
        UpdateExpression=expression,
        ExpressionAttributeNames={k: v for k, v in NAMES.items() if k in text},
        ExpressionAttributeValues=values,
        **({"ConditionExpression": condition} if condition else {}),
        **extra,
    )


class UploadsTable:
    """The Ledger port on the uploads table, for the uploads this run claimed."""

    def __init__(self, dynamodb, table: str, run_id: str, stale_after_seconds: float, run_ended, now=time.time):
        self.db, self.table, self.run_id = dynamodb, table, run_id
        self.stale_after, self.run_ended, self.now = stale_after_seconds, run_ended, now
        self.claimed: dict[str, dict] = {}  # key -> the item as the claim left it
        self.taken_over: set[str] = set()  # keys whose claim was held by a run that did not finish
        self.still_rejected: dict[str, dict[str, str]] = {}  # dataset -> key -> why, left unread (claim)

    def waiting(self) -> list[dict]:
        """The items in the to-do index: pending uploads, rejected ones (tried again each run), and claims left by
        runs that did not finish. The index is eventually consistent: an upload recorded a moment ago may be seen
        by the next run only, which its own notification starts."""
        items, start = [], None
        while True:
            page = self.db.query(
                TableName=self.table,
                IndexName=TODO_INDEX,
                KeyConditionExpression="#todo = :todo",
                ExpressionAttributeNames={"#" + TODO: TODO},
                ExpressionAttributeValues={":todo": string_attr(TODO_VALUE)},
                **({"ExclusiveStartKey": start} if start else {}),
            )
            items += page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    def still_waiting(self) -> tuple[int, float]:
        """How many uploads wait as pending (not rejected) after this run, and the age in seconds of the oldest
        (0 when none): what the job reports so that an upload left waiting raises an alarm."""
        now = self.now()
        pending = [i for i in self.waiting() if i.get(STATUS, {}).get("S") == "pending"]
        times = [_epoch(i[EVENT_TIME]["S"]) for i in pending if EVENT_TIME in i]
        return len(pending), (max(0.0, now - min(times)) if times else 0.0)

    def claim(self, uri_of: Callable[[str], str], fingerprint_of: Callable[[str], str]) -> dict[str, list[Upload]]:
        """Claims every waiting upload no live run holds; returns them by dataset, sorted by key. An upload rejected
        under the settings `fingerprint_of` its dataset gives now, and unchanged since (a new version is pending),
        is left unread: in still_rejected, with why."""
        ended: dict[str, bool] = {}
        now = self.now()
        for item in self.waiting():
            holder = item.get(CLAIM_RUN, {}).get("S")
            dataset = item[DATASET]["S"]
            if (
                not holder
                and item.get(STATUS, {}).get("S") == "rejected"
                and item.get(SETTINGS, {}).get("S") == fingerprint_of(dataset)
            ):
                self.still_rejected.setdefault(dataset, {})[item[KEY]["S"]] = item.get(ERROR, {}).get("S", "")
                continue
            if holder and holder != self.run_id:
                stale = float(item.get(CLAIMED_AT, {}).get("N", "0")) < now - self.stale_after
                if not stale:
                    if holder not in ended:
                        ended[holder] = self.run_ended(holder)
                    if not ended[holder]:
                        continue  # a live run is converting it
            condition = "#sequencer = :sequencer AND " + (
                "#claimRun = :holder" if holder else "attribute_not_exists(#claimRun)"
            )
            values = {":sequencer": item[SEQUENCER], ":me": string_attr(self.run_id), ":at": {"N": "%.3f" % now}}
            if holder:
                values[":holder"] = string_attr(holder)
            try:
                answer = update_item(
                    self.db,
                    self.table,
                    item[KEY]["S"],
                    "SET #claimRun = :me, #claimedAt = :at",
                    condition,
                    values,
                    ReturnValues="ALL_NEW",
                )
            except self.db.exceptions.ConditionalCheckFailedException:
                continue  # a newer version or another run got there first: the next run sees it as it is now
            self.claimed[item[KEY]["S"]] = answer["Attributes"]
            if holder:
                self.taken_over.add(item[KEY]["S"])
        uploads: dict[str, list[Upload]] = {}
        for key, item in sorted(self.claimed.items()):
            upload = Upload(item[DATASET]["S"], key, uri_of(key), item[ETAG]["S"], int(item[SIZE]["N"]))
            uploads.setdefault(upload.dataset, []).append(upload)
        return dict(sorted(uploads.items()))

    def _mine(self, dataset: str) -> dict[str, dict]:
        return {k: v for k, v in self.claimed.items() if v[DATASET]["S"] == dataset}

    # The Ledger port, for the claimed uploads (the only ones the core asks about in a Glue run).
    def converted(self, dataset: str) -> dict[str, Converted]:
        """The claimed uploads an earlier run converted (their rows may be in the tables), with the curated
        table's snapshot that committed them, if any."""
        return {
            key: Converted(
                item.get(CONVERTED_ETAG, {}).get("S", ""),
                item.get(STATUS, {}).get("S", "pending"),
                item.get(RUN_ID, {}).get("S", ""),
                int(item[SNAPSHOT]["N"]) if SNAPSHOT in item else None,
            )
            for key, item in self._mine(dataset).items()
            if CONVERTED_AT in item or SNAPSHOT in item
        }

    def may_hold(self, dataset: str) -> set[str]:
        return set(self.converted(dataset)) | {k for k in self.taken_over if k in self._mine(dataset)}

    def begin(self, dataset: str, keys: list[str]) -> None:
        """Nothing to record: the claim, on the item before the tables change, says a run may have committed it."""

    def done(self, dataset: str, records: dict[str, Converted]) -> None:
        for key, record in records.items():
            values = {
                ":status": string_attr(record.status),
                ":run": string_attr(record.run_id),
                ":written": {"N": str(record.rows_written)},
                ":quarantined": {"N": str(record.rows_quarantined)},
                ":etag": string_attr(record.version),
                ":at": {"N": "%.3f" % self.now()},
            }
            sets = (
                "#status = :status, #runId = :run, #rowsWritten = :written, "
                "#rowsQuarantined = :quarantined, #convertedEtag = :etag, #convertedAt = :at"
            )
            if record.snapshot is not None:
                sets += ", #snapshot = :snapshot"
                values[":snapshot"] = {"N": str(record.snapshot)}
            if record.error:
                sets += ", #error = :error"
                values[":error"] = string_attr(record.error)
            if record.quarantine:
                sets += ", #quarantine = :quarantine"
                values[":quarantine"] = string_attr(record.quarantine)
            if record.settings:
                sets += ", #settings = :settings"
                values[":settings"] = string_attr(record.settings)
            # A rejected upload stays in the to-do index: each run compares the settings it was rejected under with
            # its own, and reads it again when they differ (claim).
            removed = "#claimRun, #claimedAt" + ("" if record.status == "rejected" else ", #todo")
            removed += ("" if record.error else ", #error") + ("" if record.quarantine else ", #quarantine")
            removed += "" if record.settings else ", #settings"
            removed += "" if record.snapshot is not None else ", #snapshot"
            # A newer version recorded during the run stays pending instead, and keeps the snapshot that holds this
            # version's rows: the run that converts it replaces them.
            snapshot = {":snapshot": values[":snapshot"]} if record.snapshot is not None else {}
            self._finish_claim(
                key,
                "SET %s REMOVE %s" % (sets, removed),
                values,
                otherwise=("SET #snapshot = :snapshot " if snapshot else "") + "REMOVE #claimRun, #claimedAt",
                otherwise_values=snapshot,
            )

    def forget(self, key: str, why: str) -> None:
        """Marks a claimed upload whose object was deleted before the job read it: out of the to-do index, with why.
        A newer version recorded meanwhile keeps the item pending for the next run. Rows an earlier version
        committed stay in the tables."""
        self._finish_claim(
            key,
            "SET #status = :deleted, #error = :why, #runId = :me REMOVE #todo, #claimRun, #claimedAt",
            {":deleted": string_attr("deleted"), ":why": string_attr(why)},
        )

    def reject(self, dataset: str, uploads: list[Upload], error: str, settings: str) -> None:
        """Marks the dataset's claimed uploads rejected with why and under which settings, before the core ran (a
        file or folder to fix): they stay in the to-do index, and the snapshot of an earlier version stays recorded
        for the run that converts them. A newer version recorded meanwhile keeps its own status."""
        for key in list(self._mine(dataset)):
            self._finish_claim(
                key,
                "SET #status = :rejected, #error = :error, #runId = :me, #settings = :settings "
                "REMOVE #claimRun, #claimedAt",
                {
                    ":rejected": string_attr("rejected"),
                    ":error": string_attr(error),
                    ":settings": string_attr(settings),
                },
            )

    def _finish_claim(
        self,
        key: str,
        expression: str,
        values: dict,
        otherwise: str = "REMOVE #claimRun, #claimedAt",
        otherwise_values: dict | None = None,
    ) -> None:
        """Applies `expression` if the item still holds the version this run claimed; else `otherwise`, which by
        default only lets go of it."""
        try:
            self._update(
                key,
                expression,
                "#sequencer = :claimed AND #claimRun = :me",
                {**values, ":claimed": self.claimed[key][SEQUENCER]},
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            self._update(key, otherwise, "#claimRun = :me", otherwise_values or {})
        self.claimed.pop(key)

    def _update(self, key: str, expression: str, condition: str, values: dict) -> None:
        update_item(self.db, self.table, key, expression, condition, {**values, ":me": string_attr(self.run_id)})
