import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ENV, startCrawlerFactory, startJobFactory } from "../functions/callbacks";
import { LEDGER } from "../functions/uploadsLedger";
import { alarmRecoveredPattern, createAlarms } from "./alarms";
import { createAthenaWorkgroup } from "./athena";
import { createDashboard } from "./dashboard";
import { createDataBucket } from "./dataBucket";
import { BUCKET_ENCRYPTIONS, BucketEncryption, DQDL_RULES, EXECUTION_CLASSES, FLEX_WORKER_TYPES, jobMaxReceives, PIPELINE_DEFAULTS as D, QUEUE_DEFAULTS as Q, WORKER_TYPES } from "./defaults";
import { createGlueResources } from "./glue";
import { createCustomerKey, logsMayUse } from "./kms";
import { serviceMaySendTo } from "./policies";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { validatePrefixes } from "./prefixes";
import { createQueueFunction, createQueueWithDeadLetter } from "./queueFunction";
import { createUploadEvents, s3MayPublishToEncryptedTopics } from "./uploadEvents";
import { crawlerStatePattern, jobStatePattern } from "./eventPatterns";
import { createUploadsTable, recordUploadsStatements } from "./uploadsTable";


const FUNCTION_TIMEOUT_SECONDS = 30;
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
 * S3 -> SQS -> start-crawler Lambda; crawler "Succeeded" -> EventBridge -> SQS -> start-job Lambda; job outcomes
 * and crawler failures -> the notification topic. Busy Glue resources turn into SQS redeliveries, never lost uploads.
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
        const fail = (field: string, problem: string) =>
            new pulumi.ResourceError(`CsvToParquetPipeline ${name}: ${field} ${problem}`, this);
        if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) {
            throw fail("name", `"${name}" must be 1-40 lower-case letters, digits or "-" (it prefixes S3 bucket names)`);
        }
        const prefixes = {
            rawPrefix: args.rawPrefix ?? D.rawPrefix,
            outputPrefix: args.outputPrefix ?? D.outputPrefix,
            gluePrefix: args.gluePrefix ?? D.gluePrefix,
            quarantinePrefix: args.quarantinePrefix ?? D.quarantinePrefix,
            athenaPrefix: args.athenaPrefix ?? D.athenaPrefix,
        };
        const prefixProblem = validatePrefixes(prefixes);
        if (prefixProblem) {
            throw fail(prefixProblem.field, prefixProblem.message);
        }
        const workerType = args.workerType ?? D.workerType;
        const numberOfWorkers = args.numberOfWorkers ?? D.numberOfWorkers;
        const executionClass = args.executionClass ?? D.executionClass;
        const jobTimeoutMinutes = args.jobTimeoutMinutes ?? D.jobTimeoutMinutes;
        const retryIntervalSeconds = args.retryIntervalSeconds ?? Q.retryIntervalSeconds;
        const batchWindowSeconds = args.batchWindowSeconds ?? D.batchWindowSeconds;
        const logRetentionDays = args.logRetentionDays ?? D.logRetentionDays;
        if (!(WORKER_TYPES as readonly string[]).includes(workerType)) throw fail("workerType", `"${workerType}" is not one of ${WORKER_TYPES.join(", ")}`);
        if (!Number.isInteger(numberOfWorkers) || numberOfWorkers < 2) throw fail("numberOfWorkers", `must be a whole number of at least 2, not ${numberOfWorkers}`);
        if (!(EXECUTION_CLASSES as readonly string[]).includes(executionClass)) throw fail("executionClass", `must be ${EXECUTION_CLASSES.join(" or ")}, not "${executionClass}"`);
        if (executionClass === "FLEX" && !(FLEX_WORKER_TYPES as readonly string[]).includes(workerType)) throw fail("workerType", `${workerType} cannot run the FLEX execution class`);
        if (!Number.isInteger(jobTimeoutMinutes) || jobTimeoutMinutes < 1 || jobTimeoutMinutes > 2880) throw fail("jobTimeoutMinutes", `must be 1-2880, not ${jobTimeoutMinutes}`);
        if (batchWindowSeconds < 1 || batchWindowSeconds > 300) throw fail("batchWindowSeconds", `must be 1-300, not ${batchWindowSeconds}`);
        // SQS requires the visibility timeout to be at least the function timeout; AWS advises six times it.
        if (retryIntervalSeconds < 6 * FUNCTION_TIMEOUT_SECONDS || retryIntervalSeconds > 43200) throw fail("retryIntervalSeconds", `must be ${6 * FUNCTION_TIMEOUT_SECONDS}-43200, not ${retryIntervalSeconds}`);
        const crawlerMaxReceives = args.crawlerMaxReceives ?? Q.crawlerMaxReceives;
        if (!Number.isInteger(crawlerMaxReceives) || crawlerMaxReceives < 2 || crawlerMaxReceives > 1000) throw fail("crawlerMaxReceives", `must be 2-1000, not ${crawlerMaxReceives}`);

        const dq = {
            rules: args.dataQuality?.rules ?? D.dataQualityRules,
            keyColumns: args.dataQuality?.keyColumns ?? [],
            maxQuarantinedPercent: args.dataQuality?.maxQuarantinedPercent ?? D.maxQuarantinedPercent,
        };
        if (!DQDL_RULES.test(dq.rules)) throw fail("dataQuality.rules", `must be a DQDL list such as "Rules = [ RowCount > 0 ]", not "${dq.rules}"`);
        if (!(dq.maxQuarantinedPercent >= 0 && dq.maxQuarantinedPercent <= 100)) throw fail("dataQuality.maxQuarantinedPercent", `must be 0-100, not ${dq.maxQuarantinedPercent}`);
        const jobMaxRetries = args.jobMaxRetries ?? D.jobMaxRetries;
        if (!Number.isInteger(jobMaxRetries) || jobMaxRetries < 0 || jobMaxRetries > 10) throw fail("jobMaxRetries", `must be 0-10, not ${jobMaxRetries}`);
        const cutoffMb = args.athenaBytesScannedCutoffMb ?? D.athenaBytesScannedCutoffMb;
        if (!Number.isInteger(cutoffMb) || cutoffMb < 10) throw fail("athenaBytesScannedCutoffMb", `must be a whole number of at least 10, not ${cutoffMb}`);

        const crawlerName = pulumi.output(args.crawlerName ?? `${name}-crawler`);
        const jobName = pulumi.output(args.jobName ?? `${name}-job`);
        this.topicArn = pulumi.output(args.notificationTopicArn);

        const bucketEncryption = args.bucketEncryption ?? D.bucketEncryption;
        if (!(BUCKET_ENCRYPTIONS as readonly string[]).includes(bucketEncryption)) throw fail("bucketEncryption", `must be ${BUCKET_ENCRYPTIONS.join(" or ")}, not "${bucketEncryption}"`);
        const noncurrentDays = args.noncurrentVersionExpirationDays ?? D.noncurrentVersionExpirationDays;
        if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) throw fail("noncurrentVersionExpirationDays", `must be a whole number of days, at least 1, not ${noncurrentDays}`);

        const protectData = args.protectData ?? D.protectData;
        const key = createCustomerKey(`${name}-key`, {
            description: `Encrypts the data, uploads ledger, job bookmarks and logs of the ${name} pipeline`,
            protect: protectData,
            serviceStatements: (scope) => [logsMayUse(scope), s3MayPublishToEncryptedTopics()],
        }, this);
        this.key = key.key;
        const data = createDataBucket(name, {
            prefixes, protectData, tempExpirationDays: 7, athenaResultsExpirationDays: 30,
            encryption: bucketEncryption === "SSE-KMS" ? { algorithm: "SSE-KMS", key: key.key } : { algorithm: "SSE-S3" },
            noncurrentVersionExpirationDays: noncurrentDays,
        }, this);
        this.bucket = data.bucket;
        this.bucketName = data.bucket.bucket;
        this.uploadLocation = pulumi.interpolate`s3://${this.bucketName}/${prefixes.rawPrefix}`;
        this.outputLocation = pulumi.interpolate`s3://${this.bucketName}/${prefixes.outputPrefix}`;

        this.uploadsTable = createUploadsTable(name, { key: key.key, protectData }, this);
        // The crawler's own copy of the upload events (S3 event mode); kept long enough for the next crawl to see.
        const crawlerEvents = createQueueWithDeadLetter(`${name}-crawler-events`, {
            visibilityTimeoutSeconds: CRAWLER_EVENT_VISIBILITY_SECONDS, maxReceiveCount: CRAWLER_EVENT_MAX_RECEIVES,
        }, this);
        this.crawlerEventQueue = crawlerEvents.queue;
        this.crawlerEventDeadLetterQueue = crawlerEvents.deadLetterQueue;
        const glue = createGlueResources(name, {
            uploadsTable: this.uploadsTable, crawlerEvents,
            bucket: this.bucket, key: key.key, keyPolicy: key.keyPolicy, bucketEncryption: bucketEncryption as BucketEncryption,
            topicKeyArn: args.notificationTopicKeyArn, prefixes, crawlerName, jobName,
            databaseName: args.databaseName ?? `${name.replace(/-/g, "_")}_raw`,
            curatedDatabaseName: args.curatedDatabaseName ?? `${name.replace(/-/g, "_")}_curated`,
            topicArn: this.topicArn, dataQualityRules: dq.rules, keyColumns: dq.keyColumns,
            maxQuarantinedPercent: dq.maxQuarantinedPercent, partitionColumns: args.partitionColumns ?? {},
            autoScaling: args.autoScaling ?? D.autoScaling, jobMaxRetries,
            glueVersion: args.glueVersion ?? D.glueVersion, workerType, numberOfWorkers, executionClass, jobTimeoutMinutes,
            logRetentionDays,
        }, this);
        this.database = glue.database;
        this.curatedDatabase = glue.curatedDatabase;
        this.dataQualityRuleset = glue.ruleset;
        this.quarantineLocation = pulumi.interpolate`s3://${this.bucketName}/${prefixes.quarantinePrefix}`;
        this.athenaWorkgroup = createAthenaWorkgroup(name, {
            bucket: this.bucket, resultsPrefix: prefixes.athenaPrefix, bytesScannedCutoffMb: cutoffMb, protectData,
            key: bucketEncryption === "SSE-KMS" ? key.key : undefined,
        }, this);
        this.crawler = glue.crawler;
        this.crawlerName = glue.crawler.name;
        this.job = glue.job;
        this.jobName = glue.job.name;
        this.glueRole = glue.role;

        const common = {
            visibilityTimeoutSeconds: retryIntervalSeconds, logRetentionDays, logKey: key,
            timeoutSeconds: FUNCTION_TIMEOUT_SECONDS, memorySize: 256,
        };
        const starter = createQueueFunction(`${name}-start-crawler`, {
            ...common,
            description: "Records CSV uploads in the ledger and starts the Glue crawler once per batch",
            callbackFactory: startCrawlerFactory,
            environment: { [ENV.crawlerName]: this.crawlerName, [ENV.rawPrefix]: prefixes.rawPrefix, [ENV.uploadsTable]: this.uploadsTable.name },
            statements: () => [
                { Sid: "StartCrawler", Effect: "Allow", Action: ["glue:GetCrawler", "glue:StartCrawler"], Resource: glue.crawler.arn },
                ...recordUploadsStatements(this.uploadsTable, key.key.arn),
            ],
            maxReceiveCount: crawlerMaxReceives, batchSize: Q.uploadBatchSize, batchWindowSeconds,
        }, this);
        this.uploadQueue = starter.queue;
        this.uploadDeadLetterQueue = starter.deadLetterQueue;
        this.startCrawlerFunction = starter.function;

        const uploadEvents = createUploadEvents(name, {
            bucket: this.bucket, rawPrefix: prefixes.rawPrefix, key: key.key, keyPolicy: key.keyPolicy,
            queues: { "start-crawler": starter.queue, crawler: crawlerEvents.queue },
        }, this);
        this.uploadsTopic = uploadEvents.topic;

        const jobStarter = createQueueFunction(`${name}-start-job`, {
            ...common,
            description: "Starts the Glue job once per batch of successful crawls",
            callbackFactory: startJobFactory,
            environment: { [ENV.jobName]: this.jobName, [ENV.crawlerName]: this.crawlerName },
            statements: () => [{ Sid: "StartJobRun", Effect: "Allow", Action: "glue:StartJobRun", Resource: glue.job.arn }],
            maxReceiveCount: jobMaxReceives(jobTimeoutMinutes, retryIntervalSeconds),
            batchSize: Q.crawlCompletedBatchSize, batchWindowSeconds: Q.crawlCompletedBatchWindowSeconds,
        }, this);
        this.crawlCompletedQueue = jobStarter.queue;
        this.crawlCompletedDeadLetterQueue = jobStarter.deadLetterQueue;
        this.startJobFunction = jobStarter.function;

        const crawlSucceeded = new aws.cloudwatch.EventRule(`${name}-crawl-succeeded`, {
            description: "A crawl of this pipeline's crawler succeeded: start the job",
            eventPattern: pulumi.jsonStringify(crawlerStatePattern(this.crawlerName, ["Succeeded"])),
        }, { parent: this });
        const crawlQueuePolicy = new aws.sqs.QueuePolicy(`${name}-crawl-completed`, {
            queueUrl: jobStarter.queue.url,
            policy: serviceMaySendTo(jobStarter.queue.arn, "AllowTheCrawlSucceededRule", "events.amazonaws.com", {
                ArnEquals: { "aws:SourceArn": crawlSucceeded.arn },
            }),
        }, { parent: this });
        new aws.cloudwatch.EventTarget(`${name}-crawl-succeeded`, {
            rule: crawlSucceeded.name,
            arn: jobStarter.queue.arn,
        }, { parent: this, dependsOn: [crawlQueuePolicy] });

        const alarms = createAlarms(name, {
            deadLetterQueues: {
                "start-crawler": starter.deadLetterQueue, "start-job": jobStarter.deadLetterQueue, "crawler-events": crawlerEvents.deadLetterQueue,
            },
            functions: { "start-crawler": starter.function, "start-job": jobStarter.function },
            topicArn: this.topicArn,
            ledger: {
                table: this.uploadsTable, todoIndex: LEDGER.todoIndex, jobName: this.jobName,
                pendingAgeAlarmSeconds: PENDING_ALARM_JOB_TIMEOUTS * jobTimeoutMinutes * 60,
            },
        }, this);

        // Emails: EventBridge does not escape what it extracts into a template ("Transforming target input"), so a
        // Glue message holding a quote, backslash or line break would make the input invalid and lose the email.
        // The summary holds only values that cannot contain those (names known here, states, run ids, times);
        // Glue's own text arrives inside the original event, which EventBridge inserts as valid JSON.
        const notifications: [string, string, pulumi.Input<object>, aws.types.input.cloudwatch.EventTargetInputTransformer][] = [
            ["job-finished", "A run of this pipeline's job finished: tell the owners",
                jobStatePattern(this.jobName, ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"]), {
                    inputPaths: { state: "$.detail.state", runId: "$.detail.jobRunId", time: "$.time" },
                    inputTemplate: pulumi.interpolate`{"summary": "Pipeline ${name}: Glue job ${this.jobName} run <runId> ended <state> at <time>. Glue's message is event.detail.message below. Parquet output: ${this.outputLocation}", "event": <aws.events.event.json>}`,
                }],
            ["crawl-failed", "A crawl of this pipeline's crawler failed: tell the owners",
                crawlerStatePattern(this.crawlerName, ["Failed"]), {
                    inputPaths: { state: "$.detail.state", time: "$.time" },
                    inputTemplate: pulumi.interpolate`{"summary": "Pipeline ${name}: Glue crawler ${this.crawlerName} <state> at <time>. Uploads under ${this.uploadLocation} wait for the next crawl. The error and the log link are event.detail.errorMessage and event.detail.cloudWatchLogLink below.", "event": <aws.events.event.json>}`,
                }],
            // Recovery only for ALARM -> OK (see alarms.ts); the alarm names are this pipeline's own: no quote in them.
            ["alarm-recovered", "An alarm of this pipeline went from ALARM back to OK: tell the owners",
                alarmRecoveredPattern(alarms.map((a) => a.arn)), {
                    inputPaths: { alarm: "$.detail.alarmName", time: "$.time" },
                    inputTemplate: `"Pipeline ${name}: alarm <alarm> is OK again at <time>."`,
                }],
        ];
        for (const [role, description, pattern, inputTransformer] of notifications) {
            const rule = new aws.cloudwatch.EventRule(`${name}-${role}`, {
                description,
                eventPattern: pulumi.jsonStringify(pattern),
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-${role}`, { rule: rule.name, arn: this.topicArn, inputTransformer }, { parent: this });
        }
        this.dashboard = createDashboard(name, {
            queues: { "uploads": starter.queue, "crawls completed": jobStarter.queue, "crawler events": crawlerEvents.queue },
            deadLetterQueues: {
                "uploads DLQ": starter.deadLetterQueue, "crawls completed DLQ": jobStarter.deadLetterQueue, "crawler events DLQ": crawlerEvents.deadLetterQueue,
            },
            functions: { "start-crawler": starter.function, "start-job": jobStarter.function },
            jobName: this.jobName, table: this.uploadsTable,
        }, this);

        this.registerOutputs({
            bucketName: this.bucketName, uploadLocation: this.uploadLocation, outputLocation: this.outputLocation,
            crawlerName: this.crawlerName, jobName: this.jobName, topicArn: this.topicArn,
            quarantineLocation: this.quarantineLocation, athenaWorkgroupName: this.athenaWorkgroup.name,
            curatedDatabaseName: this.curatedDatabase.name,
        });
    }
}
