/* The pipeline's monitoring, built in one call by the component's constructor: alarms to the topic, the emails of
   Glue's outcomes and of alarms clearing, and the dashboard. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LEDGER } from "../functions/ledgerItem";
import { createAlarms } from "./alarms";
import { createDashboard } from "./dashboard";
import { createNotificationRules } from "./pipelineFlow";
import { PipelineSettings } from "./pipelineSettings";
import { QueueFunction, QueueWithDeadLetter } from "./queueFunction";

/** An upload still waiting this many job timeouts after it was written raises the uploads-waiting alarm. */
const PENDING_ALARM_JOB_TIMEOUTS = 3;

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
