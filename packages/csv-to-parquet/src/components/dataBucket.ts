import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyJson } from "./iam";
import { PipelinePrefixes } from "./prefixes";

/** How objects in the data bucket are encrypted: the pipeline's own KMS key, or S3-managed keys. */
export const BucketEncryption = { SseKms: "SSE-KMS", SseS3: "SSE-S3" } as const;
export type BucketEncryption = (typeof BucketEncryption)[keyof typeof BucketEncryption];
export const BUCKET_ENCRYPTIONS: readonly BucketEncryption[] = Object.values(BucketEncryption);

export interface DataBucketOptions {
    prefixes: PipelinePrefixes;
    /** Versioning on, `forceDestroy` off, and the bucket protected and retained by Pulumi. */
    protectData: boolean;
    /** Days before Glue's temporary files are removed. */
    tempExpirationDays: number;
    /** Days before Athena query results are removed. */
    athenaResultsExpirationDays: number;
    /** SSE-KMS with this key (bucket key on: S3 reuses a bucket-level data key instead of calling KMS per object), or SSE-S3. */
    encryption: { algorithm: "SSE-KMS"; key: aws.kms.Key } | { algorithm: "SSE-S3" };
    /** With versioning on: days before an overwritten or deleted version of what the pipeline writes is removed. */
    noncurrentVersionExpirationDays: number;
}

export interface DataBucket {
    bucket: aws.s3.Bucket;
    publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    policy: aws.s3.BucketPolicy;
}

/** The pipeline's one bucket: private, encrypted, TLS-only, versioned when its data is protected. */
export function createDataBucket(name: string, options: DataBucketOptions, parent: pulumi.Resource): DataBucket {
    const { prefixes, protectData } = options;
    const bucket = new aws.s3.Bucket(
        `${name}-data`,
        { forceDestroy: !protectData },
        {
            parent,
            protect: protectData,
            retainOnDelete: protectData,
        },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-data`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        { parent },
    );
    new aws.s3.BucketOwnershipControls(
        `${name}-data`,
        {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        },
        { parent },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-data`,
        {
            bucket: bucket.id,
            rules: [
                {
                    // An S3 Bucket Key cuts KMS requests; with SSE-S3 there is no KMS request to cut, so it is not sent.
                    ...(options.encryption.algorithm === "SSE-KMS"
                        ? {
                              applyServerSideEncryptionByDefault: {
                                  sseAlgorithm: "aws:kms",
                                  kmsMasterKeyId: options.encryption.key.arn,
                              },
                              bucketKeyEnabled: true,
                          }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }),
                },
            ],
        },
        { parent },
    );
    const policy = new aws.s3.BucketPolicy(
        `${name}-data`,
        {
            bucket: bucket.id,
            policy: policyJson({
                Version: "2012-10-17",
                Statement: [denyInsecureTransport("s3:*", [bucket.arn, pulumi.interpolate`${bucket.arn}/*`])],
            }),
        },
        { parent, dependsOn: [publicAccessBlock] },
    );
    if (protectData) {
        new aws.s3.BucketVersioning(
            `${name}-data`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            { parent },
        );
    }
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
        {
            id: "expire-glue-temp",
            status: "Enabled",
            filter: { prefix: `${prefixes.gluePrefix}temp/` },
            expiration: { days: options.tempExpirationDays },
        },
        {
            id: "expire-athena-results",
            status: "Enabled",
            filter: { prefix: prefixes.athenaPrefix },
            expiration: { days: options.athenaResultsExpirationDays },
        },
        {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
    ];
    if (protectData) {
        // Versions the pipeline's own writes leave behind (a reprocessing, a rewritten partition) expire; versions
        // of uploads under the raw prefix are the users' data and are never expired by the pipeline.
        const written = [prefixes.outputPrefix, prefixes.quarantinePrefix, prefixes.gluePrefix, prefixes.athenaPrefix];
        rules.push(
            ...written.map((prefix) => ({
                id: `expire-noncurrent-${prefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`,
                status: "Enabled",
                filter: { prefix },
                noncurrentVersionExpiration: { noncurrentDays: options.noncurrentVersionExpirationDays },
                expiration: { expiredObjectDeleteMarker: true },
            })),
        );
    }
    new aws.s3.BucketLifecycleConfiguration(`${name}-data`, { bucket: bucket.id, rules }, { parent });
    return { bucket, publicAccessBlock, policy };
}
