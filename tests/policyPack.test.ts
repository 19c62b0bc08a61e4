/*
 * The CrossGuard pack: each policy on a passing and a failing resource, then the whole pack over both stacks'
 * resources as recorded under mocks. policy/index.ts (which starts the analyzer server) is never imported.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { POLICIES, TYPES } from "../policy/policies";
import { Inputs, Recorded } from "../testkit/harness";
import { buildStack } from "../testkit/stackFiles";

type Policy = ResourceValidationPolicy | StackValidationPolicy;
interface Violation {
    policy: string;
    message: string;
    urn?: string;
}

const OPTS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};
const unused = () => {
    throw new Error("the policies match resources by type token");
};

/** A resource as the pack sees it. `dependsOn` maps a property to the resources its value came from. */
function policyResource(
    type: string,
    name: string,
    props: Inputs,
    dependsOn: Record<string, PolicyResource[]> = {},
): PolicyResource {
    return {
        type,
        name,
        props,
        urn: `urn:pulumi:test::csv-to-parquet::${type}::${name}`,
        opts: OPTS,
        dependencies: Object.values(dependsOn).flat(),
        propertyDependencies: dependsOn,
        isType: unused,
        asType: unused,
    };
}

function resourceArgs(r: PolicyResource): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags: new Map(),
        isType: unused,
        asType: unused,
        getConfig: unused,
        notApplicable: unused,
    };
}

/** Runs policies (the whole pack unless told) as the engine would: each resource check per resource, each stack check once. */
async function run(resources: PolicyResource[], policies: Policy[] = POLICIES): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const report = (message: string, urn?: string) => violations.push({ policy: policy.name, message, urn });
        if ("validateResource" in policy && policy.validateResource) {
            const checks = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const r of resources) for (const check of checks) await check(resourceArgs(r), report);
        }
        if ("validateStack" in policy && policy.validateStack) {
            await policy.validateStack(
                { resources, stackTags: new Map(), getConfig: unused, notApplicable: unused },
                report,
            );
        }
    }
    return violations;
}

const byName = (name: string) => {
    const policy = POLICIES.find((p) => p.name === name);
    if (!policy) throw new Error(`no policy ${name}`);
    return policy;
};
const doc = (...Statement: Inputs[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const tlsDeny = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const bucket = policyResource(TYPES.bucket, "data", { bucket: "data-0a1b2c3" });
const companions = (omit: string) =>
    [TYPES.publicAccessBlock, TYPES.encryption, TYPES.bucketPolicy]
        .filter((type) => type !== omit)
        .map((type) => policyResource(type, `data-${type}`, {}, { bucket: [bucket] }));

/** Per policy: resources that pass, resources that fail, and a fragment of the failing message. */
const CASES: Record<string, { pass: PolicyResource[]; fail: PolicyResource[]; says: string }> = {
    "s3-block-public-access": {
        pass: [
            policyResource(TYPES.publicAccessBlock, "bpa", {
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            }),
        ],
        fail: [
            policyResource(TYPES.publicAccessBlock, "bpa", {
                blockPublicAcls: true,
                blockPublicPolicy: false,
                ignorePublicAcls: true,
            }),
        ],
        says: "blockPublicPolicy, restrictPublicBuckets off",
    },
    "s3-bucket-has-public-access-block": {
        pass: [bucket, ...companions("")],
        fail: [bucket, ...companions(TYPES.publicAccessBlock)],
        says: "no public access block",
    },
    "s3-encryption": {
        pass: [
            policyResource(TYPES.encryption, "sse", {
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: "arn:aws:kms:eu-west-1:1:key/k",
                        },
                    },
                ],
            }),
            policyResource(TYPES.encryption, "sse", {
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            }),
        ],
        fail: [
            policyResource(TYPES.encryption, "sse", {
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
            }),
        ],
        says: "aws:kms with a customer managed key",
    },
    "s3-bucket-encrypted": {
        pass: [bucket, ...companions("")],
        fail: [bucket, ...companions(TYPES.encryption)],
        says: "no default encryption",
    },
    "s3-tls-only": {
        pass: [policyResource(TYPES.bucketPolicy, "bp", { policy: doc(tlsDeny) })],
        fail: [policyResource(TYPES.bucketPolicy, "bp", { policy: doc({ ...tlsDeny, Resource: "arn:aws:s3:::b/*" }) })],
        says: "does not deny s3:* without TLS",
    },
    "s3-bucket-has-policy": {
        pass: [bucket, ...companions("")],
        fail: [bucket, ...companions(TYPES.bucketPolicy)],
        says: "no bucket policy",
    },
    "iam-no-wildcard-actions": {
        pass: [
            policyResource(TYPES.rolePolicy, "rp", {
                policy: doc(
                    { Effect: "Allow", Action: "glue:StartCrawler", Resource: "*" },
                    { Effect: "Deny", Action: "s3:*", Resource: "*" },
                ),
            }),
        ],
        fail: [
            policyResource(TYPES.rolePolicy, "rp", {
                policy: doc({ Sid: "Everything", Effect: "Allow", Action: ["s3:*"], Resource: "*" }),
            }),
            policyResource(TYPES.role, "r", {
                inlinePolicies: [{ policy: doc({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }) }],
            }),
        ],
        says: "Statement Everything allows",
    },
    "iam-no-broad-managed-policies": {
        pass: [
            policyResource(TYPES.rolePolicyAttachment, "a", {
                policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            }),
        ],
        fail: [
            policyResource(TYPES.rolePolicyAttachment, "a", {
                policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            }),
            policyResource(TYPES.role, "r", { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
        ],
        says: "Role is given arn:aws:iam::aws:policy/",
    },
    "no-public-resource-policies": {
        pass: [
            policyResource(TYPES.topicPolicy, "tp", {
                policy: doc({
                    Effect: "Allow",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: "t",
                    Condition: { StringEquals: { "aws:SourceAccount": "1" } },
                }),
            }),
        ],
        fail: [
            policyResource(TYPES.queuePolicy, "qp", {
                policy: doc({
                    Sid: "Open",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: "sqs:SendMessage",
                    Resource: "q",
                }),
            }),
        ],
        says: "Statement Open allows anyone",
    },
    "lambda-supported-runtime": {
        pass: [policyResource(TYPES.lambda, "fn", { runtime: "nodejs22.x" })],
        fail: [policyResource(TYPES.lambda, "fn", { runtime: "nodejs16.x" })],
        says: "Runtime nodejs16.x is not one of",
    },
    "log-group-retention-and-key": {
        pass: [
            policyResource(TYPES.logGroup, "lg", { retentionInDays: 30, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k" }),
        ],
        fail: [
            policyResource(TYPES.logGroup, "lg", { kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k" }),
            policyResource(TYPES.logGroup, "lg", { retentionInDays: 7 }),
        ],
        says: "Log group",
    },
    "sns-topic-encrypted": {
        pass: [policyResource(TYPES.topic, "t", { kmsMasterKeyId: "arn:aws:kms:eu-west-1:1:key/k" })],
        fail: [
            policyResource(TYPES.topic, "t", {}),
            policyResource(TYPES.topic, "t", { kmsMasterKeyId: "alias/aws/sns" }),
        ],
        says: "Topic",
    },
    "sqs-queue-encrypted": {
        pass: [
            policyResource(TYPES.queue, "q", { sqsManagedSseEnabled: true }),
            policyResource(TYPES.queue, "q", { kmsMasterKeyId: "alias/k" }),
        ],
        fail: [policyResource(TYPES.queue, "q", { sqsManagedSseEnabled: false })],
        says: "Queue is not encrypted",
    },
    "dynamodb-table-encrypted-with-cmk": {
        pass: [
            policyResource(TYPES.table, "t", {
                serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" },
            }),
        ],
        fail: [
            policyResource(TYPES.table, "t", {}),
            policyResource(TYPES.table, "t", { serverSideEncryption: { enabled: true } }),
        ],
        says: "Table is encrypted with a key AWS owns",
    },
    "kms-key-rotation": {
        pass: [
            policyResource(TYPES.key, "k", { enableKeyRotation: true }),
            policyResource(TYPES.key, "k", { customerMasterKeySpec: "RSA_2048" }),
        ],
        fail: [policyResource(TYPES.key, "k", {})],
        says: "Key rotation is off",
    },
    "glue-security-configuration": {
        pass: [
            policyResource(TYPES.job, "j", { securityConfiguration: "sec" }),
            policyResource(TYPES.securityConfiguration, "sec", {
                encryptionConfiguration: {
                    s3Encryption: { s3EncryptionMode: "SSE-S3" },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS" },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS" },
                },
            }),
        ],
        fail: [
            policyResource(TYPES.crawler, "c", {}),
            policyResource(TYPES.securityConfiguration, "sec", {
                encryptionConfiguration: {
                    s3Encryption: { s3EncryptionMode: "SSE-S3" },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "DISABLED" },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS" },
                },
            }),
        ],
        says: "security configuration",
    },
};

describe("policy pack", () => {
    it("has a passing and a failing case for every policy, and every policy is mandatory", () => {
        expect(Object.keys(CASES).sort()).to.deep.equal(POLICIES.map((p) => p.name).sort());
        for (const p of POLICIES) expect(p.enforcementLevel, p.name).to.equal("mandatory");
    });

    it("is described truly in docs/security.md: its size, and every policy the FSBP table names", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "security.md"), "utf8");
        expect(doc).to.contain(`${POLICIES.length} mandatory policies`);
        const named = [...doc.matchAll(/pack `([a-z0-9-]+)`(?:, `([a-z0-9-]+)`)?/g)]
            .flatMap((m) => [m[1], m[2]])
            .filter(Boolean);
        expect(named.length).to.be.above(10);
        for (const name of named)
            expect(
                POLICIES.map((p) => p.name),
                name,
            ).to.include(name);
    });

    for (const [name, c] of Object.entries(CASES)) {
        describe(name, () => {
            it("passes a compliant resource", async () => {
                expect(await run(c.pass, [byName(name)])).to.deep.equal([]);
            });
            it("reports each failing resource", async () => {
                const policy = byName(name);
                // A stack policy judges the failing resources together; a resource policy judges each alone.
                const scenarios = "validateStack" in policy ? [c.fail] : c.fail.map((r) => [r]);
                for (const scenario of scenarios) {
                    const found = await run(scenario, [policy]);
                    expect(found, JSON.stringify(scenario.map((r) => r.props))).to.have.length.at.least(1);
                    for (const v of found) expect(v.message).to.contain(c.says);
                }
            });
        });
    }

    it("matches a bucket's companions by value once ids are known, as after an update", async () => {
        const known = [
            bucket,
            ...[TYPES.publicAccessBlock, TYPES.encryption, TYPES.bucketPolicy].map((type) =>
                policyResource(type, `by-value-${type}`, { bucket: "data-0a1b2c3" }),
            ),
        ];
        const stackPolicies = ["s3-bucket-has-public-access-block", "s3-bucket-encrypted", "s3-bucket-has-policy"].map(
            byName,
        );
        expect(await run(known, stackPolicies)).to.deep.equal([]);
        const other = known.map((r) => (r === bucket ? r : { ...r, props: { bucket: "another-bucket" } }));
        expect((await run(other, stackPolicies)).map((v) => v.policy)).to.deep.equal(stackPolicies.map((p) => p.name));
    });

    for (const stack of ["dev", "prod"]) {
        it(`finds no violation in the ${stack} stack`, async () => {
            const recorded: Recorded[] = (await buildStack(stack)).all;
            const resources = recorded.map((r) => policyResource(r.type, r.name, r.state));
            expect(await run(resources)).to.deep.equal([]);
            // The pack had something to check: every type it governs that this program creates is present.
            const present = new Set(recorded.map((r) => r.type));
            const governed = Object.values(TYPES).filter((t) => present.has(t));
            expect(governed).to.have.length(Object.values(TYPES).length - 2);
            expect(present.has(TYPES.rolePolicyAttachment) || present.has(TYPES.policy)).to.equal(false);
        });
    }
});
