/* The flow between the stages (components/pipelineFlow.ts): S3 to the uploads topic and its two queues, the
   queue-fed functions, and the EventBridge rules from the crawler to the job and from Glue and the alarms to the
   notification topic. */
import { expect } from "chai";
import { ACCOUNT, Resources, Statement, T, TOPIC } from "../testkit/harness";
import { fixture, matchesPattern } from "../testkit/events";
import { buildPipeline } from "../testkit/pipeline";

describe("CsvToParquetPipeline flow", () => {
    let r: Resources;
    const physical = (type: string, suffix: string) => r.one(type, suffix).state;

    before(async () => {
        r = (await buildPipeline("lake")).resources;
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
});
