/* The pipeline's storage, built in one call by the component's constructor: its key, the data bucket with the
   Athena workgroup, the uploads ledger and the crawler's event queue. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAthenaWorkgroup } from "./athena";
import { createDataBucket } from "./dataBucket";
import { createCustomerKey, CustomerKey, logsMayUse } from "./kms";
import { PipelineSettings } from "./pipelineSettings";
import { createQueueWithDeadLetter, QueueWithDeadLetter } from "./queueFunction";
import { s3MayPublishToEncryptedTopics } from "./uploadEvents";
import { createUploadsTable } from "./uploadsTable";

/**
 * How long a crawler event stays invisible once a crawl received it, and how many receives before it is
 * dead-lettered. How the crawler deletes what it consumed is not documented; SQS's default visibility (30 s) and
 * ten receives keep an event a crawl failed on for the next crawls, and an alarm fires when one gives up.
 */
const CRAWLER_EVENT_VISIBILITY_SECONDS = 30;
const CRAWLER_EVENT_MAX_RECEIVES = 10;

export interface Storage {
    key: CustomerKey;
    bucket: aws.s3.Bucket;
    /** Analysts' Athena workgroup, its results in the bucket. */
    athenaWorkgroup: aws.athena.Workgroup;
    uploadsTable: aws.dynamodb.Table;
    /** The crawler's own copy of the upload events (S3 event mode). */
    crawlerEvents: QueueWithDeadLetter;
}

/** The pipeline key, the data bucket with its Athena workgroup, the uploads ledger and the crawler's event queue. */
export function createStorage(name: string, s: PipelineSettings, parent: pulumi.Resource): Storage {
    const key = createCustomerKey(
        `${name}-key`,
        {
            description: `Encrypts the data, uploads ledger, job bookmarks and logs of the ${name} pipeline`,
            protect: s.protectData,
            serviceStatements: (scope) => [logsMayUse(scope), s3MayPublishToEncryptedTopics()],
        },
        parent,
    );
    const encryption =
        s.bucketEncryption === "SSE-KMS"
            ? { algorithm: "SSE-KMS" as const, key: key.key }
            : { algorithm: "SSE-S3" as const };
    const { bucket } = createDataBucket(
        name,
        {
            prefixes: s.prefixes,
            protectData: s.protectData,
            tempExpirationDays: 7,
            athenaResultsExpirationDays: 30,
            encryption,
            noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
        },
        parent,
    );
    const athenaWorkgroup = createAthenaWorkgroup(
        name,
        {
            bucket,
            resultsPrefix: s.prefixes.athenaPrefix,
            bytesScannedCutoffMb: s.athenaBytesScannedCutoffMb,
            protectData: s.protectData,
            key: s.bucketEncryption === "SSE-KMS" ? key.key : undefined,
        },
        parent,
    );
    const uploadsTable = createUploadsTable(name, { key: key.key, protectData: s.protectData }, parent);
    const crawlerEvents = createQueueWithDeadLetter(
        `${name}-crawler-events`,
        { visibilityTimeoutSeconds: CRAWLER_EVENT_VISIBILITY_SECONDS, maxReceiveCount: CRAWLER_EVENT_MAX_RECEIVES },
        parent,
    );
    return { key, bucket, athenaWorkgroup, uploadsTable, crawlerEvents };
}
