import * as pulumi from "@pulumi/pulumi";
import {
    BUCKET_ENCRYPTIONS, BucketEncryption, DQDL_RULES, EMAIL_PATTERN, EXECUTION_CLASSES, ExecutionClass, FLEX_WORKER_TYPES, GLUE_VERSIONS, GlueVersion, PIPELINE_DEFAULTS, WORKER_TYPES, WorkerType,
} from "./components/defaults";
import { validatePrefixes } from "./components/prefixes";

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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
    autoScaling: boolean;
    jobMaxRetries: number;
    glueVersion: GlueVersion;
    workerType: WorkerType;
    numberOfWorkers: number;
    executionClass: ExecutionClass;
    jobTimeoutMinutes: number;
    logRetentionDays: number;
    protectData: boolean;
    batchWindowSeconds: number;
    bucketEncryption: BucketEncryption;
    noncurrentVersionExpirationDays: number;
}

/** Defaults of the optional keys; Pulumi.yaml declares the same values (a test keeps them equal). */
export const CONFIG_DEFAULTS = PIPELINE_DEFAULTS;

/** Every key this program reads, as `pulumi config set` names it. */
export const CONFIG_KEYS = [
    "notificationEmail", "crawlerName", "jobName", "databaseName", "curatedDatabaseName", ...Object.keys(CONFIG_DEFAULTS),
] as const;

/** Raw values as the Pulumi config holds them: strings, or absent. */
export type RawConfig = Partial<Record<string, string>>;

/** A configuration problem, naming the key at fault. */
export class ConfigError extends Error {
    constructor(public readonly key: string, problem: string) {
        super(`Invalid stack config "${key}": ${problem}`);
        this.name = "ConfigError";
    }
}

const GLUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;

function required(raw: RawConfig, key: string, hint: string): string {
    const value = raw[key]?.trim();
    if (!value) {
        throw new ConfigError(key, `it is required; set it with \`pulumi config set ${key} ${hint}\``);
    }
    return value;
}

function oneOf<T extends string>(raw: RawConfig, key: string, allowed: readonly T[], fallback: T): T {
    const value = raw[key]?.trim() || fallback;
    if (!(allowed as readonly string[]).includes(value)) {
        throw new ConfigError(key, `"${value}" is not one of ${allowed.join(", ")}`);
    }
    return value as T;
}

function integer(raw: RawConfig, key: string, fallback: number, min: number, max: number): number {
    const text = raw[key]?.trim();
    if (text === undefined || text === "") {
        return fallback;
    }
    if (!/^-?\d+$/.test(text)) {
        throw new ConfigError(key, `"${text}" is not a whole number`);
    }
    const value = Number(text);
    if (value < min || value > max) {
        throw new ConfigError(key, `${value} is outside ${min}..${max}`);
    }
    return value;
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
    for (const part of text.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== "")) {
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
    for (const part of text.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== "")) {
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

/** Validates raw config values and applies the defaults. Pure: no Pulumi runtime needed. */
export function parseConfig(raw: RawConfig): DataLakeConfig {
    const notificationEmails = parseEmails(required(raw, "notificationEmail", "team@example.com"));
    const crawlerName = required(raw, "crawlerName", "my-csv-crawler");
    if (!GLUE_NAME.test(crawlerName)) {
        throw new ConfigError("crawlerName", `"${crawlerName}" must be 1-255 letters, digits, "_", "." or "-"`);
    }
    const jobName = required(raw, "jobName", "my-csv-to-parquet-job");
    if (!GLUE_NAME.test(jobName)) {
        throw new ConfigError("jobName", `"${jobName}" must be 1-255 letters, digits, "_", "." or "-"`);
    }
    if (jobName.length > 246) {
        // The job's security configuration is named "<jobName>-security", and Glue names are at most 255 characters.
        throw new ConfigError("jobName", `"${jobName.slice(0, 20)}…" has ${jobName.length} characters; at most 246, since its security configuration is named "<jobName>-security"`);
    }
    const databaseName = required(raw, "databaseName", "my_raw_csv");
    if (!DATABASE_NAME.test(databaseName)) {
        throw new ConfigError("databaseName", `"${databaseName}" must be lower-case letters, digits and "_" (Athena's rule)`);
    }

    const curatedDatabaseName = required(raw, "curatedDatabaseName", "my_curated");
    if (!DATABASE_NAME.test(curatedDatabaseName) || curatedDatabaseName === databaseName) {
        throw new ConfigError("curatedDatabaseName", `"${curatedDatabaseName}" must be lower-case letters, digits and "_", and differ from databaseName`);
    }

    const prefix = (key: "rawPrefix" | "outputPrefix" | "gluePrefix" | "quarantinePrefix" | "athenaPrefix") => raw[key]?.trim() || CONFIG_DEFAULTS[key];
    const prefixes = {
        rawPrefix: prefix("rawPrefix"), outputPrefix: prefix("outputPrefix"), gluePrefix: prefix("gluePrefix"),
        quarantinePrefix: prefix("quarantinePrefix"), athenaPrefix: prefix("athenaPrefix"),
    };
    const prefixProblem = validatePrefixes(prefixes);
    if (prefixProblem) {
        throw new ConfigError(prefixProblem.field, prefixProblem.message);
    }

    const glueVersion = oneOf(raw, "glueVersion", GLUE_VERSIONS, CONFIG_DEFAULTS.glueVersion);
    const workerType = oneOf(raw, "workerType", WORKER_TYPES, CONFIG_DEFAULTS.workerType);
    const executionClass = oneOf(raw, "executionClass", EXECUTION_CLASSES, CONFIG_DEFAULTS.executionClass);
    if (executionClass === "FLEX" && !FLEX_WORKER_TYPES.includes(workerType)) {
        throw new ConfigError("workerType", `${workerType} cannot run the FLEX execution class; use ${FLEX_WORKER_TYPES.join(" or ")}`);
    }
    const numberOfWorkers = integer(raw, "numberOfWorkers", CONFIG_DEFAULTS.numberOfWorkers, 2, 1000);
    const jobTimeoutMinutes = integer(raw, "jobTimeoutMinutes", CONFIG_DEFAULTS.jobTimeoutMinutes, 1, 2880);
    const logRetentionDays = integer(raw, "logRetentionDays", CONFIG_DEFAULTS.logRetentionDays, 1, 3653);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        throw new ConfigError("logRetentionDays", `${logRetentionDays} is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`);
    }
    const batchWindowSeconds = integer(raw, "batchWindowSeconds", CONFIG_DEFAULTS.batchWindowSeconds, 1, 300);
    const protectData = boolean(raw, "protectData", CONFIG_DEFAULTS.protectData);
    const athenaBytesScannedCutoffMb = integer(raw, "athenaBytesScannedCutoffMb", CONFIG_DEFAULTS.athenaBytesScannedCutoffMb, 10, 1_000_000_000);
    const dataQualityRules = raw.dataQualityRules?.trim() || CONFIG_DEFAULTS.dataQualityRules;
    if (!DQDL_RULES.test(dataQualityRules)) {
        throw new ConfigError("dataQualityRules", `must be a DQDL list such as "Rules = [ RowCount > 0 ]", not "${dataQualityRules}"`);
    }
    const keyColumns = (raw.keyColumns ?? CONFIG_DEFAULTS.keyColumns).split(",").map((c) => c.trim()).filter((c) => c !== "");
    const maxQuarantinedPercent = integer(raw, "maxQuarantinedPercent", CONFIG_DEFAULTS.maxQuarantinedPercent, 0, 100);
    const partitionColumns = parsePartitionColumns(raw.partitionColumns ?? CONFIG_DEFAULTS.partitionColumns);
    const autoScaling = boolean(raw, "autoScaling", CONFIG_DEFAULTS.autoScaling);
    const jobMaxRetries = integer(raw, "jobMaxRetries", CONFIG_DEFAULTS.jobMaxRetries, 0, 10);
    const bucketEncryption = oneOf(raw, "bucketEncryption", BUCKET_ENCRYPTIONS, CONFIG_DEFAULTS.bucketEncryption);
    const noncurrentVersionExpirationDays = integer(raw, "noncurrentVersionExpirationDays", CONFIG_DEFAULTS.noncurrentVersionExpirationDays, 1, 36500);

    return {
        notificationEmails, crawlerName, jobName, databaseName, curatedDatabaseName, ...prefixes,
        glueVersion, workerType, numberOfWorkers, executionClass, jobTimeoutMinutes, logRetentionDays,
        protectData, batchWindowSeconds, athenaBytesScannedCutoffMb, dataQualityRules, keyColumns,
        maxQuarantinedPercent, partitionColumns, autoScaling, jobMaxRetries, bucketEncryption, noncurrentVersionExpirationDays,
    };
}

/** Reads this project's stack config (`pulumi config set <key> <value>`) and validates it. */
export function loadConfig(config: pulumi.Config = new pulumi.Config()): DataLakeConfig {
    const raw: RawConfig = {};
    for (const key of CONFIG_KEYS) {
        raw[key] = config.get(key);
    }
    return parseConfig(raw);
}
