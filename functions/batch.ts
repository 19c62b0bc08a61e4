import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/** What a handler makes of one queued message. */
export type Classification =
    | { action: "start"; detail: string }
    | { action: "skip"; reason: string }
    | { action: "reject"; reason: string };

/** The subset of `console` the handlers log through (Lambda turns it into JSON log lines). */
export interface Logger {
    info(message: string, ...details: unknown[]): void;
    warn(message: string, ...details: unknown[]): void;
    error(message: string, ...details: unknown[]): void;
}

export interface BatchOptions {
    /** Decides what a message body asks for. */
    classify(body: string): Classification;
    /** Starts the Glue crawler or job once for the whole batch; resolves to a run id when there is one. */
    start(): Promise<string | undefined>;
    /** The Glue error that means "already running": the messages go back to the queue for a later try. */
    busyError: string;
    /** What is started, for the logs ("crawler my-crawler"). */
    target: string;
    log: Logger;
}

/**
 * Glue errors that a later try can cure; anything else is a fault that must be seen (the invocation fails).
 * An array, not a Set: closure serialization copies a Set's methods but not its members.
 */
const TRANSIENT_ERRORS: readonly string[] = [
    "ThrottlingException", "InternalServiceException", "OperationTimeoutException",
    "ServiceUnavailableException", "ConcurrentModificationException", "TooManyRequestsException",
];

/** The name and HTTP status of an AWS SDK v3 error, whatever was thrown. */
export function describeError(err: unknown): { name: string; status?: number; message: string } {
    if (err instanceof Error) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        return { name: err.name, status, message: err.message };
    }
    return { name: "UnknownError", message: String(err) };
}

/**
 * Handles one SQS batch: every message is classified; when at least one asks for a start, Glue is called
 * exactly once. A busy crawler or job, throttling and 5xx answers return those messages as batch item failures,
 * so SQS delivers them again after the visibility timeout (and dead-letters them after maxReceiveCount).
 * Malformed messages are failures too: they alone go back, never holding up the rest of the batch.
 * Any other Glue error (unknown crawler/job, access denied) fails the invocation so the Lambda error alarm fires.
 */
export async function processBatch(event: SQSEvent, options: BatchOptions): Promise<SQSBatchResponse> {
    const failed: string[] = [];
    const starters: string[] = [];
    const details: string[] = [];
    for (const record of event.Records ?? []) {
        const outcome = options.classify(record.body);
        if (outcome.action === "reject") {
            options.log.error("Rejected message", { messageId: record.messageId, reason: outcome.reason });
            failed.push(record.messageId);
        } else if (outcome.action === "skip") {
            options.log.info("Skipped message", { messageId: record.messageId, reason: outcome.reason });
        } else {
            starters.push(record.messageId);
            details.push(outcome.detail);
        }
    }
    if (starters.length > 0) {
        try {
            const runId = await options.start();
            options.log.info(`Started ${options.target}`, { runId, messages: starters.length, details });
        } catch (err) {
            const { name, status, message } = describeError(err);
            if (name === options.busyError) {
                options.log.info(`${options.target} is busy; the messages will be delivered again`, { messages: starters.length });
            } else if (TRANSIENT_ERRORS.includes(name) || (status !== undefined && status >= 500)) {
                options.log.warn(`Transient error starting ${options.target}; the messages will be delivered again`, { name, status, message });
            } else {
                options.log.error(`Cannot start ${options.target}`, { name, status, message });
                throw err;
            }
            failed.push(...starters);
        }
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
