import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTargets {
    deadLetterQueues: Record<string, aws.sqs.Queue>;
    functions: Record<string, aws.lambda.Function>;
    topicArn: pulumi.Input<string>;
}

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
export function createAlarms(name: string, targets: AlarmTargets, parent: pulumi.Resource): aws.cloudwatch.MetricAlarm[] {
    const common = {
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 1,
        period: 300,
        treatMissingData: "notBreaching",
        alarmActions: [targets.topicArn],
    };
    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    for (const [role, queue] of Object.entries(targets.deadLetterQueues)) {
        alarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${role}-dlq-not-empty`, {
            ...common,
            alarmDescription: pulumi.interpolate`Messages reached the dead-letter queue ${queue.name} of pipeline ${name}: see the README, "Replay a dead-letter queue"`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue.name },
            statistic: "Maximum",
        }, { parent }));
    }
    for (const [role, fn] of Object.entries(targets.functions)) {
        for (const metricName of ["Errors", "Throttles"]) {
            alarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${role}-${metricName.toLowerCase()}`, {
                ...common,
                alarmDescription: pulumi.interpolate`${metricName} of the Lambda function ${fn.name} of pipeline ${name}: see its log group`,
                namespace: "AWS/Lambda",
                metricName,
                dimensions: { FunctionName: fn.name },
                statistic: "Sum",
            }, { parent }));
        }
    }
    return alarms;
}
