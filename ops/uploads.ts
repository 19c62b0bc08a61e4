/*
 * What an operator asks of the uploads ledger, with their own AWS credentials: what happened to an upload, and
 * "convert these again". The clients are passed in (moto's server in the tests).
 */
import {
    AttributeValue,
    DynamoDBClient,
    GetItemCommand,
    QueryCommand,
    UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetJobRunsCommand, GlueClient } from "@aws-sdk/client-glue";
import { LEDGER, placeholders } from "csv-to-parquet";

type Item = Record<string, AttributeValue>;

/** Glue's states of a run that has not finished (JobRunState). */
const LIVE_RUN_STATES = ["STARTING", "RUNNING", "STOPPING", "WAITING"];

const text = (item: Item, name: string) => item[name]?.S;
const count = (item: Item, name: string) => Number(item[name]?.N ?? 0);

/** The ledger's item of an object key, or undefined when the ledger never saw it. */
export async function getUpload(
    dynamodb: Pick<DynamoDBClient, "send">,
    table: string,
    key: string,
): Promise<Item | undefined> {
    const answer = await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { [LEDGER.key]: { S: key } }, ConsistentRead: true }),
    );
    return answer.Item;
}

/**
 * What happened to an upload, in words: pending (and since when, and which run holds it), converted with the
 * curated table's snapshot that committed its rows and its row counts, quarantined with the table holding those
 * rows, rejected with why, deleted before the job read it.
 */
export function describeUpload(key: string, item: Item | undefined): string {
    if (item === undefined) {
        return (
            `${key}: not in the uploads ledger. Only objects whose name ends in .csv, in a dataset folder under the raw ` +
            "prefix, are recorded, from the moment the stack's ledger exists; check the key (it is case-sensitive)."
        );
    }
    const status = text(item, LEDGER.status) ?? "pending";
    const lines = [
        `${key}: ${status} (dataset ${text(item, LEDGER.dataset)}, uploaded ${text(item, LEDGER.eventTime)}, ETag ${text(item, LEDGER.etag)})`,
    ];
    if (status === "pending") {
        const claim = text(item, LEDGER.claimRun);
        lines.push(claim ? `  being converted by job run ${claim}` : "  waiting for the next job run");
    } else {
        lines.push(
            `  by job run ${text(item, LEDGER.runId)}: ${count(item, LEDGER.rowsWritten)} rows written, ${count(item, LEDGER.rowsQuarantined)} quarantined`,
        );
    }
    const error = text(item, LEDGER.error);
    if (error) lines.push(`  why: ${error}`);
    if (status === "rejected") {
        lines.push("  it is read again when it changes, when its dataset's settings change, or with npm run reprocess");
    }
    const quarantine = text(item, LEDGER.quarantine);
    if (quarantine) lines.push(`  quarantined rows: SELECT * FROM ${quarantine} WHERE _upload_key = '${key}'`);
    const snapshot = item[LEDGER.snapshot]?.N;
    if (snapshot !== undefined) {
        lines.push(
            status === "pending" || status === "rejected"
                ? `  rows of an earlier version, committed in snapshot ${snapshot}, stay until it converts`
                : `  rows committed in snapshot ${snapshot} of the curated table (column _upload_key = '${key}')`,
        );
    }
    return lines.join("\n");
}

/** The keys of a dataset's uploads, from the ledger's `dataset` index. */
export async function datasetKeys(
    dynamodb: Pick<DynamoDBClient, "send">,
    table: string,
    dataset: string,
): Promise<string[]> {
    const keys: string[] = [];
    let start: Item | undefined;
    do {
        const page = await dynamodb.send(
            new QueryCommand({
                TableName: table,
                IndexName: LEDGER.datasetIndex,
                KeyConditionExpression: "#dataset = :dataset",
                ExpressionAttributeNames: { "#dataset": LEDGER.dataset },
                ExpressionAttributeValues: { ":dataset": { S: dataset } },
                ExclusiveStartKey: start,
            }),
        );
        keys.push(...(page.Items ?? []).map((i) => i[LEDGER.key].S as string));
        start = page.LastEvaluatedKey;
    } while (start);
    return keys;
}

/** The job's run that has not finished, if any (the job runs one at a time). */
export async function liveJobRun(glue: Pick<GlueClient, "send">, jobName: string): Promise<string | undefined> {
    const { JobRuns: runs = [] } = await glue.send(new GetJobRunsCommand({ JobName: jobName, MaxResults: 10 }));
    return runs.find((r) => LIVE_RUN_STATES.includes(String(r.JobRunState)))?.Id;
}

/**
 * Puts uploads back in the job's to-do index as pending, keeping the record that their rows are in the tables, so
 * the job replaces those rows when it converts them again (they are never duplicated). Only a key the ledger holds, and that no
 * run holds, is changed: returns the keys marked, and those left with why.
 */
export async function markForReprocessing(
    dynamodb: Pick<DynamoDBClient, "send">,
    table: string,
    keys: string[],
): Promise<{ marked: string[]; left: [string, string][] }> {
    const marked: string[] = [];
    const left: [string, string][] = [];
    for (const key of keys) {
        try {
            await dynamodb.send(
                new UpdateItemCommand({
                    TableName: table,
                    Key: { [LEDGER.key]: { S: key } },
                    UpdateExpression: "SET #todo = :todo, #status = :pending REMOVE #error",
                    ConditionExpression: "attribute_exists(#key) AND attribute_not_exists(#claimRun)",
                    ExpressionAttributeNames: placeholders(
                        LEDGER.todo,
                        LEDGER.status,
                        LEDGER.error,
                        LEDGER.key,
                        LEDGER.claimRun,
                    ),
                    ExpressionAttributeValues: { ":todo": { S: LEDGER.todoValue }, ":pending": { S: "pending" } },
                }),
            );
            marked.push(key);
        } catch (err) {
            if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
            left.push([key, "not in the ledger, or held by a job run"]);
        }
    }
    return { marked, left };
}
