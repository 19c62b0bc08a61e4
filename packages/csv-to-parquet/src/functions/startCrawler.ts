import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { GlueClient } from "@aws-sdk/client-glue";
import { Logger, processBatch } from "./batch";
import { classifyS3Notification, s3NotificationParser } from "./messages";
import { parseMessages } from "./parser";
import { recordUploads, UploadsLedger } from "./uploadsLedger";
export { deploymentOnlyModule } from "./byValue";

export interface StartCrawlerDeps {
    glue: Pick<GlueClient, "send">;
    crawlerName: string;
    /** Only objects under this prefix start a crawl (defence in depth behind the S3 filter). */
    rawPrefix: string;
    /** Where every upload is recorded before its crawl logic runs. */
    ledger: UploadsLedger;
    log?: Logger;
}

/**
 * Every upload is first recorded in the uploads ledger (conditionally on its S3 sequencer), which is what the job
 * converts. Then at most one StartCrawler per SQS batch of S3 upload notifications. An upload is done only when a crawl that
 * started after it has succeeded (GetCrawler's LastCrawl): until then it goes back to the queue, so a running
 * crawler, a failed or a cancelled crawl never loses it, and the next delivery starts a crawl if none is running.
 */
export async function startCrawlerForBatch(event: SQSEvent, deps: StartCrawlerDeps): Promise<SQSBatchResponse> {
    const glueSdk: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    const log = deps.log ?? console;
    const messages = parseMessages(event, s3NotificationParser);
    const unrecorded = await recordUploads(messages, deps.ledger, deps.rawPrefix, log);
    const recorded = messages.filter((m) => !unrecorded.includes(m.messageId));
    const response = await processBatch(recorded, {
        classify: (notification) => classifyS3Notification(notification, deps.rawPrefix),
        start: async () => {
            await deps.glue.send(new glueSdk.StartCrawlerCommand({ Name: deps.crawlerName }));
            return undefined;
        },
        done: {
            when: "once covered",
            progress: async () => {
                const { Crawler: crawler } = await deps.glue.send(
                    new glueSdk.GetCrawlerCommand({ Name: deps.crawlerName }),
                );
                const last = crawler?.LastCrawl;
                return {
                    running: crawler?.State !== "READY",
                    lastSuccessStartedAt:
                        last?.Status === "SUCCEEDED" && last.StartTime ? new Date(last.StartTime).getTime() : undefined,
                };
            },
        },
        busyError: "CrawlerRunningException",
        target: `crawler ${deps.crawlerName}`,
        log,
    });
    response.batchItemFailures.push(...unrecorded.map((itemIdentifier) => ({ itemIdentifier })));
    return response;
}
