/* AWS's documented sample events (testkit/fixtures) and the SQS messages that carry them, for the tests, the
   simulation and the benchmark. */
import type { SQSEvent, SQSRecord } from "aws-lambda";
import * as fs from "fs";
import * as path from "path";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A fixture with CRAWLER_NAME / JOB_NAME replaced by the names under test. */
export function fixture(name: string, names: { crawlerName?: string; jobName?: string } = {}): { [key: string]: Json } {
    const text = fs
        .readFileSync(path.join(__dirname, "fixtures", `${name}.json`), "utf8")
        .replace(/CRAWLER_NAME/g, names.crawlerName ?? "CRAWLER_NAME")
        .replace(/JOB_NAME/g, names.jobName ?? "JOB_NAME");
    return JSON.parse(text);
}

/**
 * An S3 ObjectCreated notification for one key, as S3 encodes it (the key URL-encoded, spaces as "+"), written
 * at `eventTime` (the sample's 2026-11-21T10:00:00.000Z unless given).
 */
export function s3Notification(encodedKey: string, eventTime?: string): { [key: string]: Json } {
    const event = fixture("s3-object-created");
    const records = event.Records as { [key: string]: Json }[];
    if (eventTime !== undefined) {
        records[0].eventTime = eventTime;
    }
    ((records[0].s3 as { [key: string]: Json }).object as { [key: string]: Json }).key = encodedKey;
    return event;
}

let counter = 0;

/** One SQS message, shaped as Lambda's SQS event source delivers it. */
export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
    counter += 1;
    return {
        messageId: `0000000${counter}-aaaa-bbbb-cccc-dddddddddddd`,
        receiptHandle: `handle-${counter}`,
        body,
        attributes: {
            ApproximateReceiveCount: String(receiveCount),
            SentTimestamp: "1763719200000",
            SenderId: "AIDAIENQZJOLO23YVJ4VO",
            ApproximateFirstReceiveTimestamp: "1763719200001",
        },
        messageAttributes: {},
        md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:queue",
        awsRegion: "us-east-1",
    };
}

export function sqsEvent(...bodies: (string | Json)[]): SQSEvent {
    return { Records: bodies.map((b) => sqsRecord(typeof b === "string" ? b : JSON.stringify(b))) };
}

/**
 * EventBridge pattern matching for the forms this project uses: arrays of literal values and nested objects.
 * Any other form throws, so a test never passes on a pattern it does not understand.
 */
export function matchesPattern(pattern: Json, event: Json): boolean {
    if (Array.isArray(pattern)) {
        for (const value of pattern) {
            if (value !== null && typeof value === "object") {
                throw new Error(`unsupported pattern operator ${JSON.stringify(value)}`);
            }
        }
        const values = Array.isArray(event) ? event : [event];
        return values.some((v) => pattern.includes(v as string | number | boolean | null));
    }
    if (pattern === null || typeof pattern !== "object") {
        throw new Error(`pattern leaves must be arrays, not ${JSON.stringify(pattern)}`);
    }
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
        return false;
    }
    return Object.entries(pattern).every(([key, sub]) => key in event && matchesPattern(sub, event[key]));
}
