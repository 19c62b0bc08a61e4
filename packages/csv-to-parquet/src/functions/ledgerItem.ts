/*
 * The uploads ledger's item: every attribute the start-crawler function, the job and the operator commands write or
 * read, in TypeScript. etl/lake/ledger_item.py is the same shape in Python. Both sides write
 * testkit/fixtures/ledger-recorded-item.json for AWS's sample S3 event (tests/uploadsLedger.test.ts and
 * etl/tests/test_uploads_ledger.py check it), into the table testkit/fixtures/uploads-table.json describes.
 */
export { deploymentOnlyModule } from "./byValue";

export const LEDGER = {
    /** The table's partition key: the object's key, decoded ("csv_data/sales/my file.csv"). */
    key: "key",
    /** The dataset folder; the partition key of the dataset index, for reprocessing. */
    dataset: "dataset",
    /** S3's sequencer, stored comparable (messages.ts, comparableSequencer). */
    sequencer: "sequencer",
    size: "size",
    etag: "etag",
    /** When S3 says the object was written (ISO 8601): the sort key of the to-do index. */
    eventTime: "eventTime",
    /** pending | converted | quarantined | rejected | empty | deleted */
    status: "status",
    /** Set (to `todoValue`) while the upload waits: the item is then in the to-do index. */
    todo: "todo",
    /** Why it was rejected or left. */
    error: "error",
    /** Written by the job: the run converting it, and when it claimed it. */
    claimRun: "claimRun",
    claimedAt: "claimedAt",
    /** Written by the job when it marks the upload: the run, its counts, the version, the tables. */
    runId: "runId",
    rowsWritten: "rowsWritten",
    rowsQuarantined: "rowsQuarantined",
    convertedEtag: "convertedEtag",
    convertedAt: "convertedAt",
    /** The table holding its quarantined rows. */
    quarantine: "quarantine",
    /** The curated table's snapshot that committed its rows. */
    snapshot: "snapshot",
    /** A rejected upload: the fingerprint of the settings it was rejected under (read again once they change). */
    settings: "settings",
    todoValue: "todo",
    todoIndex: "todo",
    datasetIndex: "dataset",
} as const;

/** Attribute names of the item as update-expression placeholders ("#status" for "status"; several are reserved). */
export function placeholders(...names: string[]): Record<string, string> {
    return Object.fromEntries(names.map((name) => [`#${name}`, name]));
}
