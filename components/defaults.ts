/** What the config and NotificationTopic accept as an email address: one address, no separators. */
export const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** A DQDL ruleset: "Rules = [ ... ]". */
export const DQDL_RULES = /^\s*Rules\s*=\s*\[[\s\S]*\]\s*$/;

/** Glue worker types accepted for a `glueetl` job. */
export const WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

/** Worker types that the FLEX execution class can run on. */
export const FLEX_WORKER_TYPES: readonly WorkerType[] = ["G.1X", "G.2X"];

// The conversion core runs on Glue 5.0's Spark 3.5 and Python 3.11 (it uses PySpark 3.5's API, e.g. bit_or, and
// is tested only there); Glue 4.0 (Spark 3.3, Python 3.10) would fail at its first dataset.
export const GLUE_VERSIONS = ["5.0"] as const;
export type GlueVersion = (typeof GLUE_VERSIONS)[number];

export const EXECUTION_CLASSES = ["STANDARD", "FLEX"] as const;
export type ExecutionClass = (typeof EXECUTION_CLASSES)[number];

/** How objects in the data bucket are encrypted: the pipeline's own KMS key, or S3-managed keys. */
export const BUCKET_ENCRYPTIONS = ["SSE-KMS", "SSE-S3"] as const;
export type BucketEncryption = (typeof BUCKET_ENCRYPTIONS)[number];

/** Defaults of a pipeline's settings, shared by the component and the stack config. */
export const PIPELINE_DEFAULTS = {
    rawPrefix: "csv_data/",
    outputPrefix: "parquet_data/",
    gluePrefix: "glue/",
    glueVersion: "5.0" as GlueVersion,
    workerType: "G.1X" as WorkerType,
    numberOfWorkers: 2,
    executionClass: "STANDARD" as ExecutionClass,
    jobTimeoutMinutes: 60,
    logRetentionDays: 30,
    protectData: false,
    batchWindowSeconds: 60,
    quarantinePrefix: "quarantine/",
    athenaPrefix: "athena_results/",
    /** Athena cancels a query of the workgroup that would scan more than this, in MiB (at least 10: 10,485,760 bytes). */
    athenaBytesScannedCutoffMb: 10240,
    /** DQDL rules every dataset must pass (Glue Data Quality Definition Language). */
    dataQualityRules: "Rules = [ RowCount > 0 ]",
    /** Comma-separated columns that must never be empty, in each dataset that has them. */
    keyColumns: "",
    /** A dataset with more failing rows than this share is not written at all, and the run fails. */
    maxQuarantinedPercent: 10,
    /** "dataset=column;other=column": partition a dataset's Parquet and curated table by that column. */
    partitionColumns: "",
    /** Glue auto scaling: numberOfWorkers becomes a ceiling, idle workers are released. */
    autoScaling: true,
    /** Times Glue retries a failed job run. */
    jobMaxRetries: 0,
    /** SSE-KMS (the pipeline's customer managed key, bucket key on) or SSE-S3. */
    bucketEncryption: "SSE-KMS" as BucketEncryption,
    /** With protectData, days an overwritten or deleted version of what the pipeline wrote is kept. */
    noncurrentVersionExpirationDays: 90,
} as const;

/** How the two queues are drained; the burst simulation (tests/simulation) models these same values. */
export const QUEUE_DEFAULTS = {
    /** Visibility timeout: how long a returned message waits before its next delivery, in seconds. */
    retryIntervalSeconds: 180,
    /** Deliveries of an upload message before it is dead-lettered (20 x 180 s: an hour of crawling). */
    crawlerMaxReceives: 20,
    uploadBatchSize: 100,
    crawlCompletedBatchSize: 10,
    crawlCompletedBatchWindowSeconds: 5,
    /** Concurrent invocations each event source mapping may run. */
    maximumConcurrency: 2,
} as const;

/** Deliveries of a crawl-completed message: enough to wait out one whole job run, plus a few for throttling. */
export function jobMaxReceives(jobTimeoutMinutes: number, retryIntervalSeconds: number): number {
    return Math.min(1000, Math.ceil((jobTimeoutMinutes * 60) / retryIntervalSeconds) + 3);
}
