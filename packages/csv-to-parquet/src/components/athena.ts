import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One MiB: the unit of `athenaBytesScannedCutoffMb`. */
export const MIB = 1_048_576;
/**
 * The smallest per-query scan limit the provider accepts (terraform-provider-aws, internal/service/athena/workgroup.go:
 * `bytes_scanned_cutoff_per_query` is validated with IntAtLeast(10485760)), which is 10 MiB.
 */
export const ATHENA_MIN_CUTOFF_BYTES = 10_485_760;

export interface AthenaOptions {
    bucket: aws.s3.Bucket;
    /** Where query results go, inside the pipeline bucket. */
    resultsPrefix: string;
    /** Athena cancels a query that would scan more than this many MiB (at least 10). */
    bytesScannedCutoffMb: number;
    /** Keep the workgroup's query history when the stack is destroyed. */
    protectData: boolean;
    /** Encrypt results with this key (when the bucket uses SSE-KMS); otherwise SSE-S3. */
    key?: aws.kms.Key;
}

/**
 * The workgroup analysts query the curated tables with: its settings are enforced on every query (results in the
 * pipeline bucket, encrypted; a per-query scan limit), and it publishes query metrics to CloudWatch.
 */
export function createAthenaWorkgroup(name: string, o: AthenaOptions, parent: pulumi.Resource): aws.athena.Workgroup {
    return new aws.athena.Workgroup(
        `${name}-athena`,
        {
            description: "Queries of the pipeline's curated Iceberg tables",
            state: "ENABLED",
            forceDestroy: !o.protectData,
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: o.bytesScannedCutoffMb * MIB,
                // Engine 3 reads Iceberg tables with their metadata tables and time travel (FOR TIMESTAMP AS OF);
                // AUTO lets Athena choose, and an upgrade would then change what the queries of the README do.
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: pulumi.interpolate`s3://${o.bucket.bucket}/${o.resultsPrefix}`,
                    encryptionConfiguration: o.key
                        ? { encryptionOption: "SSE_KMS", kmsKeyArn: o.key.arn }
                        : { encryptionOption: "SSE_S3" },
                },
            },
        },
        { parent },
    );
}
