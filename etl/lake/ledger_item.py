"""The uploads ledger's item: every attribute the start-crawler function and the job write or read, in Python.

functions/ledgerItem.ts is the same shape in TypeScript. Both sides write testkit/fixtures/ledger-recorded-item.json
for AWS's sample S3 event (tests/uploadsLedger.test.ts and etl/tests/test_uploads_ledger.py check it), and the
table they write is testkit/fixtures/uploads-table.json (checked against the component).
"""

# Recorded by the start-crawler function for each object S3 announces.
KEY = "key"  # the table's partition key: the decoded object key
DATASET = "dataset"  # the dataset folder; also the partition key of the dataset index
SEQUENCER = "sequencer"  # S3's sequencer, stored comparable (functions/messages.ts, comparableSequencer)
SIZE = "size"
ETAG = "etag"
EVENT_TIME = "eventTime"  # when S3 says the object was written (ISO 8601); the to-do index's sort key
STATUS = "status"  # pending | converted | quarantined | rejected | empty | deleted
TODO = "todo"  # set (to TODO_VALUE) while the upload waits: the item is then in the to-do index
ERROR = "error"  # why it was rejected or left
# Written by the job.
CLAIM_RUN = "claimRun"  # the run converting it
CLAIMED_AT = "claimedAt"  # when that run claimed it (epoch seconds)
RUN_ID = "runId"  # the run that last marked it
ROWS_WRITTEN = "rowsWritten"
ROWS_QUARANTINED = "rowsQuarantined"
CONVERTED_ETAG = "convertedEtag"  # the version that run converted
CONVERTED_AT = "convertedAt"
QUARANTINE = "quarantine"  # the table holding its quarantined rows
SNAPSHOT = "snapshot"  # the curated table's snapshot that committed its rows
SETTINGS = "settings"  # a rejected upload: the fingerprint of the settings it was rejected under

TODO_VALUE = "todo"
TODO_INDEX = "todo"
DATASET_INDEX = "dataset"

ATTRIBUTES = (
    KEY,
    DATASET,
    SEQUENCER,
    SIZE,
    ETAG,
    EVENT_TIME,
    STATUS,
    TODO,
    ERROR,
    CLAIM_RUN,
    CLAIMED_AT,
    RUN_ID,
    ROWS_WRITTEN,
    ROWS_QUARANTINED,
    CONVERTED_ETAG,
    CONVERTED_AT,
    QUARANTINE,
    SNAPSHOT,
    SETTINGS,
)
# The placeholder of every attribute in update expressions ("#status" for "status"): several names are DynamoDB
# reserved words, so the expressions name every attribute through its placeholder.
NAMES = {"#" + name: name for name in ATTRIBUTES}
