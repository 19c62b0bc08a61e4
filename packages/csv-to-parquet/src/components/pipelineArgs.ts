import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "./dataBucket";
import { ExecutionClass, WorkerType } from "./glueJobOptions";

/**
 * The arguments of `CsvToParquetPipeline`; each optional one states its default. `resolvePipelineSettings`
 * (pipelineSettings.ts) applies the defaults and checks every value, for the component and the stack config alike.
 * Every argument is open to every Pulumi language (the package's schema is inferred from this interface): plain
 * values, named interfaces and closed sets only.
 */
export interface CsvToParquetPipelineArgs {
    /** ARN of the SNS topic told of every job outcome and crawler failure (e.g. `NotificationTopic.topicArn`). Required. */
    notificationTopicArn: pulumi.Input<string>;
    /** The topic's KMS key, when it has one (e.g. `NotificationTopic.keyArn`): the job's reports are encrypted with it. Default: none. */
    notificationTopicKeyArn?: pulumi.Input<string>;
    /** `SSE-KMS` (the pipeline's customer managed key, bucket key on) or `SSE-S3` for the data bucket. Default: `SSE-KMS`. */
    bucketEncryption?: BucketEncryption;
    /** Days each Iceberg table keeps its snapshots (how far back time travel reaches), 1-3650; the job expires older ones. Default: `7`. */
    snapshotRetentionDays?: number;
    /** With `protectData`: days before a replaced or deleted version of what the pipeline wrote expires (1-36500). Default: `90`. */
    noncurrentVersionExpirationDays?: number;
    /** Glue crawler name. Default: `<name>-crawler`. */
    crawlerName?: pulumi.Input<string>;
    /** Glue job name. Default: `<name>-job`. */
    jobName?: pulumi.Input<string>;
    /** Glue Data Catalog database of the raw CSV tables. Default: `<name>_raw` with "-" as "_". */
    databaseName?: pulumi.Input<string>;
    /** Glue Data Catalog database of the curated Iceberg tables the job keeps. Default: `<name>_curated` with "-" as "_". */
    curatedDatabaseName?: pulumi.Input<string>;
    /** Where CSV files are uploaded, one folder per dataset. Default: `csv_data/`. */
    rawPrefix?: string;
    /** Where each dataset's Iceberg table keeps its files, `<outputPrefix><dataset>/`. Default: `parquet_data/`. */
    outputPrefix?: string;
    /** Glue's own files: `scripts/` and `temp/` below it. Default: `glue/`. */
    gluePrefix?: string;
    /** Where each dataset's quarantine table (the rows put aside) keeps its files, `<quarantinePrefix><dataset>/`. Default: `quarantine/`. */
    quarantinePrefix?: string;
    /** Where the Athena workgroup writes query results (kept 30 days). Default: `athena_results/`. */
    athenaPrefix?: string;
    /** Athena cancels a query of the workgroup that would scan more than this, in MiB (10-1,000,000,000). Default: `10240`. */
    athenaBytesScannedCutoffMb?: number;
    /** Data quality of each run. */
    dataQuality?: DataQuality;
    /** Texts read as null in every dataset besides the empty field, e.g. `["NULL", "N/A"]` (exact, case-sensitive). Default: none. */
    nullValues?: string[];
    /** Partition column per dataset folder, e.g. `{ sales: "order_date" }`. Default: none. */
    partitionColumns?: Record<string, string>;
    /** Glue auto scaling, with `numberOfWorkers` as the ceiling. Default: `true`. */
    autoScaling?: boolean;
    /** Times Glue retries a failed job run (0-10). Default: `0`. */
    jobMaxRetries?: number;
    /** Glue worker type. Default: `G.1X`. */
    workerType?: WorkerType;
    /** Number of workers, 2-1000. Default: `2`. */
    numberOfWorkers?: number;
    /** `STANDARD` or `FLEX` (cheaper, may start later; G.1X/G.2X only). Default: `STANDARD`. */
    executionClass?: ExecutionClass;
    /** Job run timeout in minutes; also sizes the retries of a waiting job start. Default: `60`. */
    jobTimeoutMinutes?: number;
    /** Retention of the functions' and job's log groups, in days: one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, …). Default: `30`. */
    logRetentionDays?: number;
    /** Versioning on, no `forceDestroy`, bucket protected and retained by Pulumi. Default: `false`. */
    protectData?: boolean;
    /** How long the start-crawler function gathers uploads into one batch, in seconds (1-300). Default: `60`. */
    batchWindowSeconds?: number;
    /** Delay before a busy crawler or job is asked again (the queues' visibility timeout), in seconds. Default: `180`. */
    retryIntervalSeconds?: number;
    /** Deliveries of an upload notification before it is dead-lettered. Default: `20` (an hour at 180 s). */
    crawlerMaxReceives?: number;
}

/** The data quality of each run of a pipeline's job (`CsvToParquetPipelineArgs.dataQuality`). */
export interface DataQuality {
    /** DQDL rules every dataset must pass. Default: `Rules = [ RowCount > 0 ]`. */
    rules?: string;
    /** Columns that must never be empty, in each dataset that has them (names as in the CSV header). Default: none. */
    keyColumns?: string[];
    /** A dataset with a larger share of failing rows is not written and the run fails (0-100). Default: `10`. */
    maxQuarantinedPercent?: number;
}
