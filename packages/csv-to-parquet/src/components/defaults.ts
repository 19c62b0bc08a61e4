import type { BucketEncryption } from "./dataBucket";
import type { ExecutionClass, WorkerType } from "./glueJobOptions";

/** Defaults of a pipeline's settings, shared by the component and the stack config. */
export const PIPELINE_DEFAULTS = {
    rawPrefix: "csv_data/",
    outputPrefix: "parquet_data/",
    gluePrefix: "glue/",
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
    /** Comma-separated texts read as null besides the empty field, e.g. "NULL,N/A". */
    nullValues: "",
    /** "dataset=column;other=column": partition a dataset's Parquet and curated table by that column. */
    partitionColumns: "",
    /** Glue auto scaling: numberOfWorkers becomes a ceiling, idle workers are released. */
    autoScaling: true,
    /** Times Glue retries a failed job run. */
    jobMaxRetries: 0,
    /** SSE-KMS (the pipeline's customer managed key, bucket key on) or SSE-S3. */
    bucketEncryption: "SSE-KMS" as BucketEncryption,
    /** Days each Iceberg table keeps its snapshots: how far back time travel reaches. */
    snapshotRetentionDays: 7,
    /** With protectData, days an overwritten or deleted version of what the pipeline wrote is kept. */
    noncurrentVersionExpirationDays: 90,
} as const;
