import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createGlueResources, GlueOptions } from "./glue";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { createCrawlTrigger, createUploadPath } from "./pipelineFlow";
import { createMonitoring } from "./monitoring";
import { createStorage, Storage } from "./storage";
import { PipelineArgError, PipelineSettings, resolvePipelineSettings } from "./pipelineSettings";

/**
 * CSV uploaded under the raw prefix is catalogued by a Glue crawler and converted to Parquet by a Glue job.
 * S3 -> SNS -> SQS -> start-crawler Lambda (which records each upload in the ledger) and the crawler's event queue;
 * crawler "Succeeded" -> EventBridge -> SQS -> start-job Lambda; the job converts what the ledger holds; job outcomes,
 * crawler failures and alarms -> the notification topic. Busy Glue resources turn into SQS redeliveries, never lost
 * uploads. The constructor only wires the parts together: settings (pipelineSettings.ts), storage (storage.ts),
 * monitoring (monitoring.ts), Glue (glue.ts), and the flow between the stages (pipelineFlow.ts).
 */
export class CsvToParquetPipeline extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    /** Encrypts the bucket (under SSE-KMS), the job's bookmarks and every log group of the pipeline. */
    public readonly key: aws.kms.Key;
    /** The bucket's name. */
    public readonly bucketName: pulumi.Output<string>;
    /** Where to upload CSV files, one folder per dataset: `s3://<bucket>/<rawPrefix>`. */
    public readonly uploadLocation: pulumi.Output<string>;
    /** Where the Parquet appears: `s3://<bucket>/<outputPrefix>`. */
    public readonly outputLocation: pulumi.Output<string>;
    /** The raw database: the crawler's CSV tables. */
    public readonly database: aws.glue.CatalogDatabase;
    /** The curated database: the job's Parquet tables, one per dataset. */
    public readonly curatedDatabase: aws.glue.CatalogDatabase;
    /** The DQDL rules the job evaluates on each dataset's typed rows. */
    public readonly dataQualityRuleset: aws.glue.DataQualityRuleset;
    /** Analysts' workgroup: encrypted results in the bucket, a per-query scan limit. */
    public readonly athenaWorkgroup: aws.athena.Workgroup;
    /** Rows put aside, per dataset and run: `s3://<bucket>/<quarantinePrefix>`. */
    public readonly quarantineLocation: pulumi.Output<string>;
    /** The crawler (S3 event mode) and its name. */
    public readonly crawler: aws.glue.Crawler;
    public readonly crawlerName: pulumi.Output<string>;
    /** The conversion job and its name. */
    public readonly job: aws.glue.Job;
    public readonly jobName: pulumi.Output<string>;
    /** The job's role (the crawler has its own). */
    public readonly glueRole: aws.iam.Role;
    /** The uploads ledger: one item per uploaded object, what happened to it, and its Parquet objects. */
    public readonly uploadsTable: aws.dynamodb.Table;
    /** Every object created under the raw prefix is published here, then delivered to the two queues below. */
    public readonly uploadsTopic: aws.sns.Topic;
    /** The start-crawler function's queue of upload notifications, and its dead-letter queue. */
    public readonly uploadQueue: aws.sqs.Queue;
    public readonly uploadDeadLetterQueue: aws.sqs.Queue;
    /** The crawler's own queue of S3 events (S3 event mode), and its dead-letter queue. */
    public readonly crawlerEventQueue: aws.sqs.Queue;
    public readonly crawlerEventDeadLetterQueue: aws.sqs.Queue;
    /** The start-job function's queue of successful crawls, and its dead-letter queue. */
    public readonly crawlCompletedQueue: aws.sqs.Queue;
    public readonly crawlCompletedDeadLetterQueue: aws.sqs.Queue;
    /** The functions that record uploads and start the crawler, and start the job. */
    public readonly startCrawlerFunction: aws.lambda.Function;
    public readonly startJobFunction: aws.lambda.Function;
    /** The notification topic the emails go to. */
    public readonly topicArn: pulumi.Output<string>;
    /** The pipeline's CloudWatch dashboard. */
    public readonly dashboard: aws.cloudwatch.Dashboard;

    constructor(name: string, args: CsvToParquetPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("csv-to-parquet:pipeline:CsvToParquetPipeline", name, {}, opts);
        const s = this.resolve(name, args);
        this.topicArn = pulumi.output(args.notificationTopicArn);
        const storage = createStorage(name, s, this);
        const { key, bucket, uploadsTable, crawlerEvents } = storage;
        [this.key, this.bucket, this.bucketName, this.uploadsTable] = [key.key, bucket, bucket.bucket, uploadsTable];
        this.athenaWorkgroup = storage.athenaWorkgroup;
        this.crawlerEventQueue = crawlerEvents.queue;
        this.crawlerEventDeadLetterQueue = crawlerEvents.deadLetterQueue;
        const at = (prefix: string) => pulumi.interpolate`s3://${this.bucketName}/${prefix}`;
        this.uploadLocation = at(s.prefixes.rawPrefix);
        this.outputLocation = at(s.prefixes.outputPrefix);
        this.quarantineLocation = at(s.prefixes.quarantinePrefix);

        const glue = createGlueResources(name, this.glueOptions(name, args, s, storage), this);
        this.database = glue.database;
        this.curatedDatabase = glue.curatedDatabase;
        this.dataQualityRuleset = glue.ruleset;
        [this.crawler, this.crawlerName] = [glue.crawler, glue.crawler.name];
        [this.job, this.jobName, this.glueRole] = [glue.job, glue.job.name, glue.role];

        const flow = { settings: s, bucket, key, uploadsTable, crawlerEvents };
        const { starter, events } = createUploadPath(name, { ...flow, crawler: glue.crawler }, this);
        [this.uploadQueue, this.uploadDeadLetterQueue] = [starter.queue, starter.deadLetterQueue];
        [this.startCrawlerFunction, this.uploadsTopic] = [starter.function, events.topic];
        const jobStarter = createCrawlTrigger(name, { ...flow, crawlerName: this.crawlerName, job: glue.job }, this);
        [this.crawlCompletedQueue, this.crawlCompletedDeadLetterQueue] = [jobStarter.queue, jobStarter.deadLetterQueue];
        this.startJobFunction = jobStarter.function;
        const monitored = { ...this.names(), topicArn: this.topicArn, starter, jobStarter };
        this.dashboard = createMonitoring(name, { ...monitored, settings: s, crawlerEvents, uploadsTable }, this);
        this.registerOutputs({
            ...this.names(),
            bucketName: this.bucketName,
            topicArn: this.topicArn,
            quarantineLocation: this.quarantineLocation,
            athenaWorkgroupName: this.athenaWorkgroup.name,
            curatedDatabaseName: this.curatedDatabase.name,
        });
    }

    /** What Glue's resources are built from: the settings, the storage, and the names with their defaults. */
    private glueOptions(
        name: string,
        args: CsvToParquetPipelineArgs,
        s: PipelineSettings,
        storage: Storage,
    ): GlueOptions {
        const database = (suffix: string) => `${name.replace(/-/g, "_")}_${suffix}`;
        return {
            settings: s,
            uploadsTable: storage.uploadsTable,
            crawlerEvents: storage.crawlerEvents,
            bucket: storage.bucket,
            key: storage.key.key,
            keyPolicy: storage.key.keyPolicy,
            topicArn: this.topicArn,
            topicKeyArn: args.notificationTopicKeyArn,
            crawlerName: args.crawlerName ?? `${name}-crawler`,
            jobName: args.jobName ?? `${name}-job`,
            databaseName: args.databaseName ?? database("raw"),
            curatedDatabaseName: args.curatedDatabaseName ?? database("curated"),
        };
    }

    /** The names and locations the emails and the outputs give. */
    private names() {
        return {
            crawlerName: this.crawlerName,
            jobName: this.jobName,
            uploadLocation: this.uploadLocation,
            outputLocation: this.outputLocation,
        };
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
