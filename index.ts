import { loadConfig } from "./config";
import { createDataLake } from "./stack";

const { notifications, pipeline } = createDataLake(loadConfig());

/** Bucket holding the uploads, the Parquet output and Glue's files. */
export const bucketName = pipeline.bucketName;
/** Upload CSV files here, one folder per dataset: s3://<bucket>/csv_data/<dataset>/file.csv */
export const uploadLocation = pipeline.uploadLocation;
/** Parquet appears here: s3://<bucket>/parquet_data/<dataset>/ */
export const outputLocation = pipeline.outputLocation;
/** Rows the job could not parse or that failed data quality: s3://<bucket>/quarantine/<dataset>/run=<id>/ */
export const quarantineLocation = pipeline.quarantineLocation;
/** Query the curated tables in this Athena workgroup (database `curatedDatabaseName`). */
export const athenaWorkgroup = pipeline.athenaWorkgroupName;
export const curatedDatabaseName = pipeline.curatedDatabaseName;
export const crawlerName = pipeline.crawlerName;
export const jobName = pipeline.jobName;
export const topicArn = notifications.topicArn;
/** The key the bucket (under SSE-KMS), bookmarks and logs are encrypted with: uploaders and readers need to use it. */
export const dataKeyArn = pipeline.keyArn;
/** Dead-letter queues: messages land here after their retries run out; see README "Replay a dead-letter queue". */
export const uploadDeadLetterQueueArn = pipeline.uploadDeadLetterQueueArn;
export const crawlCompletedDeadLetterQueueArn = pipeline.crawlCompletedDeadLetterQueueArn;
/** The uploads ledger: what happened to each uploaded object; see README "Find what happened to a file". */
export const uploadsTableName = pipeline.uploadsTableName;
