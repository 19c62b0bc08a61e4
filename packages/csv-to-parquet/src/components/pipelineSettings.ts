import { ATHENA_MIN_CUTOFF_BYTES, MIB } from "./athena";
import { BUCKET_ENCRYPTIONS, BucketEncryption } from "./dataBucket";
import { PIPELINE_DEFAULTS as D } from "./defaults";
import {
    DQDL_RULES,
    EXECUTION_CLASSES,
    ExecutionClass,
    FLEX_WORKER_TYPES,
    WORKER_TYPES,
    WorkerType,
} from "./glueJobOptions";
import { nameTooLong, PIPELINE_AUTONAMED } from "./names";
import { QUEUE_DEFAULTS as Q } from "./queueDefaults";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { PipelinePrefixes, validatePrefixes } from "./prefixes";

/** The longest text `nullValues` takes (a marker such as `NULL`, not data). */
export const MAX_NULL_VALUE_LENGTH = 64;

/** The functions' timeout: SQS needs a visibility timeout of at least this, and AWS advises six times it. */
export const FUNCTION_TIMEOUT_SECONDS = 30;

/** A pipeline's settings once every default is applied and every value checked. */
export interface PipelineSettings {
    prefixes: PipelinePrefixes;
    workerType: WorkerType;
    numberOfWorkers: number;
    executionClass: ExecutionClass;
    jobTimeoutMinutes: number;
    jobMaxRetries: number;
    autoScaling: boolean;
    retryIntervalSeconds: number;
    batchWindowSeconds: number;
    crawlerMaxReceives: number;
    logRetentionDays: number;
    dataQuality: { rules: string; keyColumns: string[]; maxQuarantinedPercent: number };
    partitionColumns: Record<string, string>;
    nullValues: string[];
    athenaBytesScannedCutoffMb: number;
    bucketEncryption: BucketEncryption;
    noncurrentVersionExpirationDays: number;
    snapshotRetentionDays: number;
    protectData: boolean;
}

/** A bad argument: the field it names and what is wrong with it. */
export class PipelineArgError extends Error {
    constructor(
        public readonly field: string,
        public readonly problem: string,
    ) {
        super(`${field} ${problem}`);
    }
}

const isOneOf = <T extends string>(values: readonly T[], value: string): value is T =>
    (values as readonly string[]).includes(value);

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Glue crawler and job names; Athena's rule for database names. */
const GLUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const DATABASE_NAME = /^[a-z0-9_]{1,255}$/;

/** Applies the defaults to a pipeline's arguments and checks them; the first bad one throws a PipelineArgError. */
export function resolvePipelineSettings(name: string, args: CsvToParquetPipelineArgs): PipelineSettings {
    const fail = (field: string, problem: string): never => {
        throw new PipelineArgError(field, problem);
    };
    const range = (field: string, value: number, low: number, high: number) => {
        if (!Number.isInteger(value)) fail(field, `${value} is not a whole number`);
        if (value < low || value > high) fail(field, `${value} is outside ${low}..${high}`);
    };
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
        fail("name", `"${name}" must be lower-case letters, digits or "-" (it prefixes S3 bucket names)`);
    const tooLong = nameTooLong(name, PIPELINE_AUTONAMED);
    if (tooLong) fail("name", tooLong);
    checkNames(args, fail);
    const prefixes = {
        rawPrefix: args.rawPrefix ?? D.rawPrefix,
        outputPrefix: args.outputPrefix ?? D.outputPrefix,
        gluePrefix: args.gluePrefix ?? D.gluePrefix,
        quarantinePrefix: args.quarantinePrefix ?? D.quarantinePrefix,
        athenaPrefix: args.athenaPrefix ?? D.athenaPrefix,
    };
    const prefixProblem = validatePrefixes(prefixes);
    if (prefixProblem) fail(prefixProblem.field, prefixProblem.message);
    const workerType = args.workerType ?? D.workerType;
    const numberOfWorkers = args.numberOfWorkers ?? D.numberOfWorkers;
    const executionClass = args.executionClass ?? D.executionClass;
    const jobTimeoutMinutes = args.jobTimeoutMinutes ?? D.jobTimeoutMinutes;
    const retryIntervalSeconds = args.retryIntervalSeconds ?? Q.retryIntervalSeconds;
    const batchWindowSeconds = args.batchWindowSeconds ?? D.batchWindowSeconds;
    const crawlerMaxReceives = args.crawlerMaxReceives ?? Q.crawlerMaxReceives;
    const logRetentionDays = args.logRetentionDays ?? D.logRetentionDays;
    if (!isOneOf(WORKER_TYPES, workerType))
        return fail("workerType", `"${workerType}" is not one of ${WORKER_TYPES.join(", ")}`);
    range("numberOfWorkers", numberOfWorkers, 2, 1000);
    if (!isOneOf(EXECUTION_CLASSES, executionClass))
        return fail("executionClass", `must be ${EXECUTION_CLASSES.join(" or ")}, not "${executionClass}"`);
    if (executionClass === "FLEX" && !FLEX_WORKER_TYPES.includes(workerType)) {
        fail("workerType", `${workerType} cannot run the FLEX execution class; use ${FLEX_WORKER_TYPES.join(" or ")}`);
    }
    range("jobTimeoutMinutes", jobTimeoutMinutes, 1, 2880);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        fail(
            "logRetentionDays",
            `${logRetentionDays} is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`,
        );
    }
    range("batchWindowSeconds", batchWindowSeconds, 1, 300);
    // SQS requires the visibility timeout to be at least the function timeout; AWS advises six times it.
    range("retryIntervalSeconds", retryIntervalSeconds, 6 * FUNCTION_TIMEOUT_SECONDS, 43200);
    range("crawlerMaxReceives", crawlerMaxReceives, 2, 1000);
    const dataQuality = {
        rules: args.dataQuality?.rules ?? D.dataQualityRules,
        keyColumns: args.dataQuality?.keyColumns ?? [],
        maxQuarantinedPercent: args.dataQuality?.maxQuarantinedPercent ?? D.maxQuarantinedPercent,
    };
    if (!DQDL_RULES.test(dataQuality.rules))
        fail("dataQuality.rules", `must be a DQDL list such as "Rules = [ RowCount > 0 ]", not "${dataQuality.rules}"`);
    const percent = dataQuality.maxQuarantinedPercent;
    if (!(percent >= 0 && percent <= 100)) fail("dataQuality.maxQuarantinedPercent", `${percent} is outside 0..100`);
    const jobMaxRetries = args.jobMaxRetries ?? D.jobMaxRetries;
    range("jobMaxRetries", jobMaxRetries, 0, 10);
    const cutoffMb = args.athenaBytesScannedCutoffMb ?? D.athenaBytesScannedCutoffMb;
    range("athenaBytesScannedCutoffMb", cutoffMb, ATHENA_MIN_CUTOFF_BYTES / MIB, 1_000_000_000);
    const bucketEncryption = args.bucketEncryption ?? D.bucketEncryption;
    if (!isOneOf(BUCKET_ENCRYPTIONS, bucketEncryption))
        return fail("bucketEncryption", `must be ${BUCKET_ENCRYPTIONS.join(" or ")}, not "${bucketEncryption}"`);
    const noncurrentDays = args.noncurrentVersionExpirationDays ?? D.noncurrentVersionExpirationDays;
    range("noncurrentVersionExpirationDays", noncurrentDays, 1, 36500);
    const nullValues = args.nullValues ?? [];
    nullValues.forEach((text, i) => {
        if (text === "" || /[\r\n]/.test(text) || text.length > MAX_NULL_VALUE_LENGTH) {
            fail(
                `nullValues[${i}]`,
                `must be 1-${MAX_NULL_VALUE_LENGTH} characters on one line, not ${JSON.stringify(text)}`,
            );
        }
    });
    const snapshotRetentionDays = args.snapshotRetentionDays ?? D.snapshotRetentionDays;
    // At least a day: a query that started on a snapshot keeps finding its files while the job expires older ones.
    range("snapshotRetentionDays", snapshotRetentionDays, 1, 3650);
    return {
        prefixes,
        workerType,
        numberOfWorkers,
        executionClass,
        jobTimeoutMinutes,
        retryIntervalSeconds,
        batchWindowSeconds,
        crawlerMaxReceives,
        dataQuality,
        jobMaxRetries,
        bucketEncryption,
        logRetentionDays,
        autoScaling: args.autoScaling ?? D.autoScaling,
        partitionColumns: args.partitionColumns ?? {},
        nullValues,
        athenaBytesScannedCutoffMb: cutoffMb,
        noncurrentVersionExpirationDays: noncurrentDays,
        snapshotRetentionDays,
        protectData: args.protectData ?? D.protectData,
    };
}

/** The crawler, job and database names, where they are plain strings (an Output is checked by AWS when it is known). */
function checkNames(args: CsvToParquetPipelineArgs, fail: (field: string, problem: string) => never): void {
    const { crawlerName, jobName, databaseName, curatedDatabaseName } = args;
    for (const [field, value] of [
        ["crawlerName", crawlerName],
        ["jobName", jobName],
    ] as const) {
        if (typeof value === "string" && !GLUE_NAME.test(value))
            fail(field, `"${value}" must be 1-255 letters, digits, "_", "." or "-"`);
    }
    if (typeof jobName === "string" && jobName.length > 246) {
        // The job's security configuration is named "<jobName>-security", and Glue names are at most 255 characters.
        fail(
            "jobName",
            `"${jobName.slice(0, 20)}…" has ${jobName.length} characters; at most 246, since its security configuration is named "<jobName>-security"`,
        );
    }
    if (typeof databaseName === "string" && !DATABASE_NAME.test(databaseName)) {
        fail("databaseName", `"${databaseName}" must be lower-case letters, digits and "_" (Athena's rule)`);
    }
    if (
        typeof curatedDatabaseName === "string" &&
        (!DATABASE_NAME.test(curatedDatabaseName) || curatedDatabaseName === databaseName)
    ) {
        fail(
            "curatedDatabaseName",
            `"${curatedDatabaseName}" must be lower-case letters, digits and "_", and differ from databaseName`,
        );
    }
}
