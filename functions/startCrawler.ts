import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { GlueClient } from "@aws-sdk/client-glue";
import { Logger, processBatch } from "./batch";
import { classifyS3Message } from "./s3Messages";

export interface StartCrawlerDeps {
    glue: Pick<GlueClient, "send">;
    crawlerName: string;
    /** Only objects under this prefix start a crawl (defence in depth behind the S3 filter). */
    rawPrefix: string;
    log?: Logger;
}

/**
 * At most one StartCrawler per SQS batch of S3 upload notifications. An upload is done only when a crawl that
 * started after it has succeeded (GetCrawler's LastCrawl): until then it goes back to the queue, so a running
 * crawler, a failed or a cancelled crawl never loses it, and the next delivery starts a crawl if none is running.
 */
export async function startCrawlerForBatch(event: SQSEvent, deps: StartCrawlerDeps): Promise<SQSBatchResponse> {
    const glueSdk: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    return processBatch(event, {
        classify: (body) => classifyS3Message(body, deps.rawPrefix),
        start: async () => {
            await deps.glue.send(new glueSdk.StartCrawlerCommand({ Name: deps.crawlerName }));
            return undefined;
        },
        progress: async () => {
            const { Crawler: crawler } = await deps.glue.send(new glueSdk.GetCrawlerCommand({ Name: deps.crawlerName }));
            const last = crawler?.LastCrawl;
            return {
                running: crawler?.State !== "READY",
                lastSuccessStartedAt: last?.Status === "SUCCEEDED" && last.StartTime ? new Date(last.StartTime).getTime() : undefined,
            };
        },
        busyError: "CrawlerRunningException",
        target: `crawler ${deps.crawlerName}`,
        log: deps.log ?? console,
    });
}
