/*
 * The requests the IAM simulation in security.test.ts decides for a stack, by the decision each must get: what
 * each role may do, what it may not, and what AWS services and other accounts may and may not do through the
 * resource policies. One table, kept together so that a reviewer reads every case in one place.
 */
import { ACCOUNT, Inputs, REGION } from "../testkit/harness";
import { Ask, Decision, StackPolicies } from "./iamSimulation";

export const OTHER_ACCOUNT = "999999999999";
/** The key policy AWS gives a key by default: the account's IAM policies decide who may use it. */
export const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ],
};

/** A request and the policies that decide it. */
export interface Case extends Ask {
    identity: Inputs[];
    resourcePolicy?: Inputs;
}
export type Make = () => Case;

/**
 * The cases for `stack`. `p` is read only when a case is made, so it may be filled in after this is called (once the
 * stack is built, in a `before` hook).
 */
export function iamCases(stack: string, p: StackPolicies): Record<Decision, [string, Make][]> {
    const raw = `arn:aws:s3:::BUCKET/csv_data/sales/2026-11-21.csv`;
    const glueArn = (kind: string) => `arn:aws:glue:${REGION}:${ACCOUNT}:${kind}`;
    /** Fills in the stack's names: BUCKET, and the ARNs p holds, once the stack is built. */
    const at = (arn: string) => arn.replace("BUCKET", p.bucket);
    type Context = Ask["context"] | (() => Ask["context"]);
    const resolve = (context: Context) => (typeof context === "function" ? context() : context);
    /** A request by one of the stack's roles, decided by its policy and the resource's own policy. */
    const role =
        (
            who: keyof StackPolicies["roles"],
            action: string,
            resource: () => string,
            resourcePolicy?: () => Inputs,
            context?: Context,
        ): Make =>
        () => ({
            principal: p.roles[who].arn,
            action,
            resource: at(resource()),
            context: resolve(context),
            identity: [p.roles[who].policy],
            resourcePolicy: resourcePolicy?.(),
        });
    /** A request by an AWS service or another account, decided by the resource's policy alone. */
    const outsider =
        (
            principal: string,
            action: string,
            resource: () => string,
            resourcePolicy: () => Inputs,
            context?: Context,
        ): Make =>
        () => ({
            principal,
            action,
            resource: at(resource()),
            context: resolve(context),
            identity: [],
            resourcePolicy: resourcePolicy(),
        });
    const bucket = () => p.bucketPolicy;
    const uploads = () => p.uploadQueuePolicy;
    const uploadsTopic = () => p.uploadsTopicPolicy;
    const crawlerEvents = () => p.crawlerEventQueuePolicy;
    const crawls = () => p.crawlQueuePolicy;
    const topic = () => p.topicPolicy;
    const pipelineKey = () => p.pipelineKeyPolicy;
    const topicKey = () => p.topicKeyPolicy;
    const logStream = (who: "startCrawler" | "startJob") => () =>
        `${p.roles[who].logGroupArn}:log-stream:2026/11/21/[$LATEST]0123456789abcdef`;
    const thisAccountsRule = { "aws:SourceAccount": ACCOUNT };
    const throughDynamoDb = { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` };

    return {
        Allowed: [
            ["start-crawler: ask about its crawler", role("startCrawler", "glue:GetCrawler", () => p.crawlerArn)],
            ["start-crawler: start its crawler", role("startCrawler", "glue:StartCrawler", () => p.crawlerArn)],
            [
                "start-crawler: delete an upload message",
                role("startCrawler", "sqs:DeleteMessage", () => p.uploadQueueArn, uploads),
            ],
            [
                "start-crawler: write its log stream",
                role("startCrawler", "logs:PutLogEvents", logStream("startCrawler")),
            ],
            ["start-crawler: record an upload", role("startCrawler", "dynamodb:UpdateItem", () => p.uploadsTableArn)],
            [
                "start-crawler: use the pipeline key through DynamoDB",
                role("startCrawler", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey, throughDynamoDb),
            ],
            [
                "start-crawler: encrypt with the pipeline key through DynamoDB",
                role("startCrawler", "kms:GenerateDataKey", () => p.pipelineKeyArn, pipelineKey, throughDynamoDb),
            ],
            ["start-job: start its job", role("startJob", "glue:StartJobRun", () => p.jobArn)],
            [
                "start-job: receive crawl-completed messages",
                role("startJob", "sqs:ReceiveMessage", () => p.crawlQueueArn, crawls),
            ],
            ["start-job: write its log stream", role("startJob", "logs:CreateLogStream", logStream("startJob"))],
            ["Glue: read an upload", role("glue", "s3:GetObject", () => raw, bucket)],
            [
                "Glue: list a dataset folder",
                role("glue", "s3:ListBucket", () => p.bucketArn, bucket, { "s3:prefix": "csv_data/sales/" }),
            ],
            // Reversed on purpose: this case was a denial until the job's ListBucket lost its s3:prefix condition.
            // Without ListBucket, S3 answers a HEAD or GET of a missing key with 403 instead of 404, and Spark's
            // "does this path exist?" before every write fails (see ListTheBucket in components/glueRoles.ts).
            [
                "Glue: list the whole bucket",
                role("glue", "s3:ListBucket", () => p.bucketArn, bucket, { "s3:prefix": "" }),
            ],
            // What S3 authorizes when the job HEADs or GETs a key that does not exist: ListBucket on the bucket,
            // with no s3:prefix in the request context. Denied, S3 answers 403 where Hadoop expects 404.
            ["Glue: learn that a key is missing (HEAD)", role("glue", "s3:ListBucket", () => p.bucketArn, bucket)],
            [
                "Glue: write Parquet",
                role("glue", "s3:PutObject", () => "arn:aws:s3:::BUCKET/parquet_data/sales/part-0.parquet", bucket),
            ],
            [
                "Glue: write quarantined rows",
                role(
                    "glue",
                    "s3:PutObject",
                    () => "arn:aws:s3:::BUCKET/quarantine/sales/jr_1/failed_rules/part-0.json",
                    bucket,
                ),
            ],
            [
                "Glue: read its script",
                role("glue", "s3:GetObject", () => "arn:aws:s3:::BUCKET/glue/scripts/glue_job.py", bucket),
            ],
            [
                "Glue: read the core beside it",
                role("glue", "s3:GetObject", () => "arn:aws:s3:::BUCKET/glue/scripts/lake.zip", bucket),
            ],
            ["Glue: read the waiting uploads", role("glue", "dynamodb:Query", () => `${p.uploadsTableArn}/index/todo`)],
            ["Glue: claim an upload and mark it done", role("glue", "dynamodb:UpdateItem", () => p.uploadsTableArn)],
            ["Glue: ask whether the run holding a claim ended", role("glue", "glue:GetJobRun", () => p.jobArn)],
            [
                "Glue: decrypt the ledger's items",
                role("glue", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey, throughDynamoDb),
            ],
            [
                "Glue: create a curated table",
                role("glue", "glue:CreateTable", () => glueArn(`table/${p.curatedDatabase}/sales`)),
            ],
            [
                "Glue: commit to an Iceberg table (UpdateTable, as GlueTableOperations does)",
                role("glue", "glue:UpdateTable", () => glueArn(`table/${p.curatedDatabase}/sales__quarantine`)),
            ],
            [
                "Glue: read an Iceberg table's metadata file",
                role(
                    "glue",
                    "s3:GetObject",
                    () => "arn:aws:s3:::BUCKET/parquet_data/sales/metadata/v2.metadata.json",
                    bucket,
                ),
            ],
            [
                "Glue: abort a multipart upload of a data file (S3FileIO, on a failed write)",
                role(
                    "glue",
                    "s3:AbortMultipartUpload",
                    () => "arn:aws:s3:::BUCKET/parquet_data/sales/data/00000-0-a.parquet",
                    bucket,
                ),
            ],
            [
                "Glue: write a quarantine table's data file",
                role(
                    "glue",
                    "s3:PutObject",
                    () => "arn:aws:s3:::BUCKET/quarantine/sales/data/00000-0-a.parquet",
                    bucket,
                ),
            ],
            ["Glue: read its ruleset", role("glue", "glue:GetDataQualityRuleset", () => p.rulesetArn)],
            ["Glue: publish data quality results", role("glue", "glue:PublishDataQuality", () => p.rulesetArn)],
            ["Glue: report to the topic", role("glue", "sns:Publish", () => p.topicArn, topic)],
            [
                "Glue: encrypt with the pipeline key",
                role("glue", "kms:GenerateDataKey", () => p.pipelineKeyArn, pipelineKey),
            ],
            [
                "Glue: encrypt reports with the topic key",
                role("glue", "kms:GenerateDataKey", () => p.topicKeyArn, topicKey),
            ],
            [
                "Glue: put its log group under the key",
                role(
                    "glue",
                    "logs:AssociateKmsKey",
                    () => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/jobs-x/output`,
                ),
            ],
            [
                "Glue: publish Glue metrics",
                role("glue", "cloudwatch:PutMetricData", () => "*", undefined, {
                    "cloudwatch:namespace": "Glue",
                }),
            ],
            [
                "Glue: publish how many uploads still wait",
                role("glue", "cloudwatch:PutMetricData", () => "*", undefined, {
                    "cloudwatch:namespace": "CsvToParquet",
                }),
            ],
            [
                "S3: this bucket publishes to the uploads topic",
                outsider(
                    "s3.amazonaws.com",
                    "sns:Publish",
                    () => p.uploadsTopicArn,
                    uploadsTopic,
                    () => ({ "aws:SourceArn": p.bucketArn, "aws:SourceAccount": ACCOUNT }),
                ),
            ],
            [
                "SNS: the uploads topic delivers to the upload queue",
                outsider(
                    "sns.amazonaws.com",
                    "sqs:SendMessage",
                    () => p.uploadQueueArn,
                    uploads,
                    () => ({ "aws:SourceArn": p.uploadsTopicArn }),
                ),
            ],
            [
                "SNS: the uploads topic delivers to the crawler's event queue",
                outsider(
                    "sns.amazonaws.com",
                    "sqs:SendMessage",
                    () => p.crawlerEventQueueArn,
                    crawlerEvents,
                    () => ({ "aws:SourceArn": p.uploadsTopicArn }),
                ),
            ],
            [
                "S3: encrypt a notification with the pipeline key",
                outsider("s3.amazonaws.com", "kms:GenerateDataKey", () => p.pipelineKeyArn, pipelineKey),
            ],
            [
                "crawler: receive its S3 events",
                role("crawler", "sqs:ReceiveMessage", () => p.crawlerEventQueueArn, crawlerEvents),
            ],
            [
                "crawler: delete an S3 event it consumed",
                role("crawler", "sqs:DeleteMessage", () => p.crawlerEventQueueArn, crawlerEvents),
            ],
            ["crawler: read an upload", role("crawler", "s3:GetObject", () => raw, bucket)],
            [
                "crawler: list a dataset folder",
                role("crawler", "s3:ListBucket", () => p.bucketArn, bucket, { "s3:prefix": "csv_data/sales/" }),
            ],
            [
                "crawler: update a raw table",
                role("crawler", "glue:UpdateTable", () => glueArn(`table/${p.rawDatabase}/sales`)),
            ],
            [
                "EventBridge: the crawl-succeeded rule sends to its queue",
                outsider(
                    "events.amazonaws.com",
                    "sqs:SendMessage",
                    () => p.crawlQueueArn,
                    crawls,
                    () => ({ "aws:SourceArn": p.crawlSucceededRuleArn }),
                ),
            ],
            [
                "EventBridge: a rule of this account publishes to the topic",
                outsider("events.amazonaws.com", "sns:Publish", () => p.topicArn, topic, thisAccountsRule),
            ],
            [
                "CloudWatch: an alarm of this account publishes to the topic",
                outsider("cloudwatch.amazonaws.com", "sns:Publish", () => p.topicArn, topic, thisAccountsRule),
            ],
            [
                "EventBridge: encrypt a message with the topic key",
                outsider("events.amazonaws.com", "kms:GenerateDataKey", () => p.topicKeyArn, topicKey),
            ],
        ],
        ExplicitlyDenied: [
            [
                "Glue: read an upload without TLS",
                role("glue", "s3:GetObject", () => raw, bucket, { "aws:SecureTransport": "false" }),
            ],
            [
                "this account: delete the bucket without TLS",
                outsider(`arn:aws:iam::${ACCOUNT}:root`, "s3:DeleteBucket", () => p.bucketArn, bucket, {
                    "aws:SecureTransport": "false",
                }),
            ],
        ],
        ImplicitlyDenied: [
            [
                "start-crawler: start another crawler",
                role("startCrawler", "glue:StartCrawler", () => glueArn("crawler/someone-elses-crawler")),
            ],
            ["start-crawler: start the job", role("startCrawler", "glue:StartJobRun", () => p.jobArn)],
            ["start-crawler: read the raw data", role("startCrawler", "s3:GetObject", () => raw, bucket)],
            [
                "start-crawler: read the other queue",
                role("startCrawler", "sqs:ReceiveMessage", () => p.crawlQueueArn, crawls),
            ],
            [
                "Glue: decrypt with another key",
                role(
                    "glue",
                    "kms:Decrypt",
                    () => `arn:aws:kms:${REGION}:${ACCOUNT}:key/another-key`,
                    () => DEFAULT_KEY_POLICY,
                ),
            ],
            [
                "start-crawler: decrypt with the pipeline key outside DynamoDB",
                role("startCrawler", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey),
            ],
            [
                "start-crawler: decrypt with the pipeline key through S3",
                role("startCrawler", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey, {
                    "kms:ViaService": `s3.${REGION}.amazonaws.com`,
                }),
            ],
            [
                "start-crawler: read an upload's record",
                role("startCrawler", "dynamodb:GetItem", () => p.uploadsTableArn),
            ],
            [
                "start-crawler: read the waiting uploads",
                role("startCrawler", "dynamodb:Query", () => `${p.uploadsTableArn}/index/todo`),
            ],
            [
                "start-crawler: delete an upload's record",
                role("startCrawler", "dynamodb:DeleteItem", () => p.uploadsTableArn),
            ],
            [
                "start-crawler: write another table",
                role(
                    "startCrawler",
                    "dynamodb:UpdateItem",
                    () => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/someone-elses-table`,
                ),
            ],
            ["start-job: record an upload", role("startJob", "dynamodb:UpdateItem", () => p.uploadsTableArn)],
            [
                "Glue: register a Hive partition (Iceberg tables have none)",
                role("glue", "glue:BatchCreatePartition", () => glueArn(`table/${p.curatedDatabase}/sales`)),
            ],
            [
                "Glue: delete a curated table",
                role("glue", "glue:DeleteTable", () => glueArn(`table/${p.curatedDatabase}/sales`)),
            ],
            ["Glue: delete an upload's record", role("glue", "dynamodb:DeleteItem", () => p.uploadsTableArn)],
            ["Glue: scan the whole ledger", role("glue", "dynamodb:Scan", () => p.uploadsTableArn)],
            [
                "Glue: query the ledger by dataset",
                role("glue", "dynamodb:Query", () => `${p.uploadsTableArn}/index/dataset`),
            ],
            [
                "Glue: write another table",
                role(
                    "glue",
                    "dynamodb:UpdateItem",
                    () => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/someone-elses-table`,
                ),
            ],
            [
                "Glue: ask about another job's runs",
                role("glue", "glue:GetJobRun", () => glueArn("job/someone-elses-job")),
            ],
            // The table has no resource policy ("access" above): only this account's IAM policies can grant it.
            [
                "another account: write the uploads ledger",
                () => ({
                    principal: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
                    action: "dynamodb:UpdateItem",
                    resource: p.uploadsTableArn,
                    identity: [],
                }),
            ],
            [
                "another account: use the pipeline key through DynamoDB",
                outsider(
                    `arn:aws:iam::${OTHER_ACCOUNT}:root`,
                    "kms:Decrypt",
                    () => p.pipelineKeyArn,
                    pipelineKey,
                    throughDynamoDb,
                ),
            ],
            [
                "start-job: start another job",
                role("startJob", "glue:StartJobRun", () => glueArn("job/someone-elses-job")),
            ],
            ["start-job: start the crawler", role("startJob", "glue:StartCrawler", () => p.crawlerArn)],
            ["start-job: read the raw data", role("startJob", "s3:GetObject", () => raw, bucket)],
            ["start-job: delete the bucket", role("startJob", "s3:DeleteBucket", () => p.bucketArn, bucket)],
            ["Glue: write into the raw prefix", role("glue", "s3:PutObject", () => raw, bucket)],
            ["Glue: delete an upload", role("glue", "s3:DeleteObject", () => raw, bucket)],
            ["Glue: delete the bucket", role("glue", "s3:DeleteBucket", () => p.bucketArn, bucket)],
            [
                "Glue: read another bucket",
                role("glue", "s3:GetObject", () => "arn:aws:s3:::someone-elses-bucket/data.csv"),
            ],
            [
                "Glue: create a table in another database",
                role("glue", "glue:CreateTable", () => glueArn("table/finance/ledger")),
            ],
            ["Glue: start its own job", role("glue", "glue:StartJobRun", () => p.jobArn)],
            [
                "Glue: publish metrics under another namespace",
                role("glue", "cloudwatch:PutMetricData", () => "*", undefined, {
                    "cloudwatch:namespace": "AWS/Billing",
                }),
            ],
            [
                "another account: read an upload",
                outsider(`arn:aws:iam::${OTHER_ACCOUNT}:root`, "s3:GetObject", () => raw, bucket),
            ],
            [
                "another account: publish to the topic",
                outsider(`arn:aws:iam::${OTHER_ACCOUNT}:role/intruder`, "sns:Publish", () => p.topicArn, topic),
            ],
            [
                "EventBridge: a rule of another account publishes to the topic",
                outsider("events.amazonaws.com", "sns:Publish", () => p.topicArn, topic, {
                    "aws:SourceAccount": OTHER_ACCOUNT,
                }),
            ],
            [
                "S3: another bucket publishes to the uploads topic",
                outsider("s3.amazonaws.com", "sns:Publish", () => p.uploadsTopicArn, uploadsTopic, {
                    "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket",
                    "aws:SourceAccount": ACCOUNT,
                }),
            ],
            [
                "S3: this bucket sends to the upload queue directly",
                outsider(
                    "s3.amazonaws.com",
                    "sqs:SendMessage",
                    () => p.uploadQueueArn,
                    uploads,
                    () => ({ "aws:SourceArn": p.bucketArn, "aws:SourceAccount": ACCOUNT }),
                ),
            ],
            [
                "SNS: another topic delivers to the crawler's event queue",
                outsider("sns.amazonaws.com", "sqs:SendMessage", () => p.crawlerEventQueueArn, crawlerEvents, {
                    "aws:SourceArn": `arn:aws:sns:${REGION}:${ACCOUNT}:another-topic`,
                }),
            ],
            [
                "crawler: write Parquet",
                role("crawler", "s3:PutObject", () => "arn:aws:s3:::BUCKET/parquet_data/sales/part-0.parquet", bucket),
            ],
            ["crawler: delete an upload", role("crawler", "s3:DeleteObject", () => raw, bucket)],
            ["crawler: touch the uploads ledger", role("crawler", "dynamodb:UpdateItem", () => p.uploadsTableArn)],
            ["crawler: purge the upload queue", role("crawler", "sqs:PurgeQueue", () => p.uploadQueueArn, uploads)],
            [
                "crawler: create a curated table",
                role("crawler", "glue:CreateTable", () => glueArn(`table/${p.curatedDatabase}/sales`)),
            ],
            [
                "Glue job: create a raw table",
                role("glue", "glue:CreateTable", () => glueArn(`table/${p.rawDatabase}/sales`)),
            ],
            [
                "Glue job: receive the crawler's S3 events",
                role("glue", "sqs:ReceiveMessage", () => p.crawlerEventQueueArn, crawlerEvents),
            ],
            [
                "EventBridge: another rule sends to the crawl-completed queue",
                outsider("events.amazonaws.com", "sqs:SendMessage", () => p.crawlQueueArn, crawls, {
                    "aws:SourceArn": `arn:aws:events:${REGION}:${ACCOUNT}:rule/another-rule`,
                }),
            ],
            [
                "another account: decrypt with the pipeline key",
                outsider(`arn:aws:iam::${OTHER_ACCOUNT}:root`, "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey),
            ],
            [
                "EventBridge: use the pipeline key",
                outsider("events.amazonaws.com", "kms:GenerateDataKey", () => p.pipelineKeyArn, pipelineKey),
            ],
        ],
    };
}
