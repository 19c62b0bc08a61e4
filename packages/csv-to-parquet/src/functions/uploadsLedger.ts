import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describeError, isTransient, Logger } from "./batch";
import { LEDGER, placeholders } from "./ledgerItem";
import { createdCsvObject, S3Notification } from "./messages";
import type { ParsedMessage } from "./parser";
export { deploymentOnlyModule } from "./byValue";

/** One object S3 says was written: what the ledger keeps of it. */
export interface UploadRecord {
    key: string;
    dataset: string;
    sequencer: string;
    size: number;
    etag: string;
    eventTime: string;
}

/**
 * The uploads an S3 notification announces: ObjectCreated records of CSV objects in a dataset folder under the raw
 * prefix (`<raw prefix><dataset>/…/<name>.csv`, as the job reads them). Anything else announces none: the crawl
 * logic decides what to make of such a message.
 */
export function uploadsIn(notification: S3Notification, rawPrefix: string): UploadRecord[] {
    const uploads: UploadRecord[] = [];
    for (const record of notification.type === "records" ? notification.records : []) {
        const created = createdCsvObject(record, rawPrefix);
        if (created === undefined || "problem" in created) continue;
        const [dataset, ...rest] = created.key.slice(rawPrefix.length).split("/");
        if (rest.length === 0 || !dataset) continue;
        uploads.push({
            key: created.key,
            dataset,
            sequencer: created.sequencer,
            size: Number(created.object.size ?? 0),
            etag: String(created.object.eTag ?? ""),
            eventTime: new Date(created.time).toISOString(),
        });
    }
    return uploads;
}

/** DynamoDB errors a later delivery can cure. An array, not a Set: closure serialization drops a Set's members. */
const TRANSIENT_LEDGER_ERRORS: readonly string[] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "LimitExceededException",
    "TransactionConflictException",
];

export interface UploadsLedger {
    dynamodb: Pick<DynamoDBClient, "send">;
    tableName: string;
}

/**
 * Records one upload as pending, unless the ledger already holds this version or a later one of the key: the write
 * is conditional on the sequencer, so a redelivered notification changes nothing and an older one arriving late
 * never replaces a newer version. What a conversion left (its snapshot, a claim) stays on the item: the job needs
 * them to know that rows of the key are in the tables and must be replaced, and the claim check to see that the
 * version it converts is no longer the latest.
 * Resolves to false when the condition kept the item as it was.
 */
export async function recordUpload(ledger: UploadsLedger, upload: UploadRecord): Promise<boolean> {
    const sdk: typeof import("@aws-sdk/client-dynamodb") = require("@aws-sdk/client-dynamodb");
    const values: Record<string, AttributeValue> = {
        ":dataset": { S: upload.dataset },
        ":sequencer": { S: upload.sequencer },
        ":size": { N: String(upload.size) },
        ":etag": { S: upload.etag },
        ":eventTime": { S: upload.eventTime },
        ":pending": { S: "pending" },
        ":todo": { S: LEDGER.todoValue },
    };
    try {
        await ledger.dynamodb.send(
            new sdk.UpdateItemCommand({
                TableName: ledger.tableName,
                Key: { [LEDGER.key]: { S: upload.key } },
                UpdateExpression:
                    "SET #dataset = :dataset, #sequencer = :sequencer, #size = :size, #etag = :etag, " +
                    "#eventTime = :eventTime, #status = :pending, #todo = :todo REMOVE #error",
                ConditionExpression: "attribute_not_exists(#sequencer) OR #sequencer < :sequencer",
                ExpressionAttributeNames: placeholders(
                    LEDGER.dataset,
                    LEDGER.sequencer,
                    LEDGER.size,
                    LEDGER.etag,
                    LEDGER.eventTime,
                    LEDGER.status,
                    LEDGER.todo,
                    LEDGER.error,
                ),
                ExpressionAttributeValues: values,
            }),
        );
        return true;
    } catch (err) {
        if (describeError(err).name === "ConditionalCheckFailedException") {
            return false;
        }
        throw err;
    }
}

/**
 * Records every upload of every message, before anything else is done with them. Resolves to the ids of the
 * messages whose uploads could not all be recorded for a reason a later delivery can cure (throttling, 5xx): they
 * go back to the queue whole. Any other error fails the invocation, so the function's error alarm fires.
 */
export async function recordUploads(
    messages: ParsedMessage<S3Notification>[],
    ledger: UploadsLedger,
    rawPrefix: string,
    log: Logger,
): Promise<string[]> {
    const failed: string[] = [];
    for (const { messageId, body } of messages) {
        // A body that is not an S3 notification announces no upload; the crawl logic rejects it.
        for (const upload of body.success ? uploadsIn(body.data, rawPrefix) : []) {
            try {
                const recorded = await recordUpload(ledger, upload);
                log.info(recorded ? "Recorded upload" : "Upload already recorded at this or a later version", {
                    messageId,
                    key: upload.key,
                    sequencer: upload.sequencer,
                });
            } catch (err) {
                const { name, status, message } = describeError(err);
                if (!isTransient(err, TRANSIENT_LEDGER_ERRORS)) {
                    log.error("Cannot record upload", { messageId, key: upload.key, name, status, message });
                    throw err;
                }
                log.warn("Transient error recording upload; the message will be delivered again", {
                    messageId,
                    key: upload.key,
                    name,
                    status,
                });
                failed.push(messageId);
                break;
            }
        }
    }
    return failed;
}
