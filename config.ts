import * as pulumi from "@pulumi/pulumi";
import {
    BucketEncryption,
    CsvToParquetPipelineArgs,
    EMAIL_PATTERN,
    ExecutionClass,
    PIPELINE_DEFAULTS,
    PipelineArgError,
    resolvePipelineSettings,
    WorkerType,
} from "csv-to-parquet";

/** The name the stack gives its pipeline component. */
export const PIPELINE_NAME = "csv-to-parquet";

/** Validated stack configuration, every optional key resolved to its default. */
export interface DataLakeConfig {
    notificationEmails: string[];
    crawlerName: string;
    jobName: string;
    databaseName: string;
    curatedDatabaseName: string;
    rawPrefix: string;
    outputPrefix: string;
    gluePrefix: string;
    quarantinePrefix: string;
    athenaPrefix: string;
    athenaBytesScannedCutoffMb: number;
    dataQualityRules: string;
    keyColumns: string[];
    maxQuarantinedPercent: number;
    partitionColumns: Record<string, string>;
    nullValues: string[];
    autoScaling: boolean;
    jobMaxRetries: number;
    workerType: WorkerType;
    numberOfWorkers: number;
    executionClass: ExecutionClass;
    jobTimeoutMinutes: number;
    logRetentionDays: number;
    protectData: boolean;
    batchWindowSeconds: number;
    bucketEncryption: BucketEncryption;
    noncurrentVersionExpirationDays: number;
    snapshotRetentionDays: number;
}

/** Defaults of the optional keys; Pulumi.yaml declares the same values (a test keeps them equal). */
export const CONFIG_DEFAULTS = PIPELINE_DEFAULTS;

/** Every key this program reads, as `pulumi config set` names it. */
export const CONFIG_KEYS = [
    "notificationEmail",
    "crawlerName",
    "jobName",
    "databaseName",
    "curatedDatabaseName",
    ...Object.keys(CONFIG_DEFAULTS),
] as const;

/** Keys this program once read and no longer does, with what to do instead: a stack that still sets one is refused. */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
    glueVersion:
        "is no longer a setting: the job always runs Glue 5.0, whose Spark 3.5 and Python 3.11 the conversion needs; remove it with `pulumi config rm glueVersion`",
};

/** Raw values as the Pulumi config holds them: strings, or absent. */
export type RawConfig = Partial<Record<string, string>>;

/** A configuration problem, naming the key at fault. */
export class ConfigError extends Error {
    constructor(
        public readonly key: string,
        problem: string,
    ) {
        super(`Invalid stack config "${key}": ${problem}`);
        this.name = "ConfigError";
    }
}

function required(raw: RawConfig, key: string, hint: string): string {
    const value = raw[key]?.trim();
    if (!value) {
        throw new ConfigError(key, `it is required; set it with \`pulumi config set ${key} ${hint}\``);
    }
    return value;
}

function integer(raw: RawConfig, key: string, fallback: number): number {
    const text = raw[key]?.trim();
    if (text === undefined || text === "") {
        return fallback;
    }
    if (!/^-?\d+$/.test(text)) {
        throw new ConfigError(key, `"${text}" is not a whole number`);
    }
    return Number(text);
}

function boolean(raw: RawConfig, key: string, fallback: boolean): boolean {
    const text = raw[key]?.trim().toLowerCase();
    if (text === undefined || text === "") {
        return fallback;
    }
    if (text !== "true" && text !== "false") {
        throw new ConfigError(key, `"${raw[key]}" is not true or false`);
    }
    return text === "true";
}

/** Splits a comma- or semicolon-separated list of addresses, validates and de-duplicates them. */
export function parseEmails(text: string, key = "notificationEmail"): string[] {
    const seen = new Map<string, string>();
    for (const part of text
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter((s) => s !== "")) {
        if (!EMAIL_PATTERN.test(part)) {
            throw new ConfigError(key, `"${part}" is not an email address`);
        }
        if (!seen.has(part.toLowerCase())) {
            seen.set(part.toLowerCase(), part);
        }
    }
    if (seen.size === 0) {
        throw new ConfigError(key, "no email address given");
    }
    return [...seen.values()];
}

/** "sales=order_date; events=day" -> { sales: "order_date", events: "day" }. */
export function parsePartitionColumns(text: string, key = "partitionColumns"): Record<string, string> {
    const result: Record<string, string> = {};
    for (const part of text
        .split(/[;,]/)
        .map((s) => s.trim())
        .filter((s) => s !== "")) {
        const match = /^([^=\s/]+)\s*=\s*(\S.*)$/.exec(part);
        if (!match) {
            throw new ConfigError(key, `"${part}" is not "<dataset folder>=<column>"`);
        }
        if (match[1] in result) {
            throw new ConfigError(key, `dataset "${match[1]}" is given twice`);
        }
        result[match[1]] = match[2].trim();
    }
    return result;
}

/** The config key of a pipeline argument, for naming it in an error ("dataQuality.rules" is `dataQualityRules`). */
function configKey(field: string): string {
    const inDataQuality: Record<string, string> = { rules: "dataQualityRules" };
    const key = field.replace(/\[\d+\]$/, ""); // "nullValues[1]" is the list `nullValues`
    return key.startsWith("dataQuality.") ? (inDataQuality[key.slice(12)] ?? key.slice(12)) : key;
}

/** Turns raw config strings into values, applies the defaults, and checks them with the pipeline's own validator. */
export function parseConfig(raw: RawConfig): DataLakeConfig {
    for (const [key, problem] of Object.entries(RETIRED_KEYS)) {
        if (raw[key] !== undefined) throw new ConfigError(key, problem);
    }
    const text = (key: keyof typeof CONFIG_DEFAULTS) => raw[key]?.trim() || String(CONFIG_DEFAULTS[key]);
    const config: DataLakeConfig = {
        notificationEmails: parseEmails(required(raw, "notificationEmail", "team@example.com")),
        crawlerName: required(raw, "crawlerName", "my-csv-crawler"),
        jobName: required(raw, "jobName", "my-csv-to-parquet-job"),
        databaseName: required(raw, "databaseName", "my_raw_csv"),
        curatedDatabaseName: required(raw, "curatedDatabaseName", "my_curated"),
        rawPrefix: text("rawPrefix"),
        outputPrefix: text("outputPrefix"),
        gluePrefix: text("gluePrefix"),
        quarantinePrefix: text("quarantinePrefix"),
        athenaPrefix: text("athenaPrefix"),
        // The unions are checked by the validator below; until then these are the strings as given.
        workerType: text("workerType") as WorkerType,
        executionClass: text("executionClass") as ExecutionClass,
        bucketEncryption: text("bucketEncryption") as BucketEncryption,
        numberOfWorkers: integer(raw, "numberOfWorkers", CONFIG_DEFAULTS.numberOfWorkers),
        jobTimeoutMinutes: integer(raw, "jobTimeoutMinutes", CONFIG_DEFAULTS.jobTimeoutMinutes),
        logRetentionDays: integer(raw, "logRetentionDays", CONFIG_DEFAULTS.logRetentionDays),
        batchWindowSeconds: integer(raw, "batchWindowSeconds", CONFIG_DEFAULTS.batchWindowSeconds),
        protectData: boolean(raw, "protectData", CONFIG_DEFAULTS.protectData),
        athenaBytesScannedCutoffMb: integer(
            raw,
            "athenaBytesScannedCutoffMb",
            CONFIG_DEFAULTS.athenaBytesScannedCutoffMb,
        ),
        dataQualityRules: text("dataQualityRules"),
        keyColumns: (raw.keyColumns ?? CONFIG_DEFAULTS.keyColumns)
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
        maxQuarantinedPercent: integer(raw, "maxQuarantinedPercent", CONFIG_DEFAULTS.maxQuarantinedPercent),
        partitionColumns: parsePartitionColumns(raw.partitionColumns ?? CONFIG_DEFAULTS.partitionColumns),
        nullValues: (raw.nullValues ?? CONFIG_DEFAULTS.nullValues)
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
        autoScaling: boolean(raw, "autoScaling", CONFIG_DEFAULTS.autoScaling),
        jobMaxRetries: integer(raw, "jobMaxRetries", CONFIG_DEFAULTS.jobMaxRetries),
        noncurrentVersionExpirationDays: integer(
            raw,
            "noncurrentVersionExpirationDays",
            CONFIG_DEFAULTS.noncurrentVersionExpirationDays,
        ),
        snapshotRetentionDays: integer(raw, "snapshotRetentionDays", CONFIG_DEFAULTS.snapshotRetentionDays),
    };
    try {
        resolvePipelineSettings(PIPELINE_NAME, { notificationTopicArn: "", ...pipelineArgs(config) });
    } catch (err) {
        if (err instanceof PipelineArgError) throw new ConfigError(configKey(err.field), err.problem);
        throw err;
    }
    return config;
}

/** The pipeline's arguments from the stack config (the topic is the stack's own, so it is added there). */
export function pipelineArgs(config: DataLakeConfig): Omit<CsvToParquetPipelineArgs, "notificationTopicArn"> {
    const { notificationEmails, dataQualityRules, keyColumns, maxQuarantinedPercent, ...args } = config;
    void notificationEmails; // the notification topic's, not the pipeline's
    return { ...args, dataQuality: { rules: dataQualityRules, keyColumns, maxQuarantinedPercent } };
}

/** Reads this project's stack config (`pulumi config set <key> <value>`) and validates it. */
export function loadConfig(config: pulumi.Config = new pulumi.Config()): DataLakeConfig {
    const raw: RawConfig = {};
    for (const key of [...CONFIG_KEYS, ...Object.keys(RETIRED_KEYS)]) {
        raw[key] = config.get(key);
    }
    return parseConfig(raw);
}
