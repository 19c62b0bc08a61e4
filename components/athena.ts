import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AthenaOptions {
    bucket: aws.s3.Bucket;
    /** Where query results go, inside the pipeline bucket. */
    resultsPrefix: string;
    /** Athena cancels a query that would scan more than this many MB. */
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
    return new aws.athena.Workgroup(`${name}-athena`, {
        description: "Queries of the pipeline's curated Parquet tables",
        state: "ENABLED",
        forceDestroy: !o.protectData,
        configuration: {
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: o.bytesScannedCutoffMb * 1_000_000,
            engineVersion: { selectedEngineVersion: "AUTO" },
            resultConfiguration: {
                outputLocation: pulumi.interpolate`s3://${o.bucket.bucket}/${o.resultsPrefix}`,
                encryptionConfiguration: o.key
                    ? { encryptionOption: "SSE_KMS", kmsKeyArn: o.key.arn }
                    : { encryptionOption: "SSE_S3" },
            },
        },
    }, { parent });
}
