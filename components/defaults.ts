/** What the config and NotificationTopic accept as an email address: one address, no separators. */
export const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** Glue worker types accepted for a `glueetl` job. */
export const WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

/** Worker types that the FLEX execution class can run on. */
export const FLEX_WORKER_TYPES: readonly WorkerType[] = ["G.1X", "G.2X"];

export const GLUE_VERSIONS = ["4.0", "5.0"] as const;
export type GlueVersion = (typeof GLUE_VERSIONS)[number];

export const EXECUTION_CLASSES = ["STANDARD", "FLEX"] as const;
export type ExecutionClass = (typeof EXECUTION_CLASSES)[number];

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
} as const;
