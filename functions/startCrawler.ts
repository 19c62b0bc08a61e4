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

/** One StartCrawler per SQS batch of S3 upload notifications; a running crawler sends the batch back for later. */
export async function startCrawlerForBatch(event: SQSEvent, deps: StartCrawlerDeps): Promise<SQSBatchResponse> {
    const glueSdk: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    return processBatch(event, {
        classify: (body) => classifyS3Message(body, deps.rawPrefix),
        start: async () => {
            await deps.glue.send(new glueSdk.StartCrawlerCommand({ Name: deps.crawlerName }));
            return undefined;
        },
        busyError: "CrawlerRunningException",
        target: `crawler ${deps.crawlerName}`,
        log: deps.log ?? console,
    });
}
