/* What the two queues' messages say: S3's upload notifications and EventBridge's crawler state changes. */
import type { EventBridgeEvent, S3Event } from "aws-lambda";
import type { Classification } from "./batch";
import { BodyParser, jsonBody, parsed, unparsed } from "./parser";
export { deploymentOnlyModule } from "./byValue";

/** S3 event keys are URL-encoded with "+" for a space ("my+file%2B1.csv" is "my file+1.csv"). */
export function decodeS3Key(key: string): string {
    return decodeURIComponent(key.replace(/\+/g, " "));
}

/** "sales/x.csv", "x.CSV", "x.Csv": the job converts objects whose name ends in ".csv" in any letter case. */
export function isCsvName(key: string): boolean {
    return key.toLowerCase().endsWith(".csv");
}

/**
 * Digits of the length before a stored sequencer. A sequencer reaches the function inside an SQS message of at most
 * 1 MiB (1,048,576 characters, 7 digits), so 8 digits hold the length of any sequencer that can arrive.
 */
const SEQUENCER_LENGTH_DIGITS = 8;

/**
 * S3's `sequencer` made comparable as a string, at any length: "the greater sequencer hexadecimal value is the event
 * that occurred later… left-pad the shorter value with zeros, and then do a lexicographical comparison" (S3 User
 * Guide, "Event message structure"; S3 promises no maximum length). Leading zeros carry no value, so they are
 * dropped and the count of the remaining digits, zero-padded, goes first: "0A1B" becomes "00000003-A1B", and the
 * stored strings compare as the hexadecimal values do. The case of the hex digits is not documented, so it is
 * folded to upper case. Undefined for anything that is not hexadecimal digits.
 */
export function comparableSequencer(sequencer: string): string | undefined {
    if (!/^[0-9A-Fa-f]+$/.test(sequencer)) return undefined;
    const digits = sequencer.toUpperCase().replace(/^0+(?=.)/, "");
    return `${String(digits.length).padStart(SEQUENCER_LENGTH_DIGITS, "0")}-${digits}`;
}

type S3Record = S3Event["Records"][number];

/**
 * One record of an S3 notification, as both its readers take it: a CSV object created under the raw prefix (its
 * decoded key, its event time in epoch ms, its comparable sequencer and S3's object fields), undefined for an object elsewhere or of another
 * name, or the problem that makes the record unusable.
 */
export function createdCsvObject(
    record: S3Record | undefined,
    rawPrefix: string,
):
    | { key: string; time: number; sequencer: string; object: S3Record["s3"]["object"] }
    | { problem: string }
    | undefined {
    const key = record?.s3?.object?.key;
    if (
        record?.eventSource !== "aws:s3" ||
        typeof key !== "string" ||
        !String(record.eventName).startsWith("ObjectCreated:")
    ) {
        return { problem: "record is not an S3 ObjectCreated event" };
    }
    let decoded: string;
    try {
        decoded = decodeS3Key(key);
    } catch {
        return { problem: `key ${key} is not URL-encoded` };
    }
    if (!decoded.startsWith(rawPrefix) || !isCsvName(decoded)) return undefined;
    const time = Date.parse(String(record.eventTime));
    if (Number.isNaN(time)) return { problem: `record for ${decoded} has no valid eventTime` };
    // Without a sequencer the ledger cannot order this version: the message fails, is retried, and ends in the
    // dead-letter queue (whose alarm fires) rather than being dropped.
    const sequencer = comparableSequencer(String(record.s3.object.sequencer ?? ""));
    if (sequencer === undefined) return { problem: `record for ${decoded} has no hexadecimal sequencer` };
    return { key: decoded, time, sequencer, object: record.s3.object };
}

/** What S3 sends to the queue: the test event it sends when the notification is configured, or event records. */
export type S3Notification = { type: "test" } | { type: "records"; records: S3Record[] };

/** Reads an S3 notification: the `s3:TestEvent`, or a non-empty `Records` list (each record is checked when used). */
export const s3NotificationParser: BodyParser<S3Notification> = jsonBody(
    (value: Partial<S3Event> & { Event?: string }) => {
        if (value.Event === "s3:TestEvent") return parsed<S3Notification>({ type: "test" });
        if (!Array.isArray(value.Records) || value.Records.length === 0) return unparsed("body has no S3 Records");
        return parsed<S3Notification>({ type: "records", records: value.Records });
    },
);

/**
 * Classifies an S3 notification: the `s3:TestEvent` is skipped; ObjectCreated records under the raw prefix ask for
 * a crawl (with the latest eventTime, since a crawl covers an object only if it started after the object was
 * written); a record that cannot be used rejects the message.
 */
export function classifyS3Notification(notification: S3Notification, rawPrefix: string): Classification {
    if (notification.type === "test") {
        return { action: "skip", reason: "s3:TestEvent" };
    }
    const keys: string[] = [];
    let eventTime = 0;
    for (const record of notification.records) {
        const created = createdCsvObject(record, rawPrefix);
        if (created === undefined) continue;
        if ("problem" in created) return { action: "reject", reason: created.problem };
        keys.push(created.key);
        eventTime = Math.max(eventTime, created.time);
    }
    if (keys.length === 0) {
        return { action: "skip", reason: `no CSV object under ${rawPrefix}` };
    }
    return { action: "start", detail: keys.join(", "), eventTime };
}

/** The fields of AWS's "Glue Crawler State Change" event this pipeline reads. */
export interface CrawlerStateChangeDetail {
    crawlerName: string;
    state: string;
    message?: string;
}

export type CrawlerStateChangeEvent = EventBridgeEvent<"Glue Crawler State Change", CrawlerStateChangeDetail>;

/** Reads a "Glue Crawler State Change" event from EventBridge. */
export const crawlerEventParser: BodyParser<CrawlerStateChangeEvent> = jsonBody(
    (value: Partial<CrawlerStateChangeEvent>) =>
        value.source === "aws.glue" &&
        value["detail-type"] === "Glue Crawler State Change" &&
        value.detail !== null &&
        typeof value.detail === "object"
            ? parsed(value as CrawlerStateChangeEvent)
            : unparsed("body is not a Glue Crawler State Change event"),
);

/** Accepts only the "Succeeded" state change of this pipeline's crawler (the EventBridge rule already filters). */
export function classifyCrawlerEvent(event: CrawlerStateChangeEvent, crawlerName: string): Classification {
    if (event.detail.crawlerName !== crawlerName || event.detail.state !== "Succeeded") {
        return { action: "skip", reason: `crawler ${event.detail.crawlerName} ${event.detail.state}` };
    }
    return { action: "start", detail: `crawl of ${crawlerName} succeeded at ${event.time}` };
}
