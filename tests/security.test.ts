/*
 * What a security reviewer signs off on, for both stacks as their stack files deploy them: what is encrypted and
 * with which key, what prod protects, and, decided by an IAM policy simulator over the very policy documents the
 * program produces, which requests are allowed and which are denied.
 */
import { expect } from "chai";
import { ACCOUNT, build, Inputs, REGION, Resources } from "../testkit/harness";
import { buildStack } from "../testkit/stackFiles";
import { Ask, decide, Decision, stackPolicies, StackPolicies } from "./iamSimulation";
import { CsvToParquetPipeline } from "../components";

const OTHER_ACCOUNT = "999999999999";
const KEY = "aws:kms/key:Key";
/** The key policy AWS gives a key by default: the account's IAM policies decide who may use it. */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ],
};

for (const stack of ["dev", "prod"]) {
    describe(`security of the ${stack} stack`, () => {
        let r: Resources;
        let p: StackPolicies;
        const inputs = (type: string, name: string): Inputs => r.one(type, name).inputs;

        before(async () => {
            r = await buildStack(stack);
            p = stackPolicies(r, ACCOUNT);
        });

        describe("encryption", () => {
            it("has two customer managed keys, both rotated: the pipeline's and the topic's", () => {
                const keys = r.ofType(KEY);
                expect(keys.map((k) => k.name).sort()).to.deep.equal(["csv-to-parquet-key", "notifications-key"]);
                for (const key of keys) expect(key.inputs.enableKeyRotation, key.name).to.equal(true);
            });

            it("encrypts the bucket with the pipeline key and a bucket key", () => {
                const rule = inputs(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "csv-to-parquet-data",
                ).rules[0];
                expect(rule).to.deep.equal({
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: p.pipelineKeyArn },
                    bucketKeyEnabled: true,
                });
            });

            it("encrypts every queue and dead-letter queue", () => {
                const queues = r.ofType("aws:sqs/queue:Queue");
                expect(queues).to.have.length(6); // upload, crawl-completed and crawler-event queues, each with a dead-letter queue
                for (const q of queues) expect(q.inputs.sqsManagedSseEnabled, q.name).to.equal(true);
            });

            it("encrypts the topic with its own key, which EventBridge and CloudWatch alarms may use", async () => {
                expect(inputs("aws:sns/topic:Topic", "notifications-topic").kmsMasterKeyId).to.equal(p.topicKeyArn);
                const publishers = p.topicKeyPolicy.Statement.filter((s: Inputs) => s.Principal.Service).map(
                    (s: Inputs) => s.Principal.Service,
                );
                expect(publishers).to.deep.equal(["events.amazonaws.com", "cloudwatch.amazonaws.com"]);
                expect(await r.dependsOn("aws:sns/topic:Topic", "notifications-topic")).to.have.length(1);
            });

            it("attaches one Glue security configuration, encrypting S3, CloudWatch logs and bookmarks, to crawler and job", () => {
                const config = r.one("aws:glue/securityConfiguration:SecurityConfiguration", "csv-to-parquet-security");
                expect(config.inputs.encryptionConfiguration).to.deep.equal({
                    s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: p.pipelineKeyArn },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: p.pipelineKeyArn },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: p.pipelineKeyArn },
                });
                expect(inputs("aws:glue/crawler:Crawler", "csv-to-parquet-crawler").securityConfiguration).to.equal(
                    config.state.name,
                );
                expect(inputs("aws:glue/job:Job", "csv-to-parquet-job").securityConfiguration).to.equal(
                    config.state.name,
                );
            });

            it("encrypts the uploads ledger with the pipeline key", () => {
                expect(inputs("aws:dynamodb/table:Table", "csv-to-parquet-uploads").serverSideEncryption).to.deep.equal(
                    { enabled: true, kmsKeyArn: p.pipelineKeyArn },
                );
            });

            it("encrypts every log group with the pipeline key and keeps it for the configured days", () => {
                const groups = r.ofType("aws:cloudwatch/logGroup:LogGroup");
                expect(groups).to.have.length(5); // two functions; the job's error and output; the crawler
                for (const g of groups) {
                    expect(g.inputs.kmsKeyId, g.name).to.equal(p.pipelineKeyArn);
                    expect(g.inputs.retentionInDays, g.name).to.equal(stack === "prod" ? 365 : 7);
                }
            });
        });

        describe("access", () => {
            it("disables ACLs on the bucket: the bucket owner owns every object", () => {
                expect(
                    inputs("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "csv-to-parquet-data").rule,
                ).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            });

            it("gives the uploads ledger no resource policy: only this account's roles, by their own policies, reach it", () => {
                expect(r.ofType("aws:dynamodb/resourcePolicy:ResourcePolicy")).to.have.length(0);
            });

            it("gives no function a resource policy: only the event source mappings invoke them", () => {
                expect(r.ofType("aws:lambda/permission:Permission")).to.have.length(0);
                expect(r.ofType("aws:lambda/eventSourceMapping:EventSourceMapping")).to.have.length(2);
            });
        });

        describe("data protection", () => {
            const isProd = stack === "prod";
            it(
                isProd
                    ? "protects and retains the bucket, the uploads ledger and both keys"
                    : "lets dev be torn down, keys after 7 days",
                () => {
                    const TABLE = "aws:dynamodb/table:Table";
                    for (const [type, name] of [
                        ["aws:s3/bucket:Bucket", "csv-to-parquet-data"],
                        [TABLE, "csv-to-parquet-uploads"],
                        [KEY, "csv-to-parquet-key"],
                        [KEY, "notifications-key"],
                    ]) {
                        expect(r.options(type, name), name).to.include({ protect: isProd, retainOnDelete: isProd });
                    }
                    expect(inputs(KEY, "csv-to-parquet-key").deletionWindowInDays).to.equal(isProd ? 30 : 7);
                    expect(inputs(TABLE, "csv-to-parquet-uploads")).to.deep.include({
                        pointInTimeRecovery: { enabled: isProd },
                        deletionProtectionEnabled: isProd,
                        billingMode: "PAY_PER_REQUEST",
                    });
                },
            );

            it(
                isProd
                    ? "versions the bucket and expires old versions of what the pipeline wrote, never of uploads"
                    : "does not version the bucket",
                () => {
                    const rules: Inputs[] = inputs(
                        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                        "csv-to-parquet-data",
                    ).rules;
                    const noncurrent = rules.filter((rule) => rule.noncurrentVersionExpiration);
                    expect(r.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.have.length(isProd ? 1 : 0);
                    expect(noncurrent.map((rule) => rule.filter.prefix)).to.deep.equal(
                        isProd ? ["parquet_data/", "quarantine/", "glue/", "athena_results/"] : [],
                    );
                    for (const rule of noncurrent) expect(rule.noncurrentVersionExpiration.noncurrentDays).to.equal(90);
                    expect(rules.find((rule) => rule.id === "expire-glue-temp")?.expiration).to.deep.equal({ days: 7 });
                },
            );
        });

        describe("least privilege, decided by an IAM policy simulator", () => {
            /** A request and the policies that decide it. */
            interface Case extends Ask {
                identity: Inputs[];
                resourcePolicy?: Inputs;
            }
            type Make = () => Case;
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

            const cases: Record<Decision, [string, Make][]> = {
                Allowed: [
                    [
                        "start-crawler: ask about its crawler",
                        role("startCrawler", "glue:GetCrawler", () => p.crawlerArn),
                    ],
                    ["start-crawler: start its crawler", role("startCrawler", "glue:StartCrawler", () => p.crawlerArn)],
                    [
                        "start-crawler: delete an upload message",
                        role("startCrawler", "sqs:DeleteMessage", () => p.uploadQueueArn, uploads),
                    ],
                    [
                        "start-crawler: write its log stream",
                        role("startCrawler", "logs:PutLogEvents", logStream("startCrawler")),
                    ],
                    [
                        "start-crawler: record an upload",
                        role("startCrawler", "dynamodb:UpdateItem", () => p.uploadsTableArn),
                    ],
                    [
                        "start-crawler: use the pipeline key through DynamoDB",
                        role("startCrawler", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey, throughDynamoDb),
                    ],
                    [
                        "start-crawler: encrypt with the pipeline key through DynamoDB",
                        role(
                            "startCrawler",
                            "kms:GenerateDataKey",
                            () => p.pipelineKeyArn,
                            pipelineKey,
                            throughDynamoDb,
                        ),
                    ],
                    ["start-job: start its job", role("startJob", "glue:StartJobRun", () => p.jobArn)],
                    [
                        "start-job: receive crawl-completed messages",
                        role("startJob", "sqs:ReceiveMessage", () => p.crawlQueueArn, crawls),
                    ],
                    [
                        "start-job: write its log stream",
                        role("startJob", "logs:CreateLogStream", logStream("startJob")),
                    ],
                    ["Glue: read an upload", role("glue", "s3:GetObject", () => raw, bucket)],
                    [
                        "Glue: list a dataset folder",
                        role("glue", "s3:ListBucket", () => p.bucketArn, bucket, { "s3:prefix": "csv_data/sales/" }),
                    ],
                    [
                        "Glue: write Parquet",
                        role(
                            "glue",
                            "s3:PutObject",
                            () => "arn:aws:s3:::BUCKET/parquet_data/sales/part-0.parquet",
                            bucket,
                        ),
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
                    [
                        "Glue: import an earlier version's ledger file",
                        role("glue", "s3:GetObject", () => "arn:aws:s3:::BUCKET/glue/state/sales.json", bucket),
                    ],
                    [
                        "Glue: remove it once imported",
                        role("glue", "s3:DeleteObject", () => "arn:aws:s3:::BUCKET/glue/state/sales.json", bucket),
                    ],
                    [
                        "Glue: read the waiting uploads",
                        role("glue", "dynamodb:Query", () => `${p.uploadsTableArn}/index/todo`),
                    ],
                    [
                        "Glue: claim an upload and mark it done",
                        role("glue", "dynamodb:UpdateItem", () => p.uploadsTableArn),
                    ],
                    ["Glue: ask whether the run holding a claim ended", role("glue", "glue:GetJobRun", () => p.jobArn)],
                    [
                        "Glue: decrypt the ledger's items",
                        role("glue", "kms:Decrypt", () => p.pipelineKeyArn, pipelineKey, throughDynamoDb),
                    ],
                    [
                        "Glue: register a curated partition",
                        role("glue", "glue:BatchCreatePartition", () => glueArn(`table/${p.curatedDatabase}/sales`)),
                    ],
                    [
                        "Glue: create a curated table",
                        role("glue", "glue:CreateTable", () => glueArn(`table/${p.curatedDatabase}/sales`)),
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
                        "Glue: write an earlier version's ledger file",
                        role("glue", "s3:PutObject", () => "arn:aws:s3:::BUCKET/glue/state/sales.json", bucket),
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
                        "Glue: list the whole bucket",
                        role("glue", "s3:ListBucket", () => p.bucketArn, bucket, { "s3:prefix": "" }),
                    ],
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
                        role(
                            "crawler",
                            "s3:PutObject",
                            () => "arn:aws:s3:::BUCKET/parquet_data/sales/part-0.parquet",
                            bucket,
                        ),
                    ],
                    ["crawler: delete an upload", role("crawler", "s3:DeleteObject", () => raw, bucket)],
                    [
                        "crawler: touch the uploads ledger",
                        role("crawler", "dynamodb:UpdateItem", () => p.uploadsTableArn),
                    ],
                    [
                        "crawler: purge the upload queue",
                        role("crawler", "sqs:PurgeQueue", () => p.uploadQueueArn, uploads),
                    ],
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
                        outsider(
                            `arn:aws:iam::${OTHER_ACCOUNT}:root`,
                            "kms:Decrypt",
                            () => p.pipelineKeyArn,
                            pipelineKey,
                        ),
                    ],
                    [
                        "EventBridge: use the pipeline key",
                        outsider("events.amazonaws.com", "kms:GenerateDataKey", () => p.pipelineKeyArn, pipelineKey),
                    ],
                ],
            };
            for (const [decision, list] of Object.entries(cases) as [Decision, [string, Make][]][]) {
                for (const [title, make] of list) {
                    it(`${decision === "Allowed" ? "allows" : "denies"}: ${title}`, async () => {
                        const c = make();
                        expect(
                            await decide(c, {
                                identity: c.identity,
                                resource: c.resourcePolicy,
                                resourceAccount: ACCOUNT,
                            }),
                        ).to.equal(decision);
                    });
                }
            }

            it("uses only real IAM actions in every role policy, each with a resource of a type it applies to", async () => {
                // A statement may list several actions and resources (GetDatabase and GetTable share one); each action
                // must apply to at least one of them, and each resource must serve at least one of the actions.
                let checked = 0;
                for (const { arn, policy } of Object.values(p.roles)) {
                    for (const statement of policy.Statement as Inputs[]) {
                        const actions = [statement.Action].flat() as string[];
                        const resources = [statement.Resource].flat() as string[];
                        const valid = new Set<string>();
                        for (const action of actions) {
                            for (const resource of resources) {
                                const only = {
                                    Version: "2012-10-17",
                                    Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
                                };
                                // A KMS key needs its key policy's consent too: the default one, delegating to IAM.
                                const keyPolicy = action.startsWith("kms:") ? DEFAULT_KEY_POLICY : undefined;
                                const decision = await decide(
                                    { principal: arn, action, resource },
                                    { identity: [only], resource: keyPolicy, resourceAccount: ACCOUNT },
                                ).catch(() => "not applicable");
                                if (decision === "Allowed") valid.add(action).add(resource);
                                else expect(decision, `${action} on ${resource}`).to.equal("not applicable");
                            }
                        }
                        for (const item of [...actions, ...resources])
                            expect(valid.has(item), `${statement.Sid}: ${item}`).to.equal(true);
                        checked += actions.length;
                    }
                }
                expect(checked).to.be.above(30);
            });

            // The simulator drops `kms:EncryptionContext:<key>` from a request (it matches such keys only when they
            // end in "/<name>"), so it cannot decide this one; the condition is checked as ArnLike would apply it.
            it("lets CloudWatch Logs use the pipeline key only for log groups of this account and region", () => {
                const statement = p.pipelineKeyPolicy.Statement.find(
                    (s: Inputs) => s.Principal.Service === `logs.${REGION}.amazonaws.com`,
                );
                expect(statement.Action).to.not.include("kms:*");
                const pattern: string = statement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
                const arnLike = new RegExp(
                    `^${pattern
                        .split("*")
                        .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
                        .join(".*")}$`,
                );
                expect(arnLike.test(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/jobs-x/output`)).to.equal(
                    true,
                );
                expect(
                    arnLike.test(`arn:aws:logs:${REGION}:${OTHER_ACCOUNT}:log-group:/aws-glue/jobs-x/output`),
                ).to.equal(false);
                expect(arnLike.test(`arn:aws:logs:eu-north-1:${ACCOUNT}:log-group:/aws-glue/jobs-x/output`)).to.equal(
                    false,
                );
            });
        });
    });
}

describe("security options", () => {
    it("uses SSE-S3 for the bucket, Glue's S3 output and Athena results when bucketEncryption is SSE-S3", async () => {
        const { resources: r } = await build(
            (opts) =>
                new CsvToParquetPipeline(
                    "plain",
                    {
                        notificationTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`,
                        bucketEncryption: "SSE-S3",
                    },
                    opts,
                ),
        );
        const sse = r.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "plain-data",
        ).inputs;
        expect(sse.rules[0]).to.deep.equal({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } });
        const glue = r.one("aws:glue/securityConfiguration:SecurityConfiguration", "plain-security").inputs
            .encryptionConfiguration;
        expect(glue.s3Encryption).to.deep.equal({ s3EncryptionMode: "SSE-S3" });
        expect(glue.jobBookmarksEncryption.jobBookmarksEncryptionMode).to.equal("CSE-KMS");
        expect(
            r.one("aws:athena/workgroup:Workgroup", "plain-athena").inputs.configuration.resultConfiguration
                .encryptionConfiguration,
        ).to.deep.equal({ encryptionOption: "SSE_S3" });
    });

    it("rejects an unknown bucket encryption, naming the argument", () => {
        expect(
            () =>
                new CsvToParquetPipeline("bad", {
                    notificationTopicArn: "arn:aws:sns:us-east-1:1:t",
                    bucketEncryption: "SSE-C",
                }),
        ).to.throw(/CsvToParquetPipeline bad: bucketEncryption must be SSE-KMS or SSE-S3, not "SSE-C"/);
    });
});
