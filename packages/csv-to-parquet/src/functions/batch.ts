import type { SQSBatchResponse } from "aws-lambda";
import type { ParsedMessage } from "./parser";
export { deploymentOnlyModule } from "./byValue";

/** What a handler makes of one queued message. */
export type Classification =
    | {
          action: "start";
          detail: string;
          /** When the event happened (epoch ms), if the message says. */ eventTime?: number;
      }
    | { action: "skip"; reason: string }
    | { action: "reject"; reason: string };

/** The subset of `console` the handlers log through (Lambda turns it into JSON log lines). */
export interface Logger {
    info(message: string, ...details: unknown[]): void;
    warn(message: string, ...details: unknown[]): void;
    error(message: string, ...details: unknown[]): void;
}

/** What Glue reports about the crawler or job, for handlers that keep messages until a run covers them. */
export interface Progress {
    /** A run is in progress, so starting one now would fail. */
    running: boolean;
    /** When the last finished run started (epoch ms), if that run succeeded. */
    lastSuccessStartedAt?: number;
}

/**
 * When a message counts as done, so that SQS may delete it:
 * - "once started": as soon as Glue accepts a start (or one is already running, for a busy error's retry);
 * - "once covered": only once a run that started after the message's event time has succeeded. Until then it goes
 *   back to the queue: a failed or cancelled run is started again on a later delivery, and a message no run ever
 *   covers reaches the dead-letter queue. `progress` says what Glue reports of its runs.
 */
export type DonePolicy = { when: "once started" } | { when: "once covered"; progress(): Promise<Progress> };

export interface BatchOptions<T> {
    /** Decides what a parsed message asks for (a body that did not parse is rejected without it). */
    classify(message: T): Classification;
    /** Starts the Glue crawler or job once for the whole batch; resolves to a run id when there is one. */
    start(): Promise<string | undefined>;
    /** The Glue error that means "already running": the messages go back to the queue for a later try. */
    busyError: string;
    done: DonePolicy;
    /** What is started, for the logs ("crawler my-crawler"). */
    target: string;
    log: Logger;
}

/**
 * Glue errors that a later try can cure; anything else is a fault that must be seen (the invocation fails).
 * An array, not a Set: closure serialization copies a Set's methods but not its members.
 */
const TRANSIENT_ERRORS: readonly string[] = [
    "ThrottlingException",
    "InternalServiceException",
    "OperationTimeoutException",
    "ServiceUnavailableException",
    "ConcurrentModificationException",
    "TooManyRequestsException",
];

/** Whether an AWS error is one a later try can cure: one of the service's named errors, or any 5xx answer. */
export function isTransient(err: unknown, names: readonly string[]): boolean {
    const { name, status } = describeError(err);
    return names.includes(name) || (status !== undefined && status >= 500);
}

/** The name and HTTP status of an AWS SDK v3 error, whatever was thrown. */
export function describeError(err: unknown): { name: string; status?: number; message: string } {
    if (err instanceof Error) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        return { name: err.name, status, message: err.message };
    }
    return { name: "UnknownError", message: String(err) };
}

/**
 * Handles one SQS batch: every message is classified; when at least one asks for a start, Glue is asked to
 * start at most once (after one progress query when the policy is "once covered"). A busy crawler or job, throttling and 5xx answers return those messages as batch item failures,
 * so SQS delivers them again after the visibility timeout (and dead-letters them after maxReceiveCount).
 * Malformed messages (a body its parser refused) are failures too: they alone go back, never holding up the rest of
 * the batch. Each body was parsed once, before this (parser.ts).
 * Any other Glue error (unknown crawler/job, access denied) fails the invocation so the Lambda error alarm fires.
 */
export async function processBatch<T>(
    messages: ParsedMessage<T>[],
    options: BatchOptions<T>,
): Promise<SQSBatchResponse> {
    const failed: string[] = [];
    let pending: { messageId: string; detail: string; eventTime?: number }[] = [];
    for (const record of messages) {
        const outcome: Classification = record.body.success
            ? options.classify(record.body.data)
            : { action: "reject", reason: record.body.error };
        if (outcome.action === "reject") {
            options.log.error("Rejected message", { messageId: record.messageId, reason: outcome.reason });
            failed.push(record.messageId);
        } else if (outcome.action === "skip") {
            options.log.info("Skipped message", { messageId: record.messageId, reason: outcome.reason });
        } else {
            pending.push({ messageId: record.messageId, detail: outcome.detail, eventTime: outcome.eventTime });
        }
    }
    if (pending.length === 0) {
        return respond(failed);
    }
    const ids = () => pending.map((p) => p.messageId);
    try {
        const { done } = options;
        if (done.when === "once covered") {
            const { running, lastSuccessStartedAt: since } = await done.progress();
            const covered = pending.filter(
                (p) => since !== undefined && p.eventTime !== undefined && p.eventTime < since,
            );
            if (covered.length > 0) {
                options.log.info(`Done: a successful run of ${options.target} began after these events`, {
                    runStartedAt: new Date(since as number).toISOString(),
                    messages: covered.length,
                    details: covered.map((p) => p.detail),
                });
            }
            pending = pending.filter((p) => !covered.includes(p));
            if (pending.length > 0 && running) {
                options.log.info(`${options.target} is running; the messages will be delivered again`, {
                    messages: pending.length,
                });
                return respond([...failed, ...ids()]);
            }
        }
        if (pending.length > 0) {
            const runId = await options.start();
            options.log.info(`Started ${options.target}`, {
                runId,
                messages: pending.length,
                details: pending.map((p) => p.detail),
            });
            if (done.when === "once covered") {
                // Kept until a later delivery sees this run succeed.
                failed.push(...ids());
            }
        }
    } catch (err) {
        const { name, status, message } = describeError(err);
        if (name === options.busyError) {
            options.log.info(`${options.target} is busy; the messages will be delivered again`, {
                messages: pending.length,
            });
        } else if (isTransient(err, TRANSIENT_ERRORS)) {
            options.log.warn(`Transient error from ${options.target}; the messages will be delivered again`, {
                name,
                status,
                message,
            });
        } else {
            options.log.error(`Cannot start ${options.target}`, { name, status, message });
            throw err;
        }
        failed.push(...ids());
    }
    return respond(failed);
}

function respond(failed: string[]): SQSBatchResponse {
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
