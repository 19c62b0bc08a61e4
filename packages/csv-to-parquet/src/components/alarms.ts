import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTargets {
    deadLetterQueues: Record<string, aws.sqs.Queue>;
    functions: Record<string, aws.lambda.Function>;
    topicArn: pulumi.Input<string>;
    ledger: {
        table: aws.dynamodb.Table;
        /** The `todo` index, whose write throttling holds back writes to the table. */
        todoIndex: string;
        jobName: pulumi.Input<string>;
        /** An upload still pending this long after it was written means the pipeline is not keeping up. */
        pendingAgeAlarmSeconds: number;
    };
}

/** What every alarm of the pipeline shares. */
interface AlarmCommon {
    comparisonOperator: string;
    threshold: number;
    evaluationPeriods: number;
    period?: number;
    treatMissingData: string;
    alarmActions: pulumi.Input<string>[];
}

/** Where the job publishes how many uploads still wait after a run and the oldest one's age (etl/glue_job.py). */
export const PIPELINE_METRICS_NAMESPACE = "CsvToParquet";

/** What EventBridge matches for an alarm of this list going from ALARM back to OK (and nothing else). */
export function alarmRecoveredPattern(alarmArns: pulumi.Input<string>[]): pulumi.Input<object> {
    return {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        resources: alarmArns,
        detail: { previousState: { value: ["ALARM"] }, state: { value: ["OK"] } },
    };
}

/**
 * CloudWatch alarms that email the topic: a dead-letter queue holding any message (an upload or a crawl that
 * ran out of retries), and any error or throttle of a function. Missing data (no traffic) is not an alarm.
 *
 * Recovery is emailed only for ALARM -> OK, by an EventBridge rule on alarmRecoveredPattern (the pipeline's
 * notification rules): an alarm's OKActions would also run on INSUFFICIENT_DATA -> OK ("when this alarm transitions
 * to the OK state from any other state", PutMetricAlarm), which every new alarm goes through after a deploy.
 */
export function createAlarms(
    name: string,
    targets: AlarmTargets,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm[] {
    const common: AlarmCommon = {
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 1,
        period: 300,
        treatMissingData: "notBreaching",
        alarmActions: [targets.topicArn],
    };
    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    for (const [role, queue] of Object.entries(targets.deadLetterQueues)) {
        alarms.push(
            new aws.cloudwatch.MetricAlarm(
                `${name}-${role}-dlq-not-empty`,
                {
                    ...common,
                    alarmDescription: pulumi.interpolate`Messages reached the dead-letter queue ${queue.name} of pipeline ${name}: see the README, "Replay a dead-letter queue"`,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: { QueueName: queue.name },
                    statistic: "Maximum",
                },
                { parent },
            ),
        );
    }
    for (const [role, fn] of Object.entries(targets.functions)) {
        for (const metricName of ["Errors", "Throttles"]) {
            alarms.push(
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${role}-${metricName.toLowerCase()}`,
                    {
                        ...common,
                        alarmDescription: pulumi.interpolate`${metricName} of the Lambda function ${fn.name} of pipeline ${name}: see its log group`,
                        namespace: "AWS/Lambda",
                        metricName,
                        dimensions: { FunctionName: fn.name },
                        statistic: "Sum",
                    },
                    { parent },
                ),
            );
        }
    }
    alarms.push(...ledgerAlarms(name, targets, common, parent));
    return alarms;
}

/**
 * The uploads ledger: any throttled read or write (the table's, or its `todo` index's writes, which hold back the
 * table's), and an upload the job reported still pending longer than a few job timeouts after it was written.
 */
function ledgerAlarms(
    name: string,
    t: AlarmTargets,
    common: AlarmCommon,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm[] {
    const { table, todoIndex, jobName, pendingAgeAlarmSeconds } = t.ledger;
    const dynamo = (
        id: string,
        metricName: string,
        index?: string,
    ): aws.types.input.cloudwatch.MetricAlarmMetricQuery => {
        const dimensions: Record<string, pulumi.Input<string>> = { TableName: table.name };
        if (index !== undefined) dimensions.GlobalSecondaryIndexName = index;
        return { id, metric: { namespace: "AWS/DynamoDB", metricName, stat: "Sum", period: 300, dimensions } };
    };
    // With metric queries the period is each query's own; the alarm may not name one (PutMetricAlarm, "Metrics").
    const throttled = new aws.cloudwatch.MetricAlarm(
        `${name}-ledger-throttled`,
        {
            ...common,
            period: undefined,
            alarmDescription: pulumi.interpolate`Requests to the uploads ledger ${table.name} of pipeline ${name} were throttled: uploads are sent back and retried; see the dashboard`,
            metricQueries: [
                dynamo("reads", "ReadThrottleEvents"),
                dynamo("writes", "WriteThrottleEvents"),
                dynamo("todo", "WriteThrottleEvents", todoIndex),
                { id: "throttled", expression: "reads + writes + todo", label: "throttled requests", returnData: true },
            ],
        },
        { parent },
    );
    const waiting = new aws.cloudwatch.MetricAlarm(
        `${name}-uploads-waiting`,
        {
            ...common,
            alarmDescription: pulumi.interpolate`An upload of pipeline ${name} has waited over ${pendingAgeAlarmSeconds / 60} minutes for the job: see the README, "Find what happened to a file"`,
            namespace: PIPELINE_METRICS_NAMESPACE,
            metricName: "OldestPendingUploadAgeSeconds",
            dimensions: { JobName: jobName },
            statistic: "Maximum",
            threshold: pendingAgeAlarmSeconds,
            // Published once per run: between runs there is no data, which must neither raise the alarm nor clear it
            // ("missing": the state stays as the last run left it, until a run reports no upload waiting that long).
            treatMissingData: "missing",
        },
        { parent },
    );
    return [throttled, waiting];
}
