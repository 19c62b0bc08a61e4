import * as fs from "fs";
import { expect } from "chai";
import { ACCOUNT, build, Inputs, list, REGION, Resources, Statement, T, TOPIC, valueOf } from "../testkit/harness";
import { coreModules, ETL_SCRIPT_PATH } from "../components/etlAssets";
import { CsvToParquetPipeline, CsvToParquetPipelineArgs } from "../components";
import { fixture, matchesPattern } from "../testkit/events";

function pipeline(name: string, args: Partial<CsvToParquetPipelineArgs> = {}) {
    return build(
        (opts) =>
            new CsvToParquetPipeline(
                name,
                {
                    notificationTopicArn: TOPIC,
                    crawlerName: `${name}-crawler`,
                    jobName: `${name}-job`,
                    ...args,
                },
                opts,
            ),
    );
}

const statements = (r: Resources, name: string): Statement[] => r.json(T.rolePolicy, name).Statement;
const allowed = (stmts: Statement[], action: string) =>
    stmts.filter((s) => s.Effect === "Allow" && list(s.Action).includes(action)).flatMap((s) => list(s.Resource));

describe("CsvToParquetPipeline", () => {
    let r: Resources;
    let p: CsvToParquetPipeline;
    const physical = (type: string, suffix: string) => r.one(type, suffix).state;

    before(async () => {
        const built = await pipeline("lake");
        r = built.resources;
        p = built.value;
    });

    describe("data bucket", () => {
        it("blocks public access, encrypts, and denies requests without TLS", () => {
            expect(r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-data").inputs).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            const sse = r.one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "lake-data",
            ).inputs;
            expect(sse.rules[0]).to.deep.include({
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: physical("aws:kms/key:Key", "lake-key").arn,
                },
                bucketKeyEnabled: true,
            });
            const bucketArn = physical(T.bucket, "lake-data").arn;
            const [deny] = r.json("aws:s3/bucketPolicy:BucketPolicy", "lake-data").Statement;
            expect(deny).to.deep.equal({
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        });

        it("is disposable unless the data is protected", async () => {
            expect(r.one(T.bucket, "lake-data").inputs.forceDestroy).to.equal(true);
            expect(r.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.have.length(0);
            expect(r.options(T.bucket, "lake-data").protect).to.equal(false);
            const prod = (await pipeline("safe", { protectData: true })).resources;
            expect(prod.one(T.bucket, "safe-data").inputs.forceDestroy).to.equal(false);
            expect(
                prod.one("aws:s3/bucketVersioning:BucketVersioning", "safe-data").inputs.versioningConfiguration,
            ).to.deep.equal({ status: "Enabled" });
            expect(prod.options(T.bucket, "safe-data")).to.include({ protect: true, retainOnDelete: true });
        });

        it("expires Glue's temp files and Athena results only, never the uploads, Parquet or quarantine", () => {
            const rules: Inputs[] = r.one(
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "lake-data",
            ).inputs.rules;
            const expiring = rules.filter((rule) => rule.expiration);
            expect(expiring.map((rule) => [rule.filter.prefix, rule.expiration.days])).to.deep.equal([
                ["glue/temp/", 7],
                ["athena_results/", 30],
            ]);
        });

        it("uploads the job's entry script and a zip of the conversion core under the Glue prefix", () => {
            const script = r.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-etl-script").inputs;
            const core = r.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-etl-core").inputs;
            expect(script.key).to.equal("glue/scripts/glue_job.py");
            expect(core.key).to.equal("glue/scripts/lake.zip");
            expect(script.sourceHash)
                .to.match(/^[0-9a-f]{64}$/)
                .and.equal(core.sourceHash);
            expect(coreModules()).to.include.members([
                "lake/__init__.py",
                "lake/convert.py",
                "lake/aws.py",
                "lake/hadoopfs.py",
            ]);
            expect(coreModules().every((m) => /^lake\/[a-z_]+\.py$/.test(m))).to.equal(true);
        });
    });

    describe("uploads to the start-crawler function and the crawler", () => {
        it("publishes every ObjectCreated under the raw prefix (no case-sensitive suffix) to the uploads topic, after its policy and deliveries exist", async () => {
            const topic = physical("aws:sns/topic:Topic", "lake-uploads");
            const notification = r.one(T.notification, "lake-uploads").inputs;
            expect(notification.queues).to.equal(undefined);
            expect(notification.topics).to.deep.equal([
                { topicArn: topic.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "csv_data/" },
            ]);
            const deps = await r.dependsOn(T.notification, "lake-uploads");
            for (const needed of [
                "aws:sns/topicPolicy:TopicPolicy::lake-uploads",
                "aws:sns/topicSubscription:TopicSubscription::lake-uploads-to-start-crawler",
                "aws:sns/topicSubscription:TopicSubscription::lake-uploads-to-crawler",
            ]) {
                expect(
                    deps.some((urn) => urn.endsWith(needed)),
                    needed,
                ).to.equal(true);
            }
        });

        it("delivers each notification as S3 wrote it (raw) to the start-crawler queue and the crawler's event queue", () => {
            const topic = physical("aws:sns/topic:Topic", "lake-uploads");
            for (const [role, queue] of [
                ["start-crawler", "lake-start-crawler-queue"],
                ["crawler", "lake-crawler-events-queue"],
            ]) {
                expect(
                    r.one("aws:sns/topicSubscription:TopicSubscription", `lake-uploads-to-${role}`).inputs,
                ).to.deep.include({
                    topic: topic.arn,
                    protocol: "sqs",
                    endpoint: physical(T.queue, queue).arn,
                    rawMessageDelivery: true,
                });
            }
        });

        it("lets only S3, for this bucket and account, publish to the uploads topic, and only that topic send to the queues", () => {
            const topic = physical("aws:sns/topic:Topic", "lake-uploads");
            expect(r.json("aws:sns/topicPolicy:TopicPolicy", "lake-uploads").Statement).to.deep.equal([
                {
                    Sid: "AllowUploadNotificationsFromTheDataBucket",
                    Effect: "Allow",
                    Principal: { Service: "s3.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: {
                        ArnEquals: { "aws:SourceArn": physical(T.bucket, "lake-data").arn },
                        StringEquals: { "aws:SourceAccount": ACCOUNT },
                    },
                },
            ]);
            for (const [role, queue] of [
                ["start-crawler", "lake-start-crawler-queue"],
                ["crawler", "lake-crawler-events-queue"],
            ]) {
                expect(r.json(T.queuePolicy, `lake-uploads-to-${role}`).Statement).to.deep.equal([
                    {
                        Sid: "AllowTheUploadsTopic",
                        Effect: "Allow",
                        Principal: { Service: "sns.amazonaws.com" },
                        Action: "sqs:SendMessage",
                        Resource: physical(T.queue, queue).arn,
                        Condition: { ArnEquals: { "aws:SourceArn": topic.arn } },
                    },
                ]);
            }
        });

        it("encrypts the uploads topic with the pipeline key, which S3 may use to publish to it", () => {
            expect(r.one("aws:sns/topic:Topic", "lake-uploads").inputs.kmsMasterKeyId).to.equal(
                physical("aws:kms/key:Key", "lake-key").arn,
            );
            const statement = r
                .json("aws:kms/keyPolicy:KeyPolicy", "lake-key", "policy")
                .Statement.find((x: Statement) => x.Sid === "LetS3PublishToTheEncryptedUploadsTopic");
            expect(statement).to.deep.include({
                Principal: { Service: "s3.amazonaws.com" },
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            });
        });

        it("dead-letters a message after bounded receives, with the retry interval as visibility timeout", () => {
            for (const [role, receives] of [
                ["start-crawler", 20],
                ["start-job", 23],
            ] as const) {
                const queue = r.one(T.queue, `lake-${role}-queue`).inputs;
                expect(queue.visibilityTimeoutSeconds, role).to.equal(180);
                expect(queue.sqsManagedSseEnabled, role).to.equal(true);
                expect(JSON.parse(queue.redrivePolicy), role).to.deep.equal({
                    deadLetterTargetArn: physical(T.queue, `lake-${role}-dlq`).arn,
                    maxReceiveCount: receives,
                });
                expect(r.one(T.queue, `lake-${role}-dlq`).inputs.messageRetentionSeconds).to.equal(14 * 24 * 3600);
            }
        });

        it("feeds each function through a batching event source mapping that reports item failures", () => {
            const crawlerEsm = r.one(T.esm, "lake-start-crawler-esm").inputs;
            expect(crawlerEsm).to.deep.include({
                eventSourceArn: physical(T.queue, "lake-start-crawler-queue").arn,
                functionName: physical(T.fn, "lake-start-crawler-fn").arn,
                batchSize: 100,
                maximumBatchingWindowInSeconds: 60,
                functionResponseTypes: ["ReportBatchItemFailures"],
            });
            expect(r.one(T.esm, "lake-start-job-esm").inputs).to.deep.include({
                eventSourceArn: physical(T.queue, "lake-start-job-queue").arn,
                functionResponseTypes: ["ReportBatchItemFailures"],
            });
        });
    });

    describe("Lambda functions", () => {
        for (const role of ["start-crawler", "start-job"]) {
            it(`${role}: Node.js 22 on arm64, own role, JSON logs with retention, archive without node_modules`, async () => {
                const fn = r.one(T.fn, `lake-${role}-fn`).inputs;
                expect(fn.runtime).to.equal("nodejs22.x");
                expect(fn.architectures).to.deep.equal(["arm64"]);
                expect(fn.role).to.equal(physical(T.role, `lake-${role}-role`).arn);
                expect(fn.loggingConfig).to.deep.include({
                    logFormat: "JSON",
                    logGroup: physical("aws:cloudwatch/logGroup:LogGroup", `lake-${role}-logs`).name,
                });
                expect(r.one("aws:cloudwatch/logGroup:LogGroup", `lake-${role}-logs`).inputs.retentionInDays).to.equal(
                    30,
                );
                const assets = await fn.code.assets;
                expect(Object.keys(assets)).to.deep.equal(["__index.js"]);
                expect(await assets["__index.js"].text).to.contain('require("@aws-sdk/client-glue")');
            });
        }

        it("never gets CallbackFunction's default role or its FullAccess managed policies", () => {
            expect(r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.length(0);
            expect(
                r
                    .ofType(T.role)
                    .map((role) => role.name)
                    .sort(),
            ).to.deep.equal(["lake-crawler-role", "lake-glue", "lake-start-crawler-role", "lake-start-job-role"]);
        });

        it("passes the names the handlers need through the environment", () => {
            expect(r.one(T.fn, "lake-start-crawler-fn").inputs.environment.variables).to.deep.equal({
                CRAWLER_NAME: "lake-crawler",
                RAW_PREFIX: "csv_data/",
                UPLOADS_TABLE: physical("aws:dynamodb/table:Table", "lake-uploads").name,
            });
            expect(r.one(T.fn, "lake-start-job-fn").inputs.environment.variables).to.deep.equal({
                JOB_NAME: "lake-job",
                CRAWLER_NAME: "lake-crawler",
            });
        });
    });

    describe("IAM", () => {
        it("start-crawler may start this crawler, record uploads, read its queue and write its logs, nothing else", () => {
            const s = statements(r, "lake-start-crawler-role");
            expect(allowed(s, "glue:StartCrawler")).to.deep.equal([physical(T.crawler, "lake-crawler").arn]);
            expect(allowed(s, "glue:GetCrawler")).to.deep.equal([physical(T.crawler, "lake-crawler").arn]);
            expect(allowed(s, "sqs:ReceiveMessage")).to.deep.equal([physical(T.queue, "lake-start-crawler-queue").arn]);
            expect(allowed(s, "logs:PutLogEvents")).to.deep.equal([
                `${physical("aws:cloudwatch/logGroup:LogGroup", "lake-start-crawler-logs").arn}:*`,
            ]);
            const table = physical("aws:dynamodb/table:Table", "lake-uploads").arn;
            expect(allowed(s, "dynamodb:UpdateItem")).to.deep.equal([table]);
            expect(allowed(s, "kms:Decrypt")).to.deep.equal([physical("aws:kms/key:Key", "lake-key").arn]);
            expect(s.find((x) => x.Sid === "UseThePipelineKeyThroughDynamoDb")?.Condition).to.deep.equal({
                StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` },
            });
            expect(s.flatMap((x) => list(x.Action)).sort()).to.deep.equal([
                "dynamodb:UpdateItem",
                "glue:GetCrawler",
                "glue:StartCrawler",
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ]);
        });

        it("start-job may start this job and read its queue, nothing else", () => {
            const s = statements(r, "lake-start-job-role");
            expect(allowed(s, "glue:StartJobRun")).to.deep.equal([physical(T.job, "lake-job").arn]);
            expect(allowed(s, "sqs:DeleteMessage")).to.deep.equal([physical(T.queue, "lake-start-job-queue").arn]);
            expect(s.flatMap((x) => list(x.Action))).to.not.include("glue:StartCrawler");
        });

        it("the job reads CSV and scripts, writes only Parquet, quarantine and temp files, claims uploads, keeps only the curated catalog", () => {
            const s = statements(r, "lake-glue");
            const bucketArn = physical(T.bucket, "lake-data").arn;
            expect(allowed(s, "s3:GetObject")).to.include.members([
                `${bucketArn}/csv_data*`,
                `${bucketArn}/glue/scripts/*`,
            ]);
            expect(allowed(s, "s3:PutObject")).to.deep.equal([
                `${bucketArn}/parquet_data*`,
                `${bucketArn}/quarantine*`,
                `${bucketArn}/glue/temp*`,
            ]);
            const table = physical("aws:dynamodb/table:Table", "lake-uploads").arn;
            expect(allowed(s, "dynamodb:UpdateItem")).to.deep.equal([table]);
            expect(allowed(s, "dynamodb:Query")).to.deep.equal([`${table}/index/todo`]);
            expect(
                s
                    .flatMap((x) => list(x.Action))
                    .filter((a) => a.startsWith("dynamodb:"))
                    .sort(),
            ).to.deep.equal(["dynamodb:Query", "dynamodb:UpdateItem"]);
            expect(allowed(s, "glue:GetJobRun")).to.deep.equal([physical(T.job, "lake-job").arn]);
            // and the earlier versions' ledger files, which the first run after an upgrade imports and removes
            expect(allowed(s, "s3:DeleteObject")).to.deep.equal([
                `${bucketArn}/glue/state/*`,
                ...allowed(s, "s3:PutObject"),
            ]);
            const db = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-raw");
            const curated = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-curated");
            expect(allowed(s, "glue:CreateTable")).to.deep.equal([
                `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
                curated.arn,
                `arn:aws:glue:${REGION}:${ACCOUNT}:table/${curated.name}/*`,
            ]);
            expect(s.flatMap((x) => list(x.Action)).some((a) => a.startsWith("sqs:"))).to.equal(false);
            expect(allowed(s, "glue:CreateTable")).to.not.include(db.arn);
            expect(r.json(T.role, "lake-glue", "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
                Service: "glue.amazonaws.com",
            });
        });

        it("the crawler reads the uploads, keeps only the raw catalog and consumes only its own event queues", () => {
            const s = statements(r, "lake-crawler-role");
            const bucketArn = physical(T.bucket, "lake-data").arn;
            expect(allowed(s, "s3:GetObject")).to.deep.equal([`${bucketArn}/csv_data*`]);
            expect(
                s.flatMap((x) => list(x.Action)).filter((a) => /^(s3:Put|s3:Delete|dynamodb:|sns:)/.test(a)),
            ).to.deep.equal([]);
            const db = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-raw");
            expect(allowed(s, "glue:CreateTable")).to.deep.equal([
                `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
                db.arn,
                `arn:aws:glue:${REGION}:${ACCOUNT}:table/${db.name}/*`,
            ]);
            const queues = [
                physical(T.queue, "lake-crawler-events-queue").arn,
                physical(T.queue, "lake-crawler-events-dlq").arn,
            ];
            for (const action of [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueUrl",
                "sqs:GetQueueAttributes",
                "sqs:SetQueueAttributes",
                "sqs:ListDeadLetterSourceQueues",
                "sqs:ListQueueTags",
                "sqs:PurgeQueue",
            ]) {
                expect(allowed(s, action), action).to.deep.equal(queues);
            }
            expect(r.json(T.role, "lake-crawler-role", "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
                Service: "glue.amazonaws.com",
            });
        });

        it("has no wildcard action, and a * resource only for an action without resource-level permissions", () => {
            for (const name of ["lake-glue", "lake-crawler-role", "lake-start-crawler-role", "lake-start-job-role"]) {
                for (const s of statements(r, name)) {
                    for (const action of list(s.Action)) {
                        expect(action, name).to.match(/^[a-z0-9]+:[A-Za-z]+$/);
                    }
                    if (list(s.Resource).includes("*")) {
                        expect(s.Action, name).to.equal("cloudwatch:PutMetricData");
                        expect(s.Condition).to.deep.equal({
                            StringEquals: { "cloudwatch:namespace": ["Glue", "Glue Data Quality", "CsvToParquet"] },
                        });
                    }
                }
            }
        });
    });

    describe("Glue", () => {
        it("crawls the raw prefix into one table per dataset, never dropping tables, from its S3 events (one target)", () => {
            const crawler = r.one(T.crawler, "lake-crawler").inputs;
            expect(crawler.name).to.equal("lake-crawler");
            expect(crawler.s3Targets).to.deep.equal([
                {
                    path: `s3://${physical(T.bucket, "lake-data").bucket}/csv_data/`,
                    eventQueueArn: physical(T.queue, "lake-crawler-events-queue").arn,
                    dlqEventQueueArn: physical(T.queue, "lake-crawler-events-dlq").arn,
                },
            ]);
            expect(crawler.recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_EVENT_MODE" });
            expect(crawler.schemaChangePolicy).to.deep.equal({
                updateBehavior: "UPDATE_IN_DATABASE",
                deleteBehavior: "LOG",
            });
            expect(crawler.role).to.equal(physical(T.role, "lake-crawler-role").arn);
            expect(crawler.databaseName).to.equal("lake_raw");
            const configuration = JSON.parse(crawler.configuration);
            expect(configuration.Grouping).to.deep.equal({
                TableGroupingPolicy: "CombineCompatibleSchemas",
                TableLevelConfiguration: 3,
            });
            expect(crawler.classifiers).to.deep.equal([physical("aws:glue/classifier:Classifier", "lake-csv").name]);
            expect(r.one("aws:glue/classifier:Classifier", "lake-csv").inputs.csvClassifier).to.deep.include({
                containsHeader: "PRESENT",
                delimiter: ",",
            });
        });

        it("runs the job as glueetl 5.0, G.1X x 2, one run at a time, without bookmarks, the core beside it", () => {
            const job = r.one(T.job, "lake-job").inputs;
            const bucket = physical(T.bucket, "lake-data").bucket;
            expect(job).to.deep.include({
                name: "lake-job",
                glueVersion: "5.0",
                workerType: "G.1X",
                numberOfWorkers: 2,
                executionClass: "STANDARD",
                timeout: 60,
                maxRetries: 0,
                executionProperty: { maxConcurrentRuns: 1 },
            });
            expect(job.command).to.deep.equal({
                name: "glueetl",
                pythonVersion: "3",
                scriptLocation: `s3://${bucket}/glue/scripts/glue_job.py`,
            });
            expect(job.defaultArguments).to.deep.include({
                "--job-bookmark-option": "job-bookmark-disable",
                "--extra-py-files": `s3://${bucket}/glue/scripts/lake.zip`,
                "--TempDir": `s3://${bucket}/glue/temp/`,
                "--bucket": bucket,
                "--raw_prefix": "csv_data/",
                "--output_prefix": "parquet_data/",
                "--staging_prefix": "glue/temp/staging/",
                "--uploads_table": physical("aws:dynamodb/table:Table", "lake-uploads").name,
                "--claim_timeout_minutes": "60",
                "--legacy_state_prefix": "glue/state/",
            });
            expect(job.defaultArguments).to.not.have.property("--enable-glue-datacatalog");
        });

        it("passes exactly the arguments the entry script asks awsglue for, and none Glue reserves", () => {
            const script = fs.readFileSync(ETL_SCRIPT_PATH, "utf8");
            const asked = [...(/^ARGS = \[([^\]]*)\]/m.exec(script) as RegExpExecArray)[1].matchAll(/"([^"]+)"/g)].map(
                (m) => m[1],
            );
            expect(asked[0]).to.equal("JOB_NAME"); // Glue passes it; JOB_RUN_ID is Glue's own and never asked for
            expect(asked).to.not.include.members(["JOB_RUN_ID", "JOB_ID", "SECURITY_CONFIGURATION", "TempDir"]);
            const args = Object.keys(r.one(T.job, "lake-job").inputs.defaultArguments).map((k) => k.replace(/^--/, ""));
            expect(args).to.include.members(asked.slice(1));
        });
    });

    describe("events", () => {
        const pattern = (name: string) => r.json(T.rule, name, "eventPattern");
        const names = { crawlerName: "lake-crawler", jobName: "lake-job" };

        it("starts the job only on this crawler's Succeeded state change", () => {
            const p = pattern("lake-crawl-succeeded");
            expect(matchesPattern(p, fixture("glue-crawler-succeeded", names))).to.equal(true);
            expect(matchesPattern(p, fixture("glue-crawler-succeeded", { crawlerName: "other" }))).to.equal(false);
            expect(matchesPattern(p, fixture("glue-crawler-failed", names))).to.equal(false);
            expect(matchesPattern(p, fixture("glue-crawler-started", names))).to.equal(false);
            expect(r.one(T.target, "lake-crawl-succeeded").inputs.arn).to.equal(
                physical(T.queue, "lake-start-job-queue").arn,
            );
            const [statement] = r.json(T.queuePolicy, "lake-crawl-completed").Statement;
            expect(statement.Principal).to.deep.equal({ Service: "events.amazonaws.com" });
            expect(statement.Condition).to.deep.equal({
                ArnEquals: { "aws:SourceArn": physical(T.rule, "lake-crawl-succeeded").arn },
            });
        });

        it("tells the topic of this job's SUCCEEDED/FAILED/TIMEOUT/STOPPED, this crawler's Failed and its alarms' recovery, nothing else", () => {
            const jobRule = pattern("lake-job-finished");
            expect(jobRule.detail.state).to.deep.equal(["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"]);
            expect(matchesPattern(jobRule, fixture("glue-job-succeeded", names))).to.equal(true);
            expect(matchesPattern(jobRule, fixture("glue-job-failed", names))).to.equal(true);
            expect(matchesPattern(jobRule, fixture("glue-job-failed", { jobName: "other" }))).to.equal(false);
            expect(matchesPattern(jobRule, fixture("glue-job-run-status", names))).to.equal(false);
            const crawlRule = pattern("lake-crawl-failed");
            expect(matchesPattern(crawlRule, fixture("glue-crawler-failed", names))).to.equal(true);
            expect(matchesPattern(crawlRule, fixture("glue-crawler-succeeded", names))).to.equal(false);
            const toTopic = r
                .ofType(T.target)
                .filter((t) => t.inputs.arn === TOPIC)
                .map((t) => t.name)
                .sort();
            expect(toTopic).to.deep.equal(["lake-alarm-recovered", "lake-crawl-failed", "lake-job-finished"]);
        });
    });

    it("exposes the important children and locations", async () => {
        const bucket = physical(T.bucket, "lake-data").bucket;
        expect(await valueOf(p.uploadLocation)).to.equal(`s3://${bucket}/csv_data/`);
        expect(await valueOf(p.outputLocation)).to.equal(`s3://${bucket}/parquet_data/`);
        expect(await valueOf(p.crawlerName)).to.equal("lake-crawler");
        expect(await valueOf(p.jobName)).to.equal("lake-job");
        expect(await valueOf(p.topicArn)).to.equal(TOPIC);
    });

    it("lets two pipelines share a stack without a name collision", async () => {
        const { resources } = await build((opts) => [
            new CsvToParquetPipeline("alpha", { notificationTopicArn: TOPIC }, opts),
            new CsvToParquetPipeline("beta", { notificationTopicArn: TOPIC }, opts),
        ]);
        const keys = resources.all.map((x) => `${x.type}::${x.name}`);
        expect(new Set(keys).size).to.equal(keys.length);
        for (const [type, count] of [
            [T.crawler, 2],
            [T.job, 2],
            ["aws:glue/catalogDatabase:CatalogDatabase", 4],
        ] as const) {
            const names = resources.ofType(type).map((x) => x.state.name);
            expect(names, type).to.have.length(count);
            expect(new Set(names).size, type).to.equal(count);
        }
    });

    describe("bad arguments", () => {
        const cases: [string, Partial<CsvToParquetPipelineArgs>, string][] = [
            ["fewer than 2 workers", { numberOfWorkers: 1 }, "numberOfWorkers"],
            ["an unknown worker type", { workerType: "G.9X" }, "workerType"],
            ["FLEX on G.8X", { executionClass: "FLEX", workerType: "G.8X" }, "workerType"],
            ["overlapping prefixes", { outputPrefix: "csv_data/out/" }, "outputPrefix"],
            ["a retry interval below six function timeouts", { retryIntervalSeconds: 60 }, "retryIntervalSeconds"],
            ["rules that are not DQDL", { dataQuality: { rules: "RowCount > 0" } }, "dataQuality.rules"],
            [
                "a quarantine share over 100%",
                { dataQuality: { maxQuarantinedPercent: 101 } },
                "dataQuality.maxQuarantinedPercent",
            ],
            ["11 job retries", { jobMaxRetries: 11 }, "jobMaxRetries"],
            ["an Athena limit of 1 MiB", { athenaBytesScannedCutoffMb: 1 }, "athenaBytesScannedCutoffMb"],
            ["a quarantine prefix inside the raw prefix", { quarantinePrefix: "csv_data/q/" }, "quarantinePrefix"],
        ];
        for (const [what, args, field] of cases) {
            it(`throws a ResourceError naming ${field} for ${what}`, () => {
                const name = `bad-${field.toLowerCase().replace(/[^a-z0-9]/g, "-")}`;
                expect(() => new CsvToParquetPipeline(name, { notificationTopicArn: TOPIC, ...args })).to.throw(
                    new RegExp(`CsvToParquetPipeline ${name}: ${field.replace(".", "\\.")} `),
                );
            });
        }
        it("throws for a name S3 cannot use", () => {
            expect(() => new CsvToParquetPipeline("Upper_Case", { notificationTopicArn: TOPIC })).to.throw(
                /: name "Upper_Case"/,
            );
        });
    });
});
