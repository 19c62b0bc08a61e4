import * as pulumi from "@pulumi/pulumi";
import { CsvToParquetPipeline, NotificationTopic } from "./components";
import { DataLakeConfig } from "./config";

export interface DataLake {
    notifications: NotificationTopic;
    pipeline: CsvToParquetPipeline;
}

/** The stack's resources: one notification topic and one pipeline, from validated config. */
export function createDataLake(config: DataLakeConfig, opts?: pulumi.ComponentResourceOptions): DataLake {
    const notifications = new NotificationTopic("notifications", {
        emails: config.notificationEmails,
        displayName: "CSV to Parquet pipeline",
        protectKey: config.protectData,
    }, opts);
    const pipeline = new CsvToParquetPipeline("csv-to-parquet", {
        notificationTopicArn: notifications.topicArn,
        notificationTopicKeyArn: notifications.keyArn,
        bucketEncryption: config.bucketEncryption,
        noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
        crawlerName: config.crawlerName,
        jobName: config.jobName,
        databaseName: config.databaseName,
        curatedDatabaseName: config.curatedDatabaseName,
        rawPrefix: config.rawPrefix,
        outputPrefix: config.outputPrefix,
        gluePrefix: config.gluePrefix,
        quarantinePrefix: config.quarantinePrefix,
        athenaPrefix: config.athenaPrefix,
        athenaBytesScannedCutoffMb: config.athenaBytesScannedCutoffMb,
        dataQuality: {
            rules: config.dataQualityRules,
            keyColumns: config.keyColumns,
            maxQuarantinedPercent: config.maxQuarantinedPercent,
        },
        partitionColumns: config.partitionColumns,
        autoScaling: config.autoScaling,
        jobMaxRetries: config.jobMaxRetries,
        glueVersion: config.glueVersion,
        workerType: config.workerType,
        numberOfWorkers: config.numberOfWorkers,
        executionClass: config.executionClass,
        jobTimeoutMinutes: config.jobTimeoutMinutes,
        logRetentionDays: config.logRetentionDays,
        protectData: config.protectData,
        batchWindowSeconds: config.batchWindowSeconds,
    }, opts);
    return { notifications, pipeline };
}
