import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { PIPELINE_METRICS_NAMESPACE } from "./alarms";
import { arnParts } from "./iam";

export interface DashboardTargets {
    queues: Record<string, aws.sqs.Queue>;
    deadLetterQueues: Record<string, aws.sqs.Queue>;
    functions: Record<string, aws.lambda.Function>;
    jobName: pulumi.Input<string>;
    /** The uploads ledger. */
    table: aws.dynamodb.Table;
}

const cw = awsx.classic.cloudwatch;

/**
 * A dashboard name (letters, digits, "-" and "_", at most 255) for a pipeline's job: "lake-job" -> "lake-job-dashboard".
 * A job name that had to change ("lake.v2") gets a digest of itself, so "a.b" and "a-b" keep two dashboards.
 */
export function dashboardName(jobName: string): string {
    const safe = jobName.replace(/[^A-Za-z0-9_-]/g, "-");
    if (safe === jobName && safe.length <= 245) {
        return `${safe}-dashboard`;
    }
    const digest = crypto.createHash("sha256").update(jobName).digest("hex").slice(0, 8);
    return `${safe.slice(0, 236)}-${digest}-dashboard`;
}

/** A CloudWatch dashboard of one pipeline: queue and dead-letter depth, function errors and duration, Glue tasks. */
export function createDashboard(name: string, t: DashboardTargets, parent: pulumi.Resource): aws.cloudwatch.Dashboard {
    const depth = (queues: Record<string, aws.sqs.Queue>) =>
        Object.entries(queues).map(([label, queue]) =>
            awsx.classic.sqs.metrics.approximateNumberOfMessagesVisible({ queue, statistic: "Maximum", label }),
        );
    const perFunction = (metric: typeof awsx.classic.lambda.metrics.errors, statistic: "Sum" | "Maximum") =>
        Object.entries(t.functions).map(([label, fn]) => metric({ function: fn, statistic, label }));
    const glueTasks = (metricName: string, label: string) =>
        new cw.Metric({
            namespace: "Glue",
            name: metricName,
            statistic: "Sum",
            label,
            dimensions: { JobName: t.jobName, JobRunId: "ALL", Type: "count" },
        });
    const pipelineMetric = (metricName: string, label: string) =>
        new cw.Metric({
            namespace: PIPELINE_METRICS_NAMESPACE,
            name: metricName,
            statistic: "Maximum",
            label,
            dimensions: { JobName: t.jobName },
        });
    const ledgerMetric = (metricName: string, label: string) =>
        new cw.Metric({
            namespace: "AWS/DynamoDB",
            name: metricName,
            statistic: "Sum",
            label,
            dimensions: { TableName: t.table.name },
        });
    const region = Object.values(t.queues)[0].arn.apply((arn) => arnParts(arn).region as aws.Region);
    return new cw.Dashboard(
        `${name}-dashboard`,
        {
            // awsx names a dashboard after the resource unless told (dashboardName: args.name ?? name), and PutDashboard
            // overwrites: named after the job, which is unique per account and region, each stack has its own.
            name: pulumi.output(t.jobName).apply(dashboardName),
            region,
            widgets: [
                new cw.LineGraphMetricWidget({
                    title: "Messages waiting (upload / crawl-completed queues)",
                    width: 12,
                    metrics: depth(t.queues),
                }),
                new cw.LineGraphMetricWidget({
                    title: "Dead-letter queues (should be 0)",
                    width: 12,
                    metrics: depth(t.deadLetterQueues),
                }),
                new cw.LineGraphMetricWidget({
                    title: "Function errors and throttles",
                    width: 12,
                    metrics: [
                        ...perFunction(awsx.classic.lambda.metrics.errors, "Sum"),
                        ...perFunction(awsx.classic.lambda.metrics.throttles, "Sum"),
                    ],
                }),
                new cw.LineGraphMetricWidget({
                    title: "Function duration (max, ms)",
                    width: 12,
                    metrics: perFunction(awsx.classic.lambda.metrics.duration, "Maximum"),
                }),
                new cw.LineGraphMetricWidget({
                    title: "Glue job tasks completed / failed",
                    width: 24,
                    metrics: [
                        glueTasks("glue.driver.aggregate.numCompletedTasks", "completed"),
                        glueTasks("glue.driver.aggregate.numFailedTasks", "failed"),
                    ],
                }),
                new cw.LineGraphMetricWidget({
                    title: "Uploads still pending after each job run (count; oldest, seconds)",
                    width: 12,
                    metrics: [
                        pipelineMetric("PendingUploads", "pending uploads"),
                        pipelineMetric("OldestPendingUploadAgeSeconds", "oldest pending, s"),
                    ],
                }),
                new cw.LineGraphMetricWidget({
                    title: "Uploads ledger: consumed capacity and throttled requests",
                    width: 12,
                    metrics: [
                        ledgerMetric("ConsumedWriteCapacityUnits", "writes"),
                        ledgerMetric("ConsumedReadCapacityUnits", "reads"),
                        ledgerMetric("WriteThrottleEvents", "throttled writes"),
                        ledgerMetric("ReadThrottleEvents", "throttled reads"),
                    ],
                }),
            ],
        },
        { parent },
    );
}
