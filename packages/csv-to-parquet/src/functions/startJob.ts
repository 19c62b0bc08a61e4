import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { GlueClient } from "@aws-sdk/client-glue";
import { Logger, processBatch } from "./batch";
import { classifyCrawlerEvent, crawlerEventParser } from "./messages";
import { parseMessages } from "./parser";
export { deploymentOnlyModule } from "./byValue";

export interface StartJobDeps {
    glue: Pick<GlueClient, "send">;
    jobName: string;
    crawlerName: string;
    log?: Logger;
}

/** One StartJobRun per SQS batch of crawl completions; a job already running sends the batch back for later. */
export async function startJobForBatch(event: SQSEvent, deps: StartJobDeps): Promise<SQSBatchResponse> {
    const glueSdk: typeof import("@aws-sdk/client-glue") = require("@aws-sdk/client-glue");
    return processBatch(parseMessages(event, crawlerEventParser), {
        classify: (crawl) => classifyCrawlerEvent(crawl, deps.crawlerName),
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
