import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { GlueClient } from "@aws-sdk/client-glue";
import { Classification, Logger, processBatch } from "./batch";

/** The fields of AWS's "Glue Crawler State Change" event this pipeline reads. */
export interface CrawlerStateChangeDetail {
    crawlerName: string;
    state: string;
    message?: string;
}

export type CrawlerStateChangeEvent = EventBridgeEvent<"Glue Crawler State Change", CrawlerStateChangeDetail>;

/** Accepts only the "Succeeded" state change of this pipeline's crawler (the EventBridge rule already filters). */
export function classifyCrawlerEvent(body: string, crawlerName: string): Classification {
    let event: Partial<CrawlerStateChangeEvent>;
    try {
        event = JSON.parse(body);
    } catch {
        return { action: "reject", reason: "body is not JSON" };
    }
    if (event === null || typeof event !== "object" || event.source !== "aws.glue" || event["detail-type"] !== "Glue Crawler State Change" || !event.detail) {
        return { action: "reject", reason: "body is not a Glue Crawler State Change event" };
    }
    if (event.detail.crawlerName !== crawlerName || event.detail.state !== "Succeeded") {
        return { action: "skip", reason: `crawler ${event.detail.crawlerName} ${event.detail.state}` };
    }
    return { action: "start", detail: `crawl of ${crawlerName} succeeded at ${event.time}` };
}

export interface StartJobDeps {
    glue: Pick<GlueClient, "send">;
    jobName: string;
    crawlerName: string;
    log?: Logger;
}

/** One StartJobRun per SQS batch of crawl completions; a job already running sends the batch back for later. */
export async function startJobForBatch(event: SQSEvent, deps: StartJobDeps): Promise<SQSBatchResponse> {
    const glueSdk: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    return processBatch(event, {
        classify: (body) => classifyCrawlerEvent(body, deps.crawlerName),
        start: async () => {
            const result = await deps.glue.send(new glueSdk.StartJobRunCommand({ JobName: deps.jobName }));
            return result.JobRunId;
        },
        busyError: "ConcurrentRunsExceededException",
        // Done once Glue accepts the run: a run that fails is emailed and left to Glue's retries.
        done: { when: "once started" },
        target: `job ${deps.jobName}`,
        log: deps.log ?? console,
    });
}
