/* The pipeline's storage (key, bucket and Athena workgroup, uploads ledger, the crawler's event queue) and its monitoring (alarms, emails,
   dashboard), each built in one call by the component's constructor. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LEDGER } from "../functions/ledgerItem";
import { createAlarms } from "./alarms";
import { createAthenaWorkgroup } from "./athena";
import { createDashboard } from "./dashboard";
import { createDataBucket } from "./dataBucket";
import { createCustomerKey, CustomerKey, logsMayUse } from "./kms";
import { createNotificationRules } from "./pipelineFlow";
import { PipelineSettings } from "./pipelineSettings";
import { createQueueWithDeadLetter, QueueFunction, QueueWithDeadLetter } from "./queueFunction";
import { s3MayPublishToEncryptedTopics } from "./uploadEvents";
import { createUploadsTable } from "./uploadsTable";

/**
 * How long a crawler event stays invisible once a crawl received it, and how many receives before it is
 * dead-lettered. How the crawler deletes what it consumed is not documented; SQS's default visibility (30 s) and
 * ten receives keep an event a crawl failed on for the next crawls, and an alarm fires when one gives up.
 */
const CRAWLER_EVENT_VISIBILITY_SECONDS = 30;
const CRAWLER_EVENT_MAX_RECEIVES = 10;
/** An upload still waiting this many job timeouts after it was written raises the uploads-waiting alarm. */
const PENDING_ALARM_JOB_TIMEOUTS = 3;

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

export interface MonitoringOptions {
    settings: PipelineSettings;
    topicArn: pulumi.Input<string>;
    starter: QueueFunction;
    jobStarter: QueueFunction;
    crawlerEvents: QueueWithDeadLetter;
    uploadsTable: aws.dynamodb.Table;
    jobName: pulumi.Output<string>;
    crawlerName: pulumi.Output<string>;
    uploadLocation: pulumi.Output<string>;
    outputLocation: pulumi.Output<string>;
}

/** Alarms to the topic, the emails of Glue's outcomes and of alarms clearing, and the dashboard. */
export function createMonitoring(
    name: string,
    o: MonitoringOptions,
    parent: pulumi.Resource,
): aws.cloudwatch.Dashboard {
    const { starter, jobStarter, crawlerEvents } = o;
    const functions = { "start-crawler": starter.function, "start-job": jobStarter.function };
    const alarms = createAlarms(
        name,
        {
            deadLetterQueues: {
                "start-crawler": starter.deadLetterQueue,
                "start-job": jobStarter.deadLetterQueue,
                "crawler-events": crawlerEvents.deadLetterQueue,
            },
            functions,
            topicArn: o.topicArn,
            ledger: {
                table: o.uploadsTable,
                todoIndex: LEDGER.todoIndex,
                jobName: o.jobName,
                pendingAgeAlarmSeconds: PENDING_ALARM_JOB_TIMEOUTS * o.settings.jobTimeoutMinutes * 60,
            },
        },
        parent,
    );
    createNotificationRules(name, { ...o, alarms }, parent);
    return createDashboard(
        name,
        {
            queues: {
                uploads: starter.queue,
                "crawls completed": jobStarter.queue,
                "crawler events": crawlerEvents.queue,
            },
            deadLetterQueues: {
                "uploads DLQ": starter.deadLetterQueue,
                "crawls completed DLQ": jobStarter.deadLetterQueue,
                "crawler events DLQ": crawlerEvents.deadLetterQueue,
            },
            functions,
            jobName: o.jobName,
            table: o.uploadsTable,
        },
        parent,
    );
}
