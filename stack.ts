import * as pulumi from "@pulumi/pulumi";
import { CsvToParquetPipeline, NotificationTopic } from "csv-to-parquet";
import { DataLakeConfig, PIPELINE_NAME, pipelineArgs } from "./config";

export interface DataLake {
    notifications: NotificationTopic;
    pipeline: CsvToParquetPipeline;
}

/** The stack's resources: one notification topic and one pipeline, from validated config. */
export function createDataLake(config: DataLakeConfig, opts?: pulumi.ComponentResourceOptions): DataLake {
    const notifications = new NotificationTopic(
        "notifications",
        {
            emails: config.notificationEmails,
            displayName: "CSV to Parquet pipeline",
            protectKey: config.protectData,
        },
        opts,
    );
    const pipeline = new CsvToParquetPipeline(
        PIPELINE_NAME,
        {
            notificationTopicArn: notifications.topicArn,
            notificationTopicKeyArn: notifications.keyArn,
            ...pipelineArgs(config),
        },
        opts,
    );
    return { notifications, pipeline };
}
