/* The pipeline's stages wired together: uploads to the start-crawler function (and the crawler's queue), a crawl's
   success to the start-job function, and Glue's and the alarms' outcomes to the owners. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENV, startCrawlerFactory, startJobFactory } from "../functions/callbacks";
import { alarmRecoveredPattern } from "./alarms";
import { jobMaxReceives, QUEUE_DEFAULTS as Q } from "./queueDefaults";
import { crawlerStatePattern, jobStatePattern } from "./eventPatterns";
import { serviceMaySendTo } from "./iam";
import { PipelineSettings, FUNCTION_TIMEOUT_SECONDS } from "./pipelineSettings";
import { createQueueFunction, QueueFunction, QueueWithDeadLetter } from "./queueFunction";
import { createUploadEvents, UploadEvents } from "./uploadEvents";
import { recordUploadsStatements } from "./uploadsTable";

/** What every queue-fed function of the pipeline shares. */
function functionBasics(s: PipelineSettings, logKey: { key: aws.kms.Key; keyPolicy: aws.kms.KeyPolicy }) {
    return {
        visibilityTimeoutSeconds: s.retryIntervalSeconds,
        logRetentionDays: s.logRetentionDays,
        logKey,
        timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
        memorySize: 256,
    };
}

export interface UploadPathOptions {
    settings: PipelineSettings;
    bucket: aws.s3.Bucket;
    key: { key: aws.kms.Key; keyPolicy: aws.kms.KeyPolicy };
    crawler: aws.glue.Crawler;
    uploadsTable: aws.dynamodb.Table;
    /** The crawler's own queue of S3 events. */
    crawlerEvents: QueueWithDeadLetter;
}

/**
 * S3 -> the uploads topic -> the start-crawler queue and the crawler's event queue; the start-crawler function
 * records each upload in the ledger and starts the crawler once per batch.
 */
export function createUploadPath(
    name: string,
    o: UploadPathOptions,
    parent: pulumi.Resource,
): { starter: QueueFunction; events: UploadEvents } {
    const starter = createQueueFunction(
        `${name}-start-crawler`,
        {
            ...functionBasics(o.settings, o.key),
            description: "Records CSV uploads in the ledger and starts the Glue crawler once per batch",
            callbackFactory: startCrawlerFactory,
            environment: {
                [ENV.crawlerName]: o.crawler.name,
                [ENV.rawPrefix]: o.settings.prefixes.rawPrefix,
                [ENV.uploadsTable]: o.uploadsTable.name,
            },
            statements: () => [
                {
                    Sid: "StartCrawler",
                    Effect: "Allow",
                    Action: ["glue:GetCrawler", "glue:StartCrawler"],
                    Resource: o.crawler.arn,
                },
                ...recordUploadsStatements(o.uploadsTable, o.key.key.arn),
            ],
            maxReceiveCount: o.settings.crawlerMaxReceives,
            batchSize: Q.uploadBatchSize,
            batchWindowSeconds: o.settings.batchWindowSeconds,
        },
        parent,
    );
    const events = createUploadEvents(
        name,
        {
            bucket: o.bucket,
            rawPrefix: o.settings.prefixes.rawPrefix,
            key: o.key.key,
            keyPolicy: o.key.keyPolicy,
            queues: { "start-crawler": starter.queue, crawler: o.crawlerEvents.queue },
        },
        parent,
    );
    return { starter, events };
}

export interface CrawlTriggerOptions {
    settings: PipelineSettings;
    key: { key: aws.kms.Key; keyPolicy: aws.kms.KeyPolicy };
    crawlerName: pulumi.Input<string>;
    job: aws.glue.Job;
}

/** The crawler's "Succeeded" -> EventBridge -> the crawl-completed queue -> the start-job function. */
export function createCrawlTrigger(name: string, o: CrawlTriggerOptions, parent: pulumi.Resource): QueueFunction {
    const jobStarter = createQueueFunction(
        `${name}-start-job`,
        {
            ...functionBasics(o.settings, o.key),
            description: "Starts the Glue job once per batch of successful crawls",
            callbackFactory: startJobFactory,
            environment: { [ENV.jobName]: o.job.name, [ENV.crawlerName]: o.crawlerName },
            statements: () => [
                { Sid: "StartJobRun", Effect: "Allow", Action: "glue:StartJobRun", Resource: o.job.arn },
            ],
            maxReceiveCount: jobMaxReceives(o.settings.jobTimeoutMinutes, o.settings.retryIntervalSeconds),
            batchSize: Q.crawlCompletedBatchSize,
            batchWindowSeconds: Q.crawlCompletedBatchWindowSeconds,
        },
        parent,
    );
    const crawlSucceeded = new aws.cloudwatch.EventRule(
        `${name}-crawl-succeeded`,
        {
            description: "A crawl of this pipeline's crawler succeeded: start the job",
            eventPattern: pulumi.jsonStringify(crawlerStatePattern(o.crawlerName, ["Succeeded"])),
        },
        { parent },
    );
    const crawlQueuePolicy = new aws.sqs.QueuePolicy(
        `${name}-crawl-completed`,
        {
            queueUrl: jobStarter.queue.url,
            policy: serviceMaySendTo(jobStarter.queue.arn, "AllowTheCrawlSucceededRule", "events.amazonaws.com", {
                ArnEquals: { "aws:SourceArn": crawlSucceeded.arn },
            }),
        },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-crawl-succeeded`,
        {
            rule: crawlSucceeded.name,
            arn: jobStarter.queue.arn,
        },
        { parent, dependsOn: [crawlQueuePolicy] },
    );
    return jobStarter;
}

export interface NotificationRulesOptions {
    topicArn: pulumi.Input<string>;
    jobName: pulumi.Input<string>;
    crawlerName: pulumi.Input<string>;
    outputLocation: pulumi.Input<string>;
    uploadLocation: pulumi.Input<string>;
    alarms: aws.cloudwatch.MetricAlarm[];
}

/**
 * Emails through the topic: each job outcome, a failed crawl, an alarm back to OK.
 *
 * EventBridge does not escape what it extracts into a template ("Transforming target input"), so a Glue message
 * holding a quote, backslash or line break would make the input invalid and lose the email. The summary holds only
 * values that cannot contain those (names known here, states, run ids, times); Glue's own text arrives inside the
 * original event, which EventBridge inserts as valid JSON.
 */
export function createNotificationRules(name: string, o: NotificationRulesOptions, parent: pulumi.Resource): void {
    const notifications: [
        string,
        string,
        pulumi.Input<object>,
        aws.types.input.cloudwatch.EventTargetInputTransformer,
    ][] = [
        [
            "job-finished",
            "A run of this pipeline's job finished: tell the owners",
            jobStatePattern(o.jobName, ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"]),
            {
                inputPaths: { state: "$.detail.state", runId: "$.detail.jobRunId", time: "$.time" },
                inputTemplate: pulumi.interpolate`{"summary": "Pipeline ${name}: Glue job ${o.jobName} run <runId> ended <state> at <time>. Glue's message is event.detail.message below. Parquet output: ${o.outputLocation}", "event": <aws.events.event.json>}`,
            },
        ],
        [
            "crawl-failed",
            "A crawl of this pipeline's crawler failed: tell the owners",
            crawlerStatePattern(o.crawlerName, ["Failed"]),
            {
                inputPaths: { state: "$.detail.state", time: "$.time" },
                inputTemplate: pulumi.interpolate`{"summary": "Pipeline ${name}: Glue crawler ${o.crawlerName} <state> at <time>. Uploads under ${o.uploadLocation} wait for the next crawl. The error and the log link are event.detail.errorMessage and event.detail.cloudWatchLogLink below.", "event": <aws.events.event.json>}`,
            },
        ],
        // Recovery only for ALARM -> OK (see alarms.ts); the alarm names are this pipeline's own: no quote in them.
        [
            "alarm-recovered",
            "An alarm of this pipeline went from ALARM back to OK: tell the owners",
            alarmRecoveredPattern(o.alarms.map((a) => a.arn)),
            {
                inputPaths: { alarm: "$.detail.alarmName", time: "$.time" },
                inputTemplate: `"Pipeline ${name}: alarm <alarm> is OK again at <time>."`,
            },
        ],
    ];
    for (const [role, description, pattern, inputTransformer] of notifications) {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-${role}`,
            {
                description,
                eventPattern: pulumi.jsonStringify(pattern),
            },
            { parent },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-${role}`,
            { rule: rule.name, arn: o.topicArn, inputTransformer },
            { parent },
        );
    }
}
