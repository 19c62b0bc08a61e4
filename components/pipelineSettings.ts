import {
    BUCKET_ENCRYPTIONS, BucketEncryption, DQDL_RULES, EXECUTION_CLASSES, ExecutionClass, FLEX_WORKER_TYPES, GlueVersion,
    PIPELINE_DEFAULTS as D, QUEUE_DEFAULTS as Q, WORKER_TYPES, WorkerType,
} from "./defaults";
import { CsvToParquetPipelineArgs } from "./pipelineArgs";
import { PipelinePrefixes, validatePrefixes } from "./prefixes";

/** The functions' timeout: SQS needs a visibility timeout of at least this, and AWS advises six times it. */
export const FUNCTION_TIMEOUT_SECONDS = 30;

/** A pipeline's settings once every default is applied and every value checked. */
export interface PipelineSettings {
    prefixes: PipelinePrefixes;
    workerType: WorkerType;
    numberOfWorkers: number;
    executionClass: ExecutionClass;
    glueVersion: GlueVersion;
    jobTimeoutMinutes: number;
    jobMaxRetries: number;
    autoScaling: boolean;
    retryIntervalSeconds: number;
    batchWindowSeconds: number;
    crawlerMaxReceives: number;
    logRetentionDays: number;
    dataQuality: { rules: string; keyColumns: string[]; maxQuarantinedPercent: number };
    partitionColumns: Record<string, string>;
    athenaBytesScannedCutoffMb: number;
    bucketEncryption: BucketEncryption;
    noncurrentVersionExpirationDays: number;
    protectData: boolean;
}

/** A bad argument: the field it names and what is wrong with it. */
export class PipelineArgError extends Error {
    constructor(public readonly field: string, public readonly problem: string) {
        super(`${field} ${problem}`);
    }
}

const isOneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);
const wholeIn = (value: number, low: number, high: number) => Number.isInteger(value) && value >= low && value <= high;

/** Applies the defaults to a pipeline's arguments and checks them; the first bad one throws a PipelineArgError. */
export function resolvePipelineSettings(name: string, args: CsvToParquetPipelineArgs): PipelineSettings {
    const fail = (field: string, problem: string): never => {
        throw new PipelineArgError(field, problem);
    };
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) fail("name", `"${name}" must be 1-40 lower-case letters, digits or "-" (it prefixes S3 bucket names)`);
    const prefixes = {
        rawPrefix: args.rawPrefix ?? D.rawPrefix, outputPrefix: args.outputPrefix ?? D.outputPrefix, gluePrefix: args.gluePrefix ?? D.gluePrefix,
        quarantinePrefix: args.quarantinePrefix ?? D.quarantinePrefix, athenaPrefix: args.athenaPrefix ?? D.athenaPrefix,
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
    if (!isOneOf(WORKER_TYPES, workerType)) return fail("workerType", `"${workerType}" is not one of ${WORKER_TYPES.join(", ")}`);
    if (!Number.isInteger(numberOfWorkers) || numberOfWorkers < 2) fail("numberOfWorkers", `must be a whole number of at least 2, not ${numberOfWorkers}`);
    if (!isOneOf(EXECUTION_CLASSES, executionClass)) return fail("executionClass", `must be ${EXECUTION_CLASSES.join(" or ")}, not "${executionClass}"`);
    if (executionClass === "FLEX" && !FLEX_WORKER_TYPES.includes(workerType)) fail("workerType", `${workerType} cannot run the FLEX execution class`);
    if (!wholeIn(jobTimeoutMinutes, 1, 2880)) fail("jobTimeoutMinutes", `must be 1-2880, not ${jobTimeoutMinutes}`);
    if (batchWindowSeconds < 1 || batchWindowSeconds > 300) fail("batchWindowSeconds", `must be 1-300, not ${batchWindowSeconds}`);
    if (retryIntervalSeconds < 6 * FUNCTION_TIMEOUT_SECONDS || retryIntervalSeconds > 43200) {
        fail("retryIntervalSeconds", `must be ${6 * FUNCTION_TIMEOUT_SECONDS}-43200, not ${retryIntervalSeconds}`);
    }
    if (!wholeIn(crawlerMaxReceives, 2, 1000)) fail("crawlerMaxReceives", `must be 2-1000, not ${crawlerMaxReceives}`);
    const dataQuality = {
        rules: args.dataQuality?.rules ?? D.dataQualityRules,
        keyColumns: args.dataQuality?.keyColumns ?? [],
        maxQuarantinedPercent: args.dataQuality?.maxQuarantinedPercent ?? D.maxQuarantinedPercent,
    };
    if (!DQDL_RULES.test(dataQuality.rules)) fail("dataQuality.rules", `must be a DQDL list such as "Rules = [ RowCount > 0 ]", not "${dataQuality.rules}"`);
    const percent = dataQuality.maxQuarantinedPercent;
    if (!(percent >= 0 && percent <= 100)) fail("dataQuality.maxQuarantinedPercent", `must be 0-100, not ${percent}`);
    const jobMaxRetries = args.jobMaxRetries ?? D.jobMaxRetries;
    if (!wholeIn(jobMaxRetries, 0, 10)) fail("jobMaxRetries", `must be 0-10, not ${jobMaxRetries}`);
    const cutoffMb = args.athenaBytesScannedCutoffMb ?? D.athenaBytesScannedCutoffMb;
    if (!Number.isInteger(cutoffMb) || cutoffMb < 10) fail("athenaBytesScannedCutoffMb", `must be a whole number of at least 10, not ${cutoffMb}`);
    const bucketEncryption = args.bucketEncryption ?? D.bucketEncryption;
    if (!isOneOf(BUCKET_ENCRYPTIONS, bucketEncryption)) return fail("bucketEncryption", `must be ${BUCKET_ENCRYPTIONS.join(" or ")}, not "${bucketEncryption}"`);
    const noncurrentDays = args.noncurrentVersionExpirationDays ?? D.noncurrentVersionExpirationDays;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
        fail("noncurrentVersionExpirationDays", `must be a whole number of days, at least 1, not ${noncurrentDays}`);
    }
    return {
        prefixes, workerType, numberOfWorkers, executionClass, jobTimeoutMinutes, retryIntervalSeconds, batchWindowSeconds,
        crawlerMaxReceives, dataQuality, jobMaxRetries, bucketEncryption,
        glueVersion: (args.glueVersion ?? D.glueVersion) as GlueVersion,
        autoScaling: args.autoScaling ?? D.autoScaling,
        logRetentionDays: args.logRetentionDays ?? D.logRetentionDays,
        partitionColumns: args.partitionColumns ?? {},
        athenaBytesScannedCutoffMb: cutoffMb,
        noncurrentVersionExpirationDays: noncurrentDays,
        protectData: args.protectData ?? D.protectData,
    };
}
