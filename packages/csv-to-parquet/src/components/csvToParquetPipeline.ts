import * as pulumi from "@pulumi/pulumi";
import { createGlueResources, GlueOptions } from "./glue";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { createCrawlTrigger, createUploadPath } from "./pipelineFlow";
import { createMonitoring } from "./monitoring";
import { createStorage, Storage } from "./storage";
import { PipelineResources } from "./pipelineResources";
import { componentType, TypeScriptOnly } from "./componentType";
import { PipelineArgError, PipelineSettings, resolvePipelineSettings } from "./pipelineSettings";

/** What a pipeline's `resources` getter returns. */
const RESOURCES = new TypeScriptOnly<CsvToParquetPipeline, PipelineResources>();

/** The component's outputs, every one a name, ARN or location (a string): what every Pulumi language sees. */
export const PIPELINE_OUTPUTS = [
    "bucketName",
    "keyArn",
    "uploadLocation",
    "outputLocation",
    "quarantineLocation",
    "databaseName",
    "curatedDatabaseName",
    "athenaWorkgroupName",
    "crawlerName",
    "jobName",
    "uploadsTableName",
    "uploadDeadLetterQueueArn",
    "crawlCompletedDeadLetterQueueArn",
    "crawlerEventDeadLetterQueueArn",
    "topicArn",
    "dashboardName",
] as const;

/**
 * CSV uploaded under the raw prefix is catalogued by a Glue crawler and converted to Parquet by a Glue job.
 * S3 -> SNS -> SQS -> start-crawler Lambda (which records each upload in the ledger) and the crawler's event queue;
 * crawler "Succeeded" -> EventBridge -> SQS -> start-job Lambda; the job converts what the ledger holds; job outcomes,
 * crawler failures and alarms -> the notification topic. Busy Glue resources turn into SQS redeliveries, never lost
 * uploads. The constructor only wires the parts together: settings (pipelineSettings.ts), storage (storage.ts),
 * monitoring (monitoring.ts), Glue (glue.ts), and the flow between the stages (pipelineFlow.ts).
 */
export class CsvToParquetPipeline extends pulumi.ComponentResource {
    /** The data bucket's name: uploads, the tables' files, Glue's and Athena's files. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the pipeline key: the bucket (under SSE-KMS), the ledger, bookmarks and logs; uploaders and readers need it. */
    public readonly keyArn: pulumi.Output<string>;
    /** Where to upload CSV files, one folder per dataset: `s3://<bucket>/<rawPrefix>`. */
    public readonly uploadLocation: pulumi.Output<string>;
    /** Where each dataset's Iceberg table keeps its files: `s3://<bucket>/<outputPrefix>`. */
    public readonly outputLocation: pulumi.Output<string>;
    /** Rows put aside, per dataset: `s3://<bucket>/<quarantinePrefix>`. */
    public readonly quarantineLocation: pulumi.Output<string>;
    /** The raw database: the crawler's CSV tables. */
    public readonly databaseName: pulumi.Output<string>;
    /** The curated database: the job's Iceberg tables, one per dataset; query it with Athena. */
    public readonly curatedDatabaseName: pulumi.Output<string>;
    /** Analysts' Athena workgroup: encrypted results in the bucket, a per-query scan limit. */
    public readonly athenaWorkgroupName: pulumi.Output<string>;
    /** The Glue crawler over the uploads (S3 event mode). */
    public readonly crawlerName: pulumi.Output<string>;
    /** The Glue conversion job. */
    public readonly jobName: pulumi.Output<string>;
    /** The uploads ledger: one item per uploaded object and what happened to it. */
    public readonly uploadsTableName: pulumi.Output<string>;
    /** Dead-letter queue of the upload notifications whose retries ran out (see the README, "Replay a dead-letter queue"). */
    public readonly uploadDeadLetterQueueArn: pulumi.Output<string>;
    /** Dead-letter queue of the successful crawls whose job start gave up. */
    public readonly crawlCompletedDeadLetterQueueArn: pulumi.Output<string>;
    /** Dead-letter queue of the S3 events the crawler could not consume. */
    public readonly crawlerEventDeadLetterQueueArn: pulumi.Output<string>;
    /** The notification topic the emails go to. */
    public readonly topicArn: pulumi.Output<string>;
    /** The pipeline's CloudWatch dashboard. */
    public readonly dashboardName: pulumi.Output<string>;

    /**
     * TypeScript only: the pipeline's AWS resources themselves, for a program that wires them further (other
     * languages see their names and ARNs above).
     */
    get resources(): PipelineResources {
        return RESOURCES.get(this);
    }

    constructor(name: string, args: CsvToParquetPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        const [type, options] = componentType("CsvToParquetPipeline", "pipeline", opts);
        super(type, name, {}, options);
        const s = this.resolve(name, args);
        this.topicArn = pulumi.output(args.notificationTopicArn);
        const storage = createStorage(name, s, this);
        const { key, bucket, uploadsTable, crawlerEvents } = storage;
        [this.bucketName, this.keyArn, this.uploadsTableName] = [bucket.bucket, key.key.arn, uploadsTable.name];
        this.athenaWorkgroupName = storage.athenaWorkgroup.name;
        this.crawlerEventDeadLetterQueueArn = crawlerEvents.deadLetterQueue.arn;
        const at = (prefix: string) => pulumi.interpolate`s3://${this.bucketName}/${prefix}`;
        this.uploadLocation = at(s.prefixes.rawPrefix);
        this.outputLocation = at(s.prefixes.outputPrefix);
        this.quarantineLocation = at(s.prefixes.quarantinePrefix);

        const glue = createGlueResources(name, this.glueOptions(name, args, s, storage), this);
        [this.databaseName, this.curatedDatabaseName] = [glue.database.name, glue.curatedDatabase.name];
        [this.crawlerName, this.jobName] = [glue.crawler.name, glue.job.name];

        const flow = { settings: s, bucket, key, uploadsTable, crawlerEvents };
        const { starter, events } = createUploadPath(name, { ...flow, crawler: glue.crawler }, this);
        this.uploadDeadLetterQueueArn = starter.deadLetterQueue.arn;
        const jobStarter = createCrawlTrigger(name, { ...flow, crawlerName: this.crawlerName, job: glue.job }, this);
        this.crawlCompletedDeadLetterQueueArn = jobStarter.deadLetterQueue.arn;
        const monitored = { ...this.names(), topicArn: this.topicArn, starter, jobStarter };
        const dashboard = createMonitoring(name, { ...monitored, settings: s, crawlerEvents, uploadsTable }, this);
        this.dashboardName = dashboard.dashboardName;
        RESOURCES.set(this, {
            bucket,
            key: key.key,
            athenaWorkgroup: storage.athenaWorkgroup,
            uploadsTable,
            crawlerEventQueue: crawlerEvents.queue,
            crawlerEventDeadLetterQueue: crawlerEvents.deadLetterQueue,
            database: glue.database,
            curatedDatabase: glue.curatedDatabase,
            dataQualityRuleset: glue.ruleset,
            crawler: glue.crawler,
            job: glue.job,
            glueRole: glue.role,
            uploadsTopic: events.topic,
            uploadQueue: starter.queue,
            uploadDeadLetterQueue: starter.deadLetterQueue,
            startCrawlerFunction: starter.function,
            crawlCompletedQueue: jobStarter.queue,
            crawlCompletedDeadLetterQueue: jobStarter.deadLetterQueue,
            startJobFunction: jobStarter.function,
            dashboard,
        });
        this.registerOutputs(Object.fromEntries(PIPELINE_OUTPUTS.map((output) => [output, this[output]])));
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
