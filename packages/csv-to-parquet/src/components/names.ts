/*
 * How long a component's name may be. Pulumi names a child that is given no physical name "<logical name>-<7
 * random characters>" (pulumi-terraform-bridge's AutoName: the logical name, the "-" separator, 7 random hex
 * characters) and refuses the resource when that is longer than its type allows, so the longest auto-named child
 * bounds the component's name. tests/names.test.ts builds each component under mocks and checks that these lists
 * hold exactly the children Pulumi names.
 */

/** What Pulumi's auto-naming appends to a logical name: "-" and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/**
 * The longest name AWS accepts, for each resource type whose name these components leave to Pulumi (the checks of
 * terraform-provider-aws, which the aws provider runs before anything is created, and the service quotas pages).
 */
export const NAME_LIMITS = {
    "aws:s3/bucket:Bucket": 63, // bucket names are 3-63 characters (S3 "Bucket naming rules")
    "aws:iam/role:Role": 64, // IAM "IAM and AWS STS quotas": role names, 64 characters
    "aws:lambda/function:Function": 64, // Lambda CreateFunction: FunctionName, up to 64 characters
    "aws:cloudwatch/eventRule:EventRule": 64, // EventBridge PutRule: Name, 1-64 characters
    "aws:sqs/queue:Queue": 80, // SQS CreateQueue: QueueName, up to 80 characters
    "aws:iam/rolePolicy:RolePolicy": 128, // IAM PutRolePolicy: PolicyName, 1-128 characters
    "aws:athena/workgroup:Workgroup": 128, // Athena CreateWorkGroup: Name, 1-128 characters
    "aws:cloudwatch/metricAlarm:MetricAlarm": 255, // CloudWatch PutMetricAlarm: AlarmName, 1-255 characters
    "aws:dynamodb/table:Table": 255, // DynamoDB CreateTable: TableName, 3-255 characters
    "aws:glue/classifier:Classifier": 255, // Glue CreateClassifier: Name, 1-255 characters
    "aws:glue/dataQualityRuleset:DataQualityRuleset": 255, // Glue CreateDataQualityRuleset: Name, 1-255 characters
    "aws:sns/topic:Topic": 256, // SNS CreateTopic: Name, up to 256 characters
} as const;

export type AutoNamedType = keyof typeof NAME_LIMITS;

/** A child Pulumi names: its logical name is the component's name followed by `suffix`. */
export type AutoNamedChild = readonly [suffix: string, type: AutoNamedType];

/** CsvToParquetPipeline's auto-named children. */
export const PIPELINE_AUTONAMED: readonly AutoNamedChild[] = [
    ["-data", "aws:s3/bucket:Bucket"],
    ["-glue", "aws:iam/role:Role"],
    ["-crawler-role", "aws:iam/role:Role"],
    ["-start-crawler-role", "aws:iam/role:Role"],
    ["-start-job-role", "aws:iam/role:Role"],
    ["-glue", "aws:iam/rolePolicy:RolePolicy"],
    ["-crawler-role", "aws:iam/rolePolicy:RolePolicy"],
    ["-start-crawler-role", "aws:iam/rolePolicy:RolePolicy"],
    ["-start-job-role", "aws:iam/rolePolicy:RolePolicy"],
    ["-start-crawler-fn", "aws:lambda/function:Function"],
    ["-start-job-fn", "aws:lambda/function:Function"],
    ["-alarm-recovered", "aws:cloudwatch/eventRule:EventRule"],
    ["-crawl-failed", "aws:cloudwatch/eventRule:EventRule"],
    ["-crawl-succeeded", "aws:cloudwatch/eventRule:EventRule"],
    ["-job-finished", "aws:cloudwatch/eventRule:EventRule"],
    ["-crawler-events-dlq", "aws:sqs/queue:Queue"],
    ["-crawler-events-queue", "aws:sqs/queue:Queue"],
    ["-start-crawler-dlq", "aws:sqs/queue:Queue"],
    ["-start-crawler-queue", "aws:sqs/queue:Queue"],
    ["-start-job-dlq", "aws:sqs/queue:Queue"],
    ["-start-job-queue", "aws:sqs/queue:Queue"],
    ["-athena", "aws:athena/workgroup:Workgroup"],
    ["-crawler-events-dlq-not-empty", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-ledger-throttled", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-crawler-dlq-not-empty", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-crawler-errors", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-crawler-throttles", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-job-dlq-not-empty", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-job-errors", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-start-job-throttles", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-uploads-waiting", "aws:cloudwatch/metricAlarm:MetricAlarm"],
    ["-uploads", "aws:dynamodb/table:Table"],
    ["-csv", "aws:glue/classifier:Classifier"],
    ["-ruleset", "aws:glue/dataQualityRuleset:DataQualityRuleset"],
    ["-uploads", "aws:sns/topic:Topic"],
];

/** NotificationTopic's auto-named children. */
export const TOPIC_AUTONAMED: readonly AutoNamedChild[] = [["-topic", "aws:sns/topic:Topic"]];

/** The longest component name whose every auto-named child still fits its type's limit, and the child that binds. */
export function nameBound(children: readonly AutoNamedChild[]): { max: number; child: AutoNamedChild; limit: number } {
    const room = ([suffix, type]: AutoNamedChild) => NAME_LIMITS[type] - AUTONAME_SUFFIX_LENGTH - suffix.length;
    const child = children.reduce((tightest, c) => (room(c) < room(tightest) ? c : tightest));
    return { max: room(child), child, limit: NAME_LIMITS[child[1]] };
}

/** The problem with a component name that some auto-named child would carry past its type's limit, if any. */
export function nameTooLong(name: string, children: readonly AutoNamedChild[]): string | undefined {
    const { max, child, limit } = nameBound(children);
    if (name.length <= max) return undefined;
    return `"${name}" has ${name.length} characters; at most ${max}, since Pulumi names the ${child[1]} "<name>${child[0]}-" plus 7 random characters, and that type allows ${limit}`;
}
