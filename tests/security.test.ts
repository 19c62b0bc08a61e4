/*
 * What a security reviewer signs off on, for both stacks as their stack files deploy them: what is encrypted and
 * with which key, what prod protects, and, decided by an IAM policy simulator over the very policy documents the
 * program produces, which requests are allowed and which are denied.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT, Inputs, REGION, Resources } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";
import { buildStack } from "../testkit/stackFiles";
import { DEFAULT_KEY_POLICY, iamCases, Make, OTHER_ACCOUNT } from "./iamCases";
import { decide, Decision, stackPolicies, StackPolicies } from "./iamSimulation";
import { BucketEncryption, CsvToParquetPipeline } from "../packages/csv-to-parquet/src";

const KEY = "aws:kms/key:Key";

for (const stack of ["dev", "prod"]) {
    describe(`security of the ${stack} stack`, () => {
        let r: Resources;
        const p = {} as StackPolicies;
        const inputs = (type: string, name: string): Inputs => r.one(type, name).inputs;

        before(async () => {
            r = await buildStack(stack);
            Object.assign(p, stackPolicies(r, ACCOUNT));
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
            const cases = iamCases(stack, p);
            it("is counted truly in docs/security.md", () => {
                const doc = fs
                    .readFileSync(path.join(__dirname, "..", "docs", "security.md"), "utf8")
                    .replace(/\s+/g, " ");
                const allowed = cases.Allowed.length;
                const denied = cases.ExplicitlyDenied.length + cases.ImplicitlyDenied.length;
                expect(doc).to.contain(
                    `${allowed + denied} requests per stack: ${allowed} that must be allowed and ${denied} that must be denied`,
                );
            });
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
        const { resources: r } = await buildPipeline("plain", { bucketEncryption: "SSE-S3" });
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
                    // What a program in another language, or in JavaScript, may pass: the types do not stop it there.
                    bucketEncryption: "SSE-C" as BucketEncryption,
                }),
        ).to.throw(/CsvToParquetPipeline bad: bucketEncryption must be SSE-KMS or SSE-S3, not "SSE-C"/);
    });
});
