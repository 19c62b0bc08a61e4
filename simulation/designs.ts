/*
 * The two designs run through the same model: the queued one this project deploys (S3 -> SQS -> start-crawler,
 * crawl Succeeded -> SQS -> start-job, with the handlers under test), and the direct one that S3-triggered
 * examples use (S3 invokes a Lambda per object that calls StartCrawler; the crawler's Succeeded event invokes a
 * Lambda that calls StartJobRun).
 */
import type { S3Event, SQSEvent } from "aws-lambda";
import { GlueClient, StartCrawlerCommand, StartJobRunCommand } from "@aws-sdk/client-glue";
import { crawlerStatePattern } from "../packages/csv-to-parquet/src/components/eventPatterns";
import { PIPELINE_DEFAULTS } from "../packages/csv-to-parquet/src/components/defaults";
import { jobMaxReceives, QUEUE_DEFAULTS } from "../packages/csv-to-parquet/src/components/queueDefaults";
import { fixture, Json, matchesPattern, s3Notification } from "../testkit/events";
import { startCrawlerForBatch, startJobForBatch } from "../packages/csv-to-parquet/src/functions";
import { acceptingLedger } from "../testkit/ledgerStub";
import { Clock, EventSourceMapping, SimQueue, SqsHandler } from "./engine";
import { GlueEvent, GlueTimings, SimGlue } from "./glue";

export interface Scenario {
    name: string;
    /** Objects written under the raw prefix, with when (seconds). */
    uploads: { at: number; key: string }[];
    /** Bodies that are not S3 notifications, sent to the upload queue. */
    malformed?: { at: number; body: string }[];
    timings: GlueTimings;
}

export interface Report {
    design: string;
    scenario: string;
    uploads: number;
    /** Uploads never written as Parquet: the pipeline's promise is 0. */
    lost: number;
    crawls: number;
    failedCrawls: number;
    jobRuns: number;
    startCrawlerCalls: number;
    getCrawlerCalls: number;
    startJobRunCalls: number;
    invocations: number;
    /** Messages moved to a dead-letter queue (queued design). */
    deadLettered: number;
    /** Events Lambda or the handler gave up on (direct design). */
    dropped: number;
    /** Most deliveries of one upload message (queued design). */
    maxReceives: number;
    /** From the last upload until the last processed upload was written as Parquet, in minutes. */
    drainMinutes: number;
    /** Messages the NotificationTopic would email. */
    emails: number;
}

export const CRAWLER = "sim-crawler";
export const JOB = "sim-job";
export const RAW_PREFIX = PIPELINE_DEFAULTS.rawPrefix;
/** Simulated time allowed after the last upload for everything to settle. */
const HORIZON_SECONDS = 24 * 3600;

/** The EventBridge event Glue emits, shaped like AWS's sample. */
function eventJson(event: GlueEvent): { [key: string]: Json } {
    const sample =
        event["detail-type"] === "Glue Crawler State Change"
            ? fixture("glue-crawler-succeeded")
            : fixture("glue-job-succeeded");
    return {
        ...sample,
        time: event.time.toISOString(),
        detail: { ...(sample.detail as { [key: string]: Json }), ...event.detail },
    };
}

function report(design: string, scenario: Scenario, clock: Clock, glue: SimGlue, extra: Partial<Report>): Report {
    const lastUpload = Math.max(...scenario.uploads.map((u) => u.at));
    const processed = glue.files.filter((f) => f.processedAt !== undefined).map((f) => f.processedAt as number);
    return {
        design,
        scenario: scenario.name,
        uploads: glue.files.length,
        lost: glue.files.length - processed.length,
        crawls: glue.crawls,
        failedCrawls: glue.failedCrawls,
        jobRuns: glue.jobRuns,
        startCrawlerCalls: glue.calls.StartCrawler,
        getCrawlerCalls: glue.calls.GetCrawler,
        startJobRunCalls: glue.calls.StartJobRun,
        invocations: 0,
        deadLettered: 0,
        dropped: 0,
        maxReceives: 0,
        emails: 0,
        drainMinutes: processed.length ? Math.round(((Math.max(...processed) - lastUpload) / 60) * 10) / 10 : NaN,
        ...extra,
    };
}

function scheduleUploads(
    clock: Clock,
    glue: SimGlue,
    scenario: Scenario,
    notify: (key: string) => void | Promise<void>,
): void {
    for (const u of scenario.uploads) {
        clock.at(u.at, async () => {
            glue.upload(u.key);
            await notify(u.key);
        });
    }
}

/** The handlers a queued pipeline runs, given the Glue client they talk to. */
export interface QueuedHandlers {
    startCrawler: SqsHandler;
    startJob: SqsHandler;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The plain handlers the deployed callbacks wrap, talking to the model's Glue. */
export function plainHandlers(glue: Pick<GlueClient, "send">, sim: SimGlue): QueuedHandlers {
    const { crawlerName, jobName } = sim;
    const ledger = acceptingLedger();
    return {
        startCrawler: (event: SQSEvent) =>
            startCrawlerForBatch(event, { glue, crawlerName, rawPrefix: RAW_PREFIX, ledger, log: silent }),
        startJob: (event: SQSEvent) => startJobForBatch(event, { glue, jobName, crawlerName, log: silent }),
    };
}

export interface QueuedOptions {
    /** The label in the report. Default: "queued (this project)". */
    design?: string;
    /** Sets the crawl-completed queue's max receives as the component does. Default: the pipeline default. */
    jobTimeoutMinutes?: number;
    crawlerName?: string;
    jobName?: string;
}

/**
 * The deployed design with the queue settings the component deploys by default. `handlers` receives the model's
 * Glue client (the serialized-code tests ignore it: their own GlueClient is routed to the model instead).
 */
export async function runQueued(
    scenario: Scenario,
    handlers: (glue: Pick<GlueClient, "send">, sim: SimGlue) => QueuedHandlers,
    options: QueuedOptions = {},
): Promise<Report & { glue: SimGlue; uploadQueue: SimQueue }> {
    const { design = "queued (this project)", jobTimeoutMinutes = PIPELINE_DEFAULTS.jobTimeoutMinutes } = options;
    const clock = new Clock();
    const glue = new SimGlue(clock, options.crawlerName ?? CRAWLER, options.jobName ?? JOB, scenario.timings);
    const { startCrawler, startJob } = handlers(glue.client(), glue);
    const Q = QUEUE_DEFAULTS;
    const uploadQueue = new SimQueue("uploads", clock, {
        visibilityTimeoutSeconds: Q.retryIntervalSeconds,
        maxReceiveCount: Q.crawlerMaxReceives,
    });
    const crawlQueue = new SimQueue("crawl-completed", clock, {
        visibilityTimeoutSeconds: Q.retryIntervalSeconds,
        maxReceiveCount: jobMaxReceives(jobTimeoutMinutes, Q.retryIntervalSeconds),
    });
    const uploadMapping = new EventSourceMapping(clock, uploadQueue, startCrawler, {
        batchSize: Q.uploadBatchSize,
        batchWindowSeconds: PIPELINE_DEFAULTS.batchWindowSeconds,
        maximumConcurrency: Q.maximumConcurrency,
    });
    const crawlMapping = new EventSourceMapping(clock, crawlQueue, startJob, {
        batchSize: Q.crawlCompletedBatchSize,
        batchWindowSeconds: Q.crawlCompletedBatchWindowSeconds,
        maximumConcurrency: Q.maximumConcurrency,
    });
    const startJobRule = crawlerStatePattern(glue.crawlerName, ["Succeeded"]) as unknown as Json;
    let emails = 0;
    glue.onEvent = (event) => {
        const json = eventJson(event);
        if (matchesPattern(startJobRule, json)) {
            crawlQueue.send(JSON.stringify(json));
        } else {
            emails += 1; // crawler Failed, and every job outcome, go to the topic
        }
    };
    scheduleUploads(clock, glue, scenario, (key) =>
        uploadQueue.send(JSON.stringify(s3Notification(key, clock.date().toISOString()))),
    );
    for (const m of scenario.malformed ?? []) clock.at(m.at, () => uploadQueue.send(m.body));
    await clock.run(Math.max(...scenario.uploads.map((u) => u.at)) + HORIZON_SECONDS);
    const deadLettered = uploadQueue.deadLetters.length + crawlQueue.deadLetters.length;
    return {
        ...report(design, scenario, clock, glue, {
            invocations: uploadMapping.invocations + crawlMapping.invocations,
            deadLettered,
            maxReceives: uploadQueue.maxReceives,
            emails: emails + (deadLettered > 0 ? 1 : 0) + (uploadMapping.errors + crawlMapping.errors > 0 ? 1 : 0),
        }),
        glue,
        uploadQueue,
    };
}

/**
 * The direct design. With `retries` the handlers throw on a busy crawler or job and Lambda's asynchronous
 * invocation tries twice more (one minute, then two minutes later) before it discards the event; without it
 * they log the busy error and return, as the S3-trigger examples do.
 */
export async function runDirect(scenario: Scenario, retries: boolean): Promise<Report> {
    const clock = new Clock();
    const glue = new SimGlue(clock, CRAWLER, JOB, scenario.timings);
    const client = glue.client();
    let invocations = 0;
    let dropped = 0;
    const invokeAsync = <E>(handler: (event: E) => Promise<void>, event: E, attempt = 1): Promise<void> => {
        invocations += 1;
        return handler(event).catch(() => {
            if (retries && attempt < 3) {
                clock.after(attempt === 1 ? 60 : 120, () => invokeAsync(handler, event, attempt + 1));
            } else {
                dropped += 1;
            }
        });
    };
    const busy = (name: string) => async (send: () => Promise<unknown>) => {
        try {
            await send();
        } catch (err) {
            if ((err as Error).name !== name || retries) throw err;
            dropped += 1; // "already running": logged and forgotten
        }
    };
    const startCrawler = async (event: S3Event) => {
        if (event.Records.length > 0)
            await busy("CrawlerRunningException")(() => client.send(new StartCrawlerCommand({ Name: CRAWLER })));
    };
    const startJob = async () =>
        busy("ConcurrentRunsExceededException")(() => client.send(new StartJobRunCommand({ JobName: JOB })));
    let emails = 0;
    glue.onEvent = (event) => {
        if (event.detail.state === "Succeeded") return invokeAsync(startJob, undefined);
        emails += 1;
        return undefined;
    };
    scheduleUploads(clock, glue, scenario, (key) =>
        invokeAsync(startCrawler, s3Notification(key, clock.date().toISOString()) as unknown as S3Event),
    );
    await clock.run(Math.max(...scenario.uploads.map((u) => u.at)) + HORIZON_SECONDS);
    return report(retries ? "direct, 2 async retries" : "direct, busy errors logged", scenario, clock, glue, {
        invocations,
        dropped,
        emails,
    });
}
