import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LEDGER } from "../functions/uploadsLedger";
import { createAlarms } from "./alarms";
import { createAthenaWorkgroup } from "./athena";
import { createDashboard } from "./dashboard";
import { createDataBucket } from "./dataBucket";
import { createGlueResources } from "./glue";
import { createCustomerKey, logsMayUse } from "./kms";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { createCrawlTrigger, createNotificationRules, createUploadPath } from "./pipelineFlow";
import { PipelineArgError, PipelineSettings, resolvePipelineSettings } from "./pipelineSettings";
import { createQueueWithDeadLetter } from "./queueFunction";
import { s3MayPublishToEncryptedTopics } from "./uploadEvents";
import { createUploadsTable } from "./uploadsTable";

/**
 * How long a crawler event stays invisible once a crawl received it, and how many receives before it is
 * dead-lettered. How the crawler deletes what it consumed is not documented; SQS's default visibility (30 s) and
 * ten receives keep an event a crawl failed on for the next crawls, and an alarm fires when one gives up.
 */
const CRAWLER_EVENT_VISIBILITY_SECONDS = 30;
const CRAWLER_EVENT_MAX_RECEIVES = 10;
/** An upload still waiting this many job timeouts after it was written raises the uploads-waiting alarm. */
const PENDING_ALARM_JOB_TIMEOUTS = 3;

/**
 * CSV uploaded under the raw prefix is catalogued by a Glue crawler and converted to Parquet by a Glue job.
 * S3 -> SNS -> SQS -> start-crawler Lambda (which records each upload in the ledger) and the crawler's event queue;
 * crawler "Succeeded" -> EventBridge -> SQS -> start-job Lambda; the job converts what the ledger holds; job outcomes,
 * crawler failures and alarms -> the notification topic. Busy Glue resources turn into SQS redeliveries, never lost
 * uploads. The constructor only wires the parts together: settings (pipelineSettings.ts), bucket, ledger, Glue,
 * the flow between the stages (pipelineFlow.ts), alarms and dashboard.
 */
export class CsvToParquetPipeline extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    /** Encrypts the bucket (under SSE-KMS), the job's bookmarks and every log group of the pipeline. */
    public readonly key: aws.kms.Key;
    public readonly bucketName: pulumi.Output<string>;
    public readonly uploadLocation: pulumi.Output<string>;
    public readonly outputLocation: pulumi.Output<string>;
    public readonly database: aws.glue.CatalogDatabase;
    public readonly curatedDatabase: aws.glue.CatalogDatabase;
    public readonly dataQualityRuleset: aws.glue.DataQualityRuleset;
    public readonly athenaWorkgroup: aws.athena.Workgroup;
    public readonly quarantineLocation: pulumi.Output<string>;
    public readonly crawler: aws.glue.Crawler;
    public readonly crawlerName: pulumi.Output<string>;
    public readonly job: aws.glue.Job;
    public readonly jobName: pulumi.Output<string>;
    public readonly glueRole: aws.iam.Role;
    /** The uploads ledger: one item per uploaded object, what happened to it, and its Parquet objects. */
    public readonly uploadsTable: aws.dynamodb.Table;
    /** Every object created under the raw prefix is published here, then delivered to the two queues below. */
    public readonly uploadsTopic: aws.sns.Topic;
    public readonly uploadQueue: aws.sqs.Queue;
    /** The crawler's own queue of S3 events (S3 event mode), and its dead-letter queue. */
    public readonly crawlerEventQueue: aws.sqs.Queue;
    public readonly crawlerEventDeadLetterQueue: aws.sqs.Queue;
    public readonly uploadDeadLetterQueue: aws.sqs.Queue;
    public readonly crawlCompletedQueue: aws.sqs.Queue;
    public readonly crawlCompletedDeadLetterQueue: aws.sqs.Queue;
    public readonly startCrawlerFunction: aws.lambda.Function;
    public readonly startJobFunction: aws.lambda.Function;
    public readonly topicArn: pulumi.Output<string>;
    public readonly dashboard: aws.cloudwatch.Dashboard;

    constructor(name: string, args: CsvToParquetPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("csv-to-parquet:pipeline:CsvToParquetPipeline", name, {}, opts);
        const s = this.resolve(name, args);
        const { prefixes, protectData, bucketEncryption } = s;
        this.topicArn = pulumi.output(args.notificationTopicArn);
        const key = createCustomerKey(
            `${name}-key`,
            {
                description: `Encrypts the data, uploads ledger, job bookmarks and logs of the ${name} pipeline`,
                protect: protectData,
                serviceStatements: (scope) => [logsMayUse(scope), s3MayPublishToEncryptedTopics()],
            },
            this,
        );
        this.key = key.key;
        this.bucket = createDataBucket(
            name,
            {
                prefixes,
                protectData,
                tempExpirationDays: 7,
                athenaResultsExpirationDays: 30,
                encryption:
                    bucketEncryption === "SSE-KMS" ? { algorithm: "SSE-KMS", key: key.key } : { algorithm: "SSE-S3" },
                noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
            },
            this,
        ).bucket;
        this.bucketName = this.bucket.bucket;
        const at = (prefix: string) => pulumi.interpolate`s3://${this.bucketName}/${prefix}`;
        [this.uploadLocation, this.outputLocation, this.quarantineLocation] = [
            prefixes.rawPrefix,
            prefixes.outputPrefix,
            prefixes.quarantinePrefix,
        ].map(at);

        this.uploadsTable = createUploadsTable(name, { key: key.key, protectData }, this);
        // The crawler's own copy of the upload events (S3 event mode); kept long enough for the next crawl to see.
        const crawlerEvents = createQueueWithDeadLetter(
            `${name}-crawler-events`,
            {
                visibilityTimeoutSeconds: CRAWLER_EVENT_VISIBILITY_SECONDS,
                maxReceiveCount: CRAWLER_EVENT_MAX_RECEIVES,
            },
            this,
        );
        [this.crawlerEventQueue, this.crawlerEventDeadLetterQueue] = [
            crawlerEvents.queue,
            crawlerEvents.deadLetterQueue,
        ];
        const glue = createGlueResources(
            name,
            {
                settings: s,
                uploadsTable: this.uploadsTable,
                crawlerEvents,
                bucket: this.bucket,
                key: key.key,
                keyPolicy: key.keyPolicy,
                topicArn: this.topicArn,
                topicKeyArn: args.notificationTopicKeyArn,
                crawlerName: args.crawlerName ?? `${name}-crawler`,
                jobName: args.jobName ?? `${name}-job`,
                databaseName: args.databaseName ?? `${name.replace(/-/g, "_")}_raw`,
                curatedDatabaseName: args.curatedDatabaseName ?? `${name.replace(/-/g, "_")}_curated`,
            },
            this,
        );
        [this.database, this.curatedDatabase, this.dataQualityRuleset] = [
            glue.database,
            glue.curatedDatabase,
            glue.ruleset,
        ];
        [this.crawler, this.crawlerName, this.job, this.jobName, this.glueRole] = [
            glue.crawler,
            glue.crawler.name,
            glue.job,
            glue.job.name,
            glue.role,
        ];
        this.athenaWorkgroup = createAthenaWorkgroup(
            name,
            {
                bucket: this.bucket,
                resultsPrefix: prefixes.athenaPrefix,
                bytesScannedCutoffMb: s.athenaBytesScannedCutoffMb,
                protectData,
                key: bucketEncryption === "SSE-KMS" ? key.key : undefined,
            },
            this,
        );

        const { starter, events } = createUploadPath(
            name,
            {
                settings: s,
                bucket: this.bucket,
                key,
                crawler: glue.crawler,
                uploadsTable: this.uploadsTable,
                crawlerEvents,
            },
            this,
        );
        [this.uploadQueue, this.uploadDeadLetterQueue, this.startCrawlerFunction, this.uploadsTopic] = [
            starter.queue,
            starter.deadLetterQueue,
            starter.function,
            events.topic,
        ];
        const jobStarter = createCrawlTrigger(
            name,
            { settings: s, key, crawlerName: this.crawlerName, job: glue.job },
            this,
        );
        [this.crawlCompletedQueue, this.crawlCompletedDeadLetterQueue, this.startJobFunction] = [
            jobStarter.queue,
            jobStarter.deadLetterQueue,
            jobStarter.function,
        ];

        const functions = { "start-crawler": starter.function, "start-job": jobStarter.function };
        const alarms = createAlarms(
            name,
            {
                deadLetterQueues: {
                    "start-crawler": starter.deadLetterQueue,
                    "start-job": jobStarter.deadLetterQueue,
                    "crawler-events": crawlerEvents.deadLetterQueue,
                },
                functions,
                topicArn: this.topicArn,
                ledger: {
                    table: this.uploadsTable,
                    todoIndex: LEDGER.todoIndex,
                    jobName: this.jobName,
                    pendingAgeAlarmSeconds: PENDING_ALARM_JOB_TIMEOUTS * s.jobTimeoutMinutes * 60,
                },
            },
            this,
        );
        createNotificationRules(
            name,
            {
                topicArn: this.topicArn,
                jobName: this.jobName,
                crawlerName: this.crawlerName,
                outputLocation: this.outputLocation,
                uploadLocation: this.uploadLocation,
                alarms,
            },
            this,
        );
        this.dashboard = createDashboard(
            name,
            {
                queues: {
                    uploads: starter.queue,
                    "crawls completed": jobStarter.queue,
                    "crawler events": crawlerEvents.queue,
                },
                deadLetterQueues: {
                    "uploads DLQ": starter.deadLetterQueue,
                    "crawls completed DLQ": jobStarter.deadLetterQueue,
                    "crawler events DLQ": crawlerEvents.deadLetterQueue,
                },
                functions,
                jobName: this.jobName,
                table: this.uploadsTable,
            },
            this,
        );

        this.registerOutputs({
            bucketName: this.bucketName,
            uploadLocation: this.uploadLocation,
            outputLocation: this.outputLocation,
            crawlerName: this.crawlerName,
            jobName: this.jobName,
            topicArn: this.topicArn,
            quarantineLocation: this.quarantineLocation,
            athenaWorkgroupName: this.athenaWorkgroup.name,
            curatedDatabaseName: this.curatedDatabase.name,
        });
    }

    /** The settings with their defaults, or a ResourceError naming the first bad argument. */
    private resolve(name: string, args: CsvToParquetPipelineArgs): PipelineSettings {
        try {
            return resolvePipelineSettings(name, args);
        } catch (err) {
            if (err instanceof PipelineArgError)
                throw new pulumi.ResourceError(`CsvToParquetPipeline ${name}: ${err.message}`, this);
            throw err;
        }
    }
}
